#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make demo: run both plugins against the local API simulator.

Shows each state a user will meet, with the exact command line and the
plugin's real output. Nothing here talks to the real Prioticket hosts.
"""
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "simulator"))
from simctl import Simulator  # noqa: E402

BUILD = os.environ.get("PT_BUILDDIR", os.path.dirname(HERE))
STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}


def run(title, plugin, args, env=None):
    cmd = [os.path.join(BUILD, "plugins", plugin)] + args
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=30)
    shown = " ".join(shlex.quote(a) for a in [plugin] + args)
    prefix = " ".join(f"{k}=***" for k in (env or {}))
    print(f"--- {title}")
    print(f"$ {prefix + ' ' if prefix else ''}{shown}")
    print(proc.stdout, end="")
    print(f"(exit {proc.returncode}: {STATES.get(proc.returncode, '?')})\n")


def main():
    with Simulator(tls=True) as sim:
        base = sim.base_url()
        creds = ["--client-id", sim.client_id]
        secret = {"PRIOTICKET_CLIENT_SECRET": sim.client_secret}
        cache = ["--no-token-cache"]
        print(f"Simulator on {base} (client id {sim.client_id})\n")
        run("ping, anonymous", "check_prioticket_ping", ["-u", base, "-w", "1", "-c", "2"])
        run("status with OAuth2 credentials (secret from the environment)",
            "check_prioticket_status", ["-u", base] + creds + cache, secret)
        run("HTTPS with the server certificate verified", "check_prioticket_ping",
            ["-u", sim.base_url(https=True, hostname="localhost"), "--ca-file", sim.ca_file])
        run("slow answer: 0.3 s against -w 0.2", "check_prioticket_ping",
            ["-u", sim.base_url(scenario="delay=0.3"), "-w", "0.2", "-c", "2"])
        run("rate limited", "check_prioticket_ping", ["-u", sim.base_url(scenario="status=429")])
        run("the API is down (503)", "check_prioticket_status",
            ["-u", sim.base_url(scenario="status=503")] + creds + cache, secret)
        run("bad credentials", "check_prioticket_status", ["-u", base] + creds + cache,
            {"PRIOTICKET_CLIENT_SECRET": "wrong"})
        run("a server that never answers, -t 1", "check_prioticket_ping",
            ["-u", sim.base_url(scenario="body=hang"), "-t", "1"])
        run("expected JSON value not met", "check_prioticket_status",
            ["-u", sim.base_url(scenario="status_value=DEGRADED"), "--expect-json", "status=OK"])
        run("bad argument", "check_prioticket_ping", ["-w", "ten"])


if __name__ == "__main__":
    main()
