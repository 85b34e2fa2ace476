# SPDX-License-Identifier: GPL-3.0-or-later
"""The package's maintainer scripts against a hostile local user (issue 19,
findings 1 and 2): the REAL debian/monitoring-plugins-prioticket.postrm and
.postinst, run as dpkg runs them (as root, the action as argument, with
/bin/sh), in a private mount namespace in which a temporary directory is
/var/lib (the real /var/lib/dpkg bound into it, for dpkg-query and
dpkg-statoverride) and, for the postinst, a temporary passwd is
/etc/passwd. Nothing outside the namespace changes.

- purge, on a pseudo-terminal, with a hostile user's trees in the state
  root (symbolic links to root's files and directories, a tree 300 levels
  deep, 3000 files, a FIFO, a directory of another uid, a <uid>/ that is a
  symlink, and directories swapped with symlinks to root's directory over
  and over while the purge runs): nothing outside the caches goes, no process of another uid ever
  has the terminal (a process of the hostile uid watches /proc for one,
  and stops it as the attacker would: the purge would then hang), and the
  purge ends within PURGE_BOUND seconds;
- configure, with the engine users' <uid>/ squatted by another user: the
  squat is moved aside (never entered) and each engine user gets its own
  0700 <uid>/.
"""

import fcntl
import os
import select
import signal
import stat
import subprocess
import tempfile
import termios
import time
import traceback
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POSTRM = REPO / "debian" / "monitoring-plugins-prioticket.postrm"
POSTINST = REPO / "debian" / "monitoring-plugins-prioticket.postinst"
STATE = "/var/lib/monitoring-plugins"
HOSTILE = 4242
OTHER = 4343
PURGE_BOUND = 30.0
RACERS = 8
ESCAPE_NAME = "esc\x1b]0;owned\x07\x1b[2J"

# In the namespace: VARLIB is /var/lib, PASSWD (if given) /etc/passwd, an
# empty directory /etc/icingaweb2 (the postinst leaves the host's alone).
NAMESPACE = """set -e
mount --bind /var/lib/dpkg "$VARLIB/dpkg"
mount --rbind "$VARLIB" /var/lib
if [ -n "$PASSWD" ]; then mount --bind "$PASSWD" /etc/passwd; fi
if [ -d /etc/icingaweb2 ]; then mount --bind "$EMPTY" /etc/icingaweb2; fi
exec /bin/sh "$SCRIPT" "$ACTION"
"""


@pytest.fixture
def base():
    """A private directory that other uids may enter (pytest's own is 0700)."""
    if os.geteuid() != 0:
        pytest.skip("the maintainer scripts run as root (mount namespace, chown)")
    path = Path(tempfile.mkdtemp(prefix="pt-maint-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=False)


def namespace_argv(script, action, varlib, passwd=None):
    empty = varlib.parent / "empty"
    empty.mkdir(exist_ok=True)
    (varlib / "dpkg").mkdir(exist_ok=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "VARLIB": str(varlib), "SCRIPT": str(script),
           "ACTION": action, "PASSWD": str(passwd or ""), "EMPTY": str(empty)}
    return ["unshare", "-m", "sh", "-c", NAMESPACE], env


def as_user(uid, func):
    """Runs func() in a child process as uid (and gid), waits for it."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            func()
            os._exit(0)
        except BaseException:  # noqa: BLE001 - the parent sees the status
            traceback.print_exc()
            os._exit(1)
    assert os.waitpid(pid, 0)[1] == 0


# ---- purge ------------------------------------------------------------------

def snapshot(root):
    """{path: (type, uid)} of everything below root, without following links."""
    seen = {}
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(top, name)
            st = os.lstat(p)
            seen[p] = (stat.S_IFMT(st.st_mode), st.st_uid)
    return seen


def plant(tmp):
    """The state root as users left it; returns (varlib, outside, the paths
    that must stay)."""
    varlib = tmp / "varlib"
    state = varlib / "monitoring-plugins"
    state.mkdir(parents=True)
    os.chmod(state, 0o1777)
    outside = tmp / "outside"  # root's own files, which symlinks point at
    (outside / "rootdir" / "check_prioticket").mkdir(parents=True)
    (outside / "rootdir" / "check_prioticket" / "keep").write_text("root's\n")
    (outside / "root-file").write_text("root's\n")
    os.chmod(tmp, 0o755)
    os.chmod(outside, 0o755)
    # Caches the plugins made: root's and an engine user's, beside another
    # plugin's state that stays.
    for uid in (0, OTHER):
        cache = state / str(uid) / "check_prioticket"
        cache.mkdir(parents=True, mode=0o700)
        (cache / "salt").write_text("x\n")
        (cache / ("a" * 64)).write_text("token\n")
        (cache / ("a" * 64 + ".lock")).write_text("")
        for p in (cache.parent, cache, *cache.iterdir()):
            os.lchown(p, uid, uid)
    (state / str(OTHER) / "other-plugin").mkdir(mode=0o700)
    (state / str(OTHER) / "other-plugin" / "state").write_text("kept\n")
    os.chown(state / str(OTHER) / "other-plugin", OTHER, OTHER)
    theirs = state / str(OTHER) / "other-plugin"

    def hostile():
        home = state / str(HOSTILE)
        cache = home / "check_prioticket"
        cache.mkdir(parents=True)
        os.chmod(cache, 0o777)  # so that OTHER can put a directory in it
        for i in range(3000):
            (cache / f"f{i:04d}").write_text("")
        os.symlink(outside / "root-file", cache / "link-to-root-file")
        os.symlink(outside / "rootdir", cache / "link-to-root-dir")
        os.symlink("/etc", cache / "link-to-etc")
        os.mkfifo(cache / "fifo")
        deep = cache / "deep"
        deep.mkdir()
        fd = os.open(deep, os.O_RDONLY | os.O_DIRECTORY)
        for _ in range(300):  # deeper than any path: from descriptors
            os.mkdir("d", dir_fd=fd)
            nxt = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        os.close(fd)
        os.symlink(outside / "rootdir", state / f"{HOSTILE}-link")
        for i in range(RACERS):
            (cache / f"race{i}").mkdir()
            for j in range(50):
                (cache / f"race{i}" / f"f{j}").write_text("")

    def other():
        d = state / str(HOSTILE) / "check_prioticket" / "of-another-uid"
        d.mkdir(mode=0o755)
        (d / "theirs").write_text("")
        # A name that would drive root's terminal, were it printed raw.
        (state / str(HOSTILE) / "check_prioticket" / ESCAPE_NAME).mkdir(mode=0o755)

    as_user(HOSTILE, hostile)
    as_user(OTHER, other)
    kept = {str(theirs), str(theirs / "state"), str(state / f"{HOSTILE}-link"),
            str(state / str(HOSTILE) / "check_prioticket" / "of-another-uid"),
            str(state / str(HOSTILE) / "check_prioticket" / "of-another-uid" / "theirs"),
            str(state / str(HOSTILE) / "check_prioticket" / ESCAPE_NAME)}
    return varlib, outside, kept


def tty_nr(dev):
    """/proc/PID/stat's tty_nr of a terminal device."""
    major, minor = os.major(dev), os.minor(dev)
    return (minor & 0xFF) | (major << 8) | ((minor & ~0xFF) << 12)


def watch(tty, report, stop_file):
    """The attacker, as HOSTILE: every process of another uid than root
    with the terminal as its controlling terminal is written to report;
    its own ones it stops (SIGSTOP), which hangs whoever waits for them."""
    me = os.getpid()
    seen = set()
    with open(report, "a") as out:
        while not os.path.exists(stop_file):
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit() or int(entry.name) == me:
                    continue
                try:
                    fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                    uids = [line for line in Path(entry.path, "status").read_text().splitlines()
                            if line.startswith("Uid:")][0].split()[1:3]
                    comm = Path(entry.path, "comm").read_text().strip()
                except (OSError, IndexError):
                    continue
                if int(fields[4]) != tty or uids == ["0", "0"] or entry.name in seen:
                    continue
                seen.add(entry.name)
                out.write(f"{entry.name} {comm} uid {' '.join(uids)}\n")
                out.flush()
                if str(HOSTILE) in uids:
                    try:
                        os.kill(int(entry.name), signal.SIGSTOP)
                    except OSError:
                        pass


def swap(cache, target, stop_file):
    """The attacker, as HOSTILE, during the purge: each race<i> directory
    is moved away, a symlink to root's directory put in its place, then
    the directory put back, over and over."""
    while not os.path.exists(stop_file):
        for i in range(RACERS):
            name = cache / f"race{i}"
            try:
                os.rename(name, cache / f"race{i}.away")
                os.symlink(target, name)
                os.unlink(name)
                os.rename(cache / f"race{i}.away", name)
            except OSError:
                pass


def purge_on_a_terminal(script, varlib, tmp):
    """Runs `script purge` as the session leader of a new pseudo-terminal
    while the attacker watches; returns (rc or None if it hung, output,
    seconds, attacker's findings)."""
    master, slave = os.openpty()
    report = tmp / "attacker.txt"
    stop_file = tmp / "attacker.stop"
    report.write_text("")
    os.chmod(report, 0o666)
    os.chmod(tmp, 0o755)
    attacker = os.fork()
    if attacker == 0:
        try:
            os.setgroups([])
            os.setgid(HOSTILE)
            os.setuid(HOSTILE)
            watch(tty_nr(os.fstat(slave).st_rdev), report, stop_file)
        finally:
            os._exit(0)
    racer = os.fork()
    if racer == 0:
        try:
            os.setgroups([])
            os.setgid(HOSTILE)
            os.setuid(HOSTILE)
            swap(varlib / "monitoring-plugins" / str(HOSTILE) / "check_prioticket",
                 tmp / "outside" / "rootdir", stop_file)
        finally:
            os._exit(0)
    argv, env = namespace_argv(script, "purge", varlib)
    start = time.monotonic()
    child = os.fork()
    if child == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(slave)
    output = b""
    rc = None
    while time.monotonic() - start < PURGE_BOUND:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                output += os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal is gone
                pass
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            rc = os.waitstatus_to_exitcode(status)
            break
    seconds = time.monotonic() - start
    if rc is None:  # hung: end it and everything in its session
        os.killpg(child, signal.SIGKILL)
        os.waitpid(child, 0)
    stop_file.write_text("")
    os.waitpid(attacker, 0)
    os.waitpid(racer, 0)
    os.close(master)
    return rc, output.decode("utf-8", "replace"), seconds, report.read_text()


def test_purge_on_a_terminal_with_a_hostile_user(base):
    varlib, outside, kept = plant(base)
    state = varlib / "monitoring-plugins"
    before_outside = snapshot(outside)
    before_state = snapshot(state)
    rc, output, seconds, attacker = purge_on_a_terminal(POSTRM, varlib, base)
    print(f"\npurge: rc {rc} in {seconds:.1f} s\n{output}")
    assert attacker == "", "a process of another uid had root's terminal:\n" + attacker
    assert rc == 0, f"the purge did not end within {PURGE_BOUND} s (or failed):\n{output}"
    assert seconds < PURGE_BOUND
    # Nothing outside the state root changed; in it, only the caches went.
    assert snapshot(outside) == before_outside
    after = snapshot(state)
    # (A racer stopped half-way may have left its directory as race<i>.away.)
    assert not [p for p in after if p not in before_state and "/race" not in p], sorted(after)
    for path in kept:
        assert path in after, (path, "removed")
    for uid in (0, OTHER):
        assert str(state / str(uid) / "check_prioticket") not in after
    assert str(state / "0") not in after  # left empty, so removed
    hostile = state / str(HOSTILE) / "check_prioticket"
    left = [p for p in after if p.startswith(str(hostile) + "/")]
    # What stays of the hostile tree: the other uid's directory, and the
    # deep tree from its 32nd level on (with the directories above it).
    assert {p for p in left if "/deep" not in p and "/race" not in p} == {
        str(hostile / "of-another-uid"), str(hostile / "of-another-uid" / "theirs"),
        str(hostile / ESCAPE_NAME)}, left
    # Every leftover is named, without control characters.
    named = f"{STATE}/{HOSTILE}/check_prioticket"
    assert f"left {named}/of-another-uid: belongs to uid {OTHER}" in output, output
    assert f"left {named}/esc?]0;owned??[2J: belongs to uid {OTHER}" in output, output
    assert "\x1b" not in output and "\x07" not in output
    assert "deeper than 32 levels" in output, output


# ---- configure: the engine users' <uid>/ ---------------------------------------

ENGINE_USERS = ("nagios", "icinga", "naemon", "sensu")


def test_configure_makes_each_engine_users_directory_and_moves_squats_aside(base):
    tmp_path = base
    varlib = tmp_path / "varlib"
    state = varlib / "monitoring-plugins"
    state.mkdir(parents=True)  # as dpkg unpacked it: 0755 root
    os.chmod(tmp_path, 0o755)
    # A passwd with icinga and sensu (test uids), no naemon; nagios as the
    # host has it, or with a test uid.
    lines = [l for l in Path("/etc/passwd").read_text().splitlines()
             if l.split(":")[0] not in ENGINE_USERS]
    users = {"nagios": 4601, "icinga": 4602, "sensu": 4603}
    lines += [f"{n}:x:{u}:{u}::/nonexistent:/usr/sbin/nologin" for n, u in users.items()]
    passwd = tmp_path / "passwd"
    passwd.write_text("\n".join(lines) + "\n")
    os.chmod(state, 0o1777)

    def squat():
        (state / str(users["nagios"])).mkdir(mode=0o700)
        (state / str(users["nagios"]) / "trap").write_text("")
        os.symlink("/etc", state / str(users["icinga"]))

    as_user(HOSTILE, squat)
    # sensu already has its own <uid>/, with something of another plugin.
    (state / str(users["sensu"])).mkdir(mode=0o755)
    (state / str(users["sensu"]) / "other-plugin").write_text("")
    os.chown(state / str(users["sensu"]), users["sensu"], users["sensu"])
    os.chmod(state, 0o755)

    argv, env = namespace_argv(POSTINST, "configure", varlib, passwd)
    res = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stdout + res.stderr
    st = state.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_uid) == (0o1777, 0)
    for name, uid in users.items():
        d = state / str(uid)
        st = os.lstat(d)
        assert stat.S_ISDIR(st.st_mode) and st.st_uid == uid and st.st_gid == uid, name
        if name == "sensu":  # its own: left as it was
            assert stat.S_IMODE(st.st_mode) == 0o755 and (d / "other-plugin").exists()
        else:
            assert stat.S_IMODE(st.st_mode) == 0o700 and list(d.iterdir()) == [], name
    # The squats, moved aside whole: never entered, never followed.
    aside = sorted(p.name for p in state.iterdir() if ".squatted-by-uid-" in p.name)
    nagios = state / f"{users['nagios']}.squatted-by-uid-{HOSTILE}"
    icinga = state / f"{users['icinga']}.squatted-by-uid-{HOSTILE}"
    assert aside == sorted([nagios.name, icinga.name]), aside
    assert (nagios / "trap").exists()
    assert os.path.islink(icinga) and os.readlink(icinga) == "/etc"
    assert "moved aside" in res.stderr, res.stderr
    # Running it again changes nothing.
    before = snapshot(state)
    res = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert res.returncode == 0 and snapshot(state) == before, res.stderr
