/* The flow both plugins share. */
#include "config.h"

#include "plugin_main.h"
#include "hard_stop.h"
#include "plugin/check.h"
#include "plugin/cli.h"
#include "probe/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void pt_plugin_main(enum pt_endpoint endpoint, int argc, char **argv)
{
	double started = pt_now();
	struct pt_buf out = {0};
	struct pt_cli cli;
	enum pt_state state;

	if (pt_cli_load(&cli, endpoint, argc, argv, &out, &state)) {
		/* Should the timer fail, libcurl's own timeouts still bound the run. */
		(void)pt_hard_stop_arm(&cli.cfg, started);
		state = pt_check_run(&cli.cfg, started, &out);
		pt_hard_stop_disarm();
	}
	if (out.failed) {
		state = PT_UNKNOWN;
		pt_buf_free(&out);
		pt_cli_prefix(&out, endpoint, state);
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
