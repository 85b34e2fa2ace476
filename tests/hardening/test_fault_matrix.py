# SPDX-License-Identifier: GPL-3.0-or-later
"""The server-side fault matrix: ONE table, one row per way a server (or a
proxy in front of it) can misbehave, with the state and the first line the
plugin must answer with.

Columns
-------
id       the row's name (the test id)
plugin   ping | status
target   where the probe goes:
           sim         the simulator over HTTP, carrying SCENARIO
           tls:NAME    the simulator over HTTPS on the NAME certificate's
                       listener (host name localhost), carrying SCENARIO
           raw:NAME    hardening_util.RawServer's canned answer NAME (answers
                       the simulator cannot give: invalid UTF-8 without a NUL,
                       raw control bytes, forged status line / header text,
                       200 MB of unknown length, a 300 KB header line)
scenario simulator SPEC (prioticket_sim.py), "" = a normal answer
args     more arguments; templates {ca} (the test CA), {sim_root} (the
         simulator's unprefixed base URL), {tls_selfsigned} (HTTPS base URL on
         the self-signed listener), {closed} (a closed loopback port)
rc       expected exit code
text     regex searched in line 1 after "PRIOTICKET <PING|STATUS> <STATE> - "
auth     send --client-id / --client-secret-file (the token flow) when True
checks   extra checks:
           rss_mb=N     the plugin's peak RSS stays below N MB
           wall=S       the run ends within S seconds
           cert=NAME    perfdata cert_days equals the NAME certificate's
                        remaining whole days (+-1)
           no_follow=K  redirects are not followed: the simulator saw exactly
                        one request on endpoint K and nothing else
           long=REGEX   a long-output line matches REGEX

Every row runs twice: as written, and with -v -v -v.  Both runs must also
give: no signal; exactly one '|' in all of stdout; no line that begins with
text the server tried to inject; output that is valid UTF-8 with no control
characters but newline/tab, no C1 controls and no Unicode line separators;
at most 8192 bytes (Nagios' limit); the same state.
"""

import datetime
import re
import shlex
import subprocess
from dataclasses import dataclass, field

import pytest

import hardening_util as hu
from hardening_util import CRITICAL, OK, PREFIX, STATE_NAMES, UNKNOWN, WARNING

MB = 1024  # KiB
BIG_WALL = 5.0       # a 200 MB answer must be cut short, not downloaded
TIMEOUT_MARGIN = 1.5
MAX_OUTPUT = 8192

# Text the servers in this matrix try to smuggle onto a line of its own.
INJECTED_STARTS = ("second line", "third", "newline", "INJECTED", "time=", " time=",
                   "<html", "<head", "<body", "<center", "<hr", "<title", "PRIOTICKET",
                   "| ", "|")


@dataclass
class Row:
    id: str
    plugin: str
    target: str
    scenario: str
    args: str
    rc: int
    text: str
    auth: bool = False
    checks: dict = field(default_factory=dict)


R = Row
BIG = {"rss_mb": 64, "wall": BIG_WALL}
ROWS = [
    # id                                      plugin    target             scenario                         args                                rc        text after "STATE - "
    # --- a body far too big: bounded, peak RSS < 64 MB, quickly non-OK --------------------------
    R("200 MB body (Content-Length)",         "ping",   "sim",             "body=big",                      "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("200 MB body, status plugin",           "status", "sim",             "body=big",                      "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("200 MB body over TLS",                 "ping",   "tls:good",        "body=big",                      "--ca-file {ca}",                   WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("200 MB body after a token",            "ping",   "sim",             "body=big",                      "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", auth=True, checks=BIG),
    R("200 MB chunked, no length",            "ping",   "raw:chunked200mb", "",                             "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("200 MB until close, no length",        "ping",   "raw:close200mb",  "",                              "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("200 MB error body (500)",              "ping",   "raw:error200mb",  "",                              "",                                 CRITICAL, r"HTTP 500 with a body over \d+ bytes", checks=BIG),
    R("Content-Length 10^23",                 "ping",   "raw:clhuge",      "",                              "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("Content-Length 2^63-1",                "ping",   "raw:clint64",     "",                              "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    R("30 MB gzip bomb (29 KB on the wire)",  "ping",   "sim",             "size=30000000",                 "",                                 WARNING,  r"HTTP 200 with a body over \d+ bytes", checks=BIG),
    # --- a body that trickles or never comes: ends by the timeout --------------------------------
    R("trickle, 1 byte a second",             "ping",   "sim",             "body=trickle",                  "-t 2",                             CRITICAL, r"timeout", checks={"wall": 2 + TIMEOUT_MARGIN}),
    R("trickle 503, --timeout-result warning", "ping",  "sim",             "body=trickle,status=503",       "-t 2 --timeout-result warning",    WARNING,  r"timeout", checks={"wall": 2 + TIMEOUT_MARGIN}),
    R("trickle, status plugin",               "status", "sim",             "body=trickle",                  "-t 1",                             CRITICAL, r"timeout", checks={"wall": 1 + TIMEOUT_MARGIN}),
    R("headers, then nothing (hang)",         "ping",   "sim",             "body=hang",                     "-t 1",                             CRITICAL, r"timeout", checks={"wall": 1 + TIMEOUT_MARGIN}),
    # --- truncated and malformed JSON --------------------------------------------------------------
    # (a 2xx body is only judged with --expect-json: doc/output.md, "States")
    R("truncated JSON 200, not judged",       "ping",   "sim",             "body=truncated",                "",                                 OK,       r"HTTP 200 "),
    R("truncated JSON 200, --expect-json",    "ping",   "sim",             "body=truncated",                "--expect-json ping=pong",          CRITICAL, r"not JSON"),
    R("truncated JSON, status --expect-json", "status", "sim",             "body=truncated",                "--expect-json status=OK",          CRITICAL, r"not JSON"),
    R("truncated JSON 503",                   "ping",   "sim",             "status=503,body=truncated",     "",                                 CRITICAL, r"HTTP 503"),
    R("malformed JSON 200, --expect-json",    "ping",   "sim",             "body=malformed",                "--expect-json ping=pong",          CRITICAL, r"not JSON"),
    R("malformed JSON 500",                   "ping",   "sim",             "status=500,body=malformed",     "",                                 CRITICAL, r"HTTP 500"),
    R("malformed JSON 401",                   "ping",   "sim",             "status=401,body=malformed",     "",                                 CRITICAL, r"authentication failed.*HTTP 401", auth=True),
    R("malformed JSON 429",                   "status", "sim",             "status=429,body=malformed",     "",                                 WARNING,  r"HTTP 429"),
    R("malformed token answer",               "ping",   "sim",             "token_body=malformed",          "",                                 CRITICAL, r"token", auth=True),
    R("empty body 200, --expect-json",        "ping",   "sim",             "body=empty",                    "--expect-json ping=pong",          CRITICAL, r"not JSON"),
    R("200 000 nested arrays, --expect-json", "ping",   "raw:deepjson",    "",                              "--expect-json a=b",                CRITICAL, r"not JSON"),
    # --- NUL bytes and invalid UTF-8 in error texts ------------------------------------------------
    R("NUL + 0xff 0xfe in error text (500)",  "ping",   "sim",             "status=500,body=nul",           "",                                 CRITICAL, r"HTTP 500", checks={"long": r"^API error description: before"}),
    R("NUL in error text (401)",              "ping",   "sim",             "status=401,body=nul",           "",                                 CRITICAL, r"authentication failed.*HTTP 401", auth=True),
    R("NUL in error text, status plugin 503", "status", "sim",             "status=503,body=nul",           "",                                 CRITICAL, r"HTTP 503"),
    R("invalid UTF-8 in error text, no NUL",  "ping",   "raw:badutf8",     "",                              "",                                 CRITICAL, r"HTTP 500", checks={"long": r"^API error description: bad .*tail"}),
    R("raw NUL and C0 bytes in the body",     "ping",   "raw:rawnul",      "",                              "",                                 CRITICAL, r"HTTP 500"),
    R("escaped controls, U+2028/2029 breaks", "ping",   "raw:escapes",     "",                              "",                                 CRITICAL, r"HTTP 503"),
    R("'|', CR, LF, fake perfdata in error",  "ping",   "sim",             "status=500,body=inject",        "",                                 CRITICAL, r"HTTP 500"),
    R("injection in a 401 from the probe",    "ping",   "sim",             "status=401,body=inject",        "",                                 CRITICAL, r"authentication failed", auth=True),
    R("forged reason phrase and header",      "ping",   "raw:reason",      "",                              "",                                 CRITICAL, r"HTTP 500"),
    # --- HTML from a proxy -------------------------------------------------------------------------
    R("proxy 502 HTML page",                  "ping",   "sim",             "status=502,body=html",          "",                                 CRITICAL, r"HTTP 502"),
    R("proxy 503 HTML page, status plugin",   "status", "sim",             "status=503,body=html",          "",                                 CRITICAL, r"HTTP 503"),
    R("proxy 403 HTML page",                  "ping",   "sim",             "status=403,body=html",          "",                                 CRITICAL, r"authentication failed.*HTTP 403", auth=True),
    R("proxy 404 HTML page",                  "ping",   "sim",             "status=404,body=html",          "",                                 WARNING,  r"HTTP 404"),
    R("HTML 200, --expect-json",              "ping",   "sim",             "body=html",                     "--expect-json ping=pong",          CRITICAL, r"not JSON"),
    R("HTML 200, status --expect-json",       "status", "sim",             "body=html",                     "--expect-json status=OK",          CRITICAL, r"not JSON"),
    R("HTML 200, not judged",                 "ping",   "sim",             "body=html",                     "",                                 OK,       r"HTTP 200 "),
    R("HTML with NUL, bad UTF-8, fake perf",  "ping",   "raw:htmlproxy",   "",                              "",                                 CRITICAL, r"HTTP 502"),
    R("HTML from the token endpoint",         "ping",   "sim",             "token_body=html",               "",                                 CRITICAL, r"token", auth=True),
    # --- the connection closed mid-response --------------------------------------------------------
    # the bytes missing, in libcurl's words: 7.88 "transfer closed with 990 bytes remaining",
    # 8.14 "end of response with 990 bytes missing"
    R("closed mid-body",                      "ping",   "sim",             "body=close",                    "",                                 CRITICAL, r"bad HTTP response: \D*\b990 bytes\b"),
    R("closed mid-body, status plugin",       "status", "sim",             "body=close",                    "",                                 CRITICAL, r"bad HTTP response"),
    R("closed mid-body after a token",        "ping",   "sim",             "body=close",                    "",                                 CRITICAL, r"bad HTTP response", auth=True),
    R("closed without an answer",             "ping",   "sim",             "body=reset",                    "",                                 CRITICAL, r"bad HTTP response"),
    R("announced 1 MiB, sent 2 bytes",        "ping",   "raw:clshort",     "",                              "",                                 CRITICAL, r"bad HTTP response", checks={"rss_mb": 64}),
    R("Content-Length -5",                    "ping",   "raw:clneg",       "",                              "",                                 CRITICAL, r"bad HTTP response"),
    R("two different Content-Lengths",        "ping",   "raw:cldup",       "",                              "",                                 CRITICAL, r"bad HTTP response"),
    R("gzip header, then garbage",            "ping",   "raw:gzipbad",     "",                              "",                                 CRITICAL, r"bad HTTP response"),
    R("300 KB header line",                   "ping",   "raw:hugeheader",  "",                              "",                                 CRITICAL, r"bad HTTP response|(?i:header)"),
    # --- TLS: CRITICAL with a reason that names the problem ----------------------------------------
    R("TLS self-signed",                      "ping",   "tls:selfsigned",  "",                              "--ca-file {ca}",                   CRITICAL, r"TLS.*self[- ]signed"),
    R("TLS expired",                          "ping",   "tls:expired",     "",                              "--ca-file {ca}",                   CRITICAL, r"TLS.*(?i:expired)"),
    R("TLS wrong host",                       "ping",   "tls:wronghost",   "",                              "--ca-file {ca}",                   CRITICAL, r"TLS.*(no alternative certificate subject name|host ?name)"),
    R("TLS expired, status plugin",           "status", "tls:expired",     "",                              "--ca-file {ca}",                   CRITICAL, r"TLS.*(?i:expired)"),
    R("TLS expired with -C 30,7",             "ping",   "tls:expired",     "",                              "--ca-file {ca} -C 30,7",           CRITICAL, r"TLS.*(?i:expired)"),
    R("TLS self-signed token endpoint",       "ping",   "sim",             "",                              "--token-url {tls_selfsigned}/oauth2/token --ca-file {ca}",
                                                                                                                                                CRITICAL, r"TLS.*self[- ]signed", auth=True),
    # --- certificate lifetime against --certificate 30,7 -------------------------------------------
    R("certificate 5 days, -C 30,7",          "ping",   "tls:days5",       "",                              "--ca-file {ca} -C 30,7",           CRITICAL, r"certificate expires in \d+ days?", checks={"cert": "days5"}),
    R("certificate 20 days, -C 30,7",         "ping",   "tls:days20",      "",                              "--ca-file {ca} -C 30,7",           WARNING,  r"certificate expires in \d+ days", checks={"cert": "days20"}),
    R("certificate 400 days, -C 30,7",        "ping",   "tls:days400",     "",                              "--ca-file {ca} -C 30,7",           OK,       r"HTTP 200 ", checks={"cert": "days400"}),
    R("certificate 5 days, -C 30 (no crit)",  "ping",   "tls:days5",       "",                              "--ca-file {ca} -C 30",             WARNING,  r"certificate expires in \d+ days?", checks={"cert": "days5"}),
    R("certificate 5 days, status plugin",    "status", "tls:days5",       "",                              "--ca-file {ca} -C 30,7",           CRITICAL, r"certificate expires in \d+ days?", checks={"cert": "days5"}),
    R("certificate 5 days, 503 answer",       "ping",   "tls:days5",       "status=503",                    "--ca-file {ca} -C 30,7",           CRITICAL, r"HTTP 503|certificate expires"),
    # --- redirects are not followed (3xx: WARNING) -------------------------------------------------
    R("302 to the real ping",                 "ping",   "sim",             "status=302,location={sim_root}/system/ping", "",                    WARNING,  r"HTTP 302", checks={"no_follow": "ping"}),
    R("301 to the real status",               "status", "sim",             "status=301,location={sim_root}/system/status", "",                  WARNING,  r"HTTP 301", checks={"no_follow": "status"}),
    R("307 to the real ping",                 "ping",   "sim",             "status=307,location={sim_root}/system/ping", "",                    WARNING,  r"HTTP 307", checks={"no_follow": "ping"}),
    R("308 to the real ping, with a token",   "ping",   "sim",             "status=308,location={sim_root}/system/ping", "",                    WARNING,  r"HTTP 308", auth=True),
    R("302 to a closed port",                 "ping",   "sim",             "status=302,location={closed}/system/ping", "",                      WARNING,  r"HTTP 302", checks={"no_follow": "ping"}),
    R("302 from the token endpoint",          "ping",   "sim",             "token_status=302,location={sim_root}/oauth2/token", "",             WARNING,  r"302", auth=True, checks={"no_follow": "token"}),
]

assert len({r.id for r in ROWS}) == len(ROWS), "row ids must be unique"


def cert_days_left(sim, name):
    """Whole days (float) from now to the NAME certificate's notAfter."""
    out = subprocess.run(["openssl", "x509", "-enddate", "-noout", "-in",
                          f"{sim.cert_dir}/{name}.pem"], capture_output=True, text=True,
                         timeout=10, check=True).stdout
    when = datetime.datetime.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    left = when.replace(tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)
    return left.total_seconds() / 86400


def build_argv(row, sim, raw, secret_file, closed_port):
    ctx = {"ca": sim.ca_file, "sim_root": sim.base_url(""),
           "tls_selfsigned": sim.base_url("", https=True, tls_name="selfsigned",
                                          hostname="localhost"),
           "closed": f"http://127.0.0.1:{closed_port}/v3.8/distributor"}
    scenario = row.scenario.format(**ctx)
    kind, _, name = row.target.partition(":")
    if kind == "sim":
        url = sim.base_url(scenario)
    elif kind == "tls":
        url = sim.base_url(scenario, https=True, tls_name=name, hostname="localhost")
    else:
        url = raw.base_url(name)
    argv = ["-u", url] + [w.format(**ctx) for w in shlex.split(row.args)]
    if row.auth:
        argv += ["--client-id", hu.CLIENT_ID, "--client-secret-file", str(secret_file)]
    return argv


def check_common(r, row):
    """What every run of every row must give, at any verbosity."""
    assert not r.timed_out, "the plugin did not end; killed by the test\n" + r.describe()
    assert r.rc >= 0, f"killed by signal {-r.rc}\n" + r.describe()
    assert r.rc == row.rc, r.describe()
    prefix = f"{PREFIX[row.plugin]}{STATE_NAMES[row.rc]} - "
    assert r.first_line.startswith(prefix), r.describe()
    summary = r.first_line[len(prefix):]
    assert re.search(row.text, summary), f"line 1 lacks /{row.text}/\n" + r.describe()
    assert r.stdout.count("|") == 1, "stdout must hold exactly one '|'\n" + r.describe()
    for i, line in enumerate(r.lines[1:], 2):
        assert not line.startswith(INJECTED_STARTS), \
            f"line {i} starts with server text: {line!r}\n" + r.describe()
    problems = hu.sanitation_problems(r.raw_stdout) + hu.sanitation_problems(r.raw_stderr)
    assert not problems, "unclean output: " + "; ".join(problems) + "\n" + r.describe()
    assert len(r.raw_stdout) <= MAX_OUTPUT, f"{len(r.raw_stdout)} bytes\n" + r.describe()


def check_extra(r, row, sim):
    checks = row.checks
    if "rss_mb" in checks:
        assert 0 < r.maxrss_kb < checks["rss_mb"] * MB, \
            f"peak RSS {r.maxrss_kb / MB:.1f} MB (limit {checks['rss_mb']} MB)\n" + r.describe()
    if "wall" in checks:
        assert r.wall < checks["wall"], \
            f"ran {r.wall:.2f} s (limit {checks['wall']} s)\n" + r.describe()
    if "cert" in checks:
        assert "cert_days" in r.perf, "no cert_days in the perfdata\n" + r.describe()
        value = r.perf["cert_days"].value
        expected = cert_days_left(sim, checks["cert"])
        assert re.fullmatch(r"-?\d+", value), f"cert_days={value} is not whole days"
        assert abs(int(value) - expected) <= 1, \
            f"cert_days={value}, the certificate has {expected:.2f} days left\n" + r.describe()
    if "no_follow" in checks:
        endpoint = checks["no_follow"]
        counts = sim.counts()
        seen = [(q["method"], q["path"]) for q in sim.requests()]
        assert counts[endpoint] == 1, f"{counts}: the redirect was followed\n{seen}\n" + r.describe()
        assert counts["other"] == 0, f"{counts}\n{seen}"
        others = {"ping", "status", "token"} - {endpoint}
        assert all(counts[k] == 0 for k in others), f"{counts}\n{seen}"
    if "long" in checks:
        assert any(re.search(checks["long"], line) for line in r.lines[1:]), \
            f"no long-output line matches /{checks['long']}/\n" + r.describe()


@pytest.mark.parametrize("verbosity", [[], ["-v", "-v", "-v"]], ids=["quiet", "-vvv"])
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_fault_matrix(sim, raw, secret_file, closed_port, row, verbosity):
    argv = build_argv(row, sim, raw, secret_file, closed_port) + verbosity
    measure = "rss_mb" in row.checks
    r = hu.run(row.plugin, argv, timeout=30, measure_rss=measure)
    if measure or "wall" in row.checks:
        rss = f"peak RSS {r.maxrss_kb} KiB, " if measure else ""
        print(f"{row.id} {verbosity}: {rss}wall {r.wall:.3f} s, exit {r.rc}")
    check_common(r, row)
    check_extra(r, row, sim)


def test_body_line_printed_once_at_vvv(sim, raw):
    """-vvv prints a non-JSON error body once (check.c prints it as the error's
    'Body:' line and again as the -vvv 'Body:' line)."""
    for url in (sim.base_url("status=502,body=html"), raw.base_url("rawnul"),
                sim.base_url("status=500,body=malformed")):
        r = hu.run("ping", ["-u", url, "-vvv"], timeout=20)
        assert r.rc == CRITICAL, r.describe()
        body_lines = [line for line in r.lines if line.startswith("Body: ")]
        assert len(body_lines) == 1, f"{len(body_lines)} 'Body:' lines\n" + r.describe()


def test_matrix_covers_the_issue():
    """Every server-side item of the issue's 'Must show' has a row."""
    text = " ".join(f"{r.target} {r.scenario} {r.args}" for r in ROWS)
    for needed in ("body=big", "body=trickle", "body=truncated", "body=malformed", "body=nul",
                   "raw:badutf8", "body=html", "body=close", "tls:selfsigned", "tls:expired",
                   "tls:wronghost", "tls:days5", "tls:days20", "tls:days400", "status=302,location="):
        assert needed in text, needed
    assert {r.rc for r in ROWS} <= {OK, WARNING, CRITICAL, UNKNOWN}
