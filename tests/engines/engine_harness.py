# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness for the engine tests: real Icinga 2 / Nagios 4 daemons run the
real plugins against the local Prioticket simulator. (A plainly named
module rather than conftest.py, so that test modules can import it without
clashing with other conftest.py files of the suite.)

Every daemon runs as the current user (root in CI) in a private temporary
directory, on free loopback ports, and is always stopped by a fixture
finalizer. Every wait is a bounded polling loop.

Environment:
  PRIOTICKET_PLUGIN_DIR  where check_prioticket_ping/_status are
                         (default: $PT_BUILDDIR/plugins when PT_BUILDDIR is
                         set, else <repo>/plugins, the in-tree build)
  PRIOTICKET_SIM_DIR     where simctl.py is (default: <repo>/tests/simulator)
"""

import base64
import functools
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRIB = REPO_ROOT / "contrib"
SIM_DIR = Path(os.environ.get("PRIOTICKET_SIM_DIR",
                            str(REPO_ROOT / "tests" / "simulator")))
sys.path.insert(0, str(SIM_DIR))
import certs  # noqa: E402 - the simulator's certificate maker
sys.path.insert(0, str(REPO_ROOT / "tests" / "packaging"))
from chroot_lib import nagios_status_blocks  # noqa: E402 - one status.dat reader
from ports import free_port  # noqa: E402 - tests/ports.py
PLUGIN_DIR = Path(os.environ.get(
    "PRIOTICKET_PLUGIN_DIR",
    str(Path(os.environ.get("PT_BUILDDIR", str(REPO_ROOT))) / "plugins"))
).resolve()
PLUGINS = ("check_prioticket_ping", "check_prioticket_status")

ICINGA2 = shutil.which("icinga2") or "/usr/sbin/icinga2"
NAGIOS4 = "/usr/sbin/nagios4"

# The perfdata labels doc/output.md's table documents (less cert_days, which
# needs --certificate, and no engine test passes it); anything else is a
# surprise.
DOCUMENTED_LABELS = {
    "time", "time_resolve", "time_connect", "time_tls", "time_processing",
    "time_transfer", "time_auth", "size",
}
LABEL_RE = re.compile(r"^[a-z_]+$")


# ---------------------------------------------------------------- helpers

def skip_without(binary, package):
    """Skip (with a printed reason) when an engine is not installed."""
    if os.path.isfile(binary) and os.access(binary, os.X_OK):
        return
    reason = ("%s not found: install the Debian package %s "
              "(tools/setup-debian --test, run by .ci/run, does)"
              % (binary, package))
    print("SKIP: " + reason, file=sys.stderr)
    pytest.skip(reason)


def wait_for(what, predicate, timeout, interval=0.1):
    """Poll predicate() until it returns something truthy; fail after
    timeout seconds. Returns the truthy value."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - reported below
            last_exc = exc
        if time.monotonic() >= deadline:
            msg = "timed out after %.1fs waiting for %s" % (timeout, what)
            if last_exc is not None:
                msg += " (last error: %r)" % (last_exc,)
            raise AssertionError(msg)
        time.sleep(interval)


def split_plugin_output(text):
    """(first line text, perfdata string of line 1, long output lines)."""
    lines = text.rstrip("\n").split("\n")
    first = lines[0]
    if "|" in first:
        summary, perf = first.split("|", 1)
    else:
        summary, perf = first, ""
    return summary, perf.strip(), lines[1:]


def parse_perf_items(perf):
    """Perfdata string -> {label: [value, warn, crit, min, max]} (strings).
    Our plugins use unquoted labels, so a simple split is exact."""
    items = {}
    for item in perf.split():
        label, _, rest = item.partition("=")
        fields = rest.split(";")
        items[label] = fields + [""] * (5 - len(fields))
    return items


def leading_number(text):
    m = re.match(r"^-?[0-9]+(\.[0-9]+)?", text)
    return float(m.group(0)) if m else None


def run_plugin(name, args, env=None, timeout=30):
    """Run a plugin directly; returns CompletedProcess (text)."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([str(PLUGIN_DIR / name)] + list(args),
                          capture_output=True, text=True, env=e,
                          timeout=timeout, check=False)


def stop_process(proc, sig=signal.SIGTERM, timeout=15):
    """Stop a daemon the way systemd's KillMode=mixed does: sig (SIGTERM, or
    the daemon's own "stop now") to the main process only (Icinga 2's
    umbrella process forwards it to its worker; signalling the whole group
    at once can leave Icinga hanging), then SIGKILL whatever is left in the
    process group. Bounded."""
    if proc is None:
        return
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    # Leftovers (plugin processes, Icinga's helpers) share the group.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait(timeout=5)


def tail(path, n=60):
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError as exc:
        return "(cannot read %s: %s)" % (path, exc)


def private_env(root):
    """Environment for a daemon (and so its plugins): the token cache and
    any HOME-relative state land in the test's private directory."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PRIOTICKET_", "MP_"))}
    env.update({
        "HOME": str(root / "home"),
        "XDG_CACHE_HOME": str(root / "home" / ".cache"),
        "MP_STATE_PATH": str(root / "state"),
        "LC_ALL": "C",
    })
    (root / "home").mkdir(parents=True, exist_ok=True)
    (root / "state").mkdir(parents=True, exist_ok=True)
    return env


# ---------------------------------------------------------------- Icinga 2

class IcingaPKI:
    """One CA and node certificates signed by it, shared by every Icinga 2
    node in the session: the layout `icinga2 pki` makes (ca.crt, NODE.crt,
    NODE.key; the certificate's CN is the NodeName), made with the openssl
    CLI like the simulator's certificates. Not with `icinga2 pki`: its
    certificates carry no Authority Key Identifier (nor the CA a Subject Key
    Identifier), which RFC 5280 asks for and which Python 3.13's default
    context (VERIFY_X509_STRICT) requires of the API the tests call."""

    def __init__(self, root):
        self.root = Path(root)
        self.work = self.root / "ca"
        self.work.mkdir(parents=True)
        certs.prepare_workdir(self.work)
        certs.make_ca(self.work)
        self.ca_crt = self.work / "ca.pem"
        self.certs = {}

    def cert(self, cn):
        if cn not in self.certs:
            # A node is the server of its API and the client of its parent.
            certs.make_ca_signed(self.work, cn, "DNS:" + cn, -certs.DAY, 400 * certs.DAY,
                                 eku="serverAuth, clientAuth")
            self.certs[cn] = (self.work / (cn + ".key"), self.work / (cn + ".pem"))
        return self.certs[cn]

    def install(self, cn, data_dir):
        key, crt = self.cert(cn)
        certs_dir = Path(data_dir) / "certs"
        certs_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(str(key), str(certs_dir / (cn + ".key")))
        shutil.copy(str(crt), str(certs_dir / (cn + ".crt")))
        shutil.copy(str(self.ca_crt), str(certs_dir / "ca.crt"))
        os.chmod(str(certs_dir / (cn + ".key")), 0o600)


def icinga_env(root):
    env = private_env(Path(root))
    if os.geteuid() == 0:
        # Without these Icinga 2 drops privileges to the nagios user.
        env["ICINGA2_USER"] = "root"
        env["ICINGA2_GROUP"] = "root"
    else:
        import grp
        import pwd
        env["ICINGA2_USER"] = pwd.getpwuid(os.geteuid()).pw_name
        env["ICINGA2_GROUP"] = grp.getgrgid(os.getegid()).gr_name
    return env


ICINGA_DIRS = ("data", "log", "cache", "spool", "run", "zones.d", "etc")


def icinga_defines(r):
    """Icinga 2's directories below r (ICINGA_DIRS)."""
    return [
        "-DConfiguration.DataDir=%s" % (r / "data"),
        "-DConfiguration.LogDir=%s" % (r / "log"),
        "-DConfiguration.CacheDir=%s" % (r / "cache"),
        "-DConfiguration.SpoolDir=%s" % (r / "spool"),
        "-DConfiguration.InitRunDir=%s" % (r / "run"),
        "-DConfiguration.PidPath=%s" % (r / "run" / "icinga2.pid"),
        "-DConfiguration.ZonesDir=%s" % (r / "zones.d"),
    ]


FILTER_PERMISSION = "enforce_filter_expression_permission"


@functools.lru_cache(maxsize=None)
def icinga_has_filter_permission():
    """Whether this Icinga 2 has ApiListener's FILTER_PERMISSION (from 2.14.9,
    2.15.4 and 2.16.2, and in Debian 13's 2.14.6-1+deb13u1; not in Debian
    12's 2.13.6). Where it has it, leaving it unset makes every start and
    validation print a security notice at warning level (which names the
    attribute). Validation says "Attribute '...' does not exist" of one
    Icinga lacks; anything else (here: the probe has no certificate) means
    that Icinga knows it."""
    with tempfile.TemporaryDirectory(prefix="icinga2-probe-") as tmp:
        root = Path(tmp)
        for d in ICINGA_DIRS:
            (root / d).mkdir()
        conf = root / "etc" / "probe.conf"
        conf.write_text('object ApiListener "api" {\n  %s = true\n}\n' % FILTER_PERMISSION)
        res = subprocess.run([ICINGA2, "daemon", "-C", "-c", str(conf)] + icinga_defines(root),
                             capture_output=True, text=True, env=icinga_env(root),
                             timeout=120, check=False)
        return "Attribute '%s' does not exist" % FILTER_PERMISSION not in res.stdout + res.stderr


class Icinga2Node:
    """One Icinga 2 daemon in a private directory with its own REST API."""

    API_USER = "root"

    def __init__(self, root, name, pki):
        self.root = Path(root)
        self.name = name
        self.pki = pki
        self.port = free_port()
        self.password = base64.b16encode(os.urandom(12)).decode().lower()
        for d in ICINGA_DIRS:
            (self.root / d).mkdir(parents=True, exist_ok=True)
        self.conf = self.root / "etc" / "icinga2.conf"
        self.log = self.root / "log" / "icinga2.log"
        self.stdout = self.root / "log" / "stdout.log"
        self.env = icinga_env(self.root)
        self.proc = None
        pki.install(name, self.root / "data")
        ctx = ssl.create_default_context(cafile=str(pki.ca_crt))
        ctx.check_hostname = False  # the certificate's CN is the node name
        self.ssl = ctx

    def defines(self):
        return icinga_defines(self.root)

    def base_config(self, zone=None):
        """Node identity, logging, the REST API and an API user. Where Icinga
        has it, the API enforces the filter-expression permission, as
        Icinga recommends (and makes the default in 2.17); the user's "*"
        grants it."""
        enforce = ""
        if icinga_has_filter_permission():
            enforce = "\n  %s = true" % FILTER_PERMISSION
        return """\
const NodeName = "{name}"
const ZoneName = "{zone}"

object FileLogger "main-log" {{
  path = "{log}"
  severity = "notice"
}}

object ApiListener "api" {{
  bind_host = "127.0.0.1"
  bind_port = "{port}"
  accept_commands = true
  accept_config = false{enforce}
}}

object ApiUser "{user}" {{
  password = "{password}"
  permissions = [ "*" ]
}}
""".format(name=self.name, zone=zone or self.name, log=self.log,
           port=self.port, enforce=enforce, user=self.API_USER, password=self.password)

    def write_config(self, text):
        self.conf.write_text(text)

    def validate(self):
        return subprocess.run([ICINGA2, "daemon", "-C", "-c", str(self.conf)]
                              + self.defines(), capture_output=True,
                              text=True, env=self.env, timeout=120,
                              check=False)

    def start(self, timeout=60):
        out = open(str(self.stdout), "wb")
        try:
            self.proc = subprocess.Popen(
                [ICINGA2, "daemon", "-c", str(self.conf)] + self.defines(),
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, start_new_session=True)
        finally:
            out.close()

        def api_up():
            if self.proc.poll() is not None:
                raise AssertionError("icinga2 %s exited with %s:\n%s"
                                     % (self.name, self.proc.returncode,
                                        tail(self.stdout)))
            return self.request("GET", "/v1/status/IcingaApplication")
        try:
            wait_for("Icinga 2 API of %s" % self.name, api_up, timeout, 0.2)
        except AssertionError as exc:
            raise AssertionError("%s\n--- log:\n%s" % (exc, self.diagnostics()))

    def stop(self):
        stop_process(self.proc)

    def diagnostics(self):
        return "stdout:\n%s\nicinga2.log:\n%s" % (tail(self.stdout),
                                                  tail(self.log))

    def request(self, method, path, body=None, timeout=10):
        url = "https://127.0.0.1:%d%s" % (self.port, path)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        auth = base64.b64encode(("%s:%s" % (self.API_USER, self.password))
                                .encode()).decode()
        req.add_header("Authorization", "Basic " + auth)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout,
                                        context=self.ssl) as resp:
                return json.loads(resp.read().decode())
        except urllib.error.HTTPError as exc:
            raise AssertionError("Icinga API %s %s: %s %s" % (
                method, path, exc.code, exc.read().decode(errors="replace")))

    def service(self, host, service):
        name = urllib.parse.quote("%s!%s" % (host, service), safe="")
        res = self.request("GET", "/v1/objects/services/" + name)
        return res["results"][0]["attrs"]

    def force_check(self, host, service):
        self.request("POST", "/v1/actions/reschedule-check", {
            "type": "Service",
            "filter": "host.name == h && service.name == s",
            "filter_vars": {"h": host, "s": service},
            "force": True,
        })

    def fresh_result(self, host, service, since, timeout=30):
        """Wait until the service has a check result that started at or
        after `since` (epoch seconds); returns the service attrs."""
        def fresh():
            attrs = self.service(host, service)
            cr = attrs.get("last_check_result")
            if cr and cr.get("execution_start", 0) >= since:
                return attrs
            return None
        try:
            return wait_for("a check result of %s!%s" % (host, service),
                            fresh, timeout, 0.2)
        except AssertionError as exc:
            raise AssertionError("%s\n%s" % (exc, self.diagnostics()))

    def check_now(self, hosts, services):
        """Force a check of every service of every host at once, then wait
        for each one's result; {(host, service): the service's attrs}."""
        since = time.time()
        for host in hosts:
            for service in services:
                self.force_check(host, service)
        return {(host, service): self.fresh_result(host, service, since)
                for host in hosts for service in services}

    def perfdata_of(self, attrs):
        """A service's last check result performance_data, each item parsed
        by Icinga itself: (raw list, {label: PerfdataValue dict}). Fails on
        any item Icinga cannot parse."""
        raw = attrs["last_check_result"]["performance_data"] or []
        values = {}
        for item, res in zip(raw, self.parse_perfdata(raw)):
            assert res.get("code") == 200, (
                "Icinga cannot parse perfdata item %r: %r" % (item, res))
            pv = res["result"]
            assert pv.get("type") == "PerfdataValue", (item, pv)
            values[pv["label"]] = pv
        return raw, values

    def parse_perfdata(self, items):
        """Parse perfdata strings with Icinga's own parser, through the
        API's console. Returns one result dict per item: {"code": 200,
        "result": {PerfdataValue}} or an error (code 500) for an invalid
        item."""
        out = []
        for item in items:
            res = self.request("POST", "/v1/console/execute-script", {
                "command": "parse_performance_data(%s)" % json.dumps(item),
                "session": "prioticket-e2e",
            })
            out.append(res["results"][0])
        return out


def icinga_include_line():
    return 'include "%s"\n' % (CONTRIB / "icinga2" / "prioticket.conf")


# ---------------------------------------------------------------- Nagios 4

class NagiosInstance:
    """A Nagios 4 core in a private directory."""

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        for d in ("checkresults", "var", "etc", "home", "state"):
            (self.root / d).mkdir(exist_ok=True)
        self.cfg = self.root / "etc" / "nagios.cfg"
        self.status = self.root / "var" / "status.dat"
        self.cmd = self.root / "var" / "nagios.cmd"
        self.log = self.root / "var" / "nagios.log"
        self.stdout = self.root / "var" / "stdout.log"
        self.env = private_env(self.root)
        self.proc = None

    def write_main_config(self, cfg_files, resource_lines):
        user = "root" if os.geteuid() == 0 else str(os.geteuid())
        resource = self.root / "etc" / "resource.cfg"
        resource.write_text("".join(l + "\n" for l in resource_lines))
        r = self.root
        lines = [
            "log_file=%s" % self.log,
            "resource_file=%s" % resource,
            "status_file=%s" % self.status,
            "status_update_interval=1",
            "object_cache_file=%s" % (r / "var" / "objects.cache"),
            "precached_object_file=%s" % (r / "var" / "objects.precache"),
            "temp_file=%s" % (r / "var" / "nagios.tmp"),
            "temp_path=%s" % (r / "var"),
            "lock_file=%s" % (r / "var" / "nagios.lock"),
            "check_result_path=%s" % (r / "checkresults"),
            "query_socket=%s" % (r / "var" / "nagios.qh"),
            "command_file=%s" % self.cmd,
            "check_external_commands=1",
            "retain_state_information=0",
            "state_retention_file=%s" % (r / "var" / "retention.dat"),
            "nagios_user=%s" % user,
            "nagios_group=%s" % ("root" if os.geteuid() == 0
                                 else str(os.getegid())),
            "enable_notifications=0",
            "execute_service_checks=1",
            "accept_passive_service_checks=1",
            "enable_event_handlers=0",
            "process_performance_data=0",
            "service_inter_check_delay_method=n",
            "host_inter_check_delay_method=n",
            "max_service_check_spread=1",
            "max_host_check_spread=1",
            "check_service_freshness=0",
            "check_host_freshness=0",
            "use_syslog=0",
            "log_rotation_method=n",
            "interval_length=60",
            "enable_flap_detection=0",
            "illegal_macro_output_chars=`~$&|'\"<>",
        ] + ["cfg_file=%s" % f for f in cfg_files]
        self.cfg.write_text("\n".join(lines) + "\n")

    def verify(self):
        return subprocess.run([NAGIOS4, "-v", str(self.cfg)],
                              capture_output=True, text=True, env=self.env,
                              timeout=60, check=False)

    def start(self, timeout=30):
        out = open(str(self.stdout), "wb")
        try:
            # Foreground (no -d): the fixture owns the process and its group.
            self.proc = subprocess.Popen(
                [NAGIOS4, str(self.cfg)], stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, start_new_session=True)
        finally:
            out.close()

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("nagios4 exited with %s:\n%s\n%s" % (
                    self.proc.returncode, tail(self.stdout), tail(self.log)))
            return self.status.exists() and self.cmd.exists()
        wait_for("Nagios status.dat and command pipe", up, timeout, 0.2)

    def stop(self):
        stop_process(self.proc)

    def diagnostics(self):
        return "stdout:\n%s\nnagios.log:\n%s" % (tail(self.stdout),
                                                 tail(self.log))

    def command(self, line):
        # The command file is a FIFO that Nagios reads; open non-blocking so
        # a dead Nagios cannot hang the test.
        fd = os.open(str(self.cmd), os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, ("[%d] %s\n" % (int(time.time()), line)).encode())
        finally:
            os.close(fd)

    def force_service_check(self, host, service):
        now = int(time.time())
        self.command("SCHEDULE_FORCED_SVC_CHECK;%s;%s;%d"
                     % (host, service, now))

    def read_status(self):
        """status.dat -> list of (block type, {key: value})."""
        return nagios_status_blocks(self.status)

    def service_status(self, host, service):
        for kind, attrs in self.read_status():
            if (kind == "servicestatus" and attrs.get("host_name") == host
                    and attrs.get("service_description") == service):
                return attrs
        return None
