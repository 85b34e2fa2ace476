# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness for the graphite engine test: a private carbon-cache
(graphite-carbon), a private graphite-web and Icinga Web's graphite module
driven from PHP CLI (graphite_render.php). Each daemon runs as the current
user in a private directory on free loopback ports, is stopped by PID
(stop_process), and every wait is bounded. (A plainly named module rather
than conftest.py, like engine_harness.py.)"""

import json
import os
import struct
import subprocess
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

from engine_harness import stop_process, tail, wait_for
from ports import free_port, port_open

HERE = Path(__file__).resolve().parent
PYTHON = "/usr/bin/python3"
CARBON_CACHE = "/usr/bin/carbon-cache"
GRAPHITE_WSGI = "/usr/share/graphite-web/graphite.wsgi"
GRAPHITE_MODULE = "/usr/share/icingaweb2/modules/graphite"
ICINGAWEB_LIBRARY = "/usr/share/php/Icinga/Application/EmbeddedWeb.php"
PHP = "/usr/bin/php"
TEMPLATE = HERE.parents[1] / "contrib" / "icingaweb2" / "graphite" / "prioticket.ini"

# What the chain needs, file -> Debian package (the skip reason names them).
REQUIRED = {
    CARBON_CACHE: "graphite-carbon",
    GRAPHITE_WSGI: "graphite-web",
    GRAPHITE_MODULE + "/module.info": "icingaweb2-module-graphite",
    ICINGAWEB_LIBRARY: "php-icinga (pulled in by icingaweb2-module-graphite)",
    PHP: "php-cli",
}

# Whisper's resolution: one point per 5 s, kept for 2 h.
STEP = 5


def missing_packages():
    """Debian packages (by name) whose files are absent, in order."""
    missing = []
    for path, package in REQUIRED.items():
        if not os.path.exists(path) and package not in missing:
            missing.append(package)
    try:
        import cairo  # noqa: F401 - graphite-web renders PNGs with it
    except ImportError:
        missing.append("python3-cairo")
    if os.path.exists(PHP):
        res = subprocess.run([PHP, "-r", "exit(function_exists('curl_init') ? 0 : 1);"],
                             capture_output=True, timeout=60, check=False)
        if res.returncode != 0:
            missing.append("php-curl")
    if not os.path.isdir("/usr/share/fonts/truetype/dejavu"):
        missing.append("fonts-dejavu-core")
    return missing


class Carbon:
    """carbon-cache in the foreground (--nodaemon), as a child."""

    def __init__(self, root):
        self.root = Path(root)
        self.storage = self.root / "storage"
        self.whisper = self.storage / "whisper"
        for d in (self.whisper, self.root / "log", self.root / "conf",
                  self.root / "run"):
            d.mkdir(parents=True, exist_ok=True)
        self.line_port = free_port()
        self.pickle_port = free_port()
        self.query_port = free_port()
        self.conf = self.root / "conf" / "carbon.conf"
        self.stdout = self.root / "log" / "stdout.log"
        self.proc = None
        (self.root / "conf" / "storage-schemas.conf").write_text(
            "[everything]\npattern = .*\nretentions = %ds:2h\n" % STEP)
        self.conf.write_text("""\
[cache]
STORAGE_DIR = {storage}/
LOCAL_DATA_DIR = {whisper}/
WHITELISTS_DIR = {storage}/lists/
CONF_DIR = {conf}/
LOG_DIR = {log}/
PID_DIR = {run}/
DATABASE = whisper
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = {line}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = {pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = {query}
USE_FLOW_CONTROL = True
LOG_UPDATES = False
LOG_CREATES = True
CACHE_WRITE_STRATEGY = sorted
WHISPER_AUTOFLUSH = True
WHISPER_FALLOCATE_CREATE = False
CARBON_METRIC_INTERVAL = 0
""".format(storage=self.storage, whisper=self.whisper,
           conf=self.root / "conf", log=self.root / "log",
           run=self.root / "run", line=self.line_port,
           pickle=self.pickle_port, query=self.query_port))

    def start(self, timeout=60):
        out = open(str(self.stdout), "wb")
        try:
            self.proc = subprocess.Popen(
                [PYTHON, CARBON_CACHE, "--config=%s" % self.conf, "--nodaemon",
                 "--logdir=%s" % (self.root / "log"),
                 "--pidfile=%s" % (self.root / "run" / "carbon-cache.pid"),
                 "start"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=str(self.root))
        finally:
            out.close()

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("carbon-cache exited with %s:\n%s"
                                     % (self.proc.returncode, self.diagnostics()))
            return port_open(self.line_port) and port_open(self.query_port)
        wait_for("carbon-cache listening", up, timeout, 0.2)

    def stop(self):
        stop_process(self.proc)

    def diagnostics(self):
        logs = sorted((self.root / "log").rglob("*.log"))
        return "\n".join("--- %s:\n%s" % (p, tail(p, 30)) for p in logs)


class GraphiteWeb:
    """Debian's graphite-web with a private settings module (named by
    GRAPHITE_SETTINGS_MODULE), a private sqlite database made with
    `django-admin migrate --run-syncdb`, served by graphite_wsgi.py."""

    def __init__(self, root, carbon):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "log").mkdir(exist_ok=True)
        self.port = free_port()
        self.request_log = self.root / "requests.jsonl"
        self.stdout = self.root / "log" / "stdout.log"
        self.proc = None
        settings = self.root / "prioticket_graphite_settings.py"
        settings.write_text("""\
SECRET_KEY = {secret!r}
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
TIME_ZONE = 'UTC'
LOG_ROTATION = False
LOG_RENDERING_PERFORMANCE = False
LOG_CACHE_PERFORMANCE = False
DEFAULT_XFILES_FACTOR = 0
GRAPHITE_ROOT = '/usr/share/graphite-web'
CONF_DIR = {root!r}
STORAGE_DIR = {storage!r}
STATIC_ROOT = '/usr/share/graphite-web/static'
LOG_DIR = {log!r}
INDEX_FILE = {index!r}
WHISPER_DIR = {whisper!r}
STANDARD_DIRS = [{whisper!r}]
CARBONLINK_HOSTS = ['127.0.0.1:{query}']
FUNCTION_PLUGINS = []
DATABASES = {{'default': {{'NAME': {db!r},
                           'ENGINE': 'django.db.backends.sqlite3'}}}}
""".format(secret=os.urandom(16).hex(), root=str(self.root),
           storage=str(carbon.storage), log=str(self.root / "log"),
           index=str(self.root / "search_index"),
           whisper=str(carbon.whisper) + "/", query=carbon.query_port,
           db=str(self.root / "graphite.db")))
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PRIOTICKET_", "DJANGO_", "GRAPHITE_"))}
        self.env.update({
            "PYTHONPATH": str(self.root),
            "GRAPHITE_SETTINGS_MODULE": "prioticket_graphite_settings",
            "DJANGO_SETTINGS_MODULE": "graphite.settings",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
        })

    def migrate(self):
        res = subprocess.run(
            [PYTHON, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
            capture_output=True, text=True, env=self.env, timeout=180,
            check=False, cwd=str(self.root))
        assert res.returncode == 0, "django-admin migrate failed:\n%s%s" % (
            res.stdout, res.stderr)

    def start(self, timeout=60):
        out = open(str(self.stdout), "wb")
        try:
            self.proc = subprocess.Popen(
                [PYTHON, str(HERE / "graphite_wsgi.py"), str(self.port),
                 str(self.request_log)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, start_new_session=True, cwd=str(self.root))
        finally:
            out.close()

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("graphite-web exited with %s:\n%s"
                                     % (self.proc.returncode, tail(self.stdout)))
            return self.get("/metrics/find", {"query": "*"}) is not None
        wait_for("graphite-web answering", up, timeout, 0.3)

    def stop(self):
        stop_process(self.proc)

    @property
    def url(self):
        return "http://127.0.0.1:%d/" % self.port

    def get(self, path, params, timeout=30):
        """GET path?params (params: dict or list of pairs); bytes."""
        query = urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen("http://127.0.0.1:%d%s?%s"
                                    % (self.port, path, query),
                                    timeout=timeout) as resp:
            return resp.read()

    def expand(self, query):
        return json.loads(self.get("/metrics/expand", {"query": query}))["results"]

    def render_requests(self):
        """Every /render request so far, as parsed query lists."""
        out = []
        if not self.request_log.exists():
            return out
        for line in self.request_log.read_text().splitlines():
            entry = json.loads(line)
            if entry["path"].rstrip("/") == "/render":
                out.append(urllib.parse.parse_qsl(entry["query"],
                                                  keep_blank_values=True))
        return out


class IcingaWebGraphite:
    """A private Icinga Web 2 configuration directory with the graphite
    module enabled, pointing at our graphite-web, with our template where
    the Debian package installs it (modules/graphite/templates/)."""

    def __init__(self, root, graphite_web):
        self.root = Path(root)
        self.config = self.root / "icingaweb2"
        self.out = self.root / "png"
        self.out.mkdir(parents=True)
        (self.config / "enabledModules").mkdir(parents=True)
        os.symlink(GRAPHITE_MODULE, str(self.config / "enabledModules" / "graphite"))
        mod = self.config / "modules" / "graphite"
        (mod / "templates").mkdir(parents=True)
        os.symlink(str(TEMPLATE), str(mod / "templates" / "prioticket.ini"))
        (mod / "config.ini").write_text('[graphite]\nurl = "%s"\n'
                                        % graphite_web.url)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("PRIOTICKET_")}
        self.env.update({"HOME": str(self.root), "TZ": "UTC", "LC_ALL": "C"})

    def render(self, host, service, check_command, start, end, tag):
        """Charts of one service, rendered by the module: list of dicts
        (template, default, metrics, png)."""
        out = self.out / tag
        out.mkdir()
        res = subprocess.run(
            [PHP, "-d", "date.timezone=UTC", str(HERE / "graphite_render.php"),
             str(self.config), str(out), host, service, check_command,
             str(int(start)), str(int(end))],
            capture_output=True, text=True, env=self.env, timeout=120,
            check=False)
        assert res.returncode == 0, "graphite_render.php failed:\n%s%s" % (
            res.stdout, res.stderr)
        return json.loads(res.stdout)["charts"]


# ------------------------------------------------------------------ PNG

def png_pixels(data):
    """Decode a non-interlaced 8-bit RGB(A) PNG (what cairo writes):
    (width, height, rows of (r, g, b) tuples)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG: %r" % data[:16]
    pos = 8
    idat = b""
    header = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xffffffff == crc, "bad CRC in %r" % kind
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert header is not None, "PNG without IHDR"
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows = []
    prev = bytearray(stride)
    pos = 0
    for _ in range(height):
        ftype = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def hex_rgb(color):
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))
