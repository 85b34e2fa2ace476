/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plugin states, and where each is decided: the state table, which gives
 * every finding of the judge (judge.c) its state and reason, and the
 * findings an HTTP status is. */
#ifndef PT_STATE_H
#define PT_STATE_H

#include "reason.h"

#include <stdbool.h>

enum pt_state {
	PT_OK = 0,
	PT_WARNING = 1,
	PT_CRITICAL = 2,
	PT_UNKNOWN = 3,
};

const char *pt_state_name(enum pt_state s);
/* Parses ok|warning|critical|unknown (any case) or 0-3. */
bool pt_state_parse(const char *text, enum pt_state *out);
/* The worse of two subcheck states in monitoring-plugins' max_state_alt
 * order: CRITICAL > WARNING > UNKNOWN > OK. A part that could not be
 * judged does not hide a part that is known to be broken. */
enum pt_state pt_state_max_alt(enum pt_state a, enum pt_state b);

/* What the judge can find about one concern of a run; state.c's table
 * gives each its state and reason. */
enum pt_finding {
	/* connection: how a request ended */
	PT_FOUND_ANSWERED,  /* the server answered, with any status */
	PT_FOUND_TIMEOUT,   /* no (whole) answer within the budget */
	PT_FOUND_DNS,       /* a host name did not resolve */
	PT_FOUND_CONNECT,   /* no TCP connection */
	PT_FOUND_TLS,       /* handshake or certificate verification failed */
	PT_FOUND_PROXY,     /* the proxy cannot be resolved, reached, or refused (407) */
	PT_FOUND_BAD_HTTP,  /* not HTTP, cut short */
	PT_FOUND_REDIRECTS, /* --follow-redirects gave up after PT_MAX_REDIRECTS */
	PT_FOUND_INTERNAL,  /* the plugin itself failed (memory, libcurl setup) */
	PT_FOUND_NOT_SENT,  /* a secret would have gone where it may not */
	/* token: what came of getting one */
	PT_FOUND_TOKEN,            /* a token is at hand (requested, cached, carried) */
	PT_FOUND_TOKEN_UNUSABLE,   /* a 2xx without a usable token */
	PT_FOUND_OAUTH_REFUSAL,    /* a 4xx with an OAuth2 code that refuses the credentials */
	PT_FOUND_TOKEN_REDIRECTED, /* a followed redirect lost the POST or the credentials */
	/* an HTTP status (pt_finding_of_status) */
	PT_FOUND_2XX,
	PT_FOUND_3XX,
	PT_FOUND_401_403,
	PT_FOUND_400_ANONYMOUS, /* to a probe sent without credentials */
	PT_FOUND_429,
	PT_FOUND_4XX,
	PT_FOUND_5XX,
	PT_FOUND_1XX,            /* a final 1xx: never a valid answer */
	PT_FOUND_NO_STATUS,      /* a number HTTP does not define */
	PT_FOUND_BODY_TOO_LARGE, /* a 2xx body over PT_MAX_BODY */
	/* --expect-json */
	PT_FOUND_JSON_MET,
	PT_FOUND_JSON_NOT_MET, /* another value, missing, or the body is not JSON */
	PT_FOUND_JSON_BAD_PATH,
	PT_FOUND_JSON_NOT_LOOKED,
	/* -w / -c */
	PT_FOUND_LATENCY_OK,
	PT_FOUND_LATENCY_WARNING,
	PT_FOUND_LATENCY_CRITICAL,
	/* --certificate */
	PT_FOUND_CERT_OK,
	PT_FOUND_CERT_WARNING,
	PT_FOUND_CERT_CRITICAL,
	PT_FOUND_CERT_UNREADABLE,
	/* a run that ended before any request */
	PT_FOUND_BAD_ARGUMENTS,
	PT_FOUND_COUNT
};

/* A finding's state and reason. */
struct pt_verdict {
	enum pt_state state;
	enum pt_reason reason;
};

/* The state table. timeout_state is --timeout-result, the state of a
 * timeout. */
struct pt_verdict pt_verdict_of(enum pt_finding f, enum pt_state timeout_state);

/* The finding an HTTP status is on its own; anonymous: the request went
 * out without credentials. */
enum pt_finding pt_finding_of_status(long status, bool anonymous);

#endif
