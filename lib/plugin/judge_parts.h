/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The judge of each concern (judge_*.c), called by pt_judge (judge.c),
 * and what they share (judge_found.c). Internal to the judge. */
#ifndef PT_JUDGE_PARTS_H
#define PT_JUDGE_PARTS_H

#include "run_config.h"
#include "subcheck.h"
#include "probe/probe.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>

/* judge_connection.c: the connection subcheck of one request. where: ""
 * for the probe, " (token request)" for the token request. Returns true
 * when an HTTP answer from the server itself arrived (anything but a
 * proxy's 407). */
bool pt_judge_connection(const struct pt_config *cfg, const struct pt_http_response *h,
                         const char *where, struct pt_subchecks *l);

/* judge_token.c: the token subcheck, and the connection one when the
 * token request was the last request made. Returns NULL when a token is
 * at hand, else why the probe's subchecks are not evaluated. */
const char *pt_judge_token(const struct pt_config *cfg, const struct pt_probe_result *res,
                           struct pt_subchecks *l);

/* judge_answer.c: the probe's HTTP status; -w/-c on a complete 2xx; one
 * subcheck per --expect-json. */
void pt_judge_status(const struct pt_config *cfg, const struct pt_probe_result *res,
                     struct pt_subchecks *l);
void pt_judge_latency(const struct pt_config *cfg, const struct pt_http_response *h,
                      struct pt_subchecks *l);
void pt_judge_expectations(const struct pt_config *cfg, const struct pt_probe_result *res,
                           struct pt_subchecks *l);

/* judge_certificate.c: --certificate. */
void pt_judge_certificate(const struct pt_config *cfg, const struct pt_http_response *h,
                          struct pt_subchecks *l);

/* judge_found.c: what the judges share. */
/* Adds a judged subcheck with the state and reason the state table
 * (state.c) gives finding f. */
struct pt_subcheck *pt_judge_found(struct pt_subchecks *l, const struct pt_config *cfg,
                                   enum pt_subcheck_kind kind, const char *name, enum pt_finding f,
                                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool pt_judge_is_2xx(long status);
/* The name of an --expect-json subcheck, "json:PATH", whole: the
 * subcheck list cuts it (subcheck.c). */
#define PT_JUDGE_JSON_NAME_MAX (sizeof("json:") + PT_EXPECT_ARG_MAX)
void pt_judge_json_name(const char *path, char out[PT_JUDGE_JSON_NAME_MAX]);
/* Server or user text, made fit for a subcheck's text. */
void pt_judge_shown(const char *raw, char *out, size_t len);
/* A 404: what is likely wrong with the base URL. */
const char *pt_judge_not_found_hint(const struct pt_config *cfg);

#endif
