/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The subchecks of the API's answer: its HTTP status, the time it took
 * (-w/-c), the --expect-json values. */
#include "config.h"

#include "judge_parts.h"

#include <stdio.h>
#include <string.h>

/* A 3xx: where it points (redacted), and the way out when it was not
 * followed: "HTTP 301 to https://host/x?key=<redacted> (use
 * --follow-redirects): MOVED". */
static void judge_redirect(const struct pt_config *cfg, const struct pt_probe_result *res,
                           struct pt_subchecks *l)
{
	const struct pt_http_response *h = &res->http;
	char where[PT_SUMMARY_TEXT_MAX + 8] = "";
	char error[PT_SUMMARY_TEXT_MAX + 8] = "";

	/* http.c keeps the Location redacted already. */
	pt_judge_shown(h->location, where, sizeof(where));
	pt_judge_shown(res->error.error, error, sizeof(error));
	pt_judge_found(l, cfg, PT_SUBCHECK_HTTP, "http", PT_FOUND_3XX, "HTTP %ld%s%s%s%s%s", h->status,
	               where[0] ? " to " : "", where,
	               cfg->follow_redirects ? "" : " (use --follow-redirects)", error[0] ? ": " : "",
	               error);
}

void pt_judge_status(const struct pt_config *cfg, const struct pt_probe_result *res,
                     struct pt_subchecks *l)
{
	const struct pt_http_response *h = &res->http;
	const enum pt_subcheck_kind k = PT_SUBCHECK_HTTP;
	long status = h->status;
	bool anonymous = res->auth == PT_AUTH_ANONYMOUS;
	enum pt_finding f = pt_finding_of_status(status, anonymous);
	struct pt_subcheck *c;

	if (h->outcome == PT_HTTP_TOO_LARGE) {
		pt_judge_found(l, cfg, k, "http", f == PT_FOUND_2XX ? PT_FOUND_BODY_TOO_LARGE : f,
		               "HTTP %ld with a body over %d bytes", status, PT_MAX_BODY);
		return;
	}
	switch (f) {
	case PT_FOUND_2XX:
		pt_judge_found(l, cfg, k, "http", f, "HTTP %ld in %.3f s", status, h->t.total);
		return;
	case PT_FOUND_400_ANONYMOUS:
		/* To a probe sent anonymously, Prioticket's 400 is a 401. */
		pt_judge_found(l, cfg, k, "http", f,
		               "HTTP 400 with no credentials sent: the API may require them; give "
		               "--client-id and a secret");
		return;
	case PT_FOUND_3XX:
		judge_redirect(cfg, res, l);
		return;
	case PT_FOUND_401_403:
		c = pt_judge_found(l, cfg, k, "http", f, "authentication failed: HTTP %ld", status);
		break;
	case PT_FOUND_429:
		c = pt_judge_found(l, cfg, k, "http", f, "HTTP 429 rate limited (the API answers)");
		break;
	default:
		c = pt_judge_found(l, cfg, k, "http", f, "HTTP %ld", status);
		break;
	}
	pt_subcheck_append_server_text(c, ": ", res->error.error);
	if (f == PT_FOUND_401_403 && anonymous) {
		pt_subcheck_append_server_text(c, " ",
		                               "(no credentials sent: give --client-id and a secret)");
	} else if (status == 404) {
		pt_subcheck_append_server_text(c, " ", pt_judge_not_found_hint(cfg));
	}
}

void pt_judge_latency(const struct pt_config *cfg, const struct pt_http_response *h,
                      struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_LATENCY;
	char warn[PT_RANGE_TEXT_MAX] = "";
	char crit[PT_RANGE_TEXT_MAX] = "";

	if (!cfg->warning.set && !cfg->critical.set) {
		return;
	}
	pt_range_perfdata(&cfg->warning, warn, sizeof(warn));
	pt_range_perfdata(&cfg->critical, crit, sizeof(crit));
	/* Critical first: a time inside both ranges is CRITICAL. */
	if (pt_range_alert(&cfg->critical, h->t.total)) {
		pt_judge_found(l, cfg, k, "latency", PT_FOUND_LATENCY_CRITICAL,
		               "HTTP %ld in %.3f s (critical range %s)", h->status, h->t.total, crit);
	} else if (pt_range_alert(&cfg->warning, h->t.total)) {
		pt_judge_found(l, cfg, k, "latency", PT_FOUND_LATENCY_WARNING,
		               "HTTP %ld in %.3f s (warning range %s)", h->status, h->t.total, warn);
	} else {
		pt_judge_found(l, cfg, k, "latency", PT_FOUND_LATENCY_OK,
		               "%.3f s (warning range %s, critical range %s)", h->t.total,
		               warn[0] ? warn : "none", crit[0] ? crit : "none");
	}
}

static bool expect_matches(const struct pt_expect *e, const char *actual)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		if (strcmp(e->values[i], actual) == 0) {
			return true;
		}
	}
	return false;
}

/* One subcheck per --expect-json, named json:PATH, from what the probe
 * found at its path. */
static void judge_expectation(const struct pt_config *cfg, const struct pt_expect *e,
                              const struct pt_json_value *v, long status, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_JSON;
	char name[PT_JUDGE_JSON_NAME_MAX];
	char path[PT_SUMMARY_TEXT_MAX + 8];
	char value[PT_SUMMARY_TEXT_MAX + 8];

	pt_judge_json_name(e->path, name);
	pt_judge_shown(e->path, path, sizeof(path));
	switch (v->lookup) {
	case PT_JSON_BAD_PATH:
		pt_judge_found(l, cfg, k, name, PT_FOUND_JSON_BAD_PATH, "bad --expect-json path %s: %s",
		               path, v->why ? v->why : "invalid");
		break;
	case PT_JSON_NOT_LOOKED:
		pt_judge_found(l, cfg, k, name, PT_FOUND_JSON_NOT_LOOKED,
		               "HTTP %ld but %s was not looked up", status, path);
		break;
	case PT_JSON_NOT_JSON:
		pt_judge_found(l, cfg, k, name, PT_FOUND_JSON_NOT_MET,
		               "HTTP %ld but the body is not JSON (--expect-json)", status);
		break;
	case PT_JSON_MISSING:
		pt_judge_found(l, cfg, k, name, PT_FOUND_JSON_NOT_MET,
		               "HTTP %ld but %s is missing from the body", status, path);
		break;
	case PT_JSON_FOUND:
		pt_judge_shown(v->text, value, sizeof(value));
		if (expect_matches(e, v->text)) {
			pt_judge_found(l, cfg, k, name, PT_FOUND_JSON_MET, "%s is %s", path, value);
		} else {
			pt_judge_found(l, cfg, k, name, PT_FOUND_JSON_NOT_MET,
			               "HTTP %ld but %s is %s, not one of the --expect-json values", status,
			               path, value);
		}
		break;
	}
}

void pt_judge_expectations(const struct pt_config *cfg, const struct pt_probe_result *res,
                           struct pt_subchecks *l)
{
	static const struct pt_json_value none = {PT_JSON_NOT_LOOKED, NULL, ""};

	for (size_t i = 0; i < cfg->nexpects; i++) {
		judge_expectation(cfg, &cfg->expects[i], i < res->njson ? &res->json[i] : &none,
		                  res->http.status, l);
	}
}
