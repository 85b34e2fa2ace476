# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets never reach the output: not the client secret, not the issued access
token, not the API key, not the Basic credentials, at any -v level and in every
failure that prints server or libcurl text; nor the secret on the command line
(/proc/<pid>/cmdline) or in the echo of a mistyped option.
"""

import base64
import re
import shlex
import shutil
import time

import pytest

from plugin import (API_KEY, CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, UNKNOWN, WARNING,
                    auth_args, run, start)

# The simulator's tokens look like JWTs: base64url('{"alg"...}') starts with eyJ.
TOKEN_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
VERBOSITY = [[], ["-v"], ["-vv"], ["-vvv"]]

SCENARIOS = [
    #  id                      scenario               args (templates: {http}, {tls_selfsigned}, {ca})   secret file     rc
    ("ok",                     "",                    "",                                                "secret",       OK),
    ("401 token endpoint",     "token_status=401",    "",                                                "secret",       CRITICAL),
    ("wrong secret",           "",                    "",                                                "secret_wrong", CRITICAL),
    ("401 probe",              "status=401",          "",                                                "secret",       CRITICAL),
    ("401 probe inject",       "status=401,body=inject", "",                                             "secret",       CRITICAL),
    ("500",                    "status=500",          "",                                                "secret",       CRITICAL),
    ("429",                    "status=429",          "",                                                "secret",       WARNING),
    ("TLS failure on probe",   None,                  "-u {tls_selfsigned} --token-url {http}/oauth2/token --allow-http-token-url --ca-file {ca}",
                                                                                                         "secret",       CRITICAL),
    ("TLS failure on token",   "",                    "--token-url {tls_selfsigned}/oauth2/token --ca-file {ca}",
                                                                                                         "secret",       CRITICAL),
    ("probe timeout",          "delay=3",             "-t 1",                                            "secret",       CRITICAL),
    ("token timeout",          "token_delay=3",       "-t 1",                                            "secret",       CRITICAL),
    ("expect-json not met",    "",                    "--expect-json ping=nope",                         "secret",       CRITICAL),
    ("key in the URL path",    "key=required",        "",                                                "secret",       OK),
]


def secrets_of_run(sim, secret):
    """Every string that must not appear: the secret, the Basic credentials,
    the API key and each token the simulator saw presented."""
    basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
    found = {"client secret": secret, "API key": API_KEY,
             "Basic credentials": basic, "Basic credentials (unpadded)": basic.rstrip("=")}
    for q in sim.requests():
        for name, value in q["header_list"]:
            if name.lower() == "authorization" and value.lower().startswith("bearer "):
                token = value[7:].strip()
                found["access token"] = token
                for i, part in enumerate(token.split(".")):
                    if len(part) >= 16 and i > 0:
                        found[f"access token part {i}"] = part
    return found


def assert_no_secrets(r, secrets):
    for what, value in secrets.items():
        assert value not in r.output, f"{what} {value!r} printed\n" + r.describe()
    assert not TOKEN_LIKE.search(r.output), "a JWT-like token printed\n" + r.describe()


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=["-v0", "-v", "-vv", "-vvv"])
@pytest.mark.parametrize("scenario,args,secret_file,rc", [s[1:] for s in SCENARIOS],
                         ids=[s[0] for s in SCENARIOS])
def test_no_secret_in_output(sim, files, scenario, args, secret_file, rc, verbosity):
    ctx = {"http": sim.base_url(""), "ca": sim.ca_file,
           "tls_selfsigned": sim.base_url("", https=True, tls_name="selfsigned",
                                          hostname="localhost")}
    argv = [] if scenario is None else ["-u", sim.base_url(scenario)]
    argv += [w.format(**ctx) for w in shlex.split(args)]
    argv += auth_args(files[secret_file]) + ["--api-key-file", files["api_key"]] + verbosity
    r = run("ping", argv, timeout=20)
    assert r.rc == rc, r.describe()
    secret = files[secret_file].read_text().strip()
    assert_no_secrets(r, secrets_of_run(sim, secret))


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=["-v0", "-v", "-vv", "-vvv"])
def test_no_secret_from_environment_in_output(sim, verbosity):
    env = {"PRIOTICKET_CLIENT_ID": CLIENT_ID, "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET,
           "PRIOTICKET_API_KEY": API_KEY}
    r = run("ping", ["-u", sim.base_url("status=401")] + verbosity, env=env, timeout=20)
    assert r.rc == CRITICAL, r.describe()
    assert sim.counts()["token"] == 1, "the environment's credentials were not used"
    assert_no_secrets(r, secrets_of_run(sim, CLIENT_SECRET))


@pytest.mark.parametrize("form", ["--client-secret=S", "--client-secret S"])
def test_secret_on_argv_is_hidden_from_proc(sim, form):
    argv = ["-u", sim.base_url("delay=2"), "-t", "5", "--client-id", CLIENT_ID]
    argv += [w.replace("S", CLIENT_SECRET) for w in form.split()]
    proc, home = start("ping", argv)
    try:
        seen = []
        deadline = time.monotonic() + 1.5
        time.sleep(0.3)
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/cmdline", "rb") as fh:
                    seen.append(fh.read())
            except OSError:
                break
            time.sleep(0.1)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)
    assert seen, "the plugin ended before its command line could be read"
    assert proc.returncode == OK, out.decode(errors="replace")
    for cmdline in seen:
        assert CLIENT_SECRET.encode() not in cmdline, cmdline
    assert CLIENT_SECRET.encode() not in out + err


MISTYPED = [
    "--client-secre=S",      # ambiguous prefix
    "--client-secrte=S",     # transposed letters
    "--client_secret=S",     # underscore
    "--clientsecret=S",
    "--secret=S",
    "-client-secret=S",      # single dash: getopt reads -c lient-secret=S
    "--client-secret=S --bogus",
    "--client-secret=S extra",
]


@pytest.mark.parametrize("typo", MISTYPED)
def test_mistyped_option_does_not_echo_secret(typo):
    argv = ["-u", "http://127.0.0.1:9/v3.8/distributor", "--client-id", CLIENT_ID]
    argv += [w.replace("S", CLIENT_SECRET) if "=S" in w else w for w in typo.split()]
    r = run("ping", argv, timeout=10)
    assert r.rc == UNKNOWN, r.describe()
    assert len(r.lines) == 1, r.describe()
    assert CLIENT_SECRET not in r.output, r.describe()
    # not even a recognisable part of it
    assert CLIENT_SECRET[-8:] not in r.output, r.describe()
