# SPDX-License-Identifier: GPL-3.0-or-later
"""The Debian package (make deb): lintian, its contents, and on a fresh
minbase of the release it was built on (Debian 12 or 13): apt-get install, the stock Icinga 2 and Nagios 4 run
both plugins to OK against the simulator, then remove and purge leave
nothing but the user's files (deb_proof.py runs inside the chroot)."""

import json
import re
import subprocess

from packaging_harness import (BUILD_DIR, CLIENT_ID, CLIENT_SECRET, DEB_TOOLS, HERE, fresh_debian,
                               need, sections)

PKG = "monitoring-plugins-prioticket"
PLUGIN_DIR = "/usr/lib/nagios/plugins"
ICINGA_CONF = "/usr/share/icinga2/include/plugins-contrib.d/prioticket.conf"
NAGIOS_CFG = "/etc/nagios-plugins/config/prioticket.cfg"
GRAPHITE_INI = "/etc/icingaweb2/modules/graphite/templates/prioticket.ini"
STATE_DIR = "/var/lib/monitoring-plugins"
DOC = "/usr/share/doc/" + PKG
SIMULATOR = "/usr/share/check_prioticket/prioticket-sim"



def test_lintian_clean(deb_build):
    res = subprocess.run(["lintian", "--fail-on", "none", str(deb_build["deb"]),
                          str(deb_build["changes"])], capture_output=True, text=True,
                         timeout=600, check=False)
    out = res.stdout + res.stderr
    print(out)
    bad = [l for l in out.splitlines() if re.match(r"^[EW]: ", l)]
    assert not bad, out


def test_contents(deb_build):
    deb = str(deb_build["deb"])
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True,
                             check=True).stdout
    entries = {}
    for line in listing.splitlines():
        parts = line.split(None, 5)
        entries[parts[5].lstrip(".").split(" -> ")[0].rstrip("/") or "/"] = parts[0]
    for p in ("check_prioticket_ping", "check_prioticket_status"):
        assert entries[PLUGIN_DIR + "/" + p] == "-rwxr-xr-x"
    assert entries[NAGIOS_CFG] == "-rw-r--r--"
    assert entries[ICINGA_CONF] == "-rw-r--r--"
    assert entries[GRAPHITE_INI] == "-rw-r--r--"
    for f in ("/usr/share/man/man1/check_prioticket_ping.1.gz",
              "/usr/share/man/man1/check_prioticket_status.1.gz",
              DOC + "/copyright", DOC + "/examples/icinga2/example-services.conf",
              DOC + "/examples/nagios/prioticket.ini.example",
              DOC + "/examples/sensu/check-prioticket.yaml",
              DOC + "/examples/sensu/check-prioticket-asset.yaml"):
        assert f in entries, f
    assert entries[STATE_DIR].startswith("d")
    # Of make install's own place only the simulator stays, an executable.
    assert entries[SIMULATOR] == "-rwxr-xr-x"
    assert [p for p in entries if p.startswith("/usr/share/check_prioticket")] == [
        "/usr/share/check_prioticket", SIMULATOR]
    package = subprocess.run(["dpkg-deb", "-f", deb, "Package"], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert package == PKG
    info = subprocess.run(["dpkg-deb", "--info", deb], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Depends: .*libcurl4.*", info), info
    assert "libjson-c5" in info and "libc6" in info
    cf = subprocess.run(["sh", "-c", "dpkg-deb --ctrl-tarfile '%s' | tar -xOf - ./conffiles" % deb],
                        capture_output=True, text=True, check=True).stdout
    assert sorted(cf.split()) == sorted([NAGIOS_CFG, GRAPHITE_INI]), cf


def test_plugins_know_debian_paths(deb_build, tmp_path):
    subprocess.run(["dpkg-deb", "-x", str(deb_build["deb"]), str(tmp_path)], check=True)
    binary = (tmp_path / PLUGIN_DIR.lstrip("/") / "check_prioticket_ping").read_bytes()
    assert STATE_DIR.encode() in binary
    conf = (tmp_path / ICINGA_CONF.lstrip("/")).read_text()
    assert 'object CheckCommand "prioticket-ping"' in conf
    assert "PluginDir" in conf


def test_install_engines_remove_purge_on_fresh_debian(deb_build, sim):
    deb = deb_build["deb"]
    command = (
        "set -e; export DEBIAN_FRONTEND=noninteractive;"
        # A chroot starts no services; the proof starts the daemons itself.
        " printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d;"
        " apt-get -qq update >/tmp/apt.log 2>&1;"
        # openssl: the shipped simulator's --tls-port (a Suggests of the package)
        " apt-get -qq install -y --no-install-recommends python3 openssl icinga2 nagios4-core"
        " >>/tmp/apt.log 2>&1 || { tail -n 30 /tmp/apt.log; exit 1; };"
        " python3 /opt/proof/deb_proof.py /opt/deb/%s %s %s %s %s" % (
            deb.name, sim.base_url(), sim.root_url(), CLIENT_ID, CLIENT_SECRET))
    res = fresh_debian(command, ins=[(HERE / "deb_proof.py", "/opt/proof/deb_proof.py"),
                                     (HERE / "chroot_lib.py", "/opt/proof/chroot_lib.py"),
                                     (deb, "/opt/deb/" + deb.name)])
    report = "rc=%s\nstdout:\n%s\nstderr:\n%s" % (res.returncode, res.stdout[-5000:],
                                                    res.stderr[-3000:])
    assert res.returncode == 0, report
    out = sections(res.stdout)
    assert "result" in out, report
    r = json.loads(out["result"])
    print(json.dumps({k: r.get(k) for k in (
        "state_dir", "icinga_validate", "nagios_verify", "icinga", "nagios", "nagios_user_cache", "root_cache", "added",
        "removed", "changed", "owners_after_purge", "caches_left")}, indent=1))
    assert r["install"]["rc"] == 0, r["install"]
    installed = set(p for p in r["dpkg_L"] if p)
    for p in (PLUGIN_DIR + "/check_prioticket_ping", PLUGIN_DIR + "/check_prioticket_status",
              NAGIOS_CFG, ICINGA_CONF, GRAPHITE_INI, STATE_DIR):
        assert p in installed, p
    assert NAGIOS_CFG in r["conffiles"].split() and GRAPHITE_INI in r["conffiles"].split(), r[
        "conffiles"]
    assert r["state_dir"] == {"mode": "1777", "uid": 0, "gid": 0, "dir": True}

    # The simulator the package ships (issue 21): started as the man page
    # says, it serves HTTP and HTTPS with a CA of its own, plays a fault from
    # the URL, says where to point a check, and removes its CA when stopped.
    simulated = r["simulator"]
    for name, rc, first in (("http", 0, "PRIOTICKET PING OK"), ("https", 0, "PRIOTICKET PING OK"),
                            ("503", 2, "PRIOTICKET PING CRITICAL - HTTP 503")):
        assert simulated.get(name, {}).get("rc") == rc, (name, simulated)
        assert simulated[name]["out"].startswith(first), (name, simulated)
    assert "Token: requested from" in simulated["https"]["out"], simulated
    assert simulated["stopped_rc"] == 0 and not simulated["ca_left"], simulated
    assert "with --ca-file /tmp/prioticket-sim-" in simulated["told"], simulated

    # Icinga 2: stock configuration plus the host; validation, then OK.
    assert r["icinga_validate"]["rc"] == 0, r["icinga_validate"]["out"]
    assert "Finished validating the configuration" in r["icinga_validate"]["out"]
    assert not [l for l in r["icinga_validate"]["out"].splitlines()
                if "warning" in l.lower() and "prioticket" in l.lower()], r["icinga_validate"]
    for svc, first in (("prioticket-ping", "PRIOTICKET PING OK"),
                       ("prioticket-status", "PRIOTICKET STATUS OK")):
        got = r["icinga"].get(svc)
        assert got and got["state"] == 0 and got["output"].startswith(first), (
            svc, got, r["icinga_log"])
        # The plugin from the package, and the secret not on its command line.
        assert got["command"][0].startswith(PLUGIN_DIR + "/"), got["command"]
        assert CLIENT_SECRET not in json.dumps(got["command"])
    # The nagios user's token cache went into the shared state directory.
    assert r["nagios_user_cache"] and r["nagios_user_cache"]["mode"] == "700", r[
        "nagios_user_cache"]

    # Nagios 4: stock configuration plus the services; verification, then OK.
    assert r["nagios_verify"]["rc"] == 0, r["nagios_verify"]["out"]
    assert not [l for l in r["nagios_verify"]["out"].splitlines()
                if "warning" in l.lower() and "prioticket" in l.lower()], r["nagios_verify"]
    for svc, first in (("prioticket-ping", "PRIOTICKET PING OK"),
                       ("prioticket-status", "PRIOTICKET STATUS OK")):
        got = r["nagios"][svc]
        assert got["state"] == "0" and got["output"].startswith(first), (svc, got)

    assert r["root_run"]["rc"] == 0 and r["root_cache"], r["root_run"]

    # remove: the plugins and the Icinga commands go, the conffile stays.
    assert r["remove"]["rc"] == 0, r["remove"]
    assert not r["after_remove"][PLUGIN_DIR + "/check_prioticket_ping"]
    assert not r["after_remove"][ICINGA_CONF]
    assert r["after_remove"][NAGIOS_CFG]
    # purge: nothing of the package is left but directories other packages
    # own, or that hold the user's files.
    assert r["purge"]["rc"] == 0, r["purge"]
    for path, there in r["after_purge"].items():
        if not there:
            continue
        if path in ("/.", STATE_DIR):  # the root; the state dir holds user files
            continue
        assert r["owners_after_purge"].get(path), (path, "left behind, owned by nobody")
    assert r["caches_left"] == [], r["caches_left"]
    assert all(r["user_files_left"].values()), r["user_files_left"]
    # The file system after purge (and autoremove of libcurl4 and the
    # other libraries apt installed for the package) is the one before
    # install, plus the user's files (those planted, and the engine
    # configuration the proof wrote), minus nothing.
    allowed = set(r["user_files"]) | {
        STATE_DIR, "/etc/icinga2/conf.d/prioticket-sim.conf",
        "/etc/nagios4/conf.d/prioticket-sim.cfg", "/etc/nagios4/prioticket.ini"}
    # Without files of the user's, purge leaves no state directory either.
    assert r["second"] == {"install_rc": 0, "state_dir": r["state_dir"], "root_run_rc": 0,
                           "root_cache": True, "purge_rc": 0,
                           "state_dir_left": False}, r["second"]
    assert r["autoremove"]["rc"] == 0, r["autoremove"]
    assert r["removed"] == [], r["removed"]
    assert set(r["added"]) <= allowed, sorted(set(r["added"]) - allowed)
    assert r["changed"] == [], r["changed"]


def test_build_depends_complete_on_fresh_debian(tmp_path):
    """On a fresh minbase with only build-essential and the Build-Depends
    (apt-get build-dep), dpkg-checkbuilddeps passes and
    dpkg-buildpackage -us -uc -b builds the package (unit tests included)."""
    need(DEB_TOOLS)
    res = subprocess.run(["make", "-C", str(BUILD_DIR), "distdir",
                          "distdir=%s" % (tmp_path / "src")], capture_output=True,
                         text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    command = (
        "export DEBIAN_FRONTEND=noninteractive;"
        " { apt-get -qq update && apt-get -qq install -y --no-install-recommends dpkg-dev"
        " && cd /opt/src && apt-get -qq build-dep -y ./; } >/tmp/apt.log 2>&1"
        " || { tail -n 30 /tmp/apt.log; exit 1; };"
        " cd /opt/src && echo '@@@ checkbuilddeps' && dpkg-checkbuilddeps && echo rc=0;"
        " echo '@@@ build'; dpkg-buildpackage -us -uc -b >/tmp/build.log 2>&1; echo rc=$?;"
        " tail -n 40 /tmp/build.log; echo '@@@ unit'; grep -c '^\\[  PASSED  \\]' /tmp/build.log;"
        " echo '@@@ debs'; ls /opt/*.deb")
    res = fresh_debian(command, ins=[(tmp_path / "src", "/opt/src")])
    report = "rc=%s\nstdout:\n%s\nstderr:\n%s" % (res.returncode, res.stdout[-5000:],
                                                    res.stderr[-3000:])
    out = sections(res.stdout)
    assert "rc=0" in out.get("checkbuilddeps", ""), report
    assert out.get("build", "").startswith("rc=0"), report
    # Each of the unit test binaries ran in the build (dh_auto_test).
    assert int(out["unit"].strip()) >= 10, report
    assert "/opt/%s_" % PKG in out["debs"], report
