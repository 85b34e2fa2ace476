# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets on the paths an adversarial review found (issue 10, items 1-6 and
the API key's host): none of these distinctive strings may appear anywhere in
stdout or stderr, at any -v level.

1. proxy credentials in the -vvv trace (Proxy-Authorization), cookies and a
   Location's userinfo and query in either direction;
2. a bad proxy from the environment: UNKNOWN naming the variable, never its
   value (libcurl would quote it in its error text); and libcurl's error text,
   when it quotes a proxy URL, shown without the userinfo;
3. userinfo and query values of --base-url / --token-url, in the long output
   and in the echo of a rejected URL;
4. values read from an ini file, whichever section they were written for;
5. a '|' in an --expect-json path printed as a label;
6. a plain http:// token URL beside an https:// probe: refused unless
   --allow-http-token-url, and -vv never claims TLS for a request without it;
and the API key goes to a token URL only on the API's own scheme, host, port.
"""

import base64
import http.server
import json
import threading
from urllib.parse import parse_qs

import pytest

from plugin import API_KEY, CLIENT_ID, CRITICAL, OK, UNKNOWN, WARNING, auth_args, run

VERBOSITY = [[], ["-v"], ["-vv"], ["-vvv"]]
VERBOSITY_IDS = ["-v0", "-v", "-vv", "-vvv"]

PROXY_USER = "proxyuser"
PROXY_PASS = "ProxyPass-Xy7Kq"
COOKIE = "CookieSecret-Q9mW"
LOC_PASS = "LocPass-Z1vB"
LOC_CODE = "LocCode-Z2nM"
BASE_PASS = "BasePass-Uq2Hd"
IDP_PASS = "IdpPass-Uq3Jf"
QUERY_SECRET = "QuerySecret-Uq4Lp"
INI_SECRET = "Hunter2Password-Ix1Rt"


def assert_absent(r, *secrets):
    for s in secrets:
        assert s not in r.output, f"{s!r} printed\n" + r.describe()


def basic(user, password):
    b = base64.b64encode(f"{user}:{password}".encode()).decode()
    return b, b.rstrip("=")


def with_proxy(argv, how, proxy):
    """The proxy as --proxy, or as the environment variable named by how."""
    if how == "--proxy":
        return argv + ["--proxy", proxy], {}
    return argv, {how: proxy}


# ---- 1. credentials in the -vvv trace ---------------------------------------

@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
@pytest.mark.parametrize("how", ["--proxy", "http_proxy", "all_proxy"])
def test_proxy_credentials_not_in_trace(sim, verbosity, how):
    """The simulator doubles as a forward proxy for plain http (it serves the
    absolute-form request line), so libcurl sends Proxy-Authorization."""
    proxy = f"http://{PROXY_USER}:{PROXY_PASS}@127.0.0.1:{sim.port}"
    argv = ["-u", sim.base_url("")] + verbosity
    argv, env = with_proxy(argv, how, proxy)
    r = run("ping", argv, env=env, timeout=20)
    assert r.rc == OK, r.describe()
    seen = [q for q in sim.requests() if "Proxy-Authorization" in q["headers"]]
    assert seen, "no request went through the proxy with credentials"
    assert_absent(r, PROXY_PASS, *basic(PROXY_USER, PROXY_PASS))
    if verbosity == ["-vvv"]:
        assert "> Proxy-Authorization: <redacted>" in r.stdout, r.describe()


class _CookieHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with 200 and a JSON body; sets a cookie."""

    def do_GET(self):  # noqa: N802 (stdlib name)
        body = json.dumps({"ping": "pong", "a|b": "x"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", f"session={COOKIE}; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def cookie_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CookieHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v3.8/distributor"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_set_cookie_not_in_trace(cookie_server, verbosity):
    r = run("ping", ["-u", cookie_server] + verbosity, timeout=20)
    assert r.rc == OK, r.describe()
    assert_absent(r, COOKIE)
    if verbosity == ["-vvv"]:
        assert "< Set-Cookie: <redacted>" in r.stdout, r.describe()


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_location_userinfo_and_query_not_in_trace(sim, verbosity):
    target = f"http://locuser:{LOC_PASS}@127.0.0.1:{sim.port}/x?code={LOC_CODE}"
    # the default scenario, so that the URL the plugin is given holds no secret
    sim.set_scenario({"status": 302, "location": target})
    try:
        r = run("ping", ["-u", sim.base_url()] + verbosity, timeout=20)
    finally:
        sim.set_scenario("")
    assert r.rc == WARNING, r.describe()
    assert_absent(r, LOC_PASS, LOC_CODE)
    if verbosity == ["-vvv"]:
        assert "Location: http://<redacted>@127.0.0.1" in r.stdout, r.describe()


# ---- 2. proxies from the environment ----------------------------------------

# The variables libcurl 7.88 reads (HTTP_PROXY in capitals it does not).
PROXY_VARIABLES = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
BAD_PROXIES = {
    "port 99999": f"http://user:{PROXY_PASS}@127.0.0.1:99999",
    "ftp scheme": f"ftp://user:{PROXY_PASS}@127.0.0.1:3128",
    "no scheme, bad port": f"user:{PROXY_PASS}@127.0.0.1:0",
}


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
@pytest.mark.parametrize("kind", list(BAD_PROXIES))
@pytest.mark.parametrize("variable", PROXY_VARIABLES)
def test_bad_proxy_variable_is_unknown_and_not_shown(sim, variable, kind, verbosity):
    r = run("ping", ["-u", sim.base_url("")] + verbosity, env={variable: BAD_PROXIES[kind]},
            timeout=20)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert variable in r.first_line, r.describe()
    assert_absent(r, PROXY_PASS, "user:")
    assert sim.counts()["ping"] == 0


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
@pytest.mark.parametrize("how", ["--proxy", "http_proxy"])
def test_libcurl_error_text_is_redacted(verbosity, how, closed_port):
    """A password with an unencoded '@' passes the proxy check (the last '@'
    ends the userinfo), but libcurl 7.88 refuses the proxy and quotes it whole
    in its error text ("Unsupported proxy syntax in '...'"): the text is
    shown only without the userinfo."""
    proxy = f"http://user:Px@{PROXY_PASS}@127.0.0.1:{closed_port}"
    argv = ["-u", f"http://127.0.0.1:{closed_port}/v3.8/distributor"] + verbosity
    argv, env = with_proxy(argv, how, proxy)
    r = run("ping", argv, env=env, timeout=20)
    assert r.rc == CRITICAL, r.describe()
    assert_absent(r, PROXY_PASS, "Px@")
    assert "http://<redacted>@127.0.0.1" in r.first_line, r.describe()


@pytest.mark.parametrize("encoded", ["%00", "%0a", "%0D", "%1f", "%7F"])
@pytest.mark.parametrize("how", ["--proxy", "https_proxy", "http_proxy"])
def test_proxy_credentials_with_encoded_control_are_refused(sim, closed_port, how, encoded):
    """libcurl 7.88 drops a proxy whose credentials decode to a control
    character and connects directly: the request would bypass the proxy.
    Such a proxy is a configuration error (UNKNOWN), and nothing is sent."""
    proxy = f"http://user:pa{encoded}ss@127.0.0.1:{closed_port}"
    argv = ["-u", sim.base_url("")]
    argv, env = with_proxy(argv, how, proxy)
    r = run("ping", argv, env=env, timeout=20)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1 and how in r.first_line, r.describe()
    assert sim.counts()["ping"] == 0, "the request went out without the proxy"
    assert_absent(r, "pa" + encoded)


def test_uppercase_http_proxy_is_not_read(sim):
    """libcurl ignores HTTP_PROXY (a CGI request's Proxy: header would set
    it); so does the check, and the value is never shown."""
    r = run("ping", ["-u", sim.base_url(""), "-vvv"], env={"HTTP_PROXY": BAD_PROXIES["port 99999"]},
            timeout=20)
    assert r.rc == OK, r.describe()
    assert_absent(r, PROXY_PASS)


# ---- 3. credentials in --base-url and --token-url ---------------------------

def with_userinfo(url, user, password):
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest}"


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_url_credentials_not_shown(sim, files, verbosity):
    base = with_userinfo(sim.base_url(""), "bob", BASE_PASS)
    token = with_userinfo(sim.base_url(""), "idp", IDP_PASS) + \
        f"/oauth2/token?client_secret={QUERY_SECRET}"
    argv = ["-u", base, "--token-url", token] + auth_args(files["secret"])
    argv += ["--api-key-file", files["api_key"]] + verbosity
    r = run("ping", argv, timeout=20)
    assert r.rc in (OK, CRITICAL), r.describe()
    assert sim.counts()["token"] == 1, "the token URL was not used"
    assert_absent(r, BASE_PASS, IDP_PASS, QUERY_SECRET, API_KEY, *basic("bob", BASE_PASS),
                  *basic("idp", IDP_PASS))
    url = r.long_output("URL")
    assert url and url[0].startswith("http://<redacted>@127.0.0.1:"), r.describe()
    assert "Token: requested from http://<redacted>@127.0.0.1:" in r.stdout, r.describe()


@pytest.mark.parametrize("option", ["--base-url", "--token-url"])
def test_rejected_url_is_echoed_redacted(option):
    bad = f"ftp://bob:{BASE_PASS}@127.0.0.1/x?client_secret={QUERY_SECRET}"
    argv = ["-u", "http://127.0.0.1:9/v3.8/distributor", "--client-id", CLIENT_ID,
            "--client-secret", "s", option, bad]
    r = run("ping", argv, timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert_absent(r, BASE_PASS, QUERY_SECRET)
    assert "ftp://<redacted>@127.0.0.1" in r.first_line, r.describe()


# ---- 4. values from an ini file ---------------------------------------------

INI_CASES = [
    #  id                         ini body (section [check_mysql])       key named
    ("port from another plugin",  f"p = {INI_SECRET}\n",                 "p"),
    ("unknown one-letter key",    f"k = {INI_SECRET}\n",                 "k"),
    ("long key, bad value",       f"port = {INI_SECRET}\n",              "port"),
    ("bad URL",                   f"base-url = ftp://u:{INI_SECRET}@h\n", "base-url"),
    ("bad timeout",               f"t = {INI_SECRET}\n",                 "t"),
    ("bad range",                 f"warning = {INI_SECRET}\n",           "warning"),
    ("secret file path",          f"client-id = x\nclient-secret-file = /nonexistent/{INI_SECRET}\n",
                                                                         "client-secret-file"),
    ("value-less key eats next",  f"timeout =\nscope = {INI_SECRET}\n",  "scope"),
]


@pytest.mark.parametrize("body,key", [c[1:] for c in INI_CASES], ids=[c[0] for c in INI_CASES])
def test_ini_value_is_never_echoed(tmp_path, body, key):
    ini = tmp_path / "plugins.ini"
    ini.write_text("[check_mysql]\n" + body)
    r = run("ping", ["-u", "http://127.0.0.1:9/v3.8/distributor",
                     f"--extra-opts=check_mysql@{ini}"], timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert_absent(r, INI_SECRET, INI_SECRET[:8], INI_SECRET[-8:])
    assert f"key '{key}'" in r.first_line and str(ini) in r.first_line, r.describe()


def test_command_line_value_is_still_echoed():
    r = run("ping", ["-u", "http://127.0.0.1:9/v3.8/distributor", "-p", "99999x"], timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert "'99999x'" in r.first_line, r.describe()


# ---- 5. labels go through the sanitiser -------------------------------------

@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_expect_json_path_with_pipe_is_sanitised(cookie_server, verbosity):
    r = run("ping", ["-u", cookie_server, "--expect-json", "a|b=x"] + verbosity, timeout=20)
    assert r.rc == OK, r.describe()
    # the one '|' is the perfdata separator of line 1
    assert r.stdout.count("|") == 1, r.describe()
    # the subcheck is named by the sanitised path, and its text says so too
    assert "[OK] json:a/b: a/b is x" in r.lines, r.describe()


# ---- 6. the client secret over plain HTTP -----------------------------------

def https_base(sim):
    return sim.base_url("", https=True, hostname="localhost")


@pytest.mark.parametrize("base", ["https", "default environment"])
def test_http_token_url_beside_https_probe_is_refused(sim, files, base):
    argv = [] if base != "https" else ["-u", https_base(sim), "--ca-file", sim.ca_file]
    argv += ["--token-url", sim.base_url("") + "/oauth2/token"] + auth_args(files["secret"])
    r = run("ping", argv, timeout=20)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert "--token-url" in r.first_line and "--allow-http-token-url" in r.first_line, r.describe()
    assert sim.counts()["token"] == 0


def test_allow_http_token_url_and_truthful_tls_line(sim, files):
    argv = ["-u", https_base(sim), "--ca-file", sim.ca_file, "--allow-http-token-url",
            "--token-url", sim.base_url("") + "/oauth2/token", "-vv"] + auth_args(files["secret"])
    r = run("ping", argv, timeout=20)
    assert r.rc == OK, r.describe()
    assert sim.counts()["token"] == 1
    tls = r.long_output("TLS verification")
    assert len(tls) == 1, r.describe()
    assert "token request none, plain HTTP" in tls[0], r.describe()
    assert tls[0].startswith("probe " + sim.ca_file), r.describe()


def test_plain_http_probe_does_not_claim_tls(sim):
    r = run("ping", ["-u", sim.base_url(""), "-vv"], timeout=20)
    assert r.rc == OK, r.describe()
    assert r.long_output("TLS verification") == ["none, plain HTTP"], r.describe()


# ---- the API key's host -----------------------------------------------------

def key_of(request):
    return parse_qs(request["query"]).get("key")


@pytest.mark.parametrize("token_host,gets_key", [
    ("same origin", True),
    ("default token URL", True),
    ("other host name", False),
], ids=["same origin", "default", "other host"])
def test_api_key_only_to_the_apis_own_origin(sim, files, token_host, gets_key):
    argv = ["-u", sim.base_url("")] + auth_args(files["secret"])
    argv += ["--api-key-file", files["api_key"], "--no-token-cache"]
    if token_host == "same origin":
        argv += ["--token-url", sim.base_url("") + "/oauth2/token"]
    elif token_host == "other host name":
        # localhost and 127.0.0.1: the same server, another origin
        argv += ["--token-url", sim.base_url("", hostname="localhost") + "/oauth2/token"]
    r = run("ping", argv, timeout=20)
    assert r.rc == OK, r.describe()
    token = [q for q in sim.requests() if q["endpoint"] == "token"]
    probe = [q for q in sim.requests() if q["endpoint"] == "ping"]
    assert len(token) == 1 and len(probe) == 1, sim.requests()
    assert key_of(probe[0]) == [API_KEY]
    assert key_of(token[0]) == ([API_KEY] if gets_key else None), token[0]


# ---- 7. every URL of a word, not only the first (issue 19, finding 5) --------

TWO_PASS = "TwoUrlPass-Kd8Wq"


def two_urls(first):
    """A word holding two URLs, the second with userinfo."""
    return f"{first}/a,http://user:{TWO_PASS}@h2/x"


def assert_redacted(r):
    assert_absent(r, TWO_PASS, "user:")
    assert "http://<redacted>@h2" in r.output, r.describe()


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
@pytest.mark.parametrize("fmt", ["nagios", "json"])
def test_second_url_of_base_url_is_redacted(cookie_server, verbosity, fmt):
    """The URL: line, Token: requested from, the JSON request.url and the
    -vvv trace's request line all show the base URL. (The server answers
    the token POST with 501, and echoes no path.)"""
    root = cookie_server.split("/v3.8")[0]
    argv = ["-u", two_urls(root), "--client-id", CLIENT_ID, "--client-secret", "s",
            "--no-token-cache", f"--output-format={fmt}"] + verbosity
    r = run("ping", argv, timeout=20)
    assert r.rc == CRITICAL, r.describe()
    assert_redacted(r)
    if fmt == "json":
        doc = json.loads(r.stdout)
        assert doc["request"]["url"].endswith(",http://<redacted>@h2/x/system/ping"), doc
    else:
        assert r.long_output("URL")[0].endswith(",http://<redacted>@h2/x/system/ping"), \
            r.describe()
        assert "/a,http://<redacted>@h2/x/oauth2/token" in r.long_output("Token")[0], \
            r.describe()
    if verbosity == ["-vvv"] and fmt == "nagios":
        assert "> POST /a,http://<redacted>@h2/x/oauth2/token HTTP/1.1" in r.lines, r.describe()


@pytest.mark.parametrize("option", ["--base-url", "--token-url"])
def test_second_url_of_a_rejected_url_is_redacted(option):
    argv = ["-u", "http://127.0.0.1:9/v3.8/distributor", "--client-id", CLIENT_ID,
            "--client-secret", "s", option, two_urls("ftp://h")]
    r = run("ping", argv, timeout=10)
    assert r.rc == UNKNOWN and len(r.lines) == 1, r.describe()
    assert_redacted(r)


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
@pytest.mark.parametrize("how", ["--proxy", "https_proxy"])
def test_second_url_of_a_proxy_in_libcurls_error_is_redacted(verbosity, how, closed_port):
    """The proxy passes the check (its host is taken after the last '@'),
    libcurl refuses the port of the first URL and quotes the proxy whole."""
    proxy = f"http://127.0.0.1:99999/a,http://user:{TWO_PASS}@h2/"
    argv = ["-u", f"https://127.0.0.1:{closed_port}/v3.8/distributor"] + verbosity
    argv, env = with_proxy(argv, how, proxy)
    r = run("ping", argv, env=env, timeout=20)
    assert r.rc == CRITICAL, r.describe()
    assert "Unsupported proxy syntax in 'http://127.0.0.1:99999/a,http://<redacted>@h2/'" \
        in r.first_line, r.describe()
    assert_absent(r, TWO_PASS, "user:")


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_second_url_of_a_location_is_redacted(sim, verbosity):
    target = two_urls(f"http://127.0.0.1:{sim.port}")
    sim.set_scenario({"status": 302, "location": target})
    try:
        r = run("ping", ["-u", sim.base_url()] + verbosity, timeout=20)
    finally:
        sim.set_scenario("")
    assert r.rc == WARNING, r.describe()
    assert_redacted(r)
