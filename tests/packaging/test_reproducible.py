# SPDX-License-Identifier: GPL-3.0-or-later
"""Reproducible builds: one commit, built twice from two clones, gives the
same bytes: the make dist tarball, the .deb (and its -dbgsym), and the
Sensu asset with its checksum file and Asset resource.

The two builds differ in what reprotest varies and a build must not
depend on (https://reproducible-builds.org/docs/):

| | first | second |
|---|---|---|
| directory | tmp/a | tmp/elsewhere/the-second-build (another name and depth) |
| clock | now | 400 days and 7 hours later (faketime) |
| umask | 022 | 002 |
| time zone, locale | UTC, C.UTF-8 | UTC-13, C |
| HOME | tmp/home-a | tmp/home-b |
| parallel jobs | 2 | 1 |

Nobody sets SOURCE_DATE_EPOCH: the tarball and the asset take their time
stamp from the commit, the package from debian/changelog, as they do for
whoever builds them. The commit is this tree's files (git's list, with
uncommitted changes as they are) committed afresh with HEAD's date (or
configure.ac's time outside a checkout), so the test shows what the tree
would give once committed. The two builds run at once; a difference is
shown member by member (diffoscope, if installed, tells more).
"""

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import time

from packaging_harness import ASSET_TOOLS, DEB_TOOLS, REPO_ROOT, need, release_version

REPRO_TOOLS = dict(DEB_TOOLS, git="git", faketime="faketime", **ASSET_TOOLS)
LATER = "+9607h"  # faketime's offset for the second build: 400 days and 7 hours
# Both builds take 3-5 minutes here; a build past this is stuck, not slow.
BUILD_TIMEOUT = 900


def source_epoch():
    if (REPO_ROOT / ".git").exists():
        return subprocess.run(["git", "-C", str(REPO_ROOT), "log", "-1", "--format=%ct"],
                              capture_output=True, text=True, check=True).stdout.strip()
    return str(int(os.stat(REPO_ROOT / "configure.ac").st_mtime))


def stage_commit(stage):
    """The tree's files in a new repository, one commit."""
    files = subprocess.run([str(REPO_ROOT / "tools" / "spdx"), "list", "--all", "-z"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        dst = stage / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, dst)
    epoch = "@" + source_epoch()
    env = dict(os.environ, GIT_AUTHOR_DATE=epoch, GIT_COMMITTER_DATE=epoch,
               GIT_AUTHOR_NAME="reproducible", GIT_AUTHOR_EMAIL="repro@example.invalid",
               GIT_COMMITTER_NAME="reproducible", GIT_COMMITTER_EMAIL="repro@example.invalid")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the tree under test"]):
        subprocess.run(["git", "-C", str(stage)] + cmd, env=env, check=True,
                       capture_output=True)


# The whole release, as CONTRIBUTING's checklist makes it.
BUILD = """set -e
autoreconf -fi
./configure -q
make $JOBS
make dist
make deb DEB_DIR="$OUT/deb"
make sensu-asset SENSU_ASSET_DIR="$OUT/sensu" SENSU_ASSET_URL=https://assets.example.com/sensu
"""


def start_build(stage, src, out, home, log, *, later, umask, tz, lang, jobs):
    subprocess.run(["git", "clone", "-q", str(stage), str(src)], check=True,
                   capture_output=True)
    out.mkdir(parents=True)
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOURCE_DATE_EPOCH", "MAKEFLAGS", "MFLAGS", "DEB_BUILD_OPTIONS",
                        "LANGUAGE") and not k.startswith("LC_")}
    env.update(HOME=str(home), TZ=tz, LANG=lang, LC_ALL=lang, OUT=str(out),
               JOBS="-j%d" % jobs, DEB_BUILD_OPTIONS="parallel=%d" % jobs)
    argv = ["bash", "-c", BUILD]
    if later:
        # Only the clock is later: files keep the times the kernel gives
        # them, as on a machine whose clock is later. Debian 13's libfaketime
        # also shifts the times stat() reads, so `cp -p` (automake's distdir)
        # wrote sources 400 days ahead of the files make then regenerated,
        # and make regenerated them forever.
        env["NO_FAKE_STAT"] = "1"
        argv = ["faketime", "-f", later] + argv
    return subprocess.Popen(argv, cwd=str(src), env=env, stdin=subprocess.DEVNULL,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            preexec_fn=lambda: os.umask(umask))


def artefacts(out, src):
    v = release_version()
    names = {
        "make dist": src / ("check_prioticket-%s.tar.gz" % v),
        ".deb": out / "deb" / ("monitoring-plugins-prioticket_%s_amd64.deb" % v),
        "-dbgsym .deb": out / "deb" / ("monitoring-plugins-prioticket-dbgsym_%s_amd64.deb" % v),
        "asset": out / "sensu" / ("check-prioticket_%s_linux_amd64.tar.gz" % v),
        "asset checksum file": out / "sensu" / ("check-prioticket_%s_sha512-checksums.txt" % v),
        "Asset resource": out / "sensu" / "check-prioticket-asset.yaml",
    }
    return names


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tar_members(data):
    """{name: (mode, uid, gid, uname, gname, mtime, sha256 of content)} of a tar."""
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for m in tar.getmembers():
            body = tar.extractfile(m).read() if m.isfile() else m.linkname.encode()
            out[m.name] = (oct(m.mode), m.uid, m.gid, m.uname, m.gname, m.mtime,
                           hashlib.sha256(body).hexdigest()[:16])
    return out


def explain(a, b):
    """Which members differ, and how (the first 20)."""
    def members(path):
        if path.suffix == ".deb":
            ctrl = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(path)],
                                  capture_output=True, check=True).stdout
            data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(path)],
                                  capture_output=True, check=True).stdout
            got = {"control/" + k: v for k, v in tar_members(ctrl).items()}
            got.update({"data/" + k: v for k, v in tar_members(data).items()})
            return got
        if path.name.endswith(".tar.gz"):
            return tar_members(path.read_bytes())
        return {"(file)": path.read_text()}
    try:
        ma, mb = members(a), members(b)
    except (OSError, subprocess.CalledProcessError, tarfile.TarError) as e:
        return "cannot compare the members: %s" % e
    lines = []
    for name in sorted(set(ma) | set(mb)):
        if ma.get(name) != mb.get(name):
            lines.append("  %s:\n    first  %s\n    second %s" % (name, ma.get(name), mb.get(name)))
    if not lines:
        lines.append("  the members are equal: the difference is in the archive's own headers")
    return "\n".join(lines[:20]) + "\n  (diffoscope %s %s tells more)" % (a, b)


def test_two_builds_of_one_commit_give_the_same_bytes(tmp_path):
    need(REPRO_TOOLS)
    stage = tmp_path / "stage"
    stage_commit(stage)
    builds = {
        "first": dict(src=tmp_path / "a", out=tmp_path / "out-a", home=tmp_path / "home-a",
                      later=None, umask=0o022, tz="UTC", lang="C.UTF-8", jobs=2),
        "second": dict(src=tmp_path / "elsewhere" / "the-second-build",
                       out=tmp_path / "elsewhere" / "out", home=tmp_path / "home-b",
                       later=LATER,
                       umask=0o002, tz="UTC-13", lang="C", jobs=1),
    }
    started = time.monotonic()
    procs = {}
    for name, b in builds.items():
        procs[name] = start_build(stage, b["src"], b["out"], b["home"],
                                  tmp_path / ("%s.log" % name), later=b["later"],
                                  umask=b["umask"], tz=b["tz"], lang=b["lang"], jobs=b["jobs"])
    try:
        for name, p in procs.items():
            rc = p.wait(timeout=BUILD_TIMEOUT)
            log = (tmp_path / ("%s.log" % name)).read_text(errors="replace")
            assert rc == 0, "the %s build failed (rc %s):\n%s" % (name, rc, log[-5000:])
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    print("\nboth builds took %.0f s" % (time.monotonic() - started))

    first = artefacts(builds["first"]["out"], builds["first"]["src"])
    second = artefacts(builds["second"]["out"], builds["second"]["src"])
    differ = []
    for what in first:
        a, b = first[what], second[what]
        assert a.is_file() and b.is_file(), (what, a, b)
        print("%-20s %s %s" % (what, sha256(a)[:16], a.name))
        if sha256(a) != sha256(b):
            differ.append("%s differs (%s):\n%s" % (what, a.name, explain(a, b)))
    assert not differ, "\n".join(differ)
    shutil.rmtree(tmp_path, ignore_errors=True)
