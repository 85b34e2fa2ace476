# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the integration tests: one simulator per test module, reset
before each test that uses it (plugin.py's), and the credential files the
plugins read."""

import os

import pytest

import plugin
from plugin import CLIENT_SECRET, API_KEY, _reset_sim, sim  # noqa: F401 (fixtures)
from ports import free_port


def pytest_sessionstart(session):
    missing = plugin.missing_binaries()
    if missing:
        pytest.exit(f"plugin binaries missing in {plugin.PLUGIN_DIR}: {', '.join(missing)}; "
                    "build first (autoreconf -fi && ./configure && make) or set PT_BUILDDIR",
                    returncode=1)


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """Credential files: name -> path (secret: the right secret, mode 0600)."""
    directory = tmp_path_factory.mktemp("credentials")
    os.chmod(directory, 0o755)
    specs = {
        "secret": (CLIENT_SECRET, 0o600),
        "secret_newline": (CLIENT_SECRET + "\n", 0o600),
        "secret_wrong": ("not-the-secret", 0o600),
        "secret_world": (CLIENT_SECRET, 0o644),
        "secret_world_writable": (CLIENT_SECRET, 0o602),
        "secret_empty": ("", 0o600),
        "api_key": (API_KEY, 0o600),
    }
    paths = {}
    for name, (content, mode) in specs.items():
        path = directory / name
        path.write_text(content)
        os.chmod(path, mode)
        paths[name] = path
    paths["missing"] = directory / "does-not-exist"
    paths["directory"] = directory
    return paths


@pytest.fixture(scope="session")
def closed_port():
    """A loopback TCP port nobody listens on (bound, then released)."""
    return free_port()
