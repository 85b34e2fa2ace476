# SPDX-License-Identifier: GPL-3.0-or-later
"""The integration scenarios under valgrind memcheck: no invalid read or
write, no use of uninitialised memory, no definite leak, whatever the
server answers. One row per kind of outcome; valgrind makes each run about
thirty times slower, so the rows use generous budgets."""

import shutil

import pytest

import plugin
from plugin import CLIENT_ID, CLIENT_SECRET, CRITICAL, OK, UNKNOWN, WARNING

VALGRIND = shutil.which("valgrind")
MEMCHECK = ("valgrind", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
            "--track-origins=yes", "-q")

AUTH = ("--client-id", CLIENT_ID)

# id, plugin, scenario, extra args, credentials, expected state
ROWS = [
    ("ok", "ping", None, ("-w", "5", "-c", "9"), False, OK),
    ("ok with token", "status", None, (), True, OK),
    ("expect-json met", "status", None, ("--expect-json", "status=OK,UP"), False, OK),
    ("expect-json not met", "status", "status_value=DOWN", ("--expect-json", "status=OK"),
     False, CRITICAL),
    ("body not JSON", "status", "body=html", ("--expect-json", "status=OK"), False, CRITICAL),
    ("429", "ping", "status=429", (), False, WARNING),
    ("404", "ping", "status=404", (), False, WARNING),
    ("503 with error body", "ping", "status=503", (), False, CRITICAL),
    ("502 HTML page", "ping", "status=502,body=html", ("-vvv",), False, CRITICAL),
    ("injected error text", "ping", "status=500,body=inject", ("-vvv",), False, CRITICAL),
    ("NUL and invalid UTF-8", "ping", "status=500,body=nul", (), False, CRITICAL),
    ("malformed JSON", "ping", "status=500,body=malformed", (), False, CRITICAL),
    ("closed mid-answer", "ping", "body=close", (), False, CRITICAL),
    ("reset", "ping", "body=reset", (), False, CRITICAL),
    ("body over the bound", "ping", "body=big,size=3000000", (), False, WARNING),
    ("gzip body", "ping", "gzip=1", (), False, OK),
    ("token refused", "status", "token_status=401", (), True, CRITICAL),
    ("token unusable", "status", "token_body=bad_chars", (), True, CRITICAL),
    ("token malformed", "status", "token_body=malformed", (), True, CRITICAL),
    ("probe refuses token", "status", "auth=required,status=401", (), True, CRITICAL),
    ("timeout", "ping", "body=hang", ("-t", "3", "--timeout-result", "unknown"), False, UNKNOWN),
    ("bad argument", "ping", None, ("-w", "x"), False, UNKNOWN),
    ("secret bound elsewhere", "status", None, ("--token-url", "https://gw.invalid/t"), True,
     UNKNOWN),
    ("help", "ping", None, ("--help",), False, UNKNOWN),
]


@pytest.mark.skipif(not VALGRIND, reason="valgrind is not installed (tools/setup-debian --test)")
@pytest.mark.parametrize("plugin_name,scenario,args,auth,expected",
                         [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_no_memory_error(sim, tmp_path, plugin_name, scenario, args, auth, expected):
    env = {"MP_STATE_PATH": str(tmp_path)}
    argv = ["-u", sim.base_url(scenario=scenario), "-t", "20", *args]
    if auth:
        argv += AUTH
        env["PRIOTICKET_CLIENT_SECRET"] = CLIENT_SECRET
    r = plugin.run(plugin_name, argv, env=env, timeout=120, wrapper=MEMCHECK)
    assert r.rc != 99, "valgrind found errors:\n" + r.describe()
    assert "definitely lost" not in r.stderr, r.describe()
    assert r.rc == expected, r.describe()


@pytest.mark.skipif(not VALGRIND, reason="valgrind is not installed (tools/setup-debian --test)")
def test_no_memory_error_with_a_warm_cache_and_a_revoked_token(sim, tmp_path):
    env = {"MP_STATE_PATH": str(tmp_path), "PRIOTICKET_CLIENT_SECRET": CLIENT_SECRET}
    argv = ["-u", sim.base_url(), "-t", "20", *AUTH, "-v"]
    for step in ("fill", "hit", "revoke"):
        if step == "revoke":
            sim.revoke_tokens()
        r = plugin.run("status", argv, env=env, timeout=120, wrapper=MEMCHECK)
        assert r.rc == OK, f"{step}:\n" + r.describe()
    assert sim.counts()["token"] == 2
