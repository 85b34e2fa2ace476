# SPDX-License-Identifier: GPL-3.0-or-later
"""Client side: 1,000 random or overlong command lines and ~100 random
extra-opts files never crash the plugins (exit 0-3, never a signal), the
first line is always the plugin's status line (or --help / --version text),
and an argument error is UNKNOWN on exactly ONE line.

The generator is random.Random(SEED) with a fixed SEED, so a failure
reproduces: the message names the seed, the case number and the argv.
`python3 tests/hardening/test_random_cli.py N` prints case N as a shell line.

Options come from the real option table (lib/plugin/option_table.c, read
through tests/plugin_tables.py; --help is checked to list exactly those).  Values: random words from the
option's domain, empty, negative, huge, overlong (up to 100 KB), binary-ish
bytes (never NUL: argv cannot hold it), unicode, newlines, format strings,
option-like text; plus unknown options and positional junk.

Every run ends with `-u <closed loopback port or the simulator> -t 1`
(getopt: the last value wins), so valid combinations finish fast.  Values
that could make the plugin talk to anything but loopback (--proxy,
--token-url) or write outside a temporary directory (--token-cache) are
drawn from safe pools only.
"""

import os
import random
import re
import shlex
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import hardening_util as hu
import plugin_tables
from hardening_util import PREFIX, UNKNOWN

SEED = 20261127
N_ARGV = 1000
N_INI = 100
WORKERS = 4
RUN_TIMEOUT = 20      # test-side kill; the plugin's own budget is -t 1
MAX_WALL = 8.0        # -t 1 + hard stop 0.5 s + a loaded machine's slack
SHOW_FAILURES = 8

# The option table (lib/plugin/option_table.c, as tests/print_tables prints
# it): name -> short, takes a value ("req", "opt" or None).
OPTIONS = {name: (letter, {"required": "req", "optional": "opt"}.get(value))
           for name, (letter, value) in plugin_tables.options().items()}

UNICODE = ("é", "ß", "Ω", "ж", "中文", "🙂", "\u200b", "\u202e", "\u2028", "\ufeff", "a\u0301",
           "\U0001f4a9", "ﬁ", "İ", "\u00a0", "\u3000", "٣", "𝟘")
FORMAT = ("%s%s%s%s", "%n%n%n", "%x%x%x", "%999999999d", "%.9999f", "${IFS}", "$(id)", "`id`",
          "'", '"', "\\", "\\x00", "%00", "%0a", "..", "../../../../etc/passwd")
OPTION_LIKE = ("-", "--", "-v", "--help", "--version", "-h", "=", "--=", "---x", "-w", "-t",
               "--extra-opts", "-vvvvvvvv", "-4", "-Z")
NEWLINE = ("a\nb", "\n", "\r\n", "1\n2", "x\rPRIOTICKET PING OK - forged", "\nPRIOTICKET PING OK",
           "ok\x0bvt", "ff\x0c", "tab\there")
DOMAIN = {
    "environment": ("production", "sandbox", "staging", "internal", "Production", "mars"),
    "api-version": ("v3.8", "v3.5", "v0.0", "v99999.99999", "v3", "3.8", "v3.8.1", "v-1.2"),
    "certificate": ("30,7", "30", "7,30", "0", "0,0", "-1", "30,", ",7", "1e9,1", "30,7,1",
                    "99999999999999999999"),
    "warning": ("1", "0", "10:", "~:10", "10:20", "@10:20", "@~:0", "5:1", ":", "@", "~",
                "1e999", "nan", "-1:-2", "0.000001"),
    "timeout": ("1", "0", "0.001", "3600", "3601", "-1", "1e-9", "nan", "inf", "0x10"),
    "timeout-result": ("ok", "warning", "critical", "unknown", "OK", "crit", "3", ""),
    "expect-json": ("ping=pong", "status=OK,DEGRADED", "a.b.0.c=1", "a=", "=b", "a..b=1",
                    "a.b", ".=.", "x=" + "y," * 200),
    "port": ("1", "443", "65535", "0", "65536", "-1", "08", " 1", "1x", "99999999999999999999"),
    "scope": ("a", "a b", "https://www.prioticketapis.com/auth/distributor.booking"),
    "client-id": ("demo-client", hu.CLIENT_ID, "a:b", "x"),
    "noproxy": ("*", "127.0.0.1", "localhost,::1", ","),
    "token-body": ("json", "form", "JSON", "", "form,json", "xml"),
    "hostname": ("localhost", "127.0.0.1", "::1", "[::1]", "a..b", "-x", "ex ample"),
    "http-version": ("1.1", "2", "1.0", "3", "", "2.0", "h2", "1.1 "),
    "connect-to": ("127.0.0.1:1", "[::1]:1", "localhost:1", "127.0.0.1", "::1:1", ":1", "a:0",
                   "[::1]", "x" * 300 + ":1", "a:b:c:d"),
    # json and prometheus are left out: every case here expects a status line
    "output-format": ("nagios", "NAGIOS", "Json", "xml", "json ", ""),
}


# Values that pass validation, for the "mostly valid" share of the cases, so
# that the runs also reach the network code (timeouts, token flow, errors).
VALID = {
    "environment": ("production", "sandbox", "staging", "internal"),
    "api-version": ("v3.8", "v3.5"),
    "warning": ("1", "0.5", "10:", "~:10", "@10:20", "0:100"),
    "critical": ("2", "~:20", "@20:30", "0:200"),
    "timeout-result": ("ok", "warning", "critical", "unknown"),
    "expect-json": ("ping=pong", "status=OK,DEGRADED", "services.api=OK", "a.0.b=1"),
    "scope": ("a", "https://www.prioticketapis.com/auth/distributor.booking"),
    "noproxy": ("*", "127.0.0.1", "localhost,::1"),
    "http-version": ("1.1", "2"),
    "connect-to": ("127.0.0.1:1",),
    "token-body": ("json", "form"),
}
VALID_FLAGS = ("--ipv4", "--no-token-cache", "-v", "-vv", "-vvv", "--insecure")


def gen_valid_items(rng):
    argv = []
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.3:
            argv.append(rng.choice(VALID_FLAGS))
        else:
            name = rng.choice(list(VALID))
            value = rng.choice(VALID[name])
            argv += [f"--{name}={value}"] if rng.random() < 0.5 else [f"--{name}", value]
    return argv


class World:
    """Paths and ports a generated case may refer to."""

    def __init__(self, root, closed_port, sim_port):
        self.root = Path(root)
        self.closed = closed_port
        self.sim_port = sim_port
        secret = self.root / "secret"
        secret.write_text(hu.CLIENT_SECRET + "\n")
        os.chmod(secret, 0o600)
        world = self.root / "world-readable"
        world.write_text(hu.CLIENT_SECRET)
        os.chmod(world, 0o644)
        (self.root / "cache").mkdir(exist_ok=True)
        self.files = [str(secret), str(world), "/etc/passwd", "/dev/null", "/nonexistent/x",
                      str(self.root), str(self.root / "cache"), "", ".", "relative/file"]
        self.ini_dir = self.root / "ini"
        self.ini_dir.mkdir(exist_ok=True)

    def loopback_urls(self):
        c, s = self.closed, self.sim_port
        return (f"http://127.0.0.1:{c}/v3.8/distributor", f"https://127.0.0.1:{c}/v3.8/distributor",
                f"http://[::1]:{c}/v3.8/distributor", f"http://127.0.0.1:{s}/v3.8/distributor",
                f"http://user:pass@127.0.0.1:{c}/x", f"http://127.0.0.1:{c}/a?b=c#d",
                f"http://127.0.0.1:{s}/v3.8/distributor/oauth2/token", "http://", "https://",
                "http://127.0.0.1:99999/", "http://127.0.0.1:0/", "file:///etc/passwd",
                "ftp://127.0.0.1/", "gopher://127.0.0.1:1/", "http:/127.0.0.1", "HTTP://127.0.0.1:1/",
                f"http://127.0.0.1:{c}/" + "a" * 5000)

    def proxies(self):
        c = self.closed
        return (f"http://127.0.0.1:{c}", f"socks5://127.0.0.1:{c}", f"socks5h://127.0.0.1:{c}",
                f"http://[::1]:{c}", f"127.0.0.1:{c}", ":::", "http://[::1", "socks9://127.0.0.1:1",
                "http://127.0.0.1:99999", "\x01bad", "A" * 3000)


def gen_value(rng, world, option=None):
    """A random value for option (None: any value).  str or bytes."""
    kind = rng.random()
    if option in ("proxy",):
        return rng.choice(world.proxies())
    if option in ("token-url", "base-url") and kind < 0.7:
        return rng.choice(world.loopback_urls())
    if option == "token-url":
        # anything but a URL with a host name (which would need DNS)
        return rng.choice(("", "x", "127.0.0.1", "/oauth2/token", "\x01", "é" * 100))
    if option == "token-cache":
        return rng.choice((str(world.root / "cache"), str(world.root / "cache" / "sub"),
                           str(world.root / "secret"), "relative", "", "/dev/null",
                           str(world.root / ("é" * 50)), str(world.root / ("x" * 5000))))
    if option in ("client-secret-file", "api-key-file", "ca-file", "ca-path") and kind < 0.6:
        return rng.choice(world.files)
    if option == "extra-opts" and kind < 0.5:
        return rng.choice(("", "nosuch", "@/nonexistent", "@", "@@", "check_prioticket_ping@/dev/null",
                           "a@" + str(world.root / "secret"), "x" * 300))
    if option in DOMAIN and kind < 0.5:
        return rng.choice(DOMAIN[option])
    kind = rng.random()
    if kind < 0.08:
        return ""
    if kind < 0.16:
        return "-" + rng.choice(("1", "0", "0.5", "99999999999999999999", "1e308", "inf"))
    if kind < 0.24:
        return rng.choice(("9" * rng.randint(10, 400), "1e999", "1e308", "18446744073709551616",
                           "0x7fffffff", "4294967296", "1" + "0" * 1000, "0." + "0" * 500 + "1"))
    if kind < 0.34:
        length = rng.choice((257, 1025, 4097, 8193, 65536, 100000))
        return rng.choice(("A", "9", "x/", "%", "é", "a,", "a=", "1:", "@")) * (length // 2)
    if kind < 0.44:
        return bytes(rng.randint(1, 255) for _ in range(rng.randint(1, 300)))
    if kind < 0.54:
        return "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 40)))
    if kind < 0.62:
        return rng.choice(FORMAT)
    if kind < 0.72:
        return rng.choice(NEWLINE)
    if kind < 0.78:
        return rng.choice(OPTION_LIKE)
    if kind < 0.86:
        return rng.choice(world.files)
    if kind < 0.93:
        pool = [v for values in DOMAIN.values() for v in values]
        return rng.choice(pool)
    return "".join(rng.choice("abcxyz0123456789.:,=@~-_/ ") for _ in range(rng.randint(1, 30)))


def join_bytes(prefix, value):
    if isinstance(value, bytes):
        return prefix.encode() + value
    return prefix + value


def gen_item(rng, world):
    """One to three argv words."""
    kind = rng.random()
    names = list(OPTIONS)
    if kind < 0.55:
        name = rng.choice(names)
        short, arg = OPTIONS[name]
        spelled = name
        if rng.random() < 0.1 and len(name) > 3:
            spelled = name[:rng.randint(3, len(name) - 1)]   # getopt's unique prefixes
        if arg is None:
            return ["--" + spelled] if rng.random() < 0.9 else ["--" + spelled + "=x"]
        value = gen_value(rng, world, name)
        form = rng.random()
        if form < 0.45:
            return [join_bytes("--" + spelled + "=", value)]
        if form < 0.9:
            return ["--" + spelled, value]
        return ["--" + spelled]                               # value missing
    if kind < 0.72:
        shorts = [(n, s, a) for n, (s, a) in OPTIONS.items() if s]
        name, short, arg = rng.choice(shorts)
        if arg is None:
            flags = "".join(rng.choice("vv46") for _ in range(rng.randint(1, 5)))
            return ["-" + (short + flags if short in "v46" else short)]
        value = gen_value(rng, world, name)
        if rng.random() < 0.5:
            return ["-" + short, value]
        return [join_bytes("-" + short, value)]
    if kind < 0.82:
        junk = rng.choice(("bogus", "client_secret", "clientsecret", "timeout-results", "x",
                           "warn-ing", "é", "", "=", "v" * 200))
        word = rng.choice(("--", "-")) + junk
        return [word] if rng.random() < 0.5 else [word + "=" + "1"]
    if kind < 0.92:
        return [gen_value(rng, world)]                        # positional junk
    return [rng.choice(OPTION_LIKE)]


def suffix(rng, world):
    """Where the run goes: a closed loopback port, or the simulator."""
    c, s = world.closed, world.sim_port
    if rng.random() < 0.5:
        url = f"http://127.0.0.1:{c}/v3.8/distributor"
        extra = []
    else:
        scenario = rng.choice(("", "", "status=500", "status=401", "delay=3", "body=inject,status=503",
                               "token_status=401", "body=html,status=502", "body=trickle"))
        prefix = f"/sim/{scenario}" if scenario else ""
        url = f"http://127.0.0.1:{s}{prefix}/v3.8/distributor"
        extra = ([] if rng.random() < 0.5 else
                 ["--client-id", hu.CLIENT_ID, "--client-secret-file", world.files[0]])
    return extra + ["-u", url, "-t", "1"]


def gen_argv(rng, world):
    argv = []
    if rng.random() < 0.3:
        argv = gen_valid_items(rng)
        if rng.random() < 0.3:
            argv += gen_item(rng, world)      # one random item among valid ones
        rng.shuffle(argv)
    else:
        for _ in range(rng.randint(0, 10)):
            argv += gen_item(rng, world)
    # keep below the kernel's limits (128 KiB a word, 2 MiB in all)
    total = 0
    kept = []
    for word in argv:
        total += len(word)
        if total > 400_000:
            break
        kept.append(word)
    return kept + suffix(rng, world)


# ---- extra-opts files ------------------------------------------------------

def gen_clean_ini(rng, section):
    """An ini file that should parse: valid keys and values, comments,
    blank lines, other sections, optional BOM, any line ending."""
    eol = rng.choice((b"\n", b"\r\n"))
    lines = [b"\xef\xbb\xbf# bom"] if rng.random() < 0.3 else []
    lines += [b"[other]", b"warning=abc"] if rng.random() < 0.3 else []
    lines.append(f"[{section}]".encode())
    for _ in range(rng.randint(0, 8)):
        kind = rng.random()
        if kind < 0.6:
            name = rng.choice(list(VALID))
            lines.append(f"{name}{rng.choice(('=', ' = ', '= '))}{rng.choice(VALID[name])}".encode())
        elif kind < 0.8:
            lines.append(rng.choice((b"no-token-cache=", b"ipv4=", b"verbose=", b"insecure=")))
        else:
            lines.append(rng.choice((b"# comment", b"; comment", b"", b"   ")))
    return eol.join(lines) + eol


def gen_ini(rng, world, section):
    if rng.random() < 0.5:
        return gen_clean_ini(rng, section)
    out = bytearray()
    if rng.random() < 0.2:
        out += b"\xef\xbb\xbf"
    eol = rng.choice((b"\n", b"\n", b"\r\n", b"\r"))
    lines = []
    if rng.random() < 0.85:
        lines.append(f"[{section}]".encode())
    for _ in range(rng.randint(0, 25)):
        kind = rng.random()
        if kind < 0.45:
            name = rng.choice(list(OPTIONS)) if rng.random() < 0.9 else rng.choice(
                ("bogus", "é", "", "extra-opts", "Warning", "client_secret"))
            value = gen_value(rng, world, name)
            if isinstance(value, str):
                value = value.encode("utf-8", "surrogateescape")
            sep = rng.choice((b"=", b" = ", b"= ", b"\t=\t", b"=="))
            lines.append(name.encode() + sep + value.replace(b"\n", b" ").replace(b"\r", b" "))
        elif kind < 0.55:
            lines.append(rng.choice((b"[", b"[]", b"[ " + section.encode() + b" ]", b"[other]",
                                     b"[check_prioticket_ping]", b"[check_prioticket_status]",
                                     "[é🙂]".encode(), b"[" + b"s" * 5000 + b"]",
                                     f"[{section}]".encode())))
        elif kind < 0.65:
            lines.append(rng.choice((b"# comment", b"; comment", b"", b"   ", b"\t", b"no equals sign",
                                     b"=value", b"key", b" key=value", b"#=", b"[section] trailing")))
        elif kind < 0.75:
            lines.append(rng.choice((b"warning=", b"verbose", b"x") )
                         + b"=" + rng.choice((b"A", b"9", b"=")) * rng.choice((4097, 20000, 100000)))
        elif kind < 0.88:
            lines.append(bytes(rng.randint(1 if rng.random() < 0.7 else 0, 255)
                               for _ in range(rng.randint(1, 200))))
        else:
            lines.append(b"warning=" + "".join(rng.choice(UNICODE) for _ in range(10)).encode())
    out += eol.join(lines)
    if rng.random() < 0.8:
        out += eol
    return bytes(out)


def gen_ini_case(rng, world, index):
    section = rng.choice(("hard", "check_prioticket_ping", "s" * 100, "é", "a b", "x.y"))
    path = world.ini_dir / f"case{index:03d}.ini"
    content = gen_ini(rng, world, section)
    opt = rng.choice((f"--extra-opts={section}@{path}", f"--extra-opts=@{path}",
                      f"--extra-opts={section}@{path}"))
    argv = [opt]
    if rng.random() < 0.3:
        argv += gen_item(rng, world)
    return path, content, argv + suffix(rng, world)


def generate(world):
    """(argv cases, ini cases) for SEED: deterministic for a given world."""
    rng = random.Random(SEED)
    plugins = [rng.choice(("ping", "ping", "status")) for _ in range(N_ARGV + N_INI)]
    argv_cases = [(plugins[i], gen_argv(rng, world)) for i in range(N_ARGV)]
    ini_cases = []
    for i in range(N_INI):
        path, content, argv = gen_ini_case(rng, world, i)
        ini_cases.append((plugins[N_ARGV + i], path, content, argv))
    return argv_cases, ini_cases


# ---- checks ----------------------------------------------------------------

HELP_FIRST = re.compile(r"^check_prioticket_(ping|status) \d+\.\d+")


def judge(plugin, r):
    """[] when the run is fine, else the list of what is wrong."""
    wrong = []
    if r.timed_out:
        return [f"did not end within {RUN_TIMEOUT} s (killed by the test)"]
    if r.rc < 0:
        return [f"killed by signal {-r.rc}"]
    if r.rc > 3:
        wrong.append(f"exit code {r.rc} is not 0-3")
    first = r.first_line
    is_help = r.rc == UNKNOWN and HELP_FIRST.match(first)
    if not first.startswith(PREFIX[plugin]) and not is_help:
        wrong.append(f"first line {first[:200]!r} is neither a status line nor --help/--version")
    if r.rc == UNKNOWN and first.startswith(PREFIX[plugin]) and "|" not in first:
        # an argument error (no check ran, so no perfdata): exactly one line
        if r.raw_stdout.count(b"\n") != 1 or not r.raw_stdout.endswith(b"\n") \
                or b"\r" in r.raw_stdout:
            wrong.append(f"argument error is not exactly one line: {r.raw_stdout[:300]!r}")
    if r.wall > MAX_WALL:
        wrong.append(f"ran {r.wall:.2f} s with -t 1")
    return wrong


def show(argv):
    words = [w if isinstance(w, str) else os.fsdecode(w) for w in argv]
    words = [w if len(w) <= 120 else f"{w[:120]}...<{len(w)} chars>" for w in words]
    return " ".join(shlex.quote(w) for w in words)


def run_all(cases):
    """cases: [(label, plugin, argv)] -> [(label, plugin, argv, Result, wrong)] of failures."""
    def one(case):
        label, plugin, argv = case
        r = hu.run(plugin, argv, timeout=RUN_TIMEOUT)
        return label, plugin, argv, r, judge(plugin, r)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(one, cases))
    return results


def report(results, what):
    failures = [x for x in results if x[4]]
    lines = [f"{len(failures)} of {len(results)} {what} failed (seed {SEED}); first "
             f"{min(len(failures), SHOW_FAILURES)}:"]
    for label, plugin, argv, r, wrong in failures[:SHOW_FAILURES]:
        shown = [w if len(w) <= 200 else w[:200] + (b"..." if isinstance(w, bytes) else "...")
                 for w in argv]
        lines.append(f"--- {label} ({PREFIX[plugin].strip()}): {'; '.join(wrong)}\n"
                     f"    argv: {hu.PLUGINS[plugin]} {show(argv)}\n"
                     f"    argv (repr): {shown!r}\n"
                     f"    exit {r.rc}, stdout: {r.raw_stdout[:400]!r}")
    return failures, "\n".join(lines)


# ---- tests -----------------------------------------------------------------

@pytest.fixture(scope="module")
def world(sim, closed_port, tmp_path_factory):
    root = tmp_path_factory.mktemp("random-cli")
    os.chmod(root, 0o755)
    return World(root, closed_port, sim.port)


def test_option_table_matches_help():
    """--help lists exactly the options of the table the generator reads."""
    r = hu.run("ping", ["--help"], timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    longs = set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]+)", r.stdout))
    shorts = set(re.findall(r"(?m)^\s+-([A-Za-z0-9]),? ", r.stdout)) | \
        set(re.findall(r"(?:^|\s)-([A-Za-z0-9]), --", r.stdout))
    assert set(OPTIONS) <= longs, f"not in --help: {set(OPTIONS) - longs}"
    assert longs - set(OPTIONS) <= {"help"}, f"options missing from the table: {longs - set(OPTIONS)}"
    table_shorts = {s for s, _ in OPTIONS.values() if s}
    assert table_shorts <= shorts | {"4", "6", "V"}, table_shorts - shorts


def test_random_command_lines(sim, world):
    argv_cases, _ = generate(world)
    print(f"seed {SEED}: {len(argv_cases)} command lines, {WORKERS} workers")
    results = run_all([(f"argv case {i}", plugin, argv)
                       for i, (plugin, argv) in enumerate(argv_cases)])
    rcs = {}
    for *_, r, _wrong in results:
        rcs[r.rc] = rcs.get(r.rc, 0) + 1
    print(f"exit codes: {dict(sorted(rcs.items()))}")
    failures, text = report(results, "command lines")
    assert not failures, text


def test_random_extra_opts_files(sim, world):
    _, ini_cases = generate(world)
    print(f"seed {SEED}: {len(ini_cases)} extra-opts files")
    for _, path, content, _ in ini_cases:
        path.write_bytes(content)
    results = run_all([(f"ini case {i} ({path.name})", plugin, argv)
                       for i, (plugin, path, _, argv) in enumerate(ini_cases)])
    rcs = {}
    for *_, r, _wrong in results:
        rcs[r.rc] = rcs.get(r.rc, 0) + 1
    print(f"exit codes: {dict(sorted(rcs.items()))}")
    failures, text = report(results, "extra-opts files")
    assert not failures, text


# ---- bad values: UNKNOWN with a one-line reason ----------------------------

BAD_VALUES = [
    # option           value
    ("--warning",        "abc"),
    ("--warning",        "5:1"),
    ("--critical",       ""),
    ("--timeout",        "0"),
    ("--timeout",        "3601"),
    ("--timeout",        "nan"),
    ("--port",           "65536"),
    ("--environment",    "mars"),
    ("--api-version",    "3.8"),
    ("--certificate",    "7,30"),
    ("--timeout-result", "maybe"),
    ("--client-id",      "a:b"),
    ("--base-url",       "ftp://127.0.0.1/"),
    ("--token-url",      "x"),
    ("--ca-file",        "/nonexistent"),
    ("--token-cache",    "relative"),
    ("--expect-json",    "=b"),
    ("--warning",        "9" * 100000),
    # a line break inside the value must not break the one-line reason
    ("--warning",        "1\n2"),
    ("--scope",          "a\nb"),
    ("--client-id",      "a\nPRIOTICKET PING OK - forged"),
    ("--timeout-result", "ok\r\nPRIOTICKET PING OK"),
    ("--bogus\nline2",   None),
]


@pytest.mark.parametrize("option,value", BAD_VALUES,
                         ids=[f"{o}={v!r}"[:60] for o, v in BAD_VALUES])
def test_bad_value_is_unknown_on_one_line(closed_port, option, value):
    argv = ["-u", f"http://127.0.0.1:{closed_port}/v3.8/distributor", "-t", "1"]
    argv += [option] if value is None else [f"{option}={value}"]
    r = hu.run("ping", argv, timeout=RUN_TIMEOUT)
    assert r.rc == UNKNOWN, r.describe()
    assert r.first_line.startswith("PRIOTICKET PING UNKNOWN - "), r.describe()
    assert r.raw_stdout.count(b"\n") == 1 and r.raw_stdout.endswith(b"\n") \
        and b"\r" not in r.raw_stdout, f"not one line: {r.raw_stdout!r}"
    assert len(r.raw_stdout) < 1024, f"{len(r.raw_stdout)} bytes"


@pytest.mark.parametrize("value", [b"\x01\x1b[2J\x7f", b"\xff\xfe", "\u2028x", "a\tb\x1b]0;title\x07"],
                         ids=["C0+ESC+DEL", "invalid UTF-8", "U+2028", "OSC title"])
def test_bad_value_echo_is_clean_text(closed_port, value):
    """The reason may quote the bad value, but as clean text: no terminal
    escapes, no control characters, valid UTF-8 (the same rule as for text
    from the server)."""
    r = hu.run("ping", ["-u", f"http://127.0.0.1:{closed_port}/v3.8/distributor", "-t", "1",
                        join_bytes("--timeout=", value)], timeout=RUN_TIMEOUT)
    assert r.rc == UNKNOWN, r.describe()
    problems = hu.sanitation_problems(r.raw_stdout)
    assert not problems, f"{problems}\n{r.raw_stdout!r}"


@pytest.mark.parametrize("proxy", [":::", "http://", "http://[::1", "http://127.0.0.1:99999"])
def test_malformed_proxy_is_an_argument_error(closed_port, proxy):
    """A --proxy that is not a proxy URL is a bad argument (UNKNOWN, one line),
    not a 'cannot resolve host' CRITICAL of the service."""
    r = hu.run("ping", ["-u", f"http://127.0.0.1:{closed_port}/v3.8/distributor", "-t", "1",
                        "--proxy", proxy], timeout=RUN_TIMEOUT)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()


if __name__ == "__main__":
    # Print generated case N (argv cases 0..999, then ini cases 1000..1099)
    # against placeholder ports, for reproduction by hand.
    index = int(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        w = World(tmp, 9, 8080)
        argv_cases, ini_cases = generate(w)
        if index < N_ARGV:
            plugin, argv = argv_cases[index]
            print(hu.PLUGINS[plugin], show(argv))
        else:
            plugin, path, content, argv = ini_cases[index - N_ARGV]
            print(f"# {path}: {content[:500]!r}")
            print(hu.PLUGINS[plugin], show(argv))
