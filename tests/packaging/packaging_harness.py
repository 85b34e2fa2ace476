# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness of the packaging proofs (a plainly named module, not conftest.py,
so that the test modules can import it whatever else the suite imports).
The Debian package and the Sensu asset are built once per session from the
configured tree (make deb, make sensu-asset, into private directories; the
fixtures are in conftest.py), and each proof runs in a fresh minbase
chroot of the Debian release the suite runs on (12 or 13), made by
tools/fresh-debian: what is built here is proven where it was built for.
The chroot shares the
host's network, so the simulator runs here, on the host, on 127.0.0.1:
nothing of it (python3, OpenSSL) has to be installed in the chroot.

These tests are heavy (apt-get in a chroot); each prints how long it took.
"""

import os
import re
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


def release_version():
    """The version of configure.ac's AC_INIT (tests/integration/test_version.py
    checks that every other place agrees)."""
    text = (REPO_ROOT / "configure.ac").read_text()
    return re.search(r"AC_INIT\(\[check_prioticket\], \[([^]]+)\]", text).group(1)


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


def debian_release():
    """The VERSION_ID of the machine the suite runs on ("12", "13")."""
    for line in Path("/etc/os-release").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and name == "VERSION_ID":
            return value.strip().strip('"')
    return ""


def fresh_debian(command, ins=(), timeout=1800):
    """Runs a shell command in a fresh minbase chroot of this machine's
    Debian release (tools/fresh-debian's default suite); ins are (host
    path, chroot path) pairs copied in. Returns CompletedProcess."""
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
