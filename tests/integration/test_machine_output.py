# SPDX-License-Identifier: GPL-3.0-or-later
"""--output-format=json and --output-format=prometheus (issue 12): the same
exit code as the Nagios output, a JSON document that keeps its documented
schema (doc/output.md, "JSON output") with no secret and only valid UTF-8, and a
Prometheus text exposition that promtool (Debian package prometheus) accepts,
that python3-prometheus-client parses, and that a real
prometheus-node-exporter serves from its textfile collector. Also: the
certificate subcheck on the whole chain, and the proxy reason.
"""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from local_servers import BigTokenServer, ChainServer, Refusing407Proxy
from plugin import (API_KEY, CLIENT_SECRET, CRITICAL, OK, UNKNOWN, WARNING, auth_args, run)
from ports import free_port

STATES = {"OK", "WARNING", "CRITICAL", "UNKNOWN", "NOT_EVALUATED"}
REASONS = {"ok", "dns", "connect", "tls", "proxy", "timeout", "auth", "rate_limited",
           "client_error", "server_error", "redirect", "bad_response", "body_too_large", "json",
           "latency", "certificate", "config", "internal"}
TOP_KEYS = ["schema_version", "plugin", "plugin_version", "environment", "state", "state_name", "reason", "summary",
            "subchecks", "perfdata", "request", "token_source", "details"]
REQUEST_KEYS = ["url", "http_status", "http_version", "tls_version", "tls_cipher", "app_reference"]
PERF_KEYS = ["label", "value", "unit", "warn", "crit", "min", "max"]


def check_schema(doc):
    """The schema of doc/output.md, key by key and type by type."""
    assert list(doc) == TOP_KEYS, list(doc)
    assert doc["schema_version"] == 1
    assert doc["plugin"] in ("check_prioticket_ping", "check_prioticket_status")
    assert doc["state"] in (0, 1, 2, 3)
    assert doc["state_name"] == ["OK", "WARNING", "CRITICAL", "UNKNOWN"][doc["state"]]
    assert doc["reason"] in REASONS
    assert isinstance(doc["summary"], str) and doc["summary"] and "\n" not in doc["summary"]
    for c in doc["subchecks"]:
        assert list(c) == ["name", "state", "reason", "text"], c
        assert c["state"] in STATES
        assert c["reason"] is None if c["state"] == "NOT_EVALUATED" else c["reason"] in REASONS
    for p in doc["perfdata"]:
        assert list(p) == PERF_KEYS, p
        assert re.match(r"^[a-z_]+$", p["label"]) and p["unit"] in ("s", "B", "")
        assert isinstance(p["value"], (int, float))
        for k in ("warn", "crit"):
            assert p[k] is None or isinstance(p[k], str)
        for k in ("min", "max"):
            assert p[k] is None or isinstance(p[k], (int, float))
    if doc["request"] is not None:
        assert list(doc["request"]) == REQUEST_KEYS, doc["request"]
        assert doc["request"]["http_status"] is None or isinstance(doc["request"]["http_status"], int)
    assert doc["token_source"] in (None, "none", "requested", "cache", "backoff")
    assert all(isinstance(line, str) for line in doc["details"])


def json_run(plugin, args, **kw):
    r = run(plugin, args + ["--output-format=json"], **kw)
    text = r.raw_stdout.decode("utf-8")  # raises on invalid UTF-8
    doc = json.loads(text)
    assert text.count("\n") == 1 and text.endswith("\n"), "one document on one line"
    check_schema(doc)
    return r, doc


SCENARIOS = [
    #  id              scenario                       extra args                 rc
    ("OK",             "",                            ["-w", "5", "-c", "9"],    OK),
    ("503",            "status=503",                  [],                        CRITICAL),
    ("429",            "status=429",                  [],                        WARNING),
    ("token 401",      "token_status=401",            [],                        CRITICAL),
    ("inject 500",     "status=500,body=inject",      ["-vvv"],                  CRITICAL),
    ("NUL 500",        "status=500,body=nul",         ["-vvv"],                  CRITICAL),
    ("expect-json",    "",                            ["--expect-json", "ping=x"], CRITICAL),
    ("timeout unknown", "delay=3",                    ["-t", "1", "--timeout-result", "unknown"], UNKNOWN),
]


@pytest.mark.parametrize("scenario,extra,rc", [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_json_document(sim, files, scenario, extra, rc):
    args = ["-u", sim.base_url(scenario), "--api-key-file", files["api_key"]] + extra + auth_args(files["secret"])
    nagios = run("ping", args, timeout=30)
    r, doc = json_run("ping", args, timeout=30)
    assert nagios.rc == r.rc == rc == doc["state"], r.describe()
    assert r.raw_stderr == b""
    for secret in (CLIENT_SECRET, API_KEY):
        assert secret not in r.stdout
    assert doc["request"]["url"].endswith("/system/ping") and "key=" not in doc["request"]["url"]
    assert re.match(r"^[0-9a-f-]{36}$", doc["request"]["app_reference"])
    assert doc["token_source"] in ("requested", "cache")
    # the text of line 1 and the subchecks are those of the Nagios output
    assert nagios.long_output("Reason") == [doc["reason"]]
    labels = [p["label"] for p in doc["perfdata"]]
    assert labels == list(nagios.perf), (labels, nagios.perfdata)


def test_json_url_without_userinfo(sim, files, closed_port):
    r, doc = json_run("ping", ["-u", f"http://user:pa55word@127.0.0.1:{closed_port}/v3.8/distributor?tenant=acme"])
    assert r.rc == CRITICAL and doc["reason"] == "connect", r.describe()
    # the plugin appends /system/ping to the base URL: here it lands in the query value
    assert doc["request"]["url"] == f"http://<redacted>@127.0.0.1:{closed_port}/v3.8/distributor?tenant=<redacted>"
    assert "pa55word" not in r.stdout and "acme" not in r.stdout, r.stdout
    assert doc["request"]["http_status"] is None and doc["token_source"] == "none"


@pytest.mark.parametrize("args,reason", [
    (["-w", "abc"], r"warning"),
    (["--client-secret", "x"], r"client id"),
    (["--bogus"], r"--bogus"),
], ids=["bad range", "secret without id", "unknown option"])
@pytest.mark.parametrize("where", ["first", "last"])
def test_bad_arguments_in_json_and_prometheus(args, reason, where):
    """The format is looked up before the options are parsed, so an error in
    any of them is written in it, wherever --output-format stands."""
    for fmt in ("json", "prometheus"):
        opt = ["--output-format", fmt]
        argv = ["-u", "http://127.0.0.1:9/v3.8/distributor"] + (opt + args if where == "first" else args + opt)
        r = run("ping", argv, timeout=10)
        assert r.rc == UNKNOWN, r.describe()
        if fmt == "json":
            doc = json.loads(r.stdout)
            check_schema(doc)
            assert (doc["state"], doc["reason"], doc["subchecks"], doc["request"]) == (3, "config", [], None)
            assert re.search(reason, doc["summary"]), doc
        else:
            assert re.search(r'^prioticket_state\{endpoint="ping",environment="custom",reason="config"\} 3$',
                             r.stdout, re.M), r.describe()
            assert "prioticket_probe_success{" in r.stdout


@pytest.mark.parametrize("spelling", [["--output=json"], ["--output", "json"], ["--o=json"],
                                      ["--output-f=json"]],
                         ids=["--output=json", "--output json", "--o=json", "--output-f=json"])
def test_abbreviated_output_format_speaks_for_a_bad_argument(spelling):
    """--output=json -w x (issue 22, bug 1): the format is looked up as
    getopt_long reads the options, so an abbreviation it takes counts too."""
    r = run("ping", ["-u", "http://127.0.0.1:9/v3.8/distributor"] + spelling + ["-w", "x"],
            timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    doc = json.loads(r.stdout)
    check_schema(doc)
    assert doc["reason"] == "config" and doc["summary"].startswith("--warning: "), doc


def test_bad_output_format_is_a_nagios_line():
    r = run("ping", ["--output-format=xml"], timeout=10)
    assert r.rc == UNKNOWN and len(r.lines) == 1, r.describe()
    assert re.match(r"^PRIOTICKET PING UNKNOWN - --output-format: use nagios, json or prometheus", r.first_line)


# ---------------------------------------------------------------------------
# Prometheus

def prom_run(plugin, args, **kw):
    r = run(plugin, args + ["--output-format=prometheus"], **kw)
    r.raw_stdout.decode("utf-8")
    return r


@pytest.fixture(scope="module")
def promtool():
    path = shutil.which("promtool")
    if not path:
        pytest.skip("promtool is missing: apt-get install prometheus")
    return path


@pytest.fixture(scope="module")
def prom_parser():
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        pytest.skip("prometheus_client is missing: apt-get install python3-prometheus-client")
    return text_string_to_metric_families


PROM_SCENARIOS = [
    ("OK",          "",                  ["-w", "5"],     OK),
    ("503",         "status=503",        [],              CRITICAL),
    ("token 401",   "token_status=401",  [],              CRITICAL),
    ("inject",      "status=500,body=inject", [],         CRITICAL),
]


@pytest.mark.parametrize("scenario,extra,rc", [s[1:] for s in PROM_SCENARIOS], ids=[s[0] for s in PROM_SCENARIOS])
def test_prometheus_exposition(sim, files, promtool, prom_parser, scenario, extra, rc):
    args = ["-u", sim.base_url(scenario)] + extra + auth_args(files["secret"])
    r = prom_run("status", args, timeout=30)
    assert r.rc == rc, r.describe()
    lint = subprocess.run([promtool, "check", "metrics"], input=r.raw_stdout, capture_output=True, timeout=30)
    assert lint.returncode == 0, lint.stdout.decode() + lint.stderr.decode() + r.stdout
    families = {f.name: f for f in prom_parser(r.stdout)}
    for name in ("prioticket_probe_success", "prioticket_state", "prioticket_token_source"):
        assert name in families, sorted(families)
    for fam in families.values():
        assert fam.name.startswith("prioticket_") and fam.type == "gauge" and fam.documentation
        for s in fam.samples:
            assert s.labels["endpoint"] == "status" and s.labels["environment"] == "custom", s
    state = families["prioticket_state"].samples[0]
    assert state.value == rc and state.labels["reason"] in REASONS
    assert families["prioticket_probe_success"].samples[0].value == (1 if rc == OK else 0)
    if "token_status" not in scenario:
        phases = {s.labels["phase"] for s in families["prioticket_phase_duration_seconds"].samples}
        assert {"resolve", "connect", "processing", "transfer", "auth"} <= phases, phases
        assert families["prioticket_http_status"].samples[0].value == int(
            re.search(r"status=(\d+)", scenario)[1]) if "status=" in scenario else 200
    assert CLIENT_SECRET not in r.stdout


def test_prometheus_certificate_expiry(sim, files, prom_parser):
    url = sim.base_url("", https=True, tls_name="days20", hostname="localhost")
    r = prom_run("ping", ["-u", url, "--ca-file", sim.ca_file, "-C", "30,10"], timeout=30)
    assert r.rc == WARNING, r.describe()
    families = {f.name: f for f in prom_parser(r.stdout)}
    expiry = families["prioticket_certificate_expiry_timestamp_seconds"].samples[0].value
    assert 18 * 86400 < expiry - time.time() < 21 * 86400, expiry
    assert families["prioticket_token_source"].samples[0].labels["source"] == "none"


@pytest.fixture()
def node_exporter(tmp_path):
    binary = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if not binary:
        pytest.skip("prometheus-node-exporter is missing: apt-get install prometheus-node-exporter")
    textdir = tmp_path / "textfile"
    textdir.mkdir()
    port = free_port()
    log = open(tmp_path / "node-exporter.log", "wb")
    proc = subprocess.Popen([binary, f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults",
                             "--collector.textfile", f"--collector.textfile.directory={textdir}"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, \
                    (tmp_path / "node-exporter.log").read_text()
                time.sleep(0.1)
        yield textdir, f"http://127.0.0.1:{port}/metrics"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def test_node_exporter_textfile_collector(sim, files, node_exporter, prom_parser):
    """The cron line of doc/output.md: write to a temporary file, then rename."""
    textdir, url = node_exporter
    for plugin, scenario in (("ping", ""), ("status", "status=503")):
        tmp = textdir / f"prioticket_{plugin}.prom.tmp"
        with open(tmp, "wb") as out:
            r = subprocess.run([os.path.join(os.environ.get("PT_BUILDDIR", "."), "plugins", f"check_prioticket_{plugin}"),
                                "-u", sim.base_url(scenario), "--output-format=prometheus"] + auth_args(files["secret"]),
                               stdout=out, timeout=30,
                               # A private token cache, not the configured state
                               # directory (tests/conftest.py fails the suite then).
                               env={"PATH": "/usr/bin:/bin", "HOME": str(textdir.parent),
                                    "MP_STATE_PATH": str(textdir.parent / "state")})
        assert r.returncode == (OK if plugin == "ping" else CRITICAL)
        os.rename(tmp, textdir / f"prioticket_{plugin}.prom")
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    families = {f.name: f for f in prom_parser(text)}
    assert families["node_textfile_scrape_error"].samples[0].value == 0, text
    states = {s.labels["endpoint"]: s for s in families["prioticket_state"].samples}
    assert states["ping"].value == OK and states["ping"].labels["reason"] == "ok", states
    assert states["status"].value == CRITICAL and states["status"].labels["reason"] == "server_error", states
    assert {s.labels["endpoint"] for s in families["prioticket_probe_success"].samples} == {"ping", "status"}


# Names that would repeat (issue 20 item 10): two --expect-json on one path,
# and paths too long to tell apart once cut to a subcheck name's length; 16
# options in all, the most that were ever allowed.
LONG_PATHS = [f"{'.'.join(['k' * 60] * 3)}.{i}" for i in range(14)]
REPEATED = (["--expect-json", "status=OK", "--expect-json", "status=DEGRADED,OK"]
            + [a for p in LONG_PATHS for a in ("--expect-json", f"{p}=v")])


def test_subcheck_names_are_unique(sim, files, node_exporter, promtool, prom_parser, tmp_path):
    """Of two identical series, node_exporter's textfile collector (1.5,
    Debian 12) serves the first and logs "was collected before with the same
    name and label values": a CRITICAL json:status after an OK one vanished
    (promtool accepts such a file). The expectations for one path are one
    subcheck, and names cut to the same length are numbered: unique in every
    format."""
    textdir, url = node_exporter
    args = ["-u", sim.base_url(), *REPEATED, *auth_args(files["secret"])]
    r = prom_run("status", args, timeout=30)
    assert r.rc == CRITICAL, r.describe()  # the long paths are missing from the body
    lint = subprocess.run([promtool, "check", "metrics"], input=r.raw_stdout,
                          capture_output=True, timeout=30)
    assert lint.returncode == 0, lint.stdout.decode() + lint.stderr.decode() + r.stdout
    (textdir / "prioticket_status.prom").write_bytes(r.raw_stdout)
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    families = {f.name: f for f in prom_parser(text)}
    assert families["node_textfile_scrape_error"].samples[0].value == 0, text
    names = [s.labels["subcheck"] for s in families["prioticket_subcheck_state"].samples]
    assert len(names) == len(set(names)) == 4 + len(LONG_PATHS), names
    states = {s.labels["subcheck"]: s.value for s in families["prioticket_subcheck_state"].samples}
    assert states["json:status"] == OK, states
    log = (tmp_path / "node-exporter.log").read_text()
    assert "collected before" not in log, log

    _, doc = json_run("status", args, timeout=30)
    names = [c["name"] for c in doc["subchecks"]]
    assert len(names) == len(set(names)) and names.count("json:status") == 1, names
    r = run("status", args, timeout=30)
    names = [line[line.index("] ") + 2:line.index(": ", line.index("] "))]
             for line in r.lines[1:] if line.startswith("[")]
    assert len(names) == len(set(names)) and "json:status" in names, r.describe()


def test_expectations_no_value_can_meet(sim, files):
    """status=OK and status=DEGRADED can never both hold: a mistake in the
    configuration (one meant status=OK,DEGRADED), not the API's fault."""
    r = run("status", ["-u", sim.base_url(), "--expect-json", "status=OK", "--expect-json",
                       "status=DEGRADED"], timeout=30)
    assert r.rc == UNKNOWN and len(r.lines) == 1, r.describe()
    assert r.first_line == (
        "PRIOTICKET STATUS UNKNOWN - --expect-json: an earlier --expect-json for the same path "
        "shares no value with this one, so no answer can meet both; give every accepted value in "
        "one --expect-json, separated by commas: 'status...'"), r.describe()


# ---------------------------------------------------------------------------
# --certificate on the whole chain; the proxy reason

@pytest.mark.parametrize("fmt", ["nagios", "json"])
def test_certificate_judges_the_earliest_expiry_of_the_chain(tmp_path, fmt):
    """Leaf 400 days, intermediate 5 days: the intermediate decides, by name."""
    with ChainServer(tmp_path, intermediate_days=5) as server:
        args = ["-u", f"https://localhost:{server.port}/v3.8/distributor", "--ca-file", str(tmp_path / "ca.pem"),
                "-C", "30,10"]
        if fmt == "nagios":
            r = run("ping", args, timeout=30)
            assert r.rc == CRITICAL, r.describe()
            assert re.search(r'CRITICAL - certificate expires in [45] days \(critical below 10\): '
                             r'CN "Chain Test Intermediate", 2 of 3 in the chain \|', r.first_line), r.describe()
            assert r.perf["cert_days"].value in ("4", "5"), r.perfdata
            assert r.long_output("Reason") == ["certificate"]
        else:
            r, doc = json_run("ping", args, timeout=30)
            assert doc["reason"] == "certificate" and doc["request"]["tls_version"].startswith("TLSv1")
            assert doc["request"]["tls_cipher"] and doc["request"]["http_version"] == "1.1"


def test_proxy_that_cannot_be_reached(sim, closed_port):
    r = run("ping", ["-u", sim.base_url(), "--proxy", f"http://127.0.0.1:{closed_port}"], timeout=30)
    assert r.rc == CRITICAL, r.describe()
    assert re.match(r"^PRIOTICKET PING CRITICAL - cannot connect to the proxy", r.first_line), r.describe()
    assert r.long_output("Reason") == ["proxy"]


def test_proxy_refuses_with_407(sim, files):
    with Refusing407Proxy() as proxy:
        plain = run("ping", ["-u", sim.base_url(), "--proxy", f"http://127.0.0.1:{proxy.port}"], timeout=30)
        tunnel = run("ping", ["-u", sim.base_url("", https=True, tls_name="good", hostname="localhost"),
                              "--ca-file", sim.ca_file, "--proxy", f"http://127.0.0.1:{proxy.port}"]
                     + auth_args(files["secret"]), timeout=30)
    assert plain.rc == CRITICAL, plain.describe()
    assert re.match(r"^PRIOTICKET PING CRITICAL - proxy refused the request \(HTTP 407 Proxy Authentication "
                    r"Required\) \|", plain.first_line), \
        plain.describe()
    assert plain.long_output("Reason") == ["proxy"]
    assert tunnel.rc == CRITICAL, tunnel.describe()
    assert re.match(r"^PRIOTICKET PING CRITICAL - proxy refused the request \(HTTP 407 Proxy Authentication "
                    r"Required\) \(token request\)",
                    tunnel.first_line), tunnel.describe()
    assert tunnel.long_output("Reason") == ["proxy"]
    assert sim.counts()["ping"] == 0 and sim.counts()["token"] == 0


def test_token_answer_over_the_bound_is_an_unusable_token(files):
    """A 2xx token answer over 1 MiB: no usable token, CRITICAL, bad_response."""
    with BigTokenServer() as server:
        r = run("ping", ["-u", f"http://127.0.0.1:{server.port}/v3.8/distributor", "--no-token-cache"]
                + auth_args(files["secret"]), timeout=30)
    assert r.rc == CRITICAL, r.describe()
    assert re.match(r"^PRIOTICKET PING CRITICAL - token endpoint answered HTTP 200 but the response is over "
                    r"1048576 bytes; no token obtained", r.first_line), r.describe()
    assert r.long_output("Reason") == ["bad_response"]
    assert "[NOT EVALUATED] http: no token" in r.lines


@pytest.mark.parametrize("key", ["output-format", "output"])
def test_output_format_from_an_extra_opts_file(tmp_path, key):
    """The format is looked up after --extra-opts expansion too, under any
    key getopt_long takes for it."""
    ini = tmp_path / "prioticket.ini"
    ini.write_text(f"[check_prioticket_ping]\n{key} = json\nwarning = abc\n")
    r = run("ping", ["-u", "http://127.0.0.1:9/v3.8/distributor", f"--extra-opts=@{ini}"], timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    doc = json.loads(r.stdout)
    check_schema(doc)
    # a value from an ini file is never echoed: the key, section and file are named
    assert doc["reason"] == "config", doc
    assert doc["summary"] == (f"--warning: not a number (from key 'warning' in section "
                              f"[check_prioticket_ping] of {ini}; the value is not shown)"), doc
    assert "abc" not in r.stdout, r.stdout
