# SPDX-License-Identifier: GPL-3.0-or-later
"""Subchecks (issue 12): each concern judged on its own, the run's state the
worst of them (CRITICAL > WARNING > UNKNOWN > OK), its reason that of the most
important subcheck at that state, and a first line naming every subcheck at
that state, most important first.

ROWS is the table over every combination that matters. Each row runs three
times, once per --output-format, and every format must agree: the same exit
code, state, reason and subcheck states. CHECKS maps a subcheck name to its
expected state, or to (state, regex on its text); "-" means the subcheck must
be absent. Subchecks not named in CHECKS may be anything, but the long output
always lists them in the importance order.
"""

import json
import re
import shlex
from dataclasses import dataclass, field

import pytest

from plugin import CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, STATE_NAMES, UNKNOWN, WARNING, auth_args, run
from test_states import TLS_NAMES

ORDER = ["connection", "token", "http", "json", "latency", "certificate"]
SUBCHECK_LINE = re.compile(r"^\[(OK|WARNING|CRITICAL|UNKNOWN|NOT EVALUATED)\] (\S+): (.*)$")
NE = "NOT EVALUATED"


@dataclass
class Row:
    id: str
    scenario: str
    args: str
    rc: int
    reason: str
    first: str                   # regex on the summary (line 1 after "STATE - ", before '|')
    checks: dict = field(default_factory=dict)
    target: str = "{base}"
    auth: str = "secret"
    plugin: str = "ping"


R = Row
ROWS = [
    # all is well
    R("all OK", "", "-w 5 -c 10 --expect-json ping=pong", OK, "ok", r"^HTTP 200 in \d+\.\d{3} s$",
      {"connection": (OK, r"server answered, HTTP/1\.1$"), "token": (OK, r"requested in"),
       "http": OK, "json:ping": (OK, r"ping is pong"), "latency": (OK, r"warning range 5, critical range 10")}),
    R("anonymous: no token subcheck", "", "", OK, "ok", r"^HTTP 200 ", {"token": "-", "latency": "-"}, auth=None),
    # transport failures: later subchecks not evaluated
    R("DNS failure", "", "", CRITICAL, "dns", r"^cannot resolve host: nonexistent\.invalid$",
      {"connection": CRITICAL, "http": (NE, r"no HTTP response")}, target="http://nonexistent.invalid/v3.8/distributor", auth=None),
    # (the command line's own secret: one from a file may not go outside
    # Prioticket and loopback, test_secret_binding.py)
    R("DNS failure of the token URL", "", "--token-url http://nonexistent.invalid/oauth2/token -w 1", CRITICAL, "dns",
      r"^cannot resolve host \(token request\)",
      {"connection": CRITICAL, "token": NE, "http": (NE, r"no token"), "latency": NE}, auth="command line"),
    R("connection refused", "", "--expect-json ping=pong", CRITICAL, "connect", r"^connection failed",
      {"connection": CRITICAL, "http": NE, "json:ping": NE}, target="{refused}", auth=None),
    R("TLS unknown CA", "", "-C 30,10", CRITICAL, "tls", r"^TLS failure",
      {"connection": CRITICAL, "http": NE, "certificate": NE}, target="{tls_good}", auth=None),
    R("timeout", "delay=3", "-t 1", CRITICAL, "timeout", r"^timeout: no answer within the 1 s budget$",
      {"connection": CRITICAL, "token": OK, "http": NE}),
    R("body trickles past the budget", "body=trickle,interval=0.1", "-t 1", CRITICAL, "timeout",
      r"^timeout: HTTP 200 arrived but the body did not finish within the 1 s budget$",
      {"connection": CRITICAL, "http": (NE, r"no HTTP response")}),
    R("timeout as UNKNOWN", "delay=3", "-t 1 --timeout-result unknown", UNKNOWN, "timeout", r"^timeout",
      {"connection": UNKNOWN}),
    R("timeout as OK keeps its reason", "delay=3", "-t 1 --timeout-result ok", OK, "timeout", r"^timeout",
      {"connection": OK, "http": NE}),
    # the token endpoint
    R("token 401", "token_status=401", "-w 1", CRITICAL, "auth", r"^authentication failed: token endpoint answered HTTP 401",
      {"connection": (OK, r"token endpoint answered"), "token": CRITICAL, "http": (NE, r"no token"), "latency": NE}),
    R("wrong secret", "", "", CRITICAL, "auth", r"invalid_client", {"token": CRITICAL}, auth="secret_wrong"),
    R("token 400", "token_status=400", "", WARNING, "client_error", r"token endpoint answered HTTP 400", {"token": WARNING}),
    R("token 429", "token_status=429", "", WARNING, "rate_limited", r"token endpoint answered HTTP 429", {"token": WARNING}),
    R("token 500", "token_status=500", "", CRITICAL, "server_error", r"token endpoint answered HTTP 500", {"token": CRITICAL}),
    R("token unusable", "token_body=missing_token", "", CRITICAL, "bad_response", r"token endpoint answered HTTP 200 but",
      {"token": CRITICAL, "http": NE}),
    # each HTTP class
    R("probe 302", "status=302,location=http://u:pw@example.invalid/x?q=s3cr3t", "", WARNING, "redirect",
      r"^HTTP 302 to http://<redacted>@example\.invalid/x\?q=<redacted> \(use --follow-redirects\): FOUND$", {"http": WARNING}),
    R("probe 401", "status=401", "", CRITICAL, "auth", r"^authentication failed: HTTP 401", {"http": CRITICAL}),
    R("probe 403 anonymous", "status=403", "", CRITICAL, "auth",
      r"^authentication failed: HTTP 403: FORBIDDEN \(no credentials sent: give --client-id and a secret\)$",
      {"http": CRITICAL}, auth=None),
    # Prioticket answers a missing Authorization header with 400 (issue 21)
    R("probe 400 anonymous: the API wants credentials", "auth=required", "", CRITICAL, "auth",
      r"^HTTP 400 with no credentials sent: the API may require them; give --client-id and a secret$",
      {"connection": OK, "http": CRITICAL}, auth=None),
    R("probe 400 with credentials", "status=400", "", WARNING, "client_error", r"^HTTP 400: INVALID_REQUEST$",
      {"http": WARNING}),
    R("probe 404", "status=404", "-w 1 --expect-json ping=pong", WARNING, "client_error",
      r"^HTTP 404: NOT_FOUND \(check --base-url: it ends in /VERSION/distributor, e\.g\. https://HOST/v3\.8/distributor\)$",
      {"http": WARNING, "latency": (NE, r"HTTP 404"), "json:ping": NE}),
    R("probe 404: the base URL is the endpoint's", "", "", WARNING, "client_error",
      r"^HTTP 404: NOT_FOUND \(--base-url must end at /distributor: the plugin adds /system/\.\.\. itself\)$",
      {"http": WARNING}, target="{base}/system/ping/", plugin="status", auth=None),
    R("token 404: the base URL is the endpoint's", "", "", WARNING, "client_error",
      r"^token endpoint answered HTTP 404 \(NOT_FOUND\) \(--base-url must end at /distributor: the plugin adds /system/\.\.\. itself\)$",
      {"token": WARNING, "http": NE}, target="{base}/system/status"),
    R("probe 429", "status=429", "", WARNING, "rate_limited", r"^HTTP 429 rate limited", {"http": WARNING}),
    R("probe 500", "status=500", "", CRITICAL, "server_error", r"^HTTP 500: INTERNAL_SERVER_ERROR$", {"http": CRITICAL}),
    R("probe 503", "status=503", "", CRITICAL, "server_error", r"^HTTP 503", {"http": CRITICAL}, plugin="status"),
    R("body too large", "body=big,size=3000000", "", WARNING, "body_too_large", r"^HTTP 200 with a body over 1048576 bytes",
      {"http": WARNING}),
    # latency bands
    R("latency warning", "delay=0.3", "-w 0.1 -c 5", WARNING, "latency", r"^HTTP 200 in 0\.\d{3} s \(warning range 0\.1\)$",
      {"http": OK, "latency": WARNING}),
    R("latency critical", "delay=0.3", "-w 0.1 -c 0.2", CRITICAL, "latency", r"\(critical range 0\.2\)$",
      {"latency": CRITICAL}),
    # --expect-json
    R("json mismatch", "", "--expect-json ping=nope", CRITICAL, "json", r"^HTTP 200 but ping is pong, not one of",
      {"http": OK, "json:ping": CRITICAL}),
    R("json missing", "", "--expect-json a.b.0=1 --expect-json ping=pong", CRITICAL, "json", r"a\.b\.0 is missing",
      {"json:a.b.0": CRITICAL, "json:ping": OK}),
    R("json: body not JSON, said once", "body=html", "--expect-json ping=pong --expect-json x=1", CRITICAL, "json",
      r"^HTTP 200 but the body is not JSON \(--expect-json\)$", {"json:ping": CRITICAL, "json:x": CRITICAL}),
    R("json beats latency", "delay=0.3", "-w 0.1 --expect-json ping=nope", CRITICAL, "json", r"^HTTP 200 but ping is pong[^;]*$",
      {"json:ping": CRITICAL, "latency": WARNING}),
    R("json and latency both critical", "delay=0.3", "-c 0.1 --expect-json ping=nope", CRITICAL, "json",
      r"^HTTP 200 but ping is pong.*; HTTP 200 in 0\.\d{3} s \(critical range 0\.1\)$", {"json:ping": CRITICAL, "latency": CRITICAL}),
    # certificate bands, alone and with the HTTP status
    R("cert OK", "", "-C 30,10", OK, "ok", r"^HTTP 200 ",
      {"connection": (OK, r"^server answered, HTTP/1\.1 over TLSv1\.[23] \(\S+\)$"),
       "certificate": (OK, r'^certificate expires in 39\d days: CN "localhost"$')},
      target="{tls_days400}"),
    R("cert warning", "", "-C 30,10", WARNING, "certificate", r'^certificate expires in 1\d days \(warning below 30\): CN "localhost"$',
      {"http": OK, "certificate": WARNING}, target="{tls_days20}"),
    R("cert critical", "", "-C 30,10", CRITICAL, "certificate", r"^certificate expires in \d days \(critical below 10\): CN \"localhost\"$",
      {"certificate": CRITICAL}, target="{tls_days5}"),
    R("cert critical and HTTP 500", "status=500", "-C 30,10", CRITICAL, "server_error",
      r"^HTTP 500: INTERNAL_SERVER_ERROR; certificate expires in \d days \(critical below 10\): CN \"localhost\"$",
      {"http": CRITICAL, "certificate": CRITICAL}, target="{tls_days5}"),
    R("cert critical beats a 429", "status=429", "-C 30,10", CRITICAL, "certificate", r"^certificate ",
      {"http": WARNING, "certificate": CRITICAL}, target="{tls_days5}"),
    R("cert warning and a 404: both named", "status=404", "-C 30,10", WARNING, "client_error",
      r"^HTTP 404.*; certificate .*warning below 30", {"http": WARNING, "certificate": WARNING}, target="{tls_days20}"),
]


def context(sim, scenario, files, closed_port):
    ctx = {"base": sim.base_url(scenario), "ca": sim.ca_file,
           "refused": f"http://127.0.0.1:{closed_port}/v3.8/distributor"}
    for name in TLS_NAMES:
        ctx[f"tls_{name}"] = sim.base_url(scenario, https=True, tls_name=name, hostname="localhost")
    return ctx


def argv_of(row, ctx, files):
    args = ["-u", row.target.format(**ctx)]
    if row.target.startswith("{tls_") and row.target != "{tls_good}":
        args += ["--ca-file", ctx["ca"]]
    args += [w.format(**ctx) for w in shlex.split(row.args)]
    if row.auth == "command line":
        args += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    elif row.auth:
        args += auth_args(files[row.auth])
    return args


def nagios_subchecks(r):
    """[(name, state, text)] of the '[STATE] name: text' lines, in order."""
    found = []
    for line in r.lines[1:]:
        m = SUBCHECK_LINE.match(line)
        if m:
            found.append((m[2], m[1], m[3]))
    return found


def kind(name):
    return "json" if name.startswith("json:") else name


def check_subchecks(found, row, text_of):
    names = [name for name, _, _ in found]
    kinds = [ORDER.index(kind(n)) for n in names]
    assert kinds == sorted(kinds), f"subchecks out of importance order: {names}"
    states = {name: state for name, state, _ in found}
    texts = {name: text for name, _, text in found}
    for name, want in row.checks.items():
        if want == "-":
            assert name not in states, f"{name} should be absent: {names}"
            continue
        state, pattern = want if isinstance(want, tuple) else (want, None)
        state = state if isinstance(state, str) else STATE_NAMES[state]
        assert states.get(name) == text_of(state), f"{name}: {states.get(name)} != {state}; {found}"
        if pattern:
            assert re.search(pattern, texts[name]), f"{name}: {texts[name]!r} !~ /{pattern}/"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_subcheck_table(sim, files, closed_port, row):
    argv = argv_of(row, context(sim, row.scenario, files, closed_port), files)

    r = run(row.plugin, argv, timeout=30)
    assert r.rc == row.rc, r.describe()
    prefix = f"PRIOTICKET {row.plugin.upper()} {STATE_NAMES[row.rc]} - "
    assert r.first_line.startswith(prefix), r.describe()
    assert re.search(row.first, r.summary[len(prefix):]), r.describe()
    assert r.long_output("Reason") == [row.reason], r.describe()
    check_subchecks(nagios_subchecks(r), row, lambda s: s)

    j = run(row.plugin, argv + ["--output-format=json"], timeout=30)
    assert j.rc == row.rc, j.describe()
    doc = json.loads(j.raw_stdout.decode("utf-8"))
    assert (doc["state"], doc["state_name"], doc["reason"]) == (row.rc, STATE_NAMES[row.rc], row.reason), doc
    assert re.search(row.first, doc["summary"]), doc["summary"]
    check_subchecks([(c["name"], c["state"], c["text"]) for c in doc["subchecks"]], row,
                    lambda s: s.replace(" ", "_"))

    p = run(row.plugin, argv + ["--output-format=prometheus"], timeout=30)
    assert p.rc == row.rc, p.describe()
    assert re.search(rf'^prioticket_state{{[^}}]*reason="{row.reason}"[^}}]*}} {row.rc}$', p.stdout, re.M), p.describe()


# ---------------------------------------------------------------------------
# The three defects of issue 12, each failing on the code before it.

def test_certificate_does_not_hide_the_http_status(sim, files):
    """Was: 'CRITICAL - certificate expires in 364 days (critical below 36500): server_broke'."""
    url = sim.base_url("status=500", https=True, tls_name="days400", hostname="localhost")
    r = run("ping", ["-u", url, "--ca-file", sim.ca_file, "-C", "36500,36500"] + auth_args(files["secret"]))
    assert r.rc == CRITICAL, r.describe()
    assert re.match(r"^PRIOTICKET PING CRITICAL - HTTP 500: INTERNAL_SERVER_ERROR; certificate expires in 39\d "
                    r"days \(critical below 36500\): CN \"localhost\" \|", r.first_line), r.describe()


@pytest.mark.parametrize("expected,rc", [
    ("x" * 255, CRITICAL),   # was a false OK: the value was cut to 255 characters
    ("x" * 300, OK),         # was a false CRITICAL: the cut value never matched
    ("x" * 299, CRITICAL),
    ("x" * 301, CRITICAL),
], ids=["255 of 300", "exact 300", "299", "301"])
def test_long_json_values_match_exactly(sim, files, expected, rc):
    r = run("status", ["-u", sim.base_url("status_value=" + "x" * 300), "--expect-json", "status=" + expected]
            + auth_args(files["secret"]))
    assert r.rc == rc, r.describe()


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "."])
@pytest.mark.parametrize("fmt", ["nagios", "json", "prometheus"])
def test_bad_json_path_is_a_bad_argument(sim, path, fmt):
    """Was: accepted, then CRITICAL 'missing from the body' at run time."""
    r = run("ping", ["-u", sim.base_url(), "--output-format", fmt, "--expect-json", path + "=1"])
    assert r.rc == UNKNOWN, r.describe()
    assert sim.counts()["ping"] == 0
    if fmt == "nagios":
        assert len(r.lines) == 1 and re.match(r"^PRIOTICKET PING UNKNOWN - --expect-json: bad path", r.first_line), \
            r.describe()
    elif fmt == "json":
        doc = json.loads(r.stdout)
        assert (doc["state"], doc["reason"]) == (UNKNOWN, "config") and "expect-json" in doc["summary"], doc
    else:
        assert 'prioticket_state{endpoint="ping",environment="custom",reason="config"} 3' in r.stdout, r.describe()


def test_redirect_location_is_shown_redacted(sim):
    r = run("ping", ["-u", sim.base_url("status=302,location=http://u:pw@example.invalid/x?q=s3cr3t")])
    assert r.rc == WARNING, r.describe()
    assert r.long_output("Location") == ["http://<redacted>@example.invalid/x?q=<redacted>"], r.describe()
    # (the scenario itself, secret included, is in the simulator's URL)
    assert "s3cr3t" not in r.first_line and "pw@" not in r.first_line, r.describe()
