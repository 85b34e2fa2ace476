/* A whole probe of the API: get a token when credentials are given,
 * then GET the endpoint with it. Returns what happened; decides no
 * state. This is the probe layer's one front door: the plugin layer
 * includes no other header of lib/probe/ (as curl's easy.c stands over
 * its Curl_* modules). */
#ifndef PT_PROBE_H
#define PT_PROBE_H

#include "http.h"
#include "json_body.h"
#include "json_path.h"
#include "prio_error.h"
#include "token.h"
#include "token_cache.h"

#include <stdbool.h>

enum pt_auth_source {
	PT_AUTH_ANONYMOUS, /* no credentials: the probe went out without a token */
	PT_AUTH_FETCHED,   /* a token was requested in this run */
	PT_AUTH_CACHED,    /* a token from the cache was used */
	PT_AUTH_BACKOFF,   /* a recent refusal is remembered: no request made */
};

struct pt_probe_config {
	const char *url;       /* the endpoint, query included */
	const char *token_url; /* NULL for an anonymous probe */
	const char *client_id;
	const char *client_secret;
	const char *scope;
	enum pt_token_body token_body;
	const char *const *headers; /* sent on every request, NULL-terminated */
	struct pt_net_options net;
	double deadline;
	struct pt_buf *trace; /* headers sent and received, redacted; or NULL */
	/* The token request or the probe carries a secret bound to loopback
	 * (pt_http_request.loopback_only). */
	bool token_loopback_only;
	bool probe_loopback_only;
	bool use_cache;
	const char *cache_dir;               /* NULL: the default directory */
	struct pt_cache_places cache_places; /* where the default directory may be */
};

struct pt_probe_result {
	enum pt_auth_source auth;
	bool token_requested; /* token describes a request made in this run */
	struct pt_token_result token;
	double time_auth; /* seconds spent getting the token */
	bool probed;      /* http describes the probe request */
	struct pt_http_response http;
	struct pt_prio_error error; /* parsed from a non-2xx probe answer */
	bool retried;               /* the probe was repeated after a 401 */
	double waited;              /* seconds spent waiting for another run's request */
	bool lock_skipped;          /* gave up waiting for that run and fetched without the lock */
	bool holder_busy;           /* gave up waiting while that run's request was still under
	                             * way: no second request was sent, and no token is at hand */
	/* PT_AUTH_BACKOFF: the remembered failure, replayed into token.http
	 * and token.error. PT_AUTH_CACHED with carried: the renewal failure
	 * the cached token stands in for (this run's, or remembered). */
	struct pt_cache_backoff backoff;
	bool carried;       /* a cached token due for renewal, used because renewing failed */
	bool renewal_tried; /* carried: this run asked for a new token (token.http says how it went) */
	time_t token_expires;    /* PT_AUTH_CACHED: when the token used expires */
	bool not_cached;         /* a fetched token whose lifetime is under a second: not stored */
	char cache_dir[512];     /* the cache directory, "" without cache */
	char cache_note[512];    /* why the cache was not used, or "" */
	char cache_skipped[512]; /* why the state directory was passed over, or "" */
	bool cache_in_memory;    /* the cache is the last resort, in memory */
	char cache_refused[512]; /* why it was refused as unsafe (token_cache.h), or "" */
};

/* Once per process, around every pt_probe_run: libcurl's global state. */
bool pt_probe_global_init(void);
void pt_probe_global_cleanup(void);

void pt_probe_run(const struct pt_probe_config *cfg, struct pt_probe_result *res);
void pt_probe_result_free(struct pt_probe_result *res);

#endif
