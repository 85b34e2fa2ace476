# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures of the interop suite: real server software from Debian on
loopback, each daemon in a private directory on free ports, stopped by PID.

Generic helpers only; each test module writes its own server configuration.

    free_port(host="127.0.0.1")      a TCP port free at the time of the call
    workdir(name)                    a private directory (0755), removed at module end
    pki                              {ca, cert, key, other_cert, other_key, dir}: a test
                                     CA, a server certificate for localhost,
                                     api.prioticket.invalid, 127.0.0.1 and ::1, and
                                     one for other.invalid only (session)
    credentials                      {client_id, secret (with + % : and non-ASCII),
                                     secret_file, token, args} (session)
    daemon(argv, ports, cwd, env=None, log=None)
                                     start a server in the foreground, wait (bounded)
                                     until its ports accept; stopped by PID at
                                     module end (SIGTERM, then SIGKILL)
    verify(r, state, first_line=None, secrets=())
                                     the contract every case asserts: state, first
                                     line, perfdata grammar, phases adding up to
                                     time (and those of "... timings:" lines), no
                                     secret anywhere in stdout or stderr
    run(plugin, args, ...)           tests/integration/plugin.py's run()
    need(binary, package)            the binary's path, or a skip naming the
                                     Debian package
"""

import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "tests" / "simulator"))

import certs  # noqa: E402  (tests/simulator/certs.py)
import plugin  # noqa: E402
from plugin import PHASES, STATE_NAMES  # noqa: E402
from ports import free_port, port_open  # noqa: E402  (tests/ports.py)

START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0
# Names the server certificate holds; api.prioticket.invalid never resolves.
SERVER_NAMES = ("localhost", "api.prioticket.invalid")
SERVER_SAN = "DNS:localhost, DNS:api.prioticket.invalid, IP:127.0.0.1, IP:::1"


def pytest_sessionstart(session):
    missing = plugin.missing_binaries()
    if missing:
        pytest.exit(f"plugin binaries missing in {plugin.PLUGIN_DIR}: {', '.join(missing)}",
                    returncode=1)


@pytest.fixture(scope="session", name="free_port")
def free_port_fixture():
    return free_port


def need(binary, package):
    """The path of binary, or a skip that names the Debian package."""
    path = shutil.which(binary, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if not path:
        pytest.skip(f"{binary} not installed (apt-get install {package}; "
                    "tools/setup-debian --test installs it)")
    return path


@pytest.fixture(scope="session", name="need")
def need_fixture():
    return need


def private_dir(prefix):
    """A directory of our own; 0755 so a server's unprivileged workers can read it."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    return path


@pytest.fixture(scope="module")
def workdir():
    """workdir(name) -> a fresh private directory (0755: a server's workers
    may run as nobody), removed when the module ends."""
    made = []

    def make(name):
        made.append(private_dir(f"pt-interop-{name}-"))
        return made[-1]

    yield make
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def pki():
    """ca.pem, server.pem/.key (SAN: localhost, api.prioticket.invalid, 127.0.0.1,
    ::1) and other.pem/.key (SAN: other.invalid only), made with certs.py."""
    work = private_dir("pt-interop-pki-")
    day = datetime.timedelta(days=1)
    certs.prepare_workdir(work)
    certs.make_ca(work)
    certs.make_ca_signed(work, "server", SERVER_SAN, -day, 400 * day)
    certs.make_ca_signed(work, "other", "DNS:other.invalid", -day, 400 * day)
    for key in work.glob("*.key"):
        os.chmod(key, 0o644)  # test keys; read by a server's workers
    yield {"dir": work, "ca": work / "ca.pem", "cert": work / "server.pem",
           "key": work / "server.key", "other_cert": work / "other.pem",
           "other_key": work / "other.key"}
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def credentials():
    """Distinctive secrets, so a search of the output cannot hit unrelated text."""
    work = private_dir("pt-interop-cred-")
    secret = "iop-Secret+50%:Zq7ü€-Wd3"
    secret_file = work / "secret"
    secret_file.write_text(secret)
    os.chmod(secret_file, 0o600)
    yield {"client_id": "interop-client", "secret": secret, "secret_file": secret_file,
           "token": "iopTOKEN-7fQx2LmV9sKd", "args": ["--client-id", "interop-client",
                                                      "--client-secret-file", str(secret_file)]}
    shutil.rmtree(work, ignore_errors=True)


class Daemon:
    """One server process, in the foreground (its PID is the one we stop)."""

    def __init__(self, argv, ports, cwd, env=None, log=None):
        self.argv = [str(a) for a in argv]
        self.ports = ports  # [(host, port)] that must accept before start() returns
        self.cwd = Path(cwd)
        self.log = Path(log) if log else self.cwd / "daemon.log"
        self.env = env
        self.proc = None

    def start(self):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=self.env,
                                         start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(self.ports)
        while pending and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            pending = [hp for hp in pending if not port_open(hp[1], hp[0])]
            if pending:
                time.sleep(0.05)
        if pending:
            self.stop()
            raise RuntimeError(f"{self.argv[0]} did not come up on {pending} within "
                               f"{START_TIMEOUT} s:\n{self.logs()}")
        return self

    def logs(self):
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self):
        """SIGTERM to the PID (and its process group), SIGKILL after a bounded wait."""
        if not self.proc or self.proc.poll() is not None:
            return
        pid = self.proc.pid
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def daemon():
    """daemon(argv, ports, cwd, env=None) -> started Daemon, stopped at module end."""
    started = []

    def start(argv, ports, cwd, env=None, log=None):
        d = Daemon(argv, ports, cwd, env=env, log=log)
        started.append(d)
        return d.start()

    yield start
    for d in reversed(started):
        d.stop()


TIMINGS = re.compile(r"^(Probe|Token request) timings: total (\d+\.\d{6}) s((?:, \w+ \d+\.\d{6} s)*)")


def _adds_up(total, phases, what, r):
    assert phases, f"{what}: no phases\n" + r.describe()
    assert all(p >= 0 for p in phases), r.describe()
    assert sum(phases) == total, \
        f"{what}: phases {phases} add up to {sum(phases)} us, total {total} us\n" + r.describe()


def check_phases(r):
    """The phases on line 1 add up to time, to the microsecond (without a
    probe, as when the token request failed, there are none); so do those of
    every "... timings:" line of the long output (-v)."""
    perf = r.perf
    if "time" in perf:
        _adds_up(round(perf["time"].number * 1e6),
                 [round(perf[p].number * 1e6) for p in PHASES if p in perf], "perfdata", r)
    else:
        assert not [p for p in PHASES if p in perf], r.describe()
    for line in r.lines[1:]:
        m = TIMINGS.match(line)
        if m:
            phases = [round(float(v) * 1e6) for v in re.findall(r", \w+ (\d+\.\d{6}) s", m[3])]
            _adds_up(round(float(m[2]) * 1e6), phases, m[1], r)


def verify(r, state, first_line=None, secrets=(), phases=True):
    """State, first line (a regex matched after 'PRIOTICKET X STATE - '), perfdata
    grammar and phases, and that no secret appears anywhere in the output."""

    assert r.rc == state, r.describe()
    m = re.match(r"^PRIOTICKET (PING|STATUS) (\w+) - (.*)$", r.first_line)
    assert m and m.group(2) == STATE_NAMES[state], r.describe()
    if first_line:
        assert re.search(first_line, m.group(3)), r.describe()
    if phases:
        check_phases(r)
    for secret in secrets:
        if secret:
            assert secret not in r.output, f"secret {secret[:4]}... in the output\n" + r.describe()
    return r


@pytest.fixture(scope="session", name="verify")
def verify_fixture():
    return verify


def run(plugin_name, args, **kwargs):
    return plugin.run(plugin_name, args, **kwargs)


@pytest.fixture(scope="session", name="run")
def run_fixture():
    return run
