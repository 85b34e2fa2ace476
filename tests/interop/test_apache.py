# SPDX-License-Identifier: GPL-3.0-or-later
"""Apache httpd 2.4 (Debian's apache2-bin) with mod_http2, mod_deflate and
mod_ssl; the API is a CGI script (mod_cgid) that checks the Basic
credentials, reads the JSON token request and checks the bearer token.

One httpd per module, in its own directory, on free ports; every case runs
at -vvv and asserts state, first line, phases adding up and no secret."""

import base64
import os
import re
import sys

import pytest

from plugin import CRITICAL, OK

API = "/v3.8/distributor"
MODULES = ("mpm_event", "authz_core", "alias", "cgid", "ssl", "socache_shmcb", "http2",
           "filter", "deflate", "headers")
API_KEY = "iopAPIKEY-r4Tz8Qw"

CGI = r'''#!/usr/bin/python3
import json, os, sys
TOKEN = {token!r}
BASIC = {basic!r}
def answer(status, body):
    sys.stdout.write(f"Status: {{status}}\r\nContent-Type: application/json\r\n\r\n")
    sys.stdout.write(json.dumps(body))
path = os.environ.get("REQUEST_URI", "").split("?")[0]
auth = os.environ.get("HTTP_AUTHORIZATION", "")
if path.endswith("/oauth2/token"):
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    request = json.loads(sys.stdin.read(length) or "null")
    if os.environ.get("REQUEST_METHOD") != "POST" or not isinstance(request, dict) \
            or request.get("grant_type") != "client_credentials":
        answer(400, {{"error": "invalid_request"}})
    elif auth != "Basic " + BASIC:
        answer(401, {{"error": "invalid_client"}})
    else:
        answer(200, {{"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}})
elif auth != "Bearer " + TOKEN:
    answer(401, {{"error_code": "UNAUTHORIZED", "error_message": "bad token"}})
else:
    answer(200, {{"status": "OK", "version": "3.8.0", "padding": "p" * 2000}})
'''


def httpd_conf(d, ports, pki):
    modules = "\n".join(f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"
                        for m in MODULES)
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""
    return f"""
ServerRoot {d}
ServerName localhost
PidFile {d}/httpd.pid
ErrorLog {d}/error.log
LogLevel warn
{modules}
{user}
Listen 127.0.0.1:{ports['http']}
Listen 127.0.0.1:{ports['https']}
ScriptSock {d}/run/cgid.sock
DefaultRuntimeDir {d}/run
Mutex file:{d}/run
Protocols h2 h2c http/1.1
StartServers 1
ThreadsPerChild 8
MaxRequestWorkers 8
DocumentRoot {d}/www
AddOutputFilterByType DEFLATE application/json
ScriptAliasMatch "^{API}/(oauth2/token|system/ping|system/status)$" "{d}/cgi/api.cgi"
# http to https, the usual way: mod_alias keeps the query (and so the API key)
# in the Location and in the HTML body it sends along.
Redirect 301 /moved https://127.0.0.1:{ports['https']}
<Directory {d}>
    Require all granted
</Directory>
<Directory {d}/cgi>
    CGIPassAuth On
</Directory>
<VirtualHost 127.0.0.1:{ports['https']}>
    SSLEngine on
    SSLCertificateFile {pki['cert']}
    SSLCertificateKeyFile {pki['key']}
</VirtualHost>
"""


@pytest.fixture(scope="module")
def apache(need, daemon, free_port, workdir, pki, credentials):
    binary = need("apache2", "apache2-bin")
    d = workdir("apache")
    for sub in ("www", "cgi", "run"):
        (d / sub).mkdir()
        os.chmod(d / sub, 0o755)
    os.chmod(d / "run", 0o777)
    basic = base64.b64encode(
        f"{credentials['client_id']}:{credentials['secret']}".encode()).decode()
    script = d / "cgi" / "api.cgi"
    script.write_text(CGI.format(token=credentials["token"], basic=basic))
    os.chmod(script, 0o755)
    ports = {"http": free_port(), "https": free_port()}
    (d / "httpd.conf").write_text(httpd_conf(d, ports, pki))
    daemon([binary, "-d", d, "-f", d / "httpd.conf", "-DFOREGROUND"],
           [("127.0.0.1", p) for p in ports.values()], d)
    version = os.popen(f"{binary} -v").read().split("\n")[0]
    return {"ports": ports, "basic": basic, "version": version}


@pytest.fixture()
def secrets(apache, credentials):
    return [credentials["secret"], credentials["token"], apache["basic"], API_KEY]


def url(apache, scheme):
    port = apache["ports"]["https" if scheme == "https" else "http"]
    return f"{scheme}://127.0.0.1:{port}{API}"


# (id, scheme, plugin, extra args, expected version of probe and token request)
CASES = [
    ("http/1.1", "http", "ping", [], "1.1"),
    ("https default 1.1", "https", "ping", [], "1.1"),
    ("https --http-version=2", "https", "ping", ["--http-version=2"], "2"),
    ("status over h2", "https", "status", ["--http-version=2"], "2"),
    ("--http-version=2 on plain http stays 1.1", "http", "status", ["--http-version=2"], "1.1"),
]


@pytest.mark.parametrize("scheme,plugin_name,extra,version", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_apache(apache, run, verify, pki, credentials, secrets, scheme, plugin_name, extra,
                version):
    r = run(plugin_name, ["-u", url(apache, scheme), "--ca-file", pki["ca"], "-vvv"] + extra
            + credentials["args"])
    verify(r, OK, r"^HTTP 200 in", secrets)
    assert f"HTTP version: {version}" in r.lines, r.describe()
    assert f"HTTP version (token request): {version}" in r.lines, r.describe()
    # mod_deflate compressed the answer; the size is the decoded body's
    encoding = [line for line in r.lines if re.match(r"^< content-encoding: gzip$", line, re.I)]
    assert encoding, r.describe()
    assert r.perf["size"].number > 2000, r.describe()


def test_apache_wrong_secret(apache, run, verify, pki, secrets, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-secret")
    os.chmod(wrong, 0o600)
    r = run("ping", ["-u", url(apache, "https"), "--ca-file", pki["ca"], "-vvv",
                     "--client-id", "interop-client", "--client-secret-file", wrong])
    verify(r, CRITICAL, r"^authentication failed: token endpoint answered HTTP 401 "
                        r"\(invalid_client\)", secrets)


@pytest.mark.parametrize("verbosity", [[], ["-vvv"]])
def test_apache_redirect_with_api_key(apache, run, verify, pki, secrets, tmp_path, verbosity):
    """Apache's 301 from http to https repeats the request's query, API key
    included, in the Location (and in its HTML body, past the 200 bytes the
    long output shows): the key never reaches the output, at any verbosity,
    followed or not."""
    key = tmp_path / "key"
    key.write_text(API_KEY)
    os.chmod(key, 0o600)
    port = apache["ports"]["http"]
    r = run("ping", ["-u", f"http://127.0.0.1:{port}/moved{API}", "--api-key-file", key,
                     "--ca-file", pki["ca"]] + verbosity)
    verify(r, 1, r"^HTTP 301 to https://127\.0\.0\.1:\d+/v3\.8/distributor/system/ping\?"
                 r"key.<redacted> \(use --follow-redirects\)", secrets)
    r = run("ping", ["-u", f"http://127.0.0.1:{port}/moved{API}", "--api-key-file", key,
                     "--ca-file", pki["ca"], "--follow-redirects"] + verbosity)
    verify(r, CRITICAL, r"^authentication failed: HTTP 401", secrets)
