/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/judge*.c and the state table (state.c): one
 * row per outcome of the states table of doc/output.md and per finding of the
 * state table, from a probe result (no network) to the run's state,
 * reason and first line. Every finding must have a row. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/help.h"
#include "plugin/judge.h"
#include "plugin/options.h"
#include "plugin/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400

/* A probe result to judge: an anonymous probe answered 200 in 0.041 s,
 * changed by the row's scenario. */
typedef void scenario(struct pt_probe_result *res);

struct row {
	const char *what;
	const char *args; /* options, apart by spaces; "-u http://h/v3.8/distributor" is added */
	scenario *probe;
	enum pt_finding found; /* the finding that decides the run */
	enum pt_state state;
	enum pt_reason reason;
	const char *first_line; /* the text after "PRIOTICKET PING STATE - " */
};

static void answered(struct pt_probe_result *res)
{
	(void)res;
}

static void status(struct pt_probe_result *res, long code)
{
	res->http.status = code;
}

static void failed(struct pt_http_response *h, enum pt_http_outcome outcome, const char *message)
{
	h->outcome = outcome;
	h->status = 0;
	snprintf(h->message, sizeof(h->message), "%s", message);
}

static void dns(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_DNS, "Could not resolve host: api.example");
}

static void refused(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_CONNECT, "Failed to connect to api.example port 443");
}

static void tls(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_TLS, "SSL certificate problem: certificate has expired");
}

static void proxy_unreachable(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_PROXY, "Failed to connect to proxy");
	res->http.proxy_failure = PT_PROXY_UNREACHABLE;
}

static void proxy_unresolved(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_PROXY, "Could not resolve proxy: squid.example");
	res->http.proxy_failure = PT_PROXY_UNRESOLVED;
}

static void proxy_refused(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_PROXY, "");
	res->http.proxy_failure = PT_PROXY_REFUSED;
	res->http.proxy_status = 403;
}

static void proxy_407(struct pt_probe_result *res)
{
	status(res, 407);
}

static void cut_short(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_PROTOCOL, "Empty reply from server");
}

static void redirect_loop(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_PROTOCOL, "Maximum (5) redirects followed");
	res->http.redirect_limit = true;
	res->http.redirects = 5;
}

static void internal(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_INTERNAL, "Out of memory");
}

static void not_sent(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_REFUSED, "127.0.0.1 is no loopback address here");
}

static void timeout(struct pt_probe_result *res)
{
	failed(&res->http, PT_HTTP_TIMEOUT, "");
}

static void body_still_arriving(struct pt_probe_result *res)
{
	timeout(res);
	res->http.status = 200;
}

static void only_103(struct pt_probe_result *res)
{
	timeout(res);
	res->http.informational = 103;
}

static void moved(struct pt_probe_result *res)
{
	status(res, 301);
	snprintf(res->http.location, sizeof(res->http.location), "https://new.example/v3.8");
}

static void s400(struct pt_probe_result *res)
{
	status(res, 400);
}

static void s401(struct pt_probe_result *res)
{
	status(res, 401);
}

static void s404(struct pt_probe_result *res)
{
	status(res, 404);
}

static void s429(struct pt_probe_result *res)
{
	status(res, 429);
}

static void s500(struct pt_probe_result *res)
{
	status(res, 500);
	snprintf(res->error.error, sizeof(res->error.error), "INTERNAL_SERVER_ERROR");
}

static void s101(struct pt_probe_result *res)
{
	status(res, 101);
}

static void s999(struct pt_probe_result *res)
{
	status(res, 999);
}

static void huge_200(struct pt_probe_result *res)
{
	res->http.outcome = PT_HTTP_TOO_LARGE;
}

static void huge_503(struct pt_probe_result *res)
{
	res->http.outcome = PT_HTTP_TOO_LARGE;
	status(res, 503);
}

static void slow(struct pt_probe_result *res)
{
	res->http.t.total = 0.7;
}

static void slower(struct pt_probe_result *res)
{
	res->http.t.total = 1.2;
}

/* With credentials: a token requested in this run. */
static void fetched(struct pt_probe_result *res)
{
	res->auth = PT_AUTH_FETCHED;
	res->token_requested = true;
	res->token.ok = true;
	res->token.http.status = 200;
	res->time_auth = 0.02;
}

static void fetched_then_403(struct pt_probe_result *res)
{
	fetched(res);
	status(res, 403);
}

static void fetched_then_400(struct pt_probe_result *res)
{
	fetched(res);
	status(res, 400);
}

/* The token endpoint's answer without a usable token: the probe is not
 * sent. */
static void token_answer(struct pt_probe_result *res, long code, const char *error)
{
	fetched(res);
	res->token.ok = false;
	res->token.http.status = code;
	res->probed = false;
	memset(&res->http, 0, sizeof(res->http));
	snprintf(res->token.error.error, sizeof(res->token.error.error), "%s", error);
}

static void token_401(struct pt_probe_result *res)
{
	token_answer(res, 401, "");
}

static void token_invalid_client(struct pt_probe_result *res)
{
	token_answer(res, 400, "invalid_client");
}

static void token_invalid_request(struct pt_probe_result *res)
{
	token_answer(res, 400, "invalid_request");
}

static void token_429(struct pt_probe_result *res)
{
	token_answer(res, 429, "");
}

static void token_503(struct pt_probe_result *res)
{
	token_answer(res, 503, "");
}

static void token_302(struct pt_probe_result *res)
{
	token_answer(res, 302, "");
	snprintf(res->token.http.location, sizeof(res->token.http.location), "https://idp.example/t");
}

static void token_not_json(struct pt_probe_result *res)
{
	token_answer(res, 200, "");
	res->token.parse = PT_TOKEN_NOT_JSON;
}

static void token_too_large(struct pt_probe_result *res)
{
	token_answer(res, 200, "");
	res->token.parse = PT_TOKEN_TOO_LARGE;
}

static void token_post_lost(struct pt_probe_result *res)
{
	token_answer(res, 405, "");
	res->token.http.redirects = 1;
	res->token.http.method_changed = true;
	snprintf(res->token.http.final_url, sizeof(res->token.http.final_url),
	         "https://idp.example/token");
}

static void token_no_connection(struct pt_probe_result *res)
{
	token_answer(res, 0, "");
	failed(&res->token.http, PT_HTTP_CONNECT, "Failed to connect to idp.example port 443");
}

static void token_timeout(struct pt_probe_result *res)
{
	token_answer(res, 0, "");
	failed(&res->token.http, PT_HTTP_TIMEOUT, "");
}

static void token_holder_busy(struct pt_probe_result *res)
{
	token_answer(res, 0, "");
	res->token_requested = false;
	res->holder_busy = true;
	res->waited = 2.5;
}

/* A remembered refusal: no request made, the answer replayed. */
static void remembered_refusal(struct pt_probe_result *res)
{
	token_answer(res, 401, "");
	res->auth = PT_AUTH_BACKOFF;
	res->token_requested = false;
	res->backoff = (struct pt_backoff){.kind = PT_BACKOFF_REFUSAL,
	                                   .status = 401,
	                                   .failures = 1,
	                                   .length = 24,
	                                   .ago = 12,
	                                   .left = 12};
}

static void remembered_failure(struct pt_probe_result *res)
{
	token_answer(res, 0, "");
	failed(&res->token.http, PT_HTTP_CONNECT, "");
	res->auth = PT_AUTH_BACKOFF;
	res->token_requested = false;
	res->backoff = (struct pt_backoff){.kind = PT_BACKOFF_FAILURE,
	                                   .outcome = "connect",
	                                   .ended = PT_HTTP_CONNECT,
	                                   .failures = 2,
	                                   .length = 4,
	                                   .ago = 3,
	                                   .left = 1};
}

/* A cached token due for renewal, used since renewing it failed. */
static void carried(struct pt_probe_result *res)
{
	res->auth = PT_AUTH_CACHED;
	res->carried = true;
	res->token_valid_for = 50;
	res->backoff = (struct pt_backoff){.kind = PT_BACKOFF_FAILURE, .status = 503, .ago = 2};
}

static void json(struct pt_probe_result *res, enum pt_json_lookup lookup, const char *text)
{
	res->njson = 1;
	res->json[0].lookup = lookup;
	res->json[0].why = lookup == PT_JSON_BAD_PATH ? "empty segment" : NULL;
	snprintf(res->json[0].text, sizeof(res->json[0].text), "%s", text);
}

static void json_ok(struct pt_probe_result *res)
{
	json(res, PT_JSON_FOUND, "OK");
}

static void json_down(struct pt_probe_result *res)
{
	json(res, PT_JSON_FOUND, "DOWN");
}

static void json_missing(struct pt_probe_result *res)
{
	json(res, PT_JSON_MISSING, "");
}

static void json_not_json(struct pt_probe_result *res)
{
	json(res, PT_JSON_NOT_JSON, "");
}

static void json_bad_path(struct pt_probe_result *res)
{
	json(res, PT_JSON_BAD_PATH, "");
}

static void json_not_looked(struct pt_probe_result *res)
{
	json(res, PT_JSON_NOT_LOOKED, "");
}

static void certificate(struct pt_probe_result *res, long days)
{
	/* An hour more, so that the whole days left are `days`. */
	res->http.cert_expiry_known = true;
	res->http.cert_expiry = time(NULL) + days * DAY + 3600;
	snprintf(res->http.cert_subject, sizeof(res->http.cert_subject), "api.example");
}

static void cert_90(struct pt_probe_result *res)
{
	certificate(res, 90);
}

static void cert_20(struct pt_probe_result *res)
{
	certificate(res, 20);
}

static void cert_3(struct pt_probe_result *res)
{
	certificate(res, 3);
}

static void cert_unreadable(struct pt_probe_result *res)
{
	(void)res;
}

static void cert_3_and_500(struct pt_probe_result *res)
{
	certificate(res, 3);
	s500(res);
}

#define CREDS   "--client-id demo --client-secret s3cret"
#define HTTPS_C "-u https://h/v3.8/distributor -C 30,7"

static const struct row rows[] = {
    /* connection */
    {"2xx", "", answered, PT_FOUND_2XX, PT_OK, PT_REASON_OK, "HTTP 200 in 0.041 s"},
    {"DNS failure", "", dns, PT_FOUND_DNS, PT_CRITICAL, PT_REASON_DNS,
     "cannot resolve host: api.example"},
    {"connection refused", "", refused, PT_FOUND_CONNECT, PT_CRITICAL, PT_REASON_CONNECT,
     "connection failed: Failed to connect to api.example port 443"},
    {"TLS failure", "", tls, PT_FOUND_TLS, PT_CRITICAL, PT_REASON_TLS,
     "TLS failure: SSL certificate problem: certificate has expired"},
    {"proxy unreachable", "", proxy_unreachable, PT_FOUND_PROXY, PT_CRITICAL, PT_REASON_PROXY,
     "cannot connect to the proxy: Failed to connect to proxy"},
    {"proxy unresolved", "", proxy_unresolved, PT_FOUND_PROXY, PT_CRITICAL, PT_REASON_PROXY,
     "cannot resolve the proxy: squid.example"},
    {"proxy refuses CONNECT", "", proxy_refused, PT_FOUND_PROXY, PT_CRITICAL, PT_REASON_PROXY,
     "proxy refused the request (HTTP 403 Forbidden)"},
    {"proxy answers 407", "", proxy_407, PT_FOUND_PROXY, PT_CRITICAL, PT_REASON_PROXY,
     "proxy refused the request (HTTP 407 Proxy Authentication Required)"},
    {"cut short", "", cut_short, PT_FOUND_BAD_HTTP, PT_CRITICAL, PT_REASON_BAD_RESPONSE,
     "bad HTTP response: Empty reply from server"},
    {"more than 5 redirects", "--follow-redirects", redirect_loop, PT_FOUND_REDIRECTS, PT_CRITICAL,
     PT_REASON_REDIRECT, "more than 5 redirects: Maximum (5) redirects followed"},
    {"internal failure", "", internal, PT_FOUND_INTERNAL, PT_UNKNOWN, PT_REASON_INTERNAL,
     "internal error: Out of memory"},
    {"binding refusal", "", not_sent, PT_FOUND_NOT_SENT, PT_UNKNOWN, PT_REASON_CONFIG,
     "request not sent: 127.0.0.1 is no loopback address here"},
    /* timeouts, with each --timeout-result */
    {"timeout", "", timeout, PT_FOUND_TIMEOUT, PT_CRITICAL, PT_REASON_TIMEOUT,
     "timeout: no answer within the 10 s budget"},
    {"timeout, result ok", "--timeout-result=ok -t 2.5", timeout, PT_FOUND_TIMEOUT, PT_OK,
     PT_REASON_TIMEOUT, "timeout: no answer within the 2.5 s budget"},
    {"timeout, result warning", "--timeout-result=warning", timeout, PT_FOUND_TIMEOUT, PT_WARNING,
     PT_REASON_TIMEOUT, "timeout: no answer within the 10 s budget"},
    {"timeout, result unknown", "--timeout-result=unknown", timeout, PT_FOUND_TIMEOUT, PT_UNKNOWN,
     PT_REASON_TIMEOUT, "timeout: no answer within the 10 s budget"},
    {"timeout, body still arriving", "", body_still_arriving, PT_FOUND_TIMEOUT, PT_CRITICAL,
     PT_REASON_TIMEOUT,
     "timeout: HTTP 200 arrived but the body did not finish within the 10 s budget"},
    {"timeout, only a 1xx came", "", only_103, PT_FOUND_TIMEOUT, PT_CRITICAL, PT_REASON_TIMEOUT,
     "timeout: no answer within the 10 s budget (only an informational HTTP 103 came)"},
    /* http */
    {"3xx not followed", "", moved, PT_FOUND_3XX, PT_WARNING, PT_REASON_REDIRECT,
     "HTTP 301 to https://new.example/v3.8 (use --follow-redirects)"},
    {"400 without credentials", "", s400, PT_FOUND_400_ANONYMOUS, PT_CRITICAL, PT_REASON_AUTH,
     "HTTP 400 with no credentials sent: the API may require them; give --client-id and a "
     "secret"},
    {"401 without credentials", "", s401, PT_FOUND_401_403, PT_CRITICAL, PT_REASON_AUTH,
     "authentication failed: HTTP 401 (no credentials sent: give --client-id and a secret)"},
    {"403 with a token", CREDS, fetched_then_403, PT_FOUND_401_403, PT_CRITICAL, PT_REASON_AUTH,
     "authentication failed: HTTP 403"},
    {"400 with a token", CREDS, fetched_then_400, PT_FOUND_4XX, PT_WARNING, PT_REASON_CLIENT_ERROR,
     "HTTP 400"},
    {"404", "", s404, PT_FOUND_4XX, PT_WARNING, PT_REASON_CLIENT_ERROR,
     "HTTP 404 (check --base-url: it ends in /VERSION/distributor, e.g. "
     "https://HOST/v3.8/distributor)"},
    {"429", "", s429, PT_FOUND_429, PT_WARNING, PT_REASON_RATE_LIMITED,
     "HTTP 429 rate limited (the API answers)"},
    {"5xx", "", s500, PT_FOUND_5XX, PT_CRITICAL, PT_REASON_SERVER_ERROR,
     "HTTP 500: INTERNAL_SERVER_ERROR"},
    {"a final 1xx", "", s101, PT_FOUND_1XX, PT_WARNING, PT_REASON_BAD_RESPONSE, "HTTP 101"},
    {"a status HTTP does not define", "", s999, PT_FOUND_NO_STATUS, PT_CRITICAL,
     PT_REASON_BAD_RESPONSE, "HTTP 999"},
    {"2xx body over the bound", "", huge_200, PT_FOUND_BODY_TOO_LARGE, PT_WARNING,
     PT_REASON_BODY_TOO_LARGE, "HTTP 200 with a body over 1048576 bytes"},
    {"5xx body over the bound", "", huge_503, PT_FOUND_5XX, PT_CRITICAL, PT_REASON_SERVER_ERROR,
     "HTTP 503 with a body over 1048576 bytes"},
    /* token */
    {"token requested", CREDS, fetched, PT_FOUND_TOKEN, PT_OK, PT_REASON_OK, "HTTP 200 in 0.041 s"},
    {"token refused: 401", CREDS, token_401, PT_FOUND_401_403, PT_CRITICAL, PT_REASON_AUTH,
     "authentication failed: token endpoint answered HTTP 401"},
    {"token refused: 400 invalid_client", CREDS, token_invalid_client, PT_FOUND_OAUTH_REFUSAL,
     PT_CRITICAL, PT_REASON_AUTH,
     "authentication failed: token endpoint answered HTTP 400 (invalid_client)"},
    {"token: other 4xx", CREDS, token_invalid_request, PT_FOUND_4XX, PT_WARNING,
     PT_REASON_CLIENT_ERROR, "token endpoint answered HTTP 400 (invalid_request)"},
    {"token: 429", CREDS, token_429, PT_FOUND_429, PT_WARNING, PT_REASON_RATE_LIMITED,
     "token endpoint answered HTTP 429"},
    {"token: 5xx", CREDS, token_503, PT_FOUND_5XX, PT_CRITICAL, PT_REASON_SERVER_ERROR,
     "token endpoint answered HTTP 503"},
    {"token: 3xx", CREDS, token_302, PT_FOUND_3XX, PT_WARNING, PT_REASON_REDIRECT,
     "token endpoint answered HTTP 302 to https://idp.example/t: point --token-url at it"},
    {"token: 2xx not JSON", CREDS, token_not_json, PT_FOUND_TOKEN_UNUSABLE, PT_CRITICAL,
     PT_REASON_BAD_RESPONSE,
     "token endpoint answered HTTP 200 but token response is not a JSON object"},
    {"token: 2xx over the bound", CREDS, token_too_large, PT_FOUND_TOKEN_UNUSABLE, PT_CRITICAL,
     PT_REASON_BAD_RESPONSE,
     "token endpoint answered HTTP 200 but the response is over 1048576 bytes; no token "
     "obtained"},
    {"token: a redirect lost the POST", CREDS, token_post_lost, PT_FOUND_TOKEN_REDIRECTED,
     PT_WARNING, PT_REASON_REDIRECT,
     "token endpoint answered HTTP 405 after a redirect to https://idp.example/token that turned "
     "the POST into a GET: point --token-url at https://idp.example/token"},
    {"token: no connection", CREDS, token_no_connection, PT_FOUND_CONNECT, PT_CRITICAL,
     PT_REASON_CONNECT,
     "connection failed (token request): Failed to connect to idp.example port 443"},
    {"token: timeout", CREDS " --timeout-result=unknown", token_timeout, PT_FOUND_TIMEOUT,
     PT_UNKNOWN, PT_REASON_TIMEOUT, "timeout: no answer within the 10 s budget (token request)"},
    {"token: another run's request still under way", CREDS, token_holder_busy, PT_FOUND_TIMEOUT,
     PT_CRITICAL, PT_REASON_TIMEOUT,
     "timeout: another run's token request has not finished after 2.5 s; no second one was sent "
     "(token request)"},
    {"remembered refusal", CREDS, remembered_refusal, PT_FOUND_401_403, PT_CRITICAL, PT_REASON_AUTH,
     "remembered refusal from 12 s ago: authentication failed: token endpoint answered HTTP 401; "
     "next token request in 12 s (default back-off of 24 s)"},
    {"remembered failure", CREDS, remembered_failure, PT_FOUND_CONNECT, PT_CRITICAL,
     PT_REASON_CONNECT,
     "remembered failure from 3 s ago: connection failed (token request); next token request in "
     "1 s (back-off of 4 s after 2 failures in a row)"},
    {"carried token", CREDS, carried, PT_FOUND_TOKEN, PT_OK, PT_REASON_OK, "HTTP 200 in 0.041 s"},
    /* --expect-json */
    {"json met", "--expect-json status=OK", json_ok, PT_FOUND_JSON_MET, PT_OK, PT_REASON_OK,
     "HTTP 200 in 0.041 s"},
    {"json not met", "--expect-json status=OK", json_down, PT_FOUND_JSON_NOT_MET, PT_CRITICAL,
     PT_REASON_JSON, "HTTP 200 but status is DOWN, not one of the --expect-json values"},
    {"json missing", "--expect-json status=OK", json_missing, PT_FOUND_JSON_NOT_MET, PT_CRITICAL,
     PT_REASON_JSON, "HTTP 200 but status is missing from the body"},
    {"body not JSON", "--expect-json status=OK", json_not_json, PT_FOUND_JSON_NOT_MET, PT_CRITICAL,
     PT_REASON_JSON, "HTTP 200 but the body is not JSON (--expect-json)"},
    {"json bad path", "--expect-json status=OK", json_bad_path, PT_FOUND_JSON_BAD_PATH, PT_UNKNOWN,
     PT_REASON_CONFIG, "bad --expect-json path status: empty segment"},
    {"json not looked up", "--expect-json status=OK", json_not_looked, PT_FOUND_JSON_NOT_LOOKED,
     PT_UNKNOWN, PT_REASON_INTERNAL, "HTTP 200 but status was not looked up"},
    /* -w / -c */
    {"latency ok", "-w 0.5 -c 1", answered, PT_FOUND_LATENCY_OK, PT_OK, PT_REASON_OK,
     "HTTP 200 in 0.041 s"},
    {"latency warning", "-w 0.5 -c 1", slow, PT_FOUND_LATENCY_WARNING, PT_WARNING,
     PT_REASON_LATENCY, "HTTP 200 in 0.700 s (warning range 0.5)"},
    {"latency critical", "-w 0.5 -c 1", slower, PT_FOUND_LATENCY_CRITICAL, PT_CRITICAL,
     PT_REASON_LATENCY, "HTTP 200 in 1.200 s (critical range 1)"},
    /* --certificate */
    {"certificate ok", HTTPS_C, cert_90, PT_FOUND_CERT_OK, PT_OK, PT_REASON_OK,
     "HTTP 200 in 0.041 s"},
    {"certificate warning", HTTPS_C, cert_20, PT_FOUND_CERT_WARNING, PT_WARNING,
     PT_REASON_CERTIFICATE,
     "certificate expires in 20 days (warning below 30): CN \"api.example\""},
    {"certificate critical", HTTPS_C, cert_3, PT_FOUND_CERT_CRITICAL, PT_CRITICAL,
     PT_REASON_CERTIFICATE, "certificate expires in 3 days (critical below 7): CN \"api.example\""},
    {"certificate unreadable", HTTPS_C, cert_unreadable, PT_FOUND_CERT_UNREADABLE, PT_UNKNOWN,
     PT_REASON_CERTIFICATE, "cannot read the server certificate's expiry date"},
    /* the worst wins; the first line names every subcheck at that state */
    {"5xx and a certificate", HTTPS_C, cert_3_and_500, PT_FOUND_5XX, PT_CRITICAL,
     PT_REASON_SERVER_ERROR,
     "HTTP 500: INTERNAL_SERVER_ERROR; certificate expires in 3 days (critical below 7): CN "
     "\"api.example\""},
};

/* Parses "-u http://h/v3.8/distributor" and the row's options. */
static void configure(const struct row *r, struct pt_config *cfg, char *buf, size_t len)
{
	char *argv[32] = {"check_prioticket_ping", "-u", "http://h/v3.8/distributor"};
	int argc = 3;
	struct pt_buf err = {0};

	snprintf(buf, len, "%s", r->args);
	for (char *w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " ")) {
		argv[argc++] = w;
	}
	pt_config_init(cfg, PT_ENDPOINT_PING);
	if (pt_options_parse(argc, argv, cfg, &err) != PT_OPTIONS_RUN) {
		fail_msg("%s: %s", r->what, pt_buf_str(&err));
	}
	pt_buf_free(&err);
}

static void test_state_table(void **state)
{
	bool covered[PT_FOUND_COUNT] = {false};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct pt_config cfg;
		struct pt_probe_result res;
		struct pt_report report;
		struct pt_verdict v;
		char args[256];

		configure(r, &cfg, args, sizeof(args));
		memset(&res, 0, sizeof(res));
		memset(&report, 0, sizeof(report));
		res.probed = true;
		res.http.outcome = PT_HTTP_RESPONSE;
		res.http.status = 200;
		res.http.t.total = 0.041;
		r->probe(&res);
		pt_judge(&cfg, &res, &report);
		pt_report_finish(&report);
		if (report.state != r->state || report.reason != r->reason ||
		    strcmp(pt_buf_str(&report.summary), r->first_line) != 0) {
			fail_msg("%s: %s (%s) \"%s\"", r->what, pt_state_name(report.state),
			         pt_reason_name(report.reason), pt_buf_str(&report.summary));
		}
		v = pt_verdict_of(r->found, cfg.timeout_state);
		if (v.state != r->state || v.reason != r->reason) {
			fail_msg("%s: the table gives %s (%s)", r->what, pt_state_name(v.state),
			         pt_reason_name(v.reason));
		}
		covered[r->found] = true;
		pt_report_free(&report);
		pt_config_free(&cfg);
	}
	/* Early failures have no probe result: bad arguments. */
	covered[PT_FOUND_BAD_ARGUMENTS] = true;
	assert_int_equal(pt_verdict_of(PT_FOUND_BAD_ARGUMENTS, PT_CRITICAL).state, PT_UNKNOWN);
	assert_int_equal(pt_verdict_of(PT_FOUND_BAD_ARGUMENTS, PT_CRITICAL).reason, PT_REASON_CONFIG);
	/* The passing rows of a subcheck that is not the headline, and the
	 * connection that answered, decide no run: they are OK rows of their
	 * own subchecks. */
	covered[PT_FOUND_ANSWERED] = true;
	assert_int_equal(pt_verdict_of(PT_FOUND_ANSWERED, PT_CRITICAL).state, PT_OK);
	for (int f = 0; f < PT_FOUND_COUNT; f++) {
		if (!covered[f]) {
			fail_msg("finding %d of the state table has no row", f);
		}
	}
}

/* The narrowest range that holds a status decides, whatever the order
 * of the status table. */
static void test_status_findings(void **state)
{
	static const struct {
		long status;
		bool anonymous;
		enum pt_finding want;
	} statuses[] = {
	    {0, false, PT_FOUND_NO_STATUS},      {99, false, PT_FOUND_NO_STATUS},
	    {100, false, PT_FOUND_1XX},          {199, false, PT_FOUND_1XX},
	    {200, false, PT_FOUND_2XX},          {204, true, PT_FOUND_2XX},
	    {299, false, PT_FOUND_2XX},          {300, false, PT_FOUND_3XX},
	    {399, false, PT_FOUND_3XX},          {400, false, PT_FOUND_4XX},
	    {400, true, PT_FOUND_400_ANONYMOUS}, {401, false, PT_FOUND_401_403},
	    {401, true, PT_FOUND_401_403},       {402, false, PT_FOUND_4XX},
	    {403, false, PT_FOUND_401_403},      {404, true, PT_FOUND_4XX},
	    {407, false, PT_FOUND_4XX},          {428, false, PT_FOUND_4XX},
	    {429, true, PT_FOUND_429},           {430, false, PT_FOUND_4XX},
	    {499, false, PT_FOUND_4XX},          {500, false, PT_FOUND_5XX},
	    {599, false, PT_FOUND_5XX},          {600, false, PT_FOUND_NO_STATUS},
	    {-1, false, PT_FOUND_NO_STATUS},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (pt_finding_of_status(statuses[i].status, statuses[i].anonymous) != statuses[i].want) {
			fail_msg("status %ld%s", statuses[i].status,
			         statuses[i].anonymous ? " (anonymous)" : "");
		}
	}
}

/* --help's States paragraph says the status rows of the table in words:
 * each status it names has the state it says, and the words are there. */
static void test_help_says_the_status_rows(void **state)
{
	static const char *const ok = "2xx OK";
	static const char *const warning = "429 and other 4xx WARNING";
	static const char *const critical = "401, 403 (also 400 without credentials) and 5xx CRITICAL";
	static const struct {
		long status;
		bool anonymous;
		enum pt_state want;
		const char *const *words;
	} said[] = {
	    {200, false, PT_OK, &ok},
	    {299, true, PT_OK, &ok},
	    {429, false, PT_WARNING, &warning},
	    {400, false, PT_WARNING, &warning},
	    {404, true, PT_WARNING, &warning},
	    {499, false, PT_WARNING, &warning},
	    {401, false, PT_CRITICAL, &critical},
	    {403, true, PT_CRITICAL, &critical},
	    {400, true, PT_CRITICAL, &critical},
	    {500, false, PT_CRITICAL, &critical},
	    {599, true, PT_CRITICAL, &critical},
	};
	struct pt_buf help = {0};

	(void)state;
	pt_help(&help, PT_ENDPOINT_PING);
	for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++) {
		enum pt_finding f = pt_finding_of_status(said[i].status, said[i].anonymous);

		if (pt_verdict_of(f, PT_CRITICAL).state != said[i].want) {
			fail_msg("status %ld: the table and --help's \"%s\" disagree", said[i].status,
			         *said[i].words);
		}
		if (!strstr(pt_buf_str(&help), *said[i].words)) {
			fail_msg("--help no longer says \"%s\"", *said[i].words);
		}
	}
	pt_buf_free(&help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_table),
	    cmocka_unit_test(test_status_findings),
	    cmocka_unit_test(test_help_says_the_status_rows),
	};

	unsetenv("PRIOTICKET_CLIENT_ID");
	unsetenv("PRIOTICKET_CLIENT_SECRET");
	unsetenv("PRIOTICKET_API_KEY");
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
