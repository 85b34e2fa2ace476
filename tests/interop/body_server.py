#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A raw HTTP/1.1 server that sends a body of an exact size, framed as asked.

Usage: body_server.py PORT
  GET /length/SIZE/...   200, Content-Length: SIZE
  GET /chunked/SIZE/...  200, Transfer-Encoding: chunked (chunks of 64 KiB
                         and a last short one)
  GET /close/SIZE/...    200, neither: the body ends when the connection closes
  anything else          404
The body is SIZE bytes of "x". Every answer closes the connection.
"""
import socket
import sys
import threading

CHUNK = 64 * 1024


def handle(conn):
    with conn:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            part = conn.recv(4096)
            if not part:
                return
            data += part
        fields = data.split(b" ", 2)[1].split(b"/") if data.count(b" ") >= 2 else []
        if len(fields) < 3 or not fields[2].isdigit():
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
            return
        framing, size = fields[1], int(fields[2])
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
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the client stopped reading at its limit


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
