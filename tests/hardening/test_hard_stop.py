# SPDX-License-Identifier: GPL-3.0-or-later
"""The hard stop: whatever happens inside libcurl or the token-cache lock,
the process ends by its timeout budget plus a small margin.

The plugin arms a timer at budget + 0.5 s that prints
  PRIOTICKET <PING|STATUS> <STATE> - timeout: the run did not finish within
  its N s budget (hard stop)
and exits with the --timeout-result state.  To reach it, an LD_PRELOAD shim
(compiled here) makes curl_easy_perform, poll, flock or the open() of a path
holding "hang-me" block forever in pause(), ignoring every timeout libcurl or
the cache code sets.  The shim
only blocks the functions named in $PT_SHIM_BLOCK; the others pass through
to the real ones (dlsym RTLD_NEXT).

Then the real lock case, without a shim: another process holds the token
cache's lock file, the run waits for it half its budget, asks for a token
itself, and still ends by -t.

The stop is armed before the options are read (an --extra-opts file on a
stdin that never ends, or a secret or ini file whose open() never returns, is
bounded by the command line's -t), and holds when
the plugin is started with SIGALRM blocked by its parent.

Only upper bounds on the wall time are asserted (the machine is shared);
lower bounds are loose sanity checks that the run did wait.
"""

import fcntl
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest

import hardening_util as hu
from hardening_util import CRITICAL, OK, PREFIX, STATE_NAMES, UNKNOWN, WARNING

HARD_STOP_MARGIN = 0.5   # the plugin's own
SLACK = 1.5              # ours, for a loaded machine

SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>
#include <unistd.h>

static int blocks(const char *what)
{
	const char *s = getenv("PT_SHIM_BLOCK");
	return s != NULL && strstr(s, what) != NULL;
}

static void forever(void)
{
	for (;;)
		pause();   /* returns only when a handler ran; keep blocking */
}

int curl_easy_perform(void *handle)
{
	int (*real)(void *);
	if (blocks("perform"))
		forever();
	real = (int (*)(void *))dlsym(RTLD_NEXT, "curl_easy_perform");
	return real(handle);
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int (*real)(struct pollfd *, nfds_t, int);
	if (blocks("poll"))
		forever();
	real = (int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
	return real(fds, n, timeout);
}

/* open() of a path holding "hang-me": a file on a hung network mount. */
int open(const char *path, int flags, ...)
{
	int (*real)(const char *, int, ...);
	va_list ap;
	mode_t mode;

	if (blocks("open") && strstr(path, "hang-me") != NULL)
		forever();
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return real(path, flags, mode);
}

int flock(int fd, int operation)
{
	int (*real)(int, int);
	if (blocks("flock"))
		forever();   /* even LOCK_NB blocks: a lock call that never returns */
	real = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
	return real(fd, operation);
}
"""


def hard_stop_line(plugin, state, budget):
    return (f"{PREFIX[plugin]}{STATE_NAMES[state]} - timeout: the run did not finish "
            f"within its {budget:g} s budget (hard stop)")


@pytest.fixture(scope="module")
def shim():
    gcc = shutil.which("gcc") or shutil.which("cc")
    if not gcc:
        pytest.skip("no C compiler for the LD_PRELOAD shim")
    directory = tempfile.mkdtemp(prefix="pt-hard-shim-")
    src = os.path.join(directory, "shim.c")
    lib = os.path.join(directory, "shim.so")
    with open(src, "w") as fh:
        fh.write(SHIM_C)
    p = subprocess.run([gcc, "-shared", "-fPIC", "-O2", "-o", lib, src, "-ldl"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    yield lib
    shutil.rmtree(directory, ignore_errors=True)


def test_shim_passes_through_when_idle(sim, shim):
    """Sanity: with nothing to block, the shim changes nothing."""
    r = hu.run("ping", ["-u", sim.base_url(""), "-t", "2"],
               env={"LD_PRELOAD": shim, "PT_SHIM_BLOCK": ""}, timeout=20)
    assert r.rc == OK, r.describe()


CASES = [
    #  id                                 plugin    block      budget  extra args                     auth   rc
    ("perform, --timeout-result warning", "ping",   "perform", 1,      ["--timeout-result", "warning"], False, WARNING),
    ("perform, default (critical)",       "ping",   "perform", 1,      [],                              False, CRITICAL),
    ("perform, --timeout-result unknown", "ping",   "perform", 1,      ["--timeout-result", "unknown"], False, UNKNOWN),
    ("perform, --timeout-result ok",      "ping",   "perform", 1,      ["--timeout-result", "ok"],      False, OK),
    ("perform, fractional -t 1.5",        "ping",   "perform", 1.5,    ["--timeout-result", "warning"], False, WARNING),
    ("perform, status plugin",            "status", "perform", 1,      [],                              False, CRITICAL),
    ("perform in the token request",      "ping",   "perform", 1,      ["--timeout-result", "warning"], True,  WARNING),
    ("poll (libcurl's wait)",             "ping",   "poll",    1,      ["--timeout-result", "warning"], False, WARNING),
    ("poll in the token request",         "ping",   "poll",    1,      [],                              True,  CRITICAL),
    ("flock (token cache lock)",          "ping",   "flock",   1,      ["--timeout-result", "warning"], True,  WARNING),
    ("flock, status plugin",              "status", "flock",   1,      [],                              True,  CRITICAL),
]


@pytest.mark.parametrize("plugin,block,budget,extra,auth,rc", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hard_stop(sim, shim, secret_file, plugin, block, budget, extra, auth, rc):
    argv = ["-u", sim.base_url(""), "-t", f"{budget:g}"] + extra
    if auth:
        argv += ["--client-id", hu.CLIENT_ID, "--client-secret-file", str(secret_file)]
    limit = budget + HARD_STOP_MARGIN + SLACK
    r = hu.run(plugin, argv, env={"LD_PRELOAD": shim, "PT_SHIM_BLOCK": block},
               timeout=limit + 10)
    print(f"{block} -t {budget:g}: exit {r.rc}, wall {r.wall:.3f} s")
    assert not r.timed_out, "the hard stop did not fire; killed by the test\n" + r.describe()
    assert r.rc == rc, r.describe()
    expected = hard_stop_line(plugin, rc, budget)
    assert r.lines == [expected], f"want exactly the line {expected!r}\n" + r.describe()
    assert r.stdout.count("(hard stop)") == 1, r.describe()
    assert r.wall < limit, f"ran {r.wall:.2f} s, limit {limit:g} s\n" + r.describe()
    assert r.wall >= budget, f"stopped after {r.wall:.2f} s, before the budget\n" + r.describe()


@pytest.mark.parametrize("fmt", ["json", "prometheus"])
def test_hard_stop_in_machine_formats(sim, shim, fmt):
    """The last-resort line is written in the --output-format too."""
    argv = ["-u", sim.base_url(""), "-t", "1", "--timeout-result", "warning", "--output-format", fmt]
    limit = 1 + HARD_STOP_MARGIN + SLACK
    r = hu.run("ping", argv, env={"LD_PRELOAD": shim, "PT_SHIM_BLOCK": "perform"}, timeout=limit + 10)
    assert not r.timed_out and r.rc == WARNING, r.describe()
    if fmt == "json":
        doc = json.loads(r.stdout)
        assert (doc["state"], doc["reason"]) == (WARNING, "timeout"), doc
        assert doc["summary"].endswith("(hard stop)"), doc
    else:
        assert 'prioticket_state{endpoint="ping",environment="custom",reason="timeout"} 1' in r.stdout, \
            r.describe()
        # The format's comment line says it, as the Nagios first line would.
        assert r.lines[0].startswith("# PRIOTICKET PING WARNING - timeout: ") and \
            r.lines[0].endswith("(hard stop)"), r.describe()
    assert r.stdout.count("(hard stop)") == 1, r.describe()


# ---- the real lock, held by another process ---------------------------------

def cached_run(sim, secret_file, state_dir, extra=(), timeout=20, scenario=""):
    argv = ["-u", sim.base_url(scenario), "--client-id", hu.CLIENT_ID,
            "--client-secret-file", str(secret_file)] + list(extra)
    return hu.run("ping", argv, state_dir=state_dir, timeout=timeout)


def lock_path(state_dir):
    """<MP_STATE_PATH>/<euid>/check_prioticket/<64hex>.lock after a first run."""
    pattern = os.path.join(state_dir, str(os.geteuid()), "check_prioticket", "*.lock")
    locks = [p for p in glob.glob(pattern)
             if re.fullmatch(r"[0-9a-f]{64}\.lock", os.path.basename(p))]
    assert len(locks) == 1, f"want one <64hex>.lock in {pattern}: {glob.glob(pattern + '*')}"
    return locks[0]


@pytest.fixture
def held_lock(sim, secret_file):
    """A state dir whose entry is gone and whose lock another holder keeps."""
    state_dir = tempfile.mkdtemp(prefix="pt-hard-lockstate-")
    r = cached_run(sim, secret_file, state_dir)
    assert r.rc == OK, r.describe()
    lock = lock_path(state_dir)
    entry = lock[:-len(".lock")]
    assert os.path.exists(entry), "the first run left no cache entry"
    os.unlink(entry)
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    sim.reset()
    holder = {"fd": fd, "state_dir": state_dir}
    yield holder
    if holder["fd"] is not None:
        os.close(holder["fd"])
    shutil.rmtree(state_dir, ignore_errors=True)


@pytest.mark.parametrize("budget,extra,rc", [
    (1, [], CRITICAL),
    (1, ["--timeout-result", "warning"], WARNING),
    (2, ["--timeout-result", "unknown"], UNKNOWN),
], ids=["-t 1", "-t 1 warning", "-t 2 unknown"])
def test_held_cache_lock_ends_by_the_budget(sim, secret_file, held_lock, budget, extra, rc):
    """The run waits half its budget for the holder, then asks for a token
    itself; with a token endpoint that does not answer either, it still ends
    by -t with the --timeout-result state."""
    sim.set_scenario("token_delay=30")
    try:
        r = cached_run(sim, secret_file, held_lock["state_dir"], ["-t", str(budget)] + extra,
                       timeout=budget + 15)
    finally:
        sim.set_scenario("")
    print(f"lock held, -t {budget}: exit {r.rc}, wall {r.wall:.3f} s")
    limit = budget + HARD_STOP_MARGIN + SLACK
    assert not r.timed_out, r.describe()
    assert r.rc == rc, r.describe()
    assert r.first_line.startswith(f"PRIOTICKET PING {STATE_NAMES[rc]} - "), r.describe()
    assert re.search(r"(?i)time(d)? ?out", r.first_line), r.describe()
    assert r.wall < limit, f"ran {r.wall:.2f} s, limit {limit:g} s\n" + r.describe()
    # it gave up on the holder after half its budget and asked for itself
    assert "Token: the run holding the token lock did not finish within" in r.stdout, r.describe()
    assert sim.counts()["token"] == 1, sim.counts()


def test_lock_released_within_the_budget(sim, secret_file, held_lock):
    """The waiting run goes on once the holder lets go (single flight, not a failure)."""
    def release():
        time.sleep(0.4)
        os.close(held_lock["fd"])
        held_lock["fd"] = None

    t = threading.Thread(target=release)
    t.start()
    try:
        r = cached_run(sim, secret_file, held_lock["state_dir"], ["-t", "5"], timeout=20)
    finally:
        t.join()
    assert r.rc == OK, r.describe()
    assert r.wall < 5 + SLACK, r.describe()
    assert sim.counts()["token"] == 1, sim.counts()


# ---- armed before the options are read; an inherited blocked SIGALRM --------

def run_held(argv, *, env=None, block_alarm=False, timeout=20):
    """Run a plugin whose stdin stays open (a pipe nobody writes to or
    closes); block_alarm starts it with SIGALRM blocked, as a parent that
    blocked it before exec would.  Returns (rc, stdout lines, wall)."""
    home = tempfile.mkdtemp(prefix="pt-hard-held-")
    state = os.path.join(home, "state")
    os.mkdir(state)

    def preexec():
        if block_alarm:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})

    read_end, write_end = os.pipe()
    try:
        start = time.monotonic()
        proc = subprocess.Popen([hu.binary("ping")] + [str(a) for a in argv], stdin=read_end,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=hu.clean_env(home, state, env), cwd=home,
                                preexec_fn=preexec, start_new_session=True)
        os.close(read_end)
        read_end = None
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"still running after {timeout} s: the hard stop did not fire")
        wall = time.monotonic() - start
    finally:
        if read_end is not None:
            os.close(read_end)
        os.close(write_end)
        shutil.rmtree(home, ignore_errors=True)
    return proc.returncode, out.decode(errors="replace").splitlines(), wall


@pytest.mark.parametrize("budget_args,budget,extra,rc", [
    (["-t", "1"], 1, [], CRITICAL),
    (["-t1"], 1, [], CRITICAL),
    (["--timeout=1"], 1, ["--timeout-result", "warning"], WARNING),
    (["--timeout", "1.5"], 1.5, ["--timeout-result=unknown"], UNKNOWN),
], ids=["-t 1", "-t1", "--timeout=1 warning", "--timeout 1.5 unknown"])
def test_extra_opts_from_an_open_stdin_ends_by_the_budget(budget_args, budget, extra, rc):
    """--extra-opts=section@- with a stdin that never ends: the hard stop is
    armed before the options are read, with the command line's budget."""
    argv = budget_args + extra + ["--extra-opts=check_prioticket_ping@-"]
    code, lines, wall = run_held(argv, timeout=budget + 15)
    print(f"{argv}: exit {code}, wall {wall:.3f} s")
    limit = budget + HARD_STOP_MARGIN + SLACK
    assert code == rc, lines
    assert lines == [hard_stop_line("ping", rc, budget)], lines
    assert budget <= wall < limit, f"ran {wall:.2f} s, limit {limit:g} s"


def test_extra_opts_from_an_open_stdin_with_blocked_sigalrm():
    code, lines, wall = run_held(["-t", "1", "--extra-opts=@-"], block_alarm=True, timeout=16)
    assert code == CRITICAL, lines
    assert lines == [hard_stop_line("ping", CRITICAL, 1)], lines
    assert wall < 1 + HARD_STOP_MARGIN + SLACK, wall


@pytest.mark.parametrize("option", ["--client-secret-file", "--api-key-file", "--extra-opts"])
def test_a_file_on_a_hung_mount_ends_by_the_budget(shim, option):
    """open() that never returns (a secret or ini file on a hung NFS mount):
    the hard stop already holds while the options are read."""
    path = "/nonexistent/hang-me"
    argv = ["-u", "http://127.0.0.1:9/v3.8/distributor", "-t", "1", "--client-id", hu.CLIENT_ID]
    argv += [f"--extra-opts=s@{path}"] if option == "--extra-opts" else [option, path]
    code, lines, wall = run_held(argv, env={"LD_PRELOAD": shim, "PT_SHIM_BLOCK": "open"},
                                 timeout=16)
    print(f"{option} on a hung mount: exit {code}, wall {wall:.3f} s")
    assert code == CRITICAL, lines
    assert lines == [hard_stop_line("ping", CRITICAL, 1)], lines
    assert wall < 1 + HARD_STOP_MARGIN + SLACK, wall


@pytest.mark.parametrize("block", ["perform", "poll"])
def test_inherited_blocked_sigalrm_does_not_disable_the_hard_stop(sim, shim, block):
    """A parent that blocked SIGALRM before exec (the mask is inherited) and a
    libcurl that never returns: the stop still fires."""
    argv = ["-u", sim.base_url(""), "-t", "1", "--timeout-result", "warning"]
    code, lines, wall = run_held(argv, env={"LD_PRELOAD": shim, "PT_SHIM_BLOCK": block},
                                 block_alarm=True, timeout=16)
    print(f"{block}, SIGALRM blocked by the parent: exit {code}, wall {wall:.3f} s")
    assert code == WARNING, lines
    assert lines == [hard_stop_line("ping", WARNING, 1)], lines
    assert wall < 1 + HARD_STOP_MARGIN + SLACK, wall
