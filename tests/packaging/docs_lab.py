# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs the documentation's snippets INSIDE a fresh Debian 12 chroot, as root,
for tests/packaging/test_docs.py:

    python3 docs_lab.py PLAN.json

The plan (tests/docs/docsnippets.py, made on the host) lists every document
and its fenced snippets in order; this script does what a reader does with
them and writes one JSON result. Before it runs, the chroot has apt's lists,
python3, python3-yaml and ca-certificates, and every package that a snippet
installs with apt-get sits downloaded in apt's cache (the lab has no network).

The lab (what differs from a fresh machine, and why)
- Its own network namespace with only a loopback: nothing can reach the real
  Prioticket hosts, and no port of the host's is in the way.
- /etc/hosts names distributor-api.prioticket.com 127.0.0.1 and
  staging-distributor-api.prioticket.com 127.0.0.2. On port 443 of each, a
  TCP relay hands the connection to the TLS port of a simulator
  (tests/simulator/prioticket_sim.py) that knows only that environment's
  client id and the secret the lab types, and requires a token
  (auth=required): a snippet whose credentials do not reach the plugin fails.
- The simulators' certificate (both names) is signed by a lab CA, which is in
  the system trust store (update-ca-certificates), as a corporate CA would be.
- No systemd: /usr/local/sbin/systemctl runs the unit's init script, as
  `service` does; policy-rc.d keeps apt-get from starting daemons (a daemon
  started inside dpkg holds debconf's pipe open).
- Where the package does not ship /usr/share/check_prioticket/prioticket-sim,
  the tree's simulator stands in at that path (the result says so).
- What a reader types at `read -s` comes from the lab: the secret, once per
  line.

The run
1. The README, followed as a newcomer follows it, from a machine without the
   package: every snippet in order in one shell session; configuration
   snippets written to the files they name. Then the engines' own state must
   show every prioticket service OK: Icinga 2's state file, Nagios's
   status.dat.
2. That end state (engines stopped, Icinga's REST API set up for the lab) is
   the starting point of every other document, restored before each one.
   Each Icinga 2 or Nagios snippet is also checked on its own: the document's
   other snippets of that engine are moved aside, the configuration is
   validated (icinga2 daemon -C, nagios4 -v, no warning), the engine starts,
   the snippet's services (and Nagios hosts) are checked at once, and each
   must be OK.
"""

import base64
import ctypes
import functools
import fcntl
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from chroot_lib import icinga_state_objects, nagios_status_blocks, sh, wait_for
from upstream import pipe  # tests/interop/upstream.py, copied beside this file

PLAN = sys.argv[1]
LAB = "/opt/lab"
RUN = LAB + "/run"
PLUGINS = "/usr/lib/nagios/plugins"
SIM_PATH = "/usr/share/check_prioticket/prioticket-sim"
ENV = {"HOME": "/root", "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash",
       "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
       "TERM": "dumb", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
# What a document may change, put back before the next one.
STATE_ROOTS = ("etc", "root", "var/lib/icinga2", "var/lib/nagios4", "var/cache/icinga2",
               "var/lib/monitoring-plugins", "var/lib/prometheus", "var/spool/cron", "srv")
ICINGA_STATE = "/var/lib/icinga2/icinga2.state"
NAGIOS_STATUS = "/var/lib/nagios4/status.dat"
NAGIOS_CMD = "/var/lib/nagios4/rw/nagios.cmd"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

plan = json.load(open(PLAN))
result = {"docs": {}, "fences": {}, "lab": {}}


def run(args, timeout=300):
    return sh(args, timeout, env=ENV)


def mask(text):
    """Output with what changes from run to run (numbers, UUIDs) made equal."""
    return re.sub(r"\d+", "0", UUID.sub("<uuid>", text))


# ------------------------------------------------------------ the network

def private_network():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
    s = socket.socket()
    flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, struct.pack("16sH", b"lo", 0)))[1]
    fcntl.ioctl(s, 0x8914, struct.pack("16sH", b"lo", flags | 1))  # IFF_UP
    s.close()


def relay(listen, target):
    """TCP relay listen -> target, in daemon threads of this process."""
    server = socket.create_server(listen)

    def serve():
        while True:
            conn, _ = server.accept()
            try:
                up = socket.create_connection(target, timeout=10)
                up.settimeout(None)
            except OSError:
                conn.close()
                continue
            for a, b in ((conn, up), (up, conn)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()


def start_simulator(name, host, client_id):
    ready = "%s/sim-%s.json" % (RUN, name)
    cert = plan["cert_dir"]
    log = open("%s/sim-%s.log" % (RUN, name), "w")
    proc = subprocess.Popen(
        ["python3", plan["sim_dir"] + "/prioticket_sim.py", "--host", host, "--port", "0",
         "--tls", "lab:%s/lab.pem:%s/lab.key" % (cert, cert), "--ready-file", ready,
         "--client-id", client_id, "--client-secret", plan["secret"],
         "--default-scenario", "auth=required"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    info = wait_for("the %s simulator" % name,
                    lambda: os.path.exists(ready) and json.load(open(ready)), 30)
    relay((host, 443), (host, info["tls"]["lab"]))
    return {"pid": proc.pid, "http": info["http"], "host": host}


def set_up_lab():
    os.makedirs(RUN, exist_ok=True)
    private_network()
    with open("/etc/hosts", "a") as f:
        f.write("\n# the documentation lab: the API's hosts are simulators\n"
                "127.0.0.1 distributor-api.prioticket.com\n"
                "127.0.0.2 staging-distributor-api.prioticket.com\n")
    shutil.copy(plan["cert_dir"] + "/ca.pem",
                "/usr/local/share/ca-certificates/prioticket-lab.crt")
    res = run(["update-ca-certificates"])
    assert res.returncode == 0, res.stderr
    sims = {env: start_simulator(env, host, plan["client_ids"][env])
            for env, host in (("production", "127.0.0.1"), ("staging", "127.0.0.2"))}
    with open("/usr/local/sbin/systemctl", "w") as f:
        f.write("""#!/bin/sh
# The documentation lab has no systemd: run the unit's init script, as
# `service` does, and note when a daemon was (re)started.
action=$1
unit=${2%.service}
case $action in
start|restart|reload|force-reload)
    date +%s >"/opt/lab/run/started-$unit" ;;
esac
exec /etc/init.d/"$unit" "$action"
""")
    os.chmod("/usr/local/sbin/systemctl", 0o755)
    if plan["standin_sim"]:
        os.makedirs(os.path.dirname(SIM_PATH), exist_ok=True)
        shutil.copy(plan["sim_dir"] + "/prioticket_sim.py", SIM_PATH)
        os.chmod(SIM_PATH, 0o755)
    with open(RUN + "/secret-input", "w") as f:
        f.write((plan["secret"] + "\n") * 8)
    interfaces = [l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:]]
    result["lab"] = {"standin_sim": plan["standin_sim"], "sims": sims, "interfaces": interfaces}
    return sims


def sim_counts(sims):
    out = {}
    for env, sim in sims.items():
        url = "http://%s:%d/_sim/counts" % (sim["host"], sim["http"])
        with urllib.request.urlopen(url, timeout=5) as resp:
            out[env] = json.loads(resp.read().decode())
    return out


# ------------------------------------------------------------ the shell

class Session:
    """One bash that runs a document's sh blocks in order, as a terminal would:
    variables, the working directory and background jobs carry over."""

    def __init__(self, name):
        self.dir = "%s/%s" % (RUN, name)
        os.makedirs(self.dir, exist_ok=True)
        read_end, self.pipe = os.pipe()
        log = open(self.dir + "/session.log", "w")
        self.proc = subprocess.Popen(["/bin/bash", "--noprofile", "--norc", "/dev/fd/%d" % read_end],
                                     pass_fds=(read_end,), stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, cwd="/root", env=ENV,
                                     start_new_session=True)
        os.close(read_end)
        self.outputs = []

    def run(self, n, body, expect, wait=None, timeout=900):
        if wait:
            if wait.startswith("/"):
                wait_for("%s to exist" % wait, lambda: os.path.exists(wait), 60)
            else:
                host, port = wait.rsplit(":", 1)
                wait_for("%s to accept" % wait,
                         lambda: socket.create_connection((host, int(port)), 1).close() or True, 60)
        script = "%s/%d.sh" % (self.dir, n)
        with open(script, "w") as f:
            f.write(body)
        stdin = RUN + "/secret-input" if re.search(r"\bread\b", body) else "/dev/null"
        out, err, rcfile = ["%s/%d.%s" % (self.dir, n, s) for s in ("out", "err", "rc")]
        strict = "set -e -o pipefail" if expect == 0 else "set +e"
        os.write(self.pipe, ("%s\nsource %s <%s >%s 2>%s\necho $? >%s\nset +e\n"
                             % (strict, script, stdin, out, err, rcfile)).encode())
        try:
            wait_for("block %d" % n, lambda: os.path.exists(rcfile) and open(rcfile).read().strip()
                     or self.proc.poll() is not None, timeout)
        except TimeoutError:
            return {"rc": None, "error": "no end within %s s" % timeout,
                    "stdout": self._read(out), "stderr": self._read(err)}
        if os.path.exists(rcfile) and open(rcfile).read().strip():
            rc = int(open(rcfile).read())
        else:
            rc = self.proc.returncode  # set -e ended the session
        stdout = self._read(out)
        self.outputs.append(stdout)
        return {"rc": rc, "stdout": stdout[-6000:], "stderr": self._read(err)[-3000:],
                "alive": self.proc.poll() is None}

    @staticmethod
    def _read(path):
        try:
            return open(path, errors="replace").read()
        except OSError:
            return ""

    def close(self):
        try:
            os.close(self.pipe)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            time.sleep(0.5)


# ------------------------------------------------------------ files

def write_config(path, body):
    """As an editor saves: the directory must exist, an existing file keeps
    its owner and mode, a new one gets root's umask (0644)."""
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        raise AssertionError("%s does not exist: no step of the document creates it" % parent)
    existed = os.path.exists(path)
    with open(path, "w") as f:
        f.write(body)
    if not existed:
        os.chmod(path, 0o644)


def ini_sections(text):
    sections, name = {}, None
    for line in text.splitlines(keepends=True):
        m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if m:
            name = m.group(1)
            sections[name] = line
        elif name is not None:
            sections[name] += line
    return sections


def merge_ini(path, body):
    """An ini snippet adds or replaces its sections in the file it names."""
    if not os.path.exists(path):
        write_config(path, body)
        return list(ini_sections(body))
    text = open(path).read()
    for name, block in ini_sections(body).items():
        old = ini_sections(text).get(name)
        if old is not None:
            text = text.replace(old, block if block.endswith("\n") else block + "\n")
        else:
            text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(text)
    return list(ini_sections(body))


class Hidden:
    """Moves files aside (a name the engines do not read) and back."""

    def __init__(self, paths):
        self.paths = [p for p in paths if os.path.exists(p)]

    def __enter__(self):
        for p in self.paths:
            os.rename(p, p + ".lab-hidden")

    def __exit__(self, *exc):
        for p in self.paths:
            os.rename(p + ".lab-hidden", p)


# ------------------------------------------------------------ state of the machine

def snapshot():
    """The files below STATE_ROOTS, listed and archived (GNU tar keeps owners,
    modes, links and FIFOs; sockets are left out, the daemons make them)."""
    files = set()
    for root in STATE_ROOTS:
        for top, dirs, names in os.walk("/" + root):
            for n in dirs + names:
                files.add(os.path.join(top, n))
    roots = [r for r in STATE_ROOTS if os.path.lexists("/" + r)]
    res = run(["tar", "-C", "/", "--numeric-owner", "-cpf", "/var/tmp/lab-state.tar"] + roots)
    assert res.returncode in (0, 1), res.stderr
    return files


def restore(files):
    """Back to the snapshot: what came since goes, the rest is unpacked."""
    for root in STATE_ROOTS:
        for top, dirs, names in os.walk("/" + root, topdown=False):
            for n in names + dirs:
                p = os.path.join(top, n)
                if p in files:
                    continue
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    os.unlink(p)
    res = run(["tar", "-C", "/", "--numeric-owner", "-xpf", "/var/tmp/lab-state.tar"])
    assert res.returncode == 0, res.stderr


def plugin_running():
    """Whether a plugin of the package runs (this chroot shares the host's
    /proc: a process counts by its executable, not its name)."""
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.readlink("/proc/%s/exe" % pid).startswith(PLUGINS + "/check_prioticket_"):
                    return True
            except OSError:
                pass
    return False


# ------------------------------------------------------------ Icinga 2

@functools.lru_cache(maxsize=None)
def icinga_validate_argv():
    """Validation that also writes the object cache `icinga2 object list`
    reads: Icinga 2.13 always writes it, 2.14 (Debian 13) only when asked
    with --dump-objects, an option 2.13 does not know."""
    res = run(["icinga2", "daemon", "--help"])
    dump = ["--dump-objects"] if "--dump-objects" in res.stdout + res.stderr else []
    return ["icinga2", "daemon", "-C"] + dump


def icinga_objects():
    """`icinga2 object list`: [{name, type, file, attrs}] of the last
    icinga_validate()."""
    res = run(["icinga2", "object", "list"])
    objects, cur = [], None
    for line in res.stdout.splitlines():
        m = re.match(r"^Object '(.*)' of type '(\w+)':$", line)
        if m:
            cur = {"name": m.group(1), "type": m.group(2), "file": None, "attrs": {}}
            objects.append(cur)
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+% declared in '([^']+)'", line)
        if m and cur["file"] is None:
            cur["file"] = m.group(1)
        m = re.match(r'^\s+\* (\w+) = "(.*)"$', line)
        if m:
            cur["attrs"][m.group(1)] = m.group(2)
    return objects


def prioticket_services(objects, path=None):
    """The services running a prioticket command; with path, those the file
    declares or whose host it declares."""
    hosts = {o["name"] for o in objects if o["type"] == "Host" and o["file"] == path}
    out = []
    for o in objects:
        if o["type"] != "Service" or not o["attrs"].get("check_command", "").startswith("prioticket-"):
            continue
        host = o["name"].split("!", 1)[0]
        if path is None or o["file"] == path or host in hosts:
            out.append(o["name"])
    return sorted(out)


def icinga_warnings(out):
    """The warning and critical messages, without their time stamps."""
    return [re.sub(r"^\[[^]]*\] ", "", l) for l in out.splitlines()
            if "warning/" in l or "critical/" in l]


# What Icinga warns about where the other documents start (set in main):
# the README's end state plus `icinga2 api setup`, of which Icinga 2.14 warns
# (its API users may send filter expressions). A snippet is held to warning
# about nothing beyond these; test_docs holds these to the API's notice.
STOCK_WARNINGS = set()


def icinga_validate():
    res = run(icinga_validate_argv())
    out = res.stdout + res.stderr
    warnings = [w for w in icinga_warnings(out) if w not in STOCK_WARNINGS]
    return {"rc": res.returncode, "warnings": warnings, "out": out[-3000:]}


def icinga_state_results(services):
    """last_check_result of each service from the state file Icinga writes
    when it stops."""
    found = {}
    for obj in icinga_state_objects(ICINGA_STATE):
        if obj.get("type") == "Service" and obj.get("name") in services:
            cr = obj.get("update", {}).get("last_check_result") or {}
            found[obj["name"]] = {"state": cr.get("state"), "output": cr.get("output"),
                                  "command": cr.get("command")}
    return found


def api_password():
    text = open("/etc/icinga2/conf.d/api-users.conf").read()
    return re.search(r'password = "([^"]+)"', text).group(1)


def icinga_api(method, path, body=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    req = urllib.request.Request("https://127.0.0.1:5665" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Accept", "application/json")
    req.add_header("Authorization", "Basic " + base64.b64encode(
        ("root:" + api_password()).encode()).decode())
    with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
        return json.loads(resp.read().decode())


def icinga_check_isolated(path):
    """The snippet's services, validated and checked at once through the API."""
    run(["/etc/init.d/icinga2", "stop"], timeout=120)
    out = {"validate": icinga_validate()}
    if out["validate"]["rc"] != 0:
        return out
    services = prioticket_services(icinga_objects(), path)
    out["services"] = services
    if not services:
        return out
    res = run(["/etc/init.d/icinga2", "start"], timeout=120)
    out["start"] = res.returncode
    try:
        wait_for("Icinga's API", lambda: icinga_api("GET", "/v1/status/IcingaApplication"), 90)
        t0 = time.time()
        for svc in services:
            host, name = svc.split("!", 1)
            icinga_api("POST", "/v1/actions/reschedule-check", {
                "type": "Service", "force": True,
                "filter": 'host.name=="%s" && service.name=="%s"' % (host, name)})

        def fresh():
            got = {}
            for svc in services:
                res = icinga_api("GET", "/v1/objects/services/%s?attrs=last_check_result"
                                 % urllib.parse.quote(svc, safe=""))
                cr = res["results"][0]["attrs"]["last_check_result"]
                if not cr or cr.get("execution_end", 0) < t0 - 1:
                    return None
                got[svc] = {"state": cr["state"], "output": cr["output"], "command": cr["command"]}
            return got
        out["results"] = wait_for("fresh results of %s" % services, fresh, 90, 0.5)
    except (TimeoutError, OSError, KeyError) as exc:
        out["error"] = str(exc)
    finally:
        run(["/etc/init.d/icinga2", "stop"], timeout=120)
    return out


# ------------------------------------------------------------ Nagios 4

def nagios_defined(body):
    hosts, services = [], []
    for kind, block in re.findall(r"define\s+(host|service)\s*\{(.*?)\}", body, re.S):
        attrs = dict(re.findall(r"^\s*(\w+)\s+(.*?)\s*$", block, re.M))
        if kind == "host" and attrs.get("register") != "0" and "host_name" in attrs:
            hosts.append(attrs["host_name"])
        if kind == "service":
            services.append((attrs["host_name"], attrs["service_description"]))
    return hosts, services


def nagios_results(hosts, services, since):
    def fresh():
        got = {}
        for kind, attrs in nagios_status_blocks(NAGIOS_STATUS):
            if kind == "hoststatus" and attrs.get("host_name") in hosts:
                key = attrs["host_name"]
            elif kind == "servicestatus" and (attrs.get("host_name"),
                                              attrs.get("service_description")) in services:
                key = "%s!%s" % (attrs["host_name"], attrs["service_description"])
            else:
                continue
            if attrs.get("has_been_checked") == "1" and int(attrs.get("last_check", 0)) >= since:
                got[key] = {"state": int(attrs["current_state"]),
                            "output": attrs.get("plugin_output")}
        return got if len(got) == len(hosts) + len(services) else None
    return wait_for("Nagios results of %s %s" % (hosts, services), fresh, 120, 1)


def nagios_verify():
    res = run(["nagios4", "-v", "/etc/nagios4/nagios.cfg"])
    out = res.stdout + res.stderr
    m = re.search(r"Total Warnings:\s*(\d+)", out)
    return {"rc": res.returncode, "warnings": int(m.group(1)) if m else None, "out": out[-3000:]}


def nagios_check_isolated(body):
    run(["/etc/init.d/nagios4", "stop"], timeout=120)
    out = {"verify": nagios_verify()}
    hosts, services = nagios_defined(body)
    out["hosts"], out["services"] = hosts, ["%s!%s" % s for s in services]
    if out["verify"]["rc"] != 0 or not (hosts or services):
        return out
    out["start"] = run(["/etc/init.d/nagios4", "start"], timeout=120).returncode
    try:
        wait_for("Nagios's command pipe", lambda: os.path.exists(NAGIOS_CMD), 60)
        since = int(time.time())
        lines = ["[%d] SCHEDULE_FORCED_HOST_CHECK;%s;%d\n" % (since, h, since) for h in hosts]
        lines += ["[%d] SCHEDULE_FORCED_SVC_CHECK;%s;%s;%d\n" % (since, h, s, since)
                  for h, s in services]
        fd = os.open(NAGIOS_CMD, os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, "".join(lines).encode())
        os.close(fd)
        out["results"] = nagios_results(hosts, services, since)
    except (TimeoutError, OSError) as exc:
        out["error"] = str(exc)
    finally:
        run(["/etc/init.d/nagios4", "stop"], timeout=120)
    return out


# ------------------------------------------------------------ the other runners

def as_user(user, command, env=None):
    pw = pwd.getpwnam(user)
    base = {"HOME": pw.pw_dir, "LOGNAME": user, "USER": user, "SHELL": "/bin/sh",
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    base.update(env or {})
    return run(["runuser", "-u", user, "--", "/usr/bin/env", "-i"]
              + ["%s=%s" % kv for kv in base.items()] + ["/bin/sh", "-c", command], timeout=60)


def check_ini(path, sections):
    out = {}
    for name in sections:
        res = as_user("nagios", "%s/check_prioticket_ping --extra-opts=%s@%s" % (PLUGINS, name, path))
        out[name] = {"rc": res.returncode, "stdout": res.stdout[-2000:], "stderr": res.stderr[-500:]}
    return out


def check_cron(body):
    out = []
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or re.match(r"^\w+=", line):
            continue
        fields = line.split(None, 6)
        user, command = fields[5], fields[6]
        res = as_user(user, command)
        out.append({"user": user, "rc": res.returncode, "stderr": res.stderr[-1000:]})
    return out


def check_sensu(body):
    import yaml
    if not os.path.exists("/var/lib/sensu"):
        run(["useradd", "--system", "--home-dir", "/var/lib/sensu", "--create-home", "sensu"])
    out = []
    for doc in yaml.safe_load_all(body):
        if not doc or doc.get("type") != "CheckConfig":
            continue
        spec = doc["spec"]
        env = {v.split("=", 1)[0]: v.split("=", 1)[1] for v in spec.get("env_vars") or []}
        for s in spec.get("secrets") or []:
            environment = "staging" if "staging" in s["secret"] else "production"
            if s["name"] == "PRIOTICKET_CLIENT_ID":
                env[s["name"]] = plan["client_ids"][environment]
            elif s["name"] == "PRIOTICKET_CLIENT_SECRET":
                env[s["name"]] = plan["secret"]
        entry = {"name": doc["metadata"]["name"], "assets": spec.get("runtime_assets") or []}
        if not entry["assets"]:
            res = as_user("sensu", spec["command"], env)
            whole = res.stdout
            entry.update(rc=res.returncode, stdout=whole[-2000:],
                         pipes=whole.count("|"),
                         metrics_ok=all(re.fullmatch(r"[A-Za-z_]+=[-0-9.]+[A-Za-z%]*(;[^; ]*){0,4}", m)
                                        for m in whole.split("|", 1)[-1].split("\n", 1)[0]
                                        .strip().split(" ")))
        out.append(entry)
    return out


def compare_output(expected, actual):
    want = [mask(l) for l in expected.rstrip("\n").splitlines()]
    got = [mask(l) for l in actual.rstrip("\n").splitlines()]
    if want == got:
        return None
    diff = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
    return {"lines": (len(want), len(got)), "first_differences": diff[:5],
            "actual": actual[-3000:]}


def json_shape(value):
    if isinstance(value, dict):
        return {k: json_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_shape(v) for v in value]
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, bool) or value is None:
        return value
    return "<number>"


# ------------------------------------------------------------ a document

def run_document(doc, walkthrough):
    name = re.sub(r"[^A-Za-z0-9]+", "_", doc["doc"])
    session = Session(name)
    written = {"icinga2": [], "nagios": []}
    started = time.monotonic()
    last_out = None
    try:
        for n, f in enumerate(doc["fences"]):
            r = {"runner": f["runner"]}
            result["fences"][f["where"]] = r
            try:
                if f["runner"] is None:
                    r["ok"] = True
                    r["norun"] = f["marker"]["norun"]
                elif f["runner"] == "shell":
                    expect = int(f["marker"].get("exit", 0))
                    run = session.run(n, f["body"], expect, f["marker"].get("wait"))
                    r.update(run)
                    r["expect"] = expect
                    r["ok"] = run["rc"] == expect
                    last_out = run.get("stdout", "")
                    if not run.get("alive", True):
                        r["ok"] = False
                        r["error"] = "the session ended (set -e): the steps after it cannot run"
                elif f["runner"] in ("output", "output-json"):
                    if f["runner"] == "output":
                        r["diff"] = compare_output(f["body"], last_out or "")
                        r["ok"] = r["diff"] is None
                    else:
                        want = json_shape(json.loads(f["body"]))
                        got = json_shape(json.loads(last_out or "null"))
                        r["ok"] = want == got
                        if not r["ok"]:
                            r["actual"] = (last_out or "")[-3000:]
                elif f["runner"] == "ini":
                    sections = merge_ini(f["path"], f["body"])
                    r["sections"] = check_ini(f["path"], sections)
                    r["ok"] = all(v["rc"] == 0 and v["stdout"].startswith("PRIOTICKET PING OK")
                                  for v in r["sections"].values())
                elif f["runner"] == "cron":
                    write_config(f["path"], f["body"])
                    r["entries"] = check_cron(f["body"])
                    r["ok"] = bool(r["entries"]) and all(e["rc"] == 0 for e in r["entries"])
                elif f["runner"] == "sensu":
                    r["checks"] = check_sensu(f["body"])
                    r["ok"] = bool(r["checks"]) and all(
                        not c["assets"] and c["rc"] == 0 and c["stdout"].startswith("PRIOTICKET")
                        and c["pipes"] == 1 and c["metrics_ok"] for c in r["checks"])
                elif f["runner"] in ("icinga2", "nagios"):
                    write_config(f["path"], f["body"])
                    others = [p for p in written[f["runner"]] if p != f["path"]]
                    written[f["runner"]].append(f["path"])
                    if walkthrough:
                        r["ok"] = True
                        r["checked_by"] = "the walkthrough's engine state"
                        continue
                    with Hidden(others):
                        if f["runner"] == "icinga2":
                            r["check"] = icinga_check_isolated(f["path"])
                            v = r["check"]["validate"]
                            results = r["check"].get("results") or {}
                            r["ok"] = (v["rc"] == 0 and not v["warnings"]
                                       and bool(r["check"].get("services"))
                                       and set(results) == set(r["check"]["services"])
                                       and all(x["state"] == 0 and x["output"].startswith("PRIOTICKET")
                                               for x in results.values()))
                        else:
                            r["check"] = nagios_check_isolated(f["body"])
                            v = r["check"]["verify"]
                            results = r["check"].get("results") or {}
                            want = set(r["check"]["hosts"]) | set(r["check"]["services"])
                            r["ok"] = (v["rc"] == 0 and v["warnings"] == 0 and bool(want)
                                       and set(results) == want
                                       and all(x["state"] == 0 for x in results.values())
                                       and all(x["output"].startswith("PRIOTICKET")
                                               for k, x in results.items() if "!" in k))
            except Exception as exc:  # noqa: BLE001 - one snippet's failure is its result
                r["ok"] = False
                r["error"] = "%s: %s" % (type(exc).__name__, exc)
    finally:
        session.close()
    result["docs"][doc["doc"]] = {"seconds": round(time.monotonic() - started, 1)}


def verify_walkthrough(doc):
    """After the README: what the engines themselves say."""
    out = {}
    icinga_fences = [f for f in doc["fences"] if f["runner"] == "icinga2"]
    nagios_fences = [f for f in doc["fences"] if f["runner"] == "nagios"]
    if nagios_fences:
        hosts, services = nagios_defined(nagios_fences[0]["body"])
        try:
            out["nagios"] = nagios_results([], services, 0)
        except TimeoutError as exc:
            out["nagios"] = {"error": str(exc)}
        run(["/etc/init.d/nagios4", "stop"], timeout=120)
    if icinga_fences:
        icinga_validate()  # writes the object cache (2.14: only when asked)
        services = prioticket_services(icinga_objects())
        out["icinga_services"] = services
        # Icinga 2 checks a new service within min(check_interval, 60 s) of
        # its start (Checkable::Start); wait that out, and for running checks.
        stamp = RUN + "/started-icinga2"
        since = int(open(stamp).read()) if os.path.exists(stamp) else 0
        out["icinga_started"] = since
        try:
            wait_for("Icinga's first checks", lambda: time.time() > since + 62
                     and not plugin_running(), 150, 1)
        except TimeoutError as exc:
            out["icinga_wait"] = str(exc)
        run(["/etc/init.d/icinga2", "stop"], timeout=120)
        out["icinga"] = icinga_state_results(services)
    return out


def main():
    start = time.monotonic()
    sims = set_up_lab()
    docs = plan["docs"]
    readme, others = docs[0], docs[1:]
    run_document(readme, walkthrough=True)
    result["walkthrough"] = verify_walkthrough(readme)
    # The starting point of the other documents: the README's end state,
    # with Icinga's REST API, through which the lab forces and reads checks.
    res = run(["icinga2", "api", "setup"])
    result["lab"]["api_setup"] = res.returncode
    STOCK_WARNINGS.update(icinga_validate()["warnings"])
    result["lab"]["icinga_stock_warnings"] = sorted(STOCK_WARNINGS)
    for unit in ("icinga2", "nagios4"):
        run(["/etc/init.d/" + unit, "stop"], timeout=120)
    state = snapshot()
    dirty = False
    for doc in others:
        if all(f["runner"] is None for f in doc["fences"]):
            run_document(doc, walkthrough=False)  # records the norun snippets
            continue
        if dirty:
            restore(state)
        run_document(doc, walkthrough=False)
        dirty = True
        for unit in ("icinga2", "nagios4"):
            run(["/etc/init.d/" + unit, "stop"], timeout=120)
    result["lab"]["sim_counts"] = sim_counts(sims)
    result["lab"]["seconds"] = round(time.monotonic() - start, 1)


try:
    main()
except Exception as exc:  # noqa: BLE001 - reported to the test
    result["fatal"] = "%s: %s" % (type(exc).__name__, exc)
finally:
    print("@@@ result\n" + json.dumps(result), flush=True)
