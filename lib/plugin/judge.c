/* From what the probe saw to a state and a summary: the contract's
 * state mapping, thresholds, --expect-json and --certificate. */
#include "config.h"

#include "judge.h"
#include "sanitize.h"
#include "probe/json_body.h"
#include "probe/json_path.h"
#include "probe/token_cache.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The proxy refused us or could not be reached: never the API's fault,
 * and one outcome for http:// and https:// targets alike. */
static void judge_proxy(const struct pt_http_response *h, const char *during, struct pt_report *r)
{
	const char *reason = pt_http_reason(h->proxy_status);

	switch (h->proxy_failure) {
	case PT_PROXY_REFUSED:
		/* A 5xx answer to CONNECT: the proxy could not reach the server. */
		if (h->proxy_status >= 500) {
			pt_report_judge(r, PT_CRITICAL, "proxy could not reach the server (HTTP %ld%s%s)%s",
			                h->proxy_status, *reason ? " " : "", reason, during);
			return;
		}
		if (h->proxy_status) {
			pt_report_judge(r, PT_CRITICAL, "proxy refused the request (HTTP %ld%s%s)%s",
			                h->proxy_status, *reason ? " " : "", reason, during);
			return;
		}
		pt_report_judge(r, PT_CRITICAL, "proxy refused the request%s", during);
		break;
	case PT_PROXY_UNRESOLVED:
		pt_report_judge(r, PT_CRITICAL, "cannot resolve the proxy%s", during);
		break;
	case PT_PROXY_UNREACHABLE:
		pt_report_judge(r, PT_CRITICAL, "cannot connect to the proxy%s", during);
		break;
	}
	pt_report_summary_server_text(r, ": ", h->message);
}

static void judge_transport(const struct pt_config *cfg, const struct pt_http_response *h,
                            const char *during, struct pt_report *r)
{
	switch (h->outcome) {
	case PT_HTTP_RESPONSE:
		return;
	case PT_HTTP_TIMEOUT:
		if (h->status) {
			/* The status line came, the rest did not. */
			pt_report_judge(r, cfg->timeout_state,
			                "timeout: HTTP %ld arrived but the body did not finish within "
			                "the %g s budget%s",
			                h->status, cfg->timeout, during);
			return;
		}
		pt_report_judge(r, cfg->timeout_state, "timeout: no answer within the %g s budget%s",
		                cfg->timeout, during);
		return;
	case PT_HTTP_DNS:
		pt_report_judge(r, PT_CRITICAL, "cannot resolve host%s", during);
		break;
	case PT_HTTP_CONNECT:
		pt_report_judge(r, PT_CRITICAL, "connection failed%s", during);
		break;
	case PT_HTTP_TLS:
		pt_report_judge(r, PT_CRITICAL, "TLS failure%s", during);
		break;
	case PT_HTTP_TOO_LARGE:
		pt_report_judge(r, pt_state_worse(PT_WARNING, pt_state_for_http(h->status)),
		                "HTTP %ld with a body over %d bytes%s", h->status, PT_MAX_BODY, during);
		return;
	case PT_HTTP_PROTOCOL:
		pt_report_judge(r, PT_CRITICAL, "bad HTTP response%s", during);
		break;
	case PT_HTTP_INTERNAL:
		pt_report_judge(r, PT_UNKNOWN, "internal error%s", during);
		break;
	case PT_HTTP_PROXY:
		judge_proxy(h, during, r);
		return;
	}
	pt_report_summary_server_text(r, ": ", h->message);
}

/* OAuth2 error codes that mean "these credentials are not accepted",
 * which RFC 6749 lets a server send with 400 rather than 401. */
static bool oauth_auth_error(const char *error)
{
	static const char *const codes[] = {"invalid_client", "unauthorized_client", "invalid_grant",
	                                    "invalid_scope"};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcmp(error, codes[i]) == 0) {
			return true;
		}
	}
	return false;
}

static void error_lines(struct pt_report *r, const struct pt_prio_error *e)
{
	pt_report_server_line(r, "API error", e->error, strlen(e->error));
	pt_report_server_line(r, "API error description", e->description, strlen(e->description));
	pt_report_server_line(r, "API error reference", e->reference, strlen(e->reference));
	for (size_t i = 0; i < e->ndetails; i++) {
		pt_report_server_line(r, "API error detail", e->details[i], strlen(e->details[i]));
	}
}

/* A 3xx not followed: where it points (redacted), and the way out. */
static void judge_redirect(const struct pt_http_response *h, struct pt_report *r)
{
	if (h->location[0]) {
		pt_report_summary_server_text(r, " to ", h->location);
		pt_report_server_line(r, "Location", h->location, strlen(h->location));
	}
	pt_buf_puts(&r->summary, " (use --follow-redirects)");
}

static void judge_token(const struct pt_config *cfg, const struct pt_token_result *t,
                        struct pt_report *r)
{
	long status = t->http.status;

	/* A 2xx answer over the size limit gave no token: it is an unusable
	 * token, not a large body to warn about. */
	if (t->parse == PT_TOKEN_TOO_LARGE) {
		pt_report_judge(r, PT_CRITICAL,
		                "token endpoint answered HTTP %ld but the response is over %d bytes; "
		                "no token obtained",
		                status, PT_MAX_BODY);
		return;
	}
	if (t->http.outcome != PT_HTTP_RESPONSE) {
		judge_transport(cfg, &t->http, " (token request)", r);
		return;
	}
	if (status >= 200 && status < 300) {
		pt_report_judge(r, PT_CRITICAL, "token endpoint answered HTTP %ld but %s", status,
		                pt_token_status_text(t->parse));
		return;
	}
	if (pt_http_is_auth_failure(status) ||
	    (status >= 400 && status < 500 && oauth_auth_error(t->error.error))) {
		pt_report_judge(r, PT_CRITICAL, "authentication failed: token endpoint answered HTTP %ld",
		                status);
	} else {
		pt_report_judge(r, pt_state_for_http(status), "token endpoint answered HTTP %ld", status);
		if (status >= 300 && status < 400 && !cfg->follow_redirects) {
			judge_redirect(&t->http, r);
		}
	}
	if (t->error.error[0]) {
		pt_buf_puts(&r->summary, " (");
		pt_sanitize_append(&r->summary, t->error.error, strlen(t->error.error),
		                   PT_SUMMARY_TEXT_MAX);
		pt_buf_puts(&r->summary, ")");
	}
	error_lines(r, &t->error);
	/* What a standard OAuth2 server says to Prioticket's JSON body. */
	if (status == 400 && !cfg->token_body_form &&
	    (strcmp(t->error.error, "unsupported_grant_type") == 0 ||
	     strcmp(t->error.error, "invalid_request") == 0)) {
		pt_report_line(r, "Hint: a token endpoint that follows RFC 6749 wants a form body "
		                  "(--token-body form)");
	}
}

/* A remembered refusal: say so, and how long until the next attempt.
 * Seconds rather than a clock time: a time of day has no date, and the
 * clock may have been stepped since the refusal. */
static void judge_backoff(const struct pt_probe_result *res, struct pt_report *r)
{
	time_t now = time(NULL);
	long ago = res->refused_at < now ? (long)(now - res->refused_at) : 0;
	long left = res->backoff_until > now ? (long)(res->backoff_until - now) : 0;

	/* The probe caps the back-off at its length from now; so does this,
	 * should a second have passed since. */
	if (left < 1) {
		left = 1;
	} else if (left > PT_CACHE_BACKOFF_SECONDS) {
		left = PT_CACHE_BACKOFF_SECONDS;
	}
	pt_buf_printf(&r->summary, "; refused %ld s ago, back-off: next token request in %ld s", ago,
	              left);
	pt_report_line(r,
	               "Back-off: the token endpoint refused these credentials %ld s ago; next "
	               "token request in %ld s (back-off of %d s), so a bad configuration cannot "
	               "get this IP blocked by the API's limit of 60 4xx answers a minute",
	               ago, left, PT_CACHE_BACKOFF_SECONDS);
}

static void judge_thresholds(const struct pt_config *cfg, const struct pt_http_response *h,
                             struct pt_report *r)
{
	char range[256];

	if (pt_range_alert(&cfg->critical, h->t.total)) {
		pt_range_perfdata(&cfg->critical, range, sizeof(range));
		pt_report_judge(r, PT_CRITICAL, "HTTP %ld in %.3f s (critical range %s)", h->status,
		                h->t.total, range);
	} else if (pt_range_alert(&cfg->warning, h->t.total)) {
		pt_range_perfdata(&cfg->warning, range, sizeof(range));
		pt_report_judge(r, PT_WARNING, "HTTP %ld in %.3f s (warning range %s)", h->status,
		                h->t.total, range);
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

static void judge_expectations(const struct pt_config *cfg, const struct pt_http_response *h,
                               struct pt_report *r)
{
	struct json_object *root;
	char actual[256];

	if (cfg->nexpects == 0) {
		return;
	}
	root = pt_json_parse(h->body.data, h->body.len);
	if (!root) {
		pt_report_judge(r, PT_CRITICAL, "HTTP %ld but the body is not JSON (--expect-json)",
		                h->status);
		return;
	}
	for (size_t i = 0; i < cfg->nexpects; i++) {
		const struct pt_expect *e = &cfg->expects[i];

		if (!pt_json_path_text(root, e->path, actual, sizeof(actual))) {
			pt_report_judge(r, PT_CRITICAL, "HTTP %ld but %s is missing from the body", h->status,
			                e->path);
			pt_report_line(r, "Expected %s to be one of the --expect-json values", e->path);
		} else if (!expect_matches(e, actual)) {
			pt_report_judge(r, PT_CRITICAL, "HTTP %ld but %s is", h->status, e->path);
			pt_report_summary_server_text(r, " ", actual);
			pt_report_line(r, "JSON %s: not one of the --expect-json values", e->path);
			pt_report_server_line(r, "JSON value found", actual, strlen(actual));
		} else {
			pt_report_server_line(r, e->path, actual, strlen(actual));
		}
	}
	json_object_put(root);
}

long pt_cert_days_left(const struct pt_http_response *h)
{
	double left = difftime(h->cert_expiry, time(NULL));

	return (long)(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
}

/* --certificate: the leaf's remaining validity, judged beside the probe
 * (the worse state wins). */
static void judge_certificate(const struct pt_config *cfg, const struct pt_http_response *h,
                              struct pt_report *r)
{
	long days;

	if (!cfg->cert_check || h->outcome != PT_HTTP_RESPONSE) {
		return;
	}
	if (!h->cert_expiry_known) {
		pt_report_judge(r, PT_UNKNOWN, "cannot read the server certificate's expiry date");
		return;
	}
	days = pt_cert_days_left(h);
	pt_report_line(r, "Certificate: expires in %ld days", days);
	if (days < cfg->cert_crit_days) {
		pt_report_judge(r, PT_CRITICAL, "certificate expires in %ld days (critical below %ld)",
		                days, cfg->cert_crit_days);
	} else if (days < cfg->cert_warn_days) {
		pt_report_judge(r, PT_WARNING, "certificate expires in %ld days (warning below %ld)", days,
		                cfg->cert_warn_days);
	}
}

static void judge_probe(const struct pt_config *cfg, const struct pt_probe_result *res,
                        struct pt_report *r)
{
	const struct pt_http_response *h = &res->http;
	long status = h->status;

	if (h->outcome != PT_HTTP_RESPONSE) {
		judge_transport(cfg, h, "", r);
		return;
	}
	if (status >= 200 && status < 300) {
		pt_report_judge(r, PT_OK, "HTTP %ld in %.3f s", status, h->t.total);
		judge_thresholds(cfg, h, r);
		judge_expectations(cfg, h, r);
		judge_certificate(cfg, h, r);
		return;
	}
	judge_certificate(cfg, h, r);
	if (pt_http_is_auth_failure(status)) {
		pt_report_judge(r, PT_CRITICAL, "authentication failed: HTTP %ld%s", status,
		                res->auth == PT_AUTH_ANONYMOUS ? " (no credentials given)" : "");
	} else if (status == 429) {
		pt_report_judge(r, PT_WARNING, "HTTP 429 rate limited (the API answers)");
	} else {
		pt_report_judge(r, pt_state_for_http(status), "HTTP %ld", status);
	}
	if (status >= 300 && status < 400 && !cfg->follow_redirects) {
		judge_redirect(h, r);
	}
	pt_report_summary_server_text(r, ": ", res->error.error);
	error_lines(r, &res->error);
	/* -vvv prints the body anyway. */
	if (!res->error.found && h->body.len && cfg->verbose < 3) {
		pt_report_server_line(r, "Body", h->body.data, h->body.len);
	}
}

void pt_judge(const struct pt_config *cfg, const struct pt_probe_result *res, struct pt_report *r)
{
	if (res->auth == PT_AUTH_BACKOFF) {
		judge_token(cfg, &res->token, r);
		judge_backoff(res, r);
	} else if (res->token_requested && !res->token.ok) {
		judge_token(cfg, &res->token, r);
	} else {
		judge_probe(cfg, res, r);
	}
}
