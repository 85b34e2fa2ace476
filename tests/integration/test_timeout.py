# SPDX-License-Identifier: GPL-3.0-or-later
"""--timeout is the budget of the WHOLE run (token fetch + probe): every way of
not answering ends within -t plus a loose margin, in the --timeout-result state.

Only an upper bound on the wall time is asserted: timing is noisy on shared
machines, and a run that ends early with the right state is not a failure.
"""

import re
import shlex

import pytest

from plugin import CRITICAL, OK, STATE_NAMES, UNKNOWN, WARNING, auth_args, run

MARGIN = 1.5  # seconds the run may take beyond -t

ROWS = [
    #  id                               scenario                     args (+ credentials)                             t    rc
    ("token + probe exceed together",  "token_delay=0.6,delay=0.6", "",                                              1,   CRITICAL),
    ("token + probe, result warning",  "token_delay=0.6,delay=0.6", "--timeout-result warning",                      1,   WARNING),
    ("token endpoint alone too slow",  "token_delay=5",             "--timeout-result unknown",                      1,   UNKNOWN),
    ("probe too slow, fractional -t",  "delay=5",                   "",                                              1.5, CRITICAL),
    ("body=hang",                      "body=hang",                 "",                                              1,   CRITICAL),
    ("body=hang, result ok",           "body=hang",                 "--timeout-result ok",                           1,   OK),
    ("body=trickle",                   "body=trickle,interval=0.2", "--timeout-result warning",                      1,   WARNING),
    ("blackhole http",                 None,                        "-u {blackhole_http}",                           1,   CRITICAL),
    ("blackhole https",                None,                        "-u {blackhole_https} --timeout-result unknown", 1,   UNKNOWN),
    ("blackhole token url",            "",                          "--token-url {blackhole_http}/oauth2/token",     1,   CRITICAL),
]


@pytest.mark.parametrize("scenario,args,t,rc", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_budget_covers_the_whole_run(sim, files, scenario, args, t, rc):
    ctx = {"blackhole_http": f"http://127.0.0.1:{sim.blackhole_port}/v3.8/distributor",
           "blackhole_https": f"https://127.0.0.1:{sim.blackhole_port}/v3.8/distributor"}
    argv = [] if scenario is None else ["-u", sim.base_url(scenario)]
    argv += [w.format(**ctx) for w in shlex.split(args)] + ["-t", str(t)]
    argv += auth_args(files["secret"])
    r = run("ping", argv, timeout=t + 15)
    assert r.rc == rc, r.describe()
    assert r.summary.startswith(f"PRIOTICKET PING {STATE_NAMES[rc]} - "), r.describe()
    assert re.search(r"(?i)time(d)? ?out", r.summary), r.describe()
    assert r.wall < t + MARGIN, f"ran {r.wall:.2f} s with -t {t}\n" + r.describe()
    # the perfdata's max is the budget
    assert all(p.max in ("", f"{t:g}") for p in r.perf.values() if p.uom == "s"), r.describe()


def test_each_part_fits_alone(sim, files):
    """The pair of delays above really is a budget question: each part alone fits."""
    for scenario in ("token_delay=0.6", "delay=0.6"):
        r = run("ping", ["-u", sim.base_url(scenario), "-t", "1"] + auth_args(files["secret"]),
                timeout=16)
        assert r.rc == OK, r.describe()
