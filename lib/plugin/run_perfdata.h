/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The perfdata of a run. */
#ifndef PT_RUN_PERFDATA_H
#define PT_RUN_PERFDATA_H

#include "report.h"
#include "run_config.h"
#include "probe/probe.h"

/* Perfdata for whatever was measured, on failure too. */
void pt_run_perfdata(const struct pt_config *cfg, const struct pt_probe_result *res,
                     struct pt_report *r);

#endif
