/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The flow both plugins share. */
#include "config.h"

#include "plugin_main.h"
#include "hard_stop.h"
#include "plugin/check.h"
#include "plugin/cli.h"
#include "plugin/options.h"
#include "plugin/output.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* The process will hold the client secret, the Basic header and bearer
 * tokens: no core dump may take them to disk, and no other process of
 * the same user may read its memory (ptrace, /proc/PID/mem). Failure
 * leaves the run as it was before, so it is not fatal. */
static void no_core_dumps(void)
{
	struct rlimit none = {0, 0};

	(void)prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
	(void)setrlimit(RLIMIT_CORE, &none);
}

void pt_plugin_main(enum pt_endpoint endpoint, int argc, char **argv)
{
	double started;
	struct pt_buf out = {0};
	struct pt_config early;
	struct pt_cli cli;
	enum pt_state state;

	no_core_dumps();
	started = pt_now();
	/* Reading options can block (an ini file on stdin or a hung mount,
	 * a secret file): the hard stop holds from here, with the budget of
	 * the command line when it gives one. */
	pt_config_init(&early, endpoint);
	pt_options_prescan(argc, argv, &early);
	(void)pt_hard_stop_arm(&early, started);
	if (pt_cli_load(&cli, endpoint, argc, argv, &out, &state)) {
		/* Should the timer fail, libcurl's own timeouts still bound the run. */
		(void)pt_hard_stop_arm(&cli.cfg, started);
		state = pt_check_run(&cli.cfg, started, &out);
	}
	pt_hard_stop_disarm();
	pt_config_free(&early);
	if (out.failed) {
		state = PT_UNKNOWN;
		pt_buf_free(&out);
		pt_output_nagios_prefix(&out, endpoint, state);
		pt_buf_puts(&out, "out of memory\n");
	}
	fwrite(pt_buf_str(&out), 1, out.len, stdout);
	pt_cli_free(&cli);
	pt_buf_free(&out);
	if (fflush(stdout) != 0) {
		state = PT_UNKNOWN;
	}
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer reports from an exit handler. */
	exit((int)state);
#else
	/* Everything is written and released: skip the libraries' exit
	 * handlers (OpenSSL's cleanup alone costs 4% of a run). */
	_exit((int)state);
#endif
}
