/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/backoff.c: how long the runs after a failed
 * token request wait, and what that failure leaves for them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/backoff.h"
#include "util/limits.h"

#include <string.h>

/* (kind, failures in a row, Retry-After or -1) -> seconds */
struct length_row {
	enum pt_backoff_kind kind;
	int failures;
	long retry_after;
	long seconds;
};

static const struct length_row length_rows[] = {
    {PT_BACKOFF_REFUSAL, 1, -1, PT_CACHE_REFUSAL_SECONDS},
    {PT_BACKOFF_REFUSAL, 7, -1, PT_CACHE_REFUSAL_SECONDS},
    {PT_BACKOFF_FAILURE, 1, -1, 2},
    {PT_BACKOFF_FAILURE, 2, -1, 4},
    {PT_BACKOFF_FAILURE, 3, -1, 8},
    {PT_BACKOFF_FAILURE, 4, -1, 16},
    {PT_BACKOFF_FAILURE, 5, -1, PT_CACHE_FAILURE_MAX_SECONDS},
    {PT_BACKOFF_FAILURE, PT_CACHE_FAILURES_MAX, -1, PT_CACHE_FAILURE_MAX_SECONDS},
    {PT_BACKOFF_FAILURE, 1, 0, PT_CACHE_RETRY_AFTER_MIN},
    {PT_BACKOFF_FAILURE, 1, 1, 1},
    {PT_BACKOFF_REFUSAL, 1, 90, 90},
    {PT_BACKOFF_FAILURE, 1, PT_CACHE_RETRY_AFTER_MAX, PT_CACHE_RETRY_AFTER_MAX},
    {PT_BACKOFF_FAILURE, 1, PT_CACHE_RETRY_AFTER_MAX + 1, PT_CACHE_RETRY_AFTER_MAX},
    {PT_BACKOFF_FAILURE, 1, PT_RETRY_AFTER_READ_MAX, PT_CACHE_RETRY_AFTER_MAX},
};

static void test_lengths(void **state)
{
	(void)state;
	assert_int_equal(PT_CACHE_REFUSAL_SECONDS, 24);
	for (size_t i = 0; i < sizeof(length_rows) / sizeof(length_rows[0]); i++) {
		const struct length_row *r = &length_rows[i];

		assert_int_equal(pt_backoff_seconds(r->kind, r->failures, r->retry_after), r->seconds);
	}
}

/* A failed token request, and the failure before it, -> what it leaves. */
struct left_row {
	const char *name;
	enum pt_http_outcome outcome;
	long status;
	long retry_after;
	int failures_before; /* 0: nothing remembered before */
	enum pt_backoff_kind before;
	bool leaves;
	enum pt_backoff_kind kind;
	int failures;
	long length;
	const char *word;
};

static const struct left_row left_rows[] = {
    {"401", PT_HTTP_RESPONSE, 401, -1, 0, PT_BACKOFF_NONE, true, PT_BACKOFF_REFUSAL, 1, 24,
     "response"},
    {"503 after two", PT_HTTP_RESPONSE, 503, -1, 2, PT_BACKOFF_FAILURE, true, PT_BACKOFF_FAILURE, 3,
     8, "response"},
    {"503 after a refusal starts over", PT_HTTP_RESPONSE, 503, -1, 4, PT_BACKOFF_REFUSAL, true,
     PT_BACKOFF_FAILURE, 1, 2, "response"},
    {"503 with Retry-After", PT_HTTP_RESPONSE, 503, 120, 0, PT_BACKOFF_NONE, true,
     PT_BACKOFF_FAILURE, 1, 120, "response"},
    {"429 is counted as a refusal's length", PT_HTTP_RESPONSE, 429, -1, 0, PT_BACKOFF_NONE, true,
     PT_BACKOFF_FAILURE, 1, 24, "response"},
    {"timeout", PT_HTTP_TIMEOUT, 0, -1, 0, PT_BACKOFF_NONE, true, PT_BACKOFF_FAILURE, 1, 2,
     "timeout"},
    {"a run of failures stops counting at the most an entry counts", PT_HTTP_RESPONSE, 503, -1,
     PT_CACHE_FAILURES_MAX, PT_BACKOFF_FAILURE, true, PT_BACKOFF_FAILURE, PT_CACHE_FAILURES_MAX, 30,
     "response"},
    {"the proxy's 407 leaves nothing", PT_HTTP_RESPONSE, 407, -1, 0, PT_BACKOFF_NONE, false,
     PT_BACKOFF_NONE, 0, 0, NULL},
    {"the proxy leaves nothing", PT_HTTP_PROXY, 0, -1, 0, PT_BACKOFF_NONE, false, PT_BACKOFF_NONE,
     0, 0, NULL},
    {"our own trouble leaves nothing", PT_HTTP_INTERNAL, 0, -1, 0, PT_BACKOFF_NONE, false,
     PT_BACKOFF_NONE, 0, 0, NULL},
};

static void test_what_a_failure_leaves(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(left_rows) / sizeof(left_rows[0]); i++) {
		const struct left_row *r = &left_rows[i];
		struct pt_token_result t;
		struct pt_backoff before = {.kind = r->before, .failures = r->failures_before};
		struct pt_backoff b;
		bool leaves;

		memset(&t, 0, sizeof(t));
		t.http.outcome = r->outcome;
		t.http.status = r->status;
		t.http.retry_after = r->retry_after;
		leaves = pt_backoff_for(&t, r->failures_before ? &before : NULL, &b);
		if (leaves != r->leaves) {
			fail_msg("%s: leaves %d", r->name, leaves);
		}
		if (!leaves) {
			continue;
		}
		assert_int_equal(b.kind, r->kind);
		assert_int_equal(b.failures, r->failures);
		assert_int_equal(b.length, r->length);
		assert_int_equal(b.left, r->length);
		assert_int_equal(b.ago, 0);
		assert_string_equal(b.outcome, r->word);
		/* The word read back is the outcome the judge words. */
		assert_int_equal(b.ended, pt_backoff_ended(b.outcome));
		if (r->status == 0) {
			assert_int_equal(b.ended, r->outcome);
		}
	}
}

/* The words a cache entry may hold, read as the outcome the plugin
 * layer words ("connection failed"): an answer, or a word this release
 * does not know (an older or newer cache), is PT_HTTP_RESPONSE. */
static void test_words_read_back(void **state)
{
	static const struct {
		const char *word;
		enum pt_http_outcome ended;
	} words[] = {
	    {"timeout", PT_HTTP_TIMEOUT},   {"dns", PT_HTTP_DNS},
	    {"connect", PT_HTTP_CONNECT},   {"tls", PT_HTTP_TLS},
	    {"protocol", PT_HTTP_PROTOCOL}, {"response", PT_HTTP_RESPONSE},
	    {"not_json", PT_HTTP_RESPONSE}, {"too_large", PT_HTTP_RESPONSE},
	    {"", PT_HTTP_RESPONSE},         {"gopher", PT_HTTP_RESPONSE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (pt_backoff_ended(words[i].word) != words[i].ended) {
			fail_msg("\"%s\" read as %d", words[i].word, (int)pt_backoff_ended(words[i].word));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_what_a_failure_leaves),
	    cmocka_unit_test(test_words_read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
