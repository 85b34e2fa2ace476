# SPDX-License-Identifier: GPL-3.0-or-later
"""Every row of the state mapping (doc/output.md, "States"; the code's
table is lib/plugin/state.c), as a table: scenario and arguments in, exit code
and first line out.

A row's TEXT regex must match somewhere in line 1 after the fixed prefix
"PRIOTICKET <PING|STATUS> <STATE> - ", whose STATE the expected exit code gives.

Templates in ARGS and TARGET: {base} (the simulator's base URL carrying the
row's scenario), {tls_<name>} (the same over HTTPS on the <name> certificate's
listener, host name localhost), {ca}, {ca_dir}, {tls_port}, {blackhole},
{refused}, and {<file>} for the credential files of conftest.files.
AUTH names the secret file sent with --client-id (None: anonymous).
"""

import os
import re
import shlex
import shutil
import tempfile
from dataclasses import dataclass

import pytest

from plugin import (CLIENT_ID, CLIENT_SECRET, CRITICAL, MAX_OUTPUT, OK, PLUGINS, STATE_NAMES,
                    UNKNOWN, WARNING, auth_args, binary, run)


@dataclass
class Row:
    id: str
    scenario: str
    args: str
    rc: int
    text: str
    plugin: str = "ping"
    target: str = "{base}"
    auth: str = "secret"
    env: dict = None


R = Row
ROWS = [
    #  id                        scenario                 args                          rc        text after "STATE - "
    # 2xx, thresholds hold
    R("200",                     "",                      "",                           OK,       r"HTTP 200 in \d+\.\d{3} s \| time="),
    R("200 anonymous",           "",                      "",                           OK,       r"HTTP 200 ", auth=None),
    R("204 no body",             "status=204",            "",                           OK,       r"HTTP 204 "),
    R("status 200",              "",                      "",                           OK,       r"HTTP 200 ", plugin="status"),
    R("-H -p -A target",         "",                      "-H localhost -p {tls_port} -A v3.5 --ca-file {ca}",
                                                                                        OK,       r"HTTP 200 ", target=""),
    R("-w 1 -c 2",               "",                      "-w 1 -c 2",                  OK,       r"HTTP 200 "),
    # 2xx, response time in the warning / critical range (delay 0.3 s)
    R("delay in -w",             "delay=0.3",             "-w 0.1 -c 5",                WARNING,  r"HTTP 200 in 0\.\d{3} s"),
    R("delay in -c",             "delay=0.3",             "-w 0.1 -c 0.2",              CRITICAL, r"HTTP 200 in 0\.\d{3} s"),
    R("critical checked first",  "delay=0.3",             "-w 0.1 -c 0.1",              CRITICAL, r"HTTP 200 "),
    R("status delay in -w",      "delay=0.3",             "-w 0.1",                     WARNING,  r"HTTP 200 ", plugin="status"),
    # range forms, chosen so the outcome does not depend on timing
    R("-w 0:100 start included", "",                      "-w 0:100 -c 0:100",          OK,       r"HTTP 200 "),
    R("-w 0 (0..0)",             "",                      "-w 0",                       WARNING,  r"HTTP 200 "),
    R("-w 0: open end",          "",                      "-w 0: -c 0:",                OK,       r"HTTP 200 "),
    R("-w 100: below start",     "",                      "-w 100:",                    WARNING,  r"HTTP 200 "),
    R("-c 100:200 outside",      "",                      "-c 100:200",                 CRITICAL, r"HTTP 200 "),
    R("-w ~:100",                "",                      "-w ~:100 -c ~:200",          OK,       r"HTTP 200 "),
    R("-w ~:0",                  "",                      "-w ~:0",                     WARNING,  r"HTTP 200 "),
    R("-c ~:0.1 slow",           "delay=0.3",             "-c ~:0.1",                   CRITICAL, r"HTTP 200 "),
    R("-w @0:100 inside",        "",                      "-w @0:100",                  WARNING,  r"HTTP 200 "),
    R("-c @0:100 inside",        "",                      "-w @0:100 -c @0:100",        CRITICAL, r"HTTP 200 "),
    R("-w @100:200 outside",     "",                      "-w @100:200 -c @100:200",    OK,       r"HTTP 200 "),
    R("-c @~:100 inside",        "",                      "-c @~:100",                  CRITICAL, r"HTTP 200 "),
    R("-c @~:0 outside",         "",                      "-c @~:0",                    OK,       r"HTTP 200 "),
    # 429: rate limited, the service answers
    R("429",                     "status=429",            "",                           WARNING,  r"HTTP 429"),
    R("429 Retry-After",         "status=429,retry_after=30", "",                       WARNING,  r"HTTP 429"),
    R("429 malformed body",      "status=429,body=malformed", "",                       WARNING,  r"HTTP 429"),
    # 401 / 403: authentication failed
    R("401 probe",               "status=401",            "",                           CRITICAL, r"authentication failed.*HTTP 401"),
    R("403 probe",               "status=403",            "",                           CRITICAL, r"authentication failed.*HTTP 403"),
    R("401 probe anonymous",     "status=401",            "",                           CRITICAL, r"authentication failed.*HTTP 401", auth=None),
    R("401 probe truncated",     "status=401,body=truncated", "",                       CRITICAL, r"authentication failed.*HTTP 401"),
    R("403 probe html",          "status=403,body=html",  "",                           CRITICAL, r"authentication failed.*HTTP 403"),
    R("401 token endpoint",      "token_status=401",      "",                           CRITICAL, r"authentication failed.*401"),
    R("403 token endpoint",      "token_status=403",      "",                           CRITICAL, r"authentication failed.*403"),
    R("wrong secret",            "",                      "",                           CRITICAL, r"authentication failed.*invalid_client", auth="secret_wrong"),
    R("unknown client id",       "",                      "--client-id nobody --client-secret-file {secret}",
                                                                                        CRITICAL, r"authentication failed.*invalid_client", auth=None),
    R("secret from env",         "",                      "--client-id " + CLIENT_ID,  OK,       r"HTTP 200 ", auth=None,
      env={"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}),
    R("id and secret from env",  "",                      "",                           OK,       r"HTTP 200 ", auth=None,
      env={"PRIOTICKET_CLIENT_ID": CLIENT_ID, "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}),
    R("secret file newline",     "",                      "",                           OK,       r"HTTP 200 ", auth="secret_newline"),
    # other 4xx
    R("400",                     "status=400",            "",                           WARNING,  r"HTTP 400"),
    R("404",                     "status=404",            "",                           WARNING,  r"HTTP 404"),
    R("405",                     "status=405",            "",                           WARNING,  r"HTTP 405"),
    R("422",                     "status=422",            "",                           WARNING,  r"HTTP 422"),
    R("404 html",                "status=404,body=html",  "",                           WARNING,  r"HTTP 404"),
    # Prioticket's answer to a missing Authorization header (issue 21).
    R("400 auth=required anon",  "auth=required",         "",                           CRITICAL,
      r"HTTP 400 with no credentials sent: the API may require them; give --client-id", auth=None),
    R("400 token endpoint",      "token_status=400",      "",                           WARNING,  r"400"),
    R("429 token endpoint",      "token_status=429",      "",                           WARNING,  r"429"),
    R("404 status plugin",       "status=404",            "",                           WARNING,  r"HTTP 404", plugin="status"),
    # 5xx
    R("500",                     "status=500",            "",                           CRITICAL, r"HTTP 500"),
    R("502",                     "status=502",            "",                           CRITICAL, r"HTTP 502"),
    R("503",                     "status=503",            "",                           CRITICAL, r"HTTP 503"),
    R("504",                     "status=504",            "",                           CRITICAL, r"HTTP 504"),
    R("503 status plugin",       "status=503",            "",                           CRITICAL, r"HTTP 503", plugin="status"),
    R("502 html proxy page",     "status=502,body=html",  "",                           CRITICAL, r"HTTP 502[^<>]*\|"),
    R("500 malformed body",      "status=500,body=malformed", "",                       CRITICAL, r"HTTP 500"),
    R("503 truncated body",      "status=503,body=truncated", "",                       CRITICAL, r"HTTP 503"),
    R("500 empty body",          "status=500,body=empty", "",                           CRITICAL, r"HTTP 500"),
    R("500 NUL body",            "status=500,body=nul",   "",                           CRITICAL, r"HTTP 500"),
    R("500 token endpoint",      "token_status=500",      "",                           CRITICAL, r"500"),
    # transport failures
    # (the command line's own secret: one from a file may not go outside
    # Prioticket and loopback, test_secret_binding.py)
    R("DNS failure",             "",                      "",                           CRITICAL, r"(?i:resolve)", target="http://nonexistent.invalid/v3.8/distributor", auth="command line"),
    R("DNS failure token",       "",                      "--token-url http://nonexistent.invalid/oauth2/token",
                                                                                        CRITICAL, r"(?i:resolve)", auth="command line"),
    R("connection refused",      "",                      "",                           CRITICAL, r"(?i:connect)", target="{refused}"),
    R("TLS self-signed",         "",                      "--ca-file {ca}",             CRITICAL, r"TLS", target="{tls_selfsigned}"),
    R("TLS expired",             "",                      "--ca-file {ca}",             CRITICAL, r"TLS.*(?i:expired)", target="{tls_expired}"),
    R("TLS wrong host",          "",                      "--ca-file {ca}",             CRITICAL, r"TLS", target="{tls_wronghost}"),
    R("TLS unknown CA",          "",                      "",                           CRITICAL, r"TLS", target="{tls_good}"),
    R("TLS good --ca-file",      "",                      "--ca-file {ca}",             OK,       r"HTTP 200 ", target="{tls_good}"),
    R("TLS good --ca-path",      "",                      "--ca-path {ca_dir}",         OK,       r"HTTP 200 ", target="{tls_good}"),
    R("TLS --insecure",          "",                      "--insecure",                 OK,       r"HTTP 200 ", target="{tls_selfsigned}"),
    R("body=close",              "body=close",            "",                           CRITICAL, r""),
    R("body=reset",              "body=reset",            "",                           CRITICAL, r""),
    R("body=empty 200",          "body=empty",            "",                           OK,       r"HTTP 200 "),
    R("body=truncated 200",      "body=truncated",        "",                           OK,       r"HTTP 200 "),
    # --certificate W,C: remaining validity of the server certificate
    R("cert 400 days -C 30,10",  "",                      "--ca-file {ca} -C 30,10",    OK,       r"HTTP 200 ", target="{tls_days400}"),
    R("cert 20 days -C 30,10",   "",                      "--ca-file {ca} -C 30,10",    WARNING,  r"(?i:certificate)", target="{tls_days20}"),
    R("cert 5 days -C 30,10",    "",                      "--ca-file {ca} -C 30,10",    CRITICAL, r"(?i:certificate)", target="{tls_days5}"),
    # timeout: --timeout-result (default critical); delay longer than -t
    R("timeout default",         "delay=3",               "-t 1",                       CRITICAL, r"(?i:timeout)"),
    R("timeout ok",              "delay=3",               "-t 1 --timeout-result ok",   OK,       r"(?i:timeout)"),
    R("timeout warning",         "delay=3",               "-t 1 --timeout-result warning", WARNING, r"(?i:timeout)"),
    R("timeout critical",        "delay=3",               "-t 1 --timeout-result critical", CRITICAL, r"(?i:timeout)"),
    R("timeout unknown",         "delay=3",               "-t 1 --timeout-result unknown", UNKNOWN, r"(?i:timeout)"),
    # --expect-json
    R("expect-json met",         "",                      "--expect-json ping=pong",    OK,       r"HTTP 200 "),
    R("expect-json one of list", "",                      "--expect-json ping=x,pong",  OK,       r"HTTP 200 "),
    R("expect-json repeated",    "",                      "--expect-json ping=pong --expect-json ping=x,pong",
                                                                                        OK,       r"HTTP 200 "),
    R("expect-json not met",     "",                      "--expect-json ping=nope",    CRITICAL, r"ping"),
    R("expect-json path missing", "",                     "--expect-json a.b.0=1",      CRITICAL, r"a\.b\.0"),
    R("expect-json html body",   "body=html",             "--expect-json ping=pong",    CRITICAL, r"(?i:JSON)"),
    R("expect-json empty body",  "body=empty",            "--expect-json ping=pong",    CRITICAL, r"(?i:JSON)"),
    R("expect-json truncated",   "body=truncated",        "--expect-json ping=pong",    CRITICAL, r"(?i:JSON)"),
    R("expect-json nested",      "",                      "--expect-json services.database=OK --expect-json status=OK",
                                                                                        OK,       r"HTTP 200 ", plugin="status"),
    R("expect-json DEGRADED",    "status_value=DEGRADED", "--expect-json status=OK",    CRITICAL, r"status", plugin="status"),
    # the token endpoint answers 200 with a token the plugin cannot use
    R("token_body=malformed",    "token_body=malformed",  "",                           CRITICAL, r"(?i:token)"),
    R("token_body=missing_token", "token_body=missing_token", "",                       CRITICAL, r"(?i:token)"),
    R("token_body=wrong_types",  "token_body=wrong_types", "",                          CRITICAL, r"(?i:token)"),
    R("token_body=html",         "token_body=html",       "",                           CRITICAL, r"(?i:token)"),
    R("token_body=bad_chars",    "token_body=bad_chars",  "",                           CRITICAL, r"(?i:token)"),
    R("token_body=mac",          "token_body=mac",        "",                           CRITICAL, r"(?i:token)"),
    # expires_in is optional (RFC 6749 5.1): a token without it is usable
    R("token_body=no_expiry",    "token_body=no_expiry",  "",                           OK,       r"HTTP 200 "),
]

TLS_NAMES = ("good", "selfsigned", "expired", "wronghost", "days5", "days20", "days400")


def context(sim, scenario, files, closed_port):
    ctx = {
        "base": sim.base_url(scenario),
        "ca": sim.ca_file,
        "ca_dir": sim.ca_dir,
        "tls_port": sim.tls_ports["good"],
        "blackhole": f"http://127.0.0.1:{sim.blackhole_port}/v3.8/distributor",
        "refused": f"http://127.0.0.1:{closed_port}/v3.8/distributor",
    }
    for name in TLS_NAMES:
        ctx[f"tls_{name}"] = sim.base_url(scenario, https=True, tls_name=name, hostname="localhost")
    ctx.update({name: str(path) for name, path in files.items()})
    return ctx


def argv_of(row, ctx, files):
    args = []
    if row.target:
        args += ["-u", row.target.format(**ctx)]
    args += [word.format(**ctx) for word in shlex.split(row.args)]
    if row.auth == "command line":
        args += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    elif row.auth:
        args += auth_args(files[row.auth])
    return args


def first_line_regex(plugin, rc, text):
    return rf"^PRIOTICKET {plugin.upper()} {STATE_NAMES[rc]} - .*?{text}"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_state(sim, files, closed_port, row):
    ctx = context(sim, row.scenario, files, closed_port)
    r = run(row.plugin, argv_of(row, ctx, files), env=row.env, timeout=20)
    assert r.rc == row.rc, r.describe()
    assert re.search(first_line_regex(row.plugin, row.rc, row.text), r.first_line), r.describe()
    assert r.first_line.count("|") <= 1, r.describe()
    assert len(r.raw_stdout) <= MAX_OUTPUT, r.describe()
    r.raw_stdout.decode("utf-8")  # raises on invalid UTF-8


# ---------------------------------------------------------------------------
# Bad arguments: exit 3 and exactly one line, "PRIOTICKET PING UNKNOWN - <reason>".
# No simulator is needed: the plugin must stop before any request.

NOWHERE = "http://127.0.0.1:9/v3.8/distributor"

BAD_ARGS = [
    #  id                          args                                   reason regex
    ("-w not a number",            ["-w", "abc"],                         r"warning"),
    ("-w start > end",             ["-w", "5:1"],                         r"warning"),
    ("-w exponent",                ["-w", "1e3"],                         r"warning"),
    ("-w empty",                   ["-w", ""],                            r"warning"),
    ("-w comma list",              ["-w", "1,2"],                         r"warning"),
    ("-w unit",                    ["-w", "1s"],                          r"warning"),
    ("-w nan",                     ["-w", "nan"],                         r"warning"),
    ("-c bare @",                  ["-c", "@"],                           r"critical"),
    ("-c bare ~",                  ["-c", "~"],                           r"critical"),
    ("-w missing value",           ["-w"],                                r"-w|warning"),
    ("-t zero",                    ["-t", "0"],                           r"timeout"),
    ("-t negative",                ["-t", "-1"],                          r"timeout"),
    ("-t word",                    ["-t", "abc"],                         r"timeout"),
    ("-t huge",                    ["-t", "99999"],                       r"timeout"),
    ("-p zero",                    ["-H", "localhost", "-p", "0"],        r"port"),
    ("-p too big",                 ["-H", "localhost", "-p", "70000"],    r"port"),
    ("-p word",                    ["-H", "localhost", "-p", "http"],     r"port"),
    ("-E unknown",                 ["-E", "moon"],                        r"environment"),
    ("-A no v",                    ["-A", "3.8"],                         r"api-version"),
    ("-A no minor",                ["-A", "v3"],                          r"api-version"),
    ("-u ftp",                     ["-u", "ftp://example.com/x"],         r"base-url"),
    ("-u not a URL",               ["-u", "notaurl"],                     r"base-url"),
    ("-u empty",                   ["-u", ""],                            r"base-url"),
    ("--timeout-result unknown",   ["--timeout-result", "maybe"],         r"timeout-result"),
    ("--certificate word",         ["--certificate", "abc"],              r"certificate"),
    ("--certificate crit > warn",  ["--certificate", "10,20"],            r"certificate"),
    ("--certificate negative",     ["--certificate", "-1"],               r"certificate"),
    ("--certificate bad crit",     ["--certificate", "5,x"],              r"certificate"),
    ("--expect-json no =",         ["--expect-json", "ping"],             r"expect-json"),
    ("--expect-json no path",      ["--expect-json", "=pong"],            r"expect-json"),
    ("--expect-json a..b",         ["--expect-json", "a..b=1"],           r"expect-json: bad path"),
    ("--token-url ftp",            ["--token-url", "ftp://x/token"],      r"token-url"),
    ("--scope empty",              ["--scope", ""],                       r"scope"),
    ("--client-id empty",          ["--client-id", ""],                   r"client-id"),
    ("--ca-file missing",          ["--ca-file", "/nonexistent/ca.pem"],  r"ca-file"),
    ("unknown option",             ["--bogus"],                           r"--bogus"),
    ("unknown short option",       ["-Z"],                                r"-Z|option"),
    ("positional argument",        ["extra"],                             r"positional"),
    ("secret without client id",   ["--client-secret", "x"],              r"client id|client-id"),
]


@pytest.mark.parametrize("args,reason", [(a, r) for _, a, r in BAD_ARGS],
                         ids=[i for i, _, _ in BAD_ARGS])
@pytest.mark.parametrize("plugin_name", ["ping", "status"])
def test_bad_arguments(plugin_name, args, reason):
    target = [] if any(a in ("-u", "-H") for a in args) else ["-u", NOWHERE]
    r = run(plugin_name, target + args, timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert re.match(rf"^PRIOTICKET {plugin_name.upper()} UNKNOWN - .*(?:{reason})", r.first_line), r.describe()


# ---------------------------------------------------------------------------
# Secret files the plugin must refuse: UNKNOWN, one line, and no request made.

SECRET_FILES = [
    #  id                 file                      reason regex
    ("world-readable",    "secret_world",           r"secret file"),
    ("world-writable",    "secret_world_writable",  r"secret file"),
    ("empty",             "secret_empty",           r"secret file"),
    ("missing",           "missing",                r"secret file"),
    ("a directory",       "directory",              r"secret file"),
]


@pytest.mark.parametrize("name,reason", [(n, r) for _, n, r in SECRET_FILES],
                         ids=[i for i, _, _ in SECRET_FILES])
def test_bad_secret_file(sim, files, name, reason):
    r = run("ping", ["-u", sim.base_url()] + auth_args(files[name]), timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert re.match(rf"^PRIOTICKET PING UNKNOWN - .*{reason}", r.first_line), r.describe()
    assert sim.counts()["token"] == 0 and sim.counts()["ping"] == 0


def test_bad_api_key_file(sim, files):
    r = run("ping", ["-u", sim.base_url(), "--api-key-file", files["secret_world"]], timeout=10)
    assert r.rc == UNKNOWN and len(r.lines) == 1, r.describe()
    assert sim.counts()["ping"] == 0


def _drop_to_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def test_unreadable_secret_file(sim):
    """A 0600 file of another user (we are root here: run the plugin as nobody),
    in a directory everybody may enter, so only the file's mode stops the read.
    The plugin runs from a copy in that directory: nobody may not reach the build
    tree (a clone in /root, mode 0700, is where a root user usually puts it)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the plugin as another user")
    directory = tempfile.mkdtemp(prefix="pt-itest-unreadable-", dir="/tmp")
    os.chmod(directory, 0o755)
    secret = os.path.join(directory, "secret")
    with open(secret, "w") as fh:
        fh.write(CLIENT_SECRET)
    os.chmod(secret, 0o600)
    plugin = os.path.join(directory, os.path.basename(binary("ping")))
    shutil.copyfile(binary("ping"), plugin)
    os.chmod(plugin, 0o755)
    try:
        r = run(plugin, ["-u", sim.base_url(), "--client-id", CLIENT_ID,
                         "--client-secret-file", secret], timeout=10, preexec_fn=_drop_to_nobody)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert re.match(r"^PRIOTICKET PING UNKNOWN - .*secret file", r.first_line), r.describe()
    assert sim.counts()["token"] == 0


@pytest.mark.parametrize("args,shape", [
    (["--help"], r"(?s)^check_prioticket_\w+ \S+.*Usage:"),
    (["-h"], r"(?s)^check_prioticket_\w+ \S+.*Usage:"),
    (["--version"], r"^check_prioticket_\w+ \d+\.\d+\.\d+"),
    (["-V"], r"^check_prioticket_\w+ \d+\.\d+\.\d+"),
], ids=["--help", "-h", "--version", "-V"])
@pytest.mark.parametrize("plugin_name", ["ping", "status"])
def test_help_and_version_are_unknown(plugin_name, args, shape):
    r = run(plugin_name, args, timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert re.search(shape, r.stdout), r.describe()
    assert PLUGINS[plugin_name] in r.first_line, r.describe()
