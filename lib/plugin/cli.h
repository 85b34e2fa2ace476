/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From argv to a configuration: --extra-opts, options, --help and
 * --version, bad arguments. */
#ifndef PT_CLI_H
#define PT_CLI_H

#include "run_config.h"
#include "state.h"
#include "util/buf.h"

#include <stdbool.h>

struct pt_cli {
	struct pt_config cfg;
	int argc;       /* argv after --extra-opts expansion */
	char **argv;    /* cfg points into these strings */
	char **origins; /* parallel to argv: the ini key and file, or NULL */
};

/* Returns true when the check should run. Otherwise out holds the
 * complete output (help, version, or a one-line UNKNOWN) and *state the
 * exit state. */
bool pt_cli_load(struct pt_cli *cli, enum pt_endpoint endpoint, int argc, char **argv,
                 struct pt_buf *out, enum pt_state *state);
void pt_cli_free(struct pt_cli *cli);

#endif
