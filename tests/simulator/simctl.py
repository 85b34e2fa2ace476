# SPDX-License-Identifier: GPL-3.0-or-later
"""Start and drive prioticket_sim.py from Python tests.

    sys.path.insert(0, "<repo>/tests/simulator")
    from simctl import Simulator

    with Simulator(tls=True, blackhole=True) as sim:
        url = sim.base_url({"status": 503, "retry_after": 5})
        # -> http://127.0.0.1:PORT/sim/status=503,retry_after=5/v3.8/distributor
        ...run the plugin with --base-url=url --ca-file=sim.ca_file ...
        assert sim.counts()["ping"] == 1

Simulator(tls=True, default_scenario=None, host="127.0.0.1", blackhole=False,
          extra_args=(), *, client_id="demo-client", client_secret="demo-secret",
          api_key="demo-key")
    tls=True: one HTTPS listener per name in TLS_NAMES, with certificates made
    once per process (certs.py) in a temporary directory.
    default_scenario: dict or SPEC string (see prioticket_sim.py).
    extra_args: more simulator options, e.g. ("--token-lifetime", "5", "--log").

Attributes: port, tls_ports {name: port}, blackhole_port, pid, host,
ca_file, ca_dir, cert_dir (None without tls), client_id, client_secret,
api_key, stderr (text of the simulator's stderr so far).

Methods: start(), stop(), base_url(scenario=None, https=False,
tls_name="good", version="v3.8", hostname=None), root_url(https=False,
tls_name="good", hostname=None), counts(), requests(), reset(),
revoke_tokens(), set_scenario(spec); module function format_spec(scenario).
"""

import atexit
import http.client
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
SIMULATOR = HERE / "prioticket_sim.py"
PYTHON = "/usr/bin/python3"
TLS_NAMES = ("good", "selfsigned", "expired", "wronghost", "days5", "days20", "days400")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
CONTROL_TIMEOUT = 10.0

_cert_lock = threading.Lock()
_cert_dir = None
_running = weakref.WeakSet()


def _load_certs_module():
    spec = importlib.util.spec_from_file_location("prioticket_sim_certs", HERE / "certs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_cert_dir():
    """Certificates for this process, generated on first use, removed at exit."""
    global _cert_dir
    with _cert_lock:
        if _cert_dir is None:
            directory = tempfile.mkdtemp(prefix="prioticket-sim-certs-")
            atexit.register(shutil.rmtree, directory, True)
            _load_certs_module().generate(directory)
            _cert_dir = directory
    return _cert_dir


def format_spec(scenario):
    """dict or SPEC string -> the URL path segment ("" for no scenario)."""
    if not scenario:
        return ""
    if isinstance(scenario, str):
        return quote(scenario, safe="=,%")
    items = []
    for key, value in scenario.items():
        if isinstance(value, bool):
            value = int(value)
        items.append(f"{quote(str(key), safe='')}={quote(str(value), safe='')}")
    return ",".join(items)


def url_host(host):
    return f"[{host}]" if ":" in host else host


class Simulator:
    def __init__(self, tls=True, default_scenario=None, host="127.0.0.1", blackhole=False,
                 extra_args=(), *, client_id="demo-client", client_secret="demo-secret",
                 api_key="demo-key"):
        self.tls = tls
        self.default_scenario = default_scenario
        self.host = host
        self.blackhole = blackhole
        self.extra_args = tuple(extra_args)
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_key = api_key
        self.cert_dir = self.ca_file = self.ca_dir = None
        self.port = self.blackhole_port = self.pid = None
        self.tls_ports = {}
        self._proc = None
        self._workdir = None
        self._stderr_path = None
        self._stderr_text = ""

    # ---- lifecycle -------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def command(self, ready_file):
        cmd = [PYTHON, str(SIMULATOR), "--host", self.host, "--ready-file", ready_file,
               "--client-id", self.client_id, "--client-secret", self.client_secret,
               "--api-key", self.api_key]
        if self.default_scenario:
            cmd += ["--default-scenario", format_spec(self.default_scenario)]
        if self.blackhole:
            cmd.append("--blackhole")
        for name in TLS_NAMES if self.tls else ():
            cmd += ["--tls", f"{name}:{self.cert_dir}/{name}.pem:{self.cert_dir}/{name}.key"]
        return cmd + list(self.extra_args)

    def start(self):
        if self.tls:
            self.cert_dir = shared_cert_dir()
            self.ca_file = os.path.join(self.cert_dir, "ca.pem")
            self.ca_dir = os.path.join(self.cert_dir, "ca-hashdir")
        self._workdir = tempfile.mkdtemp(prefix="prioticket-sim-")
        ready_file = os.path.join(self._workdir, "ready.json")
        self._stderr_path = os.path.join(self._workdir, "stderr.txt")
        with open(self._stderr_path, "wb") as stderr:
            self._proc = subprocess.Popen(self.command(ready_file), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=stderr)
        _running.add(self)
        self._apply_ready(self._wait_ready(ready_file))
        return self

    def _wait_ready(self, ready_file):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if os.path.exists(ready_file):
                with open(ready_file) as fh:
                    return json.load(fh)
            if self._proc.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"simulator did not start (exit status {self._proc.returncode}):\n"
                           f"{self._stderr_text}")

    def _apply_ready(self, ready):
        self.port = ready["http"]
        self.tls_ports = ready["tls"]
        self.blackhole_port = ready["blackhole"]
        self.pid = ready["pid"]

    def stop(self):
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        _running.discard(self)
        if self._workdir:
            self._stderr_text = self.stderr
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    @property
    def stderr(self):
        if self._workdir and os.path.exists(self._stderr_path):
            with open(self._stderr_path, errors="replace") as fh:
                return fh.read()
        return self._stderr_text

    # ---- URLs ------------------------------------------------------------

    def root_url(self, https=False, tls_name="good", hostname=None):
        host = url_host(hostname or self.host)
        if https:
            return f"https://{host}:{self.tls_ports[tls_name]}"
        return f"http://{host}:{self.port}"

    def base_url(self, scenario=None, https=False, tls_name="good", version="v3.8",
                 hostname=None):
        spec = format_spec(scenario)
        prefix = f"/sim/{spec}" if spec else ""
        return f"{self.root_url(https, tls_name, hostname)}{prefix}/{version}/distributor"

    # ---- control ---------------------------------------------------------

    def _control(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=CONTROL_TIMEOUT)
        try:
            conn.request(method, path, body=body)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:500]!r}")
        return json.loads(data)

    def counts(self):
        return self._control("GET", "/_sim/counts")

    def requests(self):
        return self._control("GET", "/_sim/requests")

    def reset(self):
        self._control("POST", "/_sim/reset")

    def revoke_tokens(self):
        return self._control("POST", "/_sim/revoke")["revoked"]

    def set_scenario(self, spec):
        self._control("POST", "/_sim/scenario", format_spec(spec).encode())


@atexit.register
def _stop_leftovers():
    for sim in list(_running):
        sim.stop()
