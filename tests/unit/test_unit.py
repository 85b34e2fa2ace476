# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs the cmocka unit test binaries, one pytest test per binary.

The binaries are built by `make check` into $PT_BUILDDIR/tests/unit
(PT_BUILDDIR defaults to the repository root, for in-tree builds). A
binary that is missing is a failure, not a skip: a test that silently
does not run protects nothing.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("PT_BUILDDIR", str(REPO_ROOT)))
UNIT_DIR = BUILD_DIR / "tests" / "unit"


def unit_names():
    """The names in UNIT_TESTS of Makefile.am, the one list of unit tests
    (it also drives their build): "tests/unit/test_range" gives "range"."""
    text = (REPO_ROOT / "Makefile.am").read_text()
    match = re.search(r"^UNIT_TESTS\s*=((?:[^\n]*\\\n)*[^\n]*)$", text, re.M)
    assert match, "Makefile.am has no UNIT_TESTS"
    names = re.findall(r"tests/unit/test_([a-z0-9_]+)", match.group(1))
    assert names, "UNIT_TESTS in Makefile.am is empty"
    return names


UNITS = unit_names()

# Far above what any of them needs; only a hang should reach it.
TIMEOUT = 120


@pytest.mark.parametrize("name", UNITS)
def test_unit_binary(name):
    binary = UNIT_DIR / f"test_{name}"
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"{binary} is missing or not executable: build it with make check",
                    pytrace=False)
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="STDOUT")
    try:
        proc = subprocess.run([str(binary)], cwd=str(UNIT_DIR), env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        pytest.fail(f"{binary.name} did not finish within {TIMEOUT} s\n{out}", pytrace=False)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        # cmocka's main returns the number of failed tests; a signal
        # shows up as a negative code.
        pytest.fail(f"{binary.name} exited with {proc.returncode}\n{out}", pytrace=False)
