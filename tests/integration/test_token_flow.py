# SPDX-License-Identifier: GPL-3.0-or-later
"""The requests a run sends, as the simulator logged them (sim.requests()):
one OAuth2 client-credentials token request, then one probe with the token.

The token cache is off (--no-token-cache) and every run has a fresh state
directory anyway, so each run fetches its own token.
"""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from plugin import (API_KEY, CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, auth_args, run,
                    version)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
BEARER = re.compile(r"^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
NO_CACHE = ["--no-token-cache"]


def authed_run(sim, files, scenario="", extra=(), plugin="ping"):
    args = ["-u", sim.base_url(scenario)] + auth_args(files["secret"]) + NO_CACHE + list(extra)
    return run(plugin, args, timeout=20)


def header(request, name):
    """A request header, case-insensitively (None when absent)."""
    for key, value in request["header_list"]:
        if key.lower() == name.lower():
            return value
    return None


def test_one_token_request_then_one_probe(sim, files):
    r = authed_run(sim, files)
    assert r.rc == OK, r.describe()
    assert [q["endpoint"] for q in sim.requests()] == ["token", "ping"]
    counts = sim.counts()
    assert (counts["token"], counts["token_ok"], counts["ping"]) == (1, 1, 1)
    assert "time_auth" in r.perf, r.describe()


def test_token_request_shape(sim, files):
    base = sim.base_url("")
    r = authed_run(sim, files)
    assert r.rc == OK, r.describe()
    token = sim.requests()[0]
    assert token["method"] == "POST"
    assert token["path"] == urlsplit(base).path + "/oauth2/token"
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert header(token, "Authorization") == f"Basic {basic}"
    assert header(token, "Content-Type").split(";")[0].strip() == "application/json"
    assert json.loads(token["body"]) == {"grant_type": "client_credentials"}


@pytest.mark.parametrize("scope", [
    "distributor.booking",
    "https://www.prioticketapis.com/auth/distributor.booking openid",
    'quote" backslash\\ slash/ brace{} colon: comma,',
    "\\u0041 \\n not an escape",
], ids=["plain", "url and space", "json metacharacters", "escape lookalikes"])
def test_scope_is_json_escaped(sim, files, scope):
    r = authed_run(sim, files, extra=["--scope", scope])
    assert r.rc == OK, r.describe()
    body = sim.requests()[0]["body"]
    assert json.loads(body) == {"grant_type": "client_credentials", "scope": scope}, body


def test_probe_carries_the_issued_token(sim, files):
    """auth=required: the simulator accepts only a live token it issued."""
    r = authed_run(sim, files, "auth=required")
    assert r.rc == OK, r.describe()
    token_req, probe = sim.requests()
    assert probe["endpoint"] == "ping" and probe["method"] == "GET"
    assert BEARER.match(header(probe, "Authorization") or ""), probe
    assert header(token_req, "Authorization").startswith("Basic ")


@pytest.mark.parametrize("mode", ["bad_chars", "mac", "missing_token"])
def test_unusable_token_is_not_sent(sim, files, mode):
    r = authed_run(sim, files, f"token_body={mode}")
    assert r.rc == CRITICAL, r.describe()
    assert [q["endpoint"] for q in sim.requests()] == ["token"], "no probe with an unusable token"


@pytest.mark.parametrize("plugin_name,endpoint", [("ping", "ping"), ("status", "status")])
def test_headers_of_both_requests(sim, files, plugin_name, endpoint):
    ver = version()
    r = authed_run(sim, files, plugin=plugin_name)
    assert r.rc == OK, r.describe()
    requests = sim.requests()
    assert [q["endpoint"] for q in requests] == ["token", endpoint]
    for q in requests:
        assert header(q, "User-Agent") == f"check_prioticket/{ver}", q
        assert header(q, "Accept") == "application/json", q
        assert "gzip" in (header(q, "Accept-Encoding") or ""), q
        assert header(q, "App-Name"), q
        assert header(q, "App-Version"), q
        assert UUID.match(header(q, "App-Reference") or ""), q
    refs = {header(q, "App-Reference") for q in requests}
    assert len(refs) == 1, f"App-Reference differs between the requests of one run: {refs}"
    assert r.long_output("App-Reference") == [refs.pop()], r.describe()
    assert requests[1]["path"].endswith(f"/system/{endpoint}")


def test_app_reference_is_fresh_per_run(sim, files):
    refs = []
    for _ in range(3):
        sim.reset()
        r = authed_run(sim, files)
        assert r.rc == OK, r.describe()
        refs.append(header(sim.requests()[-1], "App-Reference"))
    assert len(set(refs)) == 3, refs


@pytest.mark.parametrize("scenario", ["size=5000", "size=5000,gzip=0"], ids=["gzip", "identity"])
def test_compressed_answer_is_decoded(sim, files, scenario):
    r = authed_run(sim, files, scenario, ["--expect-json", "ping=pong"])
    assert r.rc == OK, r.describe()
    assert r.perf["size"].value == "5000" and r.perf["size"].uom == "B", r.describe()


def test_compressed_error_body_is_decoded(sim, files):
    """The Prio error body of a 503 arrives gzipped; its fields are still read."""
    r = authed_run(sim, files, "status=503")
    assert r.rc == CRITICAL, r.describe()
    assert r.long_output("API error") == ["SERVICE_UNAVAILABLE"], r.describe()


@pytest.mark.parametrize("how", ["file", "env"])
def test_api_key_sent_as_query_parameter(sim, files, how):
    """key=required: every request must carry ?key=<the key> (test_secrets.py
    checks that the key is never printed)."""
    extra, env = (["--api-key-file", files["api_key"]], None) if how == "file" \
        else ([], {"PRIOTICKET_API_KEY": API_KEY})
    args = ["-u", sim.base_url("key=required")] + auth_args(files["secret"]) + NO_CACHE + extra
    r = run("ping", args, env=env, timeout=20)
    assert r.rc == OK, r.describe()
    probe = sim.requests()[-1]
    assert probe["endpoint"] == "ping"
    assert parse_qs(probe["query"]).get("key") == [API_KEY], probe
    assert API_KEY not in r.output, r.describe()


def test_api_key_required_but_missing(sim, files):
    r = authed_run(sim, files, "key=required")
    assert r.rc == CRITICAL, r.describe()


def test_anonymous_run(sim):
    r = run("ping", ["-u", sim.base_url(""), "-v"], timeout=20)
    assert r.rc == OK, r.describe()
    requests = sim.requests()
    assert [q["endpoint"] for q in requests] == ["ping"]
    assert header(requests[0], "Authorization") is None
    assert re.search(r"(?i)anonymous", r.stdout), r.describe()
    assert "time_auth" not in r.perf, r.describe()


def test_token_url_override(sim, files):
    token_url = sim.base_url("", https=True, hostname="localhost") + "/oauth2/token"
    r = authed_run(sim, files, extra=["--token-url", token_url, "--ca-file", sim.ca_file])
    assert r.rc == OK, r.describe()
    token_req, probe = sim.requests()
    assert token_req["endpoint"] == "token" and token_req["listener"] == "good", token_req
    assert probe["listener"] == "http", probe


def test_token_url_override_is_the_only_token_request(sim, files):
    """A failing overridden token URL is not silently replaced by the default one."""
    token_url = sim.base_url("token_status=401") + "/oauth2/token"
    r = authed_run(sim, files, extra=["--token-url", token_url])
    assert r.rc == CRITICAL, r.describe()
    assert [q["path"] for q in sim.requests()] == [urlsplit(token_url).path]
