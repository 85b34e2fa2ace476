# SPDX-License-Identifier: GPL-3.0-or-later
"""nginx (Debian's nginx 1.22) in front of the plugins: HTTP/1.1 and HTTP/2,
TLS 1.2 only and 1.3 only, gzip, chunked, Connection: close, return 444, an
upstream dying mid-body, 301s, a body over the limit, a body that trickles,
the early-answer token endpoint of issue 11 item 1, --connect-to and IPv6.

One nginx per module, in its own directory, on free ports; every case runs
at -vvv and asserts state, first line, phases adding up and no secret."""

import base64
import os
import re
import sys

import pytest

from interop_daemons import nginx_config
from plugin import CRITICAL, OK, UNKNOWN, WARNING
from ports import have_ipv6_loopback

API = "/v3.8/distributor"
PASSWORD = "userinfoPW-h8Rk2"        # in a Location's userinfo
QUERY_SECRET = "querySECRET-p3Vn7"   # in a Location's query
BIG = 1024 * 1024 + 1                # one byte over the plugin's limit
EARLY_RUNS = 30

# Not a skip: IPv6 is part of what this suite must show.
NO_IPV6 = "no IPv6 loopback ([::1]) on this machine: the IPv6 cases cannot run"
SERVERS = ("http", "http6", "h2", "h1tls", "tls12", "tls13", "connect_to", "https6")


def api_locations(token, basic):
    """The API as nginx serves it; prefixes pick a behaviour."""
    err401 = '{"error_code":"UNAUTHORIZED","error_message":"no"}'
    status = '{"status":"OK","version":"3.8.0"}'
    token_body = f'{{"access_token":"{token}","token_type":"Bearer","expires_in":3600}}'
    return f"""
    location ~ ^/tmoved{API}/oauth2/token$ {{ return 301 $scheme://$http_host{API}/oauth2/token; }}
    # The token endpoint answers before reading the request body (item 1).
    location ~ ^(/[a-z0-9]+)?{API}/oauth2/token$ {{
        if ($http_authorization != "Basic {basic}") {{ return 401 '{err401}'; }}
        return 200 '{token_body}';
    }}
    location ~ ^{API}/system/(ping|status)$ {{
        if ($http_authorization != "Bearer {token}") {{ return 401 '{err401}'; }}
        return 200 '{status}';
    }}
    location ~ ^/anon{API}/system/(ping|status)$ {{ return 200 '{status}'; }}
    location ~ ^/gzip{API}/system/(ping|status)$ {{
        return 200 '{{"status":"OK","padding":"{"x" * 2000}"}}';
    }}
    location ~ ^/close{API}/system/(ping|status)$ {{
        keepalive_timeout 0;
        return 200 '{status}';
    }}
    location ~ ^/drop{API}/system/ {{ return 444; }}
    location /chunked/ {{ gzip off; proxy_pass http://upstream; proxy_buffering off; }}
    location /cut/ {{ gzip off; proxy_pass http://upstream; proxy_buffering off; }}
    location ~ ^/moved{API}/system/(ping|status)$ {{
        return 301 $scheme://$http_host/anon{API}/system/$1;
    }}
    location ~ ^/leak{API}/system/ {{
        return 301 http://u:{PASSWORD}@127.0.0.1:1/x?key={QUERY_SECRET}&b=2;
    }}
    location ~ ^/big{API}/system/ {{ gzip off; try_files /big.json =404; }}
    location ~ ^/slow{API}/system/ {{
        gzip off; limit_rate 1k; limit_rate_after 1; try_files /slow.json =404;
    }}
"""


def nginx_conf(d, ports, pki, token, basic, upstream_port):
    tls = f"ssl_certificate {pki['cert']}; ssl_certificate_key {pki['key']};"
    api = api_locations(token, basic)
    v6 = have_ipv6_loopback()
    return nginx_config(d, f"""
    gzip on; gzip_types application/json; gzip_min_length 0; gzip_proxied any;
    upstream upstream {{ server 127.0.0.1:{upstream_port}; }}
    server {{ listen 127.0.0.1:{ports['http']}; {api} }}
    {f"server {{ listen [::1]:{ports['http6']}; {api} }}" if v6 else ""}
    {f"server {{ listen [::1]:{ports['https6']} ssl http2; {tls} {api} }}" if v6 else ""}
    server {{ listen 127.0.0.1:{ports['h2']} ssl http2; {tls}
             ssl_protocols TLSv1.2 TLSv1.3; {api} }}
    server {{ listen 127.0.0.1:{ports['h1tls']} ssl; {tls} {api} }}
    server {{ listen 127.0.0.1:{ports['tls12']} ssl http2; {tls} ssl_protocols TLSv1.2; {api} }}
    server {{ listen 127.0.0.1:{ports['tls13']} ssl http2; {tls} ssl_protocols TLSv1.3; {api} }}
    # --connect-to: only SNI api.prioticket.invalid gets the right certificate
    # and only Host api.prioticket.invalid the API; anything else gets 421.
    server {{ listen 127.0.0.1:{ports['connect_to']} ssl default_server;
             ssl_certificate {pki['other_cert']}; ssl_certificate_key {pki['other_key']};
             return 421; }}
    server {{ listen 127.0.0.1:{ports['connect_to']} ssl; server_name api.prioticket.invalid;
             {tls} {api} }}""")


@pytest.fixture(scope="module")
def nginx(need, daemon, free_port, workdir, pki, credentials):
    binary = need("nginx", "nginx")
    d = workdir("nginx")
    for sub in ("tmp", "www"):
        (d / sub).mkdir()
    os.chmod(d / "tmp", 0o777)  # nginx's workers may run as nobody
    (d / "www" / "big.json").write_text('"' + "x" * (BIG - 2) + '"')
    (d / "www" / "slow.json").write_text('"' + "s" * 100000 + '"')
    os.chmod(d / "www", 0o755)
    upstream_port = free_port()  # also a slow CONNECT proxy
    daemon([sys.executable, os.path.join(os.path.dirname(__file__), "upstream.py"),
            upstream_port], [("127.0.0.1", upstream_port)], d, log=d / "upstream.log")
    ports = {name: free_port("::1" if name.endswith("6") else "127.0.0.1") for name in SERVERS}
    basic = base64.b64encode(
        f"{credentials['client_id']}:{credentials['secret']}".encode()).decode()
    (d / "nginx.conf").write_text(
        nginx_conf(d, ports, pki, credentials["token"], basic, upstream_port))
    listen = [("127.0.0.1", p) for n, p in ports.items() if not n.endswith("6")]
    if have_ipv6_loopback():
        listen += [("::1", ports["http6"]), ("::1", ports["https6"])]
    daemon([binary, "-p", d, "-c", d / "nginx.conf", "-e", d / "error.log"], listen, d)
    return {"dir": d, "ports": ports, "basic": basic, "upstream": upstream_port}


def url(nginx, server, prefix="", host="127.0.0.1"):
    scheme = "http" if server.startswith("http") and not server.startswith("https") else "https"
    if server in ("http6", "https6"):
        host = "[::1]"
    return f"{scheme}://{host}:{nginx['ports'][server]}{prefix}{API}"


@pytest.fixture()
def secrets(nginx, credentials):
    return [credentials["secret"], credentials["token"], nginx["basic"], PASSWORD, QUERY_SECRET]


def run_v(run, args, pki, plugin_name="ping", timeout=30):
    return run(plugin_name, list(args) + ["--ca-file", pki["ca"], "-vvv"], timeout=timeout)


# (id, server, prefix, extra args, with credentials, state, first line, long-output checks)
CASES = [
    ("http/1.1 plain", "http", "", [], True, OK, r"^HTTP 200 in",
     [r"^HTTP version: 1\.1$", r"^HTTP version \(token request\): 1\.1$"]),
    ("https default is 1.1 on an h2 server", "h2", "", [], True, OK, r"^HTTP 200 in",
     [r"^HTTP version: 1\.1$", r"^HTTP version \(token request\): 1\.1$"]),
    # A GET has no body: h2 is fine for the probe (see the early-answer test
    # for the token POST over h2).
    ("https --http-version=2", "h2", "/anon", ["--http-version=2"], False, OK, r"^HTTP 200 in",
     [r"^HTTP version: 2$"]),
    ("--http-version=2, server without h2", "h1tls", "", ["--http-version=2"], True, OK,
     r"^HTTP 200 in", [r"^HTTP version: 1\.1$"]),
    ("--http-version=2 on plain http stays 1.1", "http", "", ["--http-version=2"], True, OK,
     r"^HTTP 200 in", [r"^HTTP version: 1\.1$"]),
    ("TLS 1.2 only", "tls12", "", [], True, OK, r"^HTTP 200 in", [r"^HTTP version: 1\.1$"]),
    ("TLS 1.2 only, h2", "tls12", "/anon", ["--http-version=2"], False, OK, r"^HTTP 200 in",
     [r"^HTTP version: 2$"]),
    ("TLS 1.3 only", "tls13", "", [], True, OK, r"^HTTP 200 in", [r"^HTTP version: 1\.1$"]),
    ("TLS 1.3 only, h2", "tls13", "/anon", ["--http-version=2"], False, OK, r"^HTTP 200 in",
     [r"^HTTP version: 2$"]),
    ("gzip", "h1tls", "/gzip", [], False, OK, r"^HTTP 200 in",
     [r"^< Content-Encoding: gzip$", r"^< Transfer-Encoding: chunked$"]),
    ("gzip over h2", "h2", "/gzip", ["--http-version=2"], False, OK, r"^HTTP 200 in",
     [r"^< content-encoding: gzip$"]),
    ("chunked", "http", "/chunked", [], False, OK, r"^HTTP 200 in",
     [r"^< Transfer-Encoding: chunked$"]),
    ("Connection: close", "h1tls", "/close", [], False, OK, r"^HTTP 200 in",
     [r"^< Connection: close$"]),
    ("return 444", "http", "/drop", [], False, CRITICAL,
     r"^bad HTTP response: Empty reply from server", []),
    ("return 444 over TLS", "h1tls", "/drop", [], False, CRITICAL, r"^bad HTTP response", []),
    ("upstream dies mid-body", "http", "/cut", [], False, CRITICAL,
     # the missing bytes in libcurl's words: 7.88 "transfer closed with 4900 bytes
     # remaining", 8.14 "end of response with 4900 bytes missing"
     r"^bad HTTP response: \D*\b4900 bytes\b", [r"^HTTP status: 200$"]),
    ("301 not followed", "http", "/moved", [], False, WARNING,
     r"^HTTP 301 to http://127\.0\.0\.1:\d+/anon/v3\.8/distributor/system/ping "
     r"\(use --follow-redirects\)", [r"^Location: http://127\.0\.0\.1:\d+/anon/"]),
    ("301 with userinfo and query, not followed", "h2", "/leak", [], False, WARNING,
     r"^HTTP 301 to http://<redacted>@127\.0\.0\.1:1/x\?key.<redacted>&b.<redacted> "
     r"\(use --follow-redirects\)", [r"^< Location: http://<redacted>@"]),
    # Issue 20 item 6: following would turn the POST into a GET; the way out
    # is the token URL itself.
    ("token endpoint 301 not followed", "http", "/tmoved", [], True, WARNING,
     r"^token endpoint answered HTTP 301 to http://127\.0\.0\.1:\d+/v3\.8/distributor/oauth2/"
     r"token: point --token-url at it \|", [r"^Location: http://127\.0\.0\.1:\d+/v3\.8/"]),
    ("301 followed", "http", "/moved", ["--follow-redirects"], False, OK, r"^HTTP 200 in",
     [r"processing includes \d+\.\d{6} s of redirects"]),
    ("301 followed over TLS", "h2", "/moved", ["--follow-redirects"], False, OK,
     r"^HTTP 200 in", [r"processing includes \d+\.\d{6} s of redirects"]),
    ("body over 1 MiB", "http", "/big", [], False, WARNING,
     r"^HTTP 200 with a body over 1048576 bytes", []),
    ("body trickles past the budget", "h1tls", "/slow", ["-t", "2"], False, CRITICAL,
     r"^timeout: HTTP 200 arrived but the body did not finish within the 2 s budget", []),
]


@pytest.mark.parametrize("server,prefix,extra,auth,state,first,long_lines",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_nginx(nginx, run, verify, pki, credentials, secrets, server, prefix, extra, auth,
               state, first, long_lines):
    args = ["-u", url(nginx, server, prefix)] + extra + (credentials["args"] if auth else [])
    r = verify(run_v(run, args, pki), state, first, secrets)
    for pattern in long_lines:
        assert any(re.search(pattern, line) for line in r.lines[1:]), \
            f"no line matches {pattern!r}\n" + r.describe()


def test_status_endpoint(nginx, run, verify, pki, credentials, secrets):
    r = run_v(run, ["-u", url(nginx, "h2")] + credentials["args"], pki,
              plugin_name="status")
    verify(r, OK, r"^HTTP 200 in", secrets)


def test_wrong_secret_is_refused(nginx, run, verify, pki, secrets, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-secret")
    os.chmod(wrong, 0o600)
    r = run_v(run, ["-u", url(nginx, "h2"), "--client-id", "interop-client",
                    "--client-secret-file", wrong], pki)
    verify(r, CRITICAL, r"^authentication failed: token endpoint answered HTTP 401", secrets)


# libcurl 7.88 fails an h2 POST answered early and reset by nginx; the
# plugin repeats it over HTTP/1.1 and says so.
H2_FALLBACK = ("HTTP version (token request): 1.1 (HTTP/2 failed with libcurl's early-answer "
               "stream error; repeated over HTTP/1.1)")


@pytest.mark.parametrize("version", ["1.1", "2"])
def test_early_answer_token_endpoint(nginx, run, pki, credentials, secrets, version, capsys):
    """Item 1: nginx answers the token POST (gzip on, over an h2-capable TLS
    port) before reading its body. 30 runs, each fetching a new token: none
    fails, with either HTTP version."""
    failures = []
    fallbacks = 0
    for _ in range(EARLY_RUNS):
        r = run("ping", ["-u", url(nginx, "h2"), "--ca-file", pki["ca"], "-v"]
                + ([] if version == "1.1" else ["--http-version=2"]) + credentials["args"])
        verify_no_secret(r, secrets)
        if version == "2" and H2_FALLBACK in r.lines:
            fallbacks += 1
        else:
            assert f"HTTP version (token request): {version}" in r.lines, r.describe()
        if r.rc != OK:
            failures.append(r)
    with capsys.disabled():
        print(f"\nearly-answer token endpoint, --http-version={version}: "
              f"{len(failures)}/{EARLY_RUNS} failures"
              + (f", {fallbacks} token requests repeated over HTTP/1.1" if version == "2" else ""))
    assert failures == [], "\n".join(r.describe() for r in failures)


def verify_no_secret(r, secrets):
    for secret in secrets:
        assert secret not in r.output, r.describe()


def secret_for(credentials, tmp_path, *origins):
    """The interop secret in a file that names these origins: a secret from
    a file goes to a host outside Prioticket and loopback only then."""
    path = tmp_path / "secret"
    path.write_text(credentials["secret"] + "\n"
                    + "".join(f"origin: {o}\n" for o in origins))
    os.chmod(path, 0o600)
    return ["--client-id", credentials["client_id"], "--client-secret-file", str(path)]


def test_connect_to(nginx, run, verify, pki, credentials, secrets, tmp_path):
    """A name that does not resolve here; the certificate is verified for it,
    SNI and Host carry it (the default server would answer 421 with another
    certificate), and the token request goes the same way."""
    port = nginx["ports"]["connect_to"]
    base = f"https://api.prioticket.invalid:{port}{API}"
    auth = secret_for(credentials, tmp_path, f"https://api.prioticket.invalid:{port}")
    r = run_v(run, ["-u", base, "--connect-to", f"127.0.0.1:{port}"] + auth, pki)
    verify(r, OK, r"^HTTP 200 in", secrets)
    assert any(line == f"< HTTP/1.1 200 OK" for line in r.lines), r.describe()
    # Without it, the name does not resolve.
    r = run_v(run, ["-u", base] + auth, pki)
    verify(r, CRITICAL, r"cannot resolve host", secrets)


def test_connect_to_other_port_is_not_redirected(nginx, run, verify, pki, credentials, secrets,
                                                 tmp_path):
    """Only the base URL's host and port go to --connect-to: a token URL on
    another port of that name is looked up as usual (and fails here)."""
    port = nginx["ports"]["connect_to"]
    base = f"https://api.prioticket.invalid:{port}{API}"
    auth = secret_for(credentials, tmp_path, f"https://api.prioticket.invalid:{port}",
                      f"https://api.prioticket.invalid:{port + 1}")
    r = run_v(run, ["-u", base, "--connect-to", f"127.0.0.1:{port}", "--token-url",
                    f"https://api.prioticket.invalid:{port + 1}{API}/oauth2/token"]
              + auth, pki)
    verify(r, CRITICAL, r"cannot resolve host \(token request\)", secrets)


@pytest.mark.parametrize("value", ["127.0.0.1", "127.0.0.1:0", "::1:443", "[::1]", "a b:1",
                                   "127.0.0.1:99999", ":443", "[::1]:x"])
def test_connect_to_bad_value(run, value):
    r = run("ping", ["-u", "https://api.prioticket.invalid/", "--connect-to", value])
    assert r.rc == UNKNOWN and len(r.lines) == 1, r.describe()
    assert r.first_line.startswith("PRIOTICKET PING UNKNOWN - --connect-to: want HOST:PORT"), \
        r.describe()


@pytest.mark.parametrize("server,extra,version", [("http6", [], "1.1"),
                                                  ("https6", ["--http-version=2"], "2")])
def test_ipv6(nginx, run, verify, pki, credentials, secrets, server, extra, version):
    assert have_ipv6_loopback(), NO_IPV6
    auth = credentials["args"] if version == "1.1" else []
    r = run_v(run, ["-u", url(nginx, server, "" if auth else "/anon"), "-6"] + extra + auth, pki)
    verify(r, OK, r"^HTTP 200 in", secrets)
    assert f"HTTP version: {version}" in r.lines, r.describe()


def test_ipv4_only_against_ipv6_address(nginx, run, verify, pki, secrets):
    assert have_ipv6_loopback(), NO_IPV6
    r = run_v(run, ["-u", url(nginx, "http6", "/anon"), "-4"], pki)
    verify(r, CRITICAL, r"^connection failed: --ipv4, but \[::1\] is an IPv6 address: "
                        r"the address family does not match", secrets)


def test_failed_handshake_is_tls_time(nginx, run, verify, pki, secrets):
    """The default server of the --connect-to port shows a certificate for
    another name: the handshake fails, and that time is time_tls."""
    r = run_v(run, ["-u", url(nginx, "connect_to", "/anon")], pki)
    verify(r, CRITICAL, r"^TLS failure", secrets)
    assert "time_tls" in r.perf and "time_processing" not in r.perf, r.describe()
    assert r.perf["time_tls"].number > 0, r.describe()


def test_connect_round_trip_is_connect_time(nginx, run, verify, pki, credentials, secrets):
    """Through a proxy that takes 1 s to answer CONNECT: that second is in
    time_connect (TCP to the proxy and the tunnel), not in time_tls; the token
    request goes the same way."""
    r = run_v(run, ["-u", url(nginx, "h2"), "--proxy", f"http://127.0.0.1:{nginx['upstream']}"]
              + credentials["args"], pki)
    verify(r, OK, r"^HTTP 200 in", secrets)
    assert r.perf["time_connect"].number >= 1.0, r.describe()
    assert r.perf["time_tls"].number < 1.0, r.describe()
    token = [line for line in r.lines if line.startswith("Token request timings:")]
    assert token and re.search(r", connect [1-9]\d*\.\d{6} s", token[0]), r.describe()


@pytest.mark.parametrize("server", ["http", "h2"])
def test_redirect_phases_add_up(nginx, run, verify, pki, secrets, server):
    """After a followed redirect the phases still add up, run after run."""
    for _ in range(20):
        r = run("ping", ["-u", url(nginx, server, "/moved"), "--follow-redirects", "--ca-file",
                         pki["ca"], "-v"])
        verify(r, OK, r"^HTTP 200 in", secrets)
        assert r.perf["time_processing"].number > 0, r.describe()


@pytest.mark.parametrize("noproxy,via_proxy", [(None, False), ("other.invalid", True)])
def test_environment_no_proxy_overrides_proxy(nginx, run, verify, pki, secrets, noproxy,
                                              via_proxy):
    """libcurl's precedence, as the README states it: no_proxy from the
    environment applies to --proxy too, unless --noproxy is given (which then
    replaces it). The slow CONNECT proxy shows which way the request went."""
    args = ["-u", url(nginx, "h2", "/anon"), "--proxy", f"http://127.0.0.1:{nginx['upstream']}",
            "--ca-file", pki["ca"], "-v"] + (["--noproxy", noproxy] if noproxy else [])
    r = run("ping", args, env={"no_proxy": "127.0.0.1"})
    verify(r, OK, r"^HTTP 200 in", secrets)
    assert (r.perf["time_connect"].number >= 1.0) == via_proxy, r.describe()
