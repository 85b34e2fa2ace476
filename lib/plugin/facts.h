/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request's facts for the machine outputs. */
#ifndef PT_FACTS_H
#define PT_FACTS_H

#include "report.h"
#include "run_config.h"
#include "target.h"
#include "probe/probe.h"

/* The request's facts for the machine outputs (report.h, struct
 * pt_facts): redacted URL, status, versions, timings, token source. */
void pt_facts_fill(const struct pt_config *cfg, const struct pt_target *t,
                   const struct pt_probe_result *res, const char *reference, struct pt_report *r);

#endif
