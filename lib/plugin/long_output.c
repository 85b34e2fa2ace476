/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The long output's detail lines: the URL, the status, where the token
 * came from and why, the API's error, the timings; more with -v. */
#include "config.h"

#include "long_output.h"
#include "judge.h"
#include "phase_names.h"
#include "util/redact.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void timing_line(struct pt_report *r, const char *what, const struct pt_timings *t)
{
	char line[512];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "%s timings: total %.6f s", what, t->total);
	for (int i = 0; i < PT_PHASE_COUNT && n < sizeof(line); i++) {
		if (t->reached[i]) {
			n += (size_t)snprintf(line + n, sizeof(line) - n, ", %s %.6f s", pt_phase_name(i),
			                      t->phase[i]);
		}
	}
	if (t->redirect > 0 && n < sizeof(line)) {
		snprintf(line + n, sizeof(line) - n, " (processing includes %.6f s of redirects)",
		         t->redirect);
	}
	pt_report_line(r, "%s", line);
}

static bool plain_http(const struct pt_buf *url)
{
	return strncasecmp(pt_buf_str(url), "http://", 7) == 0;
}

static const char *tls_text(const struct pt_config *cfg, const struct pt_buf *url)
{
	return plain_http(url) ? "none, plain HTTP"
	       : cfg->insecure ? "off (--insecure)"
	       : cfg->ca_file  ? cfg->ca_file
	       : cfg->ca_path  ? cfg->ca_path
	                       : "on, system trust store";
}

/* What each request had: a plain http:// one had no TLS at all, whatever
 * the options say. */
static void tls_line(const struct pt_config *cfg, const struct pt_target *t, struct pt_report *r)
{
	bool token = cfg->client_id && t->token.len;

	if (!token || plain_http(&t->probe) == plain_http(&t->token)) {
		pt_report_line(r, "TLS verification: %s", tls_text(cfg, &t->probe));
		return;
	}
	pt_report_line(r, "TLS verification: probe %s; token request %s", tls_text(cfg, &t->probe),
	               tls_text(cfg, &t->token));
}

/* Which proxy the requests went through: a refusal or a slow answer may
 * be the proxy's doing. The URL comes redacted from the probe layer. */
static void proxy_line(const struct pt_probe_result *res, struct pt_report *r)
{
	const struct pt_http_response *h = res->probed ? &res->http : &res->token.http;

	if (!h->via_proxy && res->token_requested && res->token.http.via_proxy) {
		h = &res->token.http;
	}
	if (h->via_proxy) {
		pt_report_line(r, "Proxy: %s (from %s)", h->proxy,
		               h->proxy_from[0] ? h->proxy_from : "--proxy");
	}
}

/* HTTP version, TLS version and cipher the probe's connection used. */
static void connection_lines(const struct pt_http_response *h, struct pt_report *r)
{
	if (pt_probe_http_version_name(h->http_version)) {
		pt_report_line(r, "HTTP version: %s", pt_probe_http_version_name(h->http_version));
	}
	if (h->tls_version[0]) {
		pt_report_line(r, "TLS: %s, cipher %s", h->tls_version,
		               h->tls_cipher[0] ? h->tls_cipher : "unknown");
	}
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

/* What the API said about a failure: the token endpoint's error body,
 * or the probe's (its raw body when it is no Prioticket error). */
static void api_error_lines(const struct pt_config *cfg, const struct pt_probe_result *res,
                            struct pt_report *r)
{
	const struct pt_http_response *h = &res->http;

	if (res->auth == PT_AUTH_BACKOFF || (res->token_requested && !res->token.ok)) {
		const struct pt_token_result *t = &res->token;

		error_lines(r, &t->error);
		/* What a standard OAuth2 server says to Prioticket's JSON body. */
		if (t->http.status == 400 && !cfg->token_body_form &&
		    (strcmp(t->error.error, "unsupported_grant_type") == 0 ||
		     strcmp(t->error.error, "invalid_request") == 0)) {
			pt_report_line(r, "Hint: a token endpoint that follows RFC 6749 wants a form body "
			                  "(--token-body form)");
		}
		return;
	}
	if (!res->probed || h->outcome != PT_HTTP_RESPONSE ||
	    pt_finding_of_status(h->status, false) == PT_FOUND_2XX) {
		return;
	}
	error_lines(r, &res->error);
	/* -vvv prints the body anyway. */
	if (!res->error.found && h->body.len && cfg->verbose < 3) {
		pt_report_server_line(r, "Body", h->body.data, h->body.len);
	}
}

/* Why a remembered failure holds the token requests back, and for how
 * long: the state it gives comes from memory, not from the API. */
static void backoff_line(const struct pt_probe_result *res, struct pt_report *r)
{
	const struct pt_backoff *b = &res->backoff;
	char failure[128];
	char why[96];

	pt_judge_failure_words(b, failure, sizeof(failure));
	pt_judge_backoff_why(b, why, sizeof(why));
	if (b->retry_after) {
		pt_report_line(r,
		               "Back-off: the token endpoint answered %s %ld s ago and asked for a "
		               "pause (%s, kept within %d to %d s); next token request in %ld s",
		               failure, b->ago, why, PT_CACHE_RETRY_AFTER_MIN, PT_CACHE_RETRY_AFTER_MAX,
		               b->left);
	} else if (b->kind == PT_BACKOFF_REFUSAL || b->status == 429) {
		pt_report_line(r,
		               "Back-off: the token endpoint refused the request %ld s ago (%s); next "
		               "token request in %ld s (%s: the API blocks an address for a minute after "
		               "%d 4xx answers a minute, and %d credential sets behind one address then "
		               "use at most %d %% of that)",
		               b->ago, failure, b->left, why, PT_API_4XX_PER_MINUTE,
		               PT_CACHE_REFUSAL_SHARERS, PT_CACHE_REFUSAL_SHARE_PERCENT);
	} else {
		pt_report_line(r,
		               "Back-off: the token request failed %ld s ago (%s); next token request "
		               "in %ld s (%s; the back-off starts at %d s and doubles up to %d s while "
		               "the failures go on, so a failing endpoint gets one request at a time)",
		               b->ago, failure, b->left, why, PT_CACHE_FAILURE_FIRST_SECONDS,
		               PT_CACHE_FAILURE_MAX_SECONDS);
	}
}

/* A cached token used past its renewal time, because renewing it failed. */
static void carried_line(const struct pt_probe_result *res, struct pt_report *r)
{
	char failure[128];

	pt_judge_failure_words(&res->backoff, failure, sizeof(failure));
	pt_report_line(r,
	               "Token: renewing the cached token failed (%s)%s; the cached token is used "
	               "until it expires in %ld s, after which the failure shows",
	               failure, res->renewal_tried ? " in this run" : ", remembered",
	               res->token_valid_for);
	if (!res->renewal_tried) {
		backoff_line(res, r);
	}
}

/* What expires_in said, when it was not a plain lifetime. */
static void lifetime_line(const struct pt_probe_result *res, struct pt_report *r)
{
	if (!res->token_requested || !res->token.ok || res->auth != PT_AUTH_FETCHED) {
		return;
	}
	switch (res->token.token.lifetime) {
	case PT_LIFETIME_GIVEN:
		break;
	case PT_LIFETIME_ABSENT:
		pt_report_line(r, "Token: no expires_in; a lifetime of %d s is assumed",
		               PT_CACHE_DEFAULT_LIFETIME);
		break;
	case PT_LIFETIME_NOT_NUMBER:
		pt_report_line(r,
		               "Token: expires_in is not a number of seconds; a lifetime of %d s is "
		               "assumed",
		               PT_CACHE_DEFAULT_LIFETIME);
		break;
	case PT_LIFETIME_TOO_SHORT:
		pt_report_line(r, "Token: expires_in is under one second; the token is used for this "
		                  "run only, not cached");
		break;
	}
}

/* A URL as shown anywhere: without userinfo and query values. */
static const char *redacted(const struct pt_buf *url, struct pt_buf *out)
{
	pt_buf_free(out);
	return pt_redact_url(out, pt_buf_str(url), url->len) ? pt_buf_str(out) : "?";
}

/* -w 2 -c 1 is accepted, as check_curl and check_http accept it, and
 * judged as given; but WARNING can never come of it, which is worth a
 * line where the state is not changed by it. */
static void threshold_note(const struct pt_config *cfg, struct pt_report *r)
{
	char warn[PT_RANGE_TEXT_MAX];
	char crit[PT_RANGE_TEXT_MAX];

	if (!pt_range_covers(&cfg->critical, &cfg->warning) ||
	    !pt_range_perfdata(&cfg->warning, warn, sizeof(warn)) ||
	    !pt_range_perfdata(&cfg->critical, crit, sizeof(crit))) {
		return;
	}
	pt_report_line(r,
	               "Note: -w %s -c %s never gives WARNING: every time -w alerts on, -c alerts "
	               "on too, and -c is checked first",
	               warn, crit);
}

void pt_long_output(const struct pt_config *cfg, const struct pt_target *t,
                    const struct pt_probe_result *res, const char *reference, struct pt_report *r)
{
	struct pt_buf url = {0};
	struct pt_buf token_url = {0};

	/* Another user may have made our <euid>/ in the shared directory
	 * first (or planted a symlink there): whoever runs the check hears
	 * of it at every verbosity, since it moved or switched off the cache
	 * and with it the back-off that keeps the API from blocking the IP. */
	if (res->cache_refused[0] && !res->cache_note[0]) {
		pt_report_notice(r,
		                 "Token cache: the shared state directory was refused, %s; the cache "
		                 "is in %s instead",
		                 res->cache_refused, res->cache_dir);
	} else if (res->cache_refused[0]) {
		pt_report_notice(r,
		                 "Token cache: the shared state directory was refused, %s; no cache "
		                 "in this run",
		                 res->cache_refused);
	}
	pt_report_line(r, "URL: %s", redacted(&t->shown, &url));
	redacted(&t->token_shown, &token_url);
	proxy_line(res, r);
	/* A proxy's refusal is not the API's status (the summary has it). */
	if (res->probed && res->http.status && res->http.outcome != PT_HTTP_PROXY) {
		pt_report_line(r, "HTTP status: %ld", res->http.status);
	}
	if (res->probed) {
		connection_lines(&res->http, r);
	}
	if (res->token_requested && pt_probe_http_version_name(res->token.http.http_version)) {
		pt_report_line(r, "HTTP version (token request): %s%s",
		               pt_probe_http_version_name(res->token.http.http_version),
		               res->token.http.h2_fallback
		                   ? " (HTTP/2 failed with libcurl's early-answer stream error; "
		                     "repeated over HTTP/1.1)"
		                   : "");
	}
	/* http.c keeps the Location redacted already. */
	if (res->probed && res->http.location[0]) {
		pt_report_server_line(r, "Location", res->http.location, strlen(res->http.location));
	} else if (res->token_requested && res->token.http.location[0]) {
		pt_report_server_line(r, "Location", res->token.http.location,
		                      strlen(res->token.http.location));
	}
	switch (res->auth) {
	case PT_AUTH_ANONYMOUS:
		pt_report_line(r, "Token: none, the probe was sent anonymously (no credentials)");
		break;
	case PT_AUTH_FETCHED:
		if (res->lock_skipped) {
			pt_report_line(r,
			               "Token: the run holding the token lock did not finish within "
			               "%.1f s; fetched without it",
			               res->waited);
		}
		if (!res->holder_busy) {
			pt_report_line(r, "Token: requested from %s in %.3f s%s", pt_buf_str(&token_url),
			               res->time_auth, res->token.ok ? "" : ", no token obtained");
		}
		break;
	case PT_AUTH_CACHED:
		if (res->carried) {
			carried_line(res, r);
		}
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
		               "Token: not requested; the state comes from a %s of the token endpoint "
		               "remembered in %s",
		               res->backoff.kind == PT_BACKOFF_REFUSAL ? "refusal" : "failure",
		               res->cache_dir);
		backoff_line(res, r);
		break;
	}
	lifetime_line(res, r);
	if (res->holder_busy) {
		pt_report_line(r,
		               "Token: another run's request for this token was still under way after "
		               "%.1f s; one request at a time goes to the token endpoint",
		               res->waited);
	}
	if (res->token_requested && res->token.http.redirects > 0) {
		pt_report_line(r,
		               "Token: the token request was redirected %d time%s%s%s%s%s; point "
		               "--token-url at the final URL",
		               res->token.http.redirects, res->token.http.redirects == 1 ? "" : "s",
		               res->token.http.final_url[0] ? " to " : "", res->token.http.final_url,
		               res->token.http.method_changed ? "; libcurl turned the POST into a GET" : "",
		               res->token.http.cross_origin
		                   ? "; the last hop is on another origin, so the client "
		                     "credentials were not sent there"
		                   : "");
	}
	if (res->retried) {
		pt_report_line(r, "Token: the cached token was refused (HTTP 401); a new one was "
		                  "fetched and the probe repeated");
	}
	if (cfg->no_token_cache && res->auth != PT_AUTH_ANONYMOUS && cfg->verbose >= 1) {
		pt_report_line(r, "Token cache: off (--no-token-cache)");
	} else if (res->cache_note[0] && cfg->verbose >= 1) {
		pt_report_line(r, "Token cache: not used, the run went on without it: %s", res->cache_note);
	} else if (res->cache_in_memory && cfg->verbose >= 1) {
		pt_report_line(r,
		               "Token cache: in %s, since neither the state directory nor the per-user "
		               "one is usable: %s",
		               res->cache_dir, res->cache_skipped);
	} else if (res->cache_skipped[0] && !res->cache_refused[0] && cfg->verbose >= 1) {
		pt_report_line(r, "Token cache: in %s, since the state directory is not usable: %s",
		               res->cache_dir, res->cache_skipped);
	}
	pt_report_line(r, "App-Reference: %s", reference);
	threshold_note(cfg, r);
	api_error_lines(cfg, res, r);
	if (cfg->verbose >= 1) {
		if (res->token_requested) {
			timing_line(r, "Token request", &res->token.http.t);
		}
		if (res->probed) {
			timing_line(r, "Probe", &res->http.t);
		}
	}
	if (cfg->verbose >= 2) {
		tls_line(cfg, t, r);
		pt_report_line(r, "Timeout: %g s for the whole run, on timeout %s", cfg->timeout,
		               pt_state_name(cfg->timeout_state));
	}
	if (cfg->verbose >= 3 && res->probed && res->http.body.len) {
		pt_report_server_line(r, "Body", res->http.body.data, res->http.body.len);
	}
	pt_buf_free(&url);
	pt_buf_free(&token_url);
}
