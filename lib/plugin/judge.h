/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From what the probe saw to subchecks, each with a state and a reason. */
#ifndef PT_JUDGE_H
#define PT_JUDGE_H

#include "report.h"
#include "run_config.h"
#include "probe/probe.h"
#include "util/limits.h"

/* Adds one subcheck per concern to r->checks (judge.c's first comment
 * lists them; state.c's table gives their states); pt_report_finish then
 * derives state, reason and summary. A pure function of its arguments
 * and the clock (a certificate's days left). */
void pt_judge(const struct pt_config *cfg, const struct pt_probe_result *res, struct pt_report *r);

/* A remembered failure of the token endpoint, in a few words ("HTTP 503",
 * "connection failed"); and which back-off applied ("Retry-After of
 * 60 s", "default back-off of 24 s", "back-off of 4 s after 2 failures
 * in a row"). */
void pt_judge_failure_words(const struct pt_backoff *b, char *out, size_t len);
void pt_judge_backoff_why(const struct pt_backoff *b, char *out, size_t len);

/* Whole days the server certificate has left (negative once expired). */
long pt_cert_days_left(const struct pt_http_response *h);

#endif
