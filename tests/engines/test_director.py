# SPDX-License-Identifier: GPL-3.0-or-later
"""Icinga Director, from Debian 12 (1.10.2 on icingaweb2 2.11.4), with a
private PostgreSQL database, imports contrib/icinga2/director-basket.json
with `icingacli director basket restore`, creates hosts and services from
its templates, and deploys them to a private Icinga 2 that includes the
shipped prioticket.conf. The deployed services then run the real plugins
against the simulator; the results are read through Icinga's REST API.

Restoring the basket a second time must change nothing: the basket's own
dump (`icingacli director basket dump`), the row counts of every table the
basket writes to, and Director's activity log are compared before and
after; the same after a second kickstart, and a restore after the deploy
leaves nothing to deploy. The dump after a restore is the basket itself.
"""

import json
import os
import re

import pytest

from director_harness import (Director, Phases, PrivatePostgres, api_text,
                              skip_without_director)
from engine_harness import (CONTRIB, ICINGA2, Icinga2Node,
                            icinga_include_line, skip_without, wait_for)

BASKET = CONTRIB / "icinga2" / "director-basket.json"
BASKET_NAME = "check_prioticket"
SERVICES = ("prioticket-ping", "prioticket-status")
# CheckCommands a Director deployment defines of its own accord (1.11).
DIRECTOR_OWN_COMMANDS = {"ifw-api"}
AUTH_REQUIRED = "auth=required"
# director-file and director-503 read the client secret from a file (the
# way the README recommends), director-env's services get it through the
# hidden data field (and so the shipped command's env).
HOSTS = ("director-file", "director-env", "director-503")
# The tables a basket restore writes to, plus Director's activity log (a
# row per object created or changed).
TABLES = ("director_datafield", "director_datafield_setting",
          "director_datafield_category",
          "director_datalist", "director_datalist_entry", "icinga_command",
          "icinga_command_field", "icinga_host", "icinga_host_field",
          "icinga_host_var", "icinga_service", "icinga_service_field",
          "director_basket", "director_activity_log")


def icinga_config(node, plugin_dir):
    # The shipped CheckCommands are static config, included before the
    # kickstart: Director imports them as external commands and its
    # services reference them by name (Director-rendered commands cannot
    # set env). The endpoint has host/port for the kickstart; Director
    # deploys its templates into the global zone "director-global".
    return (node.base_config()
            + 'const PluginDir = "%s"\n' % plugin_dir
            + "include <itl>\n"
            + icinga_include_line()
            + """
object Endpoint NodeName {
  host = "127.0.0.1"
  port = "%d"
}
object Zone ZoneName { endpoints = [ NodeName ] }
object Zone "director-global" { global = true }
object CheckerComponent "checker" { }

/* Only forced checks run: each result is the one the test asked for. */
object IcingaApplication "app" {
  enable_host_checks = false
  enable_service_checks = false
  enable_notifications = false
}
""" % node.port)


def snapshot(director):
    """What a restore could change: the basket's dump and row counts."""
    dump = json.loads(director.director("basket", "dump", "--name",
                                        BASKET_NAME))
    counts = {t: int(director.sql_value("SELECT COUNT(*) FROM %s" % t))
              for t in TABLES}
    return dump, counts


@pytest.fixture(scope="module")
def director_run(tmp_path_factory, icinga_pki, plugin_dir, simulator):
    skip_without(ICINGA2, "icinga2")
    skip_without_director()
    phases = Phases()
    root = tmp_path_factory.mktemp("director")
    sim = simulator
    node = Icinga2Node(root / "icinga2", "prioticket-director", icinga_pki)
    node.write_config(icinga_config(node, plugin_dir))
    res = node.validate()
    assert res.returncode == 0, "icinga2 daemon -C failed:\n%s%s" % (
        res.stdout, res.stderr)
    pg = PrivatePostgres()
    try:
        node.start()
        phases.mark("icinga2 start")
        pg.init()
        pg.start()
        phases.mark("postgres initdb+start")
        director = Director(root / "web", pg, node)
        director.configure()
        director.director("migration", "run")
        phases.mark("migration")
        director.director("kickstart", "run")
        phases.mark("kickstart")

        basket = BASKET.read_text()
        director.director("basket", "restore", stdin=basket)
        first = snapshot(director)
        director.director("basket", "restore", stdin=basket)
        second = snapshot(director)
        phases.mark("2 restores+dumps")
        # Admins run the kickstart again whenever the static config
        # changes: it re-imports the external commands.
        director.director("kickstart", "run")
        third = snapshot(director)
        phases.mark("kickstart+dump")
        for i, snap in enumerate((first, second, third), 1):
            (root / ("restore-%d.json" % i)).write_text(
                json.dumps(snap, indent=2, sort_keys=True))

        # The preferred way: the secret in a file on the checking node.
        secret_file = root / "client-secret"
        fd = os.open(str(secret_file), os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o600)
        with os.fdopen(fd, "w") as f:
            f.write(sim.client_secret + "\n")
        ok_url = sim.base_url(scenario=AUTH_REQUIRED)
        host_vars = {
            "director-file": {"prioticket_base_url": ok_url,
                              "prioticket_client_secret_file":
                                  str(secret_file)},
            # This host's services set the commands' hidden field instead.
            "director-env": {"prioticket_base_url": ok_url},
            "director-503": {"prioticket_base_url":
                                 sim.base_url(scenario="status=503"),
                             "prioticket_client_secret_file":
                                 str(secret_file)},
        }
        # The commands the README shows, option by option.
        for host in HOSTS:
            args = ["host", "create", host, "--imports", "prioticket-api",
                    "--vars.prioticket_client_id", sim.client_id]
            for key, value in sorted(host_vars[host].items()):
                args += ["--vars." + key, value]
            director.director(*args)
            for svc in SERVICES:
                args = ["service", "create", svc, "--imports", svc,
                        "--host", host, "--vars.prioticket_warning", "1",
                        "--vars.prioticket_critical", "2"]
                if host == "director-env":
                    # The hidden data field: reaches the plugin through
                    # the shipped command's env.
                    args += ["--vars.prioticket_client_secret",
                             sim.client_secret]
                director.director(*args)
        phases.mark("3 hosts+6 services")
        director.director("config", "deploy")
        phases.mark("deploy")

        def deployed():
            for host in HOSTS:
                for svc in SERVICES:
                    node.service(host, svc)
            return True
        wait_for("the services Director deployed", deployed, 90, 0.5)
        phases.mark("icinga2 reload")
        sim.reset()
        results = node.check_now(HOSTS, SERVICES)
        phases.mark("6 checks")
        # Restoring the basket into a deployed Director leaves nothing to
        # deploy.
        director.director("basket", "restore", stdin=basket)
        redeploy = director.director("config", "deploy")
        phases.mark("restore+deploy")
        print("\ntest_director: " + phases.report())
        yield {"node": node, "director": director, "sim": sim,
               "results": results, "first": first, "second": second,
               "third": third, "redeploy": redeploy,
               "secret_file": secret_file}
    finally:
        node.stop()
        pg.stop()


def test_restore_twice_changes_nothing(director_run):
    dump1, counts1 = director_run["first"]
    dump2, counts2 = director_run["second"]
    assert counts1 == counts2
    assert dump1 == dump2
    # The dump holds what the basket shipped, fields included.
    basket = json.loads(BASKET.read_text())
    assert set(dump1["ExternalCommand"]) == set(basket["ExternalCommand"])
    assert set(dump1["ServiceTemplate"]) == set(basket["ServiceTemplate"])
    assert len(dump1["Datafield"]) == len(basket["Datafield"])


def by_varname(obj, names):
    """An object's field links with datafield ids replaced by varnames."""
    return sorted((names[link["datafield_id"]], link["is_required"],
                   link["var_filter"]) for link in obj["fields"])


def without_ids(value):
    """value without the ids Director gives what it stores: originalId, and
    from 1.11 on a uuid for each data field, data list and list entry (1.10
    has none), all at any depth."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in ("originalId", "uuid")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def as_number(value):
    """Director 1.11 dumps a whole number (check_interval, max_check_attempts)
    as a JSON number, 1.10 as the string of its digits."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def test_dump_gives_back_the_basket(director_run):
    """The basket is in Director's own format: what Director dumps after
    the restore is the shipped basket again, apart from the ids Director
    gives what it stores and what the kickstart imported into the external
    commands (arguments, command, timeout) from prioticket.conf."""
    dump, _ = director_run["first"]
    basket = json.loads(BASKET.read_text())
    names_b = {int(k): f["varname"] for k, f in basket["Datafield"].items()}
    names_d = {int(k): f["varname"] for k, f in dump["Datafield"].items()}

    def fields(d):
        return {f["varname"]: without_ids(f) for f in d["Datafield"].values()}
    assert fields(dump) == fields(basket)
    assert without_ids(dump["DataList"]) == without_ids(basket["DataList"])
    assert without_ids(dump["DatafieldCategory"]) == without_ids(basket["DatafieldCategory"])
    for kind in ("HostTemplate", "ServiceTemplate", "ExternalCommand"):
        assert set(dump[kind]) == set(basket[kind]), kind
        for name, obj in basket[kind].items():
            got = dump[kind][name]
            assert by_varname(got, names_d) == by_varname(obj, names_b)
            for key, value in obj.items():
                if key != "fields":
                    assert as_number(got[key]) == as_number(value), (kind, name, key)
    for name, cmd in dump["ExternalCommand"].items():
        # Imported by the kickstart, with the shipped arguments.
        assert cmd["command"] == "check_" + name.replace("-", "_"), cmd
        assert "--client-secret-file" in cmd["arguments"], cmd


def test_restore_after_deploy_leaves_nothing_to_deploy(director_run):
    out = director_run["redeploy"]
    assert "Config matches" in out and "has been deployed" not in out, out


def test_kickstart_again_keeps_the_fields(director_run):
    """Running the kickstart again (it re-imports the shipped commands)
    keeps the restored fields linked to them."""
    dump1, counts1 = director_run["first"]
    dump3, counts3 = director_run["third"]
    assert counts3 == counts1
    assert dump3 == dump1


def test_restored_fields_are_linked_and_described(director_run):
    director = director_run["director"]
    basket = json.loads(BASKET.read_text())
    n = len(basket["Datafield"])
    assert int(director.sql_value(
        "SELECT COUNT(*) FROM director_datafield "
        "WHERE varname LIKE 'prioticket\\_%%'")) == n
    assert int(director.sql_value(
        "SELECT COUNT(*) FROM director_datafield WHERE description IS NULL "
        "OR description = ''")) == 0
    assert int(director.sql_value(
        "SELECT COUNT(*) FROM director_datafield d JOIN "
        "director_datafield_category c ON c.id = d.category_id "
        "WHERE c.category_name = 'Prioticket'")) == n
    for cmd in SERVICES:
        assert int(director.sql_value(
            "SELECT COUNT(*) FROM icinga_command_field f JOIN icinga_command c"
            " ON c.id = f.command_id WHERE c.object_name = '%s' AND "
            "c.object_type = 'external_object'" % cmd)) == n
    hidden = director.sql(
        "SELECT d.varname FROM director_datafield d JOIN "
        "director_datafield_setting s ON s.datafield_id = d.id WHERE "
        "s.setting_name = 'visibility' AND s.setting_value = 'hidden' "
        "ORDER BY d.varname")
    assert hidden == ["prioticket_api_key", "prioticket_client_secret"]


@pytest.mark.parametrize("host", ["director-file", "director-env"])
@pytest.mark.parametrize("svc,word", [("prioticket-ping", "PING"),
                                      ("prioticket-status", "STATUS")])
def test_deployed_service_ok(director_run, host, svc, word):
    node = director_run["node"]
    attrs = director_run["results"][(host, svc)]
    cr = attrs["last_check_result"]
    assert cr["exit_status"] == 0, cr
    assert cr["output"].startswith("PRIOTICKET %s OK" % word), cr["output"]
    _, values = node.perfdata_of(attrs)
    # An OK against auth=required means the secret reached the plugin.
    assert "time_auth" in values, values
    assert values["time"]["warn"] == 1 and values["time"]["crit"] == 2


@pytest.mark.parametrize("svc,word", [("prioticket-ping", "PING"),
                                      ("prioticket-status", "STATUS")])
def test_deployed_service_critical_on_503(director_run, svc, word):
    cr = director_run["results"][("director-503", svc)]["last_check_result"]
    assert cr["exit_status"] == 2, cr
    assert cr["output"].startswith("PRIOTICKET %s CRITICAL" % word), \
        cr["output"]
    assert "503" in cr["output"], cr["output"]


def test_secret_not_on_stored_command_line(director_run):
    sim = director_run["sim"]
    for (host, svc), attrs in director_run["results"].items():
        cr = attrs["last_check_result"]
        cmd = cr["command"]
        assert isinstance(cmd, list) and cmd, cr
        assert cmd[0].endswith("/check_" + svc.replace("-", "_")), cmd
        assert sim.client_secret not in " ".join(cmd), (host, svc, cmd)
        assert sim.client_secret not in cr["output"], (host, svc)
        assert "--client-secret" not in cmd, cmd
        assert cmd[cmd.index("--client-id") + 1] == sim.client_id, cmd
        if host == "director-env":
            assert "--client-secret-file" not in cmd, cmd
        else:
            i = cmd.index("--client-secret-file")
            assert cmd[i + 1] == str(director_run["secret_file"]), cmd


def test_deployed_config_uses_the_shipped_commands(director_run):
    """The services use the shipped CheckCommands (external objects in
    Director): the config package Director deployed defines no
    CheckCommand of ours (Director 1.11 defines its own "ifw-api", for
    Icinga for Windows, where Icinga lacks it), and its templates name the
    shipped ones."""
    node = director_run["node"]
    package = node.request("GET", "/v1/config/packages")["results"]
    stage = [p["active-stage"] for p in package if p["name"] == "director"]
    assert stage and stage[0], package
    files = node.request("GET", "/v1/config/stages/director/" + stage[0])
    text = ""
    for item in files["results"]:
        if item["type"] == "file" and item["name"].endswith(".conf"):
            text += api_text(node, "/v1/config/files/director/%s/%s"
                                      % (stage[0], item["name"]))
    defined = re.findall(r'(?:object|template) CheckCommand "([^"]*)"', text)
    assert set(defined) <= DIRECTOR_OWN_COMMANDS, text
    # What the README says of the hidden field: it only masks Director's
    # form; the value is in the deployed config (director-env's services).
    assert text.count(director_run["sim"].client_secret) == len(SERVICES)
    assert 'template Service "prioticket-ping"' in text, text
    assert 'check_command = "prioticket-ping"' in text, text
    assert 'check_command = "prioticket-status"' in text, text


def test_changed_field_is_a_new_field(director_run):
    """Why every description must be non-empty: Director stores "" as NULL,
    so the restored field never equals the basket's and each restore adds
    another field of the same name. The comparison above would catch it.
    (Runs last: it leaves a duplicate field behind.)"""
    director = director_run["director"]
    basket = json.loads(BASKET.read_text())
    key = sorted(basket["Datafield"], key=int)[0]
    varname = basket["Datafield"][key]["varname"]
    basket["Datafield"][key]["description"] = ""
    text = json.dumps(basket)
    count = "SELECT COUNT(*) FROM director_datafield WHERE varname = '%s'" % (
        varname)
    assert director.sql_value(count) == "1"
    director.director("basket", "restore", stdin=text)
    assert director.sql_value(count) == "2"
    director.director("basket", "restore", stdin=text)
    assert director.sql_value(count) == "3"
    # The commands link one field per variable all the same.
    n = len(basket["Datafield"])
    for cmd in SERVICES:
        assert int(director.sql_value(
            "SELECT COUNT(*) FROM icinga_command_field f JOIN icinga_command c"
            " ON c.id = f.command_id WHERE c.object_name = '%s'" % cmd)) == n
