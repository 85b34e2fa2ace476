# SPDX-License-Identifier: GPL-3.0-or-later
"""The environment cannot change what the plugins trust or where TLS secrets
go (issue 19, finding 3). Each row runs check_prioticket_ping against a real
TLS server on loopback (openssl s_server, TLS 1.3 only, with the simulator's
test CA) with one variable set, and says what the plugin must do:

- SSLKEYLOGFILE: libcurl appends the session secrets to that file when its
  TLS backend starts (a capture of the traffic could then be decrypted):
  no file is written, and the handshake works;
- OPENSSL_CONF: another OpenSSL configuration (it could load code, or set
  protocols and ciphers); here one without any TLS 1.3 cipher suite, which
  would make the handshake with the TLS 1.3 server fail: it is ignored;
- SSL_CERT_FILE, SSL_CERT_DIR, CURL_CA_BUNDLE name the test CA: the server
  is still not trusted without --ca-file (libcurl 7.88 never read these;
  the rows keep it so);
and the same runs with --ca-file trust the server whatever is set.
"""

import os
import socket
import subprocess
import sys
import time

import pytest

from local_servers import stop_process
from plugin import CRITICAL, OK, SIM_DIR, run

sys.path.insert(0, str(SIM_DIR))
from simctl import shared_cert_dir  # noqa: E402

START_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """openssl s_server -www on 127.0.0.1, TLS 1.3 only; stopped by PID."""
    certs = shared_cert_dir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("s_server") / "log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-www", "-tls1_3", "-quiet",
             "-cert", f"{certs}/good.pem", "-key", f"{certs}/good.key"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
        yield {"url": f"https://127.0.0.1:{port}/v3.8/distributor", "ca_file": f"{certs}/ca.pem",
               "ca_dir": f"{certs}/ca-hashdir"}
    finally:
        stop_process(proc)


def no_tls13_config(path):
    """A system default with no TLS 1.3 cipher suite (libcurl sets the
    protocol versions itself, but leaves the suites to the configuration)."""
    path.write_text("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n"
                    "[sys]\nCiphersuites =\n")
    return path


#  variable          value (from the server's files or tmp_path)            with --ca-file  state
ROWS = [
    ("SSLKEYLOGFILE", lambda srv, tmp: tmp / "keys.log", True, OK),
    ("SSLKEYLOGFILE", lambda srv, tmp: tmp / "keys.log", False, CRITICAL),
    ("OPENSSL_CONF", lambda srv, tmp: no_tls13_config(tmp / "no-tls13.cnf"), True, OK),
    ("SSL_CERT_FILE", lambda srv, tmp: srv["ca_file"], False, CRITICAL),
    ("SSL_CERT_DIR", lambda srv, tmp: srv["ca_dir"], False, CRITICAL),
    ("CURL_CA_BUNDLE", lambda srv, tmp: srv["ca_file"], False, CRITICAL),
]


@pytest.mark.parametrize("variable,value,ca_file,state", ROWS,
                         ids=[f"{r[0]}-{'ca-file' if r[2] else 'system-trust'}" for r in ROWS])
def test_variable_is_ignored(tls_server, tmp_path, variable, value, ca_file, state):
    setting = str(value(tls_server, tmp_path))
    argv = ["-u", tls_server["url"], "-vv"]
    if ca_file:
        argv += ["--ca-file", tls_server["ca_file"]]
    r = run("ping", argv, env={variable: setting}, timeout=20)
    assert r.rc == state, r.describe()
    if state == OK:
        assert r.first_line.startswith("PRIOTICKET PING OK - HTTP 200"), r.describe()
        assert "TLS: TLSv1.3" in r.stdout, r.describe()
    else:
        assert "TLS failure: SSL certificate problem" in r.first_line, r.describe()
    if variable == "SSLKEYLOGFILE":
        assert not os.path.exists(setting), "the TLS secrets were written to SSLKEYLOGFILE"
