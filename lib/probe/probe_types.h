/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The types the probe layer shares with the plugin layer: what goes
 * into a probe (network and TLS options, where the token cache may be)
 * and what comes out of one (the HTTP answer, the token request, the
 * remembered failure, the --expect-json values). The plugin layer reads
 * them through probe.h; the probe's own modules include this header for
 * them, and nothing of those modules comes with it. */
#ifndef PT_PROBE_TYPES_H
#define PT_PROBE_TYPES_H

#include "util/buf.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum pt_http_outcome {
	PT_HTTP_RESPONSE,  /* a whole HTTP response arrived (any status) */
	PT_HTTP_TIMEOUT,   /* the deadline passed */
	PT_HTTP_DNS,       /* host or proxy name not resolved */
	PT_HTTP_CONNECT,   /* no TCP connection (refused, unreachable) */
	PT_HTTP_TLS,       /* TLS handshake or certificate verification failed */
	PT_HTTP_PROXY,     /* the proxy cannot be reached or refused the tunnel */
	PT_HTTP_TOO_LARGE, /* the body went over the bound; status is known */
	PT_HTTP_PROTOCOL,  /* empty reply, cut short, undecodable, ... */
	PT_HTTP_INTERNAL,  /* could not set the request up */
	PT_HTTP_REFUSED,   /* not sent: the connection breaks the request's binding */
};

/* Why PT_HTTP_PROXY. */
enum pt_proxy_failure {
	PT_PROXY_REFUSED,     /* a 407, or a CONNECT answered with a non-2xx code */
	PT_PROXY_UNRESOLVED,  /* the proxy's host name did not resolve */
	PT_PROXY_UNREACHABLE, /* no TCP connection to the proxy */
};

enum pt_phase {
	PT_PHASE_RESOLVE,
	PT_PHASE_CONNECT,
	PT_PHASE_TLS,
	PT_PHASE_PROCESSING,
	PT_PHASE_TRANSFER,
	PT_PHASE_COUNT
};

/* Phase deltas in seconds; the reached ones add up to total (see
 * phases.h for what each holds). */
struct pt_timings {
	double phase[PT_PHASE_COUNT];
	bool reached[PT_PHASE_COUNT];
	double total;
	double redirect; /* earlier hops of a redirect chain, inside processing */
};

struct pt_tls_options {
	const char *ca_file;
	const char *ca_path;
	bool insecure;
	bool want_cert_expiry; /* fill cert_expiry from the verified chain */
};

struct pt_net_options {
	int ip_version; /* 0 any, 4 or 6 */
	const char *proxy;
	const char *noproxy;
	struct pt_tls_options tls;
	const char *user_agent;
	size_t max_body;
	bool follow_redirects;  /* up to PT_MAX_REDIRECTS, never from https to http */
	int http_version;       /* 2: HTTP/2 over TLS (ALPN), else HTTP/1.1 */
	const char *connect_to; /* libcurl CONNECT_TO entry, or NULL */
};

struct pt_http_response {
	enum pt_http_outcome outcome;
	long status;       /* the final status; 0 when no final status line arrived */
	int informational; /* status 0 after a 1xx answer (103 Early Hints): its code */
	struct pt_buf body;
	struct pt_timings t;
	char message[256]; /* why it failed, from libcurl; "" on success */
	bool cert_expiry_known;
	time_t cert_expiry;     /* the earliest notAfter of the verified chain (certinfo.c) */
	char cert_subject[256]; /* that certificate's subject CN (raw), or "" */
	int cert_index;         /* its place in the chain: 0 the leaf */
	int cert_count;         /* certificates in the chain */
	bool cert_anchor;       /* that certificate is the trust anchor */
	char tls_version[32];   /* e.g. "TLSv1.3"; "" without TLS */
	char tls_cipher[64];    /* e.g. "TLS_AES_256_GCM_SHA384" */
	long http_version;      /* negotiated, CURL_HTTP_VERSION_*; 0 unknown */
	char location[512];     /* a 3xx's Location, redacted; "" when none */
	bool h2_fallback;       /* HTTP/2 hit libcurl's early-answer bug: repeated over 1.1 */
	/* The proxy the request went through (or tried to): its URL with
	 * any userinfo redacted, and the environment variable it came from
	 * ("" when it was given as an option). */
	bool via_proxy;
	char proxy[256];
	char proxy_from[16];
	enum pt_proxy_failure proxy_failure; /* PT_HTTP_PROXY: which failure */
	long proxy_status;                   /* PT_PROXY_REFUSED: the proxy's code, or 0 */
	/* What the answer says beyond its status (hints.h). */
	long retry_after;    /* Retry-After in seconds from now; -1 when absent or unreadable */
	int redirects;       /* redirects followed */
	bool redirect_limit; /* gave up after PT_MAX_REDIRECTS of them (outcome PT_HTTP_PROTOCOL) */
	bool method_changed; /* a followed redirect turned the method (POST) into a GET */
	bool cross_origin;   /* the last hop is on another scheme, host or port than the URL
	                      * asked for: libcurl sent no credentials there */
	char final_url[512]; /* after redirects, the last URL (redacted); "" without */
};

/* Where a request that carries a secret from a file or the environment
 * may go: an allowed origin over verified https, or a loopback host. */
struct pt_binding {
	const char *const *hosts;   /* any port; NULL-terminated, or NULL */
	const char *const *origins; /* "https://host:port"; NULL-terminated, or NULL */
};

enum pt_binding_verdict {
	PT_BINDING_TLS,        /* an allowed origin, https, verified with a protected trust store */
	PT_BINDING_LOOPBACK,   /* localhost, 127.0.0.0/8 or [::1]: only at a loopback address */
	PT_BINDING_ELSEWHERE,  /* neither an allowed origin nor a loopback host */
	PT_BINDING_PLAIN,      /* an allowed origin over plain http */
	PT_BINDING_UNVERIFIED, /* an allowed origin with TLS verification off */
	PT_BINDING_TRUST,      /* an allowed origin, but the CA file or directory is not protected */
	PT_BINDING_BAD_URL,    /* libcurl cannot parse the URL */
};

/* Prioticket's error body, or the OAuth2 error body of the token
 * endpoint (prio_error.h). */
struct pt_prio_error {
	bool found; /* the body was a JSON object with at least one known field */
	/* Raw text as the server sent it, cut at PT_ERROR_FIELD_MAX bytes;
	 * may hold any byte. The plugin layer sanitises before printing. */
	char error[PT_ERROR_FIELD_MAX];
	char description[PT_ERROR_FIELD_MAX]; /* error_description, else error_message */
	char reference[PT_ERROR_FIELD_MAX];
	char details[PT_ERROR_DETAILS_MAX][PT_ERROR_FIELD_MAX]; /* errors[] */
	size_t ndetails;
};

enum pt_token_status {
	PT_TOKEN_OK,
	PT_TOKEN_NOT_JSON,
	PT_TOKEN_NO_ACCESS_TOKEN, /* missing, not a string, or empty */
	PT_TOKEN_BAD_CHARS,       /* not an RFC 6750 b64token */
	PT_TOKEN_TOO_LONG,        /* over PT_TOKEN_MAX_CHARS (length in struct pt_token) */
	PT_TOKEN_NOT_BEARER,      /* token_type other than Bearer */
	PT_TOKEN_TOO_LARGE,       /* a 2xx answer whose body went over the bound */
};

/* How expires_in read. RFC 6749 section 5.1 makes it an optional number
 * of seconds and says nothing of zero, negative or non-numeric values;
 * a token is never refused for its lifetime. */
enum pt_token_lifetime {
	PT_LIFETIME_GIVEN,      /* a number of at least 1, or a string holding one */
	PT_LIFETIME_ABSENT,     /* missing or null: the cache assumes its default */
	PT_LIFETIME_NOT_NUMBER, /* a string, boolean, array or object that is no
	                         * number: read as absent */
	PT_LIFETIME_TOO_SHORT,  /* under one second, zero and negative included:
	                         * usable now, never cached */
};

/* How the token request is sent. */
enum pt_token_body {
	PT_TOKEN_BODY_JSON, /* Prioticket: {"grant_type":...}, credentials as given */
	PT_TOKEN_BODY_FORM, /* RFC 6749: grant_type=..., credentials form-encoded */
};

/* The token lives on the heap (it may be up to PT_TOKEN_MAX_CHARS long)
 * and is wiped before it is freed (token.h, pt_token_clear). */
struct pt_token {
	char *access_token; /* NUL-terminated; NULL unless parsed as PT_TOKEN_OK */
	size_t length;      /* its length; for PT_TOKEN_TOO_LONG, the length refused */
	long expires_in;    /* whole seconds (a fraction is dropped), at most
	                     * PT_TOKEN_LIFETIME_MAX; 0 unless PT_LIFETIME_GIVEN */
	enum pt_token_lifetime lifetime;
};

/* One request to the token endpoint. */
struct pt_token_result {
	struct pt_http_response http; /* outcome, status and timings; body freed */
	bool ok;                      /* a usable token is in token */
	enum pt_token_status parse;   /* meaningful for a 2xx answer */
	struct pt_prio_error error;   /* the error body of a non-2xx answer */
	struct pt_token token;
};

enum pt_backoff_kind {
	PT_BACKOFF_NONE,
	PT_BACKOFF_REFUSAL, /* the token endpoint answered 4xx */
	PT_BACKOFF_FAILURE, /* 5xx, no answer, or no usable token in a 2xx */
};

/* A failure of the token endpoint that the runs after it remember (the
 * token cache keeps it), with its times as seconds counted from the
 * moment this run read or made it: the cache has already clamped them,
 * and nothing above the probe layer counts them again. */
struct pt_backoff {
	enum pt_backoff_kind kind;
	long status;                /* the HTTP status, 0 without an answer */
	char outcome[16];           /* how the request ended, the word the cache keeps (backoff.c's) */
	enum pt_http_outcome ended; /* the same, read: PT_HTTP_RESPONSE unless no answer came */
	char error[64];             /* the error code (OAuth's or Prioticket's), [A-Za-z_] only */
	int failures;               /* failures in a row, this one included */
	bool retry_after;           /* the length is the server's Retry-After */
	long length;                /* seconds the back-off lasts, from the failure on */
	long ago;  /* seconds since the failure (0 for one stamped ahead of the clock) */
	long left; /* seconds until the next token request may go out: at least 1
	            * while the back-off runs, 0 once it is over */
};

/* The token cache's default directory's candidates, found by the plugin
 * layer (it knows the monitoring-plugins and XDG conventions; the probe
 * layer only opens what it is given; cache_dir.h says how). */
struct pt_cache_places {
	const char *state_dir; /* the shared state directory: <euid>/check_prioticket in it */
	const char *user_base; /* the per-user fallback is user_base + user_sub; */
	const char *user_sub;  /* NULL when there is none */
	/* The last resort, a directory in memory: memory_base + memory_sub +
	 * the euid, in the user's own $XDG_RUNTIME_DIR where a session has
	 * one, else in /dev/shm, where every user may create an own
	 * subdirectory. Without it, a run whose other places fail has no
	 * cache, and nothing would limit its token requests; a token there is
	 * gone at reboot, which costs one request. NULL when there is none. */
	const char *memory_base;
	const char *memory_sub;
};

/* What one --expect-json path found in the probe's answer. */
enum pt_json_lookup {
	PT_JSON_NOT_LOOKED, /* no complete 2xx answer to look in */
	PT_JSON_FOUND,      /* the value is in text */
	PT_JSON_MISSING,    /* the body is JSON, but the path is not in it */
	PT_JSON_NOT_JSON,   /* the body is not JSON */
	PT_JSON_BAD_PATH,   /* the path is no path (why says why) */
};

struct pt_json_value {
	enum pt_json_lookup lookup;
	const char *why; /* PT_JSON_BAD_PATH: a static text */
	/* PT_JSON_FOUND: a string's own characters, or the JSON text of any
	 * other value (json_path.h). Longer than any expected value (the
	 * whole --expect-json argument is bounded), so that a value cut to
	 * fit can never pass for one. */
	char text[PT_EXPECT_ARG_MAX + 2];
};

#endif
