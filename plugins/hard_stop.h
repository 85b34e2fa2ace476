/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The last-resort stop: whatever hangs (libcurl, a resolver, a lock),
 * the process ends shortly after its time budget with the timeout state. */
#ifndef PT_HARD_STOP_H
#define PT_HARD_STOP_H

#include "plugin/run_config.h"

/* It fires PT_HARD_STOP_MARGIN seconds (util/limits.h) past the budget:
 * the normal path ends on its own well inside it. */

/* started is the pt_now() value when the run began. May be called again
 * to re-arm with another budget. Unblocks SIGALRM. Returns false if
 * the timer could not be set (the run then relies on libcurl's
 * timeouts alone). */
bool pt_hard_stop_arm(const struct pt_config *cfg, double started);
/* Called before the output is written, so that it is written once. */
void pt_hard_stop_disarm(void);

#endif
