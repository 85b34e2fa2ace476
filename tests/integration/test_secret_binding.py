# SPDX-License-Identifier: GPL-3.0-or-later
"""A secret goes only where it may (issue 19, finding 4). Whoever may set
only a check's options (an Icinga variable, a Director field, a Nagios
$ARGn$) cannot read the secret file or the engine's environment, but could
point --token-url, --base-url, --hostname, --port, --connect-to, a proxy,
--insecure or a plain http:// URL elsewhere. A secret read from a file, from
the environment or from an --extra-opts file (client secret, its token, API
key) goes only to a Prioticket host over https verified with a trust store
only root or the user can change, to an origin its own secret file names
(a line "origin: https://HOST[:PORT]" in a file only root or the user can
write), or to a loopback host reached at a loopback address. Anything else
is UNKNOWN before the request is sent. --client-secret on the command line
is its writer's own choice, and goes where the command line says.

- Refused before connecting, and dynamically once connected (through a
  proxy, --connect-to): run in a private network namespace whose loopback
  device also holds 198.51.100.7, a local address that is not a loopback
  one, where net_catcher.py records every byte that reaches it.
- Allowed over verified TLS, with an origin line, and refused with a CA
  file others may write: against the simulator with a certificate for
  distributor-api.prioticket.com and gateway.example.test (made here with
  the openssl CLI), reached with --connect-to on 127.0.0.1.
"""

import base64
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from local_servers import stop_process
from plugin import (API_KEY, CLIENT_ID, CLIENT_SECRET, OK, SIM_DIR, UNKNOWN, new_simulator,
                    run)

HERE = Path(__file__).resolve().parent
PYTHON = "/usr/bin/python3"
TEST_NET = "198.51.100.7"  # RFC 5737 TEST-NET-2, on the namespace's loopback device
START_TIMEOUT = 10.0
BASIC = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
SECRETS = (CLIENT_SECRET, API_KEY, BASIC, BASIC.rstrip("="))


def read_line(proc, timeout=START_TIMEOUT):
    """One line of a child's stdout, within timeout seconds."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "no answer from " + " ".join(proc.args)
    return proc.stdout.readline().decode()


class Net:
    """The private network namespace and what net_catcher.py recorded."""

    def __init__(self, wrap, ports, record):
        self.wrap = wrap
        self.ports = ports
        self.record = record

    def url(self, listener, path="/v3.8/distributor", scheme="http"):
        return f"{scheme}://{TEST_NET}:{self.ports[listener]}{path}"

    def rows(self, event, listener=None):
        if not self.record.exists():
            return []
        rows = [json.loads(line) for line in self.record.read_text().splitlines()]
        return [r for r in rows if r["event"] == event and
                (listener is None or r["listener"].startswith(listener))]

    def seen(self, listener=None):
        """What clients sent, once each was done."""
        return self.rows("data", listener)

    def wait_seen(self, listener, count=1):
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.seen(listener)) < count:
            assert time.monotonic() < deadline, f"no {listener} record: {self.rows('accept')}"
            time.sleep(0.05)
        return self.seen(listener)

    def accepted_before_now(self, listener):
        """Connections the listener accepted before this call: a marker
        connection of ours is accepted after any earlier one (one accept
        loop, the kernel's queue in order)."""
        before = len(self.rows("accept", listener))
        subprocess.run(self.wrap + [PYTHON, "-c", f"import socket; socket.create_connection("
                                                  f"('{TEST_NET}', {self.ports[listener]})).close()"],
                       check=True, timeout=START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.rows("accept", listener)) <= before:
            assert time.monotonic() < deadline, "the marker connection was not accepted"
            time.sleep(0.05)
        return len(self.rows("accept", listener)) - 1

    def reset(self):
        self.record.write_text("")


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("a network namespace needs root")
    work = tmp_path_factory.mktemp("net")
    holder = subprocess.Popen(
        ["unshare", "-n", "sh", "-c",
         f"ip link set lo up && ip addr add {TEST_NET}/32 dev lo && echo ready && exec sleep 3600"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    catcher = None
    try:
        assert read_line(holder).strip() == "ready"
        wrap = ["nsenter", f"--net=/proc/{holder.pid}/ns/net"]
        certs = Path(_cert_dir())
        catcher = subprocess.Popen(
            wrap + [PYTHON, str(HERE / "net_catcher.py"), TEST_NET, str(work / "record.jsonl"),
                    str(certs / "good.pem"), str(certs / "good.key")],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        ports = json.loads(read_line(catcher))
        yield Net(wrap, ports, work / "record.jsonl")
    finally:
        if catcher:
            stop_process(catcher)
        stop_process(holder)


def _cert_dir():
    """The simulator's test certificates (a CA, and a leaf for localhost)."""
    sys.path.insert(0, str(SIM_DIR))
    try:
        from simctl import shared_cert_dir
    finally:
        sys.path.remove(str(SIM_DIR))
    return shared_cert_dir()


@pytest.fixture
def sources(tmp_path):
    """Each way a secret can arrive: the options and environment it takes."""
    secret = tmp_path / "secret"
    secret.write_text(CLIENT_SECRET + "\n")
    key = tmp_path / "api_key"
    key.write_text(API_KEY + "\n")
    ini = tmp_path / "plugins.ini"
    ini.write_text(f"[creds]\nclient-id = {CLIENT_ID}\nclient-secret = {CLIENT_SECRET}\n")
    for p in (secret, key, ini):
        os.chmod(p, 0o600)
    return {
        "secret file": (["--client-id", CLIENT_ID, "--client-secret-file", str(secret)], {},
                        f"the client secret from the file {secret}"),
        "secret variable": (["--client-id", CLIENT_ID], {"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET},
                            "the client secret from PRIOTICKET_CLIENT_SECRET"),
        "secret in ini": ([f"--extra-opts=creds@{ini}"], {},
                          f"the client secret from key 'client-secret' in section [creds] of {ini}"),
        "API key file": (["--api-key-file", str(key)], {}, f"the API key from the file {key}"),
        "API key variable": ([], {"PRIOTICKET_API_KEY": API_KEY},
                             "the API key from PRIOTICKET_API_KEY"),
    }


def assert_no_secret(net, r):
    for row in net.seen():
        for s in SECRETS:
            assert s not in row["data"], f"{s!r} reached {row['listener']}:\n{row}\n" + r.describe()
    for s in SECRETS:
        assert s not in r.output, r.describe()


# ---- refused before anything is sent ------------------------------------------

#  id               args (a function of net)                                           token URL only
BEFORE = [
    ("--token-url", lambda n: ["-u", "http://127.0.0.1:1/v3.8/distributor",
                               "--token-url", n.url("sink", "/oauth2/token", "https")], True),
    ("--base-url", lambda n: ["-u", n.url("sink")], False),
    ("--hostname --port", lambda n: ["-H", TEST_NET, "-p", str(n.ports["sink"])], False),
    ("--insecure", lambda n: ["-E", "staging", "--insecure",
                              "--connect-to", f"{TEST_NET}:{n.ports['sink']}"], False),
    ("plain http:// to Prioticket", lambda n: [
        "-u", "http://distributor-api.prioticket.com/v3.8/distributor",
        "--connect-to", f"{TEST_NET}:{n.ports['sink']}"], False),
]


# --token-url needs a client id: the API key goes to the API URL only.
BEFORE_CASES = [(source, b[0], b[1]) for b in BEFORE
                for source in ("secret file", "secret variable", "secret in ini", "API key file",
                               "API key variable")
                if not (b[2] and source.startswith("API key"))]


@pytest.mark.parametrize("source,target,args", BEFORE_CASES,
                         ids=[f"{c[1]}-{c[0]}" for c in BEFORE_CASES])
def test_refused_before_anything_is_sent(net, sources, source, target, args):
    opts, env, what = sources[source]
    net.reset()
    r = run("ping", args(net) + opts, env=env, wrapper=net.wrap, timeout=30)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 3 and r.lines[1].startswith("[UNKNOWN] connection: "), r.describe()
    assert r.lines[2] == "Reason: config", r.describe()
    assert f"PRIOTICKET PING UNKNOWN - {what} is not sent to " in r.first_line, r.describe()
    assert net.accepted_before_now("sink") == 0, "a connection reached the catcher\n" + \
        r.describe()
    assert_no_secret(net, r)


# ---- refused once connected: the address is not loopback ---------------------

#  id               args, environment (functions of net)                   says            listener
CONNECTED = [
    ("--proxy", lambda n: (["-u", "http://127.0.0.1:1/v3.8/distributor",
                            "--proxy", n.url("sink", "")], {}), "(the proxy)", "sink"),
    ("http_proxy", lambda n: (["-u", "http://localhost:1/v3.8/distributor"],
                              {"http_proxy": n.url("sink", "")}), "(the proxy)", "sink"),
    ("https_proxy, TLS through the tunnel", lambda n: (
        ["-u", "https://localhost:1/v3.8/distributor", "--ca-file", f"{_cert_dir()}/ca.pem"],
        {"https_proxy": n.url("tls_proxy", "")}), "(the proxy)", "tls_proxy tunnel"),
    ("--connect-to", lambda n: (["-u", f"http://localhost:{n.ports['sink']}/v3.8/distributor",
                                 "--connect-to", f"{TEST_NET}:{n.ports['sink']}"], {}),
     "(--connect-to)", "sink"),
]


@pytest.mark.parametrize("source", ["secret file", "secret variable", "API key variable"])
@pytest.mark.parametrize("target,setup,says,listener", CONNECTED, ids=[c[0] for c in CONNECTED])
def test_loopback_counts_by_the_address_connected_to(net, sources, source, target, setup, says,
                                                     listener):
    opts, env, _ = sources[source]
    args, more = setup(net)
    net.reset()
    r = run("ping", args + opts, env={**env, **more}, wrapper=net.wrap, timeout=30)
    assert r.rc == UNKNOWN, r.describe()
    where = " (token request)" if source.startswith("secret") else ""
    assert r.lines[1] == (f"[UNKNOWN] connection: request not sent{where}: the secret is bound to "
                          f"loopback, but the connection went to {TEST_NET} {says}"), r.describe()
    assert "Reason: config" in r.lines, r.describe()
    # The connection was made: the refusal was by the address.
    seen = net.wait_seen(listener)
    assert_no_secret(net, r)
    for row in seen + net.seen():  # nothing but the proxy's CONNECT line crossed
        assert row["data"] == "" or row["listener"] == "tls_proxy CONNECT", row


def test_a_redirect_elsewhere_carries_no_credentials(net, sources):
    """libcurl sends the Basic credentials and the bearer token to the first
    host and port only: a redirect from loopback to another address gets
    neither (as before; the request there carries no bound secret)."""
    opts, env, _ = sources["secret file"]
    net.reset()
    r = run("ping", ["-u", f"http://127.0.0.1:{net.ports['redirect']}/v3.8/distributor",
                     "--follow-redirects", "--no-token-cache"] + opts, env=env,
            wrapper=net.wrap, timeout=30)
    net.wait_seen("landing")
    assert [row["listener"] for row in net.seen()] == ["redirect", "landing"], net.seen()
    assert "Authorization: Basic" in net.seen("redirect")[0]["data"]  # loopback: allowed
    landing = net.seen("landing")[0]["data"]
    assert "Authorization" not in landing, landing
    for s in SECRETS:
        assert s not in landing and s not in r.output, r.describe()


def test_a_command_line_secret_goes_where_the_command_line_says(net):
    """Who wrote the command line wrote the secret: it is not bound."""
    net.reset()
    r = run("ping", ["-u", net.url("landing"), "--client-id", CLIENT_ID, "--client-secret",
                     CLIENT_SECRET, "--no-token-cache"], wrapper=net.wrap, timeout=30)
    assert r.rc != UNKNOWN, r.describe()
    assert f"Authorization: Basic {BASIC}" in net.wait_seen("landing")[0]["data"]


# ---- allowed over verified TLS; an origin line; a trust store others may change ----

@pytest.fixture(scope="module")
def tls_names(tmp_path_factory):
    """A CA (in a directory only root can change) and a certificate for
    distributor-api.prioticket.com and gateway.example.test; the simulator
    serving it on 127.0.0.1."""
    d = tmp_path_factory.mktemp("binding-pki")

    def sh(*argv):
        subprocess.run(argv, cwd=d, check=True, capture_output=True, timeout=60)

    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=binding CA")
    sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=distributor-api.prioticket.com")
    (d / "ext").write_text("subjectAltName=DNS:distributor-api.prioticket.com,"
                           "DNS:gateway.example.test\n")
    sh("openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
       "-CAcreateserial", "-out", "leaf.pem", "-days", "30", "-extfile", "ext")
    sim = new_simulator(tls=False, extra_args=("--tls", f"names:{d}/leaf.pem:{d}/leaf.key"))
    with sim:
        yield {"sim": sim, "port": sim.tls_ports["names"], "ca": d / "ca.pem", "dir": d}


def gateway(port):
    return f"https://gateway.example.test:{port}/v3.8/distributor"


def secret_file(tmp_path, *lines, mode=0o600):
    p = tmp_path / "secret"
    p.write_text(CLIENT_SECRET + "\n" + "".join(line + "\n" for line in lines))
    os.chmod(p, mode)
    return p


#  id                          args (of port, ca, secret file)                       state  says
TLS_ROWS = [
    ("Prioticket host, verified", lambda p, ca, f: [
        "-E", "production", "--connect-to", f"127.0.0.1:{p}", "--ca-file", ca], OK, None),
    ("Prioticket host, --ca-path", lambda p, ca, f: [
        "-E", "production", "--connect-to", f"127.0.0.1:{p}", "--ca-path", ca.parent / "hash"],
     OK, None),
    ("gateway without an origin line", lambda p, ca, f: [
        "-u", gateway(p), "--connect-to", f"127.0.0.1:{p}", "--ca-file", ca], UNKNOWN,
     "(add the line origin: https://gateway.example.test:{p} to it)"),
]


@pytest.mark.parametrize("name,args,state,says", TLS_ROWS, ids=[t[0] for t in TLS_ROWS])
def test_verified_tls_to_an_allowed_origin(tls_names, tmp_path, name, args, state, says):
    sim, port, ca = tls_names["sim"], tls_names["port"], tls_names["ca"]
    hashdir = ca.parent / "hash"
    if not hashdir.exists():
        hashdir.mkdir()
        h = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca], capture_output=True,
                           text=True, check=True).stdout.strip()
        (hashdir / f"{h}.0").write_bytes(ca.read_bytes())
    f = secret_file(tmp_path)
    sim.reset()
    r = run("ping", [str(a) for a in args(port, ca, f)]
            + ["--client-id", CLIENT_ID, "--client-secret-file", f], timeout=30)
    assert r.rc == state, r.describe()
    if says:
        assert says.format(p=port) in r.first_line, r.describe()
        assert sim.counts()["token"] == 0
    else:
        assert sim.counts()["token"] == 1 and sim.counts()["ping"] == 1


@pytest.mark.parametrize("lines,mode,state,says", [
    (["origin: https://gateway.example.test:{p}"], 0o600, OK, None),
    (["origin:https://GATEWAY.example.test:{p}/"], 0o600, OK, None),
    (["origin: https://gateway.example.test:443"], 0o600, UNKNOWN, "is not sent to"),
    (["origin: http://gateway.example.test:{p}"], 0o600, UNKNOWN, "line 2 is not origin: https://"),
    (["origin: https://gateway.example.test:{p}"], 0o660, UNKNOWN,
     "names origins, but {f} is writable by group or others (mode 0660)"),
    (["origin: https://other.example:{p}"] * 9, 0o600, UNKNOWN, "names more than 8 origins"),
], ids=["allowed", "any case, a final slash", "another port", "plain http origin",
        "file others can write", "too many"])
def test_an_origin_line_of_the_secret_file(tls_names, tmp_path, lines, mode, state, says):
    sim, port, ca = tls_names["sim"], tls_names["port"], tls_names["ca"]
    f = secret_file(tmp_path, *[line.format(p=port) for line in lines], mode=mode)
    sim.reset()
    r = run("ping", ["-u", gateway(port), "--connect-to", f"127.0.0.1:{port}", "--ca-file", ca,
                     "--client-id", CLIENT_ID, "--client-secret-file", f], timeout=30)
    assert r.rc == state, r.describe()
    if says:
        assert says.format(f=f) in r.first_line, r.describe()
        assert sim.counts()["token"] == 0
    else:
        assert sim.counts()["token"] == 1 and sim.counts()["ping"] == 1
    assert CLIENT_SECRET not in r.output


@pytest.mark.parametrize("how", ["file", "directory"])
def test_a_trust_store_others_may_change_verifies_nothing(tls_names, tmp_path, how):
    """--ca-file decides what "verified" means: one that another user may
    change could make any server pass for Prioticket."""
    sim, port, ca = tls_names["sim"], tls_names["port"], tls_names["ca"]
    mine = tmp_path / "ca.pem"
    mine.write_bytes(ca.read_bytes())
    os.chmod(tmp_path, 0o755)
    if how == "file":
        os.chmod(mine, 0o666)
        why = f"{mine} is writable by group or others (mode 0666)"
    else:
        os.chmod(tmp_path, 0o777)
        why = f"directory {tmp_path} is writable by group or others without the sticky bit"
    sim.reset()
    r = run("ping", ["-E", "production", "--connect-to", f"127.0.0.1:{port}", "--ca-file", mine,
                     "--client-id", CLIENT_ID], env={"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET},
            timeout=30)
    os.chmod(tmp_path, 0o755)
    assert r.rc == UNKNOWN, r.describe()
    assert why in r.first_line and "the CA file or directory decides what is verified" \
        in r.first_line, r.describe()
    assert sim.counts()["token"] == 0


@pytest.mark.parametrize("source,state", [
    ("variable", UNKNOWN), ("ini", UNKNOWN), ("command line", OK)])
def test_only_a_secret_file_can_name_another_origin(tls_names, tmp_path, source, state):
    sim, port, ca = tls_names["sim"], tls_names["port"], tls_names["ca"]
    ini = tmp_path / "plugins.ini"
    ini.write_text(f"[creds]\nclient-id = {CLIENT_ID}\nclient-secret = {CLIENT_SECRET}\n")
    os.chmod(ini, 0o600)
    opts, env = {
        "variable": (["--client-id", CLIENT_ID], {"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}),
        "ini": ([f"--extra-opts=creds@{ini}"], {}),
        "command line": (["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET], {}),
    }[source]
    sim.reset()
    r = run("ping", ["-u", gateway(port), "--connect-to", f"127.0.0.1:{port}", "--ca-file", ca]
            + opts, env=env, timeout=30)
    assert r.rc == state, r.describe()
    if state == UNKNOWN:
        assert (f"(put it in a file for --client-secret-file, with the line origin: "
                f"https://gateway.example.test:{port})") in r.first_line, r.describe()
        assert sim.counts()["token"] == 0
    assert CLIENT_SECRET not in r.output
