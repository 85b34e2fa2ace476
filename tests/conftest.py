# SPDX-License-Identifier: GPL-3.0-or-later
"""What the whole suite must hold to: the plugins' runs leave the build's
configured state directory alone.

make check runs the plugins hundreds of times, as root too, during
development. A plugin with credentials and no MP_STATE_PATH keeps its tokens
in the state directory configure chose (--with-state-dir, by default
/usr/local/var/lib/monitoring-plugins): outside the build tree, and still
there after the run (issue 21). So every test gives its plugin runs a
private MP_STATE_PATH, and the session fails when it made the configured
directory, or the cache directory of its user below it; other changes in
there are reported (plugins of this build in use on the machine may make
them).

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


def state_dir_changes(root, before, after):
    """(created, written): the directories a plugin run makes on its way to
    its cache (the state directory, <euid>/, <euid>/check_prioticket/) that
    did not exist before; and every path that appeared or was replaced.
    Only the first is the suite's for sure: plugins installed from this
    build may be in use on the machine and write their cache meanwhile."""
    before = before or {}
    after = after or {}
    own = [str(root), os.path.join(str(root), str(os.geteuid())),
           os.path.join(str(root), str(os.geteuid()), "check_prioticket")]
    created = [p for p in own if p in after and p not in before]
    written = sorted(p for p, ino in after.items() if before.get(p) != ino)
    return created, written


def pytest_sessionstart(session):
    state = configured_state_dir()
    session.config._pt_state_dir = (state, snapshot(state) if state else None)


def pytest_sessionfinish(session, exitstatus):
    state, before = getattr(session.config, "_pt_state_dir", (None, None))
    if state is None:
        return
    created, written = state_dir_changes(state, before, snapshot(state))
    if not written:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    listed = "\n  ".join(written[:20])
    if created:
        title = "state directory written"
        message = ("the suite wrote to the configured state directory %s (configure "
                   "--with-state-dir), outside the build tree: a plugin run with credentials "
                   "and without a private MP_STATE_PATH. Created:\n  %s"
                   % (state, listed))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        title = "state directory changed"
        message = ("the configured state directory %s changed while the suite ran; unless "
                   "plugins of this build are in use on this machine, a test wrote there "
                   "(a plugin run without a private MP_STATE_PATH):\n  %s" % (state, listed))
    if reporter:
        reporter.write_sep("=", title, red=bool(created), yellow=not created)
        reporter.write_line(message)
