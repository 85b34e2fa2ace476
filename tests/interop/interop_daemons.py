# SPDX-License-Identifier: GPL-3.0-or-later
"""Real third-party servers from Debian packages for the interop tests of the
proxy (squid, tinyproxy) and of a standard OAuth2 library (authlib, oauthlib),
the frame of every nginx configuration (nginx_config), plus the checks every
interop case makes.

Each daemon runs on 127.0.0.1, on a port chosen at run time, with its
configuration, logs and pid in a private temporary directory; it is stopped
by its PID (SIGTERM, then SIGKILL), and every wait is a bounded loop.

    with Squid(auth=("user", "pass")) as proxy:
        proxy.url()                    # http://127.0.0.1:PORT
        proxy.url(with_credentials=True)
        proxy.access_log()             # what squid logged so far

A missing package skips with its Debian name (tools/setup-debian --test
installs them all).
"""

import base64
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import plugin  # noqa: E402  (the integration tests' runner)
from plugin import PHASES  # noqa: E402
from ports import free_port, port_open  # noqa: E402  (tests/ports.py)

PYTHON = "/usr/bin/python3"
SQUID = "/usr/sbin/squid"
NCSA_AUTH = "/usr/lib/squid/basic_ncsa_auth"
TINYPROXY = "/usr/bin/tinyproxy"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0

# The proxy password and the client secret hold what breaks naive encoders:
# '+', '%', ':', '@', '/', and non-ASCII.
PROXY_USER = "px-user"
PROXY_PASSWORD = "px+Pa%25ss:w/rd@\u00e4-Q7"
# tinyproxy's BasicAuth line takes letters, digits, '.', '_' and '-' only.
TINYPROXY_PASSWORD = "px-Pa.ss_w0rd-Q7"
NASTY_SECRET = "s3cr+t%2B:p\u00e4ss w\u00f6rd/\u20ac=&?#-Kx9"


def need(path, package):
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} missing: apt-get install {package} (tools/setup-debian --test)")


VALGRIND = ("valgrind", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
             "--track-origins=yes", "-q")


def sanitizer_build():
    """The plugins were built with --enable-sanitizers (.ci/run does): valgrind
    cannot run them, and AddressSanitizer, built in, checks the same things."""
    with open(plugin.binary("ping"), "rb") as fh:
        return b"__asan_init" in fh.read()


def memcheck_wrapper():
    """How to run a plugin so that a memory error fails the run with 99:
    under valgrind, or as it is in a sanitizer build (CI sets ASan's and
    UBSan's exitcode=99)."""
    if sanitizer_build():
        return ()
    need("/usr/bin/valgrind", "valgrind")
    return VALGRIND


def need_module(module, package):
    try:
        __import__(module)
    except ImportError:
        pytest.skip(f"Python module {module} missing: apt-get install {package} "
                    "(tools/setup-debian --test)")


def stop_process(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(STOP_TIMEOUT)


def wait_listening(proc, port, what, log=None, host="127.0.0.1"):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if port_open(port, host):
            return
        time.sleep(0.05)
    stop_process(proc)
    text = Path(log).read_text(errors="replace")[-3000:] if log and Path(log).exists() else ""
    raise RuntimeError(f"{what} did not start (exit status {proc.returncode}):\n{text}")


def private_dir(prefix, owner=None):
    """A temporary directory; owned by `owner` when we are root (the daemon
    drops to that user and must write its logs there)."""
    directory = tempfile.mkdtemp(prefix=prefix)
    if owner and os.geteuid() == 0:
        entry = pwd.getpwnam(owner)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    os.chmod(directory, 0o755)
    return directory


def apr1(password):
    out = subprocess.run(["openssl", "passwd", "-apr1", "-stdin"], input=password.encode(),
                         stdout=subprocess.PIPE, check=True, timeout=30)
    return out.stdout.decode().strip()


class Daemon:
    """A daemon the test starts with start() and stops with stop(), as a
    context manager: one that did not start leaves nothing behind."""

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()  # a daemon that did not start leaves nothing behind
            raise
        return self

    def __exit__(self, *exc):
        self.stop()


class Proxy(Daemon):
    """A forward proxy on loopback; subclasses say how to run it."""

    name = "proxy"

    def __init__(self, auth=None, host="127.0.0.1"):
        self.auth = auth  # (user, password) or None
        self.host = host  # where it listens: 127.0.0.1 or ::1
        self.port = None
        self.dir = None
        self.proc = None

    def hostport(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def url(self, with_credentials=False, user=None, password=None):
        if with_credentials or user is not None:
            user = user if user is not None else self.auth[0]
            password = password if password is not None else self.auth[1]
            return (f"http://{quote(user, safe='')}:{quote(password, safe='')}"
                    f"@{self.hostport()}")
        return f"http://{self.hostport()}"

    def secrets(self):
        """Every form the proxy password can take on the wire or in a URL."""
        if not self.auth:
            return []
        user, password = self.auth
        raw = f"{user}:{password}".encode()
        return [password, quote(password, safe=""), base64.b64encode(raw).decode().rstrip("=")]

    def stop(self):
        stop_process(self.proc)
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


class Squid(Proxy):
    name = "squid"

    def start(self):
        need(SQUID, "squid")
        self.dir = private_dir("pt-interop-squid-", owner="proxy")
        self.port = free_port(self.host)
        d = Path(self.dir)
        lines = [
            f"http_port {self.hostport()}",
            "pid_filename none",
            f"cache_log {d}/cache.log",
            f"access_log stdio:{d}/access.log",
            "cache_store_log none",
            "netdb_filename none",
            "cache deny all",
            "cache_mem 8 MB",
            "visible_hostname interop-squid",
            "shutdown_lifetime 0 seconds",
            f"coredump_dir {d}",
            "cache_effective_user proxy",
            "dns_timeout 5 seconds",
        ]
        if self.auth:
            need(NCSA_AUTH, "squid")
            user, password = self.auth
            (d / "htpasswd").write_text(f"{user}:{apr1(password)}\n")
            os.chmod(d / "htpasswd", 0o644)
            lines += [
                f"auth_param basic program {NCSA_AUTH} {d}/htpasswd",
                "auth_param basic children 1 startup=1 idle=1",
                "auth_param basic realm interop",
                "acl authed proxy_auth REQUIRED",
                "http_access allow authed",
                "http_access deny all",
            ]
        else:
            lines.append("http_access allow all")
        (d / "squid.conf").write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen([SQUID, "-N", "-f", str(d / "squid.conf")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(d / "stderr.txt", "wb"), cwd=self.dir)
        wait_listening(self.proc, self.port, "squid", d / "cache.log", self.host)
        return self

    def access_log(self):
        path = Path(self.dir) / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Tinyproxy(Proxy):
    name = "tinyproxy"

    def start(self):
        need(TINYPROXY, "tinyproxy")
        self.dir = private_dir("pt-interop-tinyproxy-", owner="nobody")
        self.port = free_port(self.host)
        d = Path(self.dir)
        lines = [
            f"Port {self.port}",
            f"Listen {self.host}",
            "Timeout 30",
            f"LogFile \"{d}/tinyproxy.log\"",
            "LogLevel Info",
            "MaxClients 20",
            "Allow 127.0.0.1",
            "Allow ::1",
            "DisableViaHeader No",
        ]
        if os.geteuid() == 0:
            lines += ["User nobody", "Group nogroup"]
        if self.auth:
            user, password = self.auth
            assert re.fullmatch(r"[A-Za-z0-9._-]+", password), "tinyproxy cannot take it"
            lines.append(f"BasicAuth {user} {password}")
        (d / "tinyproxy.conf").write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen([TINYPROXY, "-d", "-c", str(d / "tinyproxy.conf")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(d / "stderr.txt", "wb"), cwd=self.dir)
        wait_listening(self.proc, self.port, "tinyproxy", d / "tinyproxy.log", self.host)
        return self

    def access_log(self):
        path = Path(self.dir) / "tinyproxy.log"
        return path.read_text(errors="replace") if path.exists() else ""


PROXIES = {"squid": Squid, "tinyproxy": Tinyproxy}
PASSWORDS = {"squid": PROXY_PASSWORD, "tinyproxy": TINYPROXY_PASSWORD}


class OAuth2Server(Daemon):
    """tests/interop/oauth2_server.py with one library."""

    def __init__(self, library, client_id, client_secret):
        self.library = library
        self.client_id = client_id
        self.client_secret = client_secret
        self.port = None
        self.proc = None
        self.dir = None

    def start(self):
        need_module(self.library, f"python3-{self.library}")
        self.dir = private_dir("pt-interop-oauth2-")
        d = Path(self.dir)
        secret = d / "secret"
        secret.write_text(self.client_secret, encoding="utf-8")
        os.chmod(secret, 0o600)
        ready = d / "ready.json"
        self.proc = subprocess.Popen(
            [PYTHON, str(HERE / "oauth2_server.py"), "--library", self.library,
             "--client-id", self.client_id, "--secret-file", str(secret),
             "--ready-file", str(ready), "--issued-file", str(d / "issued")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(d / "stderr.txt", "wb"))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and not ready.exists() and self.proc.poll() is None:
            time.sleep(0.02)
        if not ready.exists():
            stop_process(self.proc)
            raise RuntimeError(f"oauth2_server.py did not start:\n{self.stderr()}")
        self.port = json.loads(ready.read_text())["port"]
        return self

    def stderr(self):
        path = Path(self.dir) / "stderr.txt" if self.dir else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def issued(self):
        """Every token handed out so far."""
        path = Path(self.dir) / "issued"
        return path.read_text().split() if path.exists() else []

    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v3.8/distributor"

    def stop(self):
        stop_process(self.proc)
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


# ---- what every case checks ----------------------------------------------------

def nginx_config(d, http):
    """An nginx.conf for one master and one worker kept in d (d/tmp is made,
    writable by workers that run as nobody); http: what goes inside http {}."""
    (d / "tmp").mkdir(exist_ok=True)
    os.chmod(d / "tmp", 0o777)
    return f"""
daemon off;
master_process on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    root {d}/www;
    default_type application/json;
{http}
}}
"""


def secret_file(directory, content, name="secret"):
    path = Path(directory) / name
    path.write_text(content, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def check_case(r, state, summary_start, secrets=()):
    """State, first line, perfdata (the phases add up to time) and no secret
    in the output; returns r for more checks."""
    text = r.describe()
    assert r.rc == state, text
    service, _, rest = r.first_line.partition(" ")
    assert r.first_line.startswith(f"PRIOTICKET {r.first_line.split()[1]} "
                                   f"{plugin.STATE_NAMES[state]} - {summary_start}"), text
    assert service == "PRIOTICKET", text
    assert rest
    perf = r.perf
    if "time" in perf:
        phases = sum(perf[k].number for k in PHASES if k in perf)
        assert abs(phases - perf["time"].number) <= 2e-6, \
            f"phases add up to {phases:.6f}, time is {perf['time'].value}\n{text}"
        assert all(perf[k].number >= 0 for k in PHASES if k in perf), text
    for secret in secrets:
        if secret:
            assert secret not in r.output, f"a secret ({len(secret)} chars) leaked:\n{text}"
            assert secret.encode() not in r.raw_stdout + r.raw_stderr, text
    return r
