# SPDX-License-Identifier: GPL-3.0-or-later
"""make check-quick runs the paths QUICK_PATHS of Makefile.am names: each must
be a test file or a directory of tests in this tree, and a part of what make
check runs (PYTEST_PATHS). pytest given a path that is gone stops with an
error, but one renamed to a directory without tests would pass in silence."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def makefile_am_words(name):
    """The words of variable name in Makefile.am, continuation lines joined."""
    text = (REPO / "Makefile.am").read_text().replace("\\\n", " ")
    m = re.search(rf"^{name}\s*=(.*)$", text, re.M)
    assert m, f"Makefile.am has no {name}"
    return m.group(1).split()


QUICK_PATHS = makefile_am_words("QUICK_PATHS")


def test_quick_paths_are_part_of_the_whole_suite():
    whole = [REPO / p for p in makefile_am_words("PYTEST_PATHS")]
    assert QUICK_PATHS
    for path in QUICK_PATHS:
        assert any((REPO / path).is_relative_to(top) for top in whole), (path, whole)


@pytest.mark.parametrize("path", QUICK_PATHS)
def test_quick_path_holds_tests(path):
    full = REPO / path
    if full.is_dir():
        assert sorted(full.glob("test_*.py")), f"{path} holds no test_*.py"
    else:
        assert full.is_file() and full.name.startswith("test_") and full.suffix == ".py", path
