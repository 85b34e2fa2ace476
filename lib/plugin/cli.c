/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From argv to a configuration. */
#include "config.h"

#include "cli.h"
#include "extra_opts.h"
#include "help.h"
#include "options.h"
#include "output.h"
#include "target.h"

#include <string.h>

/* A bad argument: UNKNOWN, reason config, one line in the format the
 * command line asked for (looked up before the options are parsed). */
static void fail(struct pt_buf *out, const struct pt_config *cfg, enum pt_output_format format,
                 const struct pt_buf *why, enum pt_state *state)
{
	struct pt_output_target who = {cfg->endpoint, pt_target_environment_label(cfg)};
	struct pt_verdict v = pt_verdict_of(PT_FOUND_BAD_ARGUMENTS, cfg->timeout_state);

	*state = v.state;
	pt_output_early(format, &who, v.state, v.reason,
	                why->len ? pt_buf_str(why) : "invalid arguments", out);
}

bool pt_cli_load(struct pt_cli *cli, enum pt_endpoint endpoint, int argc, char **argv,
                 struct pt_buf *out, enum pt_state *state)
{
	struct pt_buf err = {0};
	enum pt_options_result r;
	enum pt_output_format format = pt_options_prescan_format(argc, argv);
	bool run = false;

	memset(cli, 0, sizeof(*cli));
	pt_config_init(&cli->cfg, endpoint);
	*state = PT_UNKNOWN;
	if (!pt_extra_opts_apply_origins(argc, argv, pt_endpoint_info(endpoint)->program, &cli->argc,
	                                 &cli->argv, &cli->origins, &err)) {
		pt_options_scrub_argv(argc, argv);
		fail(out, &cli->cfg, format, &err, state);
		pt_buf_free(&err);
		return false;
	}
	format = pt_options_prescan_format(cli->argc, cli->argv);
	r = pt_options_parse_origins(cli->argc, cli->argv, (const char *const *)cli->origins, &cli->cfg,
	                             &err);
	/* The secret is copied by now: hide it from `ps`. */
	pt_options_scrub_argv(argc, argv);
	pt_options_scrub_argv(cli->argc, cli->argv);
	switch (r) {
	case PT_OPTIONS_RUN:
		run = true;
		break;
	case PT_OPTIONS_HELP:
		pt_help(out, endpoint);
		break;
	case PT_OPTIONS_VERSION:
		pt_version(out, endpoint);
		break;
	case PT_OPTIONS_ERROR:
		fail(out, &cli->cfg, format, &err, state);
		break;
	}
	pt_buf_free(&err);
	return run;
}

void pt_cli_free(struct pt_cli *cli)
{
	pt_config_free(&cli->cfg);
	if (cli->argv) {
		pt_extra_opts_free(cli->argc, cli->argv);
	}
	if (cli->origins) {
		pt_extra_opts_free(cli->argc, cli->origins);
	}
	cli->argv = NULL;
	cli->origins = NULL;
}
