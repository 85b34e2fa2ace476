# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugins through real forward proxies from Debian (squid 5.7 with
basic_ncsa_auth, tinyproxy 1.11 with BasicAuth), in front of the project's
simulator: http:// targets as proxy requests, https:// targets through a
CONNECT tunnel, the proxy from --proxy and from the environment, --noproxy
and no_proxy, a proxy that wants credentials (407), one that is down, one
whose name does not resolve, an origin that is down behind the proxy, squid
on [::1], a SOCKS5 proxy that refuses, and the token cache's back-off (which
a proxy's 407 must not start).

Every case asserts the state, the first line, the perfdata (phases adding up
to time) and, at -vvv, that neither the client secret, nor a token, nor the
proxy password (raw, percent-encoded or as the Basic value) is in the output.
"""

import base64
import re
import shutil
import socket
import tempfile
import threading

import pytest

from interop_daemons import (PASSWORDS, PROXIES, PROXY_PASSWORD, PROXY_USER, check_case,
                             memcheck_wrapper, secret_file)
from plugin import CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, auth_args, new_simulator, run
from ports import free_port

REFUSED = "proxy refused the request (HTTP 407 Proxy Authentication Required)"
KINDS = sorted(PROXIES)


@pytest.fixture(scope="module")
def origin():
    with new_simulator() as sim:
        yield sim


@pytest.fixture(autouse=True)
def _reset_origin(origin):
    origin.reset()


@pytest.fixture(scope="module")
def creds():
    directory = tempfile.mkdtemp(prefix="pt-interop-creds-")
    yield secret_file(directory, CLIENT_SECRET)
    shutil.rmtree(directory, ignore_errors=True)  # no secret left behind


@pytest.fixture(scope="module", params=KINDS)
def open_proxy(request):
    with PROXIES[request.param]() as proxy:
        yield proxy


@pytest.fixture(scope="module", params=KINDS)
def auth_proxy(request):
    with PROXIES[request.param](auth=(PROXY_USER, PASSWORDS[request.param])) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def squid_auth():
    with PROXIES["squid"](auth=(PROXY_USER, PROXY_PASSWORD)) as proxy:
        yield proxy


def target(origin, scheme):
    return ["-u", origin.base_url(https=scheme == "https"), "--ca-file", origin.ca_file]


def all_secrets(origin, proxy=None):
    """The client secret, every token and Basic value the origin saw, and the
    proxy password in each of its forms."""
    found = [CLIENT_SECRET,
             base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode().rstrip("=")]
    for req in origin.requests():
        auth = req["headers"].get("Authorization", "")
        if " " in auth:
            found.append(auth.split(" ", 1)[1].rstrip("="))
    if proxy is not None:
        found += proxy.secrets()
    else:
        found.append(PROXY_PASSWORD)
    return found


def proxy_line(r):
    lines = r.long_output("Proxy")
    return lines[0] if lines else None


# ---- a proxy that lets us through ---------------------------------------------

@pytest.mark.parametrize("scheme", ["http", "https"])
def test_open_proxy_from_the_option(origin, open_proxy, creds, scheme):
    r = run("ping", target(origin, scheme) + ["--proxy", open_proxy.url(), "-vvv"]
            + auth_args(creds))
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin))
    assert proxy_line(r) == f"{open_proxy.url()} (from --proxy)", r.describe()
    # the proxy carried both requests (token and probe)
    log = open_proxy.access_log()
    port = origin.tls_ports["good"] if scheme == "https" else origin.port
    assert f"127.0.0.1:{port}" in log, log
    assert [q["endpoint"] for q in origin.requests()][-2:] == ["token", "ping"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_proxy_credentials_from_the_option(origin, auth_proxy, creds, scheme):
    r = run("ping", target(origin, scheme)
            + ["--proxy", auth_proxy.url(with_credentials=True), "-vvv"] + auth_args(creds))
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin, auth_proxy))
    assert proxy_line(r) == f"http://<redacted>@127.0.0.1:{auth_proxy.port} (from --proxy)", \
        r.describe()
    assert "Proxy-Authorization: <redacted>" in r.stdout, r.describe()
    assert PROXY_USER not in r.output, r.describe()


# ---- 407: one outcome for http:// and https:// ----------------------------------

@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("proxy_creds", ["none", "wrong password"])
def test_proxy_wants_credentials(origin, auth_proxy, scheme, proxy_creds):
    url = auth_proxy.url() if proxy_creds == "none" else \
        auth_proxy.url(user=PROXY_USER, password="not-the-password")
    r = run("ping", target(origin, scheme) + ["--proxy", url, "-vvv"])
    expect = REFUSED
    if auth_proxy.name == "tinyproxy" and proxy_creds == "wrong password":
        # tinyproxy 1.11 answers wrong proxy credentials with 401, not 407
        # (RFC 9110 section 15.5.8): for a CONNECT that is still the proxy,
        # for a plain-http request it cannot be told from the API's own 401.
        expect = ("proxy refused the request (HTTP 401 Unauthorized)" if scheme == "https"
                  else "authentication failed: HTTP 401")
    check_case(r, CRITICAL, expect, all_secrets(origin, auth_proxy))
    assert proxy_line(r).endswith(f"127.0.0.1:{auth_proxy.port} (from --proxy)"), r.describe()
    # the proxy's HTML page is not the API's answer
    assert "<" not in r.first_line and "html" not in r.first_line.lower(), r.describe()
    assert "not-the-password" not in r.output, r.describe()
    # the API never answered: no "HTTP status" line, for http:// as for https://
    if expect.startswith("proxy"):
        assert r.long_output("HTTP status") == [], r.describe()
    # what it measured is there, and adds up
    assert "time" in r.perf and "time_connect" in r.perf, r.describe()
    assert origin.requests() == [], r.describe()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_proxy_refuses_the_token_request(origin, squid_auth, creds, scheme):
    r = run("ping", target(origin, scheme) + ["--proxy", squid_auth.url(), "-vvv"]
            + auth_args(creds))
    check_case(r, CRITICAL, REFUSED + " (token request)", all_secrets(origin, squid_auth))
    assert "time_auth" in r.perf and "time" not in r.perf, r.describe()
    assert r.long_output("Token")[0].endswith("no token obtained"), r.describe()
    assert proxy_line(r) == f"{squid_auth.url()} (from --proxy)", r.describe()


# ---- the proxy from the environment ---------------------------------------------

ENV_CASES = [
    ("http", "http_proxy"),
    ("https", "https_proxy"),
    ("https", "HTTPS_PROXY"),
    ("http", "ALL_PROXY"),
    ("https", "all_proxy"),
]


@pytest.mark.parametrize("scheme,variable", ENV_CASES, ids=[v for _, v in ENV_CASES])
def test_proxy_from_the_environment(origin, squid_auth, creds, scheme, variable):
    env = {variable: squid_auth.url(with_credentials=True)}
    before = squid_auth.access_log().count(f"{PROXY_USER} HIER_DIRECT")
    r = run("ping", target(origin, scheme) + ["-vvv"] + auth_args(creds), env=env)
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin, squid_auth))
    assert proxy_line(r) == f"http://<redacted>@127.0.0.1:{squid_auth.port} (from {variable})", \
        r.describe()
    # squid carried the token request and the probe, as the authenticated user
    after = squid_auth.access_log().count(f"{PROXY_USER} HIER_DIRECT")
    assert after - before == 2, squid_auth.access_log()


@pytest.mark.parametrize("scheme,variable", ENV_CASES, ids=[v for _, v in ENV_CASES])
def test_environment_proxy_wants_credentials(origin, squid_auth, scheme, variable):
    r = run("ping", target(origin, scheme) + ["-vvv"], env={variable: squid_auth.url()})
    check_case(r, CRITICAL, REFUSED, all_secrets(origin, squid_auth))
    assert proxy_line(r) == f"{squid_auth.url()} (from {variable})", r.describe()


def test_uppercase_HTTP_PROXY_is_ignored(origin, creds):
    """libcurl never reads HTTP_PROXY (a CGI script's Proxy: header would set
    it): a plain-http target goes direct, and the output says no proxy."""
    dead = f"http://127.0.0.1:{free_port()}"
    r = run("ping", target(origin, "http") + ["-vvv"] + auth_args(creds),
            env={"HTTP_PROXY": dead})
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin))
    assert proxy_line(r) is None, r.describe()


# ---- --noproxy and no_proxy -------------------------------------------------------

NOPROXY_CASES = [
    ("--noproxy host", ["--noproxy", "127.0.0.1"], {}),
    ("--noproxy list", ["--noproxy", "example.com,localhost,127.0.0.1"], {}),
    ("--noproxy CIDR", ["--noproxy", "10.0.0.0/8,127.0.0.0/8"], {}),
    ("--noproxy *", ["--noproxy", "*"], {}),
    ("no_proxy", [], {"no_proxy": "127.0.0.1"}),
    ("NO_PROXY", [], {"NO_PROXY": "localhost, 127.0.0.1"}),
]


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("args,env", [(a, e) for _, a, e in NOPROXY_CASES],
                         ids=[i for i, _, _ in NOPROXY_CASES])
def test_noproxy_goes_direct(origin, creds, scheme, args, env):
    """A proxy that is down does not matter for a host on the no-proxy list,
    and the output does not claim a proxy; no_proxy from the environment
    also overrides --proxy (libcurl's rule)."""
    dead = f"http://127.0.0.1:{free_port()}"
    r = run("ping", target(origin, scheme) + ["--proxy", dead, "-vvv"] + args + auth_args(creds),
            env=env)
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin))
    assert proxy_line(r) is None, r.describe()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_noproxy_for_another_host_keeps_the_proxy(origin, squid_auth, scheme):
    r = run("ping", target(origin, scheme) + ["--proxy", squid_auth.url(), "-vvv",
                                                "--noproxy", "127.0.0.10,example.com,1.0.0.1"])
    check_case(r, CRITICAL, REFUSED, all_secrets(origin, squid_auth))


def test_option_noproxy_overrides_environment_no_proxy(origin, squid_auth, creds):
    """--noproxy replaces no_proxy (it does not add to it)."""
    r = run("ping", target(origin, "http") + ["--noproxy", "example.com", "-vvv"] + auth_args(creds),
            env={"http_proxy": squid_auth.url(with_credentials=True), "no_proxy": "127.0.0.1"})
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin, squid_auth))
    assert proxy_line(r).startswith("http://<redacted>@"), r.describe()


# ---- a proxy that is not there ---------------------------------------------------

@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("source", ["--proxy", "--proxy without scheme", "environment"])
def test_proxy_down(origin, scheme, source):
    port = free_port()
    prefix = "" if source == "--proxy without scheme" else "http://"
    dead = f"{prefix}{PROXY_USER}:secret-pw@127.0.0.1:{port}"
    variable = "http_proxy" if scheme == "http" else "https_proxy"
    args, env = ([], {variable: dead}) if source == "environment" else (["--proxy", dead], {})
    r = run("ping", target(origin, scheme) + args + ["-vvv"], env=env)
    check_case(r, CRITICAL, "cannot connect to the proxy", all_secrets(origin) + ["secret-pw"])
    assert f"127.0.0.1 port {port}" in r.summary, r.describe()
    want = variable if source == "environment" else "--proxy"
    assert proxy_line(r) == f"{prefix}<redacted>@127.0.0.1:{port} (from {want})", r.describe()
    assert "time" in r.perf, r.describe()


def test_proxy_down_during_the_token_request(origin, creds):
    r = run("ping", target(origin, "https") + ["--proxy", f"127.0.0.1:{free_port()}", "-vvv"]
            + auth_args(creds))
    check_case(r, CRITICAL, "cannot connect to the proxy (token request)", all_secrets(origin))


def test_proxy_name_does_not_resolve(origin):
    r = run("ping", target(origin, "https") + ["--proxy", "http://proxy.nonexistent.invalid:3128",
                                                "-vvv"])
    check_case(r, CRITICAL, "cannot resolve the proxy", all_secrets(origin))
    assert proxy_line(r) == "http://proxy.nonexistent.invalid:3128 (from --proxy)", r.describe()


# ---- the proxy works, the origin does not ----------------------------------------

def test_origin_down_behind_the_proxy(origin, squid_auth):
    """squid answers CONNECT to a closed port with 503: the proxy is up but
    cannot reach the API."""
    url = f"https://127.0.0.1:{free_port()}/v3.8/distributor"
    r = run("ping", ["-u", url, "--ca-file", origin.ca_file, "-vvv",
                     "--proxy", squid_auth.url(with_credentials=True)])
    check_case(r, CRITICAL, "proxy could not reach the server (HTTP 503 Service Unavailable)",
               all_secrets(origin, squid_auth))
    assert re.search(r"time=", r.perfdata), r.describe()


# ---- under valgrind ----------------------------------------------------------------

MEMCHECK_CASES = ["407 on CONNECT, token request", "407 plain http", "env proxy with credentials",
                  "proxy down"]


@pytest.mark.parametrize("case", MEMCHECK_CASES)
def test_no_memory_error(origin, squid_auth, creds, case):
    env = {}
    if case == "407 on CONNECT, token request":
        args, state = target(origin, "https") + ["--proxy", squid_auth.url(), "-vvv"] + \
            auth_args(creds), CRITICAL
    elif case == "407 plain http":
        args, state = target(origin, "http") + ["--proxy", squid_auth.url()], CRITICAL
    elif case == "env proxy with credentials":
        args, state = target(origin, "https") + ["-vvv"] + auth_args(creds), OK
        env = {"https_proxy": squid_auth.url(with_credentials=True), "no_proxy": "example.com"}
    else:
        args, state = target(origin, "http") + ["--proxy", f"127.0.0.1:{free_port()}"], CRITICAL
    r = run("ping", args + ["-t", "30"], env=env, timeout=180, wrapper=memcheck_wrapper())
    assert r.rc != 99, "memory errors (valgrind or ASan):\n" + r.describe()
    assert "definitely lost" not in r.stderr, r.describe()
    assert r.rc == state, r.describe()


# ---- a proxy on IPv6 ------------------------------------------------------------

@pytest.fixture(scope="module")
def squid_v6():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 in this Python")
    with PROXIES["squid"](auth=(PROXY_USER, PROXY_PASSWORD), host="::1") as proxy:
        yield proxy


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_proxy_on_ipv6_loopback(origin, squid_v6, creds, scheme):
    """squid on [::1] in front of an IPv4 origin; the bracketed address
    survives the redaction of the credentials."""
    r = run("ping", target(origin, scheme) + ["--proxy", squid_v6.url(with_credentials=True),
                                                "-vvv"] + auth_args(creds))
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin, squid_v6))
    assert proxy_line(r) == f"http://<redacted>@[::1]:{squid_v6.port} (from --proxy)", \
        r.describe()
    assert squid_v6.access_log().count(f"{PROXY_USER} HIER_DIRECT") >= 2


def test_ipv6_proxy_wants_credentials(origin, squid_v6):
    r = run("ping", target(origin, "https") + ["--proxy", squid_v6.url(), "-6", "-vvv"])
    check_case(r, CRITICAL, REFUSED, all_secrets(origin, squid_v6))
    assert proxy_line(r) == f"http://[::1]:{squid_v6.port} (from --proxy)", r.describe()


def test_a_proxy_refusal_is_not_remembered_as_the_apis(origin, squid_auth, creds):
    """The token cache backs off after the token endpoint refuses credentials
    (a 4xx). A 407 is the proxy's: once the proxy credentials are fixed, the
    very next run gets its token."""
    directory = tempfile.mkdtemp(prefix="pt-interop-cache-")
    try:
        refused_then_fixed(origin, squid_auth, creds, ["--token-cache", f"{directory}/cache"])
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # no token left behind


def refused_then_fixed(origin, squid_auth, creds, cache):
    r = run("ping", target(origin, "http") + ["--proxy", squid_auth.url(), "-vvv"] + cache
            + auth_args(creds))
    check_case(r, CRITICAL, REFUSED + " (token request)", all_secrets(origin, squid_auth))
    r = run("ping", target(origin, "http") + ["--proxy", squid_auth.url(with_credentials=True),
                                              "-vvv"] + cache + auth_args(creds))
    check_case(r, OK, "HTTP 200 in ", all_secrets(origin, squid_auth))
    assert [q["endpoint"] for q in origin.requests()] == ["token", "ping"], r.describe()


# ---- a SOCKS proxy that refuses ------------------------------------------------------

@pytest.fixture
def socks_refuser():
    """A SOCKS5 server that accepts no authentication method (RFC 1928: method
    0xFF): the smallest refusal, written here since no Debian package makes
    one on demand."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(64)  # version, methods
                    conn.sendall(b"\x05\xff")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    server.close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_socks_proxy_refuses(origin, socks_refuser, scheme):
    proxy = f"socks5h://{PROXY_USER}:secret-pw@127.0.0.1:{socks_refuser}"
    r = run("ping", target(origin, scheme) + ["--proxy", proxy, "-vvv"])
    check_case(r, CRITICAL, "proxy refused the request", all_secrets(origin) + ["secret-pw"])
    assert proxy_line(r) == f"socks5h://<redacted>@127.0.0.1:{socks_refuser} (from --proxy)", \
        r.describe()
    assert origin.requests() == [], r.describe()
