"""Runs the cmocka unit test binaries, one pytest test per library file.

The binaries are built by `make check` into $PT_BUILDDIR/tests/unit
(PT_BUILDDIR defaults to the repository root, for in-tree builds). A
binary that is missing is a failure, not a skip: a test that silently
does not run protects nothing.
"""

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("PT_BUILDDIR", str(REPO_ROOT)))
UNIT_DIR = BUILD_DIR / "tests" / "unit"

# One per library file; the names match UNIT_TESTS in Makefile.am.
UNITS = (
    "range",
    "perfdata",
    "number",
    "sanitize",
    "extra_opts",
    "secret",
    "options",
    "prio_error",
    "token",
    "json_path",
    "redact",
    "phases",
    "http",
    "noproxy",
    "subcheck",
    "output",
)

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
