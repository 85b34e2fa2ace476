# SPDX-License-Identifier: GPL-3.0-or-later
"""Icinga 2 distributed: a master and an agent, two daemons on loopback,
each in its own private directory and port. The shipped CheckCommands are
included on both nodes, and the shipped example apply rules sit on the
master in zones.d/master/, where users put them. The test hosts set
prioticket_command_endpoint, so their services run on the agent. The master
has no plugins at all (its PluginDir does not exist), so an OK result on the
master can only come from the agent."""

import shutil

import pytest

from engine_harness import (CONTRIB, Icinga2Node, icinga_include_line,
                            wait_for)

MASTER = "master.e2e"
AGENT = "agent.e2e"


def zones(agent_port):
    return """
object Endpoint "{master}" {{ }}
object Endpoint "{agent}" {{
  host = "127.0.0.1"
  port = "{port}"
}}
object Zone "master" {{
  endpoints = [ "{master}" ]
}}
object Zone "agent" {{
  endpoints = [ "{agent}" ]
  parent = "master"
}}
""".format(master=MASTER, agent=AGENT, port=agent_port)


def agent_config(node, plugin_dir):
    # A user-defined PrioticketPluginDir (the plugins' own install dir),
    # set before the shipped file is included.
    return (node.base_config(zone="agent")
            + 'const PluginDir = "/nonexistent/debian-plugin-dir"\n'
            + 'const PrioticketPluginDir = "%s"\n' % plugin_dir
            + "include <itl>\n"
            + icinga_include_line()
            + zones(node.port))


def master_host(name, base_url, sim):
    return """
object Host "{name}" {{
  import "prioticket-api"
  vars.prioticket_environment = "staging"
  vars.prioticket_base_url = "{url}"
  vars.prioticket_client_id = "{cid}"
  vars.prioticket_client_secret = "{secret}"
  vars.prioticket_warning = 1
  vars.prioticket_critical = 2
  vars.prioticket_timeout = 10
  vars.prioticket_command_endpoint = "{agent}"
}}
""".format(name=name, url=base_url, cid=sim.client_id,
           secret=sim.client_secret, agent=AGENT)


def master_config(node, agent_port, sim):
    """icinga2.conf of the master, plus its zones.d/master/: a command
    endpoint needs the checkable in a zone, so hosts and the shipped
    example apply rules go where users put them, in zones.d/master/."""
    zdir = node.root / "zones.d" / "master"
    zdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(str(CONTRIB / "icinga2" / "example-services.conf"),
                str(zdir / "example-services.conf"))
    (zdir / "e2e-hosts.conf").write_text(
        master_host("dist-ok", sim.base_url(scenario="auth=required"), sim)
        + master_host("dist-503", sim.base_url(scenario="status=503"), sim))
    return (node.base_config(zone="master")
            + 'const PluginDir = "/nonexistent/master-has-no-plugins"\n'
            + "include <itl>\n"
            + icinga_include_line()
            + zones(agent_port)
            + """
object CheckerComponent "checker" { }
object IcingaApplication "app" {
  enable_host_checks = false
  enable_service_checks = false
  enable_notifications = false
}
""")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, icinga_pki, plugin_dir, simulator):
    root = tmp_path_factory.mktemp("icinga2-cluster")
    agent = Icinga2Node(root / "agent", AGENT, icinga_pki)
    master = Icinga2Node(root / "master", MASTER, icinga_pki)
    agent.write_config(agent_config(agent, plugin_dir))
    master.write_config(master_config(master, agent.port, simulator))
    for node in (agent, master):
        res = node.validate()
        assert res.returncode == 0, "%s: icinga2 daemon -C failed:\n%s%s" % (
            node.name, res.stdout, res.stderr)
    try:
        agent.start()
        master.start()

        def connected():
            ep = master.request("GET", "/v1/objects/endpoints/" + AGENT)
            return ep["results"][0]["attrs"]["connected"]
        try:
            wait_for("the master to connect to the agent", connected, 30, 0.2)
        except AssertionError as exc:
            raise AssertionError("%s\nmaster %s\nagent %s" % (
                exc, master.diagnostics(), agent.diagnostics()))
        results = master.check_now(("dist-ok", "dist-503"),
                                   ("prioticket-ping", "prioticket-status"))
        yield master, agent, results, simulator
    finally:
        master.stop()
        agent.stop()


@pytest.mark.parametrize("svc,word", [("prioticket-ping", "PING"),
                                      ("prioticket-status", "STATUS")])
def test_agent_runs_plugin_master_shows_result(cluster, svc, word):
    master, _, results, sim = cluster
    attrs = results[("dist-ok", svc)]
    cr = attrs["last_check_result"]
    assert attrs["command_endpoint"] == AGENT, attrs["command_endpoint"]
    assert cr["check_source"] == AGENT, cr
    assert cr["exit_status"] == 0, cr
    assert attrs["state"] == 0, cr
    assert cr["output"].startswith("PRIOTICKET %s OK" % word), cr["output"]
    # Ran with the agent's plugin directory, not the master's.
    assert not cr["command"][0].startswith("/nonexistent"), cr["command"]
    assert sim.client_secret not in " ".join(cr["command"])
    raw, values = master.perfdata_of(attrs)
    assert {"time", "size", "time_auth"} <= set(values), raw
    assert values["time"]["warn"] == 1 and values["time"]["crit"] == 2


def test_agent_503_critical_on_master(cluster):
    master, _, results, _ = cluster
    attrs = results[("dist-503", "prioticket-status")]
    cr = attrs["last_check_result"]
    assert cr["check_source"] == AGENT, cr
    assert cr["exit_status"] == 2 and attrs["state"] == 2, cr
    assert cr["output"].startswith("PRIOTICKET STATUS CRITICAL"), cr["output"]
    raw, values = master.perfdata_of(attrs)
    assert "time" in values, raw
