"""Fixtures of the packaging proofs: the Debian package and the Sensu asset
are built once per session from the configured tree (make deb, make
sensu-asset, into private directories), and each proof runs in a fresh
Debian 12 minbase chroot made by tools/fresh-debian. The chroot shares the
host's network, so the simulator runs here, on the host, on 127.0.0.1:
nothing of it (python3, OpenSSL) has to be installed in the chroot.

These tests are heavy (apt-get in a chroot); each prints how long it took.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("PT_BUILDDIR", str(REPO_ROOT))).resolve()
FRESH_DEBIAN = REPO_ROOT / "tools" / "fresh-debian"
HERE = Path(__file__).resolve().parent

sys.path.insert(0, str(REPO_ROOT / "tests" / "simulator"))
from simctl import Simulator  # noqa: E402

CLIENT_ID = "pkg-client"
CLIENT_SECRET = "pkg-secret-Hn4Tq9Lw"

# tool -> the Debian package that has it
DEB_TOOLS = {"dpkg-buildpackage": "dpkg-dev", "dh": "debhelper", "lintian": "lintian"}
CHROOT_TOOLS = {"debootstrap": "debootstrap"}
ASSET_TOOLS = {"patchelf": "patchelf", "objdump": "binutils"}


def need(tools):
    """Skip, naming the Debian package, when a tool is missing."""
    for tool, package in tools.items():
        if shutil.which(tool) is None:
            pytest.skip("%s not found: install the Debian package %s "
                        "(tools/setup-debian --test does)" % (tool, package))


def need_root():
    if os.geteuid() != 0:
        pytest.skip("the chroot proofs need root (debootstrap, chroot, mount)")


def timed(label, func):
    start = time.monotonic()
    try:
        return func()
    finally:
        print("\n%s took %.1f s" % (label, time.monotonic() - start),
              file=sys.stderr)


@pytest.fixture(scope="session")
def deb_build(tmp_path_factory):
    """make deb into a private directory: {'deb': Path, 'changes': Path}."""
    need(DEB_TOOLS)
    out = tmp_path_factory.mktemp("deb")
    res = timed("make deb", lambda: subprocess.run(
        ["make", "-C", str(BUILD_DIR), "deb", "DEB_DIR=%s" % out],
        capture_output=True, text=True, timeout=1200, check=False))
    assert res.returncode == 0, "make deb failed:\n%s\n%s" % (
        res.stdout[-4000:], res.stderr[-4000:])
    debs = [p for p in out.glob("monitoring-plugins-prioticket_*.deb")]
    changes = list(out.glob("monitoring-plugins-prioticket_*.changes"))
    assert len(debs) == 1 and len(changes) == 1, list(out.iterdir())
    return {"deb": debs[0], "changes": changes[0], "dir": out,
            "log": res.stdout + res.stderr}


@pytest.fixture(scope="session")
def sensu_asset(tmp_path_factory):
    """make sensu-asset into a private directory."""
    need(ASSET_TOOLS)
    out = tmp_path_factory.mktemp("sensu")
    res = timed("make sensu-asset", lambda: subprocess.run(
        ["make", "-C", str(BUILD_DIR), "sensu-asset", "SENSU_ASSET_DIR=%s" % out,
         "SENSU_ASSET_URL=https://assets.example.com/sensu"],
        capture_output=True, text=True, timeout=600, check=False))
    assert res.returncode == 0, "make sensu-asset failed:\n%s\n%s" % (
        res.stdout[-4000:], res.stderr[-4000:])
    return {"dir": out, "log": res.stdout + res.stderr}


@pytest.fixture(scope="module")
def sim():
    with Simulator(tls=True, client_id=CLIENT_ID,
                   client_secret=CLIENT_SECRET) as simulator:
        yield simulator


def fresh_debian(command, ins=(), timeout=1800):
    """Runs a shell command in a fresh Debian 12 minbase chroot; ins are
    (host path, chroot path) pairs copied in. Returns CompletedProcess."""
    need_root()
    need(CHROOT_TOOLS)
    args = [str(FRESH_DEBIAN), "run"]
    for src, dst in ins:
        args += ["--in", str(src), dst]
    args += ["--", command]
    return timed("fresh-debian run", lambda: subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=False,
        stdin=subprocess.DEVNULL))


def sections(stdout):
    """The chroot scripts print '@@@ name' lines; returns {name: text}."""
    out = {}
    name = None
    for line in stdout.splitlines():
        if line.startswith("@@@ "):
            name = line[4:].strip()
            out.setdefault(name, "")
        elif name is not None:
            out[name] += line + "\n"
    return out
