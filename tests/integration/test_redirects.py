# SPDX-License-Identifier: GPL-3.0-or-later
"""Redirects: not followed unless asked; when followed, the bearer token
never goes to another host and https never turns into http."""

import pytest

from plugin import CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, WARNING, run


def redirect(sim, target, https=False):
    return sim.base_url(scenario={"status": 302, "location": target}, https=https,
                        hostname="localhost" if https else None)


def pings(sim):
    return [r for r in sim.requests() if r["endpoint"] == "ping"]


def authorization(request):
    return {k.lower(): v for k, v in request["headers"].items()}.get("authorization")


def status_env(tmp_path):
    return {"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET, "MP_STATE_PATH": str(tmp_path)}


def test_a_redirect_is_not_followed_by_default(sim):
    r = run("ping", ["-u", redirect(sim, sim.base_url() + "/system/ping")])
    assert r.rc == WARNING, r.describe()
    assert "HTTP 302" in r.summary
    assert len(pings(sim)) == 1


def test_a_redirect_to_the_same_host_keeps_the_token(sim, tmp_path):
    target = sim.base_url() + "/system/ping"
    r = run("ping", ["-u", redirect(sim, target), "--follow-redirects", "--client-id", CLIENT_ID],
            env=status_env(tmp_path))
    assert r.rc == OK, r.describe()
    first, second = pings(sim)
    assert authorization(first).startswith("Bearer ")
    assert authorization(second) == authorization(first)


def test_a_redirect_to_another_host_drops_the_token(sim, tmp_path):
    # localhost and 127.0.0.1 are different hosts to libcurl.
    target = sim.base_url(hostname="localhost") + "/system/ping"
    r = run("ping", ["-u", redirect(sim, target), "--follow-redirects", "--client-id", CLIENT_ID],
            env=status_env(tmp_path))
    assert r.rc == OK, r.describe()
    first, second = pings(sim)
    assert authorization(first).startswith("Bearer ")
    assert authorization(second) is None


def test_https_is_never_redirected_to_http(sim):
    target = sim.base_url() + "/system/ping"
    r = run("ping", ["-u", redirect(sim, target, https=True), "--ca-file", sim.ca_file,
                     "--follow-redirects"])
    assert r.rc == CRITICAL, r.describe()
    assert len(pings(sim)) == 1


@pytest.mark.parametrize("hops", [6])
def test_a_redirect_loop_ends(sim, hops):
    url = sim.base_url() + "/system/ping"
    for _ in range(hops):
        url = redirect(sim, url) + "/system/ping"
    r = run("ping", ["-u", url[: -len("/system/ping")], "--follow-redirects"])
    assert r.rc == CRITICAL, r.describe()
    assert "redirect" in r.summary.lower()
    # the reason word says what to fix (reason.h: redirect covers "followed
    # too often"), not a bad_response of the API
    assert r.long_output("Reason") == ["redirect"], r.describe()
