# SPDX-License-Identifier: GPL-3.0-or-later
"""Nagios 4 runs the shipped command definitions
(contrib/nagios/prioticket.cfg, loaded unchanged with cfg_file=) with the
credentials in a 0600 extra-opts ini file, against the simulator; the
result is read back from status.dat."""

import os

import pytest

from engine_harness import (CONTRIB, NAGIOS4, NagiosInstance,
                            skip_without, wait_for)

HOST = "prioticket-e2e"


def objects_cfg(ini):
    return """\
define timeperiod {{
    timeperiod_name         24x7
    alias                   always
    sunday                  00:00-24:00
    monday                  00:00-24:00
    tuesday                 00:00-24:00
    wednesday               00:00-24:00
    thursday                00:00-24:00
    friday                  00:00-24:00
    saturday                00:00-24:00
}}

define command {{
    command_name    e2e-notify
    command_line    /bin/true
}}

define contact {{
    contact_name                    e2e
    alias                           e2e
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      e2e-notify
    service_notification_commands   e2e-notify
}}

define command {{
    command_name    e2e-host-up
    command_line    /bin/true
}}

define host {{
    host_name               {host}
    alias                   Prioticket simulator
    address                 127.0.0.1
    check_command           e2e-host-up
    max_check_attempts      1
    check_interval          60
    active_checks_enabled   0
    notifications_enabled   0
    check_period            24x7
    notification_period     24x7
    contacts                e2e
}}

define service {{
    host_name               {host}
    service_description     prioticket-ping
    check_command           check_prioticket_ping!e2e@{ini}!--warning=1 --critical=2
    max_check_attempts      1
    check_interval          60
    retry_interval          60
    notification_interval   0
    notifications_enabled   0
    check_period            24x7
    notification_period     24x7
    contacts                e2e
}}

define service {{
    host_name               {host}
    service_description     prioticket-status-503
    check_command           check_prioticket_status!e2e503@{ini}
    max_check_attempts      1
    check_interval          60
    retry_interval          60
    notification_interval   0
    notifications_enabled   0
    check_period            24x7
    notification_period     24x7
    contacts                e2e
}}
""".format(host=HOST, ini=ini)


@pytest.fixture(scope="module")
def nagios(tmp_path_factory, plugin_dir, simulator):
    skip_without(NAGIOS4, "nagios4-core")
    root = tmp_path_factory.mktemp("nagios4")
    inst = NagiosInstance(root)
    ini = root / "etc" / "prioticket.ini"
    fd = os.open(str(ini), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("[e2e]\nbase-url=%s\nclient-id=%s\nclient-secret=%s\n"
                "timeout=10\n\n[e2e503]\nbase-url=%s\nclient-id=%s\n"
                "client-secret=%s\n" % (
                    simulator.base_url(), simulator.client_id,
                    simulator.client_secret,
                    simulator.base_url(scenario="status=503"),
                    simulator.client_id, simulator.client_secret))
    objects = root / "etc" / "objects.cfg"
    objects.write_text(objects_cfg(ini))
    inst.write_main_config(
        [CONTRIB / "nagios" / "prioticket.cfg", objects],
        ["$USER1$=%s" % plugin_dir])
    res = inst.verify()
    assert res.returncode == 0, "nagios4 -v failed:\n" + res.stdout + res.stderr
    try:
        inst.start()
        for svc in ("prioticket-ping", "prioticket-status-503"):
            inst.force_service_check(HOST, svc)
        results = {}
        for svc in ("prioticket-ping", "prioticket-status-503"):
            def checked(svc=svc):
                st = inst.service_status(HOST, svc)
                if st and st.get("has_been_checked") == "1":
                    return st
                return None
            try:
                results[svc] = wait_for("Nagios to check %s" % svc, checked,
                                        30, 0.2)
            except AssertionError as exc:
                raise AssertionError("%s\n%s" % (exc, inst.diagnostics()))
        yield inst, results, simulator, ini
    finally:
        inst.stop()


def test_ping_ok_in_status_dat(nagios):
    _, results, sim, _ = nagios
    st = results["prioticket-ping"]
    assert st["current_state"] == "0", st
    assert st["plugin_output"].startswith("PRIOTICKET PING OK"), st
    perf = st["performance_data"]
    items = dict(i.split("=", 1) for i in perf.split())
    assert {"time", "size", "time_auth"} <= set(items), perf
    fields = items["time"].split(";")
    assert float(fields[1]) == 1 and float(fields[2]) == 2, items["time"]
    # Nagios stores the long output separately, and no perfdata leaks there.
    assert "time=" not in st.get("long_plugin_output", "")
    assert sim.client_secret not in st["check_command"]
    assert sim.client_secret not in st["plugin_output"]
    assert sim.client_secret not in st.get("long_plugin_output", "")


def test_status_503_critical_in_status_dat(nagios):
    _, results, _, _ = nagios
    st = results["prioticket-status-503"]
    assert st["current_state"] == "2", st
    assert st["plugin_output"].startswith("PRIOTICKET STATUS CRITICAL"), st
    assert "time=" in st["performance_data"], st


def test_ini_file_is_private(nagios):
    _, _, _, ini = nagios
    assert (os.stat(str(ini)).st_mode & 0o777) == 0o600
