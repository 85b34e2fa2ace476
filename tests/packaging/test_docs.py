# SPDX-License-Identifier: GPL-3.0-or-later
"""Every snippet of the documentation, run as written on a fresh Debian 12
with the package built from this tree (issue 21).

The README is followed first, as a newcomer with nothing but the package and
the README follows it: install, the quick starts of Icinga 2 and Nagios 4,
the check by hand, the token cache. Both engines must then report every
prioticket service OK. Then each other document (doc/*.md, the examples'
README, the man pages' EXAMPLES) runs from that end state; each Icinga 2 and
Nagios snippet is also validated and checked on its own. One fresh chroot
serves all of it (tests/packaging/docs_lab.py runs inside; its docstring says
what the lab changes and why). The .deb is the session's (conftest.py)."""

import json
import re
import secrets
import subprocess
import sys

import pytest

from packaging_harness import HERE, REPO_ROOT, fresh_debian, sections

sys.path.insert(0, str(REPO_ROOT / "tests" / "docs"))
sys.path.insert(0, str(REPO_ROOT / "tests" / "simulator"))
import docsnippets  # noqa: E402

PLAN = docsnippets.plan()
FENCES = [f for d in PLAN for f in d["fences"]]
CLIENT_IDS = {"production": "my-client-id", "staging": "my-staging-client-id"}
LAB_NAMES = "DNS:distributor-api.prioticket.com, DNS:staging-distributor-api.prioticket.com"
SIM_IN_PACKAGE = "./usr/share/check_prioticket/prioticket-sim"


def apt_packages():
    """What the snippets install with apt-get, so that the lab (no network)
    finds it downloaded."""
    wanted = []
    for f in FENCES:
        if f["runner"] != "shell":
            continue
        for args in re.findall(r"apt-get install ([^\n&|;]+)", f["body"]):
            wanted += [a for a in args.split() if not a.startswith("-")]
    return sorted(set(wanted))


def lab_certificates(directory):
    """The lab CA and one certificate for the API's hosts, signed by it."""
    sys.path.insert(0, str(REPO_ROOT / "tests" / "simulator"))
    import certs
    directory.mkdir()
    certs.prepare_workdir(directory)
    certs.make_ca(directory)
    certs.make_ca_signed(directory, "lab", LAB_NAMES, -certs.DAY, 30 * certs.DAY)
    return directory


@pytest.fixture(scope="module")
def lab(deb_build, tmp_path_factory):
    deb = deb_build["deb"]
    work = tmp_path_factory.mktemp("docs-lab")
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    plan = {"docs": PLAN, "secret": "lab-" + secrets.token_urlsafe(18),
            "client_ids": CLIENT_IDS, "sim_dir": "/opt/lab/simulator",
            "cert_dir": "/opt/lab/certs",
            "standin_sim": SIM_IN_PACKAGE not in listing}
    (work / "plan.json").write_text(json.dumps(plan))
    certs = lab_certificates(work / "certs")
    packages = " ".join(apt_packages())
    command = (
        "set -e; export DEBIAN_FRONTEND=noninteractive;"
        " printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d;"
        " { apt-get -qq update && apt-get -qq install -y --no-install-recommends"
        " python3 python3-yaml ca-certificates"
        " && cd /root && apt-get -qq install --download-only -y %s; } >/tmp/apt.log 2>&1"
        " || { tail -n 30 /tmp/apt.log; exit 1; };"
        " python3 /opt/lab/docs_lab.py /opt/lab/plan.json" % packages)
    res = fresh_debian(command, ins=[
        (work / "plan.json", "/opt/lab/plan.json"), (HERE / "docs_lab.py", "/opt/lab/docs_lab.py"),
        (HERE / "chroot_lib.py", "/opt/lab/chroot_lib.py"),
        (REPO_ROOT / "tests" / "interop" / "upstream.py", "/opt/lab/upstream.py"),
        (REPO_ROOT / "tests" / "simulator", "/opt/lab/simulator"), (certs, "/opt/lab/certs"),
        (deb, "/root/" + deb.name)], timeout=3600)
    report = "rc=%s\nstdout:\n%s\nstderr:\n%s" % (res.returncode, res.stdout[-3000:],
                                                    res.stderr[-3000:])
    out = sections(res.stdout)
    assert res.returncode == 0 and "result" in out, report
    result = json.loads(out["result"])
    print(json.dumps({"lab": result["lab"], "docs": result["docs"],
                      "walkthrough": result.get("walkthrough")}, indent=1)[:6000])
    assert "fatal" not in result, result["fatal"] + "\n" + report
    if plan["standin_sim"]:
        print("NOTE: the package ships no %s; the tree's simulator stood in" % SIM_IN_PACKAGE[1:])
    return result


def test_the_lab_reached_no_real_host(lab):
    """The lab's only network is its loopback, and the snippets that name the
    API's hosts reached the lab's simulators: token requests and probes of
    both environments."""
    assert lab["lab"]["interfaces"] == ["lo"], lab["lab"]["interfaces"]
    for env in ("production", "staging"):
        counts = lab["lab"]["sim_counts"][env]
        assert counts["token_ok"] > 0 and counts["ping"] > 0, (env, counts)
    assert lab["lab"]["sim_counts"]["production"]["status"] > 0
    assert lab["lab"]["api_setup"] == 0


def test_only_icinga_api_warnings_are_forgiven(lab):
    """A snippet may not add an Icinga warning; the ones of the other
    documents' starting point (the README's end state and the lab's API) are
    forgiven. That may only be the API listener's notice (Icinga 2.14 warns
    of `icinga2 api setup`'s user): the stock configuration with the
    README's snippets warns of nothing."""
    stock = lab["lab"]["icinga_stock_warnings"]
    assert all(w.startswith("warning/ApiListener: ") for w in stock), stock


@pytest.mark.parametrize("fence", FENCES, ids=[f["where"] for f in FENCES])
def test_snippet_runs_as_written(lab, fence):
    got = lab["fences"].get(fence["where"])
    assert got is not None, "the lab never reached this snippet (an earlier one ended its document?)"
    assert got["ok"], json.dumps(got, indent=1)[:8000]


def _walkthrough_results(lab, engine):
    walk = lab["walkthrough"]
    results = walk.get(engine)
    assert results and "error" not in results, json.dumps(walk, indent=1)[:6000]
    return results


def test_newcomer_reaches_ok_in_icinga2(lab):
    """Done-when of issue 21: with only the package and the README, Icinga 2
    reports both services OK (its own state file)."""
    results = _walkthrough_results(lab, "icinga")
    services = lab["walkthrough"]["icinga_services"]
    assert sorted(services) == ["prioticket-production!prioticket-ping",
                                "prioticket-production!prioticket-status"], services
    for svc in services:
        cr = results.get(svc)
        assert cr and cr["state"] == 0 and cr["output"].startswith("PRIOTICKET"), (svc, cr)
        assert cr["command"][0].startswith("/usr/lib/nagios/plugins/"), cr["command"]


def test_newcomer_reaches_ok_in_nagios4(lab):
    """The same in Nagios 4 (its status.dat)."""
    results = _walkthrough_results(lab, "nagios")
    assert sorted(results) == ["prioticket-production!prioticket-ping",
                               "prioticket-production!prioticket-status"], results
    for svc, st in results.items():
        assert st["state"] == 0 and st["output"].startswith("PRIOTICKET"), (svc, st)
