# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sensu Go asset (make sensu-asset): its layout, run paths, checksum
file, Asset resource and .bonsai.yml; the glibc it needs, as the README says
for the release it is built on; then, on a fresh minbase of that release
from which every package of libcurl, json-c, OpenSSL and nghttp2 is purged
(Debian 13's minbase holds OpenSSL), both plugins run the way the Sensu
agent runs an asset: OK over HTTP and HTTPS (the simulator's CA file, then
the system trust store), CRITICAL on a 503 and on an untrusted certificate."""

import hashlib
import re
import subprocess
import tarfile

import yaml

from packaging_harness import (HERE, REPO_ROOT, debian_release, fresh_debian, release_version,
                               sections)

GLIBC = re.compile(r"^(ld-linux[-\w.]*|lib(c|m|mvec|pthread|dl|rt|resolv|util|anl)"
                   r"\.so\.[0-9]+)$")
PLUGINS = ("check_prioticket_ping", "check_prioticket_status")


def asset_files(sensu_asset):
    d = sensu_asset["dir"]
    v = release_version()
    return (d / ("check-prioticket_%s_linux_amd64.tar.gz" % v),
            d / ("check-prioticket_%s_sha512-checksums.txt" % v),
            d / "check-prioticket-asset.yaml")


def test_tarball_layout_and_run_paths(sensu_asset, tmp_path):
    tarball, sums, _ = asset_files(sensu_asset)
    with tarfile.open(str(tarball)) as tar:
        names = tar.getnames()
        for m in tar.getmembers():
            assert m.uid == 0 and m.gid == 0, m.name
        # The "tar" filter (Python 3.12, and 3.11.4's backport) keeps what
        # an agent's unpacking keeps but refuses paths out of tmp_path;
        # without it, Python 3.13 warns.
        extract = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
        tar.extractall(str(tmp_path), **extract)
    tops = {n.split("/")[0] for n in names}
    assert tops == {"bin", "lib"}, tops
    assert sorted(n for n in names if n.startswith("bin/")) == [
        "bin/" + p for p in PLUGINS]
    libs = sorted(p.name for p in (tmp_path / "lib").iterdir())
    for must in ("libcurl.so.4", "libjson-c.so.5", "libssl.so.3",
                 "libcrypto.so.3", "libnghttp2.so.14"):
        assert must in libs
    assert not [l for l in libs if GLIBC.match(l)], libs
    for p in PLUGINS:
        dyn = subprocess.run(["readelf", "-d", str(tmp_path / "bin" / p)],
                             capture_output=True, text=True, check=True).stdout
        assert "Library runpath: [$ORIGIN/../lib]" in dyn, dyn
    # Every library any bundled file needs is bundled or glibc's.
    for f in list((tmp_path / "bin").iterdir()) + list((tmp_path / "lib").iterdir()):
        dyn = subprocess.run(["objdump", "-p", str(f)], capture_output=True,
                             text=True, check=True).stdout
        for need in re.findall(r"^\s+NEEDED\s+(\S+)$", dyn, re.M):
            assert need in libs or GLIBC.match(need), (f.name, need)


def test_checksum_file_and_asset_resource(sensu_asset):
    tarball, sums, asset_yaml = asset_files(sensu_asset)
    digest = hashlib.sha512(tarball.read_bytes()).hexdigest()
    assert sums.read_text() == "%s  %s\n" % (digest, tarball.name)
    asset = yaml.safe_load(asset_yaml.read_text())
    assert asset["type"] == "Asset" and asset["metadata"]["name"] == "check-prioticket"
    (build,) = asset["spec"]["builds"]
    assert build["sha512"] == digest
    assert build["url"] == "https://assets.example.com/sensu/" + tarball.name
    assert "entity.system.os == 'linux'" in build["filters"]
    assert "entity.system.arch == 'amd64'" in build["filters"]


def test_glibc_as_the_readme_says(sensu_asset):
    """make sensu-asset prints the newest GLIBC_ version the files need; the
    table in doc/sensu.md says it for the release the asset is built on."""
    printed = re.findall(r"needs glibc >= ([0-9.]+)$", sensu_asset["log"], re.M)
    assert printed, sensu_asset["log"]
    table = dict(re.findall(r"^\| Debian (\d+) \| glibc ([0-9.]+) or newer \|",
                            (REPO_ROOT / "doc" / "sensu.md").read_text(), re.M))
    release = debian_release()
    assert release in table, ("doc/sensu.md names no glibc for Debian %s" % release, table)
    assert printed[-1] == table[release], (printed, table)


def test_shipped_definitions_agree():
    """contrib's Asset, the checks' runtime_assets and .bonsai.yml name the
    same asset and the files make sensu-asset writes."""
    shipped = yaml.safe_load((REPO_ROOT / "contrib" / "sensu" /
                              "check-prioticket-asset.yaml").read_text())
    assert shipped["type"] == "Asset"
    name = shipped["metadata"]["name"]
    v = release_version()
    assert shipped["spec"]["builds"][0]["url"].endswith(
        "/check-prioticket_%s_linux_amd64.tar.gz" % v)
    docs = list(yaml.safe_load_all((REPO_ROOT / "contrib" / "sensu" /
                                    "check-prioticket.yaml").read_text()))
    checks = [d for d in docs if d["type"] == "CheckConfig"]
    assert checks
    for c in checks:
        assert c["spec"]["runtime_assets"] == [name], c["metadata"]["name"]
    bonsai = yaml.safe_load((REPO_ROOT / ".bonsai.yml").read_text())
    (b,) = bonsai["builds"]
    assert b["asset_filename"].replace("#{version}", v) == \
        "check-prioticket_%s_linux_amd64.tar.gz" % v
    assert b["sha_filename"].replace("#{version}", v) == \
        "check-prioticket_%s_sha512-checksums.txt" % v
    assert b["filter"] == ["entity.system.%s" % f.split("entity.system.", 1)[1]
                           for f in shipped["spec"]["builds"][0]["filters"]]


def state_of(section):
    lines = section.splitlines()
    assert lines and lines[0].startswith("rc="), section
    return int(lines[0][3:]), "\n".join(lines[1:])


def test_asset_on_fresh_debian_without_the_libraries(sensu_asset, sim):
    tarball, sums, _ = asset_files(sensu_asset)
    res = fresh_debian(
        "bash /opt/proof/sensu-proof.sh /opt/asset %s %s %s /opt/sim-ca.pem" % (
            sim.base_url(), sim.base_url(https=True),
            sim.base_url({"status": 503})),
        ins=[(HERE / "sensu-proof.sh", "/opt/proof/sensu-proof.sh"),
             (tarball, "/opt/asset/" + tarball.name),
             (sums, "/opt/asset/" + sums.name),
             (sim.ca_file, "/opt/sim-ca.pem")])
    out = sections(res.stdout)
    report = "rc=%s\nstdout:\n%s\nstderr:\n%s" % (res.returncode, res.stdout[-6000:],
                                                    res.stderr[-3000:])
    assert res.returncode == 0 and "end" in out, report
    # The machine really has none of them once purged; on Debian 13 the
    # minbase itself held OpenSSL.
    assert "rc=0" in out["ca-certificates"], report
    assert "rc=0" in out["purged"].splitlines(), report
    assert out["absent-packages"].strip() == "", report
    assert out["absent-libraries"].strip() == "", report
    assert out["absent-headers"].strip() == "", report
    assert "OK" in out["checksum"] and "rc=0" in out["checksum"], report
    assert out["layout"].split() == [".", "./bin", "./lib"], report
    # Every library but glibc's comes from the asset, with and without
    # LD_LIBRARY_PATH (the run path alone finds them).
    for key in ("ldd", "ldd-no-env"):
        for line in out[key].splitlines():
            m = re.match(r"\s+(\S+) => (\S+)", line)
            if not m:
                assert "not found" not in line, (key, line)
                continue
            soname, path = m.groups()
            if GLIBC.match(soname):
                continue
            assert path.startswith("/var/cache/sensu/sensu-agent/check-prioticket/"), (
                key, line)
    expect = {
        "http-ping": (0, "PRIOTICKET PING OK"),
        "http-status": (0, "PRIOTICKET STATUS OK"),
        "https-cafile-ping": (0, "PRIOTICKET PING OK"),
        "https-cafile-status": (0, "PRIOTICKET STATUS OK"),
        "503-ping": (2, "PRIOTICKET PING CRITICAL"),
        "503-status": (2, "PRIOTICKET STATUS CRITICAL"),
        "https-notrust-ping": (2, "PRIOTICKET PING CRITICAL"),
        "https-system-ping": (0, "PRIOTICKET PING OK"),
        "https-system-status": (0, "PRIOTICKET STATUS OK"),
    }
    for name, (rc, start) in expect.items():
        got_rc, text = state_of(out["run " + name])
        assert got_rc == rc and text.startswith(start), (name, got_rc, text, report)
    # The credentials were used (a token, then the probe with it).
    assert "anonymously" not in out["run http-ping"], out["run http-ping"]
    counts = sim.counts()
    assert counts.get("token", 0) >= 1, counts
