# SPDX-License-Identifier: GPL-3.0-or-later
"""--extra-opts=[section][@file]: options from an ini file (key=value becomes
--key=value, key= becomes --key), placed before the command line so the
command line wins; the section defaults to the plugin's name; without @file
the file is $MP_CONFIG_FILE.  A missing file or section, or a malformed line,
is UNKNOWN on one line.

INI templates: {base} (scenario ""), {base503} (status=503), {selfsigned}
(HTTPS, self-signed certificate), {secret} (the 0600 secret file); in ARGS
also {ini} (the written file).
"""

import os
import re
import shlex
from pathlib import Path

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
    ("abbreviated: --extra=",          "ping",   "--extra=creds@{ini}",                            None,                     OK,      r"HTTP 200 ",                    None),
    ("abbreviated, no value: --ext",   "ping",   "--ext",                                          {"MP_CONFIG_FILE": "{ini}"}, CRITICAL, r"HTTP 503",                  None),
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


# ---- who may write the file (issue 19, finding 4) -------------------------------
#
# Whoever can change an --extra-opts file chooses the plugin's options: a
# --token-url, a proxy, the secret file to send. It is read only when it,
# and every directory above it, belongs to root or the running user and no
# one else can write it (sshd's StrictModes; a directory others may write
# is fine with the sticky bit, as /tmp). Otherwise UNKNOWN, naming the file
# or directory and the reason, and nothing is sent.

OTHER_UID = 4242
NOT_READ = ("an --extra-opts file is read only when it, and every directory above it, belongs "
            "to root or this user and no one else can write it")


def _file_owned_by_other(ini, d):
    os.chown(ini, OTHER_UID, OTHER_UID)
    return f"{ini} belongs to uid {OTHER_UID}, neither root nor this user (uid 0)"


def _dir_owned_by_other(ini, d):
    os.chown(d, OTHER_UID, OTHER_UID)
    return f"directory {d} belongs to uid {OTHER_UID}, neither root nor this user (uid 0)"


def _symlink_into_open_dir(ini, d):
    """A link from a protected place to a file in a directory anyone may
    write: the directories of the file itself count."""
    open_dir = d / "open"
    open_dir.mkdir()
    target = open_dir / "real.ini"
    ini.rename(target)
    ini.symlink_to(target)
    os.chmod(open_dir, 0o777)
    return f"directory {open_dir} is writable by group or others without the sticky bit (mode 0777)"


def _mode(which, mode, why=None):
    """Gives the file or its directory a mode; the reason expected, or None."""
    def change(ini, d):
        os.chmod(ini if which == "file" else d, mode)
        return why.format(ini=ini, d=d) if why else None
    return change


#  id                               change (ini, its directory) -> the reason expected, or None
PROTECTION = [
    ("file writable by others",      _mode("file", 0o666, "{ini} is writable by group or others (mode 0666)")),
    ("file writable by group",       _mode("file", 0o620, "{ini} is writable by group or others (mode 0620)")),
    ("file of another user",         _file_owned_by_other),
    ("directory others may write",   _mode("dir", 0o777, "directory {d} is writable by group or others "
                                                         "without the sticky bit (mode 0777)")),
    ("directory of another user",    _dir_owned_by_other),
    ("symlink into an open directory", _symlink_into_open_dir),
    ("sticky directory, as /tmp",    _mode("dir", 0o1777)),
    ("0644 file, 0755 directory",    _mode("file", 0o644)),
]


@pytest.mark.parametrize("change", [p[1] for p in PROTECTION], ids=[p[0] for p in PROTECTION])
@pytest.mark.parametrize("how", ["@file", "MP_CONFIG_FILE"])
def test_only_a_protected_file_is_read(sim, ini_files, tmp_path, change, how):
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    d = tmp_path / "conf"
    d.mkdir()
    os.chmod(d, 0o755)
    ini = d / "plugins.ini"
    ini.write_text(Path(ini_files["ini"]).read_text())
    os.chmod(ini, 0o600)
    why = change(ini, d)
    if how == "@file":
        r = run("ping", [f"--extra-opts=creds@{ini}"], timeout=20)
    else:
        r = run("ping", ["--extra-opts=creds"], env={"MP_CONFIG_FILE": str(ini)}, timeout=20)
    if why is None:
        assert r.rc == OK, r.describe()
        return
    assert r.rc == UNKNOWN and len(r.lines) == 1, r.describe()
    assert r.first_line == f"PRIOTICKET PING UNKNOWN - {why}: {NOT_READ}", r.describe()
    assert sim.counts()["token"] + sim.counts()["ping"] == 0


@pytest.mark.parametrize("stdin,owner,mode,rc,why", [
    ("pipe", None, None, OK, None),
    ("file", 0, 0o644, OK, None),
    ("file", 0, 0o666, UNKNOWN, "(stdin) is writable by group or others (mode 0666)"),
    ("file", OTHER_UID, 0o600, UNKNOWN,
     f"(stdin) belongs to uid {OTHER_UID}, neither root nor this user (uid 0)"),
], ids=["a pipe of ours", "root's file", "a file others may write", "another user's file"])
def test_stdin_is_read_when_ours(sim, ini_files, tmp_path, stdin, owner, mode, rc, why):
    """@- reads the ini from stdin: a pipe (its writer is whoever started
    the plugin) or a file, owned by root or the running user."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    text = Path(ini_files["ini"]).read_bytes()
    if stdin == "pipe":
        r = _run_with_input(text)
    else:
        f = tmp_path / "stdin.ini"
        f.write_bytes(text)
        os.chown(f, owner, owner)
        os.chmod(f, mode)
        with open(f, "rb") as fh:
            r = run("ping", ["--extra-opts=creds@-"], stdin=fh, timeout=20)
    assert r.rc == rc, r.describe()
    if why:
        assert r.first_line == f"PRIOTICKET PING UNKNOWN - {why}: {NOT_READ}", r.describe()


def _run_with_input(data):
    """The plugin with data on a pipe as stdin."""
    rfd, wfd = os.pipe()
    os.write(wfd, data)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as fh:
        return run("ping", ["--extra-opts=creds@-"], stdin=fh, timeout=20)
