# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugins against token endpoints built on the standard OAuth2 libraries
of Debian 12 (python3-authlib 1.2, python3-oauthlib 3.2; see oauth2_server.py),
with a client id and secret holding '+', '%', ':', '/', '=', '&', '#', a blank
and non-ASCII characters.

- --token-body=form: what RFC 6749 section 4.4.2 asks for (form body, client
  id and secret form-encoded inside the Basic credentials, section 2.3.1), so
  both libraries accept it and hand out a token the probe then uses.
- --token-body=json (the default, Prioticket's): a standard server refuses it
  (400 unsupported_grant_type / invalid_request) and the output says what to
  change.
- Scopes with a blank, an unknown scope, a wrong secret, and a 200 answer over
  the 1 MiB limit (item 4 of issue 11: CRITICAL, no token).

Every case asserts the state, the first line, the perfdata (phases adding up
to time) and, at -vvv, that no form of the secret and no token is in the
output.
"""

import base64
import shutil
import sys
import tempfile
from urllib.parse import quote

import pytest

from interop_daemons import (NASTY_SECRET, OAuth2Server, check_case, memcheck_wrapper,
                             secret_file)
from plugin import CRITICAL, OK, SIM_DIR, WARNING, run

CLIENT = "interop-client+%41~"
LIBRARIES = ["authlib", "oauthlib"]
REFUSAL = {"authlib": "unsupported_grant_type", "oauthlib": "invalid_request"}


@pytest.fixture(scope="module")
def creds():
    directory = tempfile.mkdtemp(prefix="pt-interop-oauth-creds-")
    yield {"right": secret_file(directory, NASTY_SECRET),
           "wrong": secret_file(directory, NASTY_SECRET[:-1], "wrong")}
    shutil.rmtree(directory, ignore_errors=True)  # no secret left behind


@pytest.fixture(scope="module", params=LIBRARIES)
def server(request):
    with OAuth2Server(request.param, CLIENT, NASTY_SECRET) as srv:
        yield srv


def secrets_of(server=None):
    """The secret raw, form-encoded and percent-encoded, the Basic values of
    both encodings, and every token the server issued."""
    encoded = quote(NASTY_SECRET, safe="-._~")
    found = [NASTY_SECRET, encoded, quote(NASTY_SECRET, safe="")]
    for pair in (f"{CLIENT}:{NASTY_SECRET}", f"{quote(CLIENT, safe='-._~')}:{encoded}"):
        found.append(base64.b64encode(pair.encode()).decode().rstrip("="))
    if server is not None:
        found += server.issued()
    return found


def plugin_args(server, secret_file_path, body, *extra):
    return ["-u", server.base_url(), "--client-id", CLIENT, "--client-secret-file",
            str(secret_file_path), "--token-body", body, *extra]


@pytest.mark.parametrize("verbosity", ["", "-v", "-vv", "-vvv"])
def test_form_body_with_a_nasty_secret(server, creds, verbosity):
    args = plugin_args(server, creds["right"], "form") + ([verbosity] if verbosity else [])
    r = run("ping", args)
    check_case(r, OK, "HTTP 200 in ", secrets_of(server))
    assert len(server.issued()) >= 1
    assert {"time", "time_auth", "time_connect", "size"} <= set(r.perf), r.describe()
    if verbosity == "-vvv":
        assert "> Content-Type: application/x-www-form-urlencoded" in r.stdout, r.describe()
        assert "> Authorization: <redacted>" in r.stdout, r.describe()


@pytest.mark.parametrize("scope", ["ping", "ping status", "status ping"])
def test_form_body_scope(server, creds, scope):
    r = run("ping", plugin_args(server, creds["right"], "form", "--scope", scope, "-vvv"))
    check_case(r, OK, "HTTP 200 in ", secrets_of(server))


def test_unknown_scope_is_refused(server, creds):
    r = run("ping", plugin_args(server, creds["right"], "form", "--scope", "ping admin", "-vvv"))
    check_case(r, CRITICAL, "authentication failed: token endpoint answered HTTP 400 "
               "(invalid_scope)", secrets_of(server))


def test_wrong_secret_is_refused(server, creds):
    r = run("ping", plugin_args(server, creds["wrong"], "form", "-vvv"))
    check_case(r, CRITICAL, "authentication failed: token endpoint answered HTTP 401",
               secrets_of(server) + [NASTY_SECRET[:-1]])
    assert "invalid_client" in r.summary, r.describe()


def test_a_fractional_lifetime_is_a_lifetime(server, creds, tmp_path):
    """Issue 20 item 2: the library's own expires_in of 3599.999 is a
    lifetime of 3599 s (the token is cached), not "not a positive number"."""
    args = plugin_args(server, creds["right"], "form", "--scope", "ping fraction",
                       "--token-cache", str(tmp_path / "cache"), "-v")
    first = run("ping", args)
    second = run("ping", args)
    check_case(first, OK, "HTTP 200 in ", secrets_of(server))
    check_case(second, OK, "HTTP 200 in ", secrets_of(server))
    assert "Token: from the cache" in second.stdout, second.describe()
    (entry,) = [p for p in (tmp_path / "cache").iterdir() if len(p.name) == 64]
    fields = dict(line.split(" ", 1) for line in entry.read_text().splitlines()[1:])
    assert int(fields["expires"]) - int(fields["written"]) == 3599


def test_json_body_is_what_a_standard_server_refuses(server, creds):
    """Prioticket's JSON body is not RFC 6749's: the library answers 400, and
    the output points at --token-body."""
    r = run("ping", plugin_args(server, creds["right"], "json", "-vvv"))
    check_case(r, WARNING, f"token endpoint answered HTTP 400 ({REFUSAL[server.library]})",
               secrets_of(server))
    assert any("--token-body form" in line for line in r.lines), r.describe()
    assert "> Content-Type: application/json" in r.stdout, r.describe()
    assert server.issued() == [] or "time" not in r.perf


def test_default_body_is_json(server, creds):
    args = plugin_args(server, creds["right"], "json")
    args.remove("--token-body")
    args.remove("json")
    r = run("ping", args + ["-vvv"])
    check_case(r, WARNING, f"token endpoint answered HTTP 400 ({REFUSAL[server.library]})",
               secrets_of(server))


def test_token_answer_over_the_size_limit(server, creds):
    """Item 4: a 200 whose body is over 1 MiB gave no token: CRITICAL, the
    README's "2xx with an unusable token", not a WARNING about a big body."""
    r = run("ping", plugin_args(server, creds["right"], "form", "--scope", "huge", "-vvv"))
    check_case(r, CRITICAL, "token endpoint answered HTTP 200 but the response is over "
               "1048576 bytes; no token obtained", secrets_of(server))
    assert "time_auth" in r.perf and "time" not in r.perf, r.describe()
    assert r.long_output("Token")[0].endswith("no token obtained"), r.describe()


def test_json_body_keeps_the_credentials_as_they_are():
    """The default (Prioticket's) request is unchanged: the same nasty secret,
    not form-encoded, against the project's simulator, which compares the
    Basic credentials byte for byte."""
    sys.path.insert(0, str(SIM_DIR))
    try:
        from simctl import Simulator
    finally:
        sys.path.remove(str(SIM_DIR))
    directory = tempfile.mkdtemp(prefix="pt-interop-oauth-sim-")
    try:
        path = secret_file(directory, NASTY_SECRET)
        with Simulator(tls=False, client_id=CLIENT, client_secret=NASTY_SECRET) as sim:
            r = run("ping", ["-u", sim.base_url(), "--client-id", CLIENT, "--client-secret-file",
                             str(path), "-vvv"])
            tokens = [q["headers"].get("Authorization", " ").split(" ", 1)[1]
                      for q in sim.requests() if q["endpoint"] == "ping"]
            check_case(r, OK, "HTTP 200 in ", secrets_of() + tokens)
            token_requests = [q for q in sim.requests() if q["endpoint"] == "token"]
            assert len(token_requests) == 1
            assert token_requests[0]["body"] == '{"grant_type":"client_credentials"}'
            basic = token_requests[0]["headers"]["Authorization"].split(" ", 1)[1]
            assert base64.b64decode(basic).decode() == f"{CLIENT}:{NASTY_SECRET}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # no secret left behind


@pytest.mark.parametrize("scope,state", [("ping status", OK), ("huge", CRITICAL)],
                         ids=["form body", "token answer over the limit"])
def test_no_memory_error(server, creds, scope, state):
    r = run("ping", plugin_args(server, creds["right"], "form", "--scope", scope, "-vvv",
                                "-t", "30"), timeout=180, wrapper=memcheck_wrapper())
    assert r.rc != 99, "memory errors (valgrind or ASan):\n" + r.describe()
    assert "definitely lost" not in r.stderr, r.describe()
    assert r.rc == state, r.describe()


def test_form_body_from_an_extra_opts_file(server, creds, tmp_path):
    """What contrib/nagios/prioticket.ini.example shows: the whole token setup
    in an ini section, nothing secret on the command line."""
    ini = tmp_path / "prioticket.ini"
    ini.write_text("[idp]\n"
                   f"token-url={server.base_url()}/oauth2/token\n"
                   f"client-id={CLIENT}\n"
                   f"client-secret-file={creds['right']}\n"
                   "token-body=form\n"
                   "scope=ping status\n", encoding="utf-8")
    ini.chmod(0o600)
    r = run("ping", ["-u", server.base_url(), f"--extra-opts=idp@{ini}", "-vvv"])
    check_case(r, OK, "HTTP 200 in ", secrets_of(server))
