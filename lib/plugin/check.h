/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One check: probe the API, judge what came back, write the output. */
#ifndef PT_CHECK_H
#define PT_CHECK_H

#include "run_config.h"
#include "state.h"
#include "util/buf.h"

/* started: pt_now() when the run began, the start of its time budget.
 * Appends the whole output to out and returns the exit state. */
enum pt_state pt_check_run(const struct pt_config *cfg, double started, struct pt_buf *out);

#endif
