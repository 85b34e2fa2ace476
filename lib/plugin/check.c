/* One check: probe, judge, report. */
#include "config.h"

#include "check.h"
#include "cli.h"
#include "perfdata.h"
#include "report.h"
#include "sanitize.h"
#include "target.h"
#include "probe/clock.h"
#include "probe/json_body.h"
#include "probe/json_path.h"
#include "probe/probe.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Responses from /system/ping and /system/status are tiny; anything this
 * big is not the API talking. */
#define PT_MAX_BODY (1024 * 1024)

static const char *const phase_labels[PT_PHASE_COUNT] = {
    "time_resolve", "time_connect", "time_tls", "time_processing", "time_transfer",
};
static const char *const phase_names[PT_PHASE_COUNT] = {
    "resolve", "connect", "tls", "processing", "transfer",
};

/* A fresh id per run, sent as App-Reference so that Prioticket's
 * support can find this very request. UUID version 4 layout. */
static void app_reference(char *out, size_t len)
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* Unique enough without the entropy pool: time and pid. */
		struct timespec ts = {0};
		pid_t pid = getpid();

		clock_gettime(CLOCK_REALTIME, &ts);
		memset(r, 0, sizeof(r));
		memcpy(r, &ts.tv_sec, 4);
		memcpy(r + 4, &ts.tv_nsec, 4);
		memcpy(r + 8, &pid, sizeof(pid) < 8 ? sizeof(pid) : 8);
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
	         r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	         r[14], r[15]);
}

static void judge_transport(const struct pt_config *cfg, const struct pt_http_response *h,
                            const char *during, struct pt_report *r)
{
	switch (h->outcome) {
	case PT_HTTP_RESPONSE:
		return;
	case PT_HTTP_TIMEOUT:
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

static void judge_token(const struct pt_config *cfg, const struct pt_token_result *t,
                        struct pt_report *r)
{
	long status = t->http.status;

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
	}
	if (t->error.error[0]) {
		pt_buf_puts(&r->summary, " (");
		pt_sanitize_append(&r->summary, t->error.error, strlen(t->error.error),
		                   PT_SUMMARY_TEXT_MAX);
		pt_buf_puts(&r->summary, ")");
	}
	error_lines(r, &t->error);
}

/* Critical first, as the guidelines say. */
static void clock_text(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(out, len, "%H:%M:%S", &tm) == 0) {
		snprintf(out, len, "?");
	}
}

/* A remembered refusal: say so, and when the next attempt happens. */
static void judge_backoff(const struct pt_probe_result *res, struct pt_report *r)
{
	char when[16];
	char next[16];

	clock_text(res->refused_at, when, sizeof(when));
	clock_text(res->backoff_until, next, sizeof(next));
	pt_buf_printf(&r->summary, "; remembered from %s, back-off until %s", when, next);
	pt_report_line(r,
	               "Back-off: the token endpoint refused these credentials at %s; no new "
	               "token request until %s (%d s), so a bad configuration cannot get this "
	               "IP blocked by the API's limit of 60 4xx answers a minute",
	               when, next, PT_CACHE_BACKOFF_SECONDS);
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

static long cert_days(const struct pt_http_response *h)
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
	days = cert_days(h);
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
	pt_report_summary_server_text(r, ": ", res->error.error);
	error_lines(r, &res->error);
	/* -vvv prints the body anyway. */
	if (!res->error.found && h->body.len && cfg->verbose < 3) {
		pt_report_server_line(r, "Body", h->body.data, h->body.len);
	}
}

static void add_time(struct pt_report *r, const char *label, double v, const struct pt_config *cfg,
                     bool thresholds)
{
	struct pt_perf p = {
	    .label = label,
	    .value = v,
	    .uom = "s",
	    .decimals = 6,
	    .warn = thresholds ? &cfg->warning : NULL,
	    .crit = thresholds ? &cfg->critical : NULL,
	    .has_min = true,
	    .min = 0,
	    .has_max = true,
	    .max = cfg->timeout,
	};

	pt_perf_append(&r->perf, &p);
}

/* Perfdata for whatever was measured, on failure too: graphs without
 * gaps. */
static void perfdata(const struct pt_config *cfg, const struct pt_probe_result *res,
                     struct pt_report *r)
{
	const struct pt_http_response *h = &res->http;

	if (res->probed && h->outcome != PT_HTTP_INTERNAL) {
		add_time(r, "time", h->t.total, cfg, true);
		for (int i = 0; i < PT_PHASE_COUNT; i++) {
			if (h->t.reached[i]) {
				add_time(r, phase_labels[i], h->t.phase[i], cfg, false);
			}
		}
	}
	if (res->auth != PT_AUTH_ANONYMOUS) {
		add_time(r, "time_auth", res->time_auth, cfg, false);
	}
	if (res->probed && h->outcome == PT_HTTP_RESPONSE) {
		struct pt_perf size = {
		    .label = "size",
		    .value = (double)h->body.len,
		    .uom = "B",
		    .has_min = true,
		};

		pt_perf_append(&r->perf, &size);
	}
	if (cfg->cert_check && res->probed && h->cert_expiry_known) {
		/* Alert below the limits: the ranges are "W:" and "C:". */
		struct pt_range warn = {
		    .start = (double)cfg->cert_warn_days, .end_infinite = true, .set = true};
		struct pt_range crit = {
		    .start = (double)cfg->cert_crit_days, .end_infinite = true, .set = true};
		struct pt_perf days = {
		    .label = "cert_days",
		    .value = (double)cert_days(h),
		    .warn = &warn,
		    .crit = &crit,
		    .has_min = true,
		};

		pt_perf_append(&r->perf, &days);
	}
}

static void timing_line(struct pt_report *r, const char *what, const struct pt_timings *t)
{
	char line[512];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "%s timings: total %.6f s", what, t->total);
	for (int i = 0; i < PT_PHASE_COUNT && n < sizeof(line); i++) {
		if (t->reached[i]) {
			n += (size_t)snprintf(line + n, sizeof(line) - n, ", %s %.6f s", phase_names[i],
			                      t->phase[i]);
		}
	}
	pt_report_line(r, "%s", line);
}

static void long_output(const struct pt_config *cfg, const struct pt_target *t,
                        const struct pt_probe_result *res, const char *reference,
                        struct pt_report *r)
{
	pt_report_line(r, "URL: %s", pt_buf_str(&t->shown));
	if (res->probed && res->http.status) {
		pt_report_line(r, "HTTP status: %ld", res->http.status);
	}
	switch (res->auth) {
	case PT_AUTH_ANONYMOUS:
		pt_report_line(r, "Token: none, the probe was sent anonymously (no credentials)");
		break;
	case PT_AUTH_FETCHED:
		if (res->waited_out) {
			pt_report_line(r,
			               "Token: none; waited %.3f s for another run's token request "
			               "to %s, and the budget ran out",
			               res->waited, pt_buf_str(&t->token_shown));
			break;
		}
		pt_report_line(r, "Token: requested from %s in %.3f s%s", pt_buf_str(&t->token_shown),
		               res->time_auth, res->token.ok ? "" : ", no token obtained");
		break;
	case PT_AUTH_CACHED:
		if (res->waited > 0.0005) {
			pt_report_line(r,
			               "Token: from the cache in %s, after waiting %.3f s for another "
			               "run's request",
			               res->cache_dir, res->waited);
		} else {
			pt_report_line(r, "Token: from the cache in %s", res->cache_dir);
		}
		break;
	case PT_AUTH_BACKOFF:
		pt_report_line(r,
		               "Token: not requested; the token endpoint refused these credentials "
		               "recently (remembered in %s)",
		               res->cache_dir);
		break;
	}
	if (res->retried) {
		pt_report_line(r, "Token: the cached token was refused (HTTP 401); a new one was "
		                  "fetched and the probe repeated");
	}
	if (cfg->no_token_cache && res->auth != PT_AUTH_ANONYMOUS && cfg->verbose >= 1) {
		pt_report_line(r, "Token cache: off (--no-token-cache)");
	} else if (res->cache_note[0] && cfg->verbose >= 1) {
		pt_report_line(r, "Token cache: not used, the run went on without it: %s", res->cache_note);
	}
	pt_report_line(r, "App-Reference: %s", reference);
	if (cfg->verbose >= 1) {
		if (res->token_requested) {
			timing_line(r, "Token request", &res->token.http.t);
		}
		if (res->probed) {
			timing_line(r, "Probe", &res->http.t);
		}
	}
	if (cfg->verbose >= 2) {
		pt_report_line(r, "TLS verification: %s",
		               cfg->insecure  ? "off (--insecure)"
		               : cfg->ca_file ? cfg->ca_file
		               : cfg->ca_path ? cfg->ca_path
		                              : "on, system trust store");
		pt_report_line(r, "Timeout: %g s for the whole run, on timeout %s", cfg->timeout,
		               pt_state_name(cfg->timeout_state));
	}
	if (cfg->verbose >= 3 && res->probed && res->http.body.len) {
		pt_report_server_line(r, "Body", res->http.body.data, res->http.body.len);
	}
}

static void request_headers(const char *reference, char store[3][96], const char *hdrs[5])
{
	snprintf(store[0], sizeof(store[0]), "App-Name: %s", PACKAGE_NAME);
	snprintf(store[1], sizeof(store[1]), "App-Version: %s", PACKAGE_VERSION);
	snprintf(store[2], sizeof(store[2]), "App-Reference: %s", reference);
	hdrs[0] = "Accept: application/json";
	hdrs[1] = store[0];
	hdrs[2] = store[1];
	hdrs[3] = store[2];
	hdrs[4] = NULL;
}

enum pt_state pt_check_run(const struct pt_config *cfg, double started, struct pt_buf *out)
{
	struct pt_report report = {0};
	struct pt_target target;
	struct pt_probe_result res;
	struct pt_buf trace = {0};
	char reference[40];
	char store[3][96];
	const char *headers[5];
	char agent[64];
	enum pt_state state;

	if (!pt_target_build(cfg, &target)) {
		pt_report_judge(&report, PT_UNKNOWN, "cannot build the URL (out of memory?)");
		pt_report_render(&report, cfg->endpoint, out);
		pt_target_free(&target);
		pt_report_free(&report);
		return PT_UNKNOWN;
	}
	app_reference(reference, sizeof(reference));
	request_headers(reference, store, headers);
	snprintf(agent, sizeof(agent), "%s/%s", PACKAGE_NAME, PACKAGE_VERSION);
	struct pt_probe_config pc = {
	    .url = pt_buf_str(&target.probe),
	    .token_url = cfg->client_id ? pt_buf_str(&target.token) : NULL,
	    .client_id = cfg->client_id,
	    .client_secret = cfg->client_secret,
	    .scope = cfg->scope,
	    .headers = headers,
	    .net =
	        {
	            .ip_version = cfg->ip_version,
	            .proxy = cfg->proxy,
	            .noproxy = cfg->noproxy,
	            .tls = {cfg->ca_file, cfg->ca_path, cfg->insecure, cfg->cert_check},
	            .user_agent = agent,
	            .max_body = PT_MAX_BODY,
	        },
	    .deadline = started + cfg->timeout,
	    .trace = cfg->verbose >= 3 ? &trace : NULL,
	    .use_cache = !cfg->no_token_cache,
	    .cache_dir = cfg->token_cache_dir,
	};

	if (!pt_http_global_init()) {
		pt_report_judge(&report, PT_UNKNOWN, "cannot initialise libcurl");
	} else {
		pt_probe_run(&pc, &res);
		long_output(cfg, &target, &res, reference, &report);
		if (res.auth == PT_AUTH_BACKOFF) {
			judge_token(cfg, &res.token, &report);
			judge_backoff(&res, &report);
		} else if (res.token_requested && !res.token.ok) {
			judge_token(cfg, &res.token, &report);
		} else {
			judge_probe(cfg, &res, &report);
		}
		perfdata(cfg, &res, &report);
		pt_probe_result_free(&res);
		pt_http_global_cleanup();
	}
	if (trace.len) {
		pt_buf_puts(&report.details, "Trace:\n");
		pt_sanitize_lines(&report.details, trace.data, trace.len);
	}
	pt_report_render(&report, cfg->endpoint, out);
	state = report.state;
	pt_buf_free(&trace);
	pt_target_free(&target);
	pt_report_free(&report);
	return state;
}
