# SPDX-License-Identifier: GPL-3.0-or-later
"""The token cache against local users who try to steer it (issue 10, items 8-13).

Each test fails on a cache that leaves temporary files with live tokens behind,
follows symlinks in parent directories, trusts directories others own or can
write, chmods directories it did not make, creates the shared state directory
0700, honours entries written in the future, waits without bound for a
stopped lock holder, drops entries without the lock, or names entries by an
unsalted hash of the secret.
"""

import fcntl
import json
import hashlib
import hmac
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import plugin
from plugin import CLIENT_ID, CLIENT_SECRET, CRITICAL, OK

ENTRY = re.compile(r"^[0-9a-f]{64}$")
MAGIC = "check_prioticket-token-cache 2"
NOBODY = 65534
NOT_CREATABLE = "/proc/not-creatable"
# Neither the per-user cache directory nor the one in memory can be made.
NO_FALLBACK = {"XDG_CACHE_HOME": NOT_CREATABLE, "XDG_RUNTIME_DIR": NOT_CREATABLE}


def cache_dir(state_root, uid=None):
    return Path(state_root) / str(os.geteuid() if uid is None else uid) / "check_prioticket"


def entries(directory):
    d = Path(directory)
    return sorted(p for p in d.iterdir() if ENTRY.match(p.name)) if d.exists() else []


def status(sim, state_root, extra=(), env=None, timeout=30):
    full = {"MP_STATE_PATH": str(state_root), "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}
    full.update(env or {})
    args = ["-u", sim.base_url(), "--client-id", CLIENT_ID, *extra]
    return plugin.run("status", args, env=full, timeout=timeout)


def tokens(sim):
    return sim.counts()["token"]


def note(r):
    """The -v line that says why the cache is off, or None."""
    m = re.search(r"^Token cache: not used, the run went on without it: (.*)$", r.stdout, re.M)
    return m[1] if m else None


def write_private(path, text):
    """Writes a 0600 file of ours atomically, as the plugin would."""
    tmp = Path(str(path) + ".test-writing")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def only_entry(state_root):
    found = entries(cache_dir(state_root))
    assert len(found) == 1, found
    return found[0]


# ---- item 8: temporary files of stopped or killed writers --------------------

def test_stale_temporary_files_are_removed_by_the_next_run_that_holds_the_lock(sim, tmp_path):
    state = tmp_path / "state"
    assert status(sim, state).rc == OK
    entry = only_entry(state)
    live = entry.read_text()
    assert "\ntoken " in live
    entry.unlink()  # the next run fetches, so it takes the lock
    d = entry.parent
    # A run killed between write and rename, with a pid that is not ours.
    ours = d / f"{entry.name}.tmp.4000000"
    write_private(ours, live)
    # Another entry's, long stale and unlocked: removed as well.
    old = d / ("f" * 64 + ".tmp.123")
    write_private(old, live)
    os.utime(old, (time.time() - 600, time.time() - 600))
    # Another entry's that a live writer may still rename: kept.
    fresh = d / ("e" * 64 + ".tmp.456")
    write_private(fresh, live)
    # Another entry's, old, but whose lock is held right now: kept.
    held = d / ("d" * 64 + ".tmp.789")
    write_private(held, live)
    os.utime(held, (time.time() - 600, time.time() - 600))
    with open(d / ("d" * 64 + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = status(sim, state)
    assert r.rc == OK, r.describe()
    assert tokens(sim) == 2
    assert not ours.exists(), sorted(p.name for p in d.iterdir())
    assert not old.exists(), sorted(p.name for p in d.iterdir())
    assert fresh.exists() and held.exists()
    assert not [p for p in d.iterdir() if ".tmp." in p.name and p not in (fresh, held)]


# ---- item 9: a directory the plugin did not make is never chmod'ed ----------

def test_a_sticky_world_writable_cache_directory_is_refused_not_chmodded(sim, tmp_path):
    faketmp = tmp_path / "faketmp"
    faketmp.mkdir()
    os.chmod(faketmp, 0o1777)
    r = plugin.run("status", ["-u", sim.base_url(), "--client-id", CLIENT_ID, "-v",
                              "--token-cache", str(faketmp)],
                   env={"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET})
    assert r.rc == OK, r.describe()
    assert stat.S_IMODE(faketmp.stat().st_mode) == 0o1777
    assert list(faketmp.iterdir()) == []
    assert note(r) == (f"{faketmp} is open to group or others (mode 1777); the cache needs a "
                       f"directory only its owner can use (0700)"), r.describe()


def test_a_cache_directory_of_another_user_is_refused(sim, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to give the directory to another user")
    d = tmp_path / "theirs"
    d.mkdir(mode=0o700)
    os.chown(d, NOBODY, NOBODY)
    r = plugin.run("status", ["-u", sim.base_url(), "--client-id", CLIENT_ID, "-v",
                              "--token-cache", str(d)],
                   env={"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET})
    assert r.rc == OK, r.describe()
    assert note(r) == f"{d} belongs to uid {NOBODY}, not to this user (uid 0)", r.describe()
    assert list(d.iterdir()) == []


# ---- item 10: no component of the path can be redirected ----------------------

def test_a_symlink_in_a_parent_directory_is_not_followed(sim, tmp_path):
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (state / str(os.geteuid())).symlink_to(elsewhere)
    r = status(sim, state, ["-v"], env=NO_FALLBACK)
    assert r.rc == OK, r.describe()
    assert list(elsewhere.iterdir()) == []
    assert note(r).startswith(f"{state}/{os.geteuid()} is a symbolic link, which is not "
                              f"followed; "), r.describe()
    # And with the symlink higher up, given as --token-cache.
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    r = plugin.run("status", ["-u", sim.base_url(), "--client-id", CLIENT_ID, "-v",
                              "--token-cache", str(link / "sub" / "cache")],
                   env={"PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET})
    assert r.rc == OK, r.describe()
    assert note(r) == f"{link} is a symbolic link, which is not followed", r.describe()
    assert list(elsewhere.iterdir()) == []


def test_a_parent_directory_owned_by_another_user_is_refused(sim, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to give the directory to another user")
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    os.chown(state, NOBODY, NOBODY)  # nobody could rename our <euid>/ away
    r = status(sim, state, ["-v"], env=NO_FALLBACK)
    assert r.rc == OK, r.describe()
    assert note(r).startswith(f"{state} belongs to uid {NOBODY}, neither root nor this user "
                              f"(uid 0); "), r.describe()
    assert list(state.iterdir()) == []


@pytest.mark.parametrize("mode,usable", [(0o777, False), (0o775, False), (0o1777, True)],
                         ids=["0777", "0775", "1777 sticky"])
def test_a_parent_others_can_write_needs_the_sticky_bit(sim, tmp_path, mode, usable):
    state = tmp_path / "state"
    state.mkdir()
    os.chmod(state, mode)
    for _ in range(2):
        r = status(sim, state, ["-v"], env=NO_FALLBACK)
        assert r.rc == OK, r.describe()
    if usable:
        assert note(r) is None, r.describe()
        assert tokens(sim) == 1
    else:
        assert note(r).startswith(f"{state} is writable by group or others without the sticky "
                                  f"bit (mode {mode:04o}); "), r.describe()
        assert tokens(sim) == 2
        assert list(state.iterdir()) == []


@pytest.mark.parametrize("verbosity", [[], ["-v"]], ids=["-v0", "-v"])
def test_a_refused_state_directory_is_named_with_the_reason(sim, tmp_path, verbosity):
    """A state directory that breaks a rule is named at every verbosity
    (issue 19); one that is only missing or not creatable, with -v."""
    state = tmp_path / "state"
    state.mkdir()
    os.chmod(state, 0o777)
    xdg = tmp_path / "xdg"
    r = status(sim, state, verbosity, env={"XDG_CACHE_HOME": str(xdg)})
    assert r.rc == OK, r.describe()
    assert r.lines[1] == (f"Token cache: the shared state directory was refused, {state} is "
                          f"writable by group or others without the sticky bit (mode 0777); "
                          f"the cache is in {xdg}/check_prioticket instead"), r.describe()
    assert len(entries(xdg / "check_prioticket")) == 1


def test_v_says_why_the_state_directory_was_passed_over(sim, tmp_path):
    state = Path(NOT_CREATABLE) / "state"
    xdg = tmp_path / "xdg"
    quiet = status(sim, state, env={"XDG_CACHE_HOME": str(xdg)})
    assert quiet.rc == OK and "Token cache" not in quiet.stdout, quiet.describe()
    r = status(sim, state, ["-v"], env={"XDG_CACHE_HOME": str(xdg)})
    assert r.rc == OK, r.describe()
    assert (f"Token cache: in {xdg}/check_prioticket, since the state directory is not usable: "
            f"cannot create or open {NOT_CREATABLE}: ") in r.stdout, r.describe()
    assert len(entries(xdg / "check_prioticket")) == 1


# ---- item 11: the shared state tree serves every user -------------------------

def _as_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _run_copy(binary, args, env, preexec_fn=None):
    home = tempfile.mkdtemp(prefix="pt-itest-home-", dir="/tmp")
    os.chmod(home, 0o755)
    try:
        proc = subprocess.run([str(binary)] + args, env=plugin.clean_env(home, env),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30, preexec_fn=preexec_fn)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return plugin.Result([str(binary)] + args, proc.returncode, proc.stdout, proc.stderr, 0.0)


def _shareable_copy(prefix):
    """A private 0755 directory with a copy of the status plugin that
    another uid can run (the repository may sit below a directory it cannot
    enter), and what the environment needs there: the sanitizer build's
    suppression file, copied where that uid can read it."""
    base = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    os.chmod(base, 0o755)
    binary = base / "check_prioticket_status"
    shutil.copy(plugin.binary("status"), binary)
    os.chmod(binary, 0o755)
    env = {}
    lsan = os.environ.get("LSAN_OPTIONS", "")
    m = re.search(r"suppressions=([^:]+)", lsan)
    if m:
        shutil.copy(m[1], base / "lsan.supp")
        os.chmod(base / "lsan.supp", 0o644)
        env["LSAN_OPTIONS"] = lsan.replace(m[1], str(base / "lsan.supp"))
    return base, binary, env


def test_root_makes_the_shared_tree_and_nobody_still_gets_its_own_cache(sim):
    if os.geteuid() != 0:
        pytest.skip("needs root to run the plugin as root and as nobody")
    base, binary, env = _shareable_copy("pt-itest-shared-")
    try:
        env.update({"MP_STATE_PATH": str(base / "state"),
                    "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET, "XDG_CACHE_HOME": NOT_CREATABLE,
                    "XDG_RUNTIME_DIR": NOT_CREATABLE})
        args = ["-u", sim.base_url(), "--client-id", CLIENT_ID, "-v"]

        r = _run_copy(binary, args, env)
        assert r.rc == OK and note(r) is None, r.describe()
        state = base / "state"
        st = state.stat()
        assert stat.S_IMODE(st.st_mode) == 0o1777 and st.st_uid == 0
        assert stat.S_IMODE((state / "0").stat().st_mode) == 0o700
        assert tokens(sim) == 1

        first = _run_copy(binary, args, env, _as_nobody)
        second = _run_copy(binary, args, env, _as_nobody)
        for r in (first, second):
            assert r.rc == OK and note(r) is None, r.describe()
        assert "Token: requested from" in first.stdout, first.describe()
        assert f"Token: from the cache in {state}/{NOBODY}/check_prioticket" in second.stdout, \
            second.describe()
        assert tokens(sim) == 2  # the second nobody run was a cache hit
        for d in (state / str(NOBODY), cache_dir(state, NOBODY)):
            st = d.stat()
            assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == NOBODY, d
        # And root's next run still uses its own entry.
        r = _run_copy(binary, args, env)
        assert r.rc == OK and "Token: from the cache" in r.stdout, r.describe()
        assert tokens(sim) == 2
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- item 12: a clock stepped back ----------------------------------------------

@pytest.mark.parametrize("kind", ["refusal", "token"])
def test_an_entry_written_in_the_future_is_void(sim, tmp_path, kind):
    state = tmp_path / "state"
    assert status(sim, state).rc == OK
    entry = only_entry(state)
    token = re.search(r"^token (.*)$", entry.read_text(), re.M)[1]
    now = int(time.time())
    # Written an hour "later": the clock has since been stepped back.
    later = now + 3600
    body = (f"backoff refusal\nat {later}\nuntil {later + 24}\nstatus 401\nfailures 1\n"
            f"error invalid_client\n" if kind == "refusal" else
            f"written {later}\nrenew {later + 1800}\nexpires {later + 3600}\ntoken {token}\n")
    write_private(entry, f"{MAGIC}\n{body}")
    r = status(sim, state)
    assert r.rc == OK, r.describe()
    assert "Token: requested from" in r.stdout, r.describe()
    assert tokens(sim) == 2


@pytest.mark.parametrize("at,until,longest", [
    (-5, 86400, 3600),  # never longer than the longest back-off (an hour) from now
    (4, 4 + 24, 24),    # written 4 s "ahead" (within the skew): its own 24 s from now
])
def test_a_back_off_lasts_at_most_its_own_length_from_now(sim, tmp_path, at, until, longest):
    state = tmp_path / "state"
    assert status(sim, state).rc == OK
    entry = only_entry(state)
    now = int(time.time())
    write_private(entry, f"{MAGIC}\nbackoff refusal\nat {now + at}\nuntil {now + until}\n"
                         f"status 401\nfailures 1\nerror invalid_client\n")
    r = status(sim, state)
    assert r.rc == CRITICAL, r.describe()
    m = re.search(r" - remembered refusal from \d+ s ago: .*\(invalid_client\); next token request "
                  r"in (\d+) s", r.summary)
    assert m, r.describe()
    assert longest - 3 <= int(m[1]) <= longest, r.describe()
    assert tokens(sim) == 1


# ---- item 13: a stopped lock holder ----------------------------------------------

def test_a_stopped_lock_holder_does_not_block_other_runs(sim, tmp_path):
    state = tmp_path / "state"
    env = {"MP_STATE_PATH": str(state), "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}
    args = ["-u", sim.base_url(), "--client-id", CLIENT_ID, "-t", "30"]
    sim.set_scenario("token_delay=5")
    holder, home = plugin.start("status", args, env=env)
    try:
        deadline = time.monotonic() + 10
        while tokens(sim) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tokens(sim) == 1, "the first run never asked for a token"
        os.kill(holder.pid, signal.SIGSTOP)  # Ctrl-Z while it holds the lock
        sim.set_scenario("")
        r = status(sim, state, ["-t", "3"])
        assert r.rc == OK, r.describe()
        m = re.search(r"^Token: the run holding the token lock did not finish within ([\d.]+) s; "
                      r"fetched without it$", r.stdout, re.M)
        # Half of what is left of the 3 s budget once the run reaches the lock.
        assert m and 0.9 <= float(m[1]) <= 1.6, r.describe()
        assert r.wall < 3.5, r.describe()
        assert tokens(sim) == 2
        # Its token is stored: the next run neither waits nor fetches.
        r = status(sim, state, ["-t", "3"])
        assert r.rc == OK and "Token: from the cache" in r.stdout, r.describe()
        assert tokens(sim) == 2
    finally:
        sim.set_scenario("")
        holder.kill()
        holder.communicate(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


# ---- pt_cache_drop: only under the lock, only the refused token ---------------

def test_a_refused_token_is_dropped_under_the_lock_and_a_newer_one_is_kept(sim, tmp_path):
    state = tmp_path / "state"
    assert status(sim, state).rc == OK
    entry = only_entry(state)
    revoked = entry.read_text()
    sim.revoke_tokens()
    entry.unlink()
    assert status(sim, state).rc == OK  # another run's fresh token
    assert tokens(sim) == 2
    fresh = entry.read_text()
    write_private(entry, revoked)

    lock = open(Path(str(entry) + ".lock"), "a")
    fcntl.flock(lock, fcntl.LOCK_EX)  # "another run" is busy storing
    before = sim.counts()["status"]
    run, home = plugin.start("status", ["-u", sim.base_url(), "--client-id", CLIENT_ID,
                                        "-t", "20"],
                             env={"MP_STATE_PATH": str(state),
                                  "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET})
    try:
        deadline = time.monotonic() + 10
        while sim.counts()["status"] == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sim.counts()["status"] == before + 1, "the refused probe never came"
        time.sleep(0.5)
        # The refused run waits for the lock before it touches the entry.
        assert entry.read_text() == revoked
        write_private(entry, fresh)  # the holder stores its new token
        fcntl.flock(lock, fcntl.LOCK_UN)
        out, _ = run.communicate(timeout=30)
    finally:
        lock.close()
        if run.poll() is None:
            run.kill()
            run.communicate(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
    assert run.returncode == OK, out.decode()
    assert tokens(sim) == 2  # it used the token the holder stored
    assert entry.read_text() == fresh


# ---- entry names: no offline guessing of the secret from a listing --------------

def test_entry_names_are_salted_per_directory(sim, tmp_path):
    names = []
    for n in range(2):
        state = tmp_path / f"state{n}"
        assert status(sim, state).rc == OK
        d = cache_dir(state)
        names.append(only_entry(state).name)
        salt = d / "salt"
        st = salt.lstat()
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
        assert re.fullmatch(r"[0-9a-f]{64}\n", salt.read_text())
    assert names[0] != names[1]  # the same credentials, another directory
    # The name is HMAC-SHA-256 keyed with the whole salt, over length-prefixed
    # fields that include the secret (so a rotated secret is another entry).
    salt = bytes.fromhex((cache_dir(tmp_path / "state1") / "salt").read_text())
    fields = ["check_prioticket token v2", sim.base_url() + "/oauth2/token", CLIENT_ID, "",
              CLIENT_SECRET]
    message = b"".join(f"{len(f.encode())}:".encode() + f.encode() for f in fields)
    assert names[1] == hmac.new(salt, message, hashlib.sha256).hexdigest()
    # The salt is kept: the next run finds its entry.
    assert status(sim, tmp_path / "state0").rc == OK
    assert tokens(sim) == 2


def test_a_replaced_salt_only_costs_one_token_request(sim, tmp_path):
    state = tmp_path / "state"
    assert status(sim, state).rc == OK
    salt = cache_dir(state) / "salt"
    salt.write_text("not a salt\n")
    for _ in range(2):
        assert status(sim, state).rc == OK
    assert tokens(sim) == 2
    assert re.fullmatch(r"[0-9a-f]{64}\n", salt.read_text())


# ---- paths that do not fit are refused, not cut ----------------------------------

def test_a_cache_path_too_long_is_refused_not_cut(sim, tmp_path):
    home = tmp_path / ("a" * 200) / ("b" * 200)
    home = home / ("c" * (495 - len(str(home)) - 1))
    home.mkdir(parents=True)
    assert len(str(home)) == 495
    r = status(sim, NOT_CREATABLE, ["-v"], env={"HOME": str(home), "XDG_CACHE_HOME": None,
                                                "XDG_RUNTIME_DIR": NOT_CREATABLE})
    assert r.rc == OK, r.describe()
    assert not (home / ".cache").exists()  # cut at 511 bytes, it was .cache/check_pr
    assert "; the cache directory path is too long (519 bytes, at most 511); " in note(r), \
        r.describe()


# ---- issue 19, finding 2: a squatted <uid>/ in the shared state root -------------

VICTIM = 4242  # runs the checks; no HOME or XDG_CACHE_HOME in its environment
SQUATTER = 4343  # made the victim's <uid>/ before the victim's first run


def _squat(state, how):
    """The shared 1777 root with the victim's <uid>/ taken by the squatter."""
    state.mkdir()
    os.chmod(state, 0o1777)
    theirs = state / str(VICTIM)
    if how == "directory":
        theirs.mkdir(mode=0o755)
        os.chown(theirs, SQUATTER, SQUATTER)
        return f"{theirs} belongs to uid {SQUATTER}, neither root nor this user (uid {VICTIM})"
    if how == "private directory":
        theirs.mkdir(mode=0o700)
        os.chown(theirs, SQUATTER, SQUATTER)
        return f"{theirs} belongs to uid {SQUATTER}, neither root nor this user (uid {VICTIM})"
    if how == "symlink":
        elsewhere = state.parent / "squatter-owned"
        elsewhere.mkdir(mode=0o777)
        theirs.symlink_to(elsewhere)
        os.lchown(theirs, SQUATTER, SQUATTER)
        return f"{theirs} is a symbolic link, which is not followed"
    theirs.write_text("")  # a file
    os.chown(theirs, SQUATTER, SQUATTER)
    return f"{theirs} is not a directory"


def _run_as_victim(base, binary, args, env):
    """The plugin as VICTIM, whose home directory is known only to the
    password database: a private mount namespace binds a passwd with the
    victim over /etc/passwd (nothing changes outside it), and the
    environment has neither HOME nor XDG_CACHE_HOME."""
    passwd = base / "passwd"
    if not passwd.exists():
        passwd.write_text(Path("/etc/passwd").read_text()
                          + f"ptvictim:x:{VICTIM}:{VICTIM}::{base / 'home'}:/usr/sbin/nologin\n")
    full = {k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS")}
    full.update(PATH="/usr/bin:/bin", TZ="UTC", **env)
    argv = ["unshare", "-m", "sh", "-c",
            'mount --bind "$1" /etc/passwd && shift && '
            f'exec setpriv --reuid={VICTIM} --regid={VICTIM} --clear-groups -- "$@"',
            "sh", str(passwd), str(binary)] + args
    proc = subprocess.run(argv, env=full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)
    return plugin.Result(argv, proc.returncode, proc.stdout, proc.stderr, 0.0)


@pytest.mark.parametrize("how", ["directory", "private directory", "symlink", "file"])
@pytest.mark.parametrize("secret,state_after,requests", [
    (CLIENT_SECRET, OK, 1),             # the second run uses the cached token
    ("not-the-secret", CRITICAL, 1),    # the second run is inside the 60 s back-off
], ids=["token", "back-off"])
def test_a_squatted_uid_directory_moves_the_cache_home_and_says_why(sim, how, secret,
                                                                    state_after, requests):
    if os.geteuid() != 0:
        pytest.skip("needs root to squat as one user and run as another")
    base, binary, env = _shareable_copy("pt-itest-squat-")
    try:
        home = base / "home"
        home.mkdir(mode=0o755)
        os.chown(home, VICTIM, VICTIM)
        why = _squat(base / "state", how)
        env.update({"MP_STATE_PATH": str(base / "state"), "PRIOTICKET_CLIENT_SECRET": secret})
        args = ["-u", sim.base_url(), "--client-id", CLIENT_ID]
        runs = [_run_as_victim(base, binary, args, env) for _ in range(2)]
        cache = home / ".cache" / "check_prioticket"
        for r in runs:
            assert r.rc == state_after, r.describe()
            # The first long-output line, at the default verbosity.
            assert r.lines[1] == (f"Token cache: the shared state directory was refused, {why}; "
                                  f"the cache is in {cache} instead"), r.describe()
        assert tokens(sim) == requests, "every run asked for a token\n" + runs[1].describe()
        st = cache.stat()
        assert st.st_uid == VICTIM and stat.S_IMODE(st.st_mode) == 0o700
        # Nothing was made in, or changed of, the squatter's place.
        assert sorted(p.name for p in (base / "state").iterdir()) == [str(VICTIM)]
        if how == "symlink":
            assert list((base / "squatter-owned").iterdir()) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_refused_state_directory_with_no_other_place_says_so(sim, tmp_path):
    """No fallback either (neither the per-user directory nor one in memory): the run goes on
    without a cache, and says both."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give the directory to another user")
    state = tmp_path / "state"
    state.mkdir()
    os.chmod(state, 0o1777)
    theirs = state / str(os.geteuid())
    theirs.mkdir(mode=0o700)
    os.chown(theirs, NOBODY, NOBODY)
    r = status(sim, state, env={"XDG_CACHE_HOME": NOT_CREATABLE, "XDG_RUNTIME_DIR": NOT_CREATABLE})
    assert r.rc == OK, r.describe()
    assert r.lines[1] == (f"Token cache: the shared state directory was refused, {theirs} "
                          f"belongs to uid {NOBODY}, neither root nor this user (uid 0); no "
                          f"cache in this run"), r.describe()
    doc = json.loads(status(sim, state, ["--output-format=json"],
                            env={"XDG_CACHE_HOME": NOT_CREATABLE, "XDG_RUNTIME_DIR": NOT_CREATABLE}).stdout)
    assert doc["details"][0].startswith("Token cache: the shared state directory was refused, ")
    assert doc["state"] == OK
