/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/cache_entry.c: the token cache's entry format,
 * read at an explicit time. Tables of hand-written entry files and what
 * they read as; stores read back; and the renewal's edges, one second
 * before, at and after, for the margin, the quarter-lifetime rule and
 * the renewal cap. No test sleeps: every read is given its `now`. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/cache_entry.h"
#include "probe/cache_lock.h"
#include "probe/token_cache.h"
#include "unit_files.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>

#define NOW   1700000000L
#define MAGIC "check_prioticket-token-cache 2\n"

static struct pt_cache cache;
static char entry_path[512];

static int group_setup(void **state)
{
	char dir[256];

	(void)state;
	if (unit_tmpdir_make("pt_test_cache_entry") != 0) {
		return -1;
	}
	unit_path_in_tmp(dir, sizeof(dir), "cache");
	pt_cache_open(&cache, dir, NULL, "https://auth.example/oauth2/token", "client", "scope",
	              "secret");
	if (cache.dirfd < 0) {
		return -1;
	}
	return snprintf(entry_path, sizeof(entry_path), "%s/%s", dir, cache.name) > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	pt_cache_close(&cache);
	return unit_tmpdir_remove();
}

static void write_entry(const char *text, size_t len)
{
	unit_write_bytes(entry_path, text, len, 0600);
}

/* An entry file as written by hand, and what it reads as at `now`. */
struct file_row {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
	long now;
	enum pt_cache_kind kind;
	const char *token; /* NULL: none */
	long valid_for;    /* TOKEN */
	bool due;          /* TOKEN */
	enum pt_backoff_kind backoff;
	long status;
	int failures;
	long length;
	long ago;
	long left;
	bool retry_after;
	const char *outcome;
	const char *error;
};

#define TOKEN_AT(written, renew, expires, token)                                                   \
	MAGIC "written " #written "\nrenew " #renew "\nexpires " #expires "\ntoken " token "\n"
/* A file that reads as a miss at NOW. */
#define MISS(n, t)                                                                                 \
	{                                                                                              \
		.name = n, .text = t, .now = NOW, .kind = PT_CACHE_MISS                                    \
	}
/* A file that reads as a token at NOW, valid for v more seconds, due or not. */
#define TOKEN(n, t, tok, v, d)                                                                     \
	{                                                                                              \
		.name = n, .text = t, .now = NOW, .kind = PT_CACHE_TOKEN, .token = tok, .valid_for = v,    \
		.due = d                                                                                   \
	}
/* A file that reads as a remembered failure at NOW (k: BACKOFF while it
 * runs, MISS once over): kind, status, failures, length, ago, left. */
#define HELD(n, t, k, bk, st, f, len, a, l)                                                        \
	.name = n, .text = t, .now = NOW, .kind = k, .backoff = bk, .status = st, .failures = f,       \
	.length = len, .ago = a, .left = l

static const struct file_row file_rows[] = {
    /* Tokens */
    TOKEN("token, not due", TOKEN_AT(1699999990, 1700000100, 1700000200, "abc"), "abc", 200, false),
    TOKEN("token, renew one second ahead", TOKEN_AT(1699999990, 1700000001, 1700000200, "abc"),
          "abc", 200, false),
    TOKEN("token, renew now", TOKEN_AT(1699999990, 1700000000, 1700000200, "abc"), "abc", 200,
          true),
    TOKEN("token, renew passed", TOKEN_AT(1699999990, 1699999999, 1700000200, "abc"), "abc", 200,
          true),
    TOKEN("token, one second left", TOKEN_AT(1699999990, 1699999999, 1700000001, "abc"), "abc", 1,
          true),
    MISS("token, expires now", TOKEN_AT(1699999990, 1699999999, 1700000000, "abc")),
    TOKEN("token, written at the clock-skew bound",
          TOKEN_AT(1700000005, 1700000100, 1700000200, "a"), "a", 200, false),
    MISS("token, written past the clock-skew bound",
         TOKEN_AT(1700000006, 1700000100, 1700000200, "a")),
    TOKEN("token, a b64token with padding",
          TOKEN_AT(1699999990, 1700000100, 1700000200, "a.B-_~+/c=="), "a.B-_~+/c==", 200, false),
    MISS("token, renew after expires", TOKEN_AT(1699999990, 1700000300, 1700000200, "abc")),
    MISS("token, written after renew", TOKEN_AT(1700000101, 1700000100, 1700000200, "abc")),
    MISS("token with a space", TOKEN_AT(1699999990, 1700000100, 1700000200, "a b")),
    MISS("token with a quote", TOKEN_AT(1699999990, 1700000100, 1700000200, "a\"b")),
    MISS("two tokens",
         MAGIC "written 1699999990\nrenew 1700000100\nexpires 1700000200\ntoken a\ntoken b\n"),
    MISS("token without its times", MAGIC "token abc\n"),
    MISS("a time that is not a number",
         MAGIC "written 1699999990\nrenew 17000001x0\nexpires 1700000200\ntoken a\n"),
    MISS("a negative time", MAGIC "written -1\nrenew 1700000100\nexpires 1700000200\ntoken a\n"),
    MISS("a time of 19 digits",
         MAGIC "written 1699999990\nrenew 1700000100\nexpires 1000000000000000000\ntoken a\n"),
    /* The file as a whole */
    MISS("empty file", ""),
    MISS("magic only", MAGIC),
    MISS("older format", "check_prioticket-token-cache 1\nwritten 1699999990\nrenew 1700000100\n"
                         "expires 1700000200\ntoken a\n"),
    MISS("unknown key", TOKEN_AT(1699999990, 1700000100, 1700000200, "a") "colour blue\n"),
    MISS("a line without a value", TOKEN_AT(1699999990, 1700000100, 1700000200, "a") "status\n"),
    TOKEN("no last line break",
          MAGIC "written 1699999990\nrenew 1700000100\nexpires 1700000200\ntoken a", "a", 200,
          false),
    {.name = "a NUL byte",
     .text = MAGIC "written 1699999990\nrenew 1700000100\nexpires 1700000200\ntoken a\0b\n",
     .len =
         sizeof(MAGIC "written 1699999990\nrenew 1700000100\nexpires 1700000200\ntoken a\0b\n") - 1,
     .now = NOW,
     .kind = PT_CACHE_MISS},
    /* Remembered failures: lengths, ages and what is left, counted from now */
    {HELD("refusal, running",
          MAGIC "backoff refusal\nat 1699999996\nuntil 1700000020\nstatus 401\nfailures 1\n"
                "outcome response\nerror invalid_client\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_REFUSAL, 401, 1, 24, 4, 20),
     .outcome = "response", .error = "invalid_client"},
    {HELD("refusal, one second left",
          MAGIC "backoff refusal\nat 1699999977\nuntil 1700000001\nstatus 400\nfailures 2\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_REFUSAL, 400, 2, 24, 23, 1)},
    {HELD("refusal, over now",
          MAGIC "backoff refusal\nat 1699999976\nuntil 1700000000\nstatus 400\nfailures 2\n",
          PT_CACHE_MISS, PT_BACKOFF_REFUSAL, 400, 2, 24, 24, 0)},
    MISS("refusal of a 5xx",
         MAGIC "backoff refusal\nat 1699999996\nuntil 1700000020\nstatus 503\nfailures 1\n"),
    MISS("refusal keeping a token",
         MAGIC "backoff refusal\nat 1699999996\nuntil 1700000020\nstatus 401\nfailures 1\n"
               "written 1699999990\nrenew 1700000100\nexpires 1700000200\ntoken a\n"),
    {HELD("failure without an answer, Retry-After",
          MAGIC "backoff failure\nat 1699999990\nuntil 1700000050\nstatus 0\nfailures 3\n"
                "outcome timeout\nretry_after 1\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_FAILURE, 0, 3, 60, 10, 50),
     .retry_after = true, .outcome = "timeout"},
    {HELD("failure beside a valid token",
          MAGIC "backoff failure\nat 1699999998\nuntil 1700000002\nstatus 503\nfailures 2\n"
                "written 1699999000\nrenew 1699999900\nexpires 1700000200\ntoken tok\n",
          PT_CACHE_TOKEN, PT_BACKOFF_FAILURE, 503, 2, 4, 2, 2),
     .token = "tok", .valid_for = 200, .due = true},
    {HELD("failure beside an expired token",
          MAGIC "backoff failure\nat 1699999998\nuntil 1700000002\nstatus 503\nfailures 2\n"
                "written 1699999000\nrenew 1699999900\nexpires 1699999999\ntoken tok\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_FAILURE, 503, 2, 4, 2, 2)},
    {HELD("a back-off longer than the longest is cut to it, from now",
          MAGIC "backoff failure\nat 1699999990\nuntil 1700100000\nstatus 503\nfailures 1\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_FAILURE, 503, 1, PT_CACHE_RETRY_AFTER_MAX, 10,
          PT_CACHE_RETRY_AFTER_MAX)},
    {HELD("a failure within the clock skew: never longer than its length from now",
          MAGIC "backoff failure\nat 1700000005\nuntil 1700000035\nstatus 503\nfailures 5\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_FAILURE, 503, 5, 30, 0, 30)},
    MISS("a failure past the clock skew",
         MAGIC "backoff failure\nat 1700000006\nuntil 1700000036\nstatus 503\nfailures 5\n"),
    MISS("until before at",
         MAGIC "backoff failure\nat 1700000000\nuntil 1699999999\nstatus 503\nfailures 1\n"),
    MISS("no failures", MAGIC "backoff failure\nat 1699999990\nuntil 1700000020\nstatus 503\n"),
    {HELD("the most failures counted",
          MAGIC "backoff failure\nat 1699999990\nuntil 1700000020\nstatus 503\nfailures 1000\n",
          PT_CACHE_BACKOFF, PT_BACKOFF_FAILURE, 503, PT_CACHE_FAILURES_MAX, 30, 10, 20)},
    MISS("more failures than counted",
         MAGIC "backoff failure\nat 1699999990\nuntil 1700000020\nstatus 503\nfailures 1001\n"),
    MISS("a status below 100",
         MAGIC "backoff failure\nat 1699999990\nuntil 1700000020\nstatus 99\nfailures 1\n"),
    MISS("a status of four digits",
         MAGIC "backoff failure\nat 1699999990\nuntil 1700000020\nstatus 1503\nfailures 1\n"),
    MISS("an error code with a dash",
         MAGIC "backoff refusal\nat 1699999990\nuntil 1700000020\nstatus 401\nfailures 1\n"
               "error invalid-client\n"),
    MISS("an outcome word too long",
         MAGIC "backoff failure\nat 1699999990\nuntil 1700000020\nstatus 0\nfailures 1\n"
               "outcome abcdefghijklmnop\n"),
    MISS("an unknown back-off kind",
         MAGIC "backoff pause\nat 1699999990\nuntil 1700000020\nstatus 0\nfailures 1\n"),
    MISS("back-off times without a back-off",
         TOKEN_AT(1699999990, 1700000100, 1700000200, "a") "at 1699999990\n"),
};

static void check_entry(const char *name, const struct file_row *r, const struct pt_cache_entry *e)
{
	const struct pt_backoff *b = &e->backoff;

	if (e->kind != r->kind) {
		fail_msg("%s: kind %d, want %d", name, e->kind, r->kind);
	}
	if (r->token) {
		assert_non_null(e->token);
		assert_string_equal(e->token, r->token);
		assert_int_equal(e->token_len, strlen(r->token));
	} else if (e->token) {
		fail_msg("%s: a token where none should be", name);
	}
	if (r->kind == PT_CACHE_TOKEN) {
		assert_int_equal(e->valid_for, r->valid_for);
		assert_int_equal(e->due, r->due);
	}
	if (r->kind == PT_CACHE_MISS && r->backoff == PT_BACKOFF_NONE) {
		return; /* nothing else of a miss is of use */
	}
	assert_int_equal(b->kind, r->backoff);
	if (r->backoff == PT_BACKOFF_NONE) {
		assert_int_equal(b->left, 0);
		return;
	}
	assert_int_equal(b->status, r->status);
	assert_int_equal(b->failures, r->failures);
	assert_int_equal(b->length, r->length);
	assert_int_equal(b->ago, r->ago);
	assert_int_equal(b->left, r->left);
	assert_int_equal(b->retry_after, r->retry_after);
	assert_string_equal(b->outcome, r->outcome ? r->outcome : "");
	assert_string_equal(b->error, r->error ? r->error : "");
}

static void test_entry_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(file_rows) / sizeof(file_rows[0]); i++) {
		const struct file_row *r = &file_rows[i];
		struct pt_cache_entry e;

		memset(&e, 0, sizeof(e));
		write_entry(r->text, r->len ? r->len : strlen(r->text));
		pt_cache_read(&cache, (time_t)r->now, &e);
		check_entry(r->name, r, &e);
		pt_cache_entry_clear(&e);
	}
}

/* A token stored, then read back at given seconds after the store. */
struct renew_row {
	const char *name;
	long lifetime;   /* as the token endpoint gave it; 0: none */
	long renew_at;   /* seconds after the store when it is due (worked out by hand) */
	long expires_at; /* seconds after the store when it is gone */
};

static const struct renew_row renew_rows[] = {
    /* The margin is a quarter of the lifetime while that is under 60 s. */
    {"4 s: a quarter, 1 s", 4, 3, 4},
    {"40 s: a quarter, 10 s", 40, 30, 40},
    {"239 s: a quarter, 59 s", 239, 180, 239},
    /* From 240 s on, 60 s. */
    {"240 s: 60 s", 240, 180, 240},
    {"241 s: 60 s", 241, 181, 241},
    {"no lifetime: the default of 300 s", 0, 240, 300},
    {"3600 s: 60 s", 3600, 3540, 3600},
    /* Renewed after an hour at the latest. */
    {"3660 s: the renewal cap and the margin meet", 3660, 3600, 3660},
    {"3661 s: the renewal cap", 3661, 3600, 3661},
    {"400 days: the renewal cap", 400L * 86400, 3600, 400L * 86400},
};

static void read_at(long at, struct pt_cache_entry *e)
{
	memset(e, 0, sizeof(*e));
	pt_cache_read(&cache, (time_t)(NOW + at), e);
}

static void test_renewal_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(renew_rows) / sizeof(renew_rows[0]); i++) {
		const struct renew_row *r = &renew_rows[i];
		struct pt_cache_entry e;

		assert_true(pt_cache_store_token(&cache, "tok", r->lifetime, (time_t)NOW));
		read_at(0, &e);
		assert_int_equal(e.kind, PT_CACHE_TOKEN);
		assert_int_equal(e.expires, NOW + r->expires_at);
		assert_int_equal(e.valid_for, r->expires_at);
		pt_cache_entry_clear(&e);
		/* One second before the renewal, at it, and one after (unless the
		 * token is gone by then). */
		for (long d = -1; d <= 1 && r->renew_at + d < r->expires_at; d++) {
			read_at(r->renew_at + d, &e);
			if (e.kind != PT_CACHE_TOKEN || e.due != (d >= 0)) {
				fail_msg("%s: at renewal %+ld s: kind %d, due %d", r->name, d, e.kind, e.due);
			}
			pt_cache_entry_clear(&e);
		}
		/* One second before the expiry, and at it. */
		read_at(r->expires_at - 1, &e);
		assert_int_equal(e.kind, PT_CACHE_TOKEN);
		assert_int_equal(e.valid_for, 1);
		pt_cache_entry_clear(&e);
		read_at(r->expires_at, &e);
		assert_int_equal(e.kind, PT_CACHE_MISS);
		pt_cache_entry_clear(&e);
	}
}

/* A failure stored, then read back. */
struct store_row {
	const char *name;
	struct pt_backoff b;
	bool keep_token; /* stored beside a valid token (a failed renewal) */
	long read_after;
	enum pt_cache_kind kind;
	bool token_kept;
	int failures;
	const char *outcome;
	const char *error;
};

/* kind, status, outcome, error, failures, Retry-After, length */
#define FAILED(k, st, oc, er, f, ra, len)                                                          \
	{                                                                                              \
		.kind = k, .status = st, .outcome = oc, .error = er, .failures = f, .retry_after = ra,     \
		.length = len                                                                              \
	}

static const struct store_row store_rows[] = {
    {"refusal", FAILED(PT_BACKOFF_REFUSAL, 401, "response", "invalid_client", 1, false, 24), false,
     4, PT_CACHE_BACKOFF, false, 1, "response", "invalid_client"},
    {"refusal drops the token", FAILED(PT_BACKOFF_REFUSAL, 400, "response", "", 2, false, 24), true,
     1, PT_CACHE_BACKOFF, false, 2, "response", ""},
    {"failure keeps a valid token", FAILED(PT_BACKOFF_FAILURE, 503, "response", "", 1, false, 2),
     true, 1, PT_CACHE_TOKEN, true, 1, "response", ""},
    {"failure without an answer", FAILED(PT_BACKOFF_FAILURE, 0, "connect", "", 3, false, 8), false,
     7, PT_CACHE_BACKOFF, false, 3, "connect", ""},
    {"Retry-After", FAILED(PT_BACKOFF_FAILURE, 503, "response", "", 1, true, 120), false, 0,
     PT_CACHE_BACKOFF, false, 1, "response", ""},
    {"words that are not words are not kept",
     FAILED(PT_BACKOFF_FAILURE, 500, "bad word", "no-dash", 1, false, 2), false, 0,
     PT_CACHE_BACKOFF, false, 1, "", ""},
    {"the most failures",
     FAILED(PT_BACKOFF_FAILURE, 503, "response", "", PT_CACHE_FAILURES_MAX, false, 30), false, 0,
     PT_CACHE_BACKOFF, false, PT_CACHE_FAILURES_MAX, "response", ""},
};

static void test_stored_failures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(store_rows) / sizeof(store_rows[0]); i++) {
		const struct store_row *r = &store_rows[i];
		struct pt_cache_entry keep;
		struct pt_cache_entry e;

		memset(&keep, 0, sizeof(keep));
		assert_true(pt_cache_store_token(&cache, "kept", 3600, (time_t)(NOW - 3560)));
		read_at(0, &keep);
		assert_int_equal(keep.kind, PT_CACHE_TOKEN);
		assert_true(
		    pt_cache_store_backoff(&cache, &r->b, (time_t)NOW, r->keep_token ? &keep : NULL));
		read_at(r->read_after, &e);
		if (e.kind != r->kind || (e.token != NULL) != r->token_kept) {
			fail_msg("%s: kind %d, token %s", r->name, e.kind, e.token ? e.token : "(none)");
		}
		assert_int_equal(e.backoff.kind, r->b.kind);
		assert_int_equal(e.backoff.status, r->b.status);
		assert_int_equal(e.backoff.failures, r->failures);
		assert_int_equal(e.backoff.retry_after, r->b.retry_after);
		assert_int_equal(e.backoff.length, r->b.length);
		assert_int_equal(e.backoff.ago, r->read_after);
		assert_int_equal(e.backoff.left, r->b.length - r->read_after);
		assert_string_equal(e.backoff.outcome, r->outcome);
		assert_string_equal(e.backoff.error, r->error);
		pt_cache_entry_clear(&e);
		pt_cache_entry_clear(&keep);
	}
}

/* A token stored reads back as itself; storing it forgets any failure. */
static void test_stored_token(void **state)
{
	static const char token[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_";
	struct pt_backoff b = FAILED(PT_BACKOFF_FAILURE, 503, "response", "", 1, false, 2);
	struct pt_cache_entry e;

	(void)state;
	assert_true(pt_cache_store_backoff(&cache, &b, (time_t)NOW, NULL));
	assert_true(pt_cache_store_token(&cache, token, 3600, (time_t)NOW));
	read_at(10, &e);
	assert_int_equal(e.kind, PT_CACHE_TOKEN);
	assert_string_equal(e.token, token);
	assert_int_equal(e.written, NOW);
	assert_int_equal(e.backoff.kind, PT_BACKOFF_NONE);
	assert_int_equal(e.valid_for, 3590);
	pt_cache_entry_clear(&e);
	/* Dropped only when it still holds the refused token (and with the lock). */
	assert_true(pt_cache_lock(&cache, 1e18, (time_t)NOW + 10, &(bool){false}));
	pt_cache_drop(&cache, "another");
	read_at(10, &e);
	assert_int_equal(e.kind, PT_CACHE_TOKEN);
	pt_cache_entry_clear(&e);
	pt_cache_drop(&cache, token);
	pt_cache_unlock(&cache);
	read_at(10, &e);
	assert_int_equal(e.kind, PT_CACHE_MISS);
	pt_cache_entry_clear(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entry_files),
	    cmocka_unit_test(test_renewal_edges),
	    cmocka_unit_test(test_stored_failures),
	    cmocka_unit_test(test_stored_token),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
