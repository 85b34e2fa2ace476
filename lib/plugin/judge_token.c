/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token subcheck: the token endpoint's answer, a remembered refusal
 * or failure, a cached token carried over a failed renewal. */
#include "config.h"

#include "judge.h"
#include "judge_parts.h"

#include <stdio.h>
#include <string.h>

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
static struct pt_subcheck *judge_broken_redirect(const struct pt_config *cfg,
                                                 const struct pt_token_result *t, const char *note,
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

	pt_judge_shown(h->final_url, where, sizeof(where));
	return pt_judge_found(l, cfg, PT_SUBCHECK_TOKEN, "token", PT_FOUND_TOKEN_REDIRECTED,
	                      "token endpoint answered HTTP %ld%s after a redirect%s%s that %s: point "
	                      "--token-url at %s",
	                      h->status, note, where[0] ? " to " : "", where, what,
	                      where[0] ? where : "the URL it redirects to");
}

/* The token endpoint answered but gave no usable token. */
static struct pt_subcheck *judge_refusal(const struct pt_config *cfg,
                                         const struct pt_token_result *t, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_TOKEN;
	long status = t->http.status;
	enum pt_finding f = pt_finding_of_status(status, false);
	char error[PT_SUMMARY_TEXT_MAX + 8] = "";
	char note[PT_SUMMARY_TEXT_MAX + 16] = "";
	char where[PT_SUMMARY_TEXT_MAX + 8] = "";
	struct pt_subcheck *c;

	if (f == PT_FOUND_2XX &&
	    (t->parse == PT_TOKEN_TOO_LARGE || t->http.outcome == PT_HTTP_TOO_LARGE)) {
		return pt_judge_found(l, cfg, k, "token", PT_FOUND_TOKEN_UNUSABLE,
		                      "token endpoint answered HTTP %ld but the response is over %d "
		                      "bytes; no token obtained",
		                      status, PT_MAX_BODY);
	}
	if (f == PT_FOUND_2XX && t->parse == PT_TOKEN_TOO_LONG && t->token.length) {
		return pt_judge_found(l, cfg, k, "token", PT_FOUND_TOKEN_UNUSABLE,
		                      "token endpoint answered HTTP %ld but access_token is %zu "
		                      "characters, over the limit of %d",
		                      status, t->token.length, PT_TOKEN_MAX_CHARS);
	}
	if (f == PT_FOUND_2XX) {
		return pt_judge_found(l, cfg, k, "token", PT_FOUND_TOKEN_UNUSABLE,
		                      "token endpoint answered HTTP %ld but %s", status,
		                      pt_probe_token_status_text(t->parse));
	}
	pt_judge_shown(t->error.error, error, sizeof(error));
	if (error[0]) {
		snprintf(note, sizeof(note), " (%s)", error);
	}
	if (t->http.redirects > 0 && (t->http.method_changed || t->http.cross_origin)) {
		return judge_broken_redirect(cfg, t, note, l);
	}
	if (f != PT_FOUND_401_403 && status >= 400 && status < 500 &&
	    oauth_auth_error(t->error.error)) {
		f = PT_FOUND_OAUTH_REFUSAL;
	}
	if (f == PT_FOUND_401_403 || f == PT_FOUND_OAUTH_REFUSAL) {
		return pt_judge_found(l, cfg, k, "token", f,
		                      "authentication failed: token endpoint answered HTTP %ld%s", status,
		                      note);
	}
	/* An unfollowed redirect: where it points (redacted by http.c). A
	 * token request is best not redirected at all (a 301, 302 or 303 would
	 * turn its POST into a GET), so the advice is the token URL itself. */
	pt_judge_shown(t->http.location, where, sizeof(where));
	if (f == PT_FOUND_3XX) {
		return pt_judge_found(l, cfg, k, "token", f, "token endpoint answered HTTP %ld%s%s%s%s",
		                      status, where[0] ? " to " : "", where,
		                      where[0] ? ": point --token-url at it" : "", note);
	}
	c = pt_judge_found(l, cfg, k, "token", f, "token endpoint answered HTTP %ld%s", status, note);
	if (status == 404) {
		/* The token URL is the base URL's unless --token-url says. */
		pt_subcheck_append_server_text(
		    c, " ", cfg->token_url ? "(check --token-url)" : pt_judge_not_found_hint(cfg));
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
		enum pt_http_outcome ended;
		const char *words;
	} words[] = {
	    {PT_HTTP_TIMEOUT, "no answer in time"},  {PT_HTTP_DNS, "host not resolved"},
	    {PT_HTTP_CONNECT, "connection failed"},  {PT_HTTP_TLS, "TLS failure"},
	    {PT_HTTP_PROTOCOL, "bad HTTP response"},
	};
	char error[80] = "";

	if (b->error[0]) {
		snprintf(error, sizeof(error), ": %s", b->error);
	}
	if (pt_judge_is_2xx(b->status)) {
		snprintf(out, len, "HTTP %ld without a usable token", b->status);
		return;
	}
	if (b->status) {
		snprintf(out, len, "HTTP %ld%s", b->status, error);
		return;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (b->ended == words[i].ended) {
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
		pt_judge_connection(cfg, &res->token.http, " (token request)", l);
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
static void judge_carried(const struct pt_config *cfg, const struct pt_probe_result *res,
                          struct pt_subchecks *l)
{
	const struct pt_backoff *b = &res->backoff;
	char failure[128];

	pt_judge_failure_words(b, failure, sizeof(failure));
	if (res->renewal_tried) {
		pt_judge_found(l, cfg, PT_SUBCHECK_TOKEN, "token", PT_FOUND_TOKEN,
		               "from the cache: renewing it failed (%s); the token is valid for %ld more s",
		               failure, res->token_valid_for);
	} else {
		pt_judge_found(l, cfg, PT_SUBCHECK_TOKEN, "token", PT_FOUND_TOKEN,
		               "from the cache: renewing it failed %ld s ago (%s), next attempt in %ld s; "
		               "the token is valid for %ld more s",
		               b->ago, failure, b->left, res->token_valid_for);
	}
}

/* The token subcheck, and the connection one when the token request was
 * the last request made. Returns NULL when a token is at hand, else why
 * the probe's subchecks are not evaluated. */
const char *pt_judge_token(const struct pt_config *cfg, const struct pt_probe_result *res,
                           struct pt_subchecks *l)
{
	const struct pt_token_result *t = &res->token;

	if (res->auth == PT_AUTH_BACKOFF) {
		judge_backoff(cfg, res, l);
		return res->backoff.kind == PT_BACKOFF_REFUSAL ? "no token (remembered refusal)"
		                                               : "no token (remembered failure)";
	}
	if (res->holder_busy) {
		pt_judge_found(l, cfg, PT_SUBCHECK_CONNECTION, "connection", PT_FOUND_TIMEOUT,
		               "timeout: another run's token request has not finished after %.1f s; no "
		               "second one was sent (token request)",
		               res->waited);
		pt_subcheck_skip(l, PT_SUBCHECK_TOKEN, "token", "the token endpoint did not answer");
		return "no token";
	}
	if (res->token_requested && !t->ok) {
		if (!pt_judge_connection(cfg, &t->http, " (token request)", l)) {
			pt_subcheck_skip(l, PT_SUBCHECK_TOKEN, "token", "the token endpoint did not answer");
			return "no token";
		}
		judge_refusal(cfg, t, l);
		return "no token";
	}
	if (res->retried) {
		pt_judge_found(l, cfg, PT_SUBCHECK_TOKEN, "token", PT_FOUND_TOKEN,
		               "the cached token was refused (HTTP 401); a new one was requested");
	} else if (res->auth == PT_AUTH_CACHED && res->carried) {
		judge_carried(cfg, res, l);
	} else if (res->auth == PT_AUTH_CACHED) {
		pt_judge_found(l, cfg, PT_SUBCHECK_TOKEN, "token", PT_FOUND_TOKEN, "from the cache");
	} else {
		pt_judge_found(l, cfg, PT_SUBCHECK_TOKEN, "token", PT_FOUND_TOKEN, "requested in %.3f s",
		               res->time_auth);
	}
	return NULL;
}
