/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The long output's detail lines. */
#ifndef PT_LONG_OUTPUT_H
#define PT_LONG_OUTPUT_H

#include "report.h"
#include "run_config.h"
#include "target.h"
#include "probe/probe.h"

/* URL, HTTP status, token source, App-Reference; more with -v. */
void pt_long_output(const struct pt_config *cfg, const struct pt_target *t,
                    const struct pt_probe_result *res, const char *reference, struct pt_report *r);

#endif
