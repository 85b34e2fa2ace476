#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Serve Debian's graphite-web (graphite.wsgi) on loopback for the graphite
engine test, with wsgiref from the standard library.

    GRAPHITE_SETTINGS_MODULE=... graphite_wsgi.py PORT REQUEST_LOG

Every request's path and query string is appended to REQUEST_LOG (one JSON
line each), so the test can read back exactly which /render targets the
Icinga Web module asked for. Threaded: the module and the test may ask at the
same time. SIGTERM stops it.
"""

import json
import runpy
import signal
import socketserver
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

GRAPHITE_WSGI = "/usr/share/graphite-web/graphite.wsgi"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the request log below is enough
        pass


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main():
    port = int(sys.argv[1])
    log_path = sys.argv[2]
    application = runpy.run_path(GRAPHITE_WSGI)["application"]
    lock = threading.Lock()

    def logged(environ, start_response):
        with lock, open(log_path, "a") as log:
            log.write(json.dumps({"path": environ.get("PATH_INFO", ""),
                                  "query": environ.get("QUERY_STRING", "")})
                      + "\n")
        return application(environ, start_response)

    server = make_server("127.0.0.1", port, logged,
                         server_class=ThreadingWSGIServer,
                         handler_class=QuietHandler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(
        target=server.shutdown, daemon=True).start())
    print("graphite-web listening on 127.0.0.1:%d" % port, flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
