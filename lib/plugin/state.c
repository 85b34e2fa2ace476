/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plugin states, and the state table: where every state is decided.
 *
 * The judge (judge.c) finds what happened to each concern of a run and
 * words it; the table below gives that finding its state and reason. The
 * states and reasons tables of doc/output.md, and --help's States paragraph
 * (help.c), say these rows in words; tests/unit/test_judge.c checks each
 * of them from a probe result to the first line. Reason words are the
 * interface (reason.h): add, never rename. */
#include "config.h"

#include "state.h"

#include <stddef.h>
#include <strings.h>

const char *pt_state_name(enum pt_state s)
{
	switch (s) {
	case PT_OK:
		return "OK";
	case PT_WARNING:
		return "WARNING";
	case PT_CRITICAL:
		return "CRITICAL";
	case PT_UNKNOWN:
		break;
	}
	return "UNKNOWN";
}

bool pt_state_parse(const char *text, enum pt_state *out)
{
	static const char *const names[] = {"ok", "warning", "critical", "unknown"};

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(text, names[i]) == 0 || (text[0] == '0' + i && text[1] == '\0')) {
			*out = (enum pt_state)i;
			return true;
		}
	}
	return false;
}

static int severity_alt(enum pt_state s)
{
	static const int rank[] = {[PT_OK] = 0, [PT_UNKNOWN] = 1, [PT_WARNING] = 2, [PT_CRITICAL] = 3};

	return rank[s];
}

enum pt_state pt_state_max_alt(enum pt_state a, enum pt_state b)
{
	return severity_alt(b) > severity_alt(a) ? b : a;
}

/* A row; the state of a timeout is the user's (--timeout-result). */
struct row {
	enum pt_state state;
	enum pt_reason reason;
	bool timeout_result;
};

static const struct row table[PT_FOUND_COUNT] = {
    /* connection: the last request made (the token request, or the probe) */
    [PT_FOUND_ANSWERED] = {PT_OK, PT_REASON_OK},
    [PT_FOUND_TIMEOUT] = {PT_CRITICAL, PT_REASON_TIMEOUT, true},
    [PT_FOUND_DNS] = {PT_CRITICAL, PT_REASON_DNS},
    [PT_FOUND_CONNECT] = {PT_CRITICAL, PT_REASON_CONNECT},
    [PT_FOUND_TLS] = {PT_CRITICAL, PT_REASON_TLS},
    /* never the API's fault, for http:// and https:// targets alike */
    [PT_FOUND_PROXY] = {PT_CRITICAL, PT_REASON_PROXY},
    [PT_FOUND_BAD_HTTP] = {PT_CRITICAL, PT_REASON_BAD_RESPONSE},
    [PT_FOUND_REDIRECTS] = {PT_CRITICAL, PT_REASON_REDIRECT},
    [PT_FOUND_INTERNAL] = {PT_UNKNOWN, PT_REASON_INTERNAL},
    /* the configuration's fault, whatever the API does */
    [PT_FOUND_NOT_SENT] = {PT_UNKNOWN, PT_REASON_CONFIG},
    /* token (with credentials) */
    [PT_FOUND_TOKEN] = {PT_OK, PT_REASON_OK},
    [PT_FOUND_TOKEN_UNUSABLE] = {PT_CRITICAL, PT_REASON_BAD_RESPONSE},
    /* RFC 6749 lets a server refuse credentials with 400 */
    [PT_FOUND_OAUTH_REFUSAL] = {PT_CRITICAL, PT_REASON_AUTH},
    [PT_FOUND_TOKEN_REDIRECTED] = {PT_WARNING, PT_REASON_REDIRECT},
    /* an HTTP status, from the probe or the token endpoint */
    [PT_FOUND_2XX] = {PT_OK, PT_REASON_OK},
    [PT_FOUND_3XX] = {PT_WARNING, PT_REASON_REDIRECT},
    [PT_FOUND_401_403] = {PT_CRITICAL, PT_REASON_AUTH},
    /* Prioticket answers a request without an Authorization header with
     * 400, not 401 (its OAuth2 documentation) */
    [PT_FOUND_400_ANONYMOUS] = {PT_CRITICAL, PT_REASON_AUTH},
    /* the service answers: it is up */
    [PT_FOUND_429] = {PT_WARNING, PT_REASON_RATE_LIMITED},
    [PT_FOUND_4XX] = {PT_WARNING, PT_REASON_CLIENT_ERROR},
    [PT_FOUND_5XX] = {PT_CRITICAL, PT_REASON_SERVER_ERROR},
    [PT_FOUND_1XX] = {PT_WARNING, PT_REASON_BAD_RESPONSE},
    [PT_FOUND_NO_STATUS] = {PT_CRITICAL, PT_REASON_BAD_RESPONSE},
    /* a non-2xx status over the bound is judged by its status */
    [PT_FOUND_BODY_TOO_LARGE] = {PT_WARNING, PT_REASON_BODY_TOO_LARGE},
    /* --expect-json, on a complete 2xx */
    [PT_FOUND_JSON_MET] = {PT_OK, PT_REASON_OK},
    [PT_FOUND_JSON_NOT_MET] = {PT_CRITICAL, PT_REASON_JSON},
    /* options.c refuses these: never an unchecked path */
    [PT_FOUND_JSON_BAD_PATH] = {PT_UNKNOWN, PT_REASON_CONFIG},
    [PT_FOUND_JSON_NOT_LOOKED] = {PT_UNKNOWN, PT_REASON_INTERNAL},
    /* -w / -c on the total time of a complete 2xx */
    [PT_FOUND_LATENCY_OK] = {PT_OK, PT_REASON_OK},
    [PT_FOUND_LATENCY_WARNING] = {PT_WARNING, PT_REASON_LATENCY},
    [PT_FOUND_LATENCY_CRITICAL] = {PT_CRITICAL, PT_REASON_LATENCY},
    /* --certificate on the verified chain's earliest expiry */
    [PT_FOUND_CERT_OK] = {PT_OK, PT_REASON_OK},
    [PT_FOUND_CERT_WARNING] = {PT_WARNING, PT_REASON_CERTIFICATE},
    [PT_FOUND_CERT_CRITICAL] = {PT_CRITICAL, PT_REASON_CERTIFICATE},
    [PT_FOUND_CERT_UNREADABLE] = {PT_UNKNOWN, PT_REASON_CERTIFICATE},
    /* bad arguments, an unusable secret file */
    [PT_FOUND_BAD_ARGUMENTS] = {PT_UNKNOWN, PT_REASON_CONFIG},
};

struct pt_verdict pt_verdict_of(enum pt_finding f, enum pt_state timeout_state)
{
	struct pt_verdict v = {PT_UNKNOWN, PT_REASON_INTERNAL};

	if ((int)f >= 0 && f < PT_FOUND_COUNT) {
		v.state = table[f].timeout_result ? timeout_state : table[f].state;
		v.reason = table[f].reason;
	}
	return v;
}

/* The statuses: the narrowest range that holds a status decides. */
static const struct {
	long from;
	long to;
	bool anonymous_only;
	enum pt_finding finding;
} statuses[] = {
    {100, 199, false, PT_FOUND_1XX},          {200, 299, false, PT_FOUND_2XX},
    {300, 399, false, PT_FOUND_3XX},          {400, 499, false, PT_FOUND_4XX},
    {400, 400, true, PT_FOUND_400_ANONYMOUS}, {401, 401, false, PT_FOUND_401_403},
    {403, 403, false, PT_FOUND_401_403},      {429, 429, false, PT_FOUND_429},
    {500, 599, false, PT_FOUND_5XX},
};

enum pt_finding pt_finding_of_status(long status, bool anonymous)
{
	enum pt_finding f = PT_FOUND_NO_STATUS;
	long width = -1;

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		long w = statuses[i].to - statuses[i].from;

		if (status >= statuses[i].from && status <= statuses[i].to &&
		    (anonymous || !statuses[i].anonymous_only) && (width < 0 || w < width)) {
			f = statuses[i].finding;
			width = w;
		}
	}
	return f;
}
