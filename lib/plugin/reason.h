/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reason of a run: one word from a fixed vocabulary, so that a
 * script or an event handler can act on the cause without parsing prose.
 * The words are part of the interface (doc/output.md, "Reasons"): add, never
 * rename. */
#ifndef PT_REASON_H
#define PT_REASON_H

enum pt_reason {
	PT_REASON_OK,
	PT_REASON_DNS,            /* a host name (target or token URL) did not resolve */
	PT_REASON_CONNECT,        /* no TCP connection */
	PT_REASON_TLS,            /* handshake or certificate verification failed */
	PT_REASON_PROXY,          /* the proxy cannot be reached or refused us */
	PT_REASON_TIMEOUT,        /* the run's time budget ran out */
	PT_REASON_AUTH,           /* credentials or token refused (401, 403, OAuth2 errors) */
	PT_REASON_RATE_LIMITED,   /* 429 */
	PT_REASON_CLIENT_ERROR,   /* any other 4xx */
	PT_REASON_SERVER_ERROR,   /* 5xx */
	PT_REASON_REDIRECT,       /* 3xx not followed, followed too often, or a followed one that
	                           * broke the token request */
	PT_REASON_BAD_RESPONSE,   /* not HTTP, cut short, an unusable token answer */
	PT_REASON_BODY_TOO_LARGE, /* the probe's body went over the bound */
	PT_REASON_JSON,           /* --expect-json not met, or the body is not JSON */
	PT_REASON_LATENCY,        /* -w / -c on the response time */
	PT_REASON_CERTIFICATE,    /* --certificate: the chain expires too soon */
	PT_REASON_CONFIG,         /* bad arguments or an unusable secret file */
	PT_REASON_INTERNAL,       /* the plugin itself failed (memory, libcurl setup) */
	PT_REASON_COUNT
};

/* "ok", "dns", ...: the documented word. */
const char *pt_reason_name(enum pt_reason r);

#endif
