# SPDX-License-Identifier: GPL-3.0-or-later
"""Small servers for the subcheck tests, each on 127.0.0.1 and a port the
kernel picks, in a thread of the test process, stopped by the context
manager:

- ``Refusing407Proxy``: answers every request (a plain one or a CONNECT)
  with 407 Proxy Authentication Required, as a proxy that wants
  credentials does.
- ``BigTokenServer``: plain HTTP whose token endpoint answers 200 with a
  2 MiB body (a padded token response), and whose probe answers 200.
- ``ChainServer``: HTTPS with a three-level chain made with the openssl
  CLI (test CA -> intermediate -> leaf for localhost); the intermediate
  expires first, in ``intermediate_days``.

and ``stop_process(proc)``, for servers a test starts with subprocess.
"""

import http.server
import socketserver
import ssl
import subprocess
import threading
from pathlib import Path


class _Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Running:
    def __init__(self, server):
        self.server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _refuse(self):
        self.send_response(407, "Proxy Authentication Required")
        self.send_header("Proxy-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    do_GET = do_POST = do_CONNECT = _refuse


def Refusing407Proxy():
    return _Running(_Threaded(("127.0.0.1", 0), _ProxyHandler))


class _PingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b'{"ping":"pong"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _BigTokenHandler(_PingHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"access_token":"abc","token_type":"Bearer","pad":"' + b"x" * (2 << 20) + b'"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client stops reading at its bound


def BigTokenServer():
    return _Running(_Threaded(("127.0.0.1", 0), _BigTokenHandler))


CNF = """\
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[ leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
"""


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_chain(directory, intermediate_days, leaf_days=400):
    """ca.pem, chain.pem (leaf + intermediate) and leaf.key in directory."""
    d = Path(directory)
    (d / "openssl.cnf").write_text(CNF)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
             "-subj", "/CN=Chain Test Root", "-config", "openssl.cnf", "-extensions", "ca", cwd=d)
    for name, cn, issuer, days, ext in (
            ("inter", "Chain Test Intermediate", "ca", intermediate_days, "ca"),
            ("leaf", "localhost", "inter", leaf_days, "leaf")):
        _openssl("req", "-new", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN={cn}", "-config", "openssl.cnf", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{issuer}.pem",
                 "-CAkey", f"{issuer}.key", "-CAcreateserial", "-out", f"{name}.pem",
                 "-days", str(days), "-extfile", "openssl.cnf", "-extensions", ext, cwd=d)
    (d / "chain.pem").write_text((d / "leaf.pem").read_text() + (d / "inter.pem").read_text())
    return d / "ca.pem", d / "chain.pem", d / "leaf.key"


def ChainServer(directory, intermediate_days):
    _, chain, key = make_chain(directory, intermediate_days)
    server = _Threaded(("127.0.0.1", 0), _PingHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(chain), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return _Running(server)


def stop_process(proc, timeout=5):
    """Ends a server started with subprocess: SIGTERM, then SIGKILL."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
