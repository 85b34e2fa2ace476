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
#include "sanitize.h"
#include "probe/probe.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static bool is_2xx(long status)
{
	return status >= 200 && status < 300;
}

/* The reason an HTTP status gives on its own. */
static enum pt_reason status_reason(long status)
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
	return is_2xx(status) ? PT_REASON_OK : PT_REASON_BAD_RESPONSE;
}

/* Server or user text, made fit for a subcheck's text. */
static void shown(const char *raw, char *out, size_t len)
{
	struct pt_buf b = {0};

	pt_sanitize_append(&b, raw, strlen(raw),
	                   len - 1 < PT_SUMMARY_TEXT_MAX ? len - 1 : PT_SUMMARY_TEXT_MAX);
	snprintf(out, len, "%s", b.failed ? "?" : pt_buf_str(&b));
	pt_buf_free(&b);
}

/* "HTTP/1.1 over TLSv1.3 (TLS_AES_256_GCM_SHA384)" */
static void connection_ok(const struct pt_http_response *h, const char *who, struct pt_subchecks *l)
{
	char version[16] = "HTTP";

	if (pt_probe_http_version_name(h->http_version)) {
		snprintf(version, sizeof(version), "HTTP/%s", pt_probe_http_version_name(h->http_version));
	}
	if (h->tls_version[0]) {
		pt_subcheck_add(l, PT_SUBCHECK_CONNECTION, "connection", PT_OK, PT_REASON_OK,
		                "%s answered, %s over %s (%s)", who, version, h->tls_version,
		                h->tls_cipher[0] ? h->tls_cipher : "cipher unknown");
	} else {
		pt_subcheck_add(l, PT_SUBCHECK_CONNECTION, "connection", PT_OK, PT_REASON_OK,
		                "%s answered, %s", who, version);
	}
}

/* The proxy refused us or could not be reached: never the API's fault,
 * and one outcome for http:// and https:// targets alike. */
static struct pt_subcheck *judge_proxy(const struct pt_http_response *h, const char *where,
                                       struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CONNECTION;
	const char *phrase = pt_probe_reason_phrase(h->proxy_status);
	const char *sep = *phrase ? " " : "";

	switch (h->proxy_failure) {
	case PT_PROXY_REFUSED:
		if (h->proxy_status >= 500) {
			/* A 5xx answer to CONNECT: the proxy could not reach the server. */
			return pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_PROXY,
			                       "proxy could not reach the server (HTTP %ld%s%s)%s",
			                       h->proxy_status, sep, phrase, where);
		}
		if (h->proxy_status) {
			return pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_PROXY,
			                       "proxy refused the request (HTTP %ld%s%s)%s", h->proxy_status,
			                       sep, phrase, where);
		}
		return pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_PROXY,
		                       "proxy refused the request%s", where);
	case PT_PROXY_UNRESOLVED:
		return pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_PROXY,
		                       "cannot resolve the proxy%s", where);
	case PT_PROXY_UNREACHABLE:
		break;
	}
	return pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_PROXY,
	                       "cannot connect to the proxy%s", where);
}

/* libcurl's message without the words that would repeat the subcheck's
 * own ("cannot resolve host: Could not resolve host: NAME"): the name is
 * what is news. */
static const char *news(const char *message, const char *said)
{
	size_t n = strlen(said);

	return strncmp(message, said, n) == 0 ? message + n : message;
}

/* The connection subcheck of one request. where: "" for the probe,
 * " (token request)" for the token request. Returns true when an HTTP
 * answer from the server itself arrived (anything but a proxy's 407). */
static bool judge_connection(const struct pt_config *cfg, const struct pt_http_response *h,
                             const char *where, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CONNECTION;
	const char *message = h->message;
	struct pt_subcheck *c = NULL;

	switch (h->outcome) {
	case PT_HTTP_RESPONSE:
	case PT_HTTP_TOO_LARGE:
		if (h->status == 407) {
			pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_PROXY,
			                "proxy refused the request (HTTP 407 %s)%s",
			                pt_probe_reason_phrase(407), where);
			return false;
		}
		connection_ok(h, *where ? "token endpoint" : "server", l);
		return true;
	case PT_HTTP_TIMEOUT:
		if (h->status) {
			pt_subcheck_add(l, k, "connection", cfg->timeout_state, PT_REASON_TIMEOUT,
			                "timeout: HTTP %ld arrived but the body did not finish within the "
			                "%g s budget%s",
			                h->status, cfg->timeout, where);
		} else if (h->informational) {
			/* A 103 Early Hints (or 100 Continue) is not the answer. */
			pt_subcheck_add(l, k, "connection", cfg->timeout_state, PT_REASON_TIMEOUT,
			                "timeout: no answer within the %g s budget%s (only an informational "
			                "HTTP %d came)",
			                cfg->timeout, where, h->informational);
		} else {
			pt_subcheck_add(l, k, "connection", cfg->timeout_state, PT_REASON_TIMEOUT,
			                "timeout: no answer within the %g s budget%s", cfg->timeout, where);
		}
		return false;
	case PT_HTTP_DNS:
		c = pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_DNS, "cannot resolve host%s",
		                    where);
		message = news(message, "Could not resolve host: ");
		break;
	case PT_HTTP_CONNECT:
		c = pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_CONNECT,
		                    "connection failed%s", where);
		break;
	case PT_HTTP_TLS:
		c = pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_TLS, "TLS failure%s", where);
		break;
	case PT_HTTP_PROXY:
		c = judge_proxy(h, where, l);
		if (h->proxy_failure == PT_PROXY_UNRESOLVED) {
			message = news(message, "Could not resolve proxy: ");
		}
		break;
	case PT_HTTP_PROTOCOL:
		c = pt_subcheck_add(l, k, "connection", PT_CRITICAL, PT_REASON_BAD_RESPONSE,
		                    "bad HTTP response%s", where);
		break;
	case PT_HTTP_INTERNAL:
		c = pt_subcheck_add(l, k, "connection", PT_UNKNOWN, PT_REASON_INTERNAL, "internal error%s",
		                    where);
		break;
	case PT_HTTP_REFUSED:
		/* A secret would have gone where it may not: the configuration's
		 * fault, whatever the API does. */
		c = pt_subcheck_add(l, k, "connection", PT_UNKNOWN, PT_REASON_CONFIG, "request not sent%s",
		                    where);
		break;
	}
	pt_subcheck_append_server_text(c, ": ", message);
	return false;
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

/* A token request that a followed redirect broke: libcurl turned the
 * POST into a GET (RFC 9110 lets a client do so on 301, 302 and 303),
 * or the last hop went to another origin, where libcurl sends no client
 * credentials (and must not: CURLOPT_UNRESTRICTED_AUTH would hand the
 * secret to whatever host a Location names). The answer that came back
 * says nothing of the credentials; the way out is a token URL that needs
 * no redirect. */
static struct pt_subcheck *judge_broken_redirect(const struct pt_token_result *t, const char *note,
                                                 struct pt_subchecks *l)
{
	const struct pt_http_response *h = &t->http;
	char where[PT_SUMMARY_TEXT_MAX + 8] = "";
	const char *what = h->method_changed && h->cross_origin
	                       ? "turned the POST into a GET and went to another origin, where the "
	                         "client credentials are not sent"
	                   : h->method_changed ? "turned the POST into a GET"
	                                       : "went to another origin, where the client "
	                                         "credentials are not sent";

	shown(h->final_url, where, sizeof(where));
	return pt_subcheck_add(l, PT_SUBCHECK_TOKEN, "token", PT_WARNING, PT_REASON_REDIRECT,
	                       "token endpoint answered HTTP %ld%s after a redirect%s%s that %s: point "
	                       "--token-url at %s",
	                       h->status, note, where[0] ? " to " : "", where, what,
	                       where[0] ? where : "the URL it redirects to");
}

/* A 404 from an API with two fixed paths: the base URL is wrong. Most
 * often it is the whole URL of an endpoint, which the plugin would
 * extend once more. */
static const char *not_found_hint(const struct pt_config *cfg)
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

/* The token endpoint answered but gave no usable token. */
static struct pt_subcheck *judge_refusal(const struct pt_config *cfg,
                                         const struct pt_token_result *t, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_TOKEN;
	long status = t->http.status;
	char error[PT_SUMMARY_TEXT_MAX + 8] = "";
	char note[PT_SUMMARY_TEXT_MAX + 16] = "";
	char where[PT_SUMMARY_TEXT_MAX + 8] = "";
	struct pt_subcheck *c;

	if (is_2xx(status) &&
	    (t->parse == PT_TOKEN_TOO_LARGE || t->http.outcome == PT_HTTP_TOO_LARGE)) {
		return pt_subcheck_add(l, k, "token", PT_CRITICAL, PT_REASON_BAD_RESPONSE,
		                       "token endpoint answered HTTP %ld but the response is over %d "
		                       "bytes; no token obtained",
		                       status, PT_MAX_BODY);
	}
	if (is_2xx(status) && t->parse == PT_TOKEN_TOO_LONG && t->token.length) {
		return pt_subcheck_add(l, k, "token", PT_CRITICAL, PT_REASON_BAD_RESPONSE,
		                       "token endpoint answered HTTP %ld but access_token is %zu "
		                       "characters, over the limit of %d",
		                       status, t->token.length, PT_TOKEN_MAX_CHARS);
	}
	if (is_2xx(status)) {
		return pt_subcheck_add(l, k, "token", PT_CRITICAL, PT_REASON_BAD_RESPONSE,
		                       "token endpoint answered HTTP %ld but %s", status,
		                       pt_probe_token_status_text(t->parse));
	}
	shown(t->error.error, error, sizeof(error));
	if (error[0]) {
		snprintf(note, sizeof(note), " (%s)", error);
	}
	if (t->http.redirects > 0 && (t->http.method_changed || t->http.cross_origin)) {
		return judge_broken_redirect(t, note, l);
	}
	if (pt_http_is_auth_failure(status) ||
	    (status >= 400 && status < 500 && oauth_auth_error(t->error.error))) {
		return pt_subcheck_add(l, k, "token", PT_CRITICAL, PT_REASON_AUTH,
		                       "authentication failed: token endpoint answered HTTP %ld%s", status,
		                       note);
	}
	/* An unfollowed redirect: where it points (redacted by http.c). A
	 * token request is best not redirected at all (a 301, 302 or 303 would
	 * turn its POST into a GET), so the advice is the token URL itself. */
	shown(t->http.location, where, sizeof(where));
	if (status >= 300 && status < 400) {
		return pt_subcheck_add(l, k, "token", PT_WARNING, PT_REASON_REDIRECT,
		                       "token endpoint answered HTTP %ld%s%s%s%s", status,
		                       where[0] ? " to " : "", where,
		                       where[0] ? ": point --token-url at it" : "", note);
	}
	c = pt_subcheck_add(l, k, "token", pt_state_for_http(status), status_reason(status),
	                    "token endpoint answered HTTP %ld%s", status, note);
	if (status == 404) {
		/* The token URL is the base URL's unless --token-url says. */
		pt_subcheck_append_server_text(
		    c, " ", cfg->token_url ? "(check --token-url)" : not_found_hint(cfg));
	}
	return c;
}

static struct pt_subcheck *find_subcheck(struct pt_subchecks *l, enum pt_subcheck_kind kind)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].kind == kind) {
			return &l->items[i];
		}
	}
	return NULL;
}

/* How a remembered failure ended, in a few words. */
void pt_judge_failure_words(const struct pt_backoff *b, char *out, size_t len)
{
	static const struct {
		const char *outcome;
		const char *words;
	} words[] = {
	    {"timeout", "no answer in time"},  {"dns", "host not resolved"},
	    {"connect", "connection failed"},  {"tls", "TLS failure"},
	    {"protocol", "bad HTTP response"},
	};
	char error[80] = "";

	if (b->error[0]) {
		snprintf(error, sizeof(error), ": %s", b->error);
	}
	if (b->status >= 200 && b->status < 300) {
		snprintf(out, len, "HTTP %ld without a usable token", b->status);
		return;
	}
	if (b->status) {
		snprintf(out, len, "HTTP %ld%s", b->status, error);
		return;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(b->outcome, words[i].outcome) == 0) {
			snprintf(out, len, "%s", words[i].words);
			return;
		}
	}
	snprintf(out, len, "no usable answer");
}

/* Which back-off applies, for the first line: "(Retry-After of 60 s)". */
void pt_judge_backoff_why(const struct pt_backoff *b, char *out, size_t len)
{
	if (b->retry_after) {
		snprintf(out, len, "Retry-After of %ld s", b->length);
	} else if (b->kind == PT_BACKOFF_REFUSAL || b->status == 429) {
		snprintf(out, len, "default back-off of %ld s", b->length);
	} else {
		snprintf(out, len, "back-off of %ld s after %d failure%s in a row", b->length, b->failures,
		         b->failures == 1 ? "" : "s");
	}
}

/* A remembered failure is judged as it was, and the first line says that
 * it is remembered (the API was not asked), how long ago, and when the
 * next token request may go out. */
static void judge_backoff(const struct pt_config *cfg, const struct pt_probe_result *res,
                          struct pt_subchecks *l)
{
	const struct pt_backoff *b = &res->backoff;
	const char *what = b->kind == PT_BACKOFF_REFUSAL ? "refusal" : "failure";
	struct pt_subcheck *c;
	char head[96];
	char why[96];
	char text[160];

	if (b->status) {
		pt_subcheck_skip(l, PT_SUBCHECK_CONNECTION, "connection",
		                 "no request sent: a recent %s is remembered", what);
		c = judge_refusal(cfg, &res->token, l);
	} else {
		judge_connection(cfg, &res->token.http, " (token request)", l);
		c = find_subcheck(l, PT_SUBCHECK_CONNECTION);
		pt_subcheck_skip(l, PT_SUBCHECK_TOKEN, "token", "the token endpoint did not answer");
	}
	snprintf(head, sizeof(head), "remembered %s from %ld s ago: ", what, b->ago);
	pt_subcheck_prefix_text(c, head);
	pt_judge_backoff_why(b, why, sizeof(why));
	snprintf(text, sizeof(text), "next token request in %ld s (%s)", b->left, why);
	pt_subcheck_append_server_text(c, "; ", text);
}

/* A cached token still in use although it is due for renewal, because
 * renewing it failed: OK (the token works), and the text says so. */
static void judge_carried(const struct pt_probe_result *res, struct pt_subchecks *l)
{
	const struct pt_backoff *b = &res->backoff;
	char failure[128];

	pt_judge_failure_words(b, failure, sizeof(failure));
	if (res->renewal_tried) {
		pt_subcheck_add(l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK,
		                "from the cache: renewing it failed (%s); the token is valid for %ld "
		                "more s",
		                failure, res->token_valid_for);
	} else {
		pt_subcheck_add(l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK,
		                "from the cache: renewing it failed %ld s ago (%s), next attempt in %ld "
		                "s; the token is valid for %ld more s",
		                b->ago, failure, b->left, res->token_valid_for);
	}
}

/* The token subcheck, and the connection one when the token request was
 * the last request made. Returns NULL when a token is at hand, else why
 * the probe's subchecks are not evaluated. */
static const char *judge_token(const struct pt_config *cfg, const struct pt_probe_result *res,
                               struct pt_subchecks *l)
{
	const struct pt_token_result *t = &res->token;

	if (res->auth == PT_AUTH_BACKOFF) {
		judge_backoff(cfg, res, l);
		return res->backoff.kind == PT_BACKOFF_REFUSAL ? "no token (remembered refusal)"
		                                               : "no token (remembered failure)";
	}
	if (res->holder_busy) {
		pt_subcheck_add(l, PT_SUBCHECK_CONNECTION, "connection", cfg->timeout_state,
		                PT_REASON_TIMEOUT,
		                "timeout: another run's token request has not finished after %.1f s; "
		                "no second one was sent (token request)",
		                res->waited);
		pt_subcheck_skip(l, PT_SUBCHECK_TOKEN, "token", "the token endpoint did not answer");
		return "no token";
	}
	if (res->token_requested && !t->ok) {
		if (!judge_connection(cfg, &t->http, " (token request)", l)) {
			pt_subcheck_skip(l, PT_SUBCHECK_TOKEN, "token", "the token endpoint did not answer");
			return "no token";
		}
		judge_refusal(cfg, t, l);
		return "no token";
	}
	if (res->retried) {
		pt_subcheck_add(l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK,
		                "the cached token was refused (HTTP 401); a new one was requested");
	} else if (res->auth == PT_AUTH_CACHED && res->carried) {
		judge_carried(res, l);
	} else if (res->auth == PT_AUTH_CACHED) {
		pt_subcheck_add(l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK, "from the cache");
	} else {
		pt_subcheck_add(l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK, "requested in %.3f s",
		                res->time_auth);
	}
	return NULL;
}

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
	shown(h->location, where, sizeof(where));
	shown(res->error.error, error, sizeof(error));
	pt_subcheck_add(l, PT_SUBCHECK_HTTP, "http", PT_WARNING, PT_REASON_REDIRECT,
	                "HTTP %ld%s%s%s%s%s", h->status, where[0] ? " to " : "", where,
	                cfg->follow_redirects ? "" : " (use --follow-redirects)", error[0] ? ": " : "",
	                error);
}

static void judge_status(const struct pt_config *cfg, const struct pt_probe_result *res,
                         struct pt_subchecks *l)
{
	const struct pt_http_response *h = &res->http;
	const enum pt_subcheck_kind k = PT_SUBCHECK_HTTP;
	long status = h->status;
	struct pt_subcheck *c;

	if (h->outcome == PT_HTTP_TOO_LARGE) {
		pt_subcheck_add(l, k, "http", pt_state_max_alt(PT_WARNING, pt_state_for_http(status)),
		                is_2xx(status) ? PT_REASON_BODY_TOO_LARGE : status_reason(status),
		                "HTTP %ld with a body over %d bytes", status, PT_MAX_BODY);
		return;
	}
	if (is_2xx(status)) {
		pt_subcheck_add(l, k, "http", PT_OK, PT_REASON_OK, "HTTP %ld in %.3f s", status,
		                h->t.total);
		return;
	}
	if (res->auth == PT_AUTH_ANONYMOUS && status == 400) {
		/* Prioticket answers a request without an Authorization header
		 * with 400, not 401 (its OAuth2 documentation): to a probe sent
		 * anonymously, this 400 is the 401 below. */
		pt_subcheck_add(l, k, "http", PT_CRITICAL, PT_REASON_AUTH,
		                "HTTP 400 with no credentials sent: the API may require them; give "
		                "--client-id and a secret");
		return;
	}
	if (pt_http_is_auth_failure(status)) {
		c = pt_subcheck_add(l, k, "http", PT_CRITICAL, PT_REASON_AUTH,
		                    "authentication failed: HTTP %ld", status);
	} else if (status == 429) {
		c = pt_subcheck_add(l, k, "http", PT_WARNING, PT_REASON_RATE_LIMITED,
		                    "HTTP 429 rate limited (the API answers)");
	} else if (status >= 300 && status < 400) {
		judge_redirect(cfg, res, l);
		return;
	} else {
		c = pt_subcheck_add(l, k, "http", pt_state_for_http(status), status_reason(status),
		                    "HTTP %ld", status);
	}
	pt_subcheck_append_server_text(c, ": ", res->error.error);
	if (pt_http_is_auth_failure(status) && res->auth == PT_AUTH_ANONYMOUS) {
		pt_subcheck_append_server_text(c, " ",
		                               "(no credentials sent: give --client-id and a secret)");
	} else if (status == 404) {
		pt_subcheck_append_server_text(c, " ", not_found_hint(cfg));
	}
}

static void judge_latency(const struct pt_config *cfg, const struct pt_http_response *h,
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
		pt_subcheck_add(l, k, "latency", PT_CRITICAL, PT_REASON_LATENCY,
		                "HTTP %ld in %.3f s (critical range %s)", h->status, h->t.total, crit);
	} else if (pt_range_alert(&cfg->warning, h->t.total)) {
		pt_subcheck_add(l, k, "latency", PT_WARNING, PT_REASON_LATENCY,
		                "HTTP %ld in %.3f s (warning range %s)", h->status, h->t.total, warn);
	} else {
		pt_subcheck_add(l, k, "latency", PT_OK, PT_REASON_OK,
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
static void judge_expectation(const struct pt_expect *e, const struct pt_json_value *v, long status,
                              struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_JSON;
	char name[PT_SUBCHECK_NAME_MAX];
	char path[PT_SUMMARY_TEXT_MAX + 8];
	char value[PT_SUMMARY_TEXT_MAX + 8];

	snprintf(name, sizeof(name), "json:%s", e->path);
	shown(e->path, path, sizeof(path));
	switch (v->lookup) {
	case PT_JSON_BAD_PATH:
		pt_subcheck_add(l, k, name, PT_UNKNOWN, PT_REASON_CONFIG, "bad --expect-json path %s: %s",
		                path, v->why ? v->why : "invalid");
		break;
	case PT_JSON_NOT_LOOKED:
		pt_subcheck_add(l, k, name, PT_UNKNOWN, PT_REASON_INTERNAL,
		                "HTTP %ld but %s was not looked up", status, path);
		break;
	case PT_JSON_NOT_JSON:
		pt_subcheck_add(l, k, name, PT_CRITICAL, PT_REASON_JSON,
		                "HTTP %ld but the body is not JSON (--expect-json)", status);
		break;
	case PT_JSON_MISSING:
		pt_subcheck_add(l, k, name, PT_CRITICAL, PT_REASON_JSON,
		                "HTTP %ld but %s is missing from the body", status, path);
		break;
	case PT_JSON_FOUND:
		shown(v->text, value, sizeof(value));
		if (expect_matches(e, v->text)) {
			pt_subcheck_add(l, k, name, PT_OK, PT_REASON_OK, "%s is %s", path, value);
		} else {
			pt_subcheck_add(l, k, name, PT_CRITICAL, PT_REASON_JSON,
			                "HTTP %ld but %s is %s, not one of the --expect-json values", status,
			                path, value);
		}
		break;
	}
}

static void judge_expectations(const struct pt_config *cfg, const struct pt_probe_result *res,
                               struct pt_subchecks *l)
{
	static const struct pt_json_value none = {PT_JSON_NOT_LOOKED, NULL, ""};

	for (size_t i = 0; i < cfg->nexpects; i++) {
		judge_expectation(&cfg->expects[i], i < res->njson ? &res->json[i] : &none,
		                  res->http.status, l);
	}
}

long pt_cert_days_left(const struct pt_http_response *h)
{
	double left = difftime(h->cert_expiry, time(NULL));

	return (long)(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
}

/* --certificate: the earliest expiry of the verified chain, the trust
 * anchor included (certinfo.c says why). */
static void judge_certificate(const struct pt_config *cfg, const struct pt_http_response *h,
                              struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CERTIFICATE;
	char cn[PT_SUMMARY_TEXT_MAX + 8];
	char which[192];
	long days;

	if (!h->cert_expiry_known) {
		if (h->outcome == PT_HTTP_RESPONSE || h->outcome == PT_HTTP_TOO_LARGE) {
			pt_subcheck_add(l, k, "certificate", PT_UNKNOWN, PT_REASON_CERTIFICATE,
			                "cannot read the server certificate's expiry date");
		} else {
			pt_subcheck_skip(l, k, "certificate", "no server certificate was received");
		}
		return;
	}
	shown(h->cert_subject, cn, sizeof(cn));
	if (h->cert_index > 0) {
		snprintf(which, sizeof(which), "CN \"%s\", %d of %d in the chain%s", cn[0] ? cn : "?",
		         h->cert_index + 1, h->cert_count, h->cert_anchor ? " (the trust anchor)" : "");
	} else {
		snprintf(which, sizeof(which), "CN \"%s\"", cn[0] ? cn : "?");
	}
	days = pt_cert_days_left(h);
	if (days < cfg->cert_crit_days) {
		pt_subcheck_add(l, k, "certificate", PT_CRITICAL, PT_REASON_CERTIFICATE,
		                "certificate expires in %ld days (critical below %ld): %s", days,
		                cfg->cert_crit_days, which);
	} else if (days < cfg->cert_warn_days) {
		pt_subcheck_add(l, k, "certificate", PT_WARNING, PT_REASON_CERTIFICATE,
		                "certificate expires in %ld days (warning below %ld): %s", days,
		                cfg->cert_warn_days, which);
	} else {
		pt_subcheck_add(l, k, "certificate", PT_OK, PT_REASON_OK,
		                "certificate expires in %ld days: %s", days, which);
	}
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

	if (!judge_connection(cfg, h, "", l)) {
		pt_subcheck_skip(l, PT_SUBCHECK_HTTP, "http", "no HTTP response from the API");
		skip_body_checks(cfg, "no HTTP response from the API", l);
	} else {
		judge_status(cfg, res, l);
		if (h->outcome == PT_HTTP_RESPONSE && is_2xx(h->status)) {
			judge_latency(cfg, h, l);
			judge_expectations(cfg, res, l);
		} else {
			snprintf(why, sizeof(why), "HTTP %ld is no complete success answer", h->status);
			skip_body_checks(cfg, why, l);
		}
	}
	if (cfg->cert_check) {
		judge_certificate(cfg, h, l);
	}
}

void pt_judge(const struct pt_config *cfg, const struct pt_probe_result *res, struct pt_report *r)
{
	struct pt_subchecks *l = &r->checks;
	const char *no_probe = NULL;

	if (res->auth != PT_AUTH_ANONYMOUS) {
		no_probe = judge_token(cfg, res, l);
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
