# SPDX-License-Identifier: GPL-3.0-or-later
"""The graph template contrib/icingaweb2/graphite/prioticket.ini, proven
through the real pipeline on loopback:

  Icinga 2 (GraphiteWriter, thresholds sent) runs prioticket-ping and
  prioticket-status every 2 s against the simulator, over HTTP and HTTPS,
  with credentials
  -> carbon-cache (graphite-carbon, 5 s whisper files)
  -> graphite-web (Debian's graphite.wsgi)
  -> icingaweb2-module-graphite's own code (template loader, chart builder,
     GraphImage) from PHP, as PNG; the /render targets it asked graphite-web
     for are rendered again as JSON.

For a while in the middle the simulator answers 0.35 s late (processing),
between the thresholds (-w 0.25 -c 0.5), so the graphs have a shape.

PT_GRAPHITE_PICTURE=FILE makes a longer run (a minute each of normal, slow
and normal again) and copies the HTTPS ping graph to FILE, which the tests
below then check as they check every chart: `make picture` draws
doc/images/graphite-phases.png so."""

import json
import os
import shutil
import sys
import time

import pytest

from engine_harness import (Icinga2Node, SIM_DIR, icinga_include_line,
                            wait_for)
from graphite_harness import (STEP, Carbon, GraphiteWeb, IcingaWebGraphite,
                              hex_rgb, missing_packages, png_pixels)

PICTURE = os.environ.get("PT_GRAPHITE_PICTURE")
# Seconds of normal answers, slow answers, normal answers again.
TIMELINE = (60, 60, 60) if PICTURE else (10, 15, 10)
DELAY = 0.35
WARNING, CRITICAL = 0.25, 0.5
INTERVAL = 2

HOSTS = {"graph-http": False, "graph-https": True}
COMMANDS = ("prioticket-ping", "prioticket-status")
PHASES = ("DNS", "TCP connect", "TLS handshake", "Server processing",
          "Transfer")
# Every perfdata label the plugins print (cert_days with --certificate,
# given to the HTTPS host): each must be drawn by our template.
LABELS = {"time", "time_resolve", "time_connect", "time_tls",
          "time_processing", "time_transfer", "time_auth", "size",
          "cert_days"}
# The first curve of each chart and its colour in the template.
LEGEND_COLOURS = {"DNS": "#9a9a9a", "Token request": "#e67e22",
                  "Body": "#1a7dd7", "Days left": "#44bb77"}


@pytest.fixture(scope="module")
def tls_simulator():
    sys.path.insert(0, str(SIM_DIR))
    try:
        from simctl import Simulator  # noqa: E402 - path set just above
    finally:
        sys.path.remove(str(SIM_DIR))
    with Simulator(tls=True) as sim:
        yield sim


def icinga_config(node, plugin_dir, sim, carbon_port):
    hosts = ""
    for name, https in HOSTS.items():
        hosts += """
object Host "{name}" {{
  check_command = "dummy"
  enable_active_checks = false
  vars.prioticket_base_url = "{url}"
  vars.prioticket_client_id = "{cid}"
  vars.prioticket_client_secret = "{secret}"
  vars.prioticket_warning = {warn}
  vars.prioticket_critical = {crit}
  vars.prioticket_timeout = 10
{extra}}}
""".format(name=name, url=sim.base_url(https=https), cid=sim.client_id,
           secret=sim.client_secret, warn=WARNING, crit=CRITICAL,
           extra=('  vars.prioticket_ca_file = "%s"\n'
                  '  vars.prioticket_certificate = "20,5"\n' % sim.ca_file
                  if https else ""))
    return (node.base_config()
            + 'const PluginDir = "%s"\n' % plugin_dir
            + "include <itl>\n"
            + icinga_include_line()
            + """
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object CheckerComponent "checker" { }
object IcingaApplication "app" { enable_notifications = false }

object GraphiteWriter "graphite" {
  host = "127.0.0.1"
  port = %d
  enable_send_thresholds = true
}

apply Service for (cmd in [ "prioticket-ping", "prioticket-status" ]) {
  check_command = cmd
  check_interval = %ds
  retry_interval = %ds
  max_check_attempts = 1
  assign where host.vars.prioticket_base_url
}
""" % (carbon_port, INTERVAL, INTERVAL) + hosts)


def metric_prefix(host, command):
    # The GraphiteWriter's default service_name_template; the service is
    # named after its command here.
    return "icinga2.%s.services.%s.%s" % (host.replace(".", "_"), command,
                                          command)


@pytest.fixture(scope="module")
def chain(tmp_path_factory, icinga_pki, plugin_dir, tls_simulator):
    missing = missing_packages()
    if missing:
        reason = ("graphite chain not installed: install the Debian "
                  "package(s) %s (tools/setup-debian --test does)"
                  % ", ".join(missing))
        print("SKIP: " + reason, file=sys.stderr)
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("graphite")
    sim = tls_simulator
    carbon = Carbon(root / "carbon")
    web = GraphiteWeb(root / "graphite-web", carbon)
    node = Icinga2Node(root / "icinga2", "prioticket-graphite", icinga_pki)
    node.write_config(icinga_config(node, plugin_dir, sim, carbon.line_port))
    res = node.validate()
    assert res.returncode == 0, "icinga2 daemon -C failed:\n%s%s" % (
        res.stdout, res.stderr)
    try:
        carbon.start()
        web.migrate()
        web.start()
        sim.set_scenario("")
        node.start()

        # Every service's metrics reached whisper files graphite-web sees.
        def all_metrics():
            for host in HOSTS:
                for cmd in COMMANDS:
                    if not web.expand(metric_prefix(host, cmd)
                                      + ".perfdata.time.crit"):
                        return False
            return True
        try:
            wait_for("the metrics in graphite-web", all_metrics, 60, 0.5)
        except AssertionError as exc:
            raise AssertionError("%s\n%s\n%s" % (exc, carbon.diagnostics(),
                                                 node.diagnostics()))
        t0 = time.time()
        normal, slow, after = TIMELINE
        time.sleep(normal)
        sim.set_scenario({"delay": DELAY})
        slow_from = time.time()
        time.sleep(slow)
        sim.set_scenario("")
        slow_until = time.time()
        time.sleep(after)
        end = time.time()
        icingaweb = IcingaWebGraphite(root / "icingaweb", web)
        rendered = {}
        for host in HOSTS:
            for cmd in COMMANDS:
                before = len(web.render_requests())
                charts = icingaweb.render(host, cmd, cmd, t0, end + STEP,
                                          "%s-%s" % (host, cmd))
                requests = web.render_requests()[before:]
                assert len(requests) == len(charts), (charts, requests)
                for chart, params in zip(charts, requests):
                    chart["params"] = params
                    chart["json"] = json.loads(web.get(
                        "/render", params + [("format", "json")]))
                rendered[(host, cmd)] = charts
        # graphite's own "No Data" picture, same size and colours.
        params = rendered[("graph-https", "prioticket-ping")][0]["params"]
        nodata = web.get("/render", [p for p in params if p[0] != "target"]
                         + [("target", "prioticket.no.such.metric")])
        if PICTURE:
            (phases,) = [c for c in rendered[("graph-https", "prioticket-ping")]
                         if c["template"] == "prioticket-phases"]
            shutil.copyfile(phases["png"], PICTURE)
    finally:
        # The tests below only read what was rendered.
        node.stop()
        web.stop()
        carbon.stop()
    yield {"rendered": rendered, "nodata": nodata,
           "slow": (slow_from, slow_until)}


def charts_of(chain, host, cmd, template):
    return [c for c in chain["rendered"][(host, cmd)]
            if c["template"] == template]


def series(chart):
    return {s["target"]: s["datapoints"] for s in chart["json"]}


@pytest.mark.parametrize("host", list(HOSTS))
@pytest.mark.parametrize("cmd", COMMANDS)
def test_one_chart_per_template_and_no_default_fallback(chain, host, cmd):
    charts = chain["rendered"][(host, cmd)]
    # Everything our plugins print is drawn by our template: the module's
    # default template (one graph per leftover label) draws nothing.
    assert [c for c in charts if c["default"]] == [], charts
    names = sorted(c["template"] for c in charts)
    expect = ["prioticket-auth", "prioticket-phases", "prioticket-size"]
    if HOSTS[host]:
        expect.append("prioticket-cert")
    assert names == sorted(expect), charts
    covered = {m.split(".perfdata.")[1].rsplit(".", 1)[0]
               for c in charts for m in c["metrics"].values()}
    assert covered == (LABELS if HOSTS[host] else LABELS - {"time_tls",
                                                             "cert_days"})


@pytest.mark.parametrize("host", list(HOSTS))
@pytest.mark.parametrize("cmd", COMMANDS)
def test_stacked_phases_add_up_to_the_total(chain, host, cmd):
    (chart,) = charts_of(chain, host, cmd, "prioticket-phases")
    data = series(chart)
    phases = [p for p in PHASES if p in data]
    # TLS only over HTTPS; the stack is in phase order.
    assert phases == [p for p in PHASES if HOSTS[host] or p != "TLS handshake"]
    assert list(data)[:len(phases)] == phases, list(data)
    total = {ts: v for v, ts in data["Total"] if v is not None}
    assert len(total) >= 4, data["Total"]
    top = {ts: v for v, ts in data[phases[-1]] if v is not None}
    checked = 0
    for ts, value in total.items():
        assert ts in top, (ts, data)
        # Rounding: six decimals per phase in seconds, i.e. 0.0005 ms each.
        assert abs(top[ts] - value) <= 0.01 + 1e-6 * value, (ts, top[ts], value)
        # Each band is a phase: stacked values never go down.
        stack = [dict((t, v) for v, t in data[p])[ts] for p in phases]
        assert all(b >= a - 1e-9 for a, b in zip(stack, stack[1:])), stack
        checked += 1
    assert checked == len(total)


@pytest.mark.parametrize("host", list(HOSTS))
@pytest.mark.parametrize("cmd", COMMANDS)
def test_thresholds_unstacked_in_milliseconds(chain, host, cmd):
    (chart,) = charts_of(chain, host, cmd, "prioticket-phases")
    data = series(chart)
    for name, limit in (("Warning", WARNING), ("Critical", CRITICAL)):
        values = {v for v, _ in data[name] if v is not None}
        assert values == {limit * 1000}, (name, values)
    # The slow answers (DELAY s of processing, so at least DELAY*1000 ms)
    # are drawn in the same unit as the lines: above the warning line.
    slow = [ts for v, ts in data["Server processing"]
            if v is not None and v >= DELAY * 1000]
    assert len(slow) >= 2, data["Server processing"]
    total = dict((ts, v) for v, ts in data["Total"])
    assert all(total[ts] > WARNING * 1000 for ts in slow), (slow, total)
    # ... and only while the simulator was slow (5 s buckets).
    slow_from, slow_until = chain["slow"]
    assert all(slow_from - STEP <= ts <= slow_until + STEP for ts in slow), (
        slow, chain["slow"])
    # The targets the module asked for: each phase through stacked(), the
    # thresholds not, everything scaled to ms, no global stacking.
    targets = [v for k, v in chart["params"] if k == "target"]
    params = dict(chart["params"])
    assert params.get("areaMode") == "none", params
    # graphite-web reads "vtitle" (the module's own vTitle=Percent is
    # ignored by it).
    assert params.get("vtitle") == "milliseconds", params
    for t in targets:
        assert "scale(" in t and ", 1000)" in t, t
        # The phases are time_*, the total and its thresholds time.*.
        assert ("stacked(" in t) == (".perfdata.time_" in t), t


@pytest.mark.parametrize("host", list(HOSTS))
def test_token_time_in_a_graph_of_its_own(chain, host):
    (chart,) = charts_of(chain, host, "prioticket-status", "prioticket-auth")
    data = series(chart)
    assert list(data) == ["Token request"], data
    values = [v for v, _ in data["Token request"] if v is not None]
    # Milliseconds: a token from the loopback simulator takes well under
    # 10 s and cached tokens count 0.
    assert values and all(0 <= v < 10000 for v in values), values


@pytest.mark.parametrize("host", list(HOSTS))
@pytest.mark.parametrize("cmd", COMMANDS)
def test_png_is_a_real_chart(chain, host, cmd):
    for chart in chain["rendered"][(host, cmd)]:
        with open(chart["png"], "rb") as f:
            data = f.read()
        width, height, rows = png_pixels(data)
        # The module's size (700x350 here) unless the template asks for
        # more (the phase graph's legend needs room).
        params = dict(chart["params"])
        assert (width, height) == (700, int(params["height"])), chart
        if chart["template"] == "prioticket-phases":
            assert height == 300, chart
        colours = {}
        for row in rows:
            for px in row:
                colours[px] = colours.get(px, 0) + 1
        # Not graphite's "No Data" picture (a blank canvas with two words):
        # a chart has axes, a legend and curves in the template's colours.
        assert data != chain["nodata"], chart["png"]
        nodata = {px for row in png_pixels(chain["nodata"])[2] for px in row}
        assert len(colours) > len(nodata) + 20, (chart["png"], len(colours),
                                                 len(nodata))
        first = chart["json"][0]["target"]
        assert first in LEGEND_COLOURS, first
        assert colours.get(hex_rgb(LEGEND_COLOURS[first]), 0) > 50, (
            chart["png"], first)
        if chart["template"] == "prioticket-phases":
            # The slow minutes: a band of processing's colour, filled with
            # areaAlpha over the white background; the threshold lines.
            alpha = float(dict(chart["params"])["areaAlpha"])
            fill = tuple(round(alpha * c + (1 - alpha) * 255)
                         for c in hex_rgb("#8e44ad"))
            near = sum(n for px, n in colours.items()
                       if max(abs(a - b) for a, b in zip(px, fill)) <= 2)
            assert near > 2000, (chart["png"], fill, near)
            for line in ("#ff8d00", "#ff0000"):
                assert colours.get(hex_rgb(line), 0) > 300, (chart["png"], line)

