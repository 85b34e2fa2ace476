#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake Prioticket Distributor API for the check_prioticket tests and demo.

Standard library only.  It serves the three endpoints a health check needs,
over plain HTTP and optionally over TLS, and can be told, per request, to fail
in every way the plugin has to survive.

Run it (installed with the plugins as prioticket-sim, in the package
/usr/share/check_prioticket/prioticket-sim)::

    prioticket_sim.py [--host 127.0.0.1] [--port 0] [--tls-port N]
                      [--tls NAME:CERT:KEY]... [--blackhole] [--ready-file FILE]
                      [--client-id demo-client] [--client-secret demo-secret]
                      [--api-key demo-key] [--token-lifetime 3600]
                      [--default-scenario SPEC] [--log]

Once every listener is bound it writes ``{"http": PORT, "tls": {NAME: PORT},
"blackhole": PORT or null, "pid": PID}`` to --ready-file (atomically), or
prints it as one line on stdout, and says on stderr where to point a check.
SIGTERM / SIGINT stop it.  Port 0 means one the system picks.

To try a check by hand::

    prioticket-sim --port 8080 --tls-port 8443
    check_prioticket_ping -u http://127.0.0.1:8080/sim/status=503/v3.8/distributor
    check_prioticket_ping -u https://localhost:8443/v3.8/distributor --ca-file CA
      --client-id demo-client --client-secret-file FILE   (FILE: demo-secret)

``--tls-port N`` serves HTTPS on port N with a certificate for localhost,
127.0.0.1 and ::1 that it makes with the openssl command, signed by a CA of
its own, both in a private temporary directory removed when it stops; the
CA's path (for --ca-file) is printed on stderr and is ``"ca_file"`` in the
announcement.

URL layout
----------
``[/sim/<SPEC>]/<version>/distributor/<endpoint>``, version like ``v3.8``.

- ``GET  .../system/ping``    200 body ``{"ping":"pong"}``.  The real body is
  undocumented (the spec declares no content); this one is our invention.
- ``GET  .../system/status``  200 body ``{"status":"OK","version":"3.8.0",
  "services":{"api":"OK","database":"OK","suppliers":"OK"}}`` (also invented).
- ``POST .../oauth2/token``   OAuth2 client credentials, real shape: HTTP Basic
  ``client_id:client_secret``, ``Content-Type: application/json``, body
  ``{"grant_type":"client_credentials"[,"scope":"..."]}``.  Answers
  ``{"token_type":"Bearer","expires_in":N,"scope":...,"access_token":"a.b.c"}``
  with ``Cache-Control: no-store``; errors are ``{"error":"invalid_client" |
  "invalid_request" | "unsupported_grant_type","error_description":...}``
  (401 with ``WWW-Authenticate: Basic realm="prioticket"``).  Issued tokens
  are remembered and expire after their expires_in.

Any other path: 404; a wrong method on a known endpoint: 405 (with ``Allow``).
Error answers use the Prio error body ``{"error":"<CODE>","error_description":
...,"error_reference":"<uuid>","errors":[...]}``, application/json.  Requests
with ``Transfer-Encoding`` get 411; bodies over 1 MiB get 413.

Scenarios (SPEC)
----------------
SPEC is a comma-separated list of ``key=value`` items.  Keys and values are
URL-decoded item by item, so a comma inside a value is written ``%2C``.  A
SPEC with no literal ``=`` is decoded once as a whole first (so a fully
percent-encoded SPEC works too).  The token URL the plugin derives from its
base URL carries the same prefix, so one base URL sets up the whole run.
Requests without ``/sim/SPEC`` use --default-scenario (or POST /_sim/scenario).
A bad SPEC gets 400 ``SIMULATOR_BAD_SCENARIO`` (and a line on stderr).

ping / status:
  status=NNN        HTTP status (default 200).  Non-2xx get the Prio error
                    body (CODE per status: INVALID_REQUEST, AUTHENTICATION_FAILED,
                    FORBIDDEN, NOT_FOUND, LIMIT_REACHED, INTERNAL_SERVER_ERROR,
                    BAD_GATEWAY, SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT, ...).
                    204 and 304 carry no body.
  delay=SECONDS     wait (float) before answering; ends early if the client
                    hangs up.
  body=MODE         json (default) | empty | html (proxy error page, text/html)
                    | malformed (``{"error": "BROKEN``) | truncated (the JSON
                    cut in half, Content-Length of what is sent) | inject
                    (error body whose error_description holds ``|``, ``\\n``,
                    ``\\r`` and a fake ``| time=0s``) | nul (error body with
                    ``\\u0000`` and raw bytes 0xff 0xfe in error_description)
                    | big (``size`` bytes, default 200 MB, streamed lazily,
                    never gzipped) | trickle (Content-Length 600, then one byte
                    per ``interval``) | close (Content-Length 1000, 10 bytes,
                    then close) | hang (read the request, answer nothing until
                    the client hangs up) | reset (close without any answer).
                    Content modes keep ``status``: combine body=inject with
                    status=500 to get an error answer.
  size=N            body size for big; with json, pads a 2xx body to exactly
                    N bytes (valid JSON with a "filler" string).
  interval=SECONDS  byte interval for trickle (default 1).
  status_value=TXT  the "status" field of the /system/status body (default OK).
  auth=MODE         optional (default): no Authorization is fine, but a
                    ``Bearer T`` must be a live token issued here, else 401
                    AUTHENTICATION_FAILED | required: no Authorization -> 400
                    INVALID_REQUEST (as the real docs say), bad token -> 401 |
                    none: Authorization is ignored.
  gzip=0|1          1 (default): gzip the body when Accept-Encoding allows it
                    (``Content-Encoding: gzip``); 0: never.
  retry_after=TXT   add ``Retry-After: TXT`` (ping/status, and forced token
                    errors); handy with status=429.
  location=URL      add ``Location: URL`` (for 3xx tests).

token endpoint:
  token_status=NNN  answer NNN without looking at the request.  400, 401 and
                    403 use the OAuth body (invalid_request / invalid_client /
                    unauthorized_client; 401 adds WWW-Authenticate); every
                    other status uses the Prio error body, as the v3.5 spec
                    types 405/406/422/429/5xx.
  token_delay=SEC   wait before answering (ends early if the client hangs up).
  token_body=MODE   shape of a 200 answer: ok (default) | malformed |
                    missing_token | wrong_types (access_token a number,
                    expires_in a string) | no_expiry | html | bad_chars
                    (access_token with a space and CRLF) | mac (token_type MAC).
  expires_in=N      expires_in to hand out (default --token-lifetime).
  expires_json=TXT  the expires_in member as this JSON text, verbatim
                    (``3599.999``, ``null``, ``"3600"``, ``34560000``); the
                    token lives that long when it is a number >= 1, else
                    --token-lifetime.
  token_size=N      make the access token exactly N characters long (the
                    signature part grows with random base64url characters).

all three:
  key=required      the query parameter ``key`` must equal --api-key, else 401
                    (Prio error body).  ``key=optional`` is the default.

Every wait of a request shares one 300 s budget; idle keep-alive connections
and blackhole connections are closed after 300 s.

Control endpoints (not counted, not logged)
-------------------------------------------
- ``GET  /_sim/counts``    ``{"token","ping","status","other","token_ok",
  "token_failed"}``; a request is counted as soon as it is read, before any
  delay.  token_ok / token_failed count 200 / other token answers.
- ``GET  /_sim/requests``  the last 500 requests: ``{"method","path","query",
  "headers" (verbatim names; repeated headers joined with ", "),
  "header_list" ([name, value] pairs), "body" (text, first 64 KiB),
  "endpoint" (token|ping|status|other), "listener" ("http" or TLS name),
  "time" (epoch)}``.
- ``POST /_sim/reset``     zero the counts, clear the log.
- ``POST /_sim/revoke``    revoke every token issued so far.
- ``POST /_sim/scenario``  body SPEC: the new default scenario ("" = none).
- ``GET  /_sim/scenario``  the current default SPEC.

Extra listeners
---------------
- ``--tls NAME:CERTFILE:KEYFILE`` (repeatable): one HTTPS listener per entry
  on an ephemeral port, same behaviour as HTTP.
- ``--blackhole``: a TCP listener that accepts and never reads nor writes
  (also a TLS handshake that never completes).
"""

import argparse
import atexit
import base64
import collections
import dataclasses
import gzip
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MAX_HOLD = 300.0            # seconds: budget for all waits of one request
IDLE_TIMEOUT = 300.0        # seconds: idle keep-alive connection
HANDSHAKE_TIMEOUT = 10.0    # seconds: TLS handshake
MAX_REQUEST_BODY = 1 << 20
LOGGED_BODY = 64 << 10
LOG_SIZE = 500
DEFAULT_BIG = 200 * 1000 * 1000
CHUNK = 64 << 10
TRICKLE_LENGTH = 600
JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
DEFAULT_SCOPE = "https://www.prioticketapis.com/auth/distributor.booking"
CONTROL_PREFIX = "/_sim/"

ROUTE = re.compile(r"^(?:/sim/(?P<spec>[^/]*))?/v\d+\.\d+/distributor/(?P<rest>.*)$")
ENDPOINTS = {"system/ping": "ping", "system/status": "status", "oauth2/token": "token"}
ALLOWED_METHOD = {"ping": "GET", "status": "GET", "token": "POST"}

PRIO_CODES = {
    400: "INVALID_REQUEST", 401: "AUTHENTICATION_FAILED", 402: "PAYMENT_REQUIRED",
    403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE", 409: "CONFLICT", 411: "LENGTH_REQUIRED",
    413: "PAYLOAD_TOO_LARGE", 418: "IM_A_TEAPOT", 422: "UNPROCESSABLE_ENTITY",
    429: "LIMIT_REACHED", 500: "INTERNAL_SERVER_ERROR", 501: "NOT_IMPLEMENTED",
    502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT",
}
OAUTH_CODES = {400: "invalid_request", 401: "invalid_client", 403: "unauthorized_client"}
BASIC_CHALLENGE = ("WWW-Authenticate", 'Basic realm="prioticket"')
BEARER_CHALLENGE = ("WWW-Authenticate", 'Bearer realm="prioticket", error="invalid_token"')


# --------------------------------------------------------------------------
# Scenarios

@dataclasses.dataclass(frozen=True)
class Scenario:
    status: int = 200
    delay: float = 0.0
    body: str = "json"
    size: int = None
    interval: float = 1.0
    status_value: str = "OK"
    auth: str = "optional"
    key: str = "optional"
    gzip: bool = True
    retry_after: str = None
    location: str = None
    token_status: int = None
    token_delay: float = 0.0
    token_body: str = "ok"
    expires_in: int = None
    expires_json: str = None
    token_size: int = None


def _status(text):
    value = int(text)
    if not 200 <= value <= 599:
        raise ValueError("status must be 200..599")
    return value


def _seconds(text):
    value = float(text)
    if not 0 <= value <= MAX_HOLD:
        raise ValueError(f"seconds must be 0..{MAX_HOLD:g}")
    return value


def _positive_seconds(text):
    value = _seconds(text)
    if value <= 0:
        raise ValueError("interval must be > 0")
    return value


def _count(text):
    value = int(text)
    if value < 0:
        raise ValueError("size must be >= 0")
    return value


def _json_text(text):
    json.loads(text)  # ValueError when it is no JSON value
    return text


def _header_text(text):
    if "\r" in text or "\n" in text:
        raise ValueError("header value must not contain CR or LF")
    return text


def _choice(*allowed):
    def convert(text):
        if text not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return text
    return convert


def _flag(text):
    return _choice("0", "1")(text) == "1"


SPEC_KEYS = {
    "status": _status,
    "delay": _seconds,
    "body": _choice("json", "empty", "html", "malformed", "truncated", "inject",
                    "nul", "big", "trickle", "close", "hang", "reset"),
    "size": _count,
    "interval": _positive_seconds,
    "status_value": str,
    "auth": _choice("optional", "required", "none"),
    "key": _choice("optional", "required"),
    "gzip": _flag,
    "retry_after": _header_text,
    "location": _header_text,
    "token_status": _status,
    "token_delay": _seconds,
    "token_body": _choice("ok", "malformed", "missing_token", "wrong_types",
                          "no_expiry", "html", "bad_chars", "mac"),
    "expires_in": int,
    "expires_json": _json_text,
    "token_size": _count,
}


def parse_spec(text):
    """SPEC text (still URL-encoded) -> Scenario; ValueError when invalid."""
    if "=" not in text:
        text = unquote(text)
    values = {}
    for item in filter(None, text.split(",")):
        raw_key, sep, raw_value = item.partition("=")
        key, value = unquote(raw_key), unquote(raw_value)
        if not sep or key not in SPEC_KEYS:
            raise ValueError(f"unknown scenario item {item!r}")
        try:
            values[key] = SPEC_KEYS[key](value)
        except ValueError as exc:
            raise ValueError(f"bad value for {key}: {value!r} ({exc})") from None
    return Scenario(**values)


# --------------------------------------------------------------------------
# Bodies (pure functions returning bytes)

def dumps(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def reason(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def prio_error(status, description=None, detail=None):
    code = PRIO_CODES.get(status) or reason(status).upper().replace(" ", "_")
    description = description or f"{reason(status)} (simulated)"
    return {
        "error": code,
        "error_description": description,
        "error_reference": str(uuid.uuid4()),
        "errors": [detail or description],
    }


def oauth_error(code, description):
    return {"error": code, "error_description": description}


def pad_json(obj, size):
    """obj as compact JSON, padded with a "filler" field to exactly size bytes
    (when size is None or too small, unpadded)."""
    plain = dumps(obj)
    base = dumps({**obj, "filler": ""})
    if size is None or size < len(base):
        return plain
    return dumps({**obj, "filler": "x" * (size - len(base))})


def success_object(endpoint, scenario):
    if endpoint == "status":
        return {"status": scenario.status_value, "version": "3.8.0",
                "services": {"api": "OK", "database": "OK", "suppliers": "OK"}}
    return {"ping": "pong"}


def json_body(endpoint, scenario):
    if 200 <= scenario.status < 300:
        return pad_json(success_object(endpoint, scenario), scenario.size)
    return dumps(prio_error(scenario.status))


def html_page(status, title=None):
    title = title or f"{status} {reason(status)}"
    return (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n").encode()


def inject_body(status):
    error = prio_error(status, "evil | pipe\nsecond line\r\nthird | time=0s;1;2;0;10",
                       "detail | with\nnewline")
    return dumps(error)


def nul_body(status):
    error = prio_error(status)
    error["error_description"] = "NUL_MARKER"
    return dumps(error).replace(b"NUL_MARKER", b"before\\u0000after \xff\xfe raw")


def probe_content(endpoint, scenario):
    """(content type, body bytes) of a content-type body mode."""
    mode, status = scenario.body, scenario.status
    if mode == "html":
        return HTML_TYPE, html_page(status)
    if mode == "empty":
        return JSON_TYPE, b""
    if mode == "malformed":
        return JSON_TYPE, b'{"error": "BROKEN'
    if mode == "truncated":
        body = json_body(endpoint, scenario)
        return JSON_TYPE, body[:len(body) // 2]
    if mode == "inject":
        return JSON_TYPE, inject_body(status)
    if mode == "nul":
        return JSON_TYPE, nul_body(status)
    return JSON_TYPE, json_body(endpoint, scenario)


def big_chunks(size):
    """Yield a JSON document of exactly size bytes, CHUNK bytes at a time."""
    prefix, suffix = b'{"filler":"', b'"}'
    if size < len(prefix) + len(suffix):
        yield b"x" * size
        return
    yield prefix
    filler = b"x" * CHUNK
    left = size - len(prefix) - len(suffix)
    while left > 0:
        yield filler[:left]
        left -= CHUNK
    yield suffix


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_access_token(client_id, lifetime):
    """A random JWT-looking token (header.payload.signature, base64url)."""
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT"}
    payload = {"iss": "prioticket-sim", "sub": client_id, "iat": now,
               "exp": now + lifetime, "jti": secrets.token_hex(16)}
    return ".".join((b64url(dumps(header)), b64url(dumps(payload)),
                     b64url(secrets.token_bytes(32))))


def token_content(mode, token, lifetime, scope):
    """(content type, body) of a 200 token answer in the given mode."""
    answer = {"token_type": "Bearer", "expires_in": lifetime, "scope": scope,
              "access_token": token}
    if mode == "malformed":
        return JSON_TYPE, b'{"token_type": "Bearer", "access_token": "' + token[:20].encode()
    if mode == "html":
        return HTML_TYPE, html_page(200, "Sign in")
    if mode == "missing_token":
        del answer["access_token"]
    elif mode == "no_expiry":
        del answer["expires_in"]
    elif mode == "wrong_types":
        answer.update(access_token=12345, expires_in=str(lifetime))
    elif mode == "bad_chars":
        answer["access_token"] = token[:16] + " x\r\nX-Injected: 1"
    elif mode == "mac":
        answer["token_type"] = "MAC"
    return JSON_TYPE, dumps(answer)


def accepts_gzip(accept_encoding):
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        name, _, value = params.partition("=")
        if name.strip().lower() != "q":
            return True
        try:
            return float(value) > 0
        except ValueError:
            return False
    return False


def basic_credentials(authorization):
    """(client_id, secret) from an HTTP Basic header, or None."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except ValueError:
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def grant_failure(content_type, body):
    """None when body is a valid client-credentials grant, else (status, payload)."""
    if content_type.split(";")[0].strip().lower() != JSON_TYPE:
        return 400, oauth_error("invalid_request", "Content-Type must be application/json")
    try:
        grant = json.loads(body)
    except ValueError:
        return 400, oauth_error("invalid_request", "request body is not valid JSON")
    if not isinstance(grant, dict) or "grant_type" not in grant:
        return 400, oauth_error("invalid_request", "grant_type is required")
    if grant["grant_type"] != "client_credentials":
        return 400, oauth_error("unsupported_grant_type", "only client_credentials is supported")
    if not isinstance(grant.get("scope", ""), str):
        return 400, oauth_error("invalid_request", "scope must be a string")
    return None


# --------------------------------------------------------------------------
# Shared state

class SimState:
    """Counts, request log, issued tokens and the default scenario (thread-safe)."""

    def __init__(self, args):
        self.client_id = args.client_id
        self.client_secret = args.client_secret
        self.api_key = args.api_key
        self.token_lifetime = args.token_lifetime
        self.verbose = args.log
        self._lock = threading.Lock()
        self._counts = self._zero_counts()
        self._log = collections.deque(maxlen=LOG_SIZE)
        self._tokens = {}
        self.set_default(args.default_scenario or "")

    @staticmethod
    def _zero_counts():
        return dict.fromkeys(("token", "ping", "status", "other", "token_ok", "token_failed"), 0)

    def set_default(self, spec):
        scenario = parse_spec(spec)
        with self._lock:
            self._default = (spec, scenario)

    def default_spec(self):
        with self._lock:
            return self._default[0]

    def scenario_for(self, spec):
        if spec is None:
            with self._lock:
                return self._default[1]
        return parse_spec(spec)

    def record(self, entry):
        with self._lock:
            self._counts[entry["endpoint"]] += 1
            self._log.append(entry)

    def count_token_answer(self, ok):
        with self._lock:
            self._counts["token_ok" if ok else "token_failed"] += 1

    def counts(self):
        with self._lock:
            return dict(self._counts)

    def requests(self):
        with self._lock:
            return list(self._log)

    def reset(self):
        with self._lock:
            self._counts = self._zero_counts()
            self._log.clear()

    def issue_token(self, lifetime, size=None):
        token = new_access_token(self.client_id, lifetime)
        if size and size > len(token):
            token += b64url(secrets.token_bytes(size))[:size - len(token)]
        with self._lock:
            self._tokens[token] = time.time() + lifetime
        return token

    def token_valid(self, token):
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.time() < expiry

    def revoke_all(self):
        with self._lock:
            revoked = len(self._tokens)
            self._tokens.clear()
        return revoked


# --------------------------------------------------------------------------
# Control endpoints: (sim, body) -> (status, payload)

def _control_scenario(sim, body):
    spec = body.decode("utf-8", "replace").strip()
    try:
        sim.set_default(spec)
    except ValueError as exc:
        return 400, prio_error(400, f"bad scenario: {exc}")
    return 200, {"scenario": spec}


def _control_reset(sim, body):
    sim.reset()
    return 200, {"reset": True}


CONTROL = {
    "/_sim/counts": {"GET": lambda sim, body: (200, sim.counts())},
    "/_sim/requests": {"GET": lambda sim, body: (200, sim.requests())},
    "/_sim/reset": {"POST": _control_reset},
    "/_sim/revoke": {"POST": lambda sim, body: (200, {"revoked": sim.revoke_all()})},
    "/_sim/scenario": {"POST": _control_scenario,
                       "GET": lambda sim, body: (200, {"scenario": sim.default_spec()})},
}


# --------------------------------------------------------------------------
# HTTP handler

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "prioticket-sim/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    endpoint = None
    deadline = 0.0

    def version_string(self):
        return self.server_version

    @property
    def sim(self):
        return self.server.sim

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        if self.sim.verbose:
            super().log_message(format, *args)

    def send_response(self, code, message=None):
        if self.endpoint == "token":
            self.sim.count_token_answer(code == 200)
        super().send_response(code, message)

    # ---- plumbing --------------------------------------------------------

    def dispatch(self):
        self.deadline = time.monotonic() + MAX_HOLD
        try:
            self.route()
        finally:
            self.endpoint = None

    def route(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if body is None:
            return
        if url.path.startswith(CONTROL_PREFIX):
            return self.serve_control(url.path, body)
        match = ROUTE.match(url.path)
        spec = match["spec"] if match else None
        endpoint = ENDPOINTS.get(match["rest"], "other") if match else "other"
        self.sim.record(self.log_entry(url, body, endpoint))
        self.endpoint = endpoint
        try:
            scenario = self.sim.scenario_for(spec)
        except ValueError as exc:
            print(f"prioticket_sim: bad scenario in {url.path}: {exc}", file=sys.stderr)
            return self.send_json(400, {**prio_error(400, str(exc)), "error": "SIMULATOR_BAD_SCENARIO"})
        if endpoint == "other":
            return self.send_json(404, prio_error(404, f"No route for {url.path}"))
        if self.command != ALLOWED_METHOD[endpoint]:
            return self.send_json(405, prio_error(405, f"use {ALLOWED_METHOD[endpoint]}"),
                                  [("Allow", ALLOWED_METHOD[endpoint])])
        if endpoint == "token":
            return self.serve_token(scenario, url, body)
        return self.serve_probe(scenario, url)

    def read_body(self):
        """The request body, or None after answering an unacceptable one."""
        if "Transfer-Encoding" in self.headers:
            self.close_connection = True
            self.send_json(411, prio_error(411, "send a Content-Length"))
            return None
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_REQUEST_BODY:
            self.close_connection = True
            self.send_json(413, prio_error(413, "bad or too large Content-Length"))
            return None
        return self.rfile.read(length)

    def log_entry(self, url, body, endpoint):
        headers = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return {"method": self.command, "path": url.path, "query": url.query,
                "headers": headers, "header_list": [list(h) for h in self.headers.items()],
                "body": body[:LOGGED_BODY].decode("utf-8", "replace"),
                "endpoint": endpoint, "listener": self.server.listener, "time": time.time()}

    def start_response(self, status, content_type, length, extra=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def send_body(self, status, body, content_type=JSON_TYPE, extra=()):
        if status in (204, 304):
            return self.start_response(status, None, None, extra)
        self.start_response(status, content_type, len(body), extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, payload, extra=()):
        self.send_body(status, dumps(payload), JSON_TYPE, extra)

    def wait_or_hangup(self, seconds):
        """Wait up to seconds (within the request's budget); True if the
        client hung up meanwhile.  Data the client sends is discarded and
        the connection is then closed after the answer."""
        end = min(time.monotonic() + seconds, self.deadline)
        while (left := end - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], left)
            if not readable:
                break
            try:
                if not self.connection.recv(4096):
                    return True
            except (OSError, ValueError):
                return True
            self.close_connection = True
        return False

    # ---- endpoints -------------------------------------------------------

    def serve_control(self, path, body):
        actions = CONTROL.get(path)
        if actions is None:
            return self.send_json(404, prio_error(404, f"unknown control endpoint {path}"))
        if self.command not in actions:
            return self.send_json(405, prio_error(405), [("Allow", ", ".join(actions))])
        status, payload = actions[self.command](self.sim, body)
        self.send_json(status, payload)

    def key_failure(self, scenario, url):
        if scenario.key != "required":
            return None
        if parse_qs(url.query).get("key") == [self.sim.api_key]:
            return None
        return 401, prio_error(401, "missing or invalid API key"), []

    def bearer_failure(self, scenario):
        header = self.headers.get("Authorization")
        if scenario.auth == "none" or (header is None and scenario.auth == "optional"):
            return None
        if header is None:
            return 400, prio_error(400, "Authorization header is missing"), []
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() == "bearer" and self.sim.token_valid(token.strip()):
            return None
        return 401, prio_error(401, "access token is invalid, expired or revoked"), [BEARER_CHALLENGE]

    def scenario_headers(self, scenario):
        extra = []
        if scenario.retry_after is not None:
            extra.append(("Retry-After", scenario.retry_after))
        if scenario.location is not None:
            extra.append(("Location", scenario.location))
        return extra

    def serve_probe(self, scenario, url):
        if self.wait_or_hangup(scenario.delay):
            self.close_connection = True
            return
        failure = self.key_failure(scenario, url) or self.bearer_failure(scenario)
        if failure:
            return self.send_json(*failure)
        transport = TRANSPORT_MODES.get(scenario.body)
        if transport:
            return transport(self, scenario)
        content_type, body = probe_content(self.endpoint, scenario)
        extra = self.scenario_headers(scenario)
        if scenario.gzip and body:
            extra.append(("Vary", "Accept-Encoding"))
            if accepts_gzip(self.headers.get("Accept-Encoding", "")):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                extra.append(("Content-Encoding", "gzip"))
        self.send_body(scenario.status, body, content_type, extra)

    def serve_token(self, scenario, url, body):
        if self.wait_or_hangup(scenario.token_delay):
            self.close_connection = True
            return
        failure = self.key_failure(scenario, url) or self.forced_token_failure(scenario)
        if failure:
            return self.send_json(*failure)
        if basic_credentials(self.headers.get("Authorization")) != (
                self.sim.client_id, self.sim.client_secret):
            return self.send_json(401, oauth_error("invalid_client", "client authentication failed"),
                                  [BASIC_CHALLENGE])
        failure = grant_failure(self.headers.get("Content-Type", ""), body)
        if failure:
            return self.send_json(*failure)
        self.issue_token(scenario, json.loads(body).get("scope") or DEFAULT_SCOPE)

    def issue_token(self, scenario, scope):
        lifetime = self.sim.token_lifetime if scenario.expires_in is None else scenario.expires_in
        given = lifetime
        if scenario.expires_json is not None:
            given = json.loads(scenario.expires_json)
            numeric = isinstance(given, (int, float)) and not isinstance(given, bool)
            lifetime = int(given) if numeric and given >= 1 else self.sim.token_lifetime
        token = self.sim.issue_token(lifetime, scenario.token_size)
        content_type, answer = token_content(scenario.token_body, token, given, scope)
        self.send_body(200, answer, content_type, [("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    def forced_token_failure(self, scenario):
        status = scenario.token_status
        if status is None:
            return None
        extra = self.scenario_headers(scenario)
        if status in OAUTH_CODES:
            if status == 401:
                extra.append(BASIC_CHALLENGE)
            return status, oauth_error(OAUTH_CODES[status], f"simulated token_status={status}"), extra
        return status, prio_error(status), extra


# --------------------------------------------------------------------------
# Transport body modes: (handler, scenario) -> None

def _stream_big(handler, scenario):
    size = DEFAULT_BIG if scenario.size is None else scenario.size
    handler.start_response(scenario.status, JSON_TYPE, size, handler.scenario_headers(scenario))
    try:
        for chunk in big_chunks(size):
            left = handler.deadline - time.monotonic()
            if left <= 0:
                break
            handler.connection.settimeout(left)
            handler.wfile.write(chunk)
        else:
            return
    except OSError:
        pass
    handler.close_connection = True


def _trickle(handler, scenario):
    body = pad_json(success_object(handler.endpoint, scenario), TRICKLE_LENGTH)
    handler.start_response(scenario.status, JSON_TYPE, len(body), handler.scenario_headers(scenario))
    try:
        for i in range(len(body)):
            if handler.wait_or_hangup(scenario.interval) or time.monotonic() >= handler.deadline:
                break
            handler.wfile.write(body[i:i + 1])
        else:
            return
    except OSError:
        pass
    handler.close_connection = True


def _close_early(handler, scenario):
    handler.close_connection = True
    handler.start_response(scenario.status, JSON_TYPE, 1000, handler.scenario_headers(scenario))
    handler.wfile.write(pad_json(success_object(handler.endpoint, scenario), 1000)[:10])


def _hang(handler, scenario):
    handler.close_connection = True
    handler.wait_or_hangup(MAX_HOLD)


def _reset(handler, scenario):
    handler.close_connection = True


TRANSPORT_MODES = {"big": _stream_big, "trickle": _trickle, "close": _close_early,
                   "hang": _hang, "reset": _reset}


for _method in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"):
    setattr(Handler, "do_" + _method, Handler.dispatch)


# --------------------------------------------------------------------------
# Listeners

def address_family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, host, port, sim, listener="http"):
        self.address_family = address_family(host)
        self.sim = sim
        self.listener = listener
        super().__init__((host, port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would call getfqdn(): a DNS lookup we don't need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        if self.sim.verbose:
            super().handle_error(request, client_address)


class TLSServer(SimServer):
    """HTTPS listener; the handshake runs in the connection's own thread, so
    a client that never completes it blocks nobody."""

    def __init__(self, host, sim, name, certfile, keyfile, port=0):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile, keyfile)
        self.context.set_alpn_protocols(["http/1.1"])
        super().__init__(host, port, sim, name)

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            conn = self.context.wrap_socket(request, server_side=True)
        except (OSError, ValueError):
            return
        try:
            super().finish_request(conn, client_address)
        finally:
            self.shutdown_request(conn)


class Blackhole:
    """Accepts TCP connections and never reads nor writes; closes them after MAX_HOLD."""

    def __init__(self, host):
        self.sock = socket.create_server((host, 0), family=address_family(host), backlog=128)
        self.port = self.sock.getsockname()[1]

    def serve_forever(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                time.sleep(0.1)
                continue
            timer = threading.Timer(MAX_HOLD, conn.close)
            timer.daemon = True
            timer.start()


# A CA and a server certificate signed by it for --tls-port: EC P-256,
# valid from a day ago for a year, for the names a local check uses.
OPENSSL_CNF = """\
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
authorityKeyIdentifier = keyid
"""


def make_certificate():
    """(ca_file, certfile, keyfile) in a new private directory, removed at
    exit; the CA's key is deleted once it has signed."""
    if shutil.which("openssl") is None:
        raise OSError("--tls-port needs the openssl command (Debian: apt-get install openssl)")
    work = tempfile.mkdtemp(prefix="prioticket-sim-")
    atexit.register(shutil.rmtree, work, True)
    # The engine's user (nagios, icinga) reads the CA from here too; the
    # server key is 0600 and the CA's own key is gone before anyone looks.
    os.chmod(work, 0o755)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    steps = [
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "365",
         "-subj", "/CN=prioticket-sim CA", "-config", "openssl.cnf", "-extensions", "ca"],
        ["req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
         "-config", "openssl.cnf"],
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-set_serial", str(secrets.randbits(63)), "-days", "365", "-extfile", "openssl.cnf",
         "-extensions", "server", "-out", "server.pem"],
    ]
    with open(os.path.join(work, "openssl.cnf"), "w") as fh:
        fh.write(OPENSSL_CNF)
    for step in steps:
        done = subprocess.run(["openssl", *step], cwd=work, capture_output=True, text=True,
                              timeout=60, check=False)
        if done.returncode != 0:
            raise OSError("openssl %s failed: %s" % (step[0], done.stderr.strip()[-500:]))
    os.remove(os.path.join(work, "ca.key"))
    return (os.path.join(work, "ca.pem"), os.path.join(work, "server.pem"),
            os.path.join(work, "server.key"))


def run_in_thread(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()


def start_listeners(args, sim):
    """Bind and start every listener; return the ready report."""
    http = SimServer(args.host, args.port, sim)
    run_in_thread(http.serve_forever)
    tls_ports = {}
    for name, certfile, keyfile in args.tls:
        server = TLSServer(args.host, sim, name, certfile, keyfile)
        run_in_thread(server.serve_forever)
        tls_ports[name] = server.server_port
    report = {}
    if args.tls_port is not None:
        ca_file, certfile, keyfile = make_certificate()
        server = TLSServer(args.host, sim, "https", certfile, keyfile, args.tls_port)
        run_in_thread(server.serve_forever)
        tls_ports["https"] = server.server_port
        report["ca_file"] = ca_file
    blackhole_port = None
    if args.blackhole:
        blackhole = Blackhole(args.host)
        run_in_thread(blackhole.serve_forever)
        blackhole_port = blackhole.port
    return dict(report, http=http.server_port, tls=tls_ports, blackhole=blackhole_port,
                pid=os.getpid())


def url_host(host, tls):
    """The host part of a URL to this listener: a name the certificate has
    for the loopback addresses."""
    if tls and host in ("127.0.0.1", "::1"):
        return "localhost"
    return "[%s]" % host if ":" in host else host


def tell(args, report):
    """Where to point a check, for the person who started it."""
    prog = os.path.basename(sys.argv[0] or "prioticket-sim")
    lines = ["%s: http://%s:%d/v3.8/distributor (faults: /sim/SPEC/v3.8/distributor, "
             "see --help)" % (prog, url_host(args.host, False), report["http"])]
    if "ca_file" in report:
        lines.append("%s: https://%s:%d/v3.8/distributor with --ca-file %s"
                     % (prog, url_host(args.host, True), report["tls"]["https"],
                        report["ca_file"]))
    lines.append("%s: credentials: --client-id %s, secret %s" % (prog, args.client_id,
                                                                 args.client_secret))
    print("\n".join(lines), file=sys.stderr, flush=True)


def announce(report, ready_file):
    text = json.dumps(report)
    if not ready_file:
        print(text, flush=True)
        return
    tmp = f"{ready_file}.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        fh.write(text + "\n")
    os.replace(tmp, ready_file)


# --------------------------------------------------------------------------
# CLI

def tls_entry(text):
    parts = text.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError("expected NAME:CERTFILE:KEYFILE")
    return tuple(parts)


def scenario_arg(text):
    try:
        parse_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-port", type=int, metavar="N",
                        help="also HTTPS on port N, with a certificate made here")
    parser.add_argument("--tls", type=tls_entry, action="append", default=[],
                        metavar="NAME:CERTFILE:KEYFILE")
    parser.add_argument("--blackhole", action="store_true")
    parser.add_argument("--ready-file")
    parser.add_argument("--client-id", default="demo-client")
    parser.add_argument("--client-secret", default="demo-secret")
    parser.add_argument("--api-key", default="demo-key")
    parser.add_argument("--default-scenario", type=scenario_arg, default="")
    parser.add_argument("--token-lifetime", type=int, default=3600)
    parser.add_argument("--log", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def _stop(signum, frame):
    raise SystemExit(0)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        report = start_listeners(args, SimState(args))
    except (OSError, ssl.SSLError, subprocess.SubprocessError) as exc:
        print(f"prioticket_sim: {exc}", file=sys.stderr)
        return 1
    announce(report, args.ready_file)
    if not args.ready_file:
        tell(args, report)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
