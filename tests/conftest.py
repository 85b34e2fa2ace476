# SPDX-License-Identifier: GPL-3.0-or-later
"""What the whole suite must hold to: the plugins' runs leave the build's
configured state directory alone.

make check runs the plugins hundreds of times, as root too, during
development. A plugin with credentials and no MP_STATE_PATH keeps its tokens
in the state directory configure chose (--with-state-dir, by default
/usr/local/var/lib/monitoring-plugins): outside the build tree, and still
there after the run (issue 21). So every test gives its plugin runs a
private MP_STATE_PATH, and the session fails when the configured directory
was created, or anything in it appeared or was replaced, while it ran.

build_config.py (beside this file, which pytest puts on sys.path) reads the
configured directories from the build's Makefile.
"""

import os

import pytest

from build_config import configured_state_dir


def snapshot(root):
    """{path: inode} of root and everything below it; None when absent. A
    token entry is replaced by rename, so a rewrite shows as a new inode."""
    if not os.path.lexists(root):
        return None
    seen = {str(root): os.lstat(root).st_ino}
    for top, dirs, files in os.walk(root, onerror=lambda e: None):
        for name in dirs + files:
            path = os.path.join(top, name)
            try:
                seen[path] = os.lstat(path).st_ino
            except OSError:
                pass
    return seen


def state_dir_changes(before, after):
    """What appeared or was replaced between two snapshots."""
    if after is None:
        return []
    before = before or {}
    return sorted(p for p, ino in after.items() if before.get(p) != ino)


def pytest_sessionstart(session):
    state = configured_state_dir()
    session.config._pt_state_dir = (state, snapshot(state) if state else None)


def pytest_sessionfinish(session, exitstatus):
    state, before = getattr(session.config, "_pt_state_dir", (None, None))
    if state is None:
        return
    changed = state_dir_changes(before, snapshot(state))
    if not changed:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = ("the suite wrote to the configured state directory %s (configure "
               "--with-state-dir), outside the build tree: a plugin run without a private "
               "MP_STATE_PATH. Created or replaced:\n  %s\n(A make check of an older tree "
               "running at the same time on this machine writes there too.)"
               % (state, "\n  ".join(changed[:20])))
    if reporter:
        reporter.write_sep("=", "state directory written", red=True)
        reporter.write_line(message)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
