# SPDX-License-Identifier: GPL-3.0-or-later
"""Secret hygiene.

1. A secret FILE that must not be used: world-readable (0644, 0604), empty,
   only a line break, a directory, a FIFO (with no writer: must not block),
   a symlink to /dev/zero (must not read forever), to /dev/null, a UNIX
   socket.  Each: exit 3 (UNKNOWN) with a one-line reason that does not
   contain the secret, quickly, and without asking the token endpoint.
   Both --client-secret-file and --api-key-file.

2. With a valid setup, the client secret, every issued access token (learnt
   from the simulator's request log and from the token-cache files), the API
   key and base64(client_id:secret) never appear in stdout or stderr, at -v,
   -vv and -vvv, for OK and for failures: 401 from the token endpoint, 401
   from the probe with auth=required and a revoked cached token, a forced 401,
   500 with an injection body, TLS failures, timeouts.
"""

import os
import shutil
import socket
import tempfile

import pytest

import hardening_util as hu
from hardening_util import API_KEY, CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, TOKEN_LIKE, UNKNOWN

VERBOSITY = [["-v"], ["-vv"], ["-vvv"]]
VERBOSITY_IDS = ["-v", "-vv", "-vvv"]


# ---- 1. secret files that must be refused -----------------------------------

def make_bad_file(kind, directory):
    """Create the kind of bad secret file in directory; return its path."""
    path = os.path.join(directory, kind)
    if kind in ("mode0644", "mode0604"):
        with open(path, "w") as fh:
            fh.write(CLIENT_SECRET + "\n")
        os.chmod(path, int(kind[4:], 8))
    elif kind == "symlink-to-0644":
        target = os.path.join(directory, "world-readable-target")
        with open(target, "w") as fh:
            fh.write(CLIENT_SECRET)
        os.chmod(target, 0o644)
        os.symlink(target, path)
    elif kind == "empty":
        open(path, "w").close()
        os.chmod(path, 0o600)
    elif kind == "newline-only":
        with open(path, "w") as fh:
            fh.write("\n")
        os.chmod(path, 0o600)
    elif kind == "directory":
        os.mkdir(path, 0o700)
    elif kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "symlink-dev-zero":
        os.symlink("/dev/zero", path)
    elif kind == "symlink-dev-null":
        os.symlink("/dev/null", path)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.close()
        os.chmod(path, 0o600)
    else:
        raise ValueError(kind)
    return path


BAD_KINDS = ["mode0644", "mode0604", "symlink-to-0644", "empty", "newline-only", "directory",
             "fifo", "symlink-dev-zero", "symlink-dev-null", "socket"]


@pytest.mark.parametrize("option", ["--client-secret-file", "--api-key-file"])
@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_secret_file_is_unknown(sim, kind, option):
    directory = tempfile.mkdtemp(prefix="pt-hard-badsecret-")
    os.chmod(directory, 0o755)
    try:
        path = make_bad_file(kind, directory)
        argv = ["-u", sim.base_url(""), "-t", "2", option, path]
        if option == "--client-secret-file":
            argv += ["--client-id", CLIENT_ID]
        r = hu.run("ping", argv, timeout=15)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    assert not r.timed_out, f"blocked on the {kind} secret file\n" + r.describe()
    assert r.rc == UNKNOWN, r.describe()
    assert r.first_line.startswith("PRIOTICKET PING UNKNOWN - "), r.describe()
    assert r.raw_stdout.count(b"\n") == 1 and r.raw_stdout.endswith(b"\n"), \
        "the reason is not one line\n" + r.describe()
    assert kind in r.first_line, "the reason does not name the file\n" + r.describe()
    assert CLIENT_SECRET not in r.output and CLIENT_SECRET[:12] not in r.output, r.describe()
    assert r.wall < 3, f"took {r.wall:.2f} s\n" + r.describe()
    counts = sim.counts()
    assert counts["token"] == 0 and counts["ping"] == 0, f"the check ran anyway: {counts}"


# ---- 2. no secret in the output ----------------------------------------------

def forbidden_strings(tokens):
    found = {"client secret": CLIENT_SECRET, "API key": API_KEY}
    found.update(hu.basic_credentials())
    for token in tokens:
        found[f"access token {token[:10]}..."] = token
        for i, part in enumerate(token.split(".")):
            if i > 0 and len(part) >= 16:
                found[f"access token {token[:10]}... part {i}"] = part
    return found


def assert_clean(r, tokens):
    for what, value in forbidden_strings(tokens).items():
        assert value not in r.output, f"{what} ({value!r}) printed\n" + r.describe()
    m = TOKEN_LIKE.search(r.output)
    assert not m, f"a JWT-like string {m.group(0)!r} printed\n" + r.describe()


SCENARIOS = [
    #  id                         scenario           args (templates)                          rc        token issued
    ("OK",                        "",                "",                                       OK,       True),
    ("401 token endpoint",        "token_status=401", "",                                      CRITICAL, False),
    ("401 probe forced",          "status=401",      "",                                       CRITICAL, True),
    ("401 probe, body inject",    "status=401,body=inject", "",                                CRITICAL, True),
    ("500 body=inject",           "status=500,body=inject", "",                                CRITICAL, True),
    ("TLS failure on the probe",  None,              "-u {selfsigned} --token-url {http}/oauth2/token --allow-http-token-url --ca-file {ca}",
                                                                                               CRITICAL, True),
    ("TLS failure on the token",  "",                "--token-url {selfsigned}/oauth2/token --ca-file {ca}",
                                                                                               CRITICAL, False),
    ("probe timeout",             "delay=3",         "-t 0.7",                                 CRITICAL, True),
    ("token timeout",             "token_delay=3",   "-t 0.7",                                 CRITICAL, False),
]


def scenario_argv(sim, scenario, args, secret_file):
    ctx = {"http": sim.base_url(""), "ca": sim.ca_file,
           "selfsigned": sim.base_url("", https=True, tls_name="selfsigned", hostname="localhost")}
    argv = [] if scenario is None else ["-u", sim.base_url(scenario)]
    argv += [w.format(**ctx) for w in args.split()]
    return argv + ["--client-id", CLIENT_ID, "--client-secret-file", str(secret_file)]


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
@pytest.mark.parametrize("scenario,args,rc,issued", [s[1:] for s in SCENARIOS],
                         ids=[s[0] for s in SCENARIOS])
def test_no_secret_in_output(sim, secret_file, api_key_file, scenario, args, rc, issued,
                             verbosity):
    state_dir = tempfile.mkdtemp(prefix="pt-hard-secretstate-")
    try:
        argv = scenario_argv(sim, scenario, args, secret_file)
        argv += ["--api-key-file", str(api_key_file)] + verbosity
        r = hu.run("ping", argv, state_dir=state_dir, timeout=20)
        tokens = hu.tokens_seen(sim, [state_dir])
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    assert r.rc == rc, r.describe()
    if issued:
        assert tokens, "no token learnt: the check of this row would be empty"
    assert_clean(r, tokens)


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_revoked_cached_token_with_auth_required(sim, secret_file, verbosity):
    """A cached token the API revoked: the probe gets 401 (auth=required), the
    plugin drops it, fetches one new token and retries.  Neither token, nor
    the secret, is printed."""
    state_dir = tempfile.mkdtemp(prefix="pt-hard-revoke-")
    token_url = sim.base_url("") + "/oauth2/token"
    try:
        first = hu.run("ping", ["-u", sim.base_url(""), "--token-url", token_url,
                                "--client-id", CLIENT_ID, "--client-secret-file",
                                str(secret_file)] + verbosity,
                       state_dir=state_dir, timeout=20)
        assert first.rc == OK, first.describe()
        old = hu.tokens_seen(sim, [state_dir])
        assert sim.revoke_tokens() >= 1
        r = hu.run("ping", ["-u", sim.base_url("auth=required"), "--token-url", token_url,
                            "--client-id", CLIENT_ID, "--client-secret-file",
                            str(secret_file)] + verbosity,
                   state_dir=state_dir, timeout=20)
        tokens = hu.tokens_seen(sim, [state_dir])
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    assert r.rc == OK, r.describe()
    assert sim.counts()["token"] == 2, sim.counts()
    assert len(tokens) >= 2 and old <= tokens, (old, tokens)
    assert_clean(first, tokens)
    assert_clean(r, tokens)


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_revoked_token_and_failing_retry(sim, secret_file, verbosity):
    """The same with the retry failing too (the token endpoint now refuses)."""
    state_dir = tempfile.mkdtemp(prefix="pt-hard-revoke2-")
    try:
        base = sim.base_url("")
        first = hu.run("ping", ["-u", base, "--client-id", CLIENT_ID,
                                "--client-secret-file", str(secret_file)],
                       state_dir=state_dir, timeout=20)
        assert first.rc == OK, first.describe()
        sim.revoke_tokens()
        # same token URL (so the cached entry is used), probe now requires auth
        # and every new token request is refused
        sim.set_scenario("auth=required,token_status=401")
        r = hu.run("ping", ["-u", base, "--client-id", CLIENT_ID, "--client-secret-file",
                            str(secret_file)] + verbosity, state_dir=state_dir, timeout=20)
        tokens = hu.tokens_seen(sim, [state_dir])
    finally:
        sim.set_scenario("")
        shutil.rmtree(state_dir, ignore_errors=True)
    assert r.rc == CRITICAL, r.describe()
    assert tokens, "no token learnt"
    assert_clean(r, tokens)


@pytest.mark.parametrize("verbosity", VERBOSITY, ids=VERBOSITY_IDS)
def test_secret_from_environment_not_printed(sim, verbosity):
    env = {"PRIOTICKET_CLIENT_ID": CLIENT_ID, "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET,
           "PRIOTICKET_API_KEY": API_KEY}
    r = hu.run("ping", ["-u", sim.base_url("status=500,body=inject")] + verbosity, env=env,
               timeout=20)
    assert r.rc == CRITICAL, r.describe()
    assert sim.counts()["token"] == 1, "the environment's credentials were not used"
    assert_clean(r, hu.tokens_seen(sim))


@pytest.fixture(scope="module")
def api_key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("hardening-apikey") / "api-key"
    path.write_text(API_KEY + "\n")
    os.chmod(path, 0o600)
    return path
