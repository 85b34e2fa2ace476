# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness for the Icinga Director test: a private PostgreSQL instance, a
private Icinga Web 2 configuration directory with the Director module, and
`icingacli director` run against them. (A plainly named module rather than
conftest.py, like engine_harness.py.)

Everything runs on loopback, in private directories, and every daemon is
stopped by PID. PostgreSQL refuses to run as root, so as root the server
runs as the `postgres` user (created by Debian's postgresql-common); as any
other user it runs as that user.
"""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from engine_harness import stop_process, tail, wait_for
from ports import free_port, port_open

ICINGACLI = "/usr/bin/icingacli"
PHP = "/usr/bin/php"
WEB_MODULES = Path("/usr/share/icingaweb2/modules")
# Director 1.10 needs these two modules enabled next to it.
MODULES = ("director", "incubator", "reactbundle")
# What tools/setup-debian --test installs for this test.
DEBIAN_PACKAGES = ("icingaweb2 icingacli icingaweb2-module-director php-cli "
                   "php-pgsql postgresql")


def pg_bindir():
    """The newest installed PostgreSQL server's bin directory, or None."""
    dirs = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
            if os.access(os.path.join(d, "postgres"), os.X_OK)]
    if not dirs:
        return None
    return Path(max(dirs, key=lambda d: int(Path(d).parent.name)
                    if Path(d).parent.name.isdigit() else 0))


def missing_parts():
    """What of the Director stack is missing, as (thing, Debian package)."""
    missing = []
    if not os.access(ICINGACLI, os.X_OK):
        missing.append((ICINGACLI, "icingacli"))
    for module, package in (("director", "icingaweb2-module-director"),
                            ("incubator", "icingaweb2-module-incubator"),
                            ("reactbundle", "icingaweb2-module-reactbundle")):
        if not (WEB_MODULES / module / "module.info").is_file():
            missing.append((str(WEB_MODULES / module), package))
    if not os.access(PHP, os.X_OK):
        missing.append((PHP, "php-cli"))
    else:
        res = subprocess.run(
            [PHP, "-r", 'exit(extension_loaded("pdo_pgsql") ? 0 : 1);'],
            capture_output=True, timeout=30, check=False)
        if res.returncode != 0:
            missing.append(("PHP's pdo_pgsql", "php-pgsql"))
    if pg_bindir() is None:
        missing.append(("/usr/lib/postgresql/*/bin/postgres", "postgresql"))
    return missing


def skip_without_director():
    missing = missing_parts()
    if not missing:
        return
    reason = ("Icinga Director stack incomplete (%s): install the Debian "
              "packages %s (tools/setup-debian --test, run by .ci/run, does)"
              % (", ".join("%s from %s" % m for m in missing),
                 DEBIAN_PACKAGES))
    print("SKIP: " + reason, file=sys.stderr)
    pytest.skip(reason)


def random_password():
    return os.urandom(12).hex()


class PrivatePostgres:
    """A PostgreSQL cluster of its own: initdb into a fresh directory, the
    server on a free 127.0.0.1 port (its socket in that directory too),
    password authentication, fsync off (test data)."""

    SUPERUSER = "postgres"

    def __init__(self):
        self.bindir = pg_bindir()
        # Not under pytest's tmp_path: that is mode 0700 root, and the
        # server runs as postgres when we are root.
        self.dir = Path(tempfile.mkdtemp(prefix="pt-director-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.password = random_password()
        self.proc = None
        self.run_as = {}
        if os.geteuid() == 0:
            import pwd
            pw = pwd.getpwnam("postgres")
            os.chown(str(self.dir), pw.pw_uid, pw.pw_gid)
            self.run_as = {"user": pw.pw_uid, "group": pw.pw_gid,
                           "extra_groups": []}
        os.chmod(str(self.dir), 0o700)
        self.env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C",
                    "HOME": str(self.dir), "PGPASSWORD": self.password}

    def _own(self, path):
        if self.run_as:
            os.chown(str(path), self.run_as["user"], self.run_as["group"])

    def init(self):
        pwfile = self.dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        os.chmod(str(pwfile), 0o600)
        self._own(pwfile)
        res = subprocess.run(
            [str(self.bindir / "initdb"), "-D", str(self.data),
             "-U", self.SUPERUSER, "--pwfile", str(pwfile),
             "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
            capture_output=True, text=True, env=self.env, cwd=str(self.dir),
            timeout=120, check=False, **self.run_as)
        pwfile.unlink()
        if res.returncode != 0:
            raise AssertionError("initdb failed: %s%s" % (res.stdout,
                                                           res.stderr))

    def start(self, timeout=60):
        out = open(str(self.log), "wb")
        try:
            self.proc = subprocess.Popen(
                [str(self.bindir / "postgres"), "-D", str(self.data),
                 "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1",
                 "-c", "unix_socket_directories=%s" % self.dir,
                 "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, cwd=str(self.dir), start_new_session=True,
                **self.run_as)
        finally:
            out.close()

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("postgres exited with %s:\n%s"
                                     % (self.proc.returncode, tail(self.log)))
            return (port_open(self.port)
                    and self.psql("SELECT 1", check=False).returncode == 0)
        wait_for("PostgreSQL on port %d" % self.port, up, timeout, 0.2)

    def psql(self, sql, db="postgres", user=None, password=None, check=True):
        env = dict(self.env)
        env["PGPASSWORD"] = password or self.password
        res = subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-A", "-t",
             "-h", "127.0.0.1", "-p", str(self.port),
             "-U", user or self.SUPERUSER, "-d", db,
             "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, env=env, timeout=60, check=False)
        if check and res.returncode != 0:
            raise AssertionError("psql %r failed: %s%s" % (sql, res.stdout,
                                                           res.stderr))
        return res

    def create_database(self, name, owner, password):
        self.psql("CREATE ROLE %s LOGIN PASSWORD '%s'" % (owner, password))
        self.psql("CREATE DATABASE %s OWNER %s ENCODING 'UTF8' "
                  "TEMPLATE template0" % (name, owner))

    def stop(self):
        # SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected.
        try:
            stop_process(self.proc, signal.SIGINT)
        finally:
            shutil.rmtree(str(self.dir), ignore_errors=True)


class Director:
    """Icinga Web 2 with the Director module, configured in a private
    directory (ICINGAWEB_CONFIGDIR), driven with icingacli."""

    RESOURCE = "director_db"

    def __init__(self, root, pg, node):
        self.root = Path(root)
        self.pg = pg
        self.node = node
        self.configdir = self.root / "icingaweb2"
        self.log = self.root / "icingaweb2.log"
        self.db_password = random_password()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PRIOTICKET_", "ICINGAWEB_"))}
        self.env.update({"ICINGAWEB_CONFIGDIR": str(self.configdir),
                         "HOME": str(self.root / "home"), "LC_ALL": "C"})
        (self.root / "home").mkdir(parents=True, exist_ok=True)

    def configure(self):
        """The Director database and resource, the three modules, the
        kickstart.ini that points at the private Icinga 2."""
        self.pg.create_database("director", "director", self.db_password)
        c = self.configdir
        (c / "enabledModules").mkdir(parents=True)
        (c / "modules" / "director").mkdir(parents=True)
        for module in MODULES:
            os.symlink(str(WEB_MODULES / module),
                       str(c / "enabledModules" / module))
        (c / "config.ini").write_text(
            '[global]\nmodule_path = "%s"\n\n'
            '[logging]\nlog = "file"\nfile = "%s"\nlevel = "ERROR"\n'
            % (WEB_MODULES, self.log))
        resources = c / "resources.ini"
        resources.write_text(
            '[%s]\ntype = "db"\ndb = "pgsql"\nhost = "127.0.0.1"\n'
            'port = "%d"\ndbname = "director"\nusername = "director"\n'
            'password = "%s"\ncharset = "utf8"\n'
            % (self.RESOURCE, self.pg.port, self.db_password))
        os.chmod(str(resources), 0o600)
        (c / "modules" / "director" / "config.ini").write_text(
            '[db]\nresource = "%s"\n' % self.RESOURCE)
        kickstart = c / "modules" / "director" / "kickstart.ini"
        kickstart.write_text(
            '[config]\nendpoint = "%s"\nhost = "127.0.0.1"\nport = "%d"\n'
            'username = "%s"\npassword = "%s"\n'
            % (self.node.name, self.node.port, self.node.API_USER,
               self.node.password))
        os.chmod(str(kickstart), 0o600)

    def cli(self, *args, stdin=None, timeout=180, check=True):
        res = subprocess.run([ICINGACLI] + list(args), input=stdin,
                             capture_output=True, text=True, env=self.env,
                             timeout=timeout, check=False)
        if check and res.returncode != 0:
            raise AssertionError("icingacli %s failed (%d):\n%s%s\n"
                                 "icingaweb2.log:\n%s"
                                 % (" ".join(args), res.returncode,
                                    res.stdout, res.stderr, tail(self.log)))
        return res.stdout

    def director(self, *args, **kwargs):
        return self.cli("director", *args, **kwargs)

    def create(self, kind, props):
        """icingacli director <kind> create --json ..."""
        return self.director(kind, "create", "--json", json.dumps(props))

    def sql(self, query):
        """One query on the Director database; rows of '|'-joined text."""
        res = self.pg.psql(query, db="director", user="director",
                           password=self.db_password)
        return [line for line in res.stdout.splitlines() if line]

    def sql_value(self, query):
        rows = self.sql(query)
        assert len(rows) == 1, (query, rows)
        return rows[0]


def api_text(node, path, timeout=10):
    """GET a raw (non-JSON) answer from an Icinga2Node's REST API, such as
    /v1/config/files/<package>/<stage>/<file>."""
    import base64
    import urllib.request
    req = urllib.request.Request("https://127.0.0.1:%d%s" % (node.port, path))
    auth = base64.b64encode(("%s:%s" % (node.API_USER, node.password))
                            .encode()).decode()
    req.add_header("Authorization", "Basic " + auth)
    with urllib.request.urlopen(req, timeout=timeout,
                                context=node.ssl) as resp:
        return resp.read().decode()


class Phases:
    """Wall-clock time of each step, printed with pytest -s (the numbers
    in NOTES.md come from here)."""

    def __init__(self):
        import time
        self._time = time.monotonic
        self.start = self.last = self._time()
        self.steps = []

    def mark(self, what):
        now = self._time()
        self.steps.append((what, now - self.last))
        self.last = now

    def report(self):
        return "%.1f s: %s" % (self.last - self.start, ", ".join(
            "%s %.1f s" % step for step in self.steps))
