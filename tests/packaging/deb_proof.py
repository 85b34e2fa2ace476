# SPDX-License-Identifier: GPL-3.0-or-later
"""The Debian package on a fresh minbase of the release the suite runs on
(Debian 12 or 13), run INSIDE the chroot by
test_deb.py (with python3, icinga2 and nagios4-core already installed):

    python3 deb_proof.py DEB BASE_URL SIM_CONTROL_URL CLIENT_ID CLIENT_SECRET

1. snapshot of the file system; apt-get install ./DEB; the simulator the
   package ships (/usr/share/check_prioticket/prioticket-sim, HTTP and
   --tls-port) with the package's plugin against it
2. the stock Icinga 2 configuration plus one host object (and its two
   services): icinga2 daemon -C, then the daemon as systemd starts it, until
   the simulator has seen both probes; the results are read from the state
   file Icinga writes when it stops
3. the stock Nagios 4 configuration plus the services: nagios4 -v, the
   daemon, forced checks through its command pipe, results from status.dat
4. files a user leaves in the state directory; apt-get remove; apt-get purge;
   snapshot again
Prints '@@@ result' and one JSON object; every wait is bounded.
"""

import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.request

from chroot_lib import icinga_state_objects, nagios_status_blocks, sh, wait_for

DEB, BASE_URL, SIM_CONTROL, CLIENT_ID, CLIENT_SECRET = sys.argv[1:6]
PKG = "monitoring-plugins-prioticket"
STATE_DIR = "/var/lib/monitoring-plugins"
HOST = "prioticket-sim"
# Not part of the comparison: the kernel's, apt's and dpkg's own state, and
# what the engines write while they run (logs, spool, their state).
SKIP = ("/proc", "/sys", "/dev", "/run", "/tmp", "/var/tmp", "/var/log",
        "/var/cache", "/var/lib/apt", "/var/lib/dpkg", "/var/lib/icinga2",
        "/var/lib/nagios4", "/var/spool", "/root", "/opt/proof", "/opt/deb",
        "/usr/lib/python3", "/var/lib/ucf")
result = {}


def skipped(path):
    return any(path == s or path.startswith(s + "/") for s in SKIP)


def snapshot():
    """{path: "mode uid"} of the whole tree but SKIP."""
    seen = {}
    for top, dirs, files in os.walk("/", topdown=True):
        dirs[:] = [d for d in dirs if not skipped(os.path.join(top, d))]
        for name in dirs + files:
            path = os.path.join(top, name)
            if skipped(path):
                continue
            st = os.lstat(path)
            seen[path] = "%o %d" % (st.st_mode, st.st_uid)
    return seen


def sim_counts():
    with urllib.request.urlopen(SIM_CONTROL + "/_sim/counts", timeout=5) as resp:
        return json.loads(resp.read().decode())


def stop(proc, timeout=60):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def mode_of(path):
    st = os.lstat(path)
    return {"mode": "%o" % stat.S_IMODE(st.st_mode), "uid": st.st_uid, "gid": st.st_gid,
            "dir": stat.S_ISDIR(st.st_mode)}


# ------------------------------------------------------------ 1. install
before = snapshot()
res = sh(["apt-get", "install", "-y", "--no-install-recommends", DEB])
result["install"] = {"rc": res.returncode, "out": res.stdout[-2000:] + res.stderr[-2000:]}
if res.returncode != 0:
    print("@@@ result\n" + json.dumps(result))
    sys.exit(0)
result["dpkg_L"] = sh(["dpkg", "-L", PKG]).stdout.split("\n")
result["conffiles"] = sh(["dpkg-query", "-W", "-f=${Conffiles}", PKG]).stdout
result["state_dir"] = mode_of(STATE_DIR)
nagios = pwd.getpwnam("nagios")


def shipped_simulator():
    """The package's simulator as a user starts it, and the package's plugin
    against it: HTTP, HTTPS with the CA it names, and a fault from the URL."""
    got = {}
    sim = subprocess.Popen([SIMULATOR, "--tls-port", "0"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        report = json.loads(sim.stdout.readline() or "null")
        if not report:
            got["start"] = sim.stderr.read()[-2000:]
            return got
        with open("/tmp/sim.secret", "w") as f:
            f.write("demo-secret\n")
        os.chmod("/tmp/sim.secret", 0o600)
        auth = ["--client-id", "demo-client", "--client-secret-file", "/tmp/sim.secret"]
        env = dict(os.environ, MP_STATE_PATH="/tmp/sim-state")
        runs = {
            "http": ["-u", "http://127.0.0.1:%d/v3.8/distributor" % report["http"]] + auth,
            "https": ["-u", "https://localhost:%d/v3.8/distributor" % report["tls"]["https"],
                      "--ca-file", report["ca_file"]] + auth,
            "503": ["-u", "http://127.0.0.1:%d/sim/status=503/v3.8/distributor" % report["http"]],
        }
        for name, args in runs.items():
            res = sh(["/usr/lib/nagios/plugins/check_prioticket_ping"] + args, env=env)
            got[name] = {"rc": res.returncode, "out": res.stdout}
        sim.terminate()
        got["stopped_rc"] = sim.wait(timeout=30)
        got["told"] = sim.stderr.read()
        got["ca_left"] = os.path.lexists(report["ca_file"])
    finally:
        stop(sim)
    return got


SIMULATOR = "/usr/share/check_prioticket/prioticket-sim"
result["simulator"] = shipped_simulator()

# ------------------------------------------------------------ 2. Icinga 2
with open("/etc/icinga2/conf.d/prioticket-sim.conf", "w") as f:
    f.write("""\
object Host "%(host)s" {
  check_command = "dummy"
  vars.prioticket_base_url = "%(base)s"
  vars.prioticket_client_id = "%(id)s"
  vars.prioticket_client_secret = "%(secret)s"
  vars.prioticket_warning = 5
  vars.prioticket_critical = 10
}

object Service "prioticket-ping" {
  host_name = "%(host)s"
  check_command = "prioticket-ping"
  check_interval = 5s
  retry_interval = 5s
}

object Service "prioticket-status" {
  host_name = "%(host)s"
  check_command = "prioticket-status"
  check_interval = 5s
  retry_interval = 5s
}
""" % {"host": HOST, "base": BASE_URL, "id": CLIENT_ID, "secret": CLIENT_SECRET})
res = sh(["icinga2", "daemon", "-C"])
result["icinga_validate"] = {"rc": res.returncode, "out": (res.stdout + res.stderr)[-3000:]}
res = sh(["/usr/lib/icinga2/prepare-dirs", "/usr/lib/icinga2/icinga2"])
start = sim_counts()
log = open("/var/log/icinga2/foreground.log", "wb")
icinga = subprocess.Popen(["/usr/sbin/icinga2", "daemon", "-e", "/var/log/icinga2/error.log"],
                          stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          start_new_session=True)
try:
    wait_for("Icinga 2's probes at the simulator",
             lambda: (icinga.poll() is None
                      or exited("icinga2", icinga, "/var/log/icinga2/foreground.log",
                                "/var/log/icinga2/icinga2.log"))
             and sim_counts()["ping"] > start["ping"]
             and sim_counts()["status"] > start["status"], 120)
    time.sleep(3)  # the result reaches Icinga right after the plugin exits
finally:
    stop(icinga)
results = {}
for obj in icinga_state_objects("/var/lib/icinga2/icinga2.state"):
    for svc in ("prioticket-ping", "prioticket-status"):
        if obj.get("type") == "Service" and obj.get("name") == "%s!%s" % (HOST, svc):
            cr = obj.get("update", {}).get("last_check_result") or {}
            results[svc] = {"state": cr.get("state"), "output": cr.get("output"),
                            "command": cr.get("command")}
result["icinga"] = results
result["icinga_log"] = open("/var/log/icinga2/icinga2.log", errors="replace").read()[-3000:]
cache = "%s/%d/check_prioticket" % (STATE_DIR, nagios.pw_uid)
result["nagios_user_cache"] = mode_of(cache) if os.path.exists(cache) else None

# ------------------------------------------------------------ 3. Nagios 4
with open("/etc/nagios4/prioticket.ini", "w") as f:
    f.write("[sim]\nbase-url=%s\nclient-id=%s\nclient-secret=%s\n"
            % (BASE_URL, CLIENT_ID, CLIENT_SECRET))
os.chown("/etc/nagios4/prioticket.ini", nagios.pw_uid, nagios.pw_gid)
os.chmod("/etc/nagios4/prioticket.ini", 0o600)
with open("/etc/nagios4/conf.d/prioticket-sim.cfg", "w") as f:
    for svc, cmd in (("prioticket-ping", "check_prioticket_ping"),
                     ("prioticket-status", "check_prioticket_status")):
        f.write("""\
define service {
    use                   generic-service
    host_name             localhost
    service_description   %s
    check_command         %s!sim@/etc/nagios4/prioticket.ini!--warning=5 --critical=10
}
""" % (svc, cmd))
res = sh(["nagios4", "-v", "/etc/nagios4/nagios.cfg"])
result["nagios_verify"] = {"rc": res.returncode, "out": (res.stdout + res.stderr)[-3000:]}
os.makedirs("/run/nagios4", exist_ok=True)
os.chown("/run/nagios4", nagios.pw_uid, nagios.pw_gid)
nlog = open("/var/log/nagios4/foreground.log", "wb")
nag = subprocess.Popen(["/usr/sbin/nagios4", "/etc/nagios4/nagios.cfg"], stdout=nlog,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       start_new_session=True)
CMD = "/var/lib/nagios4/rw/nagios.cmd"
STATUS = "/var/lib/nagios4/status.dat"


def nagios_status():
    return {a["service_description"]: a for kind, a in nagios_status_blocks(STATUS)
            if kind == "servicestatus" and a.get("host_name") == "localhost"}


def exited(name, proc, *logs):
    """Stops the proof when a daemon ended, with what it said."""
    text = "%s exited with %s" % (name, proc.returncode)
    for path in logs:
        try:
            with open(path, errors="replace") as f:
                text += "\n--- %s:\n%s" % (path, "".join(f.readlines()[-20:]))
        except OSError as exc:
            text += "\n--- %s: %s" % (path, exc)
    sys.exit(text)


def checked():
    if nag.poll() is not None:
        exited("nagios4", nag, "/var/log/nagios4/foreground.log", "/var/log/nagios4/nagios.log")
    st = nagios_status()
    got = {s: st.get(s) for s in ("prioticket-ping", "prioticket-status")}
    if all(a and a.get("has_been_checked") == "1" for a in got.values()):
        return got
    return None


try:
    wait_for("the Nagios command pipe", lambda: os.path.exists(CMD) and os.path.exists(STATUS), 60)
    now = int(time.time())
    fd = os.open(CMD, os.O_WRONLY | os.O_NONBLOCK)
    for svc in ("prioticket-ping", "prioticket-status"):
        os.write(fd, ("[%d] SCHEDULE_FORCED_SVC_CHECK;localhost;%s;%d\n" % (now, svc, now)).encode())
    os.close(fd)
    got = wait_for("Nagios results in status.dat", checked, 120)
    result["nagios"] = {s: {"state": a.get("current_state"), "output": a.get("plugin_output")}
                        for s, a in got.items()}
finally:
    stop(nag)

# ------------------------------------------------------------ 4. remove, purge
# Root runs the plugin too (its cache goes to <STATE_DIR>/0/).
env = dict(os.environ, PRIOTICKET_CLIENT_ID=CLIENT_ID, PRIOTICKET_CLIENT_SECRET=CLIENT_SECRET)
res = sh(["/usr/lib/nagios/plugins/check_prioticket_ping", "--base-url=" + BASE_URL], env=env)
result["root_run"] = {"rc": res.returncode, "out": res.stdout}
result["root_cache"] = os.path.isdir(STATE_DIR + "/0/check_prioticket")
# What users leave: another plugin's state, a note of root's, a user's
# symbolic link to somewhere else that has a check_prioticket directory.
os.makedirs("/srv/victim/check_prioticket")
open("/srv/victim/check_prioticket/keep", "w").close()
user_files = [STATE_DIR + "/4242", STATE_DIR + "/4242/other-plugin",
              STATE_DIR + "/4242/other-plugin/state", STATE_DIR + "/root-note",
              STATE_DIR + "/4242-link", "/srv", "/srv/victim",
              "/srv/victim/check_prioticket", "/srv/victim/check_prioticket/keep"]


def plant():
    os.setgid(4242)
    os.setuid(4242)
    os.makedirs(STATE_DIR + "/4242/other-plugin", mode=0o700)
    open(STATE_DIR + "/4242/other-plugin/state", "w").close()
    os.makedirs(STATE_DIR + "/4242/check_prioticket", mode=0o700)
    open(STATE_DIR + "/4242/check_prioticket/token", "w").close()
    os.symlink("/srv/victim", STATE_DIR + "/4242-link")


pid = os.fork()
if pid == 0:
    try:
        plant()
    finally:
        os._exit(0)
os.waitpid(pid, 0)
open(STATE_DIR + "/root-note", "w").close()

res = sh(["apt-get", "remove", "-y", PKG])
result["remove"] = {"rc": res.returncode, "out": (res.stdout + res.stderr)[-2000:]}
result["after_remove"] = {p: os.path.lexists(p) for p in result["dpkg_L"] if p}
res = sh(["apt-get", "purge", "-y", PKG])
result["purge"] = {"rc": res.returncode, "out": (res.stdout + res.stderr)[-2000:]}
result["after_purge"] = {p: os.path.lexists(p) for p in result["dpkg_L"] if p}
result["owners_after_purge"] = {
    p: sh(["dpkg-query", "-S", p]).stdout.strip()
    for p, there in result["after_purge"].items() if there}
# Once more without anything of the user's (theirs moved aside): install,
# a root run fills its cache, purge; then the state directory is gone too.
shutil.move(STATE_DIR, "/var/tmp/state-with-user-files")
res = sh(["apt-get", "install", "-y", "--no-install-recommends", DEB])
second = {"install_rc": res.returncode, "state_dir": mode_of(STATE_DIR)}
res = sh(["/usr/lib/nagios/plugins/check_prioticket_ping", "--base-url=" + BASE_URL], env=env)
second["root_run_rc"] = res.returncode
second["root_cache"] = os.path.isdir(STATE_DIR + "/0/check_prioticket")
res = sh(["apt-get", "purge", "-y", PKG])
second["purge_rc"] = res.returncode
second["state_dir_left"] = os.path.lexists(STATE_DIR)
shutil.move("/var/tmp/state-with-user-files", STATE_DIR)
result["second"] = second

# What apt installed for the package alone (libcurl4 and its libraries)
# goes with it, as a user's `apt-get autoremove --purge` does.
res = sh(["apt-get", "autoremove", "--purge", "-y"])
result["autoremove"] = {"rc": res.returncode, "out": (res.stdout + res.stderr)[-2000:]}
after = snapshot()
result["added"] = sorted(set(after) - set(before))
result["removed"] = sorted(set(before) - set(after))
result["changed"] = sorted(p for p in set(before) & set(after) if before[p] != after[p])
result["user_files"] = user_files
result["user_files_left"] = {p: os.path.lexists(p) for p in user_files}
result["caches_left"] = [p for p in (STATE_DIR + "/4242/check_prioticket", STATE_DIR + "/0",
                                     cache) if os.path.lexists(p)]
print("@@@ result\n" + json.dumps(result))
