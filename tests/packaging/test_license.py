# SPDX-License-Identifier: GPL-3.0-or-later
"""The license, GPL-3.0-or-later, everywhere it has to be said: COPYING is
the text Debian ships, every file the project wrote starts with the SPDX
line (tools/spdx; its exemptions are listed there with their reasons),
debian/copyright is machine-readable and names it, and --help and
--version say it in one line. (lintian on the package is test_deb.py's.)"""

import os
import re
import stat
import subprocess

import pytest

from packaging_harness import BUILD_DIR, REPO_ROOT

SPDX = REPO_ROOT / "tools" / "spdx"
IDENTIFIER = "SPDX-License-Identifier: GPL-3.0-or-later"
LICENSE_LINE = "License GPL-3.0-or-later: you may redistribute it; ABSOLUTELY NO WARRANTY."


def spdx(*args, root=None):
    argv = [str(SPDX)] + (["--root", str(root)] if root else []) + list(args)
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_copying_is_debians_gpl3_text():
    common = "/usr/share/common-licenses/GPL-3"  # Debian's base-files
    assert (REPO_ROOT / "COPYING").read_bytes() == open(common, "rb").read()


def test_every_source_file_carries_the_spdx_line():
    res = spdx("check")
    assert res.returncode == 0 and res.stdout == "", res.stdout + res.stderr


def test_exemptions_are_few_and_each_has_a_reason():
    """What carries no line is data or a format without comments; nothing
    the project's code, scripts or build are made of."""
    res = spdx("exempt")
    assert res.returncode == 0, res.stderr
    exempt = dict(line.split(": ", 1) for line in res.stdout.splitlines())
    assert all(why.strip() for why in exempt.values())
    code = [f for f in exempt if re.search(r"\.(c|h|py|sh|am|ac|conf|cfg|ya?ml|1|md)$", f)
            or f.startswith(("tools/", ".ci/", "debian/rules"))]
    assert code == [], code
    listed = spdx("list").stdout.splitlines()
    assert not set(listed) & set(exempt)
    assert len(listed) > 200, len(listed)


# One file of every comment syntax tools/spdx knows, as it looks without
# the line: (path, text, the first lines once inserted).
SAMPLES = [
    ("lib/x.c", "/* What it holds. */\nint x;\n", ["/* %s */" % IDENTIFIER, "/* What it holds. */"]),
    ("lib/x.h", "#ifndef X\n", ["/* %s */" % IDENTIFIER, "#ifndef X"]),
    ("tests/t.py", '"""Doc."""\n', ["# " + IDENTIFIER, '"""Doc."""']),
    ("tests/run.py", "#!/usr/bin/python3\nimport os\n",
     ["#!/usr/bin/python3", "# " + IDENTIFIER, "import os"]),
    ("tools/tool", "#!/bin/sh\nset -eu\n", ["#!/bin/sh", "# " + IDENTIFIER, "set -eu"]),
    ("debian/rules", "#!/usr/bin/make -f\n%:\n", ["#!/usr/bin/make -f", "# " + IDENTIFIER]),
    ("configure.ac", "AC_INIT\n", ["dnl " + IDENTIFIER, "AC_INIT"]),
    ("Makefile.am", "SUBDIRS =\n", ["# " + IDENTIFIER, "SUBDIRS ="]),
    ("doc/p.1", ".TH P 1\n", ['.\\" ' + IDENTIFIER, ".TH P 1"]),
    ("README.md", "# Title\n", ["<!-- %s -->" % IDENTIFIER, "# Title"]),
    ("contrib/p.conf", "object CheckCommand \"x\" {}\n", ["/* %s */" % IDENTIFIER]),
    ("contrib/g.ini", "[x]\n", ["; " + IDENTIFIER, "[x]"]),
    ("tests/r.php", "<?php\necho 1;\n", ["<?php", "// " + IDENTIFIER, "echo 1;"]),
]


def test_insert_then_check_on_a_tree_without_git(tmp_path):
    """insert adds the line in each file's syntax (after #! and <?php, keeping
    the mode), check then passes, a second insert changes nothing; the
    exempt data files stay untouched, and what .gitignore names is no source."""
    for rel, text, _ in SAMPLES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    os.chmod(tmp_path / "tools" / "tool", 0o755)
    corpus = tmp_path / "tests" / "fuzz" / "corpus" / "fuzz_x" / "seed"
    corpus.parent.mkdir(parents=True)
    corpus.write_bytes(b"\x00raw")
    (tmp_path / ".gitignore").write_text("# build output\n*.o\n/build/\n")
    (tmp_path / "lib" / "x.o").write_bytes(b"\x7fELF")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gen.c").write_text("int y;\n")

    before = spdx("check", root=tmp_path)
    assert before.returncode == 1, before.stdout
    assert len(before.stdout.splitlines()) == len(SAMPLES) + 1, before.stdout  # + .gitignore
    assert spdx("insert", root=tmp_path).returncode == 0
    after = spdx("check", root=tmp_path)
    assert after.returncode == 0 and after.stdout == "", after.stdout
    for rel, _, head in SAMPLES:
        lines = (tmp_path / rel).read_text().splitlines()
        assert lines[:len(head)] == head, (rel, lines)
    assert stat.S_IMODE(os.stat(tmp_path / "tools" / "tool").st_mode) == 0o755
    assert corpus.read_bytes() == b"\x00raw"
    assert (tmp_path / "build" / "gen.c").read_text() == "int y;\n"
    snapshot = {rel: (tmp_path / rel).read_bytes() for rel, _, _ in SAMPLES}
    again = spdx("insert", root=tmp_path)
    assert again.returncode == 0 and again.stdout == "", again.stdout
    assert snapshot == {rel: (tmp_path / rel).read_bytes() for rel, _, _ in SAMPLES}


def test_a_file_of_unknown_syntax_is_named_not_guessed(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"abc")
    res = spdx("insert", root=tmp_path)
    assert res.returncode == 1 and "data.bin: no comment syntax known" in res.stdout
    assert (tmp_path / "data.bin").read_bytes() == b"abc"


def dep5_paragraphs(text):
    """debian/copyright's paragraphs as {field: value} (continuation lines kept)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        fields = {}
        name = None
        for line in block.splitlines():
            if line[:1] in (" ", "\t"):
                fields[name] += "\n" + line[1:]
            else:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        paragraphs.append(fields)
    return paragraphs


def test_debian_copyright_is_machine_readable_gpl3():
    text = (REPO_ROOT / "debian" / "copyright").read_text()
    header, *rest = dep5_paragraphs(text)
    assert header["Format"] == \
        "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    assert header["Upstream-Name"] == "check_prioticket"
    files = [p for p in rest if "Files" in p]
    licenses = {p["License"].split("\n")[0]: p["License"] for p in rest if "Files" not in p}
    assert files[0]["Files"] == "*" and files[0]["License"] == "GPL-3+", files[0]
    for p in files:
        for name in re.split(r"\s+and\s+|\s+or\s+", p["License"]):
            assert name in licenses and "\n" in licenses[name], (p["Files"], name)
    assert "/usr/share/common-licenses/GPL-3" in licenses["GPL-3+"]
    assert "either version 3 of the License, or" in licenses["GPL-3+"]
    assert not re.search(r"rights (are )?reserved|unlicensed|may not be redistributed", text, re.I)


@pytest.mark.parametrize("plugin", ["check_prioticket_ping", "check_prioticket_status"])
@pytest.mark.parametrize("option", ["--version", "--help"])
def test_help_and_version_say_the_license_in_one_line(plugin, option):
    res = subprocess.run([str(BUILD_DIR / "plugins" / plugin), option], capture_output=True,
                         text=True, timeout=10, check=False)
    lines = res.stdout.splitlines()
    assert lines[1] == LICENSE_LINE, lines[:3]
    assert [l for l in lines if "GPL" in l or "WARRANTY" in l] == [LICENSE_LINE]
    assert max(len(l) for l in lines) <= 80

