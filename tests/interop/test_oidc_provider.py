# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugins against an OpenID-certified provider: panva's oidc-provider
(npm, the exact version in tests/interop/oidc/package-lock.json, installed by
`tools/setup-debian --test` with `npm ci`), issuing RS256 JWT access tokens by
client credentials for a resource indicator, and a resource server that checks
each token with jose against the provider's key and records the Authorization
header it received, byte for byte (tests/interop/oidc/provider.mjs).

Issue 20, items 1 and 2:
- tokens that grow with their group claims: 120 groups (over 5,480
  characters), 700 groups (over 16 KiB) are accepted, sent whole, and the
  same bytes come from the cache on the next run; 7,000 groups (over the
  256 KiB limit) are refused with the token's length and the limit;
- lifetimes of 400 days and of 365 days + 1 s are lifetimes (the token is
  cached), not errors.

Items 6 and 7, with nginx (Debian's) in front of the provider:
- a token endpoint behind redirects, followed with --follow-redirects: a 301
  to another origin (libcurl turns the POST into a GET and sends no
  credentials there: the provider answers 404), a 308 to another origin (the
  POST stays, the credentials are withheld: 400 invalid_request), a 301 on the
  same origin (a GET with credentials: 404), and a 308 on the same origin,
  which works; the output says what happened and which --token-url to use;
- a 429 and a 503 with Retry-After (seconds, and HTTP dates in the future
  and in the past) set the back-off; a 429 without one keeps the default.

Every case asserts the state, the reason word and the first line.
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from interop_daemons import nginx_config
from plugin import CRITICAL, OK, WARNING, run

HERE = Path(__file__).resolve().parent
OIDC = HERE / "oidc"
SECRET = "oidc-Secret-7Kq2"
API = "/v3.8/distributor"
DAY = 86400

# client_id: (group claims, access token lifetime in seconds)
CLIENTS = {
    "groups-120": (120, 400 * DAY),
    "groups-700": (700, 3600),
    "year-and-a-second": (0, 365 * DAY + 1),
    "groups-7000": (7000, 3600),
}


def node_binary():
    path = shutil.which("node", path="/usr/bin:/usr/local/bin:/bin")
    if not path:
        pytest.skip("node not installed (apt-get install nodejs; tools/setup-debian --test "
                    "installs it)")
    if not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("oidc-provider not installed in tests/interop/oidc (tools/setup-debian "
                    "--test runs npm ci there)")
    return path


@pytest.fixture(scope="module")
def provider(workdir, free_port, credentials):
    node = node_binary()
    d = workdir("oidc")
    ports = {"provider_port": free_port(), "api_port": free_port()}
    config = dict(ports, record=str(d / "record"), ready=str(d / "ready"),
                  clients=[{"client_id": cid, "client_secret": SECRET, "groups": groups,
                            "ttl": ttl} for cid, (groups, ttl) in CLIENTS.items()])
    (d / "config.json").write_text(json.dumps(config))
    secret = d / "secret"
    secret.write_text(SECRET)
    os.chmod(secret, 0o600)
    with open(d / "provider.log", "wb") as log:
        proc = subprocess.Popen([node, OIDC / "provider.mjs", d / "config.json"], cwd=OIDC,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while not (d / "ready").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (d / "ready").exists(), (d / "provider.log").read_text()
        yield {"dir": d, "secret": secret, **ports}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def check(provider, client, cache, plugin_name="ping", extra=(), token_url=None):
    token_url = token_url or f"http://127.0.0.1:{provider['provider_port']}/token"
    args = ["-u", f"http://127.0.0.1:{provider['api_port']}{API}", "--token-url", token_url,
            "--token-body", "form", "--client-id", client,
            "--client-secret-file", str(provider["secret"]), "--token-cache", str(cache),
            "-v", *extra]
    return run(plugin_name, args)


def expect(r, state, reason, first):
    assert r.rc == state, r.describe()
    assert f"Reason: {reason}" in r.lines, r.describe()
    text = r.summary.split(" - ", 1)[1]
    assert re.search(first, text), f"first line does not match {first!r}\n" + r.describe()
    assert SECRET not in r.output, r.describe()


def received(provider):
    """Authorization headers the resource server got, in order."""
    path = provider["dir"] / "record"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def cached_token(cache):
    (entry,) = [p for p in cache.iterdir() if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    return re.search(r"^token (\S+)$", entry.read_text(), re.M)[1]


@pytest.mark.parametrize("client,groups,longer_than", [
    ("groups-120", 120, 5480),
    ("groups-700", 700, 16 * 1024),
])
def test_a_large_jwt_reaches_the_resource_server_byte_for_byte(provider, tmp_path, client,
                                                               groups, longer_than):
    before = len(received(provider))
    first = check(provider, client, tmp_path / "cache")
    second = check(provider, client, tmp_path / "cache")
    for r in (first, second):
        expect(r, OK, "ok", r"^HTTP 200 in")
    assert "Token: requested from" in first.stdout and "Token: from the cache" in second.stdout
    headers = received(provider)[before:]
    assert len(headers) == 2, headers
    # jose verified the signature of both (else 401): not one byte differs
    # from what the provider signed, on the wire and from the cache alike.
    assert headers[0] == headers[1] and headers[0].startswith("Bearer ")
    token = headers[0][len("Bearer "):]
    assert len(token) > longer_than
    assert len(claims(token)["groups"]) == groups
    assert cached_token(tmp_path / "cache") == token
    assert token not in first.output + second.output


def test_a_jwt_over_the_limit_names_its_length(provider, tmp_path):
    before = len(received(provider))
    r = check(provider, "groups-7000", tmp_path / "cache")
    expect(r, CRITICAL, "bad_response",
           r"^token endpoint answered HTTP 200 but access_token is (\d+) characters, over the "
           r"limit of 262144$")
    length = int(re.search(r"access_token is (\d+) characters", r.summary)[1])
    assert length > 262144
    assert len(received(provider)) == before  # no probe without a token


@pytest.mark.parametrize("client,lifetime", [
    ("groups-120", 400 * DAY),
    ("year-and-a-second", 365 * DAY + 1),
])
def test_a_long_lifetime_is_a_lifetime(provider, tmp_path, client, lifetime):
    first = check(provider, client, tmp_path / "cache")
    second = check(provider, client, tmp_path / "cache", plugin_name="status")
    expect(first, OK, "ok", r"^HTTP 200 in")
    expect(second, OK, "ok", r"^HTTP 200 in")
    assert "Token: from the cache" in second.stdout, second.describe()
    (entry,) = [p for p in (tmp_path / "cache").iterdir()
                if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    fields = dict(line.split(" ", 1) for line in entry.read_text().splitlines()[1:])
    written, renew, expires = (int(fields[k]) for k in ("written", "renew", "expires"))
    # Kept until its real expiry; renewed after an hour at the latest.
    assert expires - written == lifetime
    assert renew - written == 3600


# ---- item 6: a token endpoint behind redirects (nginx in front) ------------------

@pytest.fixture(scope="module")
def front(provider, need, daemon, workdir, free_port):
    """nginx on its own port: /token proxied to the provider (same origin for
    the redirects below), redirects of every kind, and canned 429 / 503."""
    binary = need("nginx", "nginx")
    d = workdir("oidc-nginx")
    port = free_port()
    target = f"http://127.0.0.1:{provider['provider_port']}/token"
    busy = '{"error":"LIMIT_REACHED"}'
    down = '{"error":"SERVICE_UNAVAILABLE"}'
    (d / "nginx.conf").write_text(nginx_config(d, f"""
    server {{
        listen 127.0.0.1:{port};
        location = /token {{ proxy_pass {target}; }}
        location = /other301/token {{ return 301 {target}; }}
        location = /other308/token {{ return 308 {target}; }}
        location = /same301/token {{ return 301 /token; }}
        location = /same308/token {{ return 308 /token; }}
        location = /busy429-2/token {{ add_header Retry-After 2 always; return 429 '{busy}'; }}
        location = /busy429/token {{ return 429 '{busy}'; }}
        location = /down503-date/token {{
            add_header Retry-After "Wed, 21 Oct 2037 07:28:00 GMT" always; return 503 '{down}'; }}
        location = /down503-past/token {{
            add_header Retry-After "Sun, 06 Nov 1994 08:49:37 GMT" always; return 503 '{down}'; }}
    }}"""))
    daemon([binary, "-p", d, "-c", d / "nginx.conf", "-e", d / "error.log"],
           [("127.0.0.1", port)], d)
    return f"http://127.0.0.1:{port}"


# (path on nginx, state, reason, first line)
REDIRECTS = [
    ("/other301/token", WARNING, "redirect",
     r"^token endpoint answered HTTP 404 \(invalid_request\) after a redirect to "
     r"http://127\.0\.0\.1:\d+/token that turned the POST into a GET and went to another origin, "
     r"where the client credentials are not sent: point --token-url at "
     r"http://127\.0\.0\.1:\d+/token$"),
    ("/other308/token", WARNING, "redirect",
     r"^token endpoint answered HTTP 400 \(invalid_request\) after a redirect to "
     r"http://127\.0\.0\.1:\d+/token that went to another origin, where the client credentials "
     r"are not sent: point --token-url at http://127\.0\.0\.1:\d+/token$"),
    ("/same301/token", WARNING, "redirect",
     r"^token endpoint answered HTTP 404 \(invalid_request\) after a redirect to "
     r"http://127\.0\.0\.1:\d+/token that turned the POST into a GET: point --token-url at "
     r"http://127\.0\.0\.1:\d+/token$"),
    ("/same308/token", OK, "ok", r"^HTTP 200 in"),
]


@pytest.mark.parametrize("path,state,reason,first", REDIRECTS, ids=[r[0] for r in REDIRECTS])
def test_a_redirected_token_request_says_what_happened(provider, front, tmp_path, path, state,
                                                       reason, first):
    r = check(provider, "year-and-a-second", tmp_path / "cache", token_url=front + path,
              extra=["--follow-redirects"])
    expect(r, state, reason, first)
    assert re.search(r"^Token: the token request was redirected 1 time to http://127\.0\.0\.1:"
                     r"\d+/token.*; point --token-url at the final URL$", r.stdout, re.M), \
        r.describe()


def test_an_unfollowed_token_redirect_names_the_token_url(provider, front, tmp_path):
    r = check(provider, "year-and-a-second", tmp_path / "cache", token_url=front + "/other308/token")
    expect(r, WARNING, "redirect",
           r"^token endpoint answered HTTP 308 to http://127\.0\.0\.1:\d+/token: point "
           r"--token-url at it$")


# ---- item 7: Retry-After from nginx ----------------------------------------------

# (path on nginx, state, reason, the back-off's length, the remembered run's first line)
RETRY_AFTER = [
    ("/busy429-2/token", WARNING, "rate_limited", 2, r"\(Retry-After of 2 s\)$"),
    ("/busy429/token", WARNING, "rate_limited", 24, r"\(default back-off of 24 s\)$"),
    ("/down503-date/token", CRITICAL, "server_error", 3600, r"\(Retry-After of 3600 s\)$"),
    ("/down503-past/token", CRITICAL, "server_error", 1, None),  # over before a second run
]


@pytest.mark.parametrize("path,state,reason,length,why", RETRY_AFTER,
                         ids=[r[0] for r in RETRY_AFTER])
def test_retry_after_sets_the_back_off(provider, front, tmp_path, path, state, reason, length,
                                       why):
    cache = tmp_path / "cache"
    first = check(provider, "year-and-a-second", cache, token_url=front + path)
    expect(first, state, reason, r"^token endpoint answered HTTP (429|503)")
    (entry,) = [p for p in cache.iterdir() if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    fields = dict(line.split(" ", 1) for line in entry.read_text().splitlines()[1:])
    assert int(fields["until"]) - int(fields["at"]) == length, fields
    if why is None:
        return
    second = check(provider, "year-and-a-second", cache, token_url=front + path)
    expect(second, state, reason,
           r"^remembered (refusal|failure) from \d+ s ago: token endpoint answered HTTP "
           r"(429|503) \((LIMIT_REACHED|SERVICE_UNAVAILABLE)\); next token request in \d+ s " + why)
    assert "Token: not requested" in second.stdout, second.describe()
