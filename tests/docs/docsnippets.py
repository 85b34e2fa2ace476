# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation's snippets (tests/docs/README.md says what is run and
how a fence is marked), and the word runs the README must not share.

A snippet is a fenced block of a Markdown file, or a .nf/.fi block of a man
page's EXAMPLES. plan() lists them per document, each with its runner, the
file a configuration snippet names, and its marker; it raises DocError for a
snippet that cannot be run and does not say why. Standard library only: the
plan goes as JSON into the chroot of tests/packaging/docs_lab.py.
"""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# fence language -> runner
RUNNERS = {
    "sh": "shell",          # run in the document's shell session, in order
    "icinga2": "icinga2",   # written to its file; icinga2 daemon -C; a check result OK
    "nagios": "nagios",     # written to its file; nagios4 -v; a check result OK
    "ini": "ini",           # merged into its file by section; each section run OK
    "crontab": "cron",      # an /etc/cron.d file: each line run as cron runs it
    "yaml": "sensu",        # Sensu resources: each CheckConfig's command run as the agent
    "text": "output",       # the output of the sh block above, numbers aside
    "json": "output-json",  # the JSON the sh block above prints, values aside
}
CONFIG_RUNNERS = ("icinga2", "nagios", "ini", "cron")
MARKER_KEYS = ("norun", "exit", "wait")

FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,})(?P<lang>[A-Za-z0-9_+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<body>.*?)\s*-->\s*$")
ROFF_MARKER = re.compile(r'^\.\\"\s*(?P<body>.*?)\s*$')
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
PATH_COMMENT = {
    "icinga2": re.compile(r"^\s*(?://|/\*)\s*(?P<path>/\S+?)\s*(?:\*/)?\s*$"),
    "nagios": re.compile(r"^\s*#\s*(?P<path>/\S+)\s*$"),
    "ini": re.compile(r"^\s*[#;]\s*(?P<path>/\S+)\s*$"),
    "cron": re.compile(r"^\s*#\s*(?P<path>/\S+)\s*$"),
}


class DocError(ValueError):
    """A snippet the test cannot run and that does not say why."""


def user_docs(repo=REPO):
    """The documentation whose snippets are run, in the order they run: the
    README first (it is the newcomer's path), then the guides, the shipped
    examples' README and the man pages."""
    docs = [repo / "README.md"]
    docs += sorted((repo / "doc").glob("*.md"))
    docs.append(repo / "contrib" / "README.md")
    # The man pages' source when they are made from one (doc/*.1.in),
    # otherwise the pages themselves.
    docs += sorted((repo / "doc").glob("*.1.in")) or sorted((repo / "doc").glob("*.1"))
    return docs


def parse_marker(body, where):
    if body.startswith("norun:"):
        return {"norun": body[len("norun:"):].strip()}
    marker = {}
    for item in body.split(";"):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition(":")
        key = key.strip()
        if not sep or key not in MARKER_KEYS:
            raise DocError("%s: unknown marker %r (known: %s)"
                           % (where, item, ", ".join(MARKER_KEYS)))
        marker[key] = value.strip()
    return marker


def _fence(doc, line, lang, body, marker_line, headings, marker_re):
    where = "%s:%d" % (doc, line)
    marker = {}
    if marker_line is not None:
        m = marker_re.match(marker_line)
        if m and ":" in m.group("body"):
            marker = parse_marker(m.group("body"), where)
    return {"doc": str(doc), "line": line, "lang": lang, "body": body,
            "marker": marker, "section": list(headings), "where": where}


def markdown_fences(path, rel=None):
    """Every fenced block of a Markdown file, in order."""
    rel = rel or path
    lines = Path(path).read_text().splitlines()
    fences, headings = [], []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        h = HEADING.match(lines[i])
        if h:
            level = len(h.group(1))
            headings = headings[:level - 1] + [""] * (level - 1 - len(headings)) + [h.group(2)]
            i += 1
            continue
        if not m:
            i += 1
            continue
        indent, ticks = len(m.group("indent")), m.group("ticks")
        start = i
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*%s\s*$" % ticks, lines[i]):
            line = lines[i]
            body.append(line[indent:] if not line[:indent].strip() else line.lstrip())
            i += 1
        if i >= len(lines):
            raise DocError("%s:%d: fence never closed" % (rel, start + 1))
        i += 1
        above = lines[start - 1] if start > 0 else None
        fences.append(_fence(rel, start + 1, m.group("lang"), "\n".join(body) + "\n",
                             above, headings, MARKER))
    return fences


def roff_unescape(text):
    return (text.replace("\\(aq", "'").replace("\\-", "-").replace("\\e", "\\")
            .replace("\\&", "").replace("\\\\", "\\"))


MAN_ENDPOINTS = ("ping", "status")


def man_examples(path, rel=None):
    """The .nf/.fi blocks of a man page's EXAMPLES section, as sh fences. A
    page source (.1.in) gives each block once per plugin, its @PT_ENDPOINT@
    filled in as configure fills it."""
    rel = rel or path
    if str(path).endswith(".1.in"):
        text = Path(path).read_text()
        fences = []
        for endpoint in MAN_ENDPOINTS:
            for f in _man_examples(text.replace("@PT_ENDPOINT@", endpoint), rel):
                f["where"] += "[%s]" % endpoint
                fences.append(f)
        for f in fences:
            if re.search(r"@[A-Z_]+@", f["body"]):
                raise DocError("%s: a configure variable other than @PT_ENDPOINT@" % f["where"])
        return fences
    return _man_examples(Path(path).read_text(), rel)


def _man_examples(text, rel):
    lines = text.splitlines()
    fences, inside, block, start = [], False, None, 0
    for n, line in enumerate(lines):
        if line.startswith(".SH"):
            inside = line.split(None, 1)[1:] == ["EXAMPLES"]
            continue
        if not inside:
            continue
        if line.startswith(".nf"):
            block, start = [], n
        elif line.startswith(".fi") and block is not None:
            above = lines[start - 1] if start > 0 else None
            fences.append(_fence(rel, start + 1, "sh",
                                 roff_unescape("\n".join(block)) + "\n", above,
                                 ["EXAMPLES"], ROFF_MARKER))
            block = None
        elif block is not None:
            block.append(line)
    return fences


def fences_of(path, repo=REPO):
    rel = Path(path).resolve().relative_to(repo)
    if rel.suffix == ".1" or rel.name.endswith(".1.in"):
        return man_examples(path, rel)
    return markdown_fences(path, rel)


def config_path(fence):
    """The file a configuration snippet names on its first line."""
    runner = RUNNERS.get(fence["lang"])
    first = fence["body"].splitlines()[0] if fence["body"].strip() else ""
    m = PATH_COMMENT[runner].match(first)
    if not m:
        raise DocError("%s: a %s snippet names its file in a comment on its first line, "
                       "e.g. %r" % (fence["where"], fence["lang"],
                                    {"icinga2": "// /etc/icinga2/conf.d/prioticket.conf",
                                     "nagios": "# /etc/nagios4/conf.d/prioticket.cfg",
                                     "ini": "# /etc/check_prioticket/prioticket.ini",
                                     "cron": "# /etc/cron.d/prioticket"}[runner]))
    return m.group("path")


def classify(fences):
    """Adds 'runner' (None for norun) and 'path' to each fence; raises
    DocError for a fence that has neither a runner nor a norun marker, and
    for markers that do not fit their fence."""
    previous = None
    for f in fences:
        marker = f["marker"]
        if "norun" in marker:
            if not marker["norun"]:
                raise DocError("%s: norun needs a reason" % f["where"])
            if set(marker) != {"norun"}:
                raise DocError("%s: norun goes alone" % f["where"])
            f["runner"] = None
            previous = f
            continue
        runner = RUNNERS.get(f["lang"])
        if runner is None:
            raise DocError("%s: a ```%s fence has no runner: use one of %s, or mark it "
                           "<!-- norun: why -->" % (f["where"], f["lang"],
                                                    ", ".join(sorted(RUNNERS))))
        f["runner"] = runner
        if ("exit" in marker or "wait" in marker) and runner != "shell":
            raise DocError("%s: exit and wait are for sh blocks" % f["where"])
        if "exit" in marker:
            if not re.fullmatch(r"\d{1,3}", marker["exit"]) or int(marker["exit"]) > 255:
                raise DocError("%s: exit wants a number 0-255" % f["where"])
            joined = re.sub(r"\\\n", " ", f["body"])
            commands = [l for l in joined.splitlines() if l.strip()]
            if len(commands) != 1:
                raise DocError("%s: a block with an exit marker is one command, so that no "
                               "other failure hides behind it" % f["where"])
        if "wait" in marker and not (re.fullmatch(r"[\w.-]+:\d+", marker["wait"])
                                     or marker["wait"].startswith("/")):
            raise DocError("%s: wait wants HOST:PORT or an absolute path" % f["where"])
        if runner in CONFIG_RUNNERS:
            f["path"] = config_path(f)
        if runner in ("output", "output-json"):
            if previous is None or previous.get("runner") != "shell":
                raise DocError("%s: an output snippet follows the sh block whose output "
                               "it shows" % f["where"])
        previous = f
    return fences


def plan(docs=None, repo=REPO):
    """[{doc, fences}] for every user document, classified."""
    return [{"doc": str(Path(d).resolve().relative_to(repo)),
             "fences": classify(fences_of(d, repo))} for d in (docs or user_docs(repo))]


# ---------------------------------------------------------------- repetition

WORD = re.compile(r"[a-z0-9]+")


def words(text):
    """The text as lower-case words: markup, punctuation, comment signs and
    line breaks are gone, so rewrapping or reformatting hides nothing."""
    return WORD.findall(text.lower())


def shared_runs(needle_words, hay_words, n):
    """Runs of at least n consecutive words of needle that also stand in hay,
    as (start, length) in needle, longest first."""
    if len(needle_words) < n or len(hay_words) < n:
        return []
    grams = {tuple(hay_words[i:i + n]) for i in range(len(hay_words) - n + 1)}
    hits = [i for i in range(len(needle_words) - n + 1)
            if tuple(needle_words[i:i + n]) in grams]
    runs = []
    for i in hits:
        if runs and i <= runs[-1][0] + runs[-1][1] - n + 1:
            start, length = runs[-1]
            runs[-1] = (start, i + n - start)
        else:
            runs.append((i, n))
    return sorted(runs, key=lambda r: -r[1])


def longest_shared(needle_words, hay_words, floor=6):
    """The length of the longest run of words both share, or 0 when no run
    reaches floor words."""
    runs = shared_runs(needle_words, hay_words, floor)
    return runs[0][1] if runs else 0
