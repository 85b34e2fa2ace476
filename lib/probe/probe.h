/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole probe of the API: get a token when credentials are given,
 * then GET the endpoint with it, and look up the --expect-json paths in
 * its answer. Returns what happened; decides no state.
 *
 * The probe layer's one front door: the plugin layer includes no other
 * header of lib/probe/ and calls only the pt_probe_* functions below (as
 * curl's easy.c stands over its Curl_* modules). The types it reads are
 * in probe_types.h; the modules behind this door (http.h, token.h,
 * token_cache.h, ...) are the probe layer's own. */
#ifndef PT_PROBE_H
#define PT_PROBE_H

#include "probe_types.h"

#include <stdbool.h>
#include <stddef.h>

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
	/* --expect-json: the paths to look up in a complete 2xx answer. */
	const char *const *json_paths;
	size_t njson_paths; /* at most PT_EXPECT_MAX */
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
	 * the cached token stands in for (this run's, or remembered). Its
	 * seconds are counted and clamped already. */
	struct pt_backoff backoff;
	bool carried;       /* a cached token due for renewal, used because renewing failed */
	bool renewal_tried; /* carried: this run asked for a new token (token.http says how it went) */
	long token_valid_for; /* PT_AUTH_CACHED: seconds until the token used expires */
	bool not_cached;      /* a fetched token whose lifetime is under a second: not stored */
	char cache_dir[PT_CACHE_TEXT_MAX];     /* the cache directory, "" without cache */
	char cache_note[PT_CACHE_TEXT_MAX];    /* why the cache was not used, or "" */
	char cache_skipped[PT_CACHE_TEXT_MAX]; /* why the state directory was passed over, or "" */
	bool cache_in_memory;                  /* the cache is the last resort, in memory */
	char cache_refused[PT_CACHE_TEXT_MAX]; /* why it was refused as unsafe (cache_dir.h), or "" */
	/* One per json_paths, in their order, when the probe's answer was a
	 * complete 2xx (else PT_JSON_NOT_LOOKED). */
	struct pt_json_value json[PT_EXPECT_MAX];
	size_t njson;
};

/* Once per process, around every pt_probe_run: libcurl's global state. */
bool pt_probe_global_init(void);
void pt_probe_global_cleanup(void);

void pt_probe_run(const struct pt_probe_config *cfg, struct pt_probe_result *res);
void pt_probe_result_free(struct pt_probe_result *res);

/* What the plugin layer may ask of the probe layer besides a probe. */

/* "libcurl/7.88.1 OpenSSL/3.0.x ..." for --version. */
const char *pt_probe_library_version(void);
/* "1.0", "1.1", "2" or "3" for a negotiated version
 * (pt_http_response.http_version); NULL if unknown. */
const char *pt_probe_http_version_name(long version);
/* The RFC 9110 reason phrase of a status code a proxy or gateway may
 * answer with ("Proxy Authentication Required"), or "". */
const char *pt_probe_reason_phrase(long status);
/* The i-th environment variable libcurl takes a proxy from
 * ("http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
 * "ALL_PROXY"), NULL past the last. */
const char *pt_probe_proxy_variable(size_t i);
/* What was wrong with a token endpoint's 2xx answer, in a few words. */
const char *pt_probe_token_status_text(enum pt_token_status s);
/* Whether path is a --expect-json path (false with *why). */
bool pt_probe_json_path_valid(const char *path, const char **why);
/* The libcurl CONNECT_TO entry that sends connections for url's host and
 * port to to ("HOST:PORT", IPv6 in brackets) instead, for
 * pt_net_options.connect_to; false when url has no host or the entry
 * does not fit. */
bool pt_probe_connect_to_entry(const char *url, const char *to, char *out, size_t len);
/* Judges where a request to url (as libcurl parses it) may take a bound
 * secret, before anything is sent. origin receives "scheme://host:port";
 * detail, for PT_BINDING_TRUST, what is wrong with the CA file or
 * directory. */
enum pt_binding_verdict pt_probe_binding_check(const char *url, const struct pt_tls_options *tls,
                                               const struct pt_binding *b, char *origin,
                                               size_t origin_len, char *detail, size_t detail_len);

#endif
