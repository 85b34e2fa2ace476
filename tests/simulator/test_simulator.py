# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-tests of prioticket_sim.py, certs.py and simctl.py.

Run: /usr/bin/python3 -m pytest tests/simulator -q
"""

import base64
import gzip
import http.client
import json
import os
import select
import signal
import socket
import ssl
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simctl import PYTHON, SIMULATOR, TLS_NAMES, Simulator, format_spec  # noqa: E402

BASIC = "Basic " + base64.b64encode(b"demo-client:demo-secret").decode()
GRANT = b'{"grant_type":"client_credentials"}'
JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def sim():
    with Simulator(tls=True, blackhole=True) as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def clean(request):
    if "sim" in request.fixturenames:
        request.getfixturevalue("sim").reset()


# ---- helpers -------------------------------------------------------------

class Response:
    def __init__(self, raw, body):
        self.status = raw.status
        self.headers = raw.headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def connection(url, timeout=5, context=None, server_hostname=None):
    parts = urlsplit(url)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=context or ssl.create_default_context())
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def fetch(url, method="GET", headers=None, body=None, timeout=5, context=None, conn=None):
    own = conn is None
    conn = conn or connection(url, timeout, context)
    try:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        raw = conn.getresponse()
        return Response(raw, raw.read())
    finally:
        if own:
            conn.close()


def get_token(sim, scenario=None, **kwargs):
    return fetch(sim.base_url(scenario) + "/oauth2/token", "POST",
                 {"Authorization": BASIC, **JSON_HEADERS}, GRANT, **kwargs)


def raw_request(port, path, host="127.0.0.1", timeout=2):
    """Socket with a GET for path already sent."""
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "connection closed before the headers ended"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode(), rest


def path_of(url):
    return urlsplit(url).path


def thread_count(pid):
    with open(f"/proc/{pid}/status") as fh:
        return int(next(line for line in fh if line.startswith("Threads:")).split()[1])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as fh:
        return int(next(line for line in fh if line.startswith("VmRSS:")).split()[1])


def wait_until(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def ipv6_available():
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


# ---- token endpoint ------------------------------------------------------

def test_token_success_shape(sim):
    response = get_token(sim)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    answer = response.json()
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 3600
    assert answer["scope"] == "https://www.prioticketapis.com/auth/distributor.booking"
    assert len(answer["access_token"].split(".")) == 3
    assert sim.counts()["token_ok"] == 1


def test_token_echoes_requested_scope_and_expires_in(sim):
    body = b'{"grant_type":"client_credentials","scope":"my/scope"}'
    response = fetch(sim.base_url({"expires_in": 42}) + "/oauth2/token", "POST",
                     {"Authorization": BASIC, **JSON_HEADERS}, body)
    assert response.json()["scope"] == "my/scope"
    assert response.json()["expires_in"] == 42


@pytest.mark.parametrize("headers, body, status, error", [
    ({**JSON_HEADERS}, GRANT, 401, "invalid_client"),
    ({"Authorization": "Basic " + base64.b64encode(b"demo-client:nope").decode(), **JSON_HEADERS},
     GRANT, 401, "invalid_client"),
    ({"Authorization": "Basic !!!", **JSON_HEADERS}, GRANT, 401, "invalid_client"),
    ({"Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded"},
     b"grant_type=client_credentials", 400, "invalid_request"),
    ({"Authorization": BASIC, **JSON_HEADERS}, b"{not json", 400, "invalid_request"),
    ({"Authorization": BASIC, **JSON_HEADERS}, b'{"grant_type":"password"}', 400,
     "unsupported_grant_type"),
])
def test_token_validation(sim, headers, body, status, error):
    response = fetch(sim.base_url() + "/oauth2/token", "POST", headers, body)
    assert (response.status, response.json()["error"]) == (status, error)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic realm="prioticket"'
    assert sim.counts() == {**sim.counts(), "token": 1, "token_ok": 0, "token_failed": 1}


@pytest.mark.parametrize("status, error, field", [
    (401, "invalid_client", "error_description"),
    (400, "invalid_request", "error_description"),
    (429, "LIMIT_REACHED", "error_reference"),
    (503, "SERVICE_UNAVAILABLE", "error_reference"),
])
def test_forced_token_status(sim, status, error, field):
    response = get_token(sim, {"token_status": status})
    assert response.status == status
    assert response.json()["error"] == error and field in response.json()
    assert ("WWW-Authenticate" in response.headers) == (status == 401)


@pytest.mark.parametrize("mode, check", [
    ("missing_token", lambda text: "access_token" not in json.loads(text)),
    ("no_expiry", lambda text: "expires_in" not in json.loads(text)),
    ("wrong_types", lambda text: isinstance(json.loads(text)["access_token"], int)
     and isinstance(json.loads(text)["expires_in"], str)),
    ("bad_chars", lambda text: " " in json.loads(text)["access_token"]
     and "\r\n" in json.loads(text)["access_token"]),
    ("mac", lambda text: json.loads(text)["token_type"] == "MAC"),
    ("html", lambda text: text.startswith("<html>")),
])
def test_token_body_modes(sim, mode, check):
    response = get_token(sim, {"token_body": mode})
    assert response.status == 200 and check(response.body.decode())


def test_token_body_malformed_is_not_json(sim):
    with pytest.raises(ValueError):
        get_token(sim, {"token_body": "malformed"}).json()


def test_bearer_token_revoke_and_renew(sim):
    ping = sim.base_url() + "/system/ping"
    token = get_token(sim).json()["access_token"]
    assert fetch(ping, headers={"Authorization": f"Bearer {token}"}).status == 200
    assert sim.revoke_tokens() >= 1
    refused = fetch(ping, headers={"Authorization": f"Bearer {token}"})
    assert (refused.status, refused.json()["error"]) == (401, "AUTHENTICATION_FAILED")
    fresh = get_token(sim).json()["access_token"]
    assert fetch(ping, headers={"Authorization": f"Bearer {fresh}"}).status == 200


def test_expired_token_is_refused(sim):
    token = get_token(sim, {"expires_in": 0}).json()["access_token"]
    response = fetch(sim.base_url() + "/system/ping", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 401


@pytest.mark.parametrize("scenario, headers, status", [
    ({}, {}, 200),
    ({}, {"Authorization": "Bearer forged"}, 401),
    ({"auth": "required"}, {}, 400),
    ({"auth": "required"}, {"Authorization": "Bearer forged"}, 401),
    ({"auth": "none"}, {"Authorization": "Bearer forged"}, 200),
])
def test_probe_auth_modes(sim, scenario, headers, status):
    assert fetch(sim.base_url(scenario) + "/system/status", headers=headers).status == status


def test_api_key_required(sim):
    base = sim.base_url({"key": "required"})
    assert fetch(base + "/system/status").status == 401
    assert fetch(base + "/system/status?key=wrong").status == 401
    assert fetch(base + f"/system/status?key={sim.api_key}").status == 200
    assert get_token(sim, {"key": "required"}).status == 401


def test_request_log_keeps_headers_verbatim(sim):
    get_token(sim)
    fetch(sim.base_url() + "/system/ping?x=1", headers={"App-Reference": "ref-123"})
    token_request, ping_request = sim.requests()
    assert token_request["endpoint"] == "token" and token_request["method"] == "POST"
    assert token_request["headers"]["Authorization"] == BASIC
    assert json.loads(token_request["body"]) == {"grant_type": "client_credentials"}
    assert ping_request["headers"]["App-Reference"] == "ref-123"
    assert ping_request["query"] == "x=1" and ping_request["listener"] == "http"


# ---- ping / status -------------------------------------------------------

def test_ping_and_status_bodies(sim):
    assert fetch(sim.base_url() + "/system/ping").json() == {"ping": "pong"}
    status = fetch(sim.base_url({"status_value": "DEGRADED"}) + "/system/status").json()
    assert status["status"] == "DEGRADED" and status["version"] == "3.8.0"
    assert sim.counts() == {"token": 0, "ping": 1, "status": 1, "other": 0,
                            "token_ok": 0, "token_failed": 0}


@pytest.mark.parametrize("status, code", [
    (400, "INVALID_REQUEST"), (401, "AUTHENTICATION_FAILED"), (403, "FORBIDDEN"),
    (429, "LIMIT_REACHED"), (500, "INTERNAL_SERVER_ERROR"), (502, "BAD_GATEWAY"),
    (503, "SERVICE_UNAVAILABLE"), (504, "GATEWAY_TIMEOUT"),
])
def test_status_codes_carry_prio_error_body(sim, status, code):
    response = fetch(sim.base_url({"status": status}) + "/system/ping")
    assert response.status == status
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()
    assert error["error"] == code and error["error_reference"] and error["errors"]


def test_retry_after_header(sim):
    response = fetch(sim.base_url({"status": 429, "retry_after": 30}) + "/system/ping")
    assert response.headers["Retry-After"] == "30"


def test_unknown_path_and_wrong_method(sim):
    missing = fetch(sim.base_url() + "/system/nothing")
    assert (missing.status, missing.json()["error"]) == (404, "NOT_FOUND")
    assert fetch(f"{sim.root_url()}/v3.8/system/ping").status == 404
    wrong = fetch(sim.base_url() + "/system/ping", "POST", body=b"")
    assert (wrong.status, wrong.headers["Allow"]) == (405, "GET")
    assert sim.counts()["other"] == 2 and sim.counts()["ping"] == 1


def test_bad_scenario_is_reported(sim):
    response = fetch(f"{sim.root_url()}/sim/nonsense=1/v3.8/distributor/system/ping")
    assert (response.status, response.json()["error"]) == (400, "SIMULATOR_BAD_SCENARIO")


def test_gzip_negotiation(sim):
    url = sim.base_url() + "/system/status"
    zipped = fetch(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.body))["status"] == "OK"
    assert "Content-Encoding" not in fetch(url).headers
    plain = fetch(sim.base_url({"gzip": 0}) + "/system/status", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and plain.json()["status"] == "OK"


def test_size_pads_json_exactly(sim):
    for size in (1000, 100_000, 1_000_000):
        response = fetch(sim.base_url({"size": size}) + "/system/ping")
        assert len(response.body) == size and response.json()["ping"] == "pong"


@pytest.mark.parametrize("mode, content_type, check", [
    ("empty", "application/json", lambda body: body == b""),
    ("html", "text/html; charset=utf-8", lambda body: body.startswith(b"<html>")),
    ("malformed", "application/json", lambda body: body == b'{"error": "BROKEN'),
    ("inject", "application/json",
     lambda body: all(s in json.loads(body)["error_description"] for s in ("|", "\n", "\r", "| time=0s"))),
    ("nul", "application/json", lambda body: b"\\u0000" in body and b"\xff\xfe" in body),
])
def test_content_modes(sim, mode, content_type, check):
    response = fetch(sim.base_url({"status": 502, "body": mode, "gzip": 0}) + "/system/ping")
    assert response.status == 502
    assert response.headers["Content-Type"] == content_type
    assert check(response.body)


def test_truncated_json(sim):
    full = fetch(sim.base_url({"size": 200}) + "/system/ping").body
    cut = fetch(sim.base_url({"size": 200, "body": "truncated"}) + "/system/ping")
    assert cut.body == full[:100]


def test_keep_alive_without_nagle_delay(sim):
    url = sim.base_url() + "/system/ping"
    conn = connection(url)
    try:
        fetch(url, conn=conn)
        durations = []
        for _ in range(15):
            start = time.perf_counter()
            assert fetch(url, conn=conn).status == 200
            durations.append(time.perf_counter() - start)
    finally:
        conn.close()
    assert sorted(durations)[len(durations) // 2] < 0.02, durations


# ---- slow and broken transports ------------------------------------------

def test_delay_is_counted_before_answer(sim):
    with pytest.raises(TimeoutError):
        fetch(sim.base_url({"delay": 2}) + "/system/ping", timeout=0.3)
    assert sim.counts()["ping"] == 1


def test_delay_answers_after_waiting(sim):
    start = time.monotonic()
    assert fetch(sim.base_url({"delay": 0.3}) + "/system/ping").status == 200
    assert time.monotonic() - start >= 0.3


def test_token_delay(sim):
    with pytest.raises(TimeoutError):
        get_token(sim, {"token_delay": 2}, timeout=0.3)
    assert sim.counts()["token"] == 1


def test_hang_holds_until_client_leaves(sim):
    before = thread_count(sim.pid)
    sock = raw_request(sim.port, path_of(sim.base_url({"body": "hang"})) + "/system/ping", timeout=0.3)
    with pytest.raises(TimeoutError):
        sock.recv(1)
    assert sim.counts()["ping"] == 1
    sock.close()
    assert wait_until(lambda: thread_count(sim.pid) <= before), "handler thread still alive"


def test_trickle_sends_bytes_slowly(sim):
    path = path_of(sim.base_url({"body": "trickle", "interval": 0.05})) + "/system/ping"
    sock = raw_request(sim.port, path)
    head, rest = read_head(sock)
    assert "Content-Length: 600" in head
    start, received = time.monotonic(), len(rest)
    while received < 4:
        received += len(sock.recv(10))
    assert 0.1 < time.monotonic() - start < 1.5
    sock.close()
    assert fetch(sim.base_url() + "/system/ping").status == 200


def test_close_mid_body(sim):
    with pytest.raises(http.client.IncompleteRead):
        fetch(sim.base_url({"body": "close"}) + "/system/ping")


def test_reset_without_answer(sim):
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(sim.base_url({"body": "reset"}) + "/system/ping")
    assert sim.counts()["ping"] == 1


def test_big_body_is_streamed_not_buffered(sim):
    conn = connection(sim.base_url())
    conn.request("GET", path_of(sim.base_url({"body": "big"})) + "/system/ping")
    response = conn.getresponse()
    assert int(response.headers["Content-Length"]) == 200_000_000
    received = 0
    while received < 60_000_000:
        received += len(response.read(1 << 20))
    assert rss_kib(sim.pid) < 80_000
    conn.close()
    assert fetch(sim.base_url() + "/system/ping").status == 200


def test_big_body_is_complete_json(sim):
    response = fetch(sim.base_url({"body": "big", "size": 3_000_000}) + "/system/ping")
    assert len(response.body) == 3_000_000 and "filler" in response.json()


def test_blackhole_never_answers(sim):
    with socket.create_connection(("127.0.0.1", sim.blackhole_port), timeout=0.3) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(TimeoutError):
            sock.recv(1)


# ---- control endpoints ---------------------------------------------------

def test_set_scenario_changes_default(sim):
    try:
        sim.set_scenario({"status": 503})
        assert fetch(sim.base_url() + "/system/ping").status == 503
        assert fetch(sim.base_url({"status": 201}) + "/system/ping").status == 201
    finally:
        sim.set_scenario("")
    assert fetch(sim.base_url() + "/system/ping").status == 200


def test_reset_clears_counts_and_log(sim):
    fetch(sim.base_url() + "/system/ping")
    sim.reset()
    assert set(sim.counts().values()) == {0} and sim.requests() == []


def test_format_spec():
    assert format_spec({"status": 503, "gzip": False}) == "status=503,gzip=0"
    assert format_spec({"retry_after": "Wed, 21 Oct"}) == "retry_after=Wed%2C%2021%20Oct"
    assert format_spec("status=500,delay=1") == "status=500,delay=1"
    assert format_spec(None) == ""


# ---- TLS -----------------------------------------------------------------

def tls_handshake(port, context, server_hostname="localhost"):
    with socket.create_connection(("127.0.0.1", port), timeout=3) as raw:
        with context.wrap_socket(raw, server_hostname=server_hostname) as tls:
            return tls.getpeercert()


def test_all_tls_listeners_present(sim):
    assert set(sim.tls_ports) == set(TLS_NAMES)


@pytest.mark.parametrize("server_hostname", ["localhost", "127.0.0.1"])
def test_good_cert_verifies_against_ca(sim, server_hostname):
    context = ssl.create_default_context(cafile=sim.ca_file)
    assert tls_handshake(sim.tls_ports["good"], context, server_hostname)


def test_ca_hashdir_verifies(sim):
    context = ssl.create_default_context(capath=sim.ca_dir)
    assert tls_handshake(sim.tls_ports["good"], context)


@pytest.mark.parametrize("name, reason", [
    ("selfsigned", "self-signed"), ("expired", "expired"), ("wronghost", "Hostname mismatch"),
])
def test_bad_certs_fail_verification(sim, name, reason):
    context = ssl.create_default_context(cafile=sim.ca_file)
    with pytest.raises(ssl.SSLCertVerificationError, match=reason):
        tls_handshake(sim.tls_ports[name], context)


@pytest.mark.parametrize("name, days", [("days5", 5), ("days20", 20), ("days400", 400)])
def test_cert_lifetimes(sim, name, days):
    context = ssl.create_default_context(cafile=sim.ca_file)
    cert = tls_handshake(sim.tls_ports[name], context)
    left = (ssl.cert_time_to_seconds(cert["notAfter"]) - time.time()) / 86400
    assert days - 0.1 < left < days + 0.1


def test_https_probe_and_token(sim):
    context = ssl.create_default_context(cafile=sim.ca_file)
    base = sim.base_url({"status_value": "TLS"}, https=True, hostname="localhost")
    token = get_token_over(base, context)
    response = fetch(base + "/system/status", headers={"Authorization": f"Bearer {token}"},
                     context=context)
    assert response.json()["status"] == "TLS"
    assert sim.requests()[-1]["listener"] == "good"


def get_token_over(base, context):
    response = fetch(base + "/oauth2/token", "POST", {"Authorization": BASIC, **JSON_HEADERS},
                     GRANT, context=context)
    return response.json()["access_token"]


def test_tls_hang_on_https(sim):
    context = ssl.create_default_context(cafile=sim.ca_file)
    url = sim.base_url({"body": "hang"}, https=True, hostname="localhost") + "/system/ping"
    with pytest.raises(TimeoutError):
        fetch(url, context=context, timeout=0.3)


# ---- IPv6 and process behaviour ------------------------------------------

@pytest.mark.skipif(not ipv6_available(), reason="no IPv6 loopback")
def test_ipv6_listener():
    with Simulator(tls=False, host="::1", default_scenario="status_value=V6") as sim6:
        base = sim6.base_url()
        assert base.startswith(f"http://[::1]:{sim6.port}/")
        assert fetch(base + "/system/status").json()["status"] == "V6"
        assert sim6.counts()["status"] == 1


def test_stdout_announcement_and_sigterm():
    proc = subprocess.Popen([PYTHON, str(SIMULATOR)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 10)
        assert ready, "no announcement on stdout"
        report = json.loads(proc.stdout.readline())
        assert report["pid"] == proc.pid and report["blackhole"] is None and report["tls"] == {}
        assert fetch(f"http://127.0.0.1:{report['http']}/v3.5/distributor/system/ping").status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
        # For the person who started it: where to point a check.
        told = proc.stderr.read().decode()
        assert f"http://127.0.0.1:{report['http']}/v3.8/distributor" in told, told
        assert "https" not in told and "--client-id demo-client" in told, told
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def start_announced(args, env=None):
    """The simulator without --ready-file: (Popen, report from stdout)."""
    proc = subprocess.Popen([PYTHON, str(SIMULATOR)] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline() if ready else b""
    return proc, (json.loads(line) if line else None)


def test_tls_port_serves_a_certificate_of_its_own_ca():
    """--tls-port (issue 21): HTTPS with a server certificate for localhost,
    127.0.0.1 and ::1, signed by a CA made in a private directory whose CA
    file it names, and which is gone when it stops."""
    proc, report = start_announced(["--tls-port", "0"])
    try:
        assert report, proc.stderr.read()
        ca_file, port = report["ca_file"], report["tls"]["https"]
        work = os.path.dirname(ca_file)
        assert sorted(os.listdir(work)) == ["ca.pem", "openssl.cnf", "server.csr", "server.key",
                                            "server.pem"]
        assert os.stat(work).st_mode & 0o777 == 0o755
        assert os.stat(os.path.join(work, "server.key")).st_mode & 0o077 == 0
        context = ssl.create_default_context(cafile=ca_file)
        for name in ("localhost", "127.0.0.1"):
            assert tls_handshake(port, context, server_hostname=name)
        with pytest.raises(ssl.SSLCertVerificationError):
            tls_handshake(port, context, server_hostname="example.org")
        with pytest.raises(ssl.SSLCertVerificationError):
            tls_handshake(port, ssl.create_default_context())
        assert fetch(f"https://127.0.0.1:{port}/v3.8/distributor/system/ping",
                     context=context).status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        told = proc.stderr.read().decode()
        assert f"https://localhost:{port}/v3.8/distributor with --ca-file {ca_file}" in told, told
        assert not os.path.exists(work)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_tls_port_without_openssl_says_what_to_install(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    proc, report = start_announced(["--tls-port", "0"], env=env)
    try:
        assert report is None and proc.wait(10) == 1
        assert "--tls-port needs the openssl command" in proc.stderr.read().decode()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_start_failure_raises_with_stderr():
    with pytest.raises(RuntimeError, match="unknown scenario item"):
        Simulator(tls=False, default_scenario="bogus=1").start()
