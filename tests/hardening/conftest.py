# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the hardening suite: the session's copy of the plugins, one
simulator per module (reset before each test that uses it; the integration
tests' fixture), a raw HTTP server, credential files."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hardening_util as hu  # noqa: E402
from plugin import _reset_sim, sim  # noqa: E402,F401 (tests/integration/plugin.py's fixtures)
from ports import free_port  # noqa: E402


def pytest_sessionstart(session):
    try:
        hu.binaries()
    except RuntimeError as exc:
        pytest.exit(str(exc), returncode=1)


@pytest.fixture(scope="module")
def raw():
    with hu.RawServer() as server:
        yield server


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory):
    """The right client secret, mode 0600."""
    directory = tmp_path_factory.mktemp("hardening-credentials")
    path = directory / "client-secret"
    path.write_text(hu.CLIENT_SECRET + "\n")
    os.chmod(path, 0o600)
    return path


@pytest.fixture(scope="session")
def closed_port():
    """A loopback TCP port nobody listens on (bound, then released)."""
    return free_port()
