# SPDX-License-Identifier: GPL-3.0-or-later
"""What the output tells a user to type, or where to look, is exactly right
(issue 21): hints and URLs keep their '=' (the output used to turn every '='
into ':'), a refused option names the option it likely meant, -w above -c is
said without changing the state, and a 404 names what to check. Each row
failed before. (A 400 without credentials, a 404 with --base-url and the
DNS text are rows of test_subchecks.py; Sensu's reading of it all is
tests/engines/test_sensu_perfdata.py.)"""

import re
import shlex
import sys

import pytest

from plugin import CRITICAL, OK, REPO, UNKNOWN, WARNING, auth_args, run

sys.path.insert(0, str(REPO / "tests"))
import plugin_tables  # noqa: E402

# (id, argv (str.format'ed with base, scenario_base, tls_port, ca), exit, line, regex)
# line: "first" (the first line), "long" (a line of the long output) or
# "prom" (the first line of --output-format=prometheus).
ROWS = [
    ("expect-json hint", "--expect-json foo", UNKNOWN, "first",
     r"^PRIOTICKET PING UNKNOWN - --expect-json wants PATH=VALUE\[,VALUE\.\.\.\]$"),
    ("extra-opts hint", "--extra-opts", UNKNOWN, "first",
     r"^PRIOTICKET PING UNKNOWN - --extra-opts: no ini file found \(set MP_CONFIG_FILE or use "
     r"--extra-opts=\[section\]@FILE\)$"),
    ("URL as probed", "-u {scenario_base}", OK, "long",
     r"^URL: http://127\.0\.0\.1:\d+/sim/delay=0\.01/v3\.8/distributor/system/ping$"),
    ("did you mean", "--warnig=1", UNKNOWN, "first",
     r"^PRIOTICKET PING UNKNOWN - option '--warnig\.\.\.' is not known; did you mean "
     r"--warning\? \(see --help\)$"),
    ("what is wrong, in Prometheus format too", "--warnig=1 --output-format=prometheus",
     UNKNOWN, "prom",
     r"^# PRIOTICKET PING UNKNOWN - option '--warnig\.\.\.' is not known; did you mean "
     r"--warning\? \(see --help\)$"),
    ("-w above -c: said, OK stays OK", "-u {base} -w 2 -c 1", OK, "long",
     r"^Note: -w 2 -c 1 never gives WARNING: every time -w alerts on, -c alerts on too, and "
     r"-c is checked first$"),
    ("-w above -c: said, CRITICAL stays CRITICAL", "-u {slow_base} -w 0.3 -c 0.2", CRITICAL,
     "long", r"^Note: -w 0\.3 -c 0\.2 never gives WARNING"),
    ("404 without --base-url", "-H localhost -p {tls_port} --ca-file {ca}", WARNING, "first",
     r"^PRIOTICKET PING WARNING - HTTP 404: NOT_FOUND \(check --api-version, default v3\.8, "
     r"and --hostname\) \| "),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_hint_reads_exactly(sim, row):
    _, argv, rc, where, pattern = row
    ctx = {"base": sim.base_url(), "scenario_base": sim.base_url("delay=0.01"),
           "slow_base": sim.base_url("delay=0.3"), "tls_port": sim.tls_ports["good"],
           "ca": sim.ca_file}
    # Without --base-url the scenario can only be the simulator's default.
    if row[0] == "404 without --base-url":
        sim.set_scenario("status=404")
    try:
        r = run("ping", [a.format(**ctx) for a in shlex.split(argv)])
    finally:
        sim.set_scenario("")
    assert r.rc == rc, r.describe()
    lines = {"first": r.lines[:1], "long": r.lines[1:], "prom": r.lines[:1]}[where]
    assert [line for line in lines if re.search(pattern, line)], r.describe()


def long_options():
    names = list(plugin_tables.options())
    assert len(names) > 20, names
    return names


@pytest.mark.parametrize("name", long_options())
def test_every_option_is_suggested_for_a_typo(name):
    """Each long option, typed with its second letter left out, is the one
    suggested: the suggestion comes from the one option table."""
    typo = name[0] + name[2:]
    r = run("ping", ["--" + typo])
    assert r.rc == UNKNOWN, r.describe()
    m = re.search(r"; did you mean (--[a-z0-9-]+(?: or --[a-z0-9-]+)*)\? \(see --help\)$",
                  r.first_line)
    assert m and "--" + name in m.group(1).split(" or "), r.describe()


def test_hint_is_the_same_with_credentials(sim, files):
    """A 400 is CRITICAL only for a probe sent without credentials: with them
    it is any other 4xx (WARNING), and the hint about credentials is gone."""
    r = run("ping", ["-u", sim.base_url("status=400")] + auth_args(files["secret"]))
    assert r.rc == WARNING and "no credentials" not in r.stdout, r.describe()
    r = run("ping", ["-u", sim.base_url("status=400")])
    assert r.rc == CRITICAL, r.describe()
    assert r.summary.endswith("HTTP 400 with no credentials sent: the API may require them; "
                              "give --client-id and a secret"), r.describe()
