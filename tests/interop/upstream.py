#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny HTTP/1.x upstream for nginx's proxy_pass, misbehaving on purpose.

Usage: upstream.py PORT
  GET /chunked/...  200, Transfer-Encoding: chunked, a JSON body in 3 chunks
  GET /cut/...      200, Content-Length: 5000, 100 bytes of body, then the
                    connection closes (the upstream "dies" mid-body)
  CONNECT host:port a slow forward proxy: waits CONNECT_DELAY seconds, then
                    tunnels (for the phase of the CONNECT round trip)
  GET /body/FRAMING/SIZE/...
                    200 with a body of exactly SIZE bytes of "x", framed as
                    FRAMING says: length (Content-Length), chunked (chunks
                    of 64 KiB and a last short one), or close (neither: the
                    body ends when the connection closes)
  anything else     404
"""
import socket
import sys
import threading
import time

CONNECT_DELAY = 1.0
CHUNK = 64 * 1024
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def tunnel(conn, target):
    host, _, port = target.decode().rpartition(":")
    time.sleep(CONNECT_DELAY)
    try:
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
    except OSError:
        conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        return
    upstream.settimeout(None)
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    back = threading.Thread(target=pipe, args=(upstream, conn), daemon=True)
    back.start()
    pipe(conn, upstream)
    back.join(10)
    upstream.close()


def sized_body(conn, path):
    """/body/FRAMING/SIZE/...: a body of exactly SIZE bytes."""
    fields = path.split(b"/")
    if len(fields) < 4 or not fields[3].isdigit():
        conn.sendall(NOT_FOUND)
        return
    framing, size = fields[2], int(fields[3])
    body = b"x" * size
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
    try:
        if framing == b"length":
            conn.sendall(head + b"Content-Length: %d\r\n\r\n" % size + body)
        elif framing == b"chunked":
            conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
            for at in range(0, size, CHUNK):
                part = body[at:at + CHUNK]
                conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            conn.sendall(b"0\r\n\r\n")
        elif framing == b"close":
            conn.sendall(head + b"\r\n" + body)
        else:
            conn.sendall(NOT_FOUND)
            return
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the client stopped reading at its limit


def handle(conn):
    with conn:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1] if data.count(b" ") >= 2 else b"/"
        if data.startswith(b"CONNECT "):
            tunnel(conn, path)
        elif path.startswith(b"/chunked/"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            for part in (b'{"ping":', b'"pong",', b'"via":"chunks"}'):
                conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            conn.sendall(b"0\r\n\r\n")
        elif path.startswith(b"/body/"):
            sized_body(conn, path)
        elif path.startswith(b"/cut/"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 5000\r\nConnection: close\r\n\r\n" + b" " * 100)
        else:
            conn.sendall(NOT_FOUND)


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[1])))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
