/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a failed token request leaves behind for the runs after it
 * (backoff.h): how long they wait before asking again, the word the
 * cache keeps for how it ended, and that failure replayed to be judged
 * as it was. */
#include "config.h"

#include "backoff.h"

#include <stdio.h>
#include <string.h>

long pt_backoff_seconds(enum pt_backoff_kind kind, int failures, long retry_after)
{
	long s = PT_CACHE_FAILURE_FIRST_SECONDS;

	if (retry_after >= 0) {
		return retry_after < PT_CACHE_RETRY_AFTER_MIN   ? PT_CACHE_RETRY_AFTER_MIN
		       : retry_after > PT_CACHE_RETRY_AFTER_MAX ? PT_CACHE_RETRY_AFTER_MAX
		                                                : retry_after;
	}
	if (kind == PT_BACKOFF_REFUSAL) {
		return PT_CACHE_REFUSAL_SECONDS;
	}
	for (int i = 1; i < failures && s < PT_CACHE_FAILURE_MAX_SECONDS; i++) {
		s *= 2;
	}
	return s < PT_CACHE_FAILURE_MAX_SECONDS ? s : PT_CACHE_FAILURE_MAX_SECONDS;
}

/* How a failed token request ended, as the word the cache keeps: the
 * outcome without an answer, what was wrong with a 2xx answer, or
 * "response" for any other status. */
static const struct {
	const char *word;
	enum pt_http_outcome outcome;
	enum pt_token_status parse;
} endings[] = {
    {"response", PT_HTTP_RESPONSE, PT_TOKEN_OK},
    {"timeout", PT_HTTP_TIMEOUT, PT_TOKEN_OK},
    {"dns", PT_HTTP_DNS, PT_TOKEN_OK},
    {"connect", PT_HTTP_CONNECT, PT_TOKEN_OK},
    {"tls", PT_HTTP_TLS, PT_TOKEN_OK},
    {"protocol", PT_HTTP_PROTOCOL, PT_TOKEN_OK},
    {"not_json", PT_HTTP_RESPONSE, PT_TOKEN_NOT_JSON},
    {"no_access_token", PT_HTTP_RESPONSE, PT_TOKEN_NO_ACCESS_TOKEN},
    {"bad_chars", PT_HTTP_RESPONSE, PT_TOKEN_BAD_CHARS},
    {"too_long", PT_HTTP_RESPONSE, PT_TOKEN_TOO_LONG},
    {"not_bearer", PT_HTTP_RESPONSE, PT_TOKEN_NOT_BEARER},
    {"too_large", PT_HTTP_TOO_LARGE, PT_TOKEN_TOO_LARGE},
};

static const char *ending_word(const struct pt_token_result *t)
{
	bool answered = t->http.status >= 200 && t->http.status < 300;

	for (size_t i = 1; i < sizeof(endings) / sizeof(endings[0]); i++) {
		if (answered ? endings[i].parse == t->parse && t->parse != PT_TOKEN_OK
		             : endings[i].outcome == t->http.outcome && endings[i].parse == PT_TOKEN_OK) {
			return endings[i].word;
		}
	}
	return endings[0].word;
}

/* What a failed token request leaves for the runs after it (the lengths
 * are in util/limits.h): a refusal for a 4xx but 429, a failure for
 * anything else; nothing for the plugin's own trouble (out of memory). */
bool pt_backoff_for(const struct pt_token_result *t, const struct pt_backoff *before,
                    struct pt_backoff *b)
{
	const struct pt_http_response *h = &t->http;
	bool answered = h->outcome == PT_HTTP_RESPONSE || h->outcome == PT_HTTP_TOO_LARGE;
	long status = answered ? h->status : 0;
	long retry_after = -1;

	memset(b, 0, sizeof(*b));
	/* Nor for a proxy's refusal (407 included): the token endpoint never
	 * saw the request, and once the proxy is fixed the next run must ask. */
	if (h->outcome == PT_HTTP_INTERNAL || h->outcome == PT_HTTP_PROXY || status == 407) {
		return false;
	}
	b->kind =
	    status >= 400 && status < 500 && status != 429 ? PT_BACKOFF_REFUSAL : PT_BACKOFF_FAILURE;
	b->failures = before && before->kind == b->kind ? before->failures + 1 : 1;
	if (b->failures > PT_CACHE_FAILURES_MAX) {
		b->failures = PT_CACHE_FAILURES_MAX;
	}
	if ((status == 429 || status == 503) && h->retry_after >= 0) {
		retry_after = h->retry_after;
		b->retry_after = true;
	}
	/* A 429 counts against the API's 4xx limit like a refusal. */
	b->length =
	    pt_backoff_seconds(status == 429 ? PT_BACKOFF_REFUSAL : b->kind, b->failures, retry_after);
	b->ago = 0;
	b->left = b->length;
	b->status = status;
	snprintf(b->outcome, sizeof(b->outcome), "%s", ending_word(t));
	b->ended = pt_backoff_ended(b->outcome);
	if (strlen(t->error.error) < sizeof(b->error)) {
		memcpy(b->error, t->error.error, strlen(t->error.error) + 1);
	}
	return true;
}

void pt_backoff_replay(const struct pt_backoff *b, struct pt_token_result *t)
{
	t->http.outcome = b->status ? PT_HTTP_RESPONSE : PT_HTTP_PROTOCOL;
	t->http.status = b->status;
	for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
		if (strcmp(endings[i].word, b->outcome) == 0) {
			t->http.outcome = b->status && endings[i].outcome != PT_HTTP_TOO_LARGE
			                      ? PT_HTTP_RESPONSE
			                      : endings[i].outcome;
			t->parse = endings[i].parse;
		}
	}
	memcpy(t->error.error, b->error, sizeof(b->error));
	t->error.found = b->error[0] != '\0';
}

enum pt_http_outcome pt_backoff_ended(const char *word)
{
	for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
		if (strcmp(endings[i].word, word) == 0 && endings[i].parse == PT_TOKEN_OK) {
			return endings[i].outcome;
		}
	}
	return PT_HTTP_RESPONSE;
}
