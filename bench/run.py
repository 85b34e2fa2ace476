#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make bench: what one check costs, against curl and check_curl.

Starts the API simulator (HTTP and HTTPS on 127.0.0.1), and prints to
stdout:

1. a header (date, kernel, CPU, tool versions);
2. one table of rows, the same URL per comparison: callgrind instructions
   (two runs, which must agree), median wall time over N runs interleaved
   across rows, median peak RSS of 5 runs (GNU time %M);
3. the ratios against the performance targets, PASS or GAP;
4. the certificate refusals under default trust (selfsigned, expired,
   wronghost must give CRITICAL);
5. a scale run: 200 status checks in 4 waves of 50, one token cache;
6. cost versus response size (1 KB, 100 KB, 1 MB bodies).

For the default-trust rows the simulator's CA is made trusted the way a
user's system would be: copied to /usr/local/share/ca-certificates/ and
`update-ca-certificates` run.  That is always undone (also on Ctrl-C or
SIGTERM), and /etc/ssl/certs is then checked against a snapshot taken
before and put back where it differs.  Without root those rows are skipped.

Usage: bench/run.py [--quick] [--builddir DIR] [--strict]
  --quick     5 wall-time runs instead of 20, no size run (smoke test)
  --builddir  where plugins/ was built (default: $PT_BUILDDIR or the repo)
  --strict    exit 1 on a performance GAP too (default: only on failures)

Needs valgrind, curl and /usr/bin/time; check_curl rows are skipped when it
is missing.  Exit status 0, or 1 when a correctness check failed (wrong exit
status, wrong request count, a certificate accepted, scale failures).
"""

import argparse
import contextlib
import dataclasses
import datetime
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "simulator"))
from simctl import Simulator  # noqa: E402

CHECK_CURL = "/usr/lib/nagios/plugins/check_curl"
GNU_TIME = "/usr/bin/time"
CURL = shutil.which("curl") or "/usr/bin/curl"
VALGRIND = shutil.which("valgrind") or "/usr/bin/valgrind"
PING_PATH = "/v3.8/distributor/system/ping"

TRUST_FILE = Path("/usr/local/share/ca-certificates/check-prioticket-bench.crt")
ETC_CERTS = Path("/etc/ssl/certs")
UPDATE_CA = "/usr/sbin/update-ca-certificates"

RUN_TIMEOUT = 30  # s, one plain run
VALGRIND_TIMEOUT = 180  # s, one run under callgrind
INSTR_TOLERANCE = 0.01  # two callgrind runs must agree within 1 %
RSS_RUNS = 5
SCALE_TOTAL, SCALE_WAVE = 200, 50
SIZES = ((1024, "1 KB"), (102400, "100 KB"), (1000000, "1 MB"))
COUNTED = ("token", "ping", "status", "other")
ONE_PING = {"ping": 1}
ONE_STATUS = {"status": 1}

FAILURES = []  # correctness failures, for the exit status
GAPS = []  # performance targets missed


# ---------------------------------------------------------------- helpers


def fail(message):
    FAILURES.append(message)
    print(f"FAIL: {message}")


def run(argv, env, timeout=RUN_TIMEOUT):
    """Run to completion; a timeout kills it and reads as exit status "timeout"."""
    try:
        return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else ""
        return subprocess.CompletedProcess(argv, f"timeout after {timeout} s", out, "")


def first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"({exc})"
    return out.strip().splitlines()[0] if out.strip() else "(no output)"


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def table(headers, rows):
    """Plain-text table; numbers (str already formatted) right-aligned."""
    cells = [list(map(str, headers))] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def fmt(row):
        out = []
        for i, cell in enumerate(row):
            right = i > 0 and re.fullmatch(r"[-+0-9.,x%±]+( ?[a-zA-Z%]*)?", cell)
            out.append(cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    return "\n".join(lines + [fmt(r) for r in cells[1:]])


def section(title):
    print(f"\n== {title}\n")


def fmt_int(n):
    return "-" if n is None else f"{n:,}"


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.3f}x"


def fmt_ms(ms):
    return "-" if ms is None else f"{ms:.1f}"


# ---------------------------------------------------------------- rows


@dataclasses.dataclass
class Row:
    name: str
    argv: list
    env: dict = None  # extra environment
    expect_rc: int = 0
    expect_requests: dict = None  # sim.counts() for one run, others 0
    needs: tuple = ()  # "trust", "check_curl", "check_curl_D"


@dataclasses.dataclass
class Result:
    instr: list = dataclasses.field(default_factory=list)
    wall_ms: list = dataclasses.field(default_factory=list)
    rss_kb: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)
    counted: int = 0  # runs whose request count was checked
    miscounted: int = 0  # ... and was wrong

    @property
    def instructions(self):
        return round(statistics.mean(self.instr)) if self.instr else None

    @property
    def spread(self):
        if len(self.instr) < 2:
            return None
        return (max(self.instr) - min(self.instr)) / min(self.instr)

    @property
    def wall(self):
        return statistics.median(self.wall_ms) if self.wall_ms else None

    @property
    def rss(self):
        return round(statistics.median(self.rss_kb)) if self.rss_kb else None


class Bench:
    """Everything a measurement needs: simulator, binaries, environment."""

    def __init__(self, sim, builddir, workdir, runs):
        self.sim = sim
        self.runs = runs
        self.ping = str(builddir / "plugins" / "check_prioticket_ping")
        self.status = str(builddir / "plugins" / "check_prioticket_status")
        self.workdir = workdir
        self.env = clean_env(workdir)
        self.available = set()
        self.skipped = {}  # need -> reason

    def env_for(self, row):
        return dict(self.env, **(row.env or {}))

    def status_argv(self, base, cache_dir):
        return [self.status, "-u", base, "--client-id", self.sim.client_id,
                "--token-cache", str(cache_dir)]

    @property
    def secret_env(self):
        return {"PRIOTICKET_CLIENT_SECRET": self.sim.client_secret}


def clean_env(workdir):
    """No proxies, no ~/.curlrc, state in our scratch directory, C locale."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(LC_ALL="C", CURL_HOME=str(workdir), MP_STATE_PATH=str(workdir / "state"))
    return env


def main_rows(b):
    """The comparison table: same URL for every row of one comparison."""
    sim = b.sim
    http = sim.base_url()
    https = sim.base_url(https=True, hostname="localhost")
    port, tls_port = str(sim.port), str(sim.tls_ports["good"])
    check_curl_https = [CHECK_CURL, "-H", "localhost", "-p", tls_port, "-S", "-u", PING_PATH]
    return [
        Row("ping http", [b.ping, "-u", http], expect_requests=ONE_PING),
        Row("curl -s http", [CURL, "-s", http + "/system/ping"], expect_requests=ONE_PING),
        Row("check_curl http", [CHECK_CURL, "-H", "127.0.0.1", "-p", port, "-u", PING_PATH],
            expect_requests=ONE_PING, needs=("check_curl",)),
        Row("ping https verified default trust", [b.ping, "-u", https],
            expect_requests=ONE_PING, needs=("trust",)),
        Row("curl -s https (verified, default trust)", [CURL, "-s", https + "/system/ping"],
            expect_requests=ONE_PING, needs=("trust",)),
        Row("curl -sk https (not verified)", [CURL, "-sk", https + "/system/ping"],
            expect_requests=ONE_PING),
        Row("check_curl https -S (not verified)", check_curl_https,
            expect_requests=ONE_PING, needs=("check_curl",)),
        Row("check_curl https -S -D (verified)", check_curl_https + ["-D"],
            expect_requests=ONE_PING, needs=("check_curl_D", "trust")),
        Row("status warm cache", b.status_argv(http, b.workdir / "warm-cache"),
            env=b.secret_env, expect_requests=ONE_STATUS),
        Row("ping https --ca-file", [b.ping, "-u", https, "--ca-file", sim.ca_file],
            expect_requests=ONE_PING),
    ]


def refusal_rows(b):
    rows = []
    for name in ("selfsigned", "expired", "wronghost"):
        url = b.sim.base_url(https=True, tls_name=name, hostname="localhost")
        rows.append(Row(f"{name} (default trust)", [b.ping, "-u", url], expect_rc=2,
                        needs=("trust",)))
    return rows


def size_rows(b, size):
    plain = b.sim.base_url(scenario=f"size={size},gzip=0")
    gzipped = b.sim.base_url(scenario=f"size={size}")
    return [
        Row("ping", [b.ping, "-u", plain], expect_requests=ONE_PING),
        Row("curl -s", [CURL, "-s", plain + "/system/ping"], expect_requests=ONE_PING),
        Row("ping, server gzips", [b.ping, "-u", gzipped], expect_requests=ONE_PING),
    ]


def usable(b, rows):
    """Rows whose needs are met; print why the others are skipped."""
    kept = []
    for row in rows:
        missing = [n for n in row.needs if n not in b.available]
        if missing:
            print(f"skipped: {row.name}: {b.skipped[missing[0]]}")
        else:
            kept.append(row)
    return kept


# ---------------------------------------------------------------- measuring


def check_run(row, proc, what):
    if proc.returncode != row.expect_rc:
        detail = (proc.stdout.strip() or proc.stderr.strip()).splitlines()[:1]
        return f"{row.name}: {what} exit {proc.returncode}, expected {row.expect_rc} {detail}"
    return None


def counted_run(b, row, res, argv, what, timeout):
    """One run with the request count checked: reset, run, compare."""
    if row.expect_requests is not None:
        b.sim.reset()
    proc = run(argv, b.env_for(row), timeout)
    error = check_run(row, proc, what)
    if error is None and row.expect_requests is not None:
        counts = b.sim.counts()
        got = {k: counts[k] for k in COUNTED}
        want = {k: row.expect_requests.get(k, 0) for k in COUNTED}
        res.counted += 1
        if got != want:
            res.miscounted += 1
            error = f"{row.name}: {what}: requests {got}, expected {want}"
    return proc, error


def callgrind(b, row, res):
    argv = [VALGRIND, "--tool=callgrind", "--callgrind-out-file=/dev/null"] + row.argv
    proc, error = counted_run(b, row, res, argv, "callgrind run", VALGRIND_TIMEOUT)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if not found:
        return None, error or f"{row.name}: no 'Collected' in valgrind output"
    return int(found.group(1)), error


def peak_rss(b, row, out_file):
    argv = [GNU_TIME, "-f", "%M", "-o", str(out_file)] + row.argv
    out_file.unlink(missing_ok=True)
    proc = run(argv, b.env_for(row))
    error = check_run(row, proc, "time run")
    try:
        return int(out_file.read_text().split()[-1]), error
    except (OSError, ValueError, IndexError):
        return None, error or f"{row.name}: no peak RSS from {GNU_TIME}"


def timed_run(b, row):
    start = time.perf_counter()
    proc = run(row.argv, b.env_for(row))
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, check_run(row, proc, "timed run")


def measure(b, rows, runs):
    """Instructions (x2), peak RSS (x5), wall time (x runs, interleaved)."""
    results = {row.name: Result() for row in rows}
    rss_file = b.workdir / "rss.txt"
    for row in rows:
        res = results[row.name]
        _, error = counted_run(b, row, res, row.argv, "warm-up run", RUN_TIMEOUT)
        res.errors.append(error)
        for _ in range(2):
            instr, error = callgrind(b, row, res)
            res.errors.append(error)
            if instr is not None:
                res.instr.append(instr)
        if res.spread is not None and res.spread > INSTR_TOLERANCE:
            res.errors.append(f"{row.name}: callgrind runs differ: {res.instr}")
        for _ in range(RSS_RUNS):
            kb, error = peak_rss(b, row, rss_file)
            res.errors.append(error)
            if kb is not None:
                res.rss_kb.append(kb)
    for i in range(runs):
        shift = i % len(rows)  # alternate, and rotate who goes first
        for row in rows[shift:] + rows[:shift]:
            ms, error = timed_run(b, row)
            results[row.name].errors.append(error)
            results[row.name].wall_ms.append(ms)
    for res in results.values():
        res.errors = sorted({e for e in res.errors if e})
        for error in res.errors:
            fail(error)
    return results


def result_table(rows, results):
    lines = []
    for row in rows:
        res = results[row.name]
        spread = "-" if res.spread is None else f"±{res.spread * 100:.2f}%"
        lines.append([row.name, fmt_int(res.instructions), spread, fmt_ms(res.wall),
                      fmt_int(res.rss), "ok" if not res.errors else "ERROR"])
    return table(["check", "instructions", "2 runs", "wall ms (median)",
                  "peak RSS KB", "checks"], lines)


def print_commands(rows):
    print("\nCommands:")
    for row in rows:
        env = " ".join(f"{k}=***" for k in (row.env or {}))
        cmd = " ".join([os.path.basename(row.argv[0])] + row.argv[1:])
        print(f"  {row.name}: {env + ' ' if env else ''}{cmd}")


# ---------------------------------------------------------------- targets


def verdict(ok, label):
    if not ok:
        GAPS.append(label)
    return "PASS" if ok else "GAP"


def request_line(warm):
    label = "HTTP requests per status run, warm cache"
    if warm is None or not warm.counted:
        return [label, "-", "= 1", "skipped"]
    ok = warm.miscounted == 0
    measured = f"1 ({warm.counted} runs)" if ok else f"{warm.miscounted}/{warm.counted} wrong"
    return [label, measured, "= 1", verdict(ok, f"{label}: {measured}")]


def target_lines(results):
    def get(name, attr):
        res = results.get(name)
        return getattr(res, attr) if res else None

    specs = [
        # label, numerator, denominator, metric, limit, strict (< instead of <=)
        ("instructions: ping http / curl -s http", "ping http", "curl -s http",
         "instructions", 1.00, False),
        ("instructions: ping http / curl -s http (stretch)", "ping http", "curl -s http",
         "instructions", 0.90, False),
        ("instructions: ping http / check_curl http", "ping http", "check_curl http",
         "instructions", 1.00, True),
        ("instructions: ping https default trust / curl -sk https",
         "ping https verified default trust", "curl -sk https (not verified)",
         "instructions", 1.10, False),
        ("instructions: status warm cache / ping http", "status warm cache", "ping http",
         "instructions", 1.05, False),
        ("peak RSS: ping http / curl -s http", "ping http", "curl -s http", "rss", 1.00, False),
        ("peak RSS: ping https default / curl -s https",
         "ping https verified default trust", "curl -s https (verified, default trust)",
         "rss", 1.00, False),
        ("peak RSS: ping https default / curl -sk https",
         "ping https verified default trust", "curl -sk https (not verified)",
         "rss", 1.00, False),
    ]
    lines = [request_line(results.get("status warm cache"))]
    for label, num, den, metric, limit, strict in specs:
        a, b = get(num, metric), get(den, metric)
        if a is None or b is None:
            lines.append([label, "-", f"{'<' if strict else '<='} {limit:.2f}", "skipped"])
            continue
        ratio = a / b
        ok = ratio < limit if strict else ratio <= limit
        lines.append([label, f"{ratio:.3f}x", f"{'<' if strict else '<='} {limit:.2f}",
                      verdict(ok, f"{label}: {ratio:.3f}x")])
    return lines


# ---------------------------------------------------------------- trust


def snapshot_certs():
    """/etc/ssl/certs as {name: ("link", target) | ("file", bytes, mode) | ("dir",)}."""
    snap = {}
    for entry in os.scandir(ETC_CERTS):
        if entry.is_symlink():
            snap[entry.name] = ("link", os.readlink(entry.path))
        elif entry.is_dir():
            snap[entry.name] = ("dir",)
        else:
            st = entry.stat(follow_symlinks=False)
            snap[entry.name] = ("file", Path(entry.path).read_bytes(), st.st_mode & 0o7777)
    return snap


def restore_certs(before):
    """Put /etc/ssl/certs back as it was; return what had to be changed."""
    after = snapshot_certs()
    changed = []
    for name in sorted(set(after) - set(before)):
        if after[name][0] != "dir":
            (ETC_CERTS / name).unlink()
            changed.append(f"removed {name}")
    for name, state in sorted(before.items()):
        if after.get(name) == state or state[0] == "dir":
            continue
        path = ETC_CERTS / name
        if path.is_symlink() or path.exists():
            path.unlink()
        if state[0] == "link":
            os.symlink(state[1], path)
        else:
            tmp = path.with_name(name + ".bench-restore")
            tmp.write_bytes(state[1])
            os.chmod(tmp, state[2])
            os.replace(tmp, path)
        changed.append(f"restored {name}")
    return changed


def update_ca(hooks_dir, *args):
    # No hooks: they only feed Java's keystore (through dpkg triggers), which
    # neither libcurl nor OpenSSL reads.
    proc = subprocess.run([UPDATE_CA, "--hooksdir", str(hooks_dir), *args],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"update-ca-certificates {' '.join(args)}: {proc.stderr.strip()}")


@contextlib.contextmanager
def shielded():
    """Let no Ctrl-C / SIGTERM interrupt the undo."""
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def system_trust(ca_file, workdir):
    """Trust ca_file system-wide for the duration; yield None or a skip reason."""
    if os.geteuid() != 0:
        yield "not root: cannot add the simulator CA to the system trust store"
        return
    if not os.access(UPDATE_CA, os.X_OK):
        yield f"{UPDATE_CA} missing (apt-get install ca-certificates)"
        return
    hooks_dir = workdir / "no-hooks"
    hooks_dir.mkdir(exist_ok=True)
    before = snapshot_certs()
    try:
        with shielded():
            shutil.copyfile(ca_file, TRUST_FILE)
            os.chmod(TRUST_FILE, 0o644)
            update_ca(hooks_dir)
        yield None
    finally:
        with shielded():
            with contextlib.suppress(FileNotFoundError):
                TRUST_FILE.unlink()
            try:
                update_ca(hooks_dir, "--fresh")
            except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"bench: {exc}; restoring /etc/ssl/certs from the snapshot", file=sys.stderr)
            changed = restore_certs(before)
            note = f" (put back after --fresh: {', '.join(changed)})" if changed else ""
            print(f"\nSystem trust store restored{note}.")


# ---------------------------------------------------------------- sections


def header(b):
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    uname = platform.uname()
    check_curl = (first_line([CHECK_CURL, "--version"])
                  if "check_curl" in b.available else b.skipped.get("check_curl"))
    print("check_prioticket benchmark")
    print(f"date:       {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"system:     {uname.system} {uname.release} {uname.machine}")
    print(f"cpu:        {cpu} ({os.cpu_count()} cores)")
    print(f"curl:       {first_line([CURL, '--version'])}")
    print(f"openssl:    {first_line(['openssl', 'version'])}")
    print(f"plugin:     {first_line([b.ping, '--version'])}")
    print(f"check_curl: {check_curl}")
    print(f"valgrind:   {first_line([VALGRIND, '--version'])}")
    print(f"runs:       wall time median of {b.runs} interleaved runs; "
          f"peak RSS median of {RSS_RUNS}; callgrind twice")


def detect_check_curl(b):
    if not os.access(CHECK_CURL, os.X_OK):
        b.skipped["check_curl"] = b.skipped["check_curl_D"] = (
            f"{CHECK_CURL} missing (apt-get install monitoring-plugins-standard liburiparser1)")
        return
    proc = run([CHECK_CURL, "--version"], b.env)
    if proc.returncode != 0 and "check_curl" not in proc.stdout:
        b.skipped["check_curl"] = b.skipped["check_curl_D"] = (
            f"check_curl does not start: {proc.stderr.strip()[:120]} "
            "(apt-get install liburiparser1)")
        return
    b.available.add("check_curl")
    if "--verify-cert" in run([CHECK_CURL, "--help"], b.env).stdout:
        b.available.add("check_curl_D")
    else:
        b.skipped["check_curl_D"] = "this check_curl has no -D/--verify-cert"


def prime_token_cache(b):
    cache = b.workdir / "warm-cache"
    cache.mkdir(mode=0o700)
    proc = run(b.status_argv(b.sim.base_url(), cache), dict(b.env, **b.secret_env))
    if proc.returncode != 0:
        fail(f"priming the token cache: exit {proc.returncode}: {proc.stdout.strip()[:200]}")


def main_section(b):
    section("Cost of one check (same URL per comparison)")
    rows = usable(b, main_rows(b))
    prime_token_cache(b)
    results = measure(b, rows, b.runs)
    print(result_table(rows, results))
    print_commands(rows)
    print("\n'status warm cache': every measured run checked with the simulator's counters: "
          "exactly one HTTP request (the status GET), no token request.")
    return results


def targets_section(results):
    section("Targets")
    print(table(["target", "measured", "limit", "verdict"], target_lines(results)))


def refusal_section(b):
    section("Certificates that must be refused under default trust (exit 2)")
    rows = usable(b, refusal_rows(b))
    lines = []
    for row in rows:
        proc = run(row.argv, b.env_for(row))
        ok = proc.returncode == 2
        if not ok:
            fail(f"{row.name}: exit {proc.returncode}, expected 2")
        summary = proc.stdout.splitlines()[0].split("|")[0].strip() if proc.stdout else ""
        lines.append([row.name, str(proc.returncode), "PASS" if ok else "FAIL", summary[:100]])
    if lines:
        print(table(["certificate", "exit", "verdict", "plugin says"], lines))


def scale_one(argv, env):
    start = time.perf_counter()
    rc = run(argv, env).returncode
    return (time.perf_counter() - start) * 1000, rc


def scale_section(b):
    section(f"Scale: {SCALE_TOTAL} status checks in waves of {SCALE_WAVE} concurrent, "
            "one fresh token cache")
    cache = b.workdir / "scale-cache"
    cache.mkdir(mode=0o700)
    argv = b.status_argv(b.sim.base_url(), cache)
    env = dict(b.env, **b.secret_env)
    b.sim.reset()
    samples = []
    start = time.perf_counter()
    with ThreadPoolExecutor(SCALE_WAVE) as pool:
        for _ in range(SCALE_TOTAL // SCALE_WAVE):
            samples += pool.map(lambda _: scale_one(argv, env), range(SCALE_WAVE))
    total_s = time.perf_counter() - start
    counts = b.sim.counts()
    walls = [ms for ms, _ in samples]
    failures = sum(1 for _, rc in samples if rc != 0)
    lines = [
        ["checks", str(len(samples)), ""],
        ["token requests", str(counts["token"]), "PASS" if counts["token"] == 1 else "FAIL"],
        ["status requests", str(counts["status"]), ""],
        ["failures (exit != 0)", str(failures), "PASS" if failures == 0 else "FAIL"],
        ["wall p50 ms", fmt_ms(percentile(walls, 50)), ""],
        ["wall p99 ms", fmt_ms(percentile(walls, 99)), ""],
        ["wall max ms", fmt_ms(max(walls)), ""],
        ["total s", f"{total_s:.2f}", ""],
    ]
    print(table(["scale", "value", "verdict"], lines))
    if counts["token"] != 1:
        fail(f"scale run: {counts['token']} token requests, expected 1")
    if failures:
        codes = sorted({str(rc) for _, rc in samples if rc != 0})
        fail(f"scale run: {failures} failures (exit {', '.join(codes)})")


def size_section(b):
    section("Cost versus response size")
    print("The plugin caps bodies at 1 MiB (1,048,576 B) and answers WARNING above it,\n"
          "so '1 MB' is 1,000,000 B.  'ping' and 'curl -s' get the body uncompressed\n"
          "(gzip=0: curl -s asks for no compression); 'ping, server gzips' is what the\n"
          "plugin gets by default (it sends Accept-Encoding).\n")
    lines = []
    for size, label in SIZES:
        rows = size_rows(b, size)
        results = measure(b, rows, b.runs)
        curl = results["curl -s"]
        for row in rows:
            res = results[row.name]
            lines.append([f"{label} ({size:,} B)", row.name, fmt_int(res.instructions),
                          ratio(res.instructions, curl.instructions), fmt_ms(res.wall),
                          fmt_int(res.rss), ratio(res.rss, curl.rss),
                          "ok" if not res.errors else "ERROR"])
    print(table(["body", "check", "instructions", "/ curl", "wall ms (median)", "peak RSS KB",
                 "/ curl", "checks"], lines))


# ---------------------------------------------------------------- main


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="5 wall-time runs instead of 20, skip the size run")
    parser.add_argument("--builddir", type=Path,
                        default=Path(os.environ.get("PT_BUILDDIR") or REPO),
                        help="build directory holding plugins/ (default: $PT_BUILDDIR or repo)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a GAP too")
    return parser.parse_args(argv)


def preflight(builddir):
    missing = [tool for tool, path in (("valgrind", VALGRIND), ("curl", CURL),
                                       ("GNU time (package time)", GNU_TIME))
               if not os.access(path, os.X_OK)]
    for plugin in ("check_prioticket_ping", "check_prioticket_status"):
        if not os.access(builddir / "plugins" / plugin, os.X_OK):
            missing.append(f"{builddir}/plugins/{plugin} (run make first)")
    if missing:
        sys.exit("bench: missing: " + "; ".join(missing))


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def bench(args):
    runs = 5 if args.quick else 20
    with tempfile.TemporaryDirectory(prefix="pt-bench-") as tmp, \
            Simulator(tls=True) as sim:
        b = Bench(sim, args.builddir.resolve(), Path(tmp), runs)
        detect_check_curl(b)
        header(b)
        with system_trust(sim.ca_file, Path(tmp)) as reason:
            if reason:
                b.skipped["trust"] = reason
                print(f"\nDefault-trust rows skipped: {reason}")
            else:
                b.available.add("trust")
            results = main_section(b)
            targets_section(results)
            refusal_section(b)
        scale_section(b)
        if not args.quick:
            size_section(b)


def main(argv):
    args = parse_args(argv)
    preflight(args.builddir)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, raise_interrupt)
    started = time.monotonic()
    try:
        bench(args)
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
        return 130
    section("Summary")
    print(f"run time: {time.monotonic() - started:.0f} s")
    print(f"gaps: {len(GAPS)}" + "".join(f"\n  GAP {g}" for g in GAPS))
    print(f"failures: {len(FAILURES)}" + "".join(f"\n  FAIL {f}" for f in FAILURES))
    return 1 if FAILURES or (args.strict and GAPS) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
