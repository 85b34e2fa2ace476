/* A whole probe: token, then the endpoint. */
#include "config.h"

#include "probe.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool get_token(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	struct pt_token_request req = {
	    .token_url = cfg->token_url,
	    .client_id = cfg->client_id,
	    .client_secret = cfg->client_secret,
	    .scope = cfg->scope,
	    .body = cfg->token_body,
	    .headers = cfg->headers,
	    .net = &cfg->net,
	    .deadline = cfg->deadline,
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
}

/* Fetches a token and records the outcome in the cache: the token, or a
 * refusal (4xx) to back off from. Server errors and timeouts are not
 * remembered: the next run should try again. */
static bool fetch_and_store(const struct pt_probe_config *cfg, struct pt_cache *cache,
                            struct pt_probe_result *res)
{
	bool ok = get_token(cfg, res);
	long status = res->token.http.status;

	if (ok) {
		pt_cache_store_token(cache, res->token.token.access_token, res->token.token.expires_in,
		                     time(NULL));
	} else if (res->token.http.outcome == PT_HTTP_RESPONSE && status >= 400 && status < 500) {
		pt_cache_store_refusal(cache, status, res->token.error.error, time(NULL));
	}
	return ok;
}

/* Takes a cache hit into the result, wipes the entry, and says whether
 * it was a usable token (true) or a remembered refusal (false). */
static bool use_entry(struct pt_probe_result *res, struct pt_cache_entry *e)
{
	bool token = e->kind == PT_CACHE_TOKEN;

	if (token) {
		res->auth = PT_AUTH_CACHED;
		memcpy(res->token.token.access_token, e->token, sizeof(e->token));
		res->token.ok = true;
	} else {
		/* Replays the remembered refusal so that it is judged as before. */
		res->auth = PT_AUTH_BACKOFF;
		res->token.http.outcome = PT_HTTP_RESPONSE;
		res->token.http.status = e->status;
		memcpy(res->token.error.error, e->error, sizeof(e->error));
		res->token.error.found = e->error[0] != '\0';
		res->backoff_until = e->until;
		res->refused_at = e->written;
	}
	pt_wipe(e, sizeof(*e));
	return token;
}

/* How long a run waits for another run's token request before it asks
 * for a token itself: half of what is left of its budget. A token
 * request normally takes a fraction of a second; one that takes longer
 * than half a budget belongs to a run that is stopped (Ctrl-Z, a
 * debugger) or stuck, and waiting longer would leave too little time
 * for this run's own token request and probe. */
static double lock_deadline(const struct pt_probe_config *cfg, double start)
{
	return cfg->deadline > start ? start + (cfg->deadline - start) / 2 : start;
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

	if (!stale) {
		pt_cache_read(cache, time(NULL), &e);
		if (e.kind != PT_CACHE_MISS) {
			return use_entry(res, &e);
		}
	}
	locked = pt_cache_lock(cache, lock_deadline(cfg, start), &timed_out);
	res->waited = pt_now() - start;
	res->lock_skipped = timed_out;
	/* Whoever held the lock may have just stored what we need. */
	pt_cache_read(cache, time(NULL), &e);
	if (e.kind != PT_CACHE_MISS && !(stale && strcmp(e.token, stale) == 0)) {
		pt_cache_unlock(cache);
		res->time_auth = res->waited;
		return use_entry(res, &e);
	}
	pt_wipe(&e, sizeof(e));
	if (stale && locked) {
		pt_cache_drop(cache, stale);
	}
	res->time_auth = res->waited;
	ok = fetch_and_store(cfg, cache, res);
	pt_cache_unlock(cache);
	return ok;
}

static void run_with_cache(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	struct pt_cache cache;
	char stale[PT_TOKEN_MAX];

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
		memcpy(stale, res->token.token.access_token, sizeof(stale));
		if (cached_token(cfg, &cache, res, stale)) {
			res->retried = true;
			probe_once(cfg, res, res->token.token.access_token);
		}
		pt_wipe(stale, sizeof(stale));
	}
done:
	snprintf(res->cache_note, sizeof(res->cache_note), "%s", cache.note);
	snprintf(res->cache_skipped, sizeof(res->cache_skipped), "%s", cache.skipped);
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
	if (get_token(cfg, res)) {
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
