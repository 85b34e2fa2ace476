# SPDX-License-Identifier: GPL-3.0-or-later
"""Sensu Go: the shipped check definitions (contrib/sensu/check-prioticket.yaml)
and what Sensu's nagios_perfdata extractor makes of the plugins' real output.

Sensu Go is not packaged in Debian, so its extractor is reimplemented here
from sensu-go agent/transformers/nagios.go (ParseNagios):
  - split the WHOLE output (long output included) on "|"; anything but
    exactly 2 parts extracts nothing;
  - strip the second part, split it on single spaces, skip empty tokens;
  - cut each token at the first ";", split the rest on "="; anything but
    exactly 2 parts is skipped;
  - label: spaces replaced by "_"; value: every character outside
    [-0-9.] removed, then parsed as a float (skipped if that fails).
UOM, warn, crit, min and max are dropped.

So the text part of line 1 (before the "|") is nothing to Sensu, and a
"word=number" after it, long output included, only ever ADDS a metric:
ours are all on line 1, each cut at its ";" fields, so nothing of the long
output glued to the last one by a line break can change them. The plugins
show such long-output words with ":" for "=", except URLs and absolute
paths, which stay exact (what was probed, what to type) and as labels
start with a scheme or "/", so they can never pass for one of ours.
"""

import os
import re
import shlex
import subprocess

import pytest
import yaml

from engine_harness import (CONTRIB, LABEL_RE, leading_number,
                            parse_perf_items, private_env,
                            split_plugin_output)

YAML_FILE = CONTRIB / "sensu" / "check-prioticket.yaml"
_NON_NUMERIC = re.compile(r"[^-0-9.]")


def go_parse_float(text):
    """strconv.ParseFloat on a string of [-0-9.] only."""
    if not re.fullmatch(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)", text):
        raise ValueError(text)
    return float(text)


def sensu_nagios_perfdata(output):
    """Sensu Go's ParseNagios: output -> [(label, value)]."""
    parts = output.split("|")
    if len(parts) != 2:
        return []
    metrics = []
    for token in parts[1].strip().split(" "):
        token = token.strip()
        if not token:
            continue
        kv = token.split(";")[0].split("=")
        if len(kv) != 2:
            continue
        label = kv[0].replace(" ", "_")
        try:
            value = go_parse_float(_NON_NUMERIC.sub("", kv[1]))
        except ValueError:
            continue
        metrics.append((label, value))
    return metrics


def test_extractor_matches_sensu_go_cases():
    """The reimplementation reproduces sensu-go's own test table."""
    cases = [
        ("PING ok - Packet loss = 0%, RTA = 0.80 ms", []),
        ("PING ok - Packet loss = 0% | percent_packet_loss=0",
         [("percent_packet_loss", 0.0)]),
        ("PING ok - Packet loss = 0% | percent_packet_loss=0\n",
         [("percent_packet_loss", 0.0)]),
        ("PING ok - Packet loss = 0%, RTA = 0.80 ms | "
         "percent_packet_loss=0, rta=0.80",
         [("percent_packet_loss", 0.0), ("rta", 0.8)]),
        ("PING ok - Packet loss = 0%, RTA = 0.80 ms | "
         "percent_packet_loss=0, foo", [("percent_packet_loss", 0.0)]),
        ("PING ok | percent_packet_loss", []),
        ("PING ok | percent_packet_loss=a", []),
        ("CRITICAL - load average: 0.01, 0.04, 0.05|load1=0.010;0.010;0.010;"
         "0; load5=0.040;0.010;0.010;0; load15=0.050;0.010;0.010;0; \n",
         [("load1", 0.01), ("load5", 0.04), ("load15", 0.05)]),
        # What breaks it: a second "|" (Nagios multi-line perfdata) ...
        ("OK | a=1\nlong | b=2", []),
    ]
    for output, want in cases:
        assert sensu_nagios_perfdata(output) == want, output


def run_as_sensu(command, env, extra=""):
    """Run a check command the way the Sensu agent does (sh -c)."""
    return subprocess.run(["/bin/sh", "-c", command + extra],
                          capture_output=True, text=True, env=env,
                          timeout=30, check=False)


def plugin_env(tmp_path, plugin_dir, sim=None):
    env = private_env(tmp_path)
    env["PATH"] = "%s:%s" % (plugin_dir, env.get("PATH", "/usr/bin:/bin"))
    if sim is not None:
        env["PRIOTICKET_CLIENT_ID"] = sim.client_id
        env["PRIOTICKET_CLIENT_SECRET"] = sim.client_secret
    return env


def assert_sensu_extracts_everything(output, url_labels=()):
    assert output.count("|") == 1, (
        "Sensu needs exactly one '|' in the whole output:\n" + output)
    _, perf, long_lines = split_plugin_output(output)
    assert not any("|" in line for line in long_lines)
    expected = parse_perf_items(perf)
    assert expected, "no perfdata on line 1:\n" + output
    for label in expected:
        assert " " not in label and LABEL_RE.match(label), label
    metrics = sensu_nagios_perfdata(output)
    labels = [m[0] for m in metrics]
    missing = sorted(set(expected) - set(labels))
    assert not missing, "Sensu loses %s from:\n%s" % (missing, output)
    # Nothing from the long output is mistaken for a metric, but a URL
    # that holds "name=number" itself (url_labels: the URL up to its "=").
    extra = list(labels)
    for label in expected:
        extra.remove(label)
    extra = [label for label in extra if label not in url_labels]
    assert not extra, ("Sensu takes %s from the long output for metrics "
                       "(a 'word=number' token after the '|'):\n%s"
                       % ([m for m in metrics[len(expected):]], output))
    for label, value in metrics:
        if label in url_labels:
            continue
        want = leading_number(expected[label][0])
        assert want is not None, (label, expected[label])
        assert value == pytest.approx(want), (label, value, expected[label])
    return dict(metrics)


SCENARIOS = [
    # (id, plugin, args, credentials, scenario, expected exit)
    ("ping-ok", "check_prioticket_ping", ["-w", "1", "-c", "2"], True, None, 0),
    ("status-ok", "check_prioticket_status", ["-w", "1", "-c", "2"], True,
     None, 0),
    ("ping-anonymous", "check_prioticket_ping", [], False, None, 0),
    ("ping-verbose", "check_prioticket_ping", ["-v", "-v", "-v"], True, None,
     0),
    ("status-503", "check_prioticket_status", ["-v"], True, "status=503", 2),
    # The API's error text holds "|", line breaks and a fake "time=0s;...":
    # Sensu reads the long output too, so none of it may look like a metric.
    ("status-500-injected-text", "check_prioticket_status", [], True,
     "status=500,body=inject", 2),
]


@pytest.mark.parametrize("plugin,args,creds,scenario,rc",
                         [s[1:] for s in SCENARIOS],
                         ids=[s[0] for s in SCENARIOS])
def test_real_output_yields_every_metric(tmp_path, plugin_dir, simulator,
                                         plugin, args, creds, scenario, rc):
    env = plugin_env(tmp_path, plugin_dir, simulator if creds else None)
    # The scenario is set as the simulator's default rather than in the
    # URL, so the URL in the long output is a plain one, as in production.
    simulator.set_scenario(scenario or "")
    try:
        cmd = " ".join([plugin, "--base-url=%s"
                        % shlex.quote(simulator.base_url())] + args)
        res = run_as_sensu(cmd, env)
    finally:
        simulator.set_scenario("")
    assert res.returncode == rc, res.stdout + res.stderr
    metrics = assert_sensu_extracts_everything(res.stdout)
    assert "time" in metrics and "size" in metrics
    assert ("time_auth" in metrics) == creds


# A base URL whose own path holds "name=number" (the simulator's scenario
# syntax): the long output shows it exactly as probed (it used to read
# ".../sim/status:503/..."), Sensu still gets every metric with its value,
# and the only words it takes in addition are that URL and its path in the
# -vvv trace, whose labels start with "http://" or "/" and so are never
# one of ours.
URL_SCENARIOS = [
    ("ping-503-in-url", "check_prioticket_ping", {"status": 503}, 2),
    ("status-inject-in-url", "check_prioticket_status",
     {"status": 500, "body": "inject"}, 2),
    ("ping-delay-in-url", "check_prioticket_ping", {"delay": "0.05"}, 0),
]


@pytest.mark.parametrize("plugin,scenario,rc", [s[1:] for s in URL_SCENARIOS],
                         ids=[s[0] for s in URL_SCENARIOS])
def test_url_with_equals_is_exact_and_every_metric_survives(
        tmp_path, plugin_dir, simulator, plugin, scenario, rc):
    env = plugin_env(tmp_path, plugin_dir, simulator)
    base = simulator.base_url(scenario)
    res = run_as_sensu(" ".join([plugin, "--base-url=%s" % shlex.quote(base),
                                 "-vvv"]), env)
    assert res.returncode == rc, res.stdout + res.stderr
    url = base + "/system/" + plugin.rsplit("_", 1)[1]
    path = "/" + url.split("/", 3)[3]
    assert "\nURL: %s\n" % url in res.stdout, res.stdout
    assert "\n> GET %s HTTP/1.1\n" % path in res.stdout, res.stdout
    metrics = assert_sensu_extracts_everything(
        res.stdout, url_labels=(url.split("=", 1)[0], path.split("=", 1)[0]))
    assert "time" in metrics and "size" in metrics and "time_auth" in metrics


def load_yaml():
    with open(str(YAML_FILE)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def test_shipped_yaml_is_sound():
    docs = load_yaml()
    secrets = {d["metadata"]["name"]: d for d in docs if d["type"] == "Secret"}
    checks = [d for d in docs if d["type"] == "CheckConfig"]
    assert {c["metadata"]["name"] for c in checks} >= {
        "prioticket-ping-production", "prioticket-status-production",
        "prioticket-ping-staging", "prioticket-status-staging"}
    for s in secrets.values():
        assert s["api_version"] == "secrets/v1"
        assert s["spec"]["provider"] and s["spec"]["id"]
    for c in checks:
        spec = c["spec"]
        assert c["api_version"] == "core/v2"
        assert spec["output_metric_format"] == "nagios_perfdata"
        assert spec["publish"] and spec["subscriptions"]
        # Credentials come as environment variables from Sensu secrets ...
        names = {s["name"]: s["secret"] for s in spec["secrets"]}
        assert set(names) == {"PRIOTICKET_CLIENT_ID",
                              "PRIOTICKET_CLIENT_SECRET"}
        for ref in names.values():
            assert ref in secrets, ref
        # ... and nothing secret is on the command line or in env_vars.
        cmd = spec["command"]
        assert "secret" not in cmd.lower(), cmd
        assert "PRIOTICKET_" not in cmd and "$" not in cmd, cmd
        assert "--client-id" not in cmd and "--api-key" not in cmd, cmd
        for var in spec.get("env_vars") or []:
            assert "SECRET" not in var.upper() and "KEY" not in var.upper()
        # The check's own timeout leaves the plugin time to report its own.
        m = re.search(r"--timeout[= ](\d+)", cmd)
        assert m and int(m.group(1)) < spec["timeout"], cmd
        argv0 = shlex.split(cmd)[0]
        assert os.path.basename(argv0) in ("check_prioticket_ping",
                                           "check_prioticket_status")


@pytest.mark.parametrize("name", ["prioticket-ping-production",
                                  "prioticket-status-staging"])
def test_shipped_command_runs_as_sensu_runs_it(tmp_path, plugin_dir,
                                               simulator, name):
    """The shipped command, run through sh -c with the secrets as
    environment variables (only the target is redirected to the simulator:
    --base-url overrides --environment), gives OK and full metrics."""
    check = next(d for d in load_yaml() if d["type"] == "CheckConfig"
                 and d["metadata"]["name"] == name)
    env = plugin_env(tmp_path, plugin_dir, simulator)
    res = run_as_sensu(check["spec"]["command"], env,
                       " --base-url=%s" % shlex.quote(simulator.base_url()))
    assert res.returncode == 0, res.stdout + res.stderr
    metrics = assert_sensu_extracts_everything(res.stdout)
    assert "time_auth" in metrics
