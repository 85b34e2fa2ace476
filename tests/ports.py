# SPDX-License-Identifier: GPL-3.0-or-later
"""Loopback ports for the servers the tests start, one home for every suite
(pytest puts tests/ on sys.path: tests/conftest.py is beside this file)."""

import socket


def free_port(host="127.0.0.1"):
    """A TCP port on host that nobody listened on a moment ago (bound to port
    0, then released): for a server to start on, or for a refused connection."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def have_ipv6_loopback():
    """Whether a server can listen on ::1 here (a container may have no IPv6)."""
    try:
        free_port("::1")
    except OSError:
        return False
    return True


def port_open(port, host="127.0.0.1"):
    """Whether a server accepts connections on host:port now."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
