# SPDX-License-Identifier: GPL-3.0-or-later
"""The body limit at its edge: exactly PT_MAX_BODY bytes is an answer, one
byte more is a body over the limit, however the body is framed.

A Content-Length lets libcurl refuse an oversized body before it arrives
(CURLOPT_MAXFILESIZE_LARGE); without one (chunked, or ended by the
connection closing) only the body sink counts, and an off-by-one there
would let PT_MAX_BODY + 1 bytes through. So each framing is a row, at the
limit and one byte over: nginx (Debian's 1.22) serving a file with its
length, the same file gzip-compressed (chunked, and counted after
decoding), and a close-delimited upstream that nginx re-frames as chunked;
and a raw server (upstream.py) sending Content-Length, chunked, and
close-delimited bodies itself, since nginx never answers an HTTP/1.1
client with a close-delimited body."""

import os
import re
import sys

import pytest

from interop_daemons import nginx_config
from plugin import OK, REPO, WARNING

API = "/v3.8/distributor"


def max_body():
    """PT_MAX_BODY as lib/util/limits.h writes it (its one home)."""
    text = (REPO / "lib" / "util" / "limits.h").read_text()
    m = re.search(r"^#define PT_MAX_BODY \(?([0-9 *]+)\)?$", text, re.M)
    assert m, "lib/util/limits.h has no PT_MAX_BODY of the form (A * B)"
    value = 1
    for factor in m.group(1).split("*"):
        value *= int(factor)
    return value


LIMIT = max_body()


@pytest.fixture(scope="module")
def servers(need, daemon, free_port, workdir):
    binary = need("nginx", "nginx")
    d = workdir("bodylimit")
    (d / "www").mkdir()
    for size in (LIMIT, LIMIT + 1):
        (d / "www" / f"{size}.txt").write_bytes(b"x" * size)
    os.chmod(d / "www", 0o755)
    raw = free_port()
    daemon([sys.executable, os.path.join(os.path.dirname(__file__), "upstream.py"), raw],
           [("127.0.0.1", raw)], d, log=d / "upstream.log")
    port = free_port()
    (d / "nginx.conf").write_text(nginx_config(d, f"""
    server {{
        listen 127.0.0.1:{port};
        location ~ ^/length/([0-9]+)/ {{ gzip off; try_files /$1.txt =404; }}
        location ~ ^/gzip/([0-9]+)/ {{
            gzip on; gzip_types application/json; gzip_min_length 0;
            try_files /$1.txt =404;
        }}
        location ~ ^/proxied/([0-9]+)/ {{
            gzip off; proxy_buffering off;
            proxy_pass http://127.0.0.1:{raw}/body/close/$1/;
        }}
    }}"""))
    daemon([binary, "-p", d, "-c", d / "nginx.conf", "-e", d / "error.log"],
           [("127.0.0.1", port)], d)
    return {"nginx": port, "raw": raw}


# (id, server, framing, header the answer must have had, header it must not have had)
FRAMINGS = [
    ("nginx file, Content-Length", "nginx", "length", r"^< Content-Length: \d+$", None),
    ("nginx gzip, chunked", "nginx", "gzip", r"^< Transfer-Encoding: chunked$",
     r"^< Content-Length:"),
    ("nginx re-framing a close-delimited upstream, chunked", "nginx", "proxied",
     r"^< Transfer-Encoding: chunked$", r"^< Content-Length:"),
    ("raw Content-Length", "raw", "length", r"^< Content-Length: \d+$", None),
    ("raw chunked", "raw", "chunked", r"^< Transfer-Encoding: chunked$", r"^< Content-Length:"),
    ("raw close-delimited", "raw", "close", r"^< Connection: close$",
     r"^< (Content-Length|Transfer-Encoding):"),
]

# (id, bytes over the limit, state, first line)
EDGES = [
    ("at the limit", 0, OK, r"^HTTP 200 in \d+\.\d{3} s"),
    ("one byte over", 1, WARNING, r"^HTTP 200 with a body over %d bytes" % LIMIT),
]


@pytest.mark.parametrize("server,framing,has,lacks", [f[1:] for f in FRAMINGS],
                         ids=[f[0] for f in FRAMINGS])
@pytest.mark.parametrize("over,state,first", [e[1:] for e in EDGES], ids=[e[0] for e in EDGES])
def test_body_limit(servers, run, verify, server, framing, has, lacks, over, state, first):
    size = LIMIT + over
    prefix = f"/{framing}" if server == "nginx" else f"/body/{framing}"
    r = run("ping", ["-u", f"http://127.0.0.1:{servers[server]}{prefix}/{size}{API}", "-vvv"],
            timeout=30)
    verify(r, state, first)
    headers = [line for line in r.lines if line.startswith("< ")]
    assert any(re.search(has, line) for line in headers), \
        f"the answer was not framed as meant: no {has!r}\n" + r.describe()
    if lacks:
        assert not any(re.search(lacks, line) for line in headers), r.describe()
    if state == OK:
        assert r.perf["size"].number == LIMIT, r.describe()
    else:
        assert "size" not in r.perf, r.describe()
