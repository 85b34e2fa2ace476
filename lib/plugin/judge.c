/* How a run's state is made.
 *
 * Each concern judges itself into one subcheck (subcheck.h) with a state,
 * a reason and one line of text. The run's state is the worst subcheck
 * (CRITICAL > WARNING > UNKNOWN > OK), its reason that of the most
 * important subcheck at that state, and the first line names every
 * subcheck at that state: nothing depends on the order of this file.
 *
 *   subcheck     judged from                      state (reason)
 *   connection   how the last request ended       OK (ok); CRITICAL (dns, connect, tls, proxy,
 *                (token request or probe)         bad_response); timeout, also a body still
 *                                                 arriving: --timeout-result (timeout);
 *                                                 UNKNOWN (internal); not sent, since the
 *                                                 connection breaks its secret's binding:
 *                                                 UNKNOWN (config)
 *   token        the token endpoint's answer      OK (ok), also a cached token whose renewal
 *                (only with credentials), or a    failed; 401, 403, OAuth2 refusal CRITICAL
 *                remembered refusal or failure    (auth); unusable 2xx, also one over PT_MAX_BODY,
 *                (judged as it was, and said to   CRITICAL (bad_response); 429 WARNING
 *                be remembered; no connection     (rate_limited); other 4xx WARNING
 *                then)                            (client_error); 5xx CRITICAL (server_error);
 *                                                 3xx, or a followed redirect that lost the POST
 *                                                 or the credentials, WARNING (redirect)
 *   http         the probe's status               2xx OK (ok); 3xx WARNING (redirect); 401, 403,
 *                                                 and 400 to a probe sent without credentials
 *                                                 CRITICAL (auth); 429 WARNING (rate_limited);
 *                                                 other 4xx WARNING (client_error); 5xx CRITICAL
 *                                                 (server_error); body over the bound: WARNING
 *                                                 or worse (body_too_large)
 *   json:PATH    --expect-json, on a 2xx          met OK (ok); not met, missing, body not JSON
 *                                                 CRITICAL (json)
 *   latency      -w / -c on the total time, 2xx   OK (ok), WARNING, CRITICAL (latency)
 *   certificate  -C on the verified chain's       OK (ok), WARNING, CRITICAL (certificate);
 *                earliest expiry                  expiry unreadable UNKNOWN (certificate)
 *
 * A 407 is a proxy talking, never the API: connection CRITICAL (proxy).
 * A subcheck that an earlier failure left nothing to judge is reported as
 * not evaluated, with why. */
#include "config.h"

#include "judge.h"
#include "judge_parts.h"
#include "sanitize.h"
#include "probe/probe.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool pt_judge_is_2xx(long status)
{
	return status >= 200 && status < 300;
}

/* The reason an HTTP status gives on its own. */
enum pt_reason pt_judge_status_reason(long status)
{
	if (pt_http_is_auth_failure(status)) {
		return PT_REASON_AUTH;
	}
	if (status == 429) {
		return PT_REASON_RATE_LIMITED;
	}
	if (status >= 300 && status < 400) {
		return PT_REASON_REDIRECT;
	}
	if (status >= 400 && status < 500) {
		return PT_REASON_CLIENT_ERROR;
	}
	if (status >= 500 && status < 600) {
		return PT_REASON_SERVER_ERROR;
	}
	return pt_judge_is_2xx(status) ? PT_REASON_OK : PT_REASON_BAD_RESPONSE;
}

/* Server or user text, made fit for a subcheck's text. */
void pt_judge_shown(const char *raw, char *out, size_t len)
{
	struct pt_buf b = {0};

	pt_sanitize_append(&b, raw, strlen(raw),
	                   len - 1 < PT_SUMMARY_TEXT_MAX ? len - 1 : PT_SUMMARY_TEXT_MAX);
	snprintf(out, len, "%s", b.failed ? "?" : pt_buf_str(&b));
	pt_buf_free(&b);
}

/* A 404 from an API with two fixed paths: the base URL is wrong. Most
 * often it is the whole URL of an endpoint, which the plugin would
 * extend once more. */
const char *pt_judge_not_found_hint(const struct pt_config *cfg)
{
	static const char *const endpoints[] = {"/system/ping", "/system/status"};
	size_t n;

	if (!cfg->base_url) {
		return "(check --api-version, default " PT_DEFAULT_API_VERSION ", and --hostname)";
	}
	n = strlen(cfg->base_url);
	while (n > 0 && cfg->base_url[n - 1] == '/') {
		n--;
	}
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		size_t e = strlen(endpoints[i]);

		if (n >= e && strncasecmp(cfg->base_url + n - e, endpoints[i], e) == 0) {
			return "(--base-url must end at /distributor: the plugin adds /system/... itself)";
		}
	}
	return "(check --base-url: it ends in /VERSION/distributor, e.g. "
	       "https://HOST/" PT_DEFAULT_API_VERSION "/distributor)";
}

/* The probe's subchecks that need a finished 2xx answer. */
static void skip_body_checks(const struct pt_config *cfg, const char *why, struct pt_subchecks *l)
{
	char name[PT_SUBCHECK_NAME_MAX];

	for (size_t i = 0; i < cfg->nexpects; i++) {
		snprintf(name, sizeof(name), "json:%s", cfg->expects[i].path);
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
