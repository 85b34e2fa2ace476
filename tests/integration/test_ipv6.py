# SPDX-License-Identifier: GPL-3.0-or-later
"""IPv6: the simulator listens on ::1 only; -6 / -4 and bracketed URLs."""

import re
import socket

import pytest

from plugin import CRITICAL, OK, STATE_NAMES, auth_args, new_simulator, run
from ports import have_ipv6_loopback


def localhost_has_ipv6():
    try:
        return any(info[0] == socket.AF_INET6 for info in socket.getaddrinfo("localhost", 80))
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not have_ipv6_loopback(), reason="no IPv6 loopback")


@pytest.fixture(scope="module")
def sim():
    with new_simulator(host="::1", blackhole=False) as simulator:
        yield simulator


ROWS = [
    #  id                            args (templates: {http}, {http4}, {tls_port}, {ca})        auth   rc        text
    ("-u [::1] with -6",              "-u {http} -6",                                             True,  OK,       r"HTTP 200 "),
    ("-u [::1] without -6",           "-u {http}",                                                True,  OK,       r"HTTP 200 "),
    ("-u [::1] anonymous",            "-u {http} -6",                                             False, OK,       r"HTTP 200 "),
    ("-H ::1 -p TLS -6",              "-H ::1 -p {tls_port} -6 --ca-file {ca}",                   True,  OK,       r"HTTP 200 "),
    ("-u https://[::1]",              "-u {https} -6 --ca-file {ca}",                             True,  OK,       r"HTTP 200 "),
    ("-4 to an IPv6-only server",     "-u {http} -4",                                             False, CRITICAL, r"(?i:connect|resolve)"),
    ("-6 to 127.0.0.1, nobody there", "-u {http4} -6",                                            False, CRITICAL, r"(?i:connect|resolve)"),
]


@pytest.mark.parametrize("args,auth,rc,text", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_ipv6(sim, files, args, auth, rc, text):
    ctx = {"http": sim.base_url(""), "https": sim.base_url("", https=True),
           "http4": f"http://127.0.0.1:{sim.port}/v3.8/distributor",
           "tls_port": sim.tls_ports["good"], "ca": sim.ca_file}
    argv = [w.format(**ctx) for w in args.split()] + (auth_args(files["secret"]) if auth else [])
    r = run("ping", argv, timeout=20)
    assert r.rc == rc, r.describe()
    assert re.match(rf"^PRIOTICKET PING {STATE_NAMES[rc]} - .*?{text}", r.first_line), r.describe()
    if rc == OK:
        expected = ["token", "ping"] if auth else ["ping"]
        assert [q["endpoint"] for q in sim.requests()] == expected
        assert any("[::1]" in line for line in r.long_output("URL")), r.describe()


@pytest.mark.skipif(not localhost_has_ipv6(), reason="localhost has no IPv6 address here")
def test_hostname_resolving_to_ipv6(sim, files):
    r = run("ping", ["-H", "localhost", "-p", sim.tls_ports["good"], "-6", "--ca-file",
                     sim.ca_file] + auth_args(files["secret"]), timeout=20)
    assert r.rc == OK, r.describe()
