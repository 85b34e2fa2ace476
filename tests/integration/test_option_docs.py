"""Every long option of the option table (lib/plugin/options.c) is documented
where COORDINATION's rule says: --help of both plugins, both man pages, the
option list (doc/options.md), and the Icinga 2 CheckCommands (except what
must not be an argument there: the secret itself, --help and --version)."""

import re

import pytest

from plugin import REPO, run

NOT_IN_ICINGA = {"client-secret", "help", "version"}


def long_options():
    source = (REPO / "lib" / "plugin" / "options.c").read_text()
    names = re.findall(r'\{"([a-z0-9-]+)", (?:required|no|optional)_argument', source)
    assert len(names) > 20, names
    return names


@pytest.fixture(scope="module")
def texts():
    man = {p: (REPO / "doc" / f"check_prioticket_{p}.1").read_text().replace("\\-", "-")
           for p in ("ping", "status")}
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
