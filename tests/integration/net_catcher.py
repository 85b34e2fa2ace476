#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Listeners that record what reaches them, for test_secret_binding.py. It
runs inside a private network namespace whose loopback device also holds
ADDRESS (a TEST-NET address: a local address that is not loopback, so that
libcurl's connected address is not a loopback one):

    net_catcher.py ADDRESS RECORD CERT KEY

- sink      on ADDRESS: records every byte a client sends, answers nothing;
- tls_proxy on ADDRESS: answers a CONNECT with 200, then speaks TLS itself
  (CERT/KEY, a certificate for localhost the client trusts) and records the
  decrypted bytes: a proxy that would read what the tunnel carries;
- landing   on ADDRESS: records the request, answers 200 with "{}";
- redirect  on 127.0.0.1: records the request, answers 302 to landing.

Prints one JSON line {name: port} when all listen. Each connection gives
two JSON lines in RECORD: {"listener", "event": "accept", "peer"} as it is
accepted (in the order the kernel queued them, one listener after the
other), and {"listener", "event": "data", "peer", "data"} (latin-1 text)
when the client is done. Runs until killed; every read has a timeout.
"""

import json
import socket
import ssl
import sys
import threading

ADDRESS, RECORD, CERT, KEY = sys.argv[1:5]
READ_TIMEOUT = 3.0
lock = threading.Lock()


def record(listener, peer, data, event="data"):
    with lock, open(RECORD, "a") as out:
        out.write(json.dumps({"listener": listener, "event": event, "peer": peer[0],
                              "data": data.decode("latin-1")}) + "\n")


def read_some(conn, until=None):
    """Bytes until the peer stops (or closes), or until `until` was seen."""
    data = b""
    conn.settimeout(READ_TIMEOUT)
    try:
        while until is None or until not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    except (OSError, ssl.SSLError):
        pass
    return data


def sink(conn, peer):
    record("sink", peer, read_some(conn))


def tls_proxy(conn, peer):
    head = read_some(conn, b"\r\n\r\n")
    record("tls_proxy CONNECT", peer, head)
    if not head.startswith(b"CONNECT "):
        return
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError):
        return
    record("tls_proxy tunnel", peer, read_some(tls))


def landing(conn, peer):
    record("landing", peer, read_some(conn, b"\r\n\r\n"))
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                 b"Connection: close\r\n\r\n{}")


def make_redirect(target):
    def redirect(conn, peer):
        record("redirect", peer, read_some(conn, b"\r\n\r\n"))
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + target.encode() +
                     b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    return redirect


def serve(name, sock, handler):
    while True:
        conn, peer = sock.accept()
        record(name, peer, b"", "accept")

        def run(conn=conn, peer=peer):
            with conn:
                handler(conn, peer)
        threading.Thread(target=run, daemon=True).start()


def listen(host):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, 0))
    s.listen(16)
    return s


def main():
    socks = {name: listen(ADDRESS) for name in ("sink", "tls_proxy", "landing")}
    socks["redirect"] = listen("127.0.0.1")
    target = f"http://{ADDRESS}:{socks['landing'].getsockname()[1]}/landing"
    handlers = {"sink": sink, "tls_proxy": tls_proxy, "landing": landing,
                "redirect": make_redirect(target)}
    for name, sock in socks.items():
        threading.Thread(target=serve, args=(name, sock, handlers[name]), daemon=True).start()
    print(json.dumps({name: s.getsockname()[1] for name, s in socks.items()}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
