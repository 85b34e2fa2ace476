# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the engine tests (the harness is in engine_harness.py)."""

import os
import sys
from pathlib import Path

import pytest

# The harness module sits next to this file; make it importable whatever
# pytest's import mode (importlib mode does not touch sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_harness import (ICINGA2, PLUGIN_DIR, PLUGINS, SIM_DIR, IcingaPKI,
                            skip_without)  # noqa: E402


@pytest.fixture(scope="session")
def plugin_dir():
    """The built plugins; a missing build is a failure, not a skip."""
    missing = [p for p in PLUGINS
               if not os.access(str(PLUGIN_DIR / p), os.X_OK)]
    if missing:
        pytest.fail("plugin binaries missing in %s: %s; build first "
                    "(autoreconf -fi && ./configure && make) or set "
                    "PRIOTICKET_PLUGIN_DIR" % (PLUGIN_DIR, ", ".join(missing)),
                    pytrace=False)
    return PLUGIN_DIR


def _simulator_class():
    if not (SIM_DIR / "simctl.py").is_file():
        pytest.fail("simulator not found at %s" % SIM_DIR, pytrace=False)
    sys.path.insert(0, str(SIM_DIR))
    try:
        from simctl import Simulator  # noqa: E402 - path set just above
    finally:
        sys.path.remove(str(SIM_DIR))
    return Simulator


@pytest.fixture(scope="module")
def simulator():
    """A plain-HTTP simulator of its own for each test module, so that its
    request counts belong to that module alone."""
    with _simulator_class()(tls=False) as sim:
        yield sim


@pytest.fixture(scope="session")
def icinga_pki(tmp_path_factory):
    skip_without(ICINGA2, "icinga2")
    return IcingaPKI(tmp_path_factory.mktemp("icinga-pki"))
