# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers of the hardening suite (tests/hardening).

- ``binaries()``: the two plugins, COPIED once per test session into a private
  directory.  Other engineers rebuild plugins/ while the suite runs; a copy
  taken when the build is consistent (the copy answers --version) keeps every
  run of the session on the same binary.  $PT_BUILDDIR/plugins is the source
  when set, else the repository's plugins/.
- ``run()``: one plugin run, a ``Result`` of tests/integration/plugin.py
  (whose credentials and simulator fixture the suite shares), with a clean
  environment, a FRESH MP_STATE_PATH (token cache isolation) unless one is
  given, a fresh working directory, a test-side timeout, and the child's own
  peak RSS (os.wait4's ru_maxrss).
- ``RawServer``: a tiny loopback HTTP server for answers the simulator cannot
  give (invalid UTF-8 without a NUL, raw control characters, forged header
  and status-line text, bodies of unknown length streamed forever).
- output checks shared by the test modules.
"""

import base64
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from plugin import (API_KEY, BUILDDIR, CLIENT_ID, CLIENT_SECRET, CRITICAL, OK,  # noqa: E402,F401
                    PLUGINS, STATE_NAMES, UNKNOWN, WARNING, Result)
from plugin import clean_env as plugin_clean_env  # noqa: E402

PREFIX = {"ping": "PRIOTICKET PING ", "status": "PRIOTICKET STATUS "}

# The simulator's tokens look like JWTs: base64url('{"alg"...}') starts with eyJ.
TOKEN_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")

_bin_lock = threading.Lock()
_bin_dir = None


def _snapshot(directory):
    """Copy both plugins into directory; True once both copies answer --version."""
    for name in PLUGINS.values():
        src = BUILDDIR / "plugins" / name
        dst = Path(directory) / name
        if not os.access(src, os.X_OK):
            return False
        try:
            shutil.copyfile(src, dst)
        except OSError:
            return False
        os.chmod(dst, 0o755)
    for name in PLUGINS.values():
        try:
            p = subprocess.run([str(Path(directory) / name), "--version"], capture_output=True,
                               timeout=10, env=clean_env("/", "/nonexistent"))
        except (OSError, subprocess.TimeoutExpired):
            return False
        if p.returncode != UNKNOWN or not p.stdout.startswith(name.encode() + b" "):
            return False
    return True


def binaries():
    """Directory holding this session's copies of the plugins (made on first use)."""
    global _bin_dir
    with _bin_lock:
        if _bin_dir is None:
            directory = tempfile.mkdtemp(prefix="pt-hardening-bin-")
            deadline = time.monotonic() + 60
            while not _snapshot(directory):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no usable plugin binaries in {BUILDDIR / 'plugins'} "
                                       "(build first, or set PT_BUILDDIR)")
                time.sleep(0.5)
            import atexit
            atexit.register(shutil.rmtree, directory, True)
            _bin_dir = directory
    return _bin_dir


def binary(plugin):
    return os.path.join(binaries(), PLUGINS.get(plugin, plugin))


# --------------------------------------------------------------------------
# Running a plugin

def clean_env(home, state_dir, extra=None):
    """tests/integration/plugin.py's clean environment with a fixed PATH, the
    C locale, state_dir as MP_STATE_PATH and no XDG_RUNTIME_DIR; extra adds
    to it (or with None removes from it)."""
    return plugin_clean_env(home, {"PATH": "/usr/bin:/bin", "LC_ALL": "C",
                                   "MP_STATE_PATH": state_dir, "XDG_RUNTIME_DIR": None,
                                   **(extra or {})})


TIME = "/usr/bin/time"


def run(plugin, args, *, env=None, timeout=30, state_dir=None, measure_rss=False):
    """Run a plugin to its end.  args may hold str or bytes.  A fresh HOME,
    working directory and (unless state_dir is given) MP_STATE_PATH per run.
    timeout bounds the test, not the plugin: on expiry the child is killed and
    the Result says timed_out (the caller asserts on it).

    maxrss_kb: with measure_rss, the plugin's own peak RSS from GNU time's %M
    (time itself is ~2 MB, so the figure is the plugin's); /usr/bin/time must
    be there (Debian package `time`).  os.wait4's ru_maxrss is no measure of
    the plugin: Linux carries it over from before the exec, so it is this
    Python process's size at fork, which grows with the suite."""
    home = tempfile.mkdtemp(prefix="pt-hard-home-")
    own_state = state_dir is None
    if own_state:
        state_dir = os.path.join(home, "state")
        os.mkdir(state_dir)
    full_env = clean_env(home, state_dir, env)
    argv = [binary(plugin)] + [a if isinstance(a, bytes) else str(a) for a in args]
    out_path, err_path = os.path.join(home, ".stdout"), os.path.join(home, ".stderr")
    rss_path = os.path.join(home, ".rss")
    use_time = measure_rss
    assert not measure_rss or os.access(TIME, os.X_OK), (
        f"{TIME} is missing: apt-get install time (tools/setup-debian --test does)")
    command = [TIME, "-f", "%M", "-o", rss_path] + argv if use_time else argv
    timed_out = []
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.monotonic()
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    env=full_env, cwd=home, start_new_session=True)

            def kill():
                timed_out.append(True)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            wall = time.monotonic() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
        with open(out_path, "rb") as fh:
            stdout = fh.read()
        with open(err_path, "rb") as fh:
            stderr = fh.read()
        maxrss = usage.ru_maxrss
        if use_time:
            maxrss, rc = _time_report(rss_path, proc.returncode)
            proc.returncode = rc
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return Result(argv, proc.returncode, stdout, stderr, wall, env=full_env, maxrss_kb=maxrss,
                  timed_out=bool(timed_out))


def _time_report(path, rc):
    """(peak RSS KiB, plugin's exit code or -signal) from GNU time's -o file."""
    try:
        with open(path) as fh:
            lines = fh.read().split("\n")
    except OSError:
        return -1, rc
    lines = [line for line in lines if line.strip()]
    rss = int(lines[-1]) if lines and lines[-1].strip().isdigit() else -1
    for line in lines:
        m = re.match(r"Command terminated by signal (\d+)", line)
        if m:
            rc = -int(m.group(1))
    return rss, rc


# --------------------------------------------------------------------------
# Output checks

LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def sanitation_problems(raw):
    """What is wrong with output that must be clean text: not UTF-8, NUL,
    C0 controls other than newline and tab, DEL, C1 controls, Unicode line
    separators.  Returns a list of findings ([] = clean)."""
    found = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        found.append(f"not valid UTF-8: {exc}")
        text = raw.decode("utf-8", "replace")
    for ch in sorted(set(text)):
        code = ord(ch)
        if ch in "\n\t":
            continue
        if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F or ch in ("\u2028", "\u2029"):
            at = text.index(ch)
            found.append(f"character U+{code:04X} at {at}: {text[max(0, at - 40):at + 40]!r}")
    return found


def basic_credentials(client_id=CLIENT_ID, secret=CLIENT_SECRET):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Basic credentials": basic, "Basic credentials (unpadded)": basic.rstrip("=")}


def tokens_seen(sim, state_dirs=()):
    """Every bearer token the simulator saw presented, plus any JWT-like
    string found in the token-cache files below state_dirs."""
    tokens = set()
    for q in sim.requests():
        for name, value in q["header_list"]:
            if name.lower() == "authorization" and value.lower().startswith("bearer "):
                tokens.add(value[7:].strip())
    for directory in state_dirs:
        for root, _, files in os.walk(directory):
            for name in files:
                try:
                    with open(os.path.join(root, name), "rb") as fh:
                        text = fh.read().decode("utf-8", "replace")
                except OSError:
                    continue
                tokens.update(m.group(0) for m in re.finditer(r"eyJ[A-Za-z0-9_.-]{16,}", text))
    return tokens


# --------------------------------------------------------------------------
# A raw HTTP server for answers the simulator cannot give

def _json_error(description_bytes, code=b"INTERNAL_SERVER_ERROR"):
    return (b'{"error":"' + code + b'","error_description":"' + description_bytes +
            b'","error_reference":"00000000-0000-4000-8000-000000000000","errors":["x"]}')


def _response(status_line, headers, body):
    head = [status_line] + [f"{k}: {v}".encode() if isinstance(v, str) else k.encode() + b": " + v
                            for k, v in headers]
    head.append(b"Content-Length: " + str(len(body)).encode())
    head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + body


JSON_CT = ("Content-Type", "application/json")


def _head_only(status_line, length_headers, body):
    """An answer whose framing headers are given verbatim (no computed length)."""
    return (status_line + b"\r\nContent-Type: application/json\r\n" + length_headers +
            b"\r\nConnection: close\r\n\r\n" + body)

# name -> bytes of the whole answer, or a callable(sock) that streams one.
RAW_CANNED = {
    # error text with invalid UTF-8 (no NUL before it): lone continuation
    # bytes, an overlong encoding, a UTF-16 surrogate, a 5-byte form, a
    # truncated sequence at the end
    "badutf8": _response(b"HTTP/1.1 500 Internal Server Error", [JSON_CT],
                         _json_error(b"bad \xff\xfe \x80\xbf \xc0\xaf \xed\xa0\x80 "
                                     b"\xf8\x88\x80\x80\x80 tail\xe2\x82")),
    # raw NUL and control bytes inside the JSON string (invalid JSON)
    "rawnul": _response(b"HTTP/1.1 500 Internal Server Error", [JSON_CT],
                        _json_error(b"before\x00after\x01\x07\x1b[31mred")),
    # escaped controls: ANSI escape, C1 controls, NEL, Unicode line and
    # paragraph separators, bidi override; a forged second line
    "escapes": _response(b"HTTP/1.1 503 Service Unavailable", [JSON_CT],
                         _json_error(b"a\\u001b[2Jb\\u0085c\\u009bd\\u2028INJECTED e\\u2029"
                                     b"INJECTED f\\u202eg\\u000bh\\u000ci\\rINJECTED | time=1s")),
    # a proxy's HTML page with NUL bytes, invalid UTF-8 and a forged perfdata
    "htmlproxy": _response(b"HTTP/1.1 502 Bad Gateway", [("Content-Type", "text/html")],
                           b"<html>\x00<title>502 \xff\xfe Bad Gateway</title>\r\n"
                           b"INJECTED | time=0s;1;2\n<body>proxy\x00error</body></html>"),
    # forged text in the status line's reason phrase and in a header value
    "reason": _response(b"HTTP/1.1 500 Bad | time=9s \xff\x01 Gateway",
                        [JSON_CT, ("X-Evil", b"a | time=9s\rINJECTED\x01\xff")],
                        _json_error(b"plain")),
    # deeply nested JSON (a parser that recurses could run out of stack)
    "deepjson": _response(b"HTTP/1.1 200 OK", [JSON_CT], b"[" * 200000 + b"]" * 200000),
    # a 200 whose one header line is 300 KB long
    "hugeheader": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Big: " +
                   b"a" * 300000 + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
    # hostile Content-Length values (the plugin reserves announced bodies)
    "clhuge": _head_only(b"HTTP/1.1 200 OK", b"Content-Length: 99999999999999999999999", b"{}"),
    "clint64": _head_only(b"HTTP/1.1 200 OK", b"Content-Length: 9223372036854775807", b"{}"),
    "clneg": _head_only(b"HTTP/1.1 200 OK", b"Content-Length: -5", b"{}"),
    "clshort": _head_only(b"HTTP/1.1 200 OK", b"Content-Length: 1048576", b"{}"),
    "cldup": _head_only(b"HTTP/1.1 200 OK", b"Content-Length: 2\r\nContent-Length: 1000000", b"{}"),
    # a gzip header, then garbage
    "gzipbad": _head_only(b"HTTP/1.1 200 OK", b"Content-Encoding: gzip\r\nContent-Length: 10",
                          b"\x1f\x8bgarbage!"),
}


def _stream(sock, head, chunk_fn, total=200 * 1000 * 1000, chunk=64 << 10):
    sock.sendall(head)
    sent = 0
    data = b"x" * chunk
    while sent < total:
        sock.sendall(chunk_fn(data))
        sent += chunk


def _chunked_forever(sock):
    """200 MB of chunked encoding (no Content-Length), 64 KiB a chunk."""
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    _stream(sock, head, lambda d: b"%x\r\n" % len(d) + d + b"\r\n")


def _until_close(sock):
    """200 MB without Content-Length, ended by closing the connection."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    _stream(sock, head, lambda d: d)


def _big_error(sock):
    """A 500 with a 200 MB (declared) error body streamed lazily."""
    total = 200 * 1000 * 1000
    head = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(total).encode() + b"\r\n\r\n")
    _stream(sock, head, lambda d: d, total=total)


RAW_STREAMS = {"chunked200mb": _chunked_forever, "close200mb": _until_close,
               "error200mb": _big_error}


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                part = sock.recv(4096)
                if not part:
                    return
                data += part
            line = data.split(b"\r\n", 1)[0].decode("latin-1")
            path = line.split(" ")[1] if line.count(" ") >= 2 else "/"
            m = re.match(r"^/raw/([a-z0-9]+)/", path)
            name = m.group(1) if m else ""
            self.server.log.append(path)
            if name in RAW_STREAMS:
                RAW_STREAMS[name](sock)
            elif name in RAW_CANNED:
                sock.sendall(RAW_CANNED[name])
            else:
                sock.sendall(_response(b"HTTP/1.1 404 Not Found", [JSON_CT], b"{}"))
        except OSError:
            pass  # the client hung up: expected for the streams


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class RawServer:
    """with RawServer() as raw: raw.base_url("badutf8") ->
    http://127.0.0.1:PORT/raw/badutf8/v3.8/distributor"""

    def __enter__(self):
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.log = []
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def base_url(self, name):
        return f"http://127.0.0.1:{self.port}/raw/{name}/v3.8/distributor"
