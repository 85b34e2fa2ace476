# SPDX-License-Identifier: GPL-3.0-or-later
"""Every long option of the option table (lib/plugin/option_table.c) is documented
where CONTRIBUTING.md's "Adding an option" says: --help of both plugins, both man pages, the
option list (doc/options.md), and the Icinga 2 CheckCommands (except what must not be an argument
there: the secret itself, --help and --version).

The man pages are made by make from one source, doc/check_prioticket.1.in
(issue 21): the built ones are read."""

import re
import sys

import pytest

from plugin import BUILDDIR, REPO, run

sys.path.insert(0, str(REPO / "tests"))
from build_config import configured_state_dir, makefile_variable  # noqa: E402
import plugin_tables  # noqa: E402

NOT_IN_ICINGA = {"client-secret", "help", "version"}


def long_options():
    names = list(plugin_tables.options())
    assert len(names) > 20, names
    return names


def man_page(plugin):
    return (BUILDDIR / "doc" / f"check_prioticket_{plugin}.1").read_text()


@pytest.fixture(scope="module")
def texts():
    man = {p: man_page(p).replace("\\-", "-") for p in ("ping", "status")}
    helps = {p: run(p, ["--help"]).stdout for p in ("ping", "status")}
    return {"help ping": helps["ping"], "help status": helps["status"],
            "man ping": man["ping"], "man status": man["status"],
            "doc/options.md": (REPO / "doc" / "options.md").read_text(),
            "icinga2": (REPO / "contrib" / "icinga2" / "prioticket.conf").read_text()}


@pytest.mark.parametrize("name", long_options())
def test_option_is_documented(texts, name):
    missing = []
    for where, text in texts.items():
        if where == "icinga2":
            if name not in NOT_IN_ICINGA and f'"--{name}"' not in text:
                missing.append(where)
        elif f"--{name}" not in text:
            missing.append(where)
    assert not missing, f"--{name} is missing from {', '.join(missing)}"


@pytest.mark.parametrize("label", list(plugin_tables.phases().values()))
def test_phase_label_is_documented(texts, label):
    """Every perfdata label of a phase (lib/plugin/phase_names.c) is named by
    --help, the man pages and the output guide (doc/output.md)."""
    texts = dict(texts, **{"doc/output.md": (REPO / "doc" / "output.md").read_text()})
    missing = [where for where, text in texts.items()
               if where.startswith(("help", "man", "doc/output"))
               and not re.search(rf"(?<![\w-]){label}(?![\w-])", text)]
    assert not missing, f"{label} is missing from {', '.join(missing)}"


@pytest.mark.parametrize("name", plugin_tables.proxy_variables())
def test_proxy_variable_is_documented(texts, name):
    """Every variable libcurl takes a proxy from (lib/probe/proxy.c, the one
    list the option checks read) is named by both man pages and the proxy
    guide (doc/proxy.md)."""
    texts = dict(texts, **{"doc/proxy.md": (REPO / "doc" / "proxy.md").read_text()})
    missing = [where for where, text in texts.items()
               if where.startswith(("man", "doc/proxy")) and not re.search(rf"\b{name}\b", text)]
    assert not missing, f"{name} is missing from {', '.join(missing)}"


def test_man_pages_come_from_one_source():
    """The two pages differ in the plugin's names alone (comments aside),
    and nothing is left unfilled."""
    def neutral(text, me, other):
        text = "\n".join(line for line in text.splitlines() if not line.startswith('.\\"'))
        return (text.replace(f"check_prioticket_{me}", "PLUGIN").replace(
            f"CHECK_PRIOTICKET_{me.upper()}", "PLUGIN").replace(
            f"/system/{me}", "/system/ENDPOINT").replace(f"check_prioticket_{other}", "OTHER"))

    ping, status = man_page("ping"), man_page("status")
    assert neutral(ping, "ping", "status") == neutral(status, "status", "ping")
    for page in (ping, status):
        assert not re.search(r"@[A-Z_]+@", page), re.findall(r"@[A-Z_]+@", page)
    assert (REPO / "doc" / "check_prioticket.1.in").is_file()


@pytest.mark.parametrize("plugin", ["ping", "status"])
def test_man_page_exit_status_files_environment(plugin):
    """EXIT STATUS, ENVIRONMENT and FILES, with this build's token cache,
    the package's, the fallback and the simulator (issue 21)."""
    page = man_page(plugin).replace("\\-", "-")
    sections = re.findall(r"^\.SH (.+)$", page, re.M)
    for name in ("EXIT STATUS", "ENVIRONMENT", "FILES"):
        assert name in sections, sections
    exit_status = page.split(".SH EXIT STATUS", 1)[1].split(".SH ", 1)[0]
    for code, state in ((0, "OK"), (1, "WARNING"), (2, "CRITICAL"), (3, "UNKNOWN")):
        assert re.search(rf"^\.B {code}\n{state}:", exit_status, re.M), exit_status
    files = page.split(".SH FILES", 1)[1].split(".SH ", 1)[0]
    assert f"{configured_state_dir()}/<euid>/check_prioticket/" in files, files
    assert "/var/lib/monitoring-plugins/<euid>/check_prioticket/" in files, files
    assert "~/.cache/check_prioticket/" in files, files
    assert f"{makefile_variable('pkgdatadir')}/prioticket-sim" in files, files
    title = re.search(r"^\.TH .*$", page, re.M).group(0)
    assert f'"check_prioticket {makefile_variable("PACKAGE_VERSION")}"' in title, title
