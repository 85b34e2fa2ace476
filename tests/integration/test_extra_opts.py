"""--extra-opts=[section][@file]: options from an ini file (key=value becomes
--key=value, key= becomes --key), placed before the command line so the
command line wins; the section defaults to the plugin's name; without @file
the file is $MP_CONFIG_FILE.  A missing file or section, or a malformed line,
is UNKNOWN on one line.

INI templates: {base} (scenario ""), {base503} (status=503), {selfsigned}
(HTTPS, self-signed certificate), {secret} (the 0600 secret file); in ARGS
also {ini} (the written file).
"""

import re
import shlex

import pytest

from plugin import CLIENT_ID, CRITICAL, OK, STATE_NAMES, UNKNOWN, run

INI = """\
# monitoring-plugins style ini
; both comment styles
[check_prioticket_ping]
base-url={base503}
client-id=%s
client-secret-file={secret}

[check_prioticket_status]
base-url={base}
warning=5

[creds]
base-url={base}
client-id=%s
client-secret-file={secret}
no-token-cache=

[spaced]
  base-url = {base}
  warning = 5

[flag]
base-url={selfsigned}
insecure=

[thresholds]
base-url={base}
warning=5
critical=9

[bad-value]
base-url={base}
warning=abc

[unknown-key]
base-url={base}
bogus=1

[malformed]
base-url={base}
this line has no equals sign
""" % (CLIENT_ID, CLIENT_ID)

ROWS = [
    #  id                              plugin    args                                              env                       rc       line-1 regex after "STATE - "   time warn;crit
    ("section@file with secret file",  "ping",   "--extra-opts=creds@{ini}",                       None,                     OK,      r"HTTP 200 ",                    None),
    ("default section is plugin name", "ping",   "--extra-opts=@{ini}",                            None,                     CRITICAL, r"HTTP 503",                     None),
    ("default section, status plugin", "status", "--extra-opts=@{ini}",                            None,                     OK,      r"HTTP 200 ",                    ("5", "")),
    ("command line wins: -u",          "ping",   "--extra-opts=@{ini} -u {base}",                  None,                     OK,      r"HTTP 200 ",                    None),
    ("command line wins: -w",          "ping",   "--extra-opts=thresholds@{ini} -w 7",             None,                     OK,      r"HTTP 200 ",                    ("7", "9")),
    ("command line first, still wins", "ping",   "-w 7 --extra-opts=thresholds@{ini}",             None,                     OK,      r"HTTP 200 ",                    ("7", "9")),
    ("two sections",                   "ping",   "--extra-opts=spaced@{ini} --extra-opts=thresholds@{ini}",
                                                                                                   None,                     OK,      r"HTTP 200 ",                    ("5", "9")),
    ("spaces around =",                "ping",   "--extra-opts=spaced@{ini}",                      None,                     OK,      r"HTTP 200 ",                    ("5", "")),
    ("key= is a flag",                 "ping",   "--extra-opts=flag@{ini}",                        None,                     OK,      r"HTTP 200 ",                    None),
    ("MP_CONFIG_FILE, no argument",    "ping",   "--extra-opts",                                   {"MP_CONFIG_FILE": "{ini}"}, CRITICAL, r"HTTP 503",                  None),
    ("MP_CONFIG_FILE, section",        "ping",   "--extra-opts=creds",                             {"MP_CONFIG_FILE": "{ini}"}, OK,    r"HTTP 200 ",                    None),
    ("@file beats MP_CONFIG_FILE",     "ping",   "--extra-opts=creds@{ini}",                       {"MP_CONFIG_FILE": "/nonexistent.ini"}, OK, r"HTTP 200 ",          None),
    ("missing file",                   "ping",   "--extra-opts=creds@/nonexistent/x.ini",          None,                     UNKNOWN, r"x\.ini",                       None),
    ("MP_CONFIG_FILE missing file",    "ping",   "--extra-opts=creds",                             {"MP_CONFIG_FILE": "/nonexistent/x.ini"}, UNKNOWN, r"",            None),
    ("missing section",                "ping",   "--extra-opts=nosuch@{ini}",                      None,                     UNKNOWN, r"nosuch",                       None),
    ("missing default section",        "ping",   "--extra-opts=@{ini_without_default}",            None,                     UNKNOWN, r"check_prioticket_ping",        None),
    ("malformed line",                 "ping",   "--extra-opts=malformed@{ini}",                   None,                     UNKNOWN, r"",                             None),
    ("bad value in the ini",           "ping",   "--extra-opts=bad-value@{ini}",                   None,                     UNKNOWN, r"warning",                      None),
    ("unknown key in the ini",         "ping",   "--extra-opts=unknown-key@{ini}",                 None,                     UNKNOWN, r"bogus",                        None),
]


@pytest.fixture
def ini_files(sim, files, tmp_path):
    ctx = {"base": sim.base_url(""), "base503": sim.base_url("status=503"),
           "selfsigned": sim.base_url("", https=True, tls_name="selfsigned", hostname="localhost"),
           "secret": files["secret"]}
    ini = tmp_path / "plugins.ini"
    ini.write_text(INI.format(**ctx))
    ini.chmod(0o600)
    other = tmp_path / "other.ini"
    other.write_text("[somebody-else]\nwarning=1\n")
    ctx.update(ini=str(ini), ini_without_default=str(other))
    return ctx


@pytest.mark.parametrize("plugin_name,args,env,rc,text,thresholds", [r[1:] for r in ROWS],
                         ids=[r[0] for r in ROWS])
def test_extra_opts(sim, ini_files, plugin_name, args, env, rc, text, thresholds):
    argv = [w.format(**ini_files) for w in shlex.split(args)]
    env = {k: v.format(**ini_files) for k, v in (env or {}).items()}
    r = run(plugin_name, argv, env=env, timeout=20)
    assert r.rc == rc, r.describe()
    assert re.match(rf"^PRIOTICKET {plugin_name.upper()} {STATE_NAMES[rc]} - .*?{text}",
                    r.first_line), r.describe()
    if rc == UNKNOWN:
        assert len(r.lines) == 1, r.describe()
        assert sim.counts()["ping"] + sim.counts()["status"] + sim.counts()["token"] == 0
    if thresholds:
        assert (r.perf["time"].warn, r.perf["time"].crit) == thresholds, r.describe()


def test_secret_file_from_ini_is_used(sim, ini_files):
    r = run("ping", ["--extra-opts=creds@" + ini_files["ini"]], timeout=20)
    assert r.rc == OK, r.describe()
    assert [q["endpoint"] for q in sim.requests()] == ["token", "ping"]
    assert sim.counts()["token_ok"] == 1
