# SPDX-License-Identifier: GPL-3.0-or-later
"""The output an engine reads: text from the server cannot inject lines or
perfdata, the output is valid UTF-8 and bounded, numbers use '.' in every
locale, and the perfdata passes a real parser (Perl's Monitoring::Plugin).
"""

import math
import re
import shlex
import shutil
import subprocess

import pytest

from plugin import (CRITICAL, MAX_OUTPUT, OK, PERF_LABELS, PHASES, WARNING, auth_args,
                    parse_perfdata, run)

VERBOSITY = [[], ["-v"], ["-vv"], ["-vvv"]]
V_IDS = ["-v0", "-v", "-vv", "-vvv"]


def build_args(sim, files, scenario, args, closed_port=None, auth=True):
    ctx = {"ca": sim.ca_file, "refused": f"http://127.0.0.1:{closed_port}/v3.8/distributor"}
    for name in sim.tls_ports:
        ctx[f"tls_{name}"] = sim.base_url("", https=True, tls_name=name, hostname="localhost")
    argv = [] if scenario is None else ["-u", sim.base_url(scenario)]
    argv += [w.format(**ctx) for w in shlex.split(args)]
    return argv + (auth_args(files["secret"]) if auth else [])


# ---------------------------------------------------------------------------
# Injection: the simulator's body=inject puts '|', LF, CR LF and a fake
# "| time=0s;1;2;0;10" into error_description and "|" + LF into errors[0].

ATTACKER_LINE_STARTS = ("second line", "third", "newline", "time=0s", "| time", "X-Injected")


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=V_IDS)
@pytest.mark.parametrize("scenario,rc", [
    ("status=500,body=inject", CRITICAL),
    ("status=401,body=inject", CRITICAL),
    ("status=429,body=inject", WARNING),
    ("status=404,body=inject", WARNING),
    ("status=200,body=inject", OK),
], ids=["500", "401", "429", "404", "200"])
def test_server_text_cannot_inject(sim, files, scenario, rc, verbosity):
    r = run("ping", build_args(sim, files, scenario, "") + verbosity, timeout=20)
    assert r.rc == rc, r.describe()
    assert r.first_line.count("|") == 1, r.describe()
    assert r.stdout.count("|") == 1, "a '|' outside the perfdata separator\n" + r.describe()
    assert "\r" not in r.stdout, r.describe()
    for line in r.lines[1:]:
        assert not line.lstrip("<> ").startswith(ATTACKER_LINE_STARTS), \
            f"server text starts a line: {line!r}\n" + r.describe()
    # the only perfdata is the plugin's own
    assert set(r.perf) <= PERF_LABELS, r.describe()
    assert float(r.perf["time"].value) > 0, r.describe()


def test_token_with_crlf_cannot_inject(sim, files):
    """token_body=bad_chars: access_token holds ' x\\r\\nX-Injected: 1'."""
    r = run("ping", build_args(sim, files, "token_body=bad_chars", "") + ["-vvv"], timeout=20)
    assert r.rc == CRITICAL, r.describe()
    assert r.stdout.count("|") == 1 and "\r" not in r.stdout, r.describe()
    assert not any(line.startswith("X-Injected") for line in r.lines), r.describe()
    assert sim.counts()["ping"] == 0


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=V_IDS)
@pytest.mark.parametrize("scenario", ["status=500,body=nul", "status=200,body=nul",
                                      "status=503,body=nul,gzip=0"])
def test_nul_and_invalid_utf8(sim, files, scenario, verbosity):
    r = run("ping", build_args(sim, files, scenario, "") + verbosity, timeout=20)
    for stream in (r.raw_stdout, r.raw_stderr):
        assert b"\x00" not in stream, r.describe()
        stream.decode("utf-8")  # raises on invalid UTF-8
    assert r.first_line.count("|") == 1, r.describe()


# ---------------------------------------------------------------------------
# Size: never more than Nagios' 8192 bytes, whatever the server sends.

LONG_HOST = ".".join(["a" * 60] * 4) + ".invalid"
BOUNDED = [
    #  id                       scenario                                 args
    ("big 200",                 "body=big,size=3000000",                 ""),
    ("big 500",                 "status=500,body=big,size=3000000",      ""),
    ("padded JSON 200",         "size=500000",                           "--expect-json ping=pong"),
    ("padded, not expected",    "size=500000",                           "--expect-json filler=x"),
    ("inject 500",              "status=500,body=inject",                ""),
    ("html 502",                "status=502,body=html",                  ""),
    ("nul 500",                 "status=500,body=nul",                   ""),
    ("token html",              "token_body=html",                       ""),
    ("TLS wrong host",          None,                                    "-u {tls_wronghost} --ca-file {ca}"),
    # The command line's own secret: one from a file may not go outside
    # Prioticket and loopback (test_secret_binding.py).
    ("long host name",          None,                                    f"-u http://{LONG_HOST}/v3.8/distributor "
                                                                         f"--client-id c --client-secret s"),
    ("long expect-json path",   "",                                      "--expect-json " + ".".join(["k" * 50] * 20) + "=v"),
    ("16 long expect-json",     "size=500000",                           " ".join(
        f"--expect-json {'.'.join(['k' * 60] * 12)}.{i}={'v' * 200}" for i in range(16))),
    ("trickle timeout",         "body=trickle,interval=0.1",             "-t 1"),
]


@pytest.mark.parametrize("scenario,args", [b[1:] for b in BOUNDED], ids=[b[0] for b in BOUNDED])
def test_output_is_bounded(sim, files, scenario, args):
    own = "--client-secret " in args  # a row with its own credentials gets no secret file
    for verbosity in VERBOSITY:
        r = run("ping", build_args(sim, files, scenario, args, auth=not own) + verbosity,
                timeout=20)
        assert r.rc in (0, 1, 2), r.describe()
        assert len(r.raw_stdout) <= MAX_OUTPUT, f"{len(r.raw_stdout)} bytes with {verbosity}"
        assert len(r.first_line) <= 1024, r.describe()
        assert r.first_line.count("|") == 1, r.describe()


def test_html_error_page_is_one_sanitised_line(sim, files):
    for verbosity in VERBOSITY:
        r = run("ping", build_args(sim, files, "status=502,body=html", "") + verbosity, timeout=20)
        assert r.rc == CRITICAL, r.describe()
        html_lines = [line for line in r.lines if "<" in line and not line.startswith(("< ", "> "))]
        assert len(html_lines) <= 1, f"HTML on {len(html_lines)} lines with {verbosity}\n" + r.describe()
        assert "<" not in r.first_line, r.describe()


# ---------------------------------------------------------------------------
# Locale: numbers with '.', and '.' accepted on input, under a German locale.

@pytest.fixture(scope="session")
def german_locale(tmp_path_factory):
    """A de_DE.UTF-8 locale compiled into a private LOCPATH (none is installed)."""
    localedef = shutil.which("localedef")
    if not localedef:
        pytest.skip("localedef not available")
    directory = tmp_path_factory.mktemp("locale")
    subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8", str(directory / "de_DE.UTF-8")],
                   capture_output=True, timeout=120)
    env = {"LOCPATH": str(directory), "LC_ALL": "de_DE.UTF-8"}
    probe = subprocess.run(["/usr/bin/printf", "%.1f", "1.5"], capture_output=True, text=True,
                           env={**env, "PATH": "/usr/bin:/bin"}, timeout=10)
    if probe.stdout != "1,5":
        pytest.skip(f"could not build a de_DE.UTF-8 locale (printf gave {probe.stdout!r}): "
                    "install the Debian package locales (tools/setup-debian --test does)")
    return str(directory)


@pytest.mark.parametrize("locale_env", [
    {"LC_ALL": "de_DE.UTF-8"},
    {"LC_NUMERIC": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"},
    {"LANG": "de_DE.UTF-8"},
], ids=["LC_ALL", "LC_NUMERIC", "LANG"])
@pytest.mark.parametrize("scenario,args,rc", [
    ("delay=0.1", "-w 0.5 -c 1.5 -t 2.5 -vv", OK),
    ("delay=0.3", "-w 0.1 -c 1.5 -t 2.5 -vv", WARNING),
    ("delay=3", "-t 1.5 -vv", CRITICAL),
    ("status=503", "-w 0.5:1.5 -c ~:2.5 -vv", CRITICAL),
], ids=["ok", "warning", "timeout", "503"])
def test_numbers_use_dot_in_german_locale(sim, files, german_locale, locale_env, scenario, args, rc):
    env = {"LOCPATH": german_locale, **locale_env}
    r = run("ping", build_args(sim, files, scenario, args), env=env, timeout=20)
    assert r.rc == rc, r.describe()
    assert not re.search(r"\d,\d", r.stdout), "a decimal comma\n" + r.describe()
    perf = r.perf  # our grammar: numbers [-0-9.] only
    assert "." in perf["time"].value, r.describe()


# ---------------------------------------------------------------------------
# Perfdata through a real parser: Monitoring::Plugin::Performance (Perl).

PERL_PARSER = r"""
use strict; use warnings;
use Monitoring::Plugin::Performance;
my @p = Monitoring::Plugin::Performance->parse_perfstring($ARGV[0]);
for my $p (@p) {
    my $t = $p->threshold;
    my ($w, $c) = map { (defined $_ && $_->is_set) ? "$_" : "" } ($t->warning, $t->critical);
    print join("\t", $p->label, $p->value, $p->uom // "", $w, $c,
               $p->min // "", $p->max // ""), "\n";
}
"""


def perl_parse(perfdata):
    proc = subprocess.run(["perl", "-e", PERL_PARSER, perfdata], capture_output=True,
                          text=True, timeout=20)
    assert proc.returncode == 0, proc.stderr
    items = []
    for line in proc.stdout.splitlines():
        label, value, uom, warn, crit, pmin, pmax = line.split("\t")
        items.append({"label": label, "value": value, "uom": uom, "warn": warn, "crit": crit,
                      "min": pmin, "max": pmax})
    return items


@pytest.fixture(scope="session")
def perl_monitoring_plugin():
    proc = subprocess.run(["perl", "-MMonitoring::Plugin::Performance", "-e", "1"],
                          capture_output=True, timeout=20)
    if proc.returncode != 0:
        pytest.fail("Perl's Monitoring::Plugin is missing (libmonitoring-plugin-perl)")


PERF_SCENARIOS = [
    #  id                     scenario            args                       auth   timeout rc       thresholds of 'time'
    ("OK -w 1 -c 2",          "",                 "-w 1 -c 2",               True,  10, OK,       ("1", "2")),
    ("OK ranges",             "delay=0.7",        "-w 0.5:1 -c ~:2",         True,  10, OK,       ("0.5:1", "~:2")),
    ("OK anonymous",          "",                 "-t 7",                    False, 7,  OK,       ("", "")),
    ("503",                   "status=503",       "-w 1 -c 2",               True,  10, CRITICAL, ("1", "2")),
    ("timeout",               "delay=3",          "-t 1 -w 0.5 -c 0.9",      True,  1,  CRITICAL, ("0.5", "0.9")),
    ("connection refused",    None,               "-u {refused} -w 1 -c 2",  False, 10, CRITICAL, ("1", "2")),
    ("connection refused, token", None,           "-u {refused} -w 1 -c 2",  True,  10, CRITICAL, ("1", "2")),
    ("DNS failure",           None,               "-u http://nonexistent.invalid/v3.8/distributor -w 1 -c 2",
                                                                             False, 10, CRITICAL, ("1", "2")),
    ("token failure",         "token_status=401", "-w 1 -c 2",               True,  10, CRITICAL, ("1", "2")),
    ("TLS with -C",           None,               "-u {tls_days400} --ca-file {ca} -C 30,10",
                                                                             True,  10, OK,       ("", "")),
]


@pytest.mark.parametrize("scenario,args,auth,timeout,rc,thresholds", [p[1:] for p in PERF_SCENARIOS],
                         ids=[p[0] for p in PERF_SCENARIOS])
def test_perfdata_parses(sim, files, closed_port, perl_monitoring_plugin, scenario, args, auth,
                         timeout, rc, thresholds):
    r = run("ping", build_args(sim, files, scenario, args, closed_port, auth=auth),
            timeout=20)
    assert r.rc == rc, r.describe()
    text = r.perfdata
    assert text, "no perfdata\n" + r.describe()
    ours = parse_perfdata(text)                        # the guidelines' grammar
    theirs = perl_parse(text)                          # Monitoring::Plugin
    assert len(theirs) == len(text.split()), f"Perl parsed {len(theirs)} of {text!r}"
    assert [p["label"] for p in theirs] == list(ours), theirs
    for p in theirs:
        mine = ours[p["label"]]
        assert p["label"] in PERF_LABELS, f"undocumented label {p['label']!r} in {text!r}"
        assert p["uom"] == {"size": "B", "cert_days": ""}.get(p["label"], "s"), p
        assert re.match(r"^-?\d+(\.\d+)?$", mine.value), mine
        assert math.isclose(float(p["value"]), float(mine.value), abs_tol=1e-9), (p, mine)
        assert p["min"] == "0", p
        if p["uom"] == "s":
            assert p["max"] and float(p["max"]) == timeout, p
            assert float(mine.value) >= 0, mine
    if "time" in ours:
        warn, crit = thresholds
        assert (ours["time"].warn, ours["time"].crit) == (warn, crit), ours["time"]
        perl_time = next(p for p in theirs if p["label"] == "time")
        assert (perl_time["warn"], perl_time["crit"]) == (warn, crit), perl_time
        phases = sum(float(ours[k].value) for k in PHASES if k in ours)
        assert abs(phases - float(ours["time"].value)) <= 2e-6, \
            f"phases add up to {phases:.6f}, time is {ours['time'].value}\n{text}"
    assert ("time_auth" in ours) == auth, text
    for label, item in ours.items():
        if label == "cert_days":
            # alert below the -C limits: the ranges "W:" and "C:"
            assert re.match(r"^\d+:$", item.warn) and re.match(r"^\d+:$", item.crit), text
        elif label != "time":
            assert item.warn == "" and item.crit == "", f"thresholds on {label}: {text}"
