# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugin layer's tables as the code holds them, printed by the
program tests/print_tables that `make check` builds (tests/print_tables.c):
tests read them rather than keep a copy that could drift."""

import os
import subprocess
from pathlib import Path

BUILDDIR = Path(os.environ.get("PT_BUILDDIR") or Path(__file__).resolve().parents[1])
PROGRAM = BUILDDIR / "tests" / "print_tables"


def rows(kind):
    """The rows of one table, each a list of its words after the kind."""
    if not (PROGRAM.is_file() and os.access(PROGRAM, os.X_OK)):
        raise AssertionError(f"{PROGRAM} is missing: build it with make check")
    out = subprocess.run([str(PROGRAM)], check=True, stdout=subprocess.PIPE, timeout=30,
                         text=True).stdout
    found = [line.split(" ")[1:] for line in out.splitlines() if line.split(" ")[0] == kind]
    assert found, f"{PROGRAM} printed no {kind} rows"
    return found


def phases():
    """{phase name: perfdata label}, in the probe's order, auth last."""
    return dict(rows("phase"))


def proxy_variables():
    """The environment variables libcurl takes a proxy from, in its order."""
    return [name for (name,) in rows("proxy_variable")]


def options():
    """{long name: (letter or None, "none" | "required" | "optional")}, in
    --help's order."""
    return {name: (None if letter == "-" else letter, value)
            for name, letter, value in rows("option")}
