/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From what the probe saw to subchecks: pt_judge.
 *
 * Each concern is judged into one subcheck (subcheck.h) with a state, a
 * reason and one line of text. The judges find what happened and word
 * it; the state and reason of each finding come from the state table
 * (state.c), the one place where a state is decided. The run's state is
 * the worst subcheck (CRITICAL > WARNING > UNKNOWN > OK), its reason that
 * of the most important subcheck at that state, and the first line names
 * every subcheck at that state: nothing depends on the order of the code.
 *
 *   subcheck     judged from                                  in
 *   connection   how the last request ended (the token        judge_connection.c
 *                request or the probe); a 407 is a proxy
 *                talking, never the API
 *   token        the token endpoint's answer (with            judge_token.c
 *                credentials); a remembered refusal or
 *                failure (judged as it was, said to be
 *                remembered; no connection then); a cached
 *                token, also one whose renewal failed
 *   http         the probe's status                           judge_answer.c
 *   json:PATH    --expect-json, on a complete 2xx             judge_answer.c
 *   latency      -w / -c on the total time, complete 2xx      judge_answer.c
 *   certificate  -C on the verified chain's earliest expiry   judge_certificate.c
 *
 * A subcheck that an earlier failure left nothing to judge is reported as
 * not evaluated, with why. */
#include "config.h"

#include "judge.h"
#include "judge_parts.h"
#include "probe/probe.h"

#include <stdio.h>

/* The probe's subchecks that need a finished 2xx answer. */
static void skip_body_checks(const struct pt_config *cfg, const char *why, struct pt_subchecks *l)
{
	char name[PT_JUDGE_JSON_NAME_MAX];

	for (size_t i = 0; i < cfg->nexpects; i++) {
		pt_judge_json_name(cfg->expects[i].path, name);
		pt_subcheck_skip(l, PT_SUBCHECK_JSON, name, "%s", why);
	}
	if (cfg->warning.set || cfg->critical.set) {
		pt_subcheck_skip(l, PT_SUBCHECK_LATENCY, "latency", "%s", why);
	}
}

static void judge_probe(const struct pt_config *cfg, const struct pt_probe_result *res,
                        struct pt_subchecks *l)
{
	const struct pt_http_response *h = &res->http;
	char why[96];

	if (!pt_judge_connection(cfg, h, "", l)) {
		pt_subcheck_skip(l, PT_SUBCHECK_HTTP, "http", "no HTTP response from the API");
		skip_body_checks(cfg, "no HTTP response from the API", l);
	} else {
		pt_judge_status(cfg, res, l);
		if (h->outcome == PT_HTTP_RESPONSE && pt_judge_is_2xx(h->status)) {
			pt_judge_latency(cfg, h, l);
			pt_judge_expectations(cfg, res, l);
		} else {
			snprintf(why, sizeof(why), "HTTP %ld is no complete success answer", h->status);
			skip_body_checks(cfg, why, l);
		}
	}
	if (cfg->cert_check) {
		pt_judge_certificate(cfg, h, l);
	}
}

void pt_judge(const struct pt_config *cfg, const struct pt_probe_result *res, struct pt_report *r)
{
	struct pt_subchecks *l = &r->checks;
	const char *no_probe = NULL;

	if (res->auth != PT_AUTH_ANONYMOUS) {
		no_probe = pt_judge_token(cfg, res, l);
	}
	if (!no_probe) {
		judge_probe(cfg, res, l);
		return;
	}
	pt_subcheck_skip(l, PT_SUBCHECK_HTTP, "http", "%s", no_probe);
	skip_body_checks(cfg, no_probe, l);
	if (cfg->cert_check) {
		pt_subcheck_skip(l, PT_SUBCHECK_CERTIFICATE, "certificate", "%s", no_probe);
	}
}
