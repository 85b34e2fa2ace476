# SPDX-License-Identifier: GPL-3.0-or-later
"""make install (into DESTDIR) ships the API simulator as
$(pkgdatadir)/prioticket-sim (issue 21): an executable that runs from where
it was installed, with python3 and its standard library alone, and the
installed plugins reach OK and CRITICAL against it over HTTP and over HTTPS
with the CA file it names; make uninstall takes it away again. The Debian
package's copy is proven on a fresh Debian 12 in test_deb.py."""

import json
import os
import select
import shutil
import signal
import subprocess

import pytest

from packaging_harness import BUILD_DIR

SECRET = "demo-secret"


def make(target, destdir):
    res = subprocess.run(["make", "-C", str(BUILD_DIR), target, "DESTDIR=%s" % destdir],
                         capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]


def one(found, what):
    assert len(found) == 1, (what, found)
    return found[0]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found: install the Debian package openssl "
                    "(tools/setup-debian --test does)")
    dest = tmp_path_factory.mktemp("destdir")
    make("install", dest)
    yield dest
    make("uninstall", dest)
    left = [str(p) for p in dest.rglob("*") if p.is_file()]
    assert left == [], left


def start(simulator, args):
    """The simulator as a user runs it: (Popen, its stdout announcement)."""
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    proc = subprocess.Popen([str(simulator)] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline() if ready else ""
    return proc, json.loads(line) if line else None


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def test_installed_simulator_serves_the_installed_plugins(installed, tmp_path):
    simulator = one(list(installed.rglob("prioticket-sim")), "prioticket-sim")
    assert simulator.parent.name == "check_prioticket", simulator
    assert os.access(simulator, os.X_OK)
    assert simulator.read_text().startswith("#!/usr/bin/python3\n")
    plugin = one(list(installed.rglob("check_prioticket_ping")), "check_prioticket_ping")
    secret = tmp_path / "secret"
    secret.write_text(SECRET + "\n")
    secret.chmod(0o600)
    proc, report = start(simulator, ["--tls-port", "0"])
    try:
        assert report, proc.stderr.read()
        http = "http://127.0.0.1:%d" % report["http"]
        https = "https://localhost:%d" % report["tls"]["https"]
        auth = ["--client-id", "demo-client", "--client-secret-file", str(secret)]
        rows = [
            (["-u", http + "/v3.8/distributor"] + auth, 0, "PRIOTICKET PING OK - HTTP 200"),
            (["-u", https + "/v3.8/distributor", "--ca-file", report["ca_file"]] + auth, 0,
             "PRIOTICKET PING OK - HTTP 200"),
            (["-u", http + "/sim/status=503/v3.8/distributor"], 2,
             "PRIOTICKET PING CRITICAL - HTTP 503"),
            (["-u", https + "/v3.8/distributor"], 2, "PRIOTICKET PING CRITICAL - TLS failure"),
        ]
        env = {"PATH": "/usr/bin:/bin", "MP_STATE_PATH": str(tmp_path / "state"),
               "HOME": str(tmp_path)}
        for args, rc, first in rows:
            res = subprocess.run([str(plugin)] + args, capture_output=True, text=True, env=env,
                                 timeout=30, check=False)
            assert res.returncode == rc and res.stdout.startswith(first), (args, res.stdout)
    finally:
        stop(proc)
    assert not os.path.exists(report["ca_file"])
