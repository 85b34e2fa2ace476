# SPDX-License-Identifier: GPL-3.0-or-later
"""What configure chose for the build under test ($PT_BUILDDIR, else the
source tree): read from its Makefile, where configure writes plain
'name = value' lines that refer to each other as $(x) or ${x}."""

import os
import re
from pathlib import Path

BUILDDIR = Path(os.environ.get("PT_BUILDDIR") or Path(__file__).resolve().parents[1])
_VAR = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")


def makefile_variable(name, makefile=None):
    """A variable of the build's Makefile, every reference in it expanded,
    or None without a configured build or without that variable."""
    path = Path(makefile or BUILDDIR / "Makefile")
    if not path.is_file():
        return None
    values = {}
    for line in path.read_text(errors="replace").splitlines():
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*) = (.*)$", line)
        if m:
            values.setdefault(m.group(1), m.group(2))

    def expand(text, depth):
        if depth > 20:
            return text
        return _VAR.sub(lambda m: expand(values.get(m.group(1), ""), depth + 1), text)

    return expand(values[name], 0) if name in values else None


def configured_state_dir():
    """The token cache root the plugins have compiled in (--with-state-dir)."""
    text = makefile_variable("statedir")
    return Path(text) if text else None
