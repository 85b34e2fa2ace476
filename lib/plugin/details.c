/* What a run measured and where its token came from: perfdata and the
 * long output lines. */
#include "config.h"

#include "details.h"
#include "judge.h"
#include "perfdata.h"

#include <stdio.h>
#include <strings.h>

static const char *const phase_labels[PT_PHASE_COUNT] = {
    "time_resolve", "time_connect", "time_tls", "time_processing", "time_transfer",
};
static const char *const phase_names[PT_PHASE_COUNT] = {
    "resolve", "connect", "tls", "processing", "transfer",
};

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
void pt_details_perfdata(const struct pt_config *cfg, const struct pt_probe_result *res,
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
		    .value = (double)pt_cert_days_left(h),
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

void pt_details_long_output(const struct pt_config *cfg, const struct pt_target *t,
                            const struct pt_probe_result *res, const char *reference,
                            struct pt_report *r)
{
	pt_report_line(r, "URL: %s", pt_buf_str(&t->shown));
	proxy_line(res, r);
	/* A proxy's refusal is not the API's status (the summary has it). */
	if (res->probed && res->http.status && res->http.outcome != PT_HTTP_PROXY) {
		pt_report_line(r, "HTTP status: %ld", res->http.status);
	}
	if (res->probed && pt_http_version_name(res->http.http_version)) {
		pt_report_line(r, "HTTP version: %s", pt_http_version_name(res->http.http_version));
	}
	if (res->token_requested && pt_http_version_name(res->token.http.http_version)) {
		pt_report_line(r, "HTTP version (token request): %s%s",
		               pt_http_version_name(res->token.http.http_version),
		               res->token.http.h2_fallback
		                   ? " (HTTP/2 failed with libcurl's early-answer stream error; "
		                     "repeated over HTTP/1.1)"
		                   : "");
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
	} else if (res->cache_skipped[0] && cfg->verbose >= 1) {
		pt_report_line(r, "Token cache: in %s, since the state directory is not usable: %s",
		               res->cache_dir, res->cache_skipped);
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
		tls_line(cfg, t, r);
		pt_report_line(r, "Timeout: %g s for the whole run, on timeout %s", cfg->timeout,
		               pt_state_name(cfg->timeout_state));
	}
	if (cfg->verbose >= 3 && res->probed && res->http.body.len) {
		pt_report_server_line(r, "Body", res->http.body.data, res->http.body.len);
	}
}
