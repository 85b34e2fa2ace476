# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation as text (fast, no chroot): every snippet has a runner or
says why not, the README is a front page whose text stands nowhere else, and
the engine examples fit a stock Debian engine and the package's paths.
tests/packaging/test_docs.py runs the snippets themselves.

PT_DOCS_ROOT=DIR checks another tree (e.g. an export of an older commit)."""

import os
import re
import subprocess
from pathlib import Path

import pytest

import docsnippets
from docsnippets import DocError, classify, markdown_fences, plan, user_docs, words

ROOT = Path(os.environ.get("PT_DOCS_ROOT", str(docsnippets.REPO))).resolve()
README = ROOT / "README.md"
# A shared run of this many words is copied text. The longest runs this tree
# shares legitimately are quotations of what the programs print and command
# lines: 14 words (measured, see test_readme_text_is_not_repeated_elsewhere);
# a sentence of the README is 15 to 40 words long, so one copied sentence, or
# a copied paragraph however rewrapped or reformatted, is caught.
REPEAT_WORDS = 15
# The few snippets that cannot run where the test runs (a clone, Director,
# sensuctl, a second Icinga node); each says what proves it instead.
MAX_NORUN = 10
ENGINE_TEXTS = ("README.md", "doc/icinga2.md", "doc/nagios.md", "doc/sensu.md",
                "contrib/README.md", "contrib/icinga2/example-services.conf",
                "contrib/nagios/prioticket.cfg", "contrib/nagios/prioticket.ini.example",
                "contrib/sensu/check-prioticket.yaml")


def fences():
    return [f for d in plan(user_docs(ROOT), ROOT) for f in d["fences"]]


def tracked_texts():
    """{name: text} of every other text file of the tree: git's tracked
    files, or, in an unpacked release without git, every file below ROOT but
    what configure and make write."""
    res = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                         check=False)
    if res.returncode == 0:
        names = [n for n in res.stdout.decode().split("\0") if n]
    else:
        generated = {"configure", "config.log", "config.status", "aclocal.m4", "libtool"}
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and p.name not in generated and not p.name.startswith("Makefile")
                 and not any(part.startswith(".") or part in ("autom4te.cache", "build-deb",
                                                              "build-sensu")
                             for part in p.relative_to(ROOT).parts)]
    out = {}
    for name in names:
        path = ROOT / name
        if name == "README.md" or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            out[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return out


# ------------------------------------------------------------ the markers

MARKER_CASES = [
    # (Markdown, error expected or None, runner of the last fence)
    ("```sh\necho hi\n```\n", None, "shell"),
    ("<!-- norun: needs a clone -->\n```sh\nmake\n```\n", None, None),
    ("<!-- norun: -->\n```sh\nmake\n```\n", "norun needs a reason", None),
    ("<!-- norun: a clone; then: CI -->\n```sh\nmake\n```\n", None, None),
    ("```\nplain\n```\n", "has no runner", None),
    ("```console\n$ ls\n```\n", "has no runner", None),
    ("<!-- nope: x -->\n```sh\nls\n```\n", "unknown marker", None),
    ("<!-- exit: 2 -->\n```sh\nfalse\n```\n", None, "shell"),
    ("<!-- exit: 2 -->\n```sh\ntrue\nfalse\n```\n", "is one command", None),
    ("<!-- exit: 2 -->\n```sh\nfalse \\\n  --x\n```\n", None, "shell"),
    ("<!-- exit: 2 -->\n```ini\n# /etc/x.ini\n```\n", "exit and wait are for sh", None),
    ("<!-- wait: 127.0.0.1:8080 -->\n```sh\nls\n```\n", None, "shell"),
    ("<!-- wait: soon -->\n```sh\nls\n```\n", "HOST:PORT or an absolute path", None),
    ("```icinga2\nobject Host \"x\" { }\n```\n", "names its file", None),
    ("```icinga2\n// /etc/icinga2/conf.d/x.conf\nobject Host \"x\" { }\n```\n", None, "icinga2"),
    ("```nagios\n# /etc/nagios4/conf.d/x.cfg\n```\n", None, "nagios"),
    ("```text\nPRIOTICKET PING OK\n```\n", "follows the sh block", None),
    ("```sh\nls\n```\n\n```text\nx\n```\n", None, "output"),
    ("```sh\nls\n```\n", None, "shell"),
    ("```sh\nls\n", "never closed", None),
]


@pytest.mark.parametrize("text,error,runner", MARKER_CASES)
def test_marker_rules(tmp_path, text, error, runner):
    doc = tmp_path / "x.md"
    doc.write_text(text)
    if error:
        with pytest.raises(DocError, match=re.escape(error)):
            classify(markdown_fences(doc))
    else:
        assert classify(markdown_fences(doc))[-1]["runner"] == runner


def test_fence_bodies_keep_their_indentation(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("```nagios\n# /etc/x.cfg\ndefine host {\n    use  x\n}\n```\n\n"
                   "1. A step:\n\n   ```sh\n   if true; then\n     echo in\n   fi\n   ```\n")
    first, second = classify(markdown_fences(doc))
    assert first["body"] == "# /etc/x.cfg\ndefine host {\n    use  x\n}\n"
    assert second["body"] == "if true; then\n  echo in\nfi\n"


def test_every_snippet_has_a_runner_or_says_why_not():
    all_fences = fences()  # raises DocError, naming the fence, otherwise
    runners = {}
    for f in all_fences:
        runners.setdefault(f["runner"], []).append(f["where"])
    print({k: len(v) for k, v in runners.items()})
    for needed in ("shell", "icinga2", "nagios", "ini", "cron", "sensu", "output", "output-json"):
        assert runners.get(needed), "no %s snippet is documented any more" % needed
    norun = runners.get(None, [])
    assert len(norun) <= MAX_NORUN, norun


def test_man_pages_examples_are_snippets():
    pages = [d for d in user_docs(ROOT) if d.suffix != ".md"]
    assert pages
    for page in pages:
        found = docsnippets.fences_of(page, ROOT)
        assert found, "%s has no EXAMPLES" % page.name
        classify(found)


def test_a_man_page_source_gives_each_plugin_its_example(tmp_path):
    (tmp_path / "doc").mkdir()
    page = tmp_path / "doc" / "x.1.in"
    page.write_text(".SH EXAMPLES\n.nf\n/usr/lib/nagios/plugins/check_prioticket_@PT_ENDPOINT@ \\-w 1\n"
                    ".fi\n.SH SEE ALSO\n")
    found = docsnippets.fences_of(page, tmp_path)
    assert [f["body"] for f in found] == [
        "/usr/lib/nagios/plugins/check_prioticket_ping -w 1\n",
        "/usr/lib/nagios/plugins/check_prioticket_status -w 1\n"]
    assert [f["where"] for f in found] == ["doc/x.1.in:2[ping]", "doc/x.1.in:2[status]"]


# ------------------------------------------------------------ the README

def test_readme_is_a_front_page():
    text = README.read_text()
    lines = text.splitlines()
    assert len(lines) <= 400, len(lines)
    heads = [l for l in lines if l.startswith("## ") or l.startswith("### ")]
    order = ["## What it checks", "## Install", "### The Debian package", "### From source",
             "### Sensu Go", "## Quick start", "### 3a. Icinga 2", "### 3b. Nagios 4",
             "### 3c. Sensu Go", "## Run a check by hand", "## Troubleshooting",
             "## Token cache", "## More"]
    positions = [heads.index(h) for h in order]
    assert positions == sorted(positions), heads
    for guide in sorted((ROOT / "doc").glob("*.md")):
        assert "(doc/%s)" % guide.name in text, "the README does not link %s" % guide.name


def test_readme_first_sh_block_is_ci_setup():
    """.ci/readme-on-fresh-debian runs the first sh block's two lines, the
    demo command, then the test command (checked as that script checks)."""
    text = README.read_text()
    block = re.search(r"^```sh\n(.*?)^```", text, re.S | re.M).group(1).splitlines()
    assert len(block) == 2 and "make demo" in block[0] and "make check" in block[1], block


def test_troubleshooting_names_every_reason():
    source = (ROOT / "lib" / "plugin" / "reason.c").read_text()
    vocabulary = re.findall(r'\[PT_REASON_\w+\] = "([a-z_]+)"', source)
    assert len(vocabulary) > 10
    text = README.read_text()
    section = text[text.index("## Troubleshooting"):text.index("## Token cache")]
    rows = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
    assert rows == vocabulary, (rows, vocabulary)


def test_token_cache_is_explained_in_one_place():
    """Where the cache is and how to clear it: the README's section, and no
    other user document repeats the clearing command."""
    clear = re.compile(r"rm -rf [^\n`]*check_prioticket")
    text = README.read_text()
    assert len(clear.findall(text)) == 1
    for doc in user_docs(ROOT)[1:]:
        assert not clear.search(doc.read_text()), doc


def test_readme_text_is_not_repeated_elsewhere():
    readme = words(README.read_text())
    report = []
    longest = {}
    for name, text in tracked_texts().items():
        other = words(text)
        runs = docsnippets.shared_runs(readme, other, REPEAT_WORDS)
        longest[name] = docsnippets.longest_shared(readme, other)
        for start, length in runs[:3]:
            report.append("%s: %d words: %s" % (name, length, " ".join(readme[start:start + length])))
    print("longest shared runs:", sorted(longest.items(), key=lambda kv: -kv[1])[:8])
    assert not report, "README text repeated:\n" + "\n".join(report)


def slug(heading):
    """GitHub's anchor of a heading."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_links_between_the_documents_resolve():
    """The README sends readers into doc/ and back: every relative link
    names a file that exists and, with #, a heading of it."""
    docs = [d for d in user_docs(ROOT) if d.suffix == ".md"] + [ROOT / "CONTRIBUTING.md"]
    broken = []
    for doc in docs:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.exists():
                broken.append("%s: %s" % (doc.name, target))
            elif anchor and file.suffix == ".md":
                heads = {slug(h) for h in re.findall(r"^#{1,6}\s+(.*)$", file.read_text(), re.M)}
                if anchor not in heads:
                    broken.append("%s: %s" % (doc.name, target))
    assert not broken, broken


# ------------------------------------------------------------ the engines

def test_engine_texts_use_the_package_paths():
    """Defect 2: the engine sections and the shipped examples point at the
    package's paths; no include line for the package's CheckCommands."""
    for name in ENGINE_TEXTS:
        text = (ROOT / name).read_text()
        assert "/usr/local" not in text, name
    for f in fences():
        if f["lang"] == "icinga2":
            assert not re.search(r'^\s*include\b', f["body"], re.M), f["where"]


def test_examples_fit_a_stock_debian_engine():
    """Defect 3: no command of the package defined again, no Debian
    template without what nagios4 requires, no /etc/nagios beside
    /etc/nagios4, no secret in a custom variable."""
    for f in fences():
        body = f["body"]
        assert not re.search(r"command_name\s+check_prioticket_", body), f["where"]
        assert not re.search(r'CheckCommand\s+"prioticket-', body), f["where"]
        assert not re.search(r"/etc/nagios/", body), f["where"]
        assert not re.search(r'prioticket_(client_secret|api_key)\s*=\s*"', body), f["where"]
        if f["lang"] == "nagios":
            for block in re.findall(r"define host \{(.*?)\}", body, re.S):
                if re.search(r"\buse\s+generic-host\b", block):
                    assert "max_check_attempts" in block, f["where"]
    for name in ENGINE_TEXTS:
        text = (ROOT / name).read_text()
        assert "/etc/nagios/" not in text, name
        assert not re.search(r'prioticket_client_secret\s*=\s*"[^"]', text), name


def test_shell_steps_keep_secrets_out_and_call_plugins_by_path():
    """Defect 4: no secret typed into a command line or a here-string, and the
    plugins (not on PATH) called by their full path."""
    for f in fences():
        if f["lang"] != "sh" or f["runner"] is None:
            continue
        body = f["body"]
        assert "<<<" not in body, f["where"]
        assert not re.search(r"--client-secret[= ]", body), f["where"]
        for m in re.finditer(r"(\S*)check_prioticket_(ping|status)\b", body):
            if m.group(1).endswith("/") or m.group(1).endswith("."):
                continue
            assert m.group(1).endswith("/usr/lib/nagios/plugins/"), (f["where"], m.group(0))
    # Where the ini example is: named by its full path in the guides (the
    # examples' own README lists the files of its directory).
    for doc in [README] + sorted((ROOT / "doc").glob("*.md")):
        for m in re.finditer(r"(\S*)prioticket\.ini\.example", doc.read_text()):
            assert m.group(1).endswith(
                "/usr/share/doc/monitoring-plugins-prioticket/examples/nagios/"), (doc, m.group(0))


def test_examples_readme_is_for_users():
    """Defect 6: the README shipped with the examples holds neither developer
    material nor an editing note, and no source-install paths."""
    text = (ROOT / "contrib" / "README.md").read_text()
    assert len(text.splitlines()) <= 60
    for banned in ("/usr/local", "Adding a variable", "top-level README as they are",
                   "tests/", "can go into"):
        assert banned not in text, banned
