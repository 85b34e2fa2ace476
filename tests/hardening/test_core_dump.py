# SPDX-License-Identifier: GPL-3.0-or-later
"""No core dump holds the secret (issue 10, item 7).

The plugin makes itself non-dumpable (prctl PR_SET_DUMPABLE 0) and sets
RLIMIT_CORE to 0 before it reads any option or secret.  Proved from outside,
on a run that holds the client secret and waits for a server that never
answers:

- the kernel shows a non-dumpable process's /proc/PID/environ (and its other
  files) as owned by root, though the process runs as another user (as
  nobody when the suite runs as root, else as the suite's own user);
- /proc/PID/limits says "Max core file size 0";
- started with RLIMIT_CORE unlimited in a writable directory and killed with
  SIGABRT, the kernel's wait status reports no core dumped (WCOREDUMP, which
  holds whatever kernel.core_pattern says: a file or a pipe to a collector),
  and no core file appears in the working directory.
"""

import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time

import hardening_util as hu

NOBODY = 65534


def own_copy(directory):
    """The session's ping plugin, copied where another user may run it."""
    path = os.path.join(directory, "check_prioticket_ping")
    shutil.copyfile(hu.binary("ping"), path)
    os.chmod(path, 0o755)
    return path


def proc_uid(pid):
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("Uid:"):
                return int(line.split()[1])
    raise AssertionError("no Uid line")


def core_limit(pid):
    with open(f"/proc/{pid}/limits") as fh:
        for line in fh:
            if line.startswith("Max core file size"):
                return line.split()[4]
    raise AssertionError("no core limit line")


def test_no_core_dump_and_not_dumpable(sim, secret_file):
    root = os.geteuid() == 0
    work = tempfile.mkdtemp(prefix="pt-hard-core-")
    os.chmod(work, 0o777)
    secret = os.path.join(work, "secret")
    shutil.copyfile(secret_file, secret)
    os.chmod(secret, 0o600)
    if root:
        os.chown(secret, NOBODY, NOBODY)
    binary = own_copy(work)
    home = os.path.join(work, "home")
    os.mkdir(home)
    os.chmod(home, 0o777)

    def preexec():
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        if root:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    blackhole = f"http://127.0.0.1:{sim.blackhole_port}/v3.8/distributor"
    argv = [binary, "-u", blackhole, "-t", "20", "--client-id", hu.CLIENT_ID,
            "--client-secret-file", secret, "--no-token-cache"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=work, preexec_fn=preexec,
                            env=hu.clean_env(home, os.path.join(home, "state")))
    status = None
    try:
        # time to read its options and reach the token request, which waits
        # for the blackhole until -t 20 (the test ends it long before)
        settle = time.monotonic() + 0.8
        while time.monotonic() < settle and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, f"the plugin ended early (exit {proc.returncode})"
        uid = proc_uid(proc.pid)
        assert uid != 0, "the plugin runs as root: ownership cannot tell dumpable"
        owner = os.stat(f"/proc/{proc.pid}/environ").st_uid
        limit = core_limit(proc.pid)
        os.kill(proc.pid, signal.SIGABRT)
        _, status = os.waitpid(proc.pid, 0)
        proc.returncode = -signal.SIGABRT
    finally:
        if status is None and proc.poll() is None:
            proc.kill()
            proc.wait()
        cores = [name for name in os.listdir(work) if name.startswith("core")]
        shutil.rmtree(work, ignore_errors=True)
    print(f"uid {uid}, /proc owner {owner}, core limit {limit}, status {status:#x}")
    assert owner == 0, f"/proc/PID/environ owned by {owner}, not root: the process is dumpable"
    assert limit == "0", f"core file size limit {limit}"
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT, hex(status)
    assert not os.WCOREDUMP(status), "the kernel reports a core dump"
    assert not cores, cores
