# SPDX-License-Identifier: GPL-3.0-or-later
"""One version, written once: configure.ac's AC_INIT. Every place that
shows a version takes it from there (the plugins, the built man pages, the
requests' headers, the JSON output) or is checked against it here (the
Debian changelog, NEWS, the shipped Sensu Asset, the README's file names).
A release bump that misses one of them fails this table."""

import json
import re

import pytest

from plugin import BUILDDIR, REPO, run

AC_INIT = re.compile(r"^AC_INIT\(\[check_prioticket\], \[([^]]+)\]", re.M)


def release():
    """The version AC_INIT gives (configure.ac is the one place it is written)."""
    m = AC_INIT.search((REPO / "configure.ac").read_text())
    assert m, "configure.ac has no AC_INIT([check_prioticket], [VERSION], ...)"
    return m.group(1)


def first_line(path):
    return (REPO / path).read_text().splitlines()[0]


def header(request, name):
    for key, value in request["header_list"]:
        if key.lower() == name.lower():
            return value
    return None


def from_version(plugin):
    r = run(plugin, ["--version"], timeout=10)
    return re.match(r"^check_prioticket_%s (\S+) \(" % plugin, r.first_line).group(1)


def from_help(plugin):
    r = run(plugin, ["--help"], timeout=10)
    return re.match(r"^check_prioticket_%s (\S+) \(" % plugin, r.first_line).group(1)


def from_json(plugin):
    # A bad argument still gives the whole document, without a request.
    r = run(plugin, ["-w", "x", "--output-format=json"], timeout=10)
    return json.loads(r.stdout)["plugin_version"]


def from_man(plugin):
    """The installed page (built from doc/ by make), not its source."""
    th = (BUILDDIR / "doc" / ("check_prioticket_%s.1" % plugin)).read_text()
    th = th.splitlines()[[l.startswith(".TH ") for l in th.splitlines()].index(True)]
    return re.match(r'^\.TH \S+ 1 "[0-9-]+" "check_prioticket ([^"]+)"', th).group(1)


def from_changelog():
    m = re.match(r"^monitoring-plugins-prioticket \(([^)]+)\) ", first_line("debian/changelog"))
    return m.group(1)


def from_news():
    """NEWS's newest entry: 'check_prioticket VERSION (DATE)'."""
    m = re.match(r"^check_prioticket (\S+) \(\d{4}-\d\d-\d\d\)$", first_line("NEWS"))
    return m.group(1)


def from_sensu_asset():
    text = (REPO / "contrib" / "sensu" / "check-prioticket-asset.yaml").read_text()
    names = set(re.findall(r"check-prioticket_([0-9][^_/\s]*)_linux_amd64\.tar\.gz", text))
    names |= set(re.findall(r"check-prioticket_([0-9][^_/\s]*)_sha512-checksums\.txt", text))
    assert len(names) == 1, names
    return names.pop()


PLACES = [
    ("--version ping", lambda: from_version("ping")),
    ("--version status", lambda: from_version("status")),
    ("--help ping", lambda: from_help("ping")),
    ("--help status", lambda: from_help("status")),
    ("JSON ping", lambda: from_json("ping")),
    ("JSON status", lambda: from_json("status")),
    ("man page ping", lambda: from_man("ping")),
    ("man page status", lambda: from_man("status")),
    ("debian/changelog", from_changelog),
    ("NEWS", from_news),
    ("contrib/sensu Asset", from_sensu_asset),
]


@pytest.mark.parametrize("where,get", PLACES, ids=[p[0] for p in PLACES])
def test_version_is_the_release(where, get):
    assert get() == release(), where


@pytest.mark.parametrize("plugin", ["ping", "status"])
def test_request_headers_carry_the_release(sim, plugin):
    run(plugin, ["-u", sim.base_url()], timeout=20)
    (q,) = sim.requests()
    assert header(q, "User-Agent") == "check_prioticket/" + release(), q
    assert header(q, "App-Version") == release(), q


# Files that name a release in a file name or a heading; every one of them
# must name this one. (NEWS and debian/changelog keep the older releases
# below their first line, checked above.)
NAMED = [
    r"monitoring-plugins-prioticket_(\d+\.\d+\.\d+[^_\s]*)_",
    r"check-prioticket_(\d+\.\d+\.\d+[^_\s]*)_",
    r"check_prioticket-(\d+\.\d+\.\d+[^/\s]*)\.tar",
    r"check_prioticket (\d+\.\d+\.\d+\S*)",
]
SHIPPED = ["README.md", "CONTRIBUTING.md", "contrib/README.md", "tests/packaging/README.md",
           "contrib/sensu/check-prioticket-asset.yaml", "contrib/sensu/check-prioticket.yaml",
           "contrib/icinga2/director-basket.json", "contrib/icinga2/prioticket.conf",
           "contrib/nagios/prioticket.cfg", ".bonsai.yml", "debian/control"]


@pytest.mark.parametrize("path", SHIPPED)
def test_no_other_release_is_named(path):
    text = (REPO / path).read_text()
    found = {m for pattern in NAMED for m in re.findall(pattern, text)}
    assert found <= {release()}, "%s names %s, the release is %s" % (path, found, release())


def test_bonsai_takes_the_version_from_the_tag():
    """Bonsai fills #{version} from the release's git tag: no literal one."""
    text = (REPO / ".bonsai.yml").read_text()
    assert "check-prioticket_#{version}_linux_amd64.tar.gz" in text
    assert "check-prioticket_#{version}_sha512-checksums.txt" in text
