/* From what the probe saw to subchecks, each with a state and a reason. */
#ifndef PT_JUDGE_H
#define PT_JUDGE_H

#include "report.h"
#include "run_config.h"
#include "probe/probe.h"
#include "util/limits.h"

/* Adds one subcheck per concern to r->checks (the table is at the top
 * of judge.c); pt_report_finish then derives state, reason and summary. */
void pt_judge(const struct pt_config *cfg, const struct pt_probe_result *res, struct pt_report *r);

/* Whole days the server certificate has left (negative once expired). */
long pt_cert_days_left(const struct pt_http_response *h);

#endif
