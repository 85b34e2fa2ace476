# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the built plugins the way a monitoring engine does, and read their output.

    from plugin import run, OK, WARNING, CRITICAL, UNKNOWN
    r = run("ping", ["-u", url, "-w", "1"])
    r.rc, r.first_line, r.summary, r.perf["time"].value, r.wall

Result is the one record of a plugin run for the suites that run the
plugins themselves (tests/hardening/hardening_util.py fills its maxrss_kb
and timed_out too), and the sim fixture with its reset the one simulator of
a test module (a conftest imports both: tests/integration, tests/hardening).

Each run gets a clean environment: no proxy variables, no PRIOTICKET_*
variables, C locale, and a fresh HOME / MP_STATE_PATH / XDG_CACHE_HOME, so a
token cache can never carry state from one run into the next.  The binaries
are found in $PT_BUILDDIR/plugins/ (default: the repository root).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILDDIR = Path(os.environ.get("PT_BUILDDIR") or REPO)
PLUGIN_DIR = BUILDDIR / "plugins"
SIM_DIR = REPO / "tests" / "simulator"
PLUGINS = {"ping": "check_prioticket_ping", "status": "check_prioticket_status"}

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
STATE_NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}

# Credentials the shared simulator is started with: distinctive strings, so a
# search of the output for them cannot hit unrelated text.
CLIENT_ID = "itest-client"
CLIENT_SECRET = "itest-secret-Zq7Wd3xR"
API_KEY = "itest-apikey-M4nKp8vL"

MAX_OUTPUT = 8192  # Nagios' MAX_PLUGIN_OUTPUT_LENGTH
PERF_LABELS = {"cert_days", "time", "time_resolve", "time_connect", "time_tls", "time_processing",
               "time_transfer", "time_auth", "size"}
PHASES = ("time_resolve", "time_connect", "time_tls", "time_processing", "time_transfer")

# Perfdata grammar of the developer guidelines (A3):
# 'label'=value[UOM];[warn];[crit];[min];[max], trailing empty fields optional.
NUMBER = r"-?\d+(?:\.\d+)?"
RANGE = rf"@?(?:(?:~|{NUMBER})?:)?(?:{NUMBER})?"
PERF_ITEM = re.compile(
    rf"^(?P<label>[^='\s]+|'[^=']+')=(?P<value>{NUMBER}|U)(?P<uom>s|ms|us|%|B|KB|MB|TB|c)?"
    rf"(?:;(?P<warn>{RANGE})(?:;(?P<crit>{RANGE})(?:;(?P<min>{NUMBER})?(?:;(?P<max>{NUMBER})?)?)?)?)?$")

# The sanitizer build reports through these (see .ci/run).
_PASSED_ENV = ("PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


@dataclass
class Perf:
    label: str
    value: str
    uom: str
    warn: str
    crit: str
    min: str
    max: str

    @property
    def number(self):
        return float(self.value)


@dataclass
class Result:
    argv: list
    rc: int                 # negative: killed by that signal
    raw_stdout: bytes
    raw_stderr: bytes
    wall: float
    env: dict = field(repr=False, default_factory=dict)
    maxrss_kb: int = -1     # the child's own peak RSS, where the runner measured it
    timed_out: bool = False  # killed by the runner's timeout

    @property
    def stdout(self):
        return self.raw_stdout.decode("utf-8", "replace")

    @property
    def stderr(self):
        return self.raw_stderr.decode("utf-8", "replace")

    @property
    def output(self):
        """stdout and stderr together, for searches that must cover both."""
        return self.stdout + "\n" + self.stderr

    @property
    def lines(self):
        """The lines as an engine splits them: at each newline, and only there."""
        text = self.stdout[:-1] if self.stdout.endswith("\n") else self.stdout
        return text.split("\n") if text else []

    @property
    def first_line(self):
        return self.lines[0] if self.lines else ""

    @property
    def summary(self):
        return self.first_line.split("|", 1)[0].rstrip()

    @property
    def perfdata(self):
        """The perfdata text after the (single) '|' of line 1, or ''."""
        parts = self.first_line.split("|", 1)
        return parts[1].strip() if len(parts) == 2 else ""

    @property
    def perf(self):
        """{label: Perf}; raises AssertionError on an item the grammar rejects."""
        return parse_perfdata(self.perfdata)

    def long_output(self, name):
        """Values of the long-output lines 'name: value'."""
        prefix = name + ": "
        return [line[len(prefix):] for line in self.lines[1:] if line.startswith(prefix)]

    def describe(self, limit=MAX_OUTPUT):
        """The run for an assertion's message; an argument, stdout and stderr
        cut at limit characters (a hostile argv or answer can be megabytes)."""
        def cut(text, at):
            return text if len(text) <= at else text[:at] + f"...({len(text)} chars)"
        argv = [cut(a if isinstance(a, str) else os.fsdecode(a), 300) for a in self.argv]
        rss = f"  maxrss: {self.maxrss_kb} KiB" if self.maxrss_kb >= 0 else ""
        return (f"argv: {argv!r}\nexit: {self.rc}  wall: {self.wall:.3f} s{rss}  "
                f"timed out: {self.timed_out}\n"
                f"stdout:\n{cut(self.stdout, limit)}\nstderr:\n{cut(self.stderr, limit)}")


def parse_perfdata(text):
    items = {}
    for item in text.split():
        m = PERF_ITEM.match(item)
        assert m, f"perfdata item {item!r} does not follow label=value[UOM];[warn];[crit];[min];[max]"
        label = m["label"].strip("'")
        assert label not in items, f"perfdata label {label!r} appears twice in {text!r}"
        items[label] = Perf(label, m["value"], m["uom"] or "", m["warn"] or "", m["crit"] or "",
                            m["min"] or "", m["max"] or "")
    return items


def binary(plugin):
    return str(PLUGIN_DIR / PLUGINS.get(plugin, plugin))


def missing_binaries():
    return [name for name in PLUGINS.values() if not os.access(PLUGIN_DIR / name, os.X_OK)]


def clean_env(home, extra=None):
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update(HOME=str(home), MP_STATE_PATH=str(Path(home) / "state"),
               XDG_CACHE_HOME=str(Path(home) / "cache"), XDG_RUNTIME_DIR=str(Path(home) / "run"),
               TZ="UTC")
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def run(plugin, args, *, env=None, timeout=30, stdin=subprocess.DEVNULL, preexec_fn=None,
        wrapper=()):
    """Run a plugin to its end; env adds to (or with None removes from) the clean
    environment.  timeout bounds the test, not the plugin: expiry is a failure."""
    home = tempfile.mkdtemp(prefix="pt-itest-home-")
    os.chmod(home, 0o755)  # readable by a dropped-privilege run too
    try:
        full_env = clean_env(home, env)
        argv = list(wrapper) + [binary(plugin)] + [str(a) for a in args]
        start = time.monotonic()
        proc = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=full_env, timeout=timeout,
                              preexec_fn=preexec_fn)
        wall = time.monotonic() - start
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return Result(argv, proc.returncode, proc.stdout, proc.stderr, wall, full_env)


def start(plugin, args, *, env=None):
    """Start a plugin without waiting (for /proc inspection); returns (Popen, home)."""
    home = tempfile.mkdtemp(prefix="pt-itest-home-")
    argv = [binary(plugin)] + [str(a) for a in args]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=clean_env(home, env))
    return proc, home


def version():
    """The version from --version ('check_prioticket_ping 1.0.0 (...)')."""
    r = run("ping", ["--version"], timeout=10)
    m = re.match(r"^check_prioticket_ping (\S+)", r.first_line)
    assert m, r.describe()
    return m.group(1)


def new_simulator(**kwargs):
    """A tests/simulator Simulator (not started) with the credentials above;
    TLS listeners and the blackhole port unless told otherwise."""
    sys.path.insert(0, str(SIM_DIR))
    try:
        from simctl import Simulator
    finally:
        sys.path.remove(str(SIM_DIR))
    kwargs.setdefault("tls", True)
    kwargs.setdefault("blackhole", True)
    return Simulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, api_key=API_KEY, **kwargs)


@pytest.fixture(scope="module")
def sim():
    """HTTP, every TLS listener and the blackhole port, for this module alone."""
    with new_simulator() as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def _reset_sim(request):
    """The simulator's defaults again before each test that uses it."""
    if "sim" in request.fixturenames:
        request.getfixturevalue("sim").reset()


def auth_args(secret_file, client_id=CLIENT_ID):
    return ["--client-id", client_id, "--client-secret-file", str(secret_file)]
