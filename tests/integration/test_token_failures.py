# SPDX-License-Identifier: GPL-3.0-or-later
"""A failing token endpoint, judged by what the simulator received (issue 20,
items 2, 7, 11, 12, 13): failures are shared between runs with a short
back-off that grows, one request at a time goes out, a valid token carries a
failed renewal, Retry-After sets the back-off, and a remembered state says so
on the first line.

Every test gets its own state directory (MP_STATE_PATH). The token endpoint's
behaviour is switched with the simulator's default scenario, so that the
token URL, and with it the cache entry, stays the same across runs.
"""

import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from pathlib import Path

import pytest

import plugin
from plugin import CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, WARNING


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


@pytest.fixture
def endpoint(sim):
    """endpoint(spec): the simulator's default scenario (the token endpoint's
    behaviour for every run); cleared when the test ends."""
    yield sim.set_scenario
    sim.set_scenario("")


def status(sim, state_root, extra=(), timeout=30, scenario=None):
    env = {"MP_STATE_PATH": str(state_root), "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}
    args = ["-u", sim.base_url(scenario=scenario), "--client-id", CLIENT_ID, *extra]
    return plugin.run("status", args, env=env, timeout=timeout)


def tokens(sim):
    return sim.counts()["token"]


def expect(r, state, reason, first):
    """The contract of every case: state, reason word, first line."""
    assert r.rc == state, r.describe()
    assert f"Reason: {reason}" in r.lines, r.describe()
    text = r.summary.split(" - ", 1)[1]
    assert re.search(first, text), f"first line does not match {first!r}\n" + r.describe()


# ---- item 2: any positive lifetime is one; null is absent ----------------------

# (expires_in as JSON, what the long output says about it, token requests after 3 runs)
LIFETIMES = [
    ("34560000", None, 1),     # 400 days
    ("31536001", None, 1),     # 365 days + 1 s
    ("3599.999", None, 1),
    ('"3599.999"', None, 1),
    ('"3600"', None, 1),
    ("null", r"^Token: no expires_in; a lifetime of 300 s is assumed$", 1),
    ('"soon"', r"^Token: expires_in is not a number of seconds; a lifetime of 300 s is assumed$",
     1),
    ("0", r"^Token: expires_in is under one second; the token is used for this run only, "
          r"not cached$", 3),
    ("-30", r"^Token: expires_in is under one second", 3),
]


@pytest.mark.parametrize("value,note,requests", LIFETIMES, ids=[v[0] for v in LIFETIMES])
def test_a_lifetime_is_never_an_error(sim, state, value, note, requests):
    runs = [status(sim, state, scenario=f"expires_json={value}") for _ in range(3)]
    for r in runs:
        expect(r, OK, "ok", r"^HTTP 200 in")
    if note:
        assert any(re.search(note, line) for line in runs[0].lines), runs[0].describe()
    assert tokens(sim) == requests


# ---- item 1: large tokens, whole, in the header and the cache -------------------

@pytest.mark.parametrize("size", [4097, 5480, 16 * 1024, 60000])
def test_a_large_token_reaches_the_api_whole(sim, state, size):
    scenario = f"token_size={size},auth=required"
    first = status(sim, state, scenario=scenario)
    second = status(sim, state, scenario=scenario)
    expect(first, OK, "ok", r"^HTTP 200 in")
    expect(second, OK, "ok", r"^HTTP 200 in")
    assert "Token: from the cache" in second.stdout, second.describe()
    sent = [r["headers"].get("Authorization", "") for r in sim.requests()
            if r["endpoint"] == "status"]
    assert len(sent) == 2 and sent[0] == sent[1], sent
    assert len(sent[0]) == len("Bearer ") + size


def test_a_token_over_the_limit_names_its_length(sim, state):
    r = status(sim, state, scenario="token_size=262145")
    expect(r, CRITICAL, "bad_response",
           r"^token endpoint answered HTTP 200 but access_token is 262145 characters, over the "
           r"limit of 262144$")
    assert "characters a bearer token cannot have" not in r.stdout


# ---- item 11: failures are shared, with a short back-off that grows -------------

def test_a_server_error_is_remembered_with_a_growing_back_off(sim, state, endpoint):
    endpoint("token_status=503")
    first = status(sim, state)
    expect(first, CRITICAL, "server_error", r"^token endpoint answered HTTP 503")
    second = status(sim, state)
    expect(second, CRITICAL, "server_error",
           r"^remembered failure from \d+ s ago: token endpoint answered HTTP 503.*; next token "
           r"request in [12] s \(back-off of 2 s after 1 failure in a row\)$")
    assert tokens(sim) == 1
    # A back-off lasts at least its length, at most a second more: the cache
    # keeps whole seconds and stamps a failure from the next one.
    time.sleep(3.1)
    third = status(sim, state)
    expect(third, CRITICAL, "server_error", r"^token endpoint answered HTTP 503")
    fourth = status(sim, state)
    expect(fourth, CRITICAL, "server_error",
           r"^remembered failure .*\(back-off of 4 s after 2 failures in a row\)$")
    assert tokens(sim) == 2
    # The endpoint recovers: the first run after the back-off gets a token.
    endpoint("")
    time.sleep(5.1)
    expect(status(sim, state), OK, "ok", r"^HTTP 200 in")
    expect(status(sim, state), OK, "ok", r"^HTTP 200 in")
    assert tokens(sim) == 3


def test_a_refused_connection_is_remembered(sim, state, closed_port):
    token_url = f"http://127.0.0.1:{closed_port}/v3.8/distributor/oauth2/token"
    extra = ["--token-url", token_url]
    first = status(sim, state, extra)
    expect(first, CRITICAL, "connect", r"^connection failed \(token request\)")
    second = status(sim, state, extra)
    expect(second, CRITICAL, "connect",
           r"^remembered failure from \d+ s ago: connection failed \(token request\); next token "
           r"request in [12] s \(back-off of 2 s after 1 failure in a row\)$")
    assert "Token: not requested; the state comes from a failure of the token endpoint" \
        in second.stdout, second.describe()


def test_a_timeout_is_remembered(sim, state, endpoint):
    endpoint("token_delay=5")
    first = status(sim, state, ["-t", "1"])
    expect(first, CRITICAL, "timeout", r"^timeout: no answer within the 1 s budget")
    second = status(sim, state, ["-t", "1"])
    expect(second, CRITICAL, "timeout", r"^remembered failure from \d+ s ago: timeout")
    assert tokens(sim) == 1


def run_wave(sim, state, n, extra=(), timeout=30):
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _: status(sim, state, extra, timeout=timeout), range(n)))


@pytest.mark.parametrize("spec,state_,reason", [
    ("token_status=500", CRITICAL, "server_error"),
    ("token_status=502", CRITICAL, "server_error"),
])
def test_many_concurrent_runs_make_one_request_to_a_failing_endpoint(sim, state, endpoint, spec,
                                                                    state_, reason):
    """As an engine runs them: 40 runs at once, then waves of 10 every half
    second for 3 s. The first run asks and fails; the ones waiting for it read
    its failure instead of asking again; the waves fall inside the back-off
    (2 s, then 4 s): at most two requests in all, where every run asked
    before."""
    endpoint(spec)
    started = time.monotonic()
    results = run_wave(sim, state, 40)
    for _ in range(6):
        time.sleep(0.5)
        results += run_wave(sim, state, 10)
    elapsed = time.monotonic() - started
    for r in results:
        expect(r, state_, reason, r"token endpoint answered HTTP 5\d\d")
    # One request, then one per back-off (2 s, 4 s, 8 s ...) while runs go on.
    allowed = 1 + sum(1 for end in (2, 6, 14, 30) if end < elapsed)
    assert tokens(sim) <= allowed, (tokens(sim), elapsed)
    assert sum("remembered failure" in r.summary for r in results) >= len(results) - allowed


def test_a_hanging_endpoint_gets_one_request_at_a_time(sim, state, endpoint):
    """The endpoint takes longer than the budget: the run that asked holds
    the lock; the others give up waiting after half their budget and, seeing
    that run still at it, send no second request."""
    endpoint("token_delay=20")
    results = run_wave(sim, state, 12, ["-t", "4"])
    assert tokens(sim) == 1, [r.summary for r in results]
    waited = [r for r in results if "another run's token request" in r.summary]
    assert len(waited) >= 10, [r.summary for r in results]
    for r in waited:
        expect(r, CRITICAL, "timeout",
               r"^timeout: another run's token request has not finished after \d+\.\d s; no "
               r"second one was sent \(token request\)$")


# ---- item 12: a valid token carries a failed renewal ---------------------------

def test_a_valid_token_is_used_until_its_real_expiry_when_renewal_fails(sim, state, endpoint):
    endpoint("expires_in=8")  # renewed after 6 s: a quarter of the lifetime is the margin
    expect(status(sim, state), OK, "ok", r"^HTTP 200 in")
    time.sleep(6.2)
    endpoint("token_status=503")
    renewing = status(sim, state)
    expect(renewing, OK, "ok", r"^HTTP 200 in")
    assert re.search(r"^\[OK\] token: from the cache: renewing it failed \(HTTP 503: "
                     r"SERVICE_UNAVAILABLE\); the token "
                     r"is valid for [12] more s$", renewing.stdout, re.M), renewing.describe()
    assert re.search(r"^Token: renewing the cached token failed \(HTTP 503: SERVICE_UNAVAILABLE\) "
                     r"in this run; the "
                     r"cached token is used until it expires in [12] s, after which the failure "
                     r"shows$", renewing.stdout, re.M), renewing.describe()
    assert tokens(sim) == 2
    # The next run neither asks again (the failure is remembered) nor fails.
    carried = status(sim, state)
    expect(carried, OK, "ok", r"^HTTP 200 in")
    assert re.search(r"^\[OK\] token: from the cache: renewing it failed \d+ s ago \(HTTP 503: "
                     r"SERVICE_UNAVAILABLE\), "
                     r"next attempt in [12] s; the token is valid for [12] more s$",
                     carried.stdout, re.M), carried.describe()
    assert tokens(sim) == 2
    # Past the real expiry the failure shows.
    time.sleep(2.0)
    expired = status(sim, state)
    expect(expired, CRITICAL, "server_error", r"token endpoint answered HTTP 503")


def test_a_refused_renewal_shows_at_once(sim, state, endpoint):
    """A refusal (4xx) is no passing trouble: the credentials the check vouches
    for no longer work, so a valid token does not hide it."""
    endpoint("expires_in=8")
    expect(status(sim, state), OK, "ok", r"^HTTP 200 in")
    time.sleep(6.2)
    endpoint("token_status=401")
    expect(status(sim, state), CRITICAL, "auth",
           r"^authentication failed: token endpoint answered HTTP 401 \(invalid_client\)$")


def test_a_token_in_renewal_by_another_run_is_used_meanwhile(sim, state, endpoint):
    """While one run renews a token that is due, the others use the valid one
    instead of waiting or asking too."""
    # Renewed after 12 s, valid until 16 s (15 s and a fraction, counted
    # from the whole second the token was written in): the wave starts
    # well inside the renewal and finishes before the token ends, even in
    # a sanitizer build on a loaded machine (8 s left only a second or so).
    endpoint("expires_in=16")
    expect(status(sim, state), OK, "ok", r"^HTTP 200 in")
    time.sleep(12.2)
    endpoint("expires_in=16,token_delay=2")
    results = run_wave(sim, state, 10)
    for r in results:
        expect(r, OK, "ok", r"^HTTP 200 in")
    assert tokens(sim) == 2, [r.summary for r in results]
    # Only the run that renews waits for the slow endpoint; no other waits.
    renewed = [r for r in results if "Token: requested from" in r.stdout]
    assert len(renewed) == 1, [r.stdout for r in results]
    for r in results:
        assert "after waiting" not in r.stdout, r.describe()


# ---- item 7: Retry-After on a 429 or 503 is the back-off -------------------------

def http_date(seconds_ahead):
    return formatdate(time.time() + seconds_ahead, usegmt=True)


# (token endpoint, state, reason, the back-off's length, the first line's back-off)
RETRY_AFTER = [
    ({"token_status": 429, "retry_after": 3}, WARNING, "rate_limited", (3,),
     r"\(Retry-After of 3 s\)$"),
    ({"token_status": 503, "retry_after": 3}, CRITICAL, "server_error", (3,),
     r"\(Retry-After of 3 s\)$"),
    ({"token_status": 503, "retry_after": "DATE+5"}, CRITICAL, "server_error", (4, 5),
     r"\(Retry-After of [45] s\)$"),
    ({"token_status": 429, "retry_after": 0}, WARNING, "rate_limited", (1,),
     r"\(Retry-After of 1 s\)$"),
    ({"token_status": 503, "retry_after": 86400}, CRITICAL, "server_error", (3600,),
     r"\(Retry-After of 3600 s\)$"),
    ({"token_status": 429}, WARNING, "rate_limited", (24,), r"\(default back-off of 24 s\)$"),
    ({"token_status": 503, "retry_after": "soon"}, CRITICAL, "server_error", (2,),
     r"\(back-off of 2 s after 1 failure in a row\)$"),
    # Only a 429 or a 503 sets the back-off.
    ({"token_status": 500, "retry_after": 300}, CRITICAL, "server_error", (2,),
     r"\(back-off of 2 s after 1 failure in a row\)$"),
]


def entry_fields(state_root):
    directory = state_root / str(os.geteuid()) / "check_prioticket"
    (entry,) = [p for p in directory.iterdir() if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    return dict(line.split(" ", 1) for line in entry.read_text().splitlines()[1:])


@pytest.mark.parametrize("spec,state_,reason,length,why", RETRY_AFTER,
                         ids=[str(r[0]) for r in RETRY_AFTER])
def test_retry_after_is_the_back_off(sim, state, endpoint, spec, state_, reason, length, why):
    spec = dict(spec)
    if spec.get("retry_after") == "DATE+5":
        spec["retry_after"] = http_date(5)
    endpoint(spec)
    first = status(sim, state)
    assert first.rc == state_, first.describe()
    fields = entry_fields(state)
    assert int(fields["until"]) - int(fields["at"]) in length, fields
    if max(length) < 2:
        return  # over before a second run could be sure to start inside it
    second = status(sim, state)
    expect(second, state_, reason, r"^remembered (failure|refusal) from \d+ s ago: .*; next "
                                   r"token request in \d+ s " + why)
    assert tokens(sim) == 1


def test_retry_after_ends_the_back_off_on_time(sim, state, endpoint):
    endpoint({"token_status": 429, "retry_after": 2})
    assert status(sim, state).rc == WARNING
    assert status(sim, state).rc == WARNING
    assert tokens(sim) == 1
    endpoint("")
    # Not before the 2 s it asked for (a Retry-After is a "not before"), nor
    # more than a second after: the cache keeps whole seconds.
    time.sleep(1.5)
    assert status(sim, state).rc == WARNING
    assert tokens(sim) == 1
    time.sleep(1.6)
    expect(status(sim, state), OK, "ok", r"^HTTP 200 in")
    assert tokens(sim) == 2


# ---- item 11: a cache that cannot be written still limits the requests ---------

@pytest.mark.parametrize("runtime", ["XDG_RUNTIME_DIR", "/dev/shm"])
def test_an_unusable_state_directory_still_limits_requests(sim, tmp_path, endpoint, runtime):
    """Neither the state directory nor the per-user one can be used: the runs
    keep their entries in memory ($XDG_RUNTIME_DIR/check_prioticket-<euid>,
    else /dev/shm/check_prioticket-<euid>), so the token is still shared and
    failures are still remembered. The test removes what it added."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    env = {"MP_STATE_PATH": str(blocker / "state"), "XDG_CACHE_HOME": str(blocker / "xdg"),
           "HOME": str(blocker / "home"), "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}
    if runtime == "XDG_RUNTIME_DIR":
        env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
        memory = tmp_path / "run" / f"check_prioticket-{os.geteuid()}"
    else:
        env["XDG_RUNTIME_DIR"] = None
        memory = Path(f"/dev/shm/check_prioticket-{os.geteuid()}")
    before = set(os.listdir(memory)) if memory.exists() else None
    # A scope of its own: an identity no other run has used.
    args = ["-u", sim.base_url(), "--client-id", CLIENT_ID, "--scope", f"t-{tmp_path.name}",
            "-v"]
    try:
        runs = [plugin.run("status", args, env=env) for _ in range(2)]
        for r in runs:
            expect(r, OK, "ok", r"^HTTP 200 in")
        assert tokens(sim) == 1
        assert re.search(rf"^Token cache: in {memory}, since neither the state directory nor "
                         r"the per-user one is usable: ", runs[0].stdout, re.M), runs[0].describe()
        assert "Token: from the cache" in runs[1].stdout, runs[1].describe()
        endpoint("token_status=503")
        args[args.index("--scope") + 1] += "-failing"
        failing = [plugin.run("status", args, env=env) for _ in range(2)]
        expect(failing[1], CRITICAL, "server_error", r"^remembered failure from \d+ s ago")
        assert tokens(sim) == 2
    finally:
        if before is None:
            shutil.rmtree(memory, ignore_errors=True)
        elif memory.exists():
            for name in set(os.listdir(memory)) - before:
                (memory / name).unlink()
