# SPDX-License-Identifier: GPL-3.0-or-later
"""Icinga 2 runs the plugins through the shipped CheckCommands
(contrib/icinga2/prioticket.conf) and the shipped example apply rules
(contrib/icinga2/example-services.conf), unchanged, against the simulator.
Results are read back through Icinga's REST API, and the perfdata is parsed
by Icinga's own parser (parse_performance_data, through the API console)."""

import os

import pytest

from engine_harness import (CONTRIB, DOCUMENTED_LABELS, LABEL_RE,
                            Icinga2Node, icinga_include_line,
                            parse_perf_items, run_plugin,
                            split_plugin_output)

SERVICES = ("prioticket-ping", "prioticket-status")
# Hosts sharing one set of credentials and one token URL: their checks are
# forced all at once and share the daemon's token cache.
CONCURRENT = ["e2e-ok"] + ["e2e-c%d" % i for i in range(1, 6)]
HOSTS = CONCURRENT + ["e2e-503", "e2e-anon", "e2e-opts"]
# The simulator insists on a bearer token here: an OK proves the secret
# reached the plugin through the command's env.
AUTH_REQUIRED = "auth=required"


def host_block(name, base_url, sim=None, warning=None, critical=None):
    lines = ['object Host "%s" {' % name,
             '  import "prioticket-api"',
             '  vars.prioticket_environment = "staging"',
             '  vars.prioticket_base_url = "%s"' % base_url,
             '  vars.prioticket_timeout = 10']
    if sim is not None:
        lines += ['  vars.prioticket_client_id = "%s"' % sim.client_id,
                  '  vars.prioticket_client_secret = "%s"' % sim.client_secret]
    if warning is not None:
        lines += ['  vars.prioticket_warning = %s' % warning,
                  '  vars.prioticket_critical = %s' % critical]
    lines.append('}')
    return "\n".join(lines) + "\n"


def icinga_config(node, plugin_dir, hosts):
    # Debian's way: the plugins live in PluginDir, and PrioticketPluginDir is
    # left undefined so that the shipped default (PluginDir) is exercised.
    return (node.base_config()
            + 'const PluginDir = "%s"\n' % plugin_dir
            + "include <itl>\n"
            + icinga_include_line()
            + 'include "%s"\n' % (CONTRIB / "icinga2" / "example-services.conf")
            + """
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object CheckerComponent "checker" { }

/* Only forced checks run. */
object IcingaApplication "app" {
  enable_host_checks = false
  enable_service_checks = false
  enable_notifications = false
}
"""
            + hosts)


@pytest.fixture(scope="module")
def e2e(tmp_path_factory, icinga_pki, plugin_dir, simulator):
    root = tmp_path_factory.mktemp("icinga2")
    node = Icinga2Node(root, "prioticket-e2e", icinga_pki)
    sim = simulator
    ok_url = sim.base_url(scenario=AUTH_REQUIRED)
    hosts = "".join(host_block(h, ok_url, sim, 1, 2) for h in CONCURRENT)
    hosts += host_block("e2e-503", sim.base_url(scenario="status=503"),
                        sim, 1, 2)
    hosts += host_block("e2e-anon", sim.base_url())
    # Credentials from an extra-opts ini (0600), plus a flag and a
    # repeated option, to see how the CheckCommand renders them.
    ini = root / "prioticket.ini"
    fd = os.open(str(ini), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("[e2e]\nclient-id=%s\nclient-secret=%s\n"
                % (sim.client_id, sim.client_secret))
    hosts += """object Host "e2e-opts" {
  import "prioticket-api"
  vars.prioticket_base_url = "%s"
  vars.prioticket_extra_opts = "e2e@%s"
  vars.prioticket_verbose = true
  vars.prioticket_no_token_cache = false
  vars.prioticket_expect_json = [ "status=OK", "services.api=OK" ]
  vars.prioticket_http_version = "1.1"
  vars.prioticket_connect_to = "127.0.0.1:%d"
}
""" % (ok_url, ini, sim.port)
    node.write_config(icinga_config(node, plugin_dir, hosts))
    res = node.validate()
    assert res.returncode == 0, "icinga2 daemon -C failed:\n%s%s" % (
        res.stdout, res.stderr)
    try:
        node.start()
        sim.reset()
        results = node.check_now(HOSTS, SERVICES)
        counts = sim.counts()
        yield node, results, sim, counts
    finally:
        node.stop()


def test_config_validates_with_shipped_files(e2e):
    node = e2e[0]
    res = node.validate()
    assert res.returncode == 0
    out = res.stdout + res.stderr
    assert "critical/" not in out and "warning/" not in out, out
    # The example's apply rules give each test host its two services.
    assert "Instantiated %d Services" % (2 * len(HOSTS)) in out, out


@pytest.mark.parametrize("svc,word", [("prioticket-ping", "PING"),
                                      ("prioticket-status", "STATUS")])
def test_ok_state_output_and_perfdata(e2e, svc, word):
    node, results, _, _ = e2e
    attrs = results[("e2e-ok", svc)]
    cr = attrs["last_check_result"]
    assert cr["exit_status"] == 0, cr
    assert attrs["state"] == 0, cr
    assert cr["output"].startswith("PRIOTICKET %s OK" % word), cr["output"]
    # Icinga keeps the text only; the perfdata went to performance_data.
    assert "|" not in cr["output"]
    assert "time=" not in cr["output"]

    raw, values = node.perfdata_of(attrs)
    assert raw, "Icinga saw no perfdata: %r" % cr
    for label in values:
        assert LABEL_RE.match(label), label
        assert label in DOCUMENTED_LABELS, label
    assert {"time", "size", "time_auth"} <= set(values)
    # -w 1 -c 2 survive Icinga's parser as numbers.
    t = values["time"]
    assert t["warn"] == 1 and t["crit"] == 2, t
    assert t["min"] == 0 and t["max"] == 10, t
    assert t["unit"] == "seconds", t
    assert isinstance(t["value"], (int, float)) and 0 <= t["value"] < 10
    assert values["size"]["unit"] == "bytes", values["size"]


@pytest.mark.parametrize("svc", SERVICES)
def test_perfdata_same_as_plugin_prints(e2e, svc):
    """Icinga loses no perfdata item: the labels it stored are exactly the
    ones the plugin prints when run by hand with the same options."""
    _, results, sim, _ = e2e
    raw = results[("e2e-ok", svc)]["last_check_result"]["performance_data"]
    name = "check_" + svc.replace("-", "_")
    direct = run_plugin(name, ["--base-url",
                               sim.base_url(scenario=AUTH_REQUIRED),
                               "--client-id", sim.client_id,
                               "--warning", "1", "--critical", "2",
                               "--timeout", "10", "--no-token-cache"],
                        env={"PRIOTICKET_CLIENT_SECRET": sim.client_secret})
    assert direct.returncode == 0, direct.stdout + direct.stderr
    _, perf, _ = split_plugin_output(direct.stdout)
    icinga_labels = {item.split("=", 1)[0] for item in raw}
    assert icinga_labels == set(parse_perf_items(perf))


@pytest.mark.parametrize("svc,word", [("prioticket-ping", "PING"),
                                      ("prioticket-status", "STATUS")])
def test_503_is_critical_and_perfdata_still_valid(e2e, svc, word):
    node, results, _, _ = e2e
    attrs = results[("e2e-503", svc)]
    cr = attrs["last_check_result"]
    assert cr["exit_status"] == 2, cr
    assert attrs["state"] == 2, cr
    assert cr["output"].startswith("PRIOTICKET %s CRITICAL" % word), \
        cr["output"]
    assert "503" in cr["output"], cr["output"]
    raw, values = node.perfdata_of(attrs)
    assert "time" in values, raw
    assert values["time"]["warn"] == 1 and values["time"]["crit"] == 2


def test_secret_not_on_command_line(e2e):
    """The client secret reaches the plugin (the checks authenticate) but
    never appears in the command line Icinga ran and stored."""
    _, results, sim, _ = e2e
    for (host, svc), attrs in results.items():
        cr = attrs["last_check_result"]
        cmd = cr["command"]
        assert isinstance(cmd, list) and cmd, cr
        joined = " ".join(cmd)
        assert sim.client_secret not in joined, (host, svc, cmd)
        assert sim.client_secret not in cr["output"], (host, svc)
        assert "--client-secret" not in cmd, cmd
        # Flags are set_if switches, never a literal "true"/"false" value.
        assert "true" not in cmd and "false" not in cmd, cmd
        assert cmd[0].endswith("/check_" + svc.replace("-", "_")), cmd
        if host not in ("e2e-anon", "e2e-opts"):
            assert "--client-id" in cmd and sim.client_id in cmd, cmd
            assert cmd[cmd.index("--warning") + 1] == "1", cmd
            assert cmd[cmd.index("--critical") + 1] == "2", cmd


def test_anonymous_host_without_secret(e2e):
    """A host without credentials: Icinga still sets the environment
    variables of the shipped command, to empty strings; the plugins must
    take an empty variable for an unset one and probe anonymously."""
    node, results, _, _ = e2e
    for svc, word in (("prioticket-ping", "PING"),
                      ("prioticket-status", "STATUS")):
        attrs = results[("e2e-anon", svc)]
        cr = attrs["last_check_result"]
        assert cr["exit_status"] == 0, cr
        assert cr["output"].startswith("PRIOTICKET %s OK" % word), \
            cr["output"]
        _, values = node.perfdata_of(attrs)
        assert "time_auth" not in values
        assert "--client-id" not in cr["command"]


def test_concurrent_checks_share_one_token(e2e):
    """All checks were forced at once. The credentialed ones use two token
    URLs (the OK hosts' and the 503 host's), so with the per-machine token
    cache the token endpoint is asked exactly twice, however many checks
    ran; and every credentialed OK check authenticated."""
    _, results, _, counts = e2e
    for host in CONCURRENT:
        for svc in SERVICES:
            cr = results[(host, svc)]["last_check_result"]
            assert cr["exit_status"] == 0, (host, svc, cr["output"])
    assert counts["token_failed"] == 0, counts
    assert counts["token"] == 2, counts


def test_extra_opts_flags_and_repeated_options(e2e):
    """prioticket_extra_opts is one argument (--extra-opts=SECTION@FILE) and
    supplies the credentials; a true flag is a bare --verbose, a false one
    is left out; an array repeats --expect-json."""
    node, results, sim, _ = e2e
    status = results[("e2e-opts", "prioticket-status")]["last_check_result"]
    cmd = status["command"]
    extra = [a for a in cmd if a.startswith("--extra-opts")]
    assert len(extra) == 1 and extra[0].startswith("--extra-opts=e2e@"), cmd
    assert "--verbose" in cmd and "--no-token-cache" not in cmd, cmd
    expects = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--expect-json"]
    assert expects == ["status=OK", "services.api=OK"], cmd
    assert cmd[cmd.index("--http-version") + 1] == "1.1", cmd
    assert cmd[cmd.index("--connect-to") + 1] == "127.0.0.1:%d" % sim.port, cmd
    assert status["exit_status"] == 0, status
    _, values = node.perfdata_of(results[("e2e-opts", "prioticket-status")])
    assert "time_auth" in values
    # The ping body has no "status": the expectation is applied there too.
    ping = results[("e2e-opts", "prioticket-ping")]["last_check_result"]
    assert ping["exit_status"] == 2, ping
