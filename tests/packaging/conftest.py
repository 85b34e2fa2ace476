# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the packaging proofs; the helpers are in packaging_harness.py."""

import subprocess
import sys
from pathlib import Path

import pytest

# The harness sits next to this file; make it importable whatever pytest's
# import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from packaging_harness import (ASSET_TOOLS, BUILD_DIR, CLIENT_ID, CLIENT_SECRET,  # noqa: E402
                               DEB_TOOLS, Simulator, need, timed)


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
