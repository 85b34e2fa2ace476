#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A token endpoint built on a standard OAuth2 library from Debian, and a
ping endpoint that accepts the tokens it issued: what a conforming
identity provider or API gateway looks like to the plugins.

    oauth2_server.py --library authlib|oauthlib --client-id ID
                     --secret-file FILE --ready-file FILE --issued-file FILE
                     [--host 127.0.0.1]

- POST /oauth2/token: OAuth2 client credentials (RFC 6749 section 4.4),
  handled by python3-authlib's AuthorizationServer + ClientCredentialsGrant
  or python3-oauthlib's BackendApplicationServer + RequestValidator.  The body
  is read only when it is application/x-www-form-urlencoded, as the web
  frameworks these libraries plug into do.  Client authentication: HTTP
  Basic, the id and secret form-decoded after the base64 (RFC 6749 section
  2.3.1).  Scopes: ping, status, huge ("huge" pads the token response with a
  1.5 MB field, to get a 200 answer over the plugins' size limit), fraction
  (the library hands out expires_in 3599.999).
- GET {anything}/system/ping: 200 {"ping":"pong"} with a Bearer token issued
  here, else 401 {"error":"invalid_token"}.

The secret comes from a file, never argv.  Once listening it writes
{"port": N, "pid": P} to --ready-file (atomically).  SIGTERM stops it.
"""

import argparse
import base64
import binascii
import hmac
import json
import os
import secrets
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus

SCOPES = ("ping", "status", "huge", "fraction")
FRACTION = 3599.999  # expires_in of a "fraction" token (issue 20 item 2)
FILLER = 1_500_000
MAX_BODY = 65536


def split_basic(header):
    """(id, secret) of an RFC 6749 section 2.3.1 Basic header, or (None, None)."""
    if not header or " " not in header:
        return None, None
    scheme, value = header.split(None, 1)
    if scheme.lower() != "basic":
        return None, None
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    if ":" not in text:
        return None, None
    client_id, secret = text.split(":", 1)
    return unquote_plus(client_id), unquote_plus(secret)


def same(a, b):
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class Issued:
    """The tokens handed out; also appended to a file, so that a test can
    look for them in the plugin's output."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.tokens = set()
        self.path = path

    def add(self, token):
        with self.lock:
            self.tokens.add(token)
            with open(self.path, "a") as fh:
                fh.write(token + "\n")

    def __contains__(self, token):
        with self.lock:
            return token in self.tokens


# ---- authlib ---------------------------------------------------------------

def authlib_endpoint(client_id, client_secret, issued):
    from authlib.common.urls import url_decode
    from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request, grants
    from authlib.oauth2.rfc6749.errors import InvalidClientError
    from authlib.oauth2.rfc6750 import BearerTokenGenerator
    try:
        from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
    except ImportError:
        BasicOAuth2Payload = None

    class Client(ClientMixin):
        def get_client_id(self):
            return client_id

        def get_allowed_scope(self, scope):
            return " ".join(s for s in scope.split() if s in SCOPES)

        def check_client_secret(self, secret):
            return same(secret, client_secret)

        def check_endpoint_auth_method(self, method, endpoint):
            return method == "client_secret_basic"

        def check_grant_type(self, grant_type):
            return grant_type == "client_credentials"

    client = Client()

    # authlib 1.2 takes the Basic credentials as they are; RFC 6749 section
    # 2.3.1 (and authlib from 1.3 on) form-decodes them.
    def basic_auth(query_client, request):
        cid, secret = split_basic(request.headers.get("Authorization"))
        if cid is None:
            return None
        found = query_client(cid)
        if not found:
            raise InvalidClientError(status_code=401)
        return found if found.check_client_secret(secret) else None

    def access_token(**_):
        return secrets.token_urlsafe(32)

    class Server(AuthorizationServer):
        def query_client(self, cid):
            return client if cid == client_id else None

        def save_token(self, token, request):
            issued.add(token["access_token"])
            if "huge" in (token.get("scope") or "").split():
                token["filler"] = "x" * FILLER

        def send_signal(self, *args, **kwargs):
            pass

        def create_oauth2_request(self, request):
            return request

        def handle_response(self, status, body, headers):
            return status, json.dumps(body), headers

    class Generator(BearerTokenGenerator):
        def generate(self, grant_type, client, user=None, scope=None, expires_in=None,
                     include_refresh_token=True):
            if "fraction" in (scope or "").split():
                expires_in = FRACTION
            return super().generate(grant_type, client, user, scope, expires_in,
                                    include_refresh_token)

    server = Server(scopes_supported=list(SCOPES))
    server.register_grant(grants.ClientCredentialsGrant)
    server.register_token_generator("default", Generator(access_token))
    server.register_client_auth_method("client_secret_basic", basic_auth)

    # authlib up to 1.3 (Debian 12: 1.2) takes the form as OAuth2Request's
    # body argument. From 1.4 on (Debian 13: 1.6) OAuth2Request leaves the
    # form to a subclass and reads the parameters from request.payload, as
    # its Flask and Django integrations set them.
    def token_request(uri, headers, form):
        if BasicOAuth2Payload is None:
            return OAuth2Request("POST", uri, form, headers)

        class FormRequest(OAuth2Request):
            @property
            def args(self):
                return {}

            @property
            def form(self):
                return form

        request = FormRequest("POST", uri, headers)
        request.payload = BasicOAuth2Payload(form)
        return request

    def handle(uri, headers, body):
        form = {}
        if headers.get("Content-Type", "").split(";")[0].strip() == \
                "application/x-www-form-urlencoded":
            form = dict(url_decode(body.decode("utf-8")))
        status, text, extra = server.create_token_response(token_request(uri, headers, form))
        return status, text, list(extra)

    return handle


# ---- oauthlib --------------------------------------------------------------

def oauthlib_endpoint(client_id, client_secret, issued):
    from types import SimpleNamespace

    from oauthlib.oauth2 import BackendApplicationServer, RequestValidator

    class Validator(RequestValidator):
        def client_authentication_required(self, request, *args, **kwargs):
            return True

        def authenticate_client(self, request, *args, **kwargs):
            cid, secret = split_basic(request.headers.get("Authorization"))
            if cid != client_id or secret is None or not same(secret, client_secret):
                return False
            request.client = SimpleNamespace(client_id=cid)
            return True

        def validate_grant_type(self, cid, grant_type, client, request, *args, **kwargs):
            return grant_type == "client_credentials"

        def get_default_scopes(self, cid, request, *args, **kwargs):
            return ["ping"]

        def validate_scopes(self, cid, scopes, client, request, *args, **kwargs):
            return set(scopes) <= set(SCOPES)

        def save_bearer_token(self, token, request, *args, **kwargs):
            issued.add(token["access_token"])
            if "huge" in (token.get("scope") or "").split():
                token["filler"] = "x" * FILLER

    def lifetime(request):
        return FRACTION if "fraction" in (request.scopes or []) else 3600

    server = BackendApplicationServer(Validator(), token_expires_in=lifetime)

    def handle(uri, headers, body):
        plain = {name: value for name, value in headers.items()}
        text = body.decode("utf-8")
        if headers.get("Content-Type", "").split(";")[0].strip() != \
                "application/x-www-form-urlencoded":
            text = ""
        extra, text, status = server.create_token_response(uri, http_method="POST", body=text,
                                                           headers=plain)
        return status, text, list(extra.items())

    return handle


# ---- HTTP ------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "oauth2-interop"

    def log_message(self, *args):
        pass

    def send(self, status, text, headers=()):
        data = text.encode("utf-8")
        self.send_response(status)
        names = set()
        for name, value in headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send(413, '{"error":"invalid_request"}')
            return
        body = self.rfile.read(length)
        if self.path.split("?")[0].endswith("/oauth2/token"):
            uri = f"http://{self.headers.get('Host', 'localhost')}{self.path}"
            status, text, headers = self.server.token_endpoint(uri, self.headers, body)
            self.send(status, text, headers)
        else:
            self.send(404, '{"error":"not_found"}')

    def do_GET(self):
        auth = self.headers.get("Authorization") or ""
        if not self.path.split("?")[0].endswith("/system/ping"):
            self.send(404, '{"error":"not_found"}')
        elif auth.startswith("Bearer ") and auth[7:] in self.server.issued:
            self.send(200, '{"ping":"pong"}')
        else:
            self.send(401, '{"error":"invalid_token"}',
                      [("WWW-Authenticate", 'Bearer error="invalid_token"')])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", choices=("authlib", "oauthlib"), required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--issued-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    with open(args.secret_file, encoding="utf-8") as fh:
        secret = fh.read()
    # Both libraries insist on https, as they should; this is loopback.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    issued = Issued(args.issued_file)
    make = authlib_endpoint if args.library == "authlib" else oauthlib_endpoint
    httpd = ThreadingHTTPServer((args.host, 0), Handler)
    httpd.daemon_threads = True
    httpd.token_endpoint = make(args.client_id, secret, issued)
    httpd.issued = issued
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=httpd.shutdown).start())
    tmp = args.ready_file + ".tmp"
    with open(tmp, "w") as fh:
        json.dump({"port": httpd.server_address[1], "pid": os.getpid()}, fh)
    os.rename(tmp, args.ready_file)
    httpd.serve_forever()
    httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
