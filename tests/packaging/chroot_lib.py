# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the scripts that run INSIDE a fresh Debian chroot (deb_proof.py,
docs_lab.py): copied beside them, standard library only."""

import json
import re
import subprocess
import time


def sh(args, timeout=600, **kw):
    """subprocess.run without check, text output captured; a command that
    outlives its timeout gives exit status 124, as timeout(1) does."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    try:
        return subprocess.run(args, check=False, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(args, 124, str(exc.stdout or ""),
                                           "timed out after %s s" % timeout)


def wait_for(what, predicate, timeout, interval=0.5):
    """predicate()'s first true value, polled; TimeoutError when time is up."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - reported when time is up
            last = exc
        time.sleep(interval)
    raise TimeoutError("timed out after %ss waiting for %s (last error %r)"
                       % (timeout, what, last))


def icinga_state_objects(path):
    """Icinga 2's state file: netstrings, "<length>:<JSON>,", one after
    another; yields each object."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        while pos < len(data) and data[pos:pos + 1] in (b"\n", b"\r", b" "):
            pos += 1
        if pos >= len(data):
            break
        colon = data.index(b":", pos)
        length = int(data[pos:colon])
        yield json.loads(data[colon + 1:colon + 1 + length].decode("utf-8", "replace"))
        pos = colon + 1 + length + 1


def nagios_status_blocks(path):
    """Nagios's status.dat: [(block type, {key: value})]."""
    blocks, cur = [], None
    with open(path, errors="replace") as f:
        for line in f:
            s = line.strip()
            if cur is None:
                m = re.match(r"^(\w+)\s*\{$", s)
                if m:
                    cur = (m.group(1), {})
            elif s == "}":
                blocks.append(cur)
                cur = None
            elif "=" in s:
                k, _, v = s.partition("=")
                cur[1][k] = v
    return blocks
