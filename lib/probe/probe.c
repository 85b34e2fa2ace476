/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole probe: token, then the endpoint. */
#include "config.h"

#include "probe.h"
#include "backoff.h"
#include "http.h"
#include "http_binding.h"
#include "http_setup.h"
#include "json_body.h"
#include "json_path.h"
#include "prio_error.h"
#include "proxy.h"
#include "token.h"
#include "token_cache.h"
#include "cache_entry.h"
#include "cache_lock.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool get_token(const struct pt_probe_config *cfg, struct pt_probe_result *res,
                      double deadline)
{
	struct pt_token_request req = {
	    .token_url = cfg->token_url,
	    .client_id = cfg->client_id,
	    .client_secret = cfg->client_secret,
	    .scope = cfg->scope,
	    .body = cfg->token_body,
	    .headers = cfg->headers,
	    .net = &cfg->net,
	    .deadline = deadline,
	    .trace = cfg->trace,
	    .loopback_only = cfg->token_loopback_only,
	};
	double start = pt_now();

	pt_token_result_clear(&res->token);
	pt_token_fetch(&req, &res->token);
	res->token_requested = true;
	res->auth = PT_AUTH_FETCHED;
	res->time_auth += pt_now() - start;
	return res->token.ok;
}

/* The --expect-json paths, looked up in a complete 2xx answer. */
static void look_up_json(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	const struct pt_http_response *h = &res->http;
	struct json_object *root;

	memset(res->json, 0, sizeof(res->json));
	res->njson = cfg->njson_paths < PT_EXPECT_MAX ? cfg->njson_paths : PT_EXPECT_MAX;
	if (res->njson == 0 || h->outcome != PT_HTTP_RESPONSE || h->status < 200 || h->status >= 300) {
		return;
	}
	root = pt_json_parse(h->body.data, h->body.len);
	for (size_t i = 0; i < res->njson; i++) {
		struct pt_json_value *v = &res->json[i];

		/* options.c refuses bad paths; checked again so that no path is
		 * ever looked up unchecked. */
		if (!pt_json_path_valid(cfg->json_paths[i], &v->why)) {
			v->lookup = PT_JSON_BAD_PATH;
		} else if (!root) {
			v->lookup = PT_JSON_NOT_JSON;
		} else if (!pt_json_path_text(root, cfg->json_paths[i], v->text, sizeof(v->text))) {
			v->lookup = PT_JSON_MISSING;
		} else {
			v->lookup = PT_JSON_FOUND;
		}
	}
	if (root) {
		json_object_put(root);
	}
}

static void probe_once(const struct pt_probe_config *cfg, struct pt_probe_result *res,
                       const char *bearer)
{
	struct pt_http_request req = {
	    .method = "GET",
	    .url = cfg->url,
	    .headers = cfg->headers,
	    .bearer = bearer,
	    .net = &cfg->net,
	    .deadline = cfg->deadline,
	    .trace = cfg->trace,
	    .loopback_only = cfg->probe_loopback_only,
	};

	pt_http_response_free(&res->http);
	pt_http_perform(&req, &res->http);
	res->probed = true;
	memset(&res->error, 0, sizeof(res->error));
	if (res->http.outcome == PT_HTTP_RESPONSE &&
	    (res->http.status < 200 || res->http.status >= 300)) {
		pt_prio_error_parse(res->http.body.data, res->http.body.len, &res->error);
	}
	look_up_json(cfg, res);
}

/* Replays a remembered failure into the result, to be judged as it was. */
static void replay(struct pt_probe_result *res, const struct pt_backoff *b)
{
	res->auth = PT_AUTH_BACKOFF;
	res->backoff = *b;
	pt_backoff_replay(b, &res->token);
}

/* Takes the entry's token into the result for this run. */
static bool use_token(struct pt_probe_result *res, const struct pt_cache_entry *e)
{
	res->auth = PT_AUTH_CACHED;
	res->token_valid_for = e->valid_for;
	res->token.ok = pt_token_set(&res->token.token, e->token, e->token_len);
	if (!res->token.ok) {
		res->token_requested = true;
		res->token.http.outcome = PT_HTTP_INTERNAL;
		snprintf(res->token.http.message, sizeof(res->token.http.message), "out of memory");
	}
	return res->token.ok;
}

/* Takes a cache hit into the result and clears the entry: a token (also
 * one due for renewal while that backs off) or a remembered failure. */
static bool take_entry(struct pt_probe_result *res, struct pt_cache_entry *e)
{
	bool ok = false;

	if (e->kind == PT_CACHE_TOKEN) {
		res->carried = e->due;
		res->backoff = e->backoff;
		ok = use_token(res, e);
	} else {
		replay(res, &e->backoff);
	}
	pt_cache_entry_clear(e);
	return ok;
}

/* The next whole second. The cache keeps whole seconds: a back-off
 * stamped from the second the failure happened in could end up to a
 * second early (a Retry-After of 1 s after 0.01 s); stamped from the next
 * one, it lasts at least its length, as a Retry-After asks. */
static time_t next_whole_second(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return time(NULL) + 1;
	}
	return ts.tv_sec + (ts.tv_nsec > 0 ? 1 : 0);
}

/* Fetches a token and records the outcome in the cache: the token, or
 * the failure to back off from. On failure, keep's token (one that has
 * not expired, whose renewal this was) stays in the entry with it. */
static bool fetch_and_store(const struct pt_probe_config *cfg, struct pt_cache *cache,
                            struct pt_probe_result *res, const struct pt_cache_entry *before,
                            const struct pt_cache_entry *keep, double deadline)
{
	struct pt_backoff b;
	time_t now;
	bool ok = get_token(cfg, res, deadline);

	now = time(NULL);
	if (ok) {
		/* A token that expires within a second is for this run only. */
		res->not_cached = res->token.token.lifetime == PT_LIFETIME_TOO_SHORT;
		if (!res->not_cached) {
			pt_cache_store_token(cache, res->token.token.access_token, res->token.token.expires_in,
			                     now);
		}
	} else if (pt_backoff_for(&res->token, before ? &before->backoff : NULL, &b)) {
		pt_cache_store_backoff(cache, &b, next_whole_second(), keep);
		res->backoff = b;
	}
	return ok;
}

/* How long a run waits for another run's token request before it asks
 * for a token itself: half of what is left of its budget. A token
 * request normally takes a fraction of a second; one that takes longer
 * than half a budget belongs to a run that is stopped (Ctrl-Z, a
 * debugger) or stuck, and waiting longer would leave too little time
 * for this run's own token request and probe. The same half bounds a
 * renewal while a valid token is at hand: the probe keeps its time. */
static double half_left(const struct pt_probe_config *cfg, double start)
{
	return cfg->deadline > start ? start + (cfg->deadline - start) / 2 : start;
}

/* The wall-clock time after which this run no longer holds a lock: its
 * deadline, and the hard stop's half second. */
static time_t holder_deadline(const struct pt_probe_config *cfg)
{
	double left = cfg->deadline - pt_now();

	return time(NULL) + (left > 0 ? (time_t)left : 0) + 2;
}

/* A valid token is due for renewal: one run renews it, the others use it
 * meanwhile. When the renewal fails for any reason but a refusal (4xx
 * but 429), the token is used until it expires (and the failure is
 * remembered, so that the next attempt waits for its back-off). */
static bool renew(const struct pt_probe_config *cfg, struct pt_cache *cache,
                  struct pt_probe_result *res, struct pt_cache_entry *e)
{
	bool timed_out = false;
	double start = pt_now();
	bool ok;

	if (!pt_cache_lock(cache, start, holder_deadline(cfg), &timed_out) && timed_out) {
		return use_token(res, e); /* another run is renewing it */
	}
	/* That run may have just finished. */
	pt_cache_read(cache, time(NULL), e);
	if (e->kind == PT_CACHE_TOKEN && (!e->due || e->backoff.left > 0)) {
		pt_cache_unlock(cache);
		return take_entry(res, e);
	}
	if (e->kind != PT_CACHE_TOKEN) {
		/* Gone meanwhile (expired, or a refusal stored): ask as on a miss. */
		ok = fetch_and_store(cfg, cache, res, e, NULL, cfg->deadline);
		pt_cache_unlock(cache);
		return ok;
	}
	ok = fetch_and_store(cfg, cache, res, e, e, half_left(cfg, start));
	pt_cache_unlock(cache);
	if (ok || res->backoff.kind == PT_BACKOFF_REFUSAL ||
	    res->token.http.outcome == PT_HTTP_INTERNAL) {
		return ok;
	}
	res->carried = true;
	res->renewal_tried = true;
	return use_token(res, e);
}

/* A token for this run: from the cache, or fetched by this run while
 * the others wait for it. `stale` is a token the API just refused. */
static bool cached_token(const struct pt_probe_config *cfg, struct pt_cache *cache,
                         struct pt_probe_result *res, const char *stale)
{
	struct pt_cache_entry e;
	bool timed_out = false;
	bool locked;
	double start = pt_now();
	bool ok;

	memset(&e, 0, sizeof(e));
	if (!stale) {
		pt_cache_read(cache, time(NULL), &e);
		if (e.kind == PT_CACHE_TOKEN && e.due && e.backoff.left == 0) {
			ok = renew(cfg, cache, res, &e);
			pt_cache_entry_clear(&e);
			return ok;
		}
		if (e.kind != PT_CACHE_MISS) {
			return take_entry(res, &e);
		}
	}
	locked = pt_cache_lock(cache, half_left(cfg, start), holder_deadline(cfg), &timed_out);
	res->waited = pt_now() - start;
	res->time_auth = res->waited;
	/* Whoever held the lock may have just stored what we need: a token,
	 * or a failure to back off from (asking again what has just failed
	 * is what makes a failing endpoint hammered). */
	pt_cache_read(cache, time(NULL), &e);
	if ((e.kind == PT_CACHE_TOKEN && !(stale && strcmp(e.token, stale) == 0)) ||
	    e.kind == PT_CACHE_BACKOFF) {
		pt_cache_unlock(cache);
		return take_entry(res, &e);
	}
	if (timed_out && pt_cache_holder_busy(cache, time(NULL))) {
		/* That run's request is still under way: a second one would only
		 * add to the load of an endpoint that is slow already. */
		res->holder_busy = true;
		res->auth = PT_AUTH_FETCHED; /* a token was needed; none came (token_requested unset) */
		pt_cache_entry_clear(&e);
		return false;
	}
	res->lock_skipped = timed_out;
	if (stale && locked) {
		pt_cache_drop(cache, stale);
	}
	ok = fetch_and_store(cfg, cache, res, &e, stale ? NULL : &e, cfg->deadline);
	pt_cache_unlock(cache);
	pt_cache_entry_clear(&e);
	return ok;
}

static void run_with_cache(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	struct pt_cache cache;
	char *stale;

	pt_cache_open(&cache, cfg->cache_dir, &cfg->cache_places, cfg->token_url, cfg->client_id,
	              cfg->scope, cfg->client_secret);
	snprintf(res->cache_dir, sizeof(res->cache_dir), "%s", cache.dir);
	if (!cached_token(cfg, &cache, res, NULL)) {
		goto done;
	}
	probe_once(cfg, res, res->token.token.access_token);
	/* A cached token the API refuses was revoked or expired early: drop
	 * it (under the lock, if it is still the one stored), get one new
	 * token, and try once more. */
	if (res->auth == PT_AUTH_CACHED && res->http.outcome == PT_HTTP_RESPONSE &&
	    res->http.status == 401) {
		stale = strdup(res->token.token.access_token);
		res->carried = false;
		res->renewal_tried = false;
		if (stale && cached_token(cfg, &cache, res, stale)) {
			res->retried = true;
			probe_once(cfg, res, res->token.token.access_token);
		}
		if (stale) {
			pt_wipe(stale, strlen(stale));
			free(stale);
		}
	}
done:
	snprintf(res->cache_note, sizeof(res->cache_note), "%s", cache.note);
	snprintf(res->cache_skipped, sizeof(res->cache_skipped), "%s", cache.skipped);
	res->cache_in_memory = cache.in_memory;
	snprintf(res->cache_refused, sizeof(res->cache_refused), "%s", cache.refused);
	pt_cache_close(&cache);
}

void pt_probe_run(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	memset(res, 0, sizeof(*res));
	res->auth = PT_AUTH_ANONYMOUS;
	if (!cfg->token_url) {
		probe_once(cfg, res, NULL);
		return;
	}
	if (cfg->use_cache) {
		run_with_cache(cfg, res);
		return;
	}
	if (get_token(cfg, res, cfg->deadline)) {
		probe_once(cfg, res, res->token.token.access_token);
	}
}

void pt_probe_result_free(struct pt_probe_result *res)
{
	pt_token_result_clear(&res->token);
	pt_http_response_free(&res->http);
}

bool pt_probe_global_init(void)
{
	return pt_http_global_init();
}

void pt_probe_global_cleanup(void)
{
	pt_http_global_cleanup();
}

const char *pt_probe_library_version(void)
{
	return pt_http_library_version();
}

const char *pt_probe_http_version_name(long version)
{
	return pt_http_version_name(version);
}

const char *pt_probe_reason_phrase(long status)
{
	return pt_http_reason(status);
}

const char *pt_probe_proxy_variable(size_t i)
{
	return pt_proxy_variable(i);
}

const char *pt_probe_token_status_text(enum pt_token_status s)
{
	return pt_token_status_text(s);
}

bool pt_probe_json_path_valid(const char *path, const char **why)
{
	return pt_json_path_valid(path, why);
}

bool pt_probe_connect_to_entry(const char *url, const char *to, char *out, size_t len)
{
	return pt_http_connect_to_entry(url, to, out, len);
}

enum pt_binding_verdict pt_probe_binding_check(const char *url, const struct pt_tls_options *tls,
                                               const struct pt_binding *b, char *origin,
                                               size_t origin_len, char *detail, size_t detail_len)
{
	return pt_http_binding_check(url, tls, b, origin, origin_len, detail, detail_len);
}
