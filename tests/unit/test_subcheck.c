/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/subcheck.c, pt_state_max_alt (state.c) and
 * the reason vocabulary (reason.c): the run's state, reason and first
 * line derived from subchecks, whatever the order they were added in. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/reason.h"
#include "plugin/subcheck.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void test_max_state_alt(void **state)
{
	/* CRITICAL > WARNING > UNKNOWN > OK, in both argument orders. */
	static const enum pt_state order[] = {PT_OK, PT_UNKNOWN, PT_WARNING, PT_CRITICAL};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		for (size_t j = 0; j < 4; j++) {
			enum pt_state want = order[i > j ? i : j];

			assert_int_equal(pt_state_max_alt(order[i], order[j]), want);
			assert_int_equal(pt_state_max_alt(order[j], order[i]), want);
		}
	}
}

static void test_empty_list_is_ok(void **state)
{
	struct pt_subchecks l = {0};
	enum pt_state s;
	enum pt_reason r;

	(void)state;
	pt_subchecks_verdict(&l, &s, &r);
	assert_int_equal(s, PT_OK);
	assert_int_equal(r, PT_REASON_OK);
}

/* Added in reverse importance order: the list, the reason and the
 * summary still follow the importance order. */
static void test_importance_order_not_insertion_order(void **state)
{
	struct pt_subchecks l = {0};
	struct pt_buf sum = {0};
	enum pt_state s;
	enum pt_reason r;

	(void)state;
	pt_subcheck_add(&l, PT_SUBCHECK_CERTIFICATE, "certificate", PT_CRITICAL, PT_REASON_CERTIFICATE,
	                "certificate expires in 5 days");
	pt_subcheck_add(&l, PT_SUBCHECK_LATENCY, "latency", PT_WARNING, PT_REASON_LATENCY, "slow");
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:b", PT_OK, PT_REASON_OK, "b is 1");
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:a", PT_CRITICAL, PT_REASON_JSON, "a is 2");
	pt_subcheck_add(&l, PT_SUBCHECK_HTTP, "http", PT_CRITICAL, PT_REASON_SERVER_ERROR, "HTTP 500");
	pt_subcheck_add(&l, PT_SUBCHECK_CONNECTION, "connection", PT_OK, PT_REASON_OK, "up");
	assert_int_equal(l.n, 6);
	assert_string_equal(l.items[0].name, "connection");
	assert_string_equal(l.items[1].name, "http");
	assert_string_equal(l.items[2].name, "json:b"); /* one kind: as added */
	assert_string_equal(l.items[3].name, "json:a");
	assert_string_equal(l.items[4].name, "latency");
	assert_string_equal(l.items[5].name, "certificate");
	pt_subchecks_verdict(&l, &s, &r);
	assert_int_equal(s, PT_CRITICAL);
	assert_int_equal(r, PT_REASON_SERVER_ERROR);
	pt_subchecks_summary(&l, &sum);
	assert_string_equal(pt_buf_str(&sum), "HTTP 500; a is 2; certificate expires in 5 days");
	pt_buf_free(&sum);
}

static void test_unknown_below_warning(void **state)
{
	struct pt_subchecks l = {0};
	struct pt_buf sum = {0};
	enum pt_state s;
	enum pt_reason r;

	(void)state;
	pt_subcheck_add(&l, PT_SUBCHECK_CONNECTION, "connection", PT_UNKNOWN, PT_REASON_TIMEOUT,
	                "timeout");
	pt_subcheck_add(&l, PT_SUBCHECK_CERTIFICATE, "certificate", PT_WARNING, PT_REASON_CERTIFICATE,
	                "certificate expires in 20 days");
	pt_subchecks_verdict(&l, &s, &r);
	assert_int_equal(s, PT_WARNING);
	assert_int_equal(r, PT_REASON_CERTIFICATE);
	pt_subchecks_summary(&l, &sum);
	assert_string_equal(pt_buf_str(&sum), "certificate expires in 20 days");
	pt_buf_free(&sum);
}

/* Not evaluated subchecks never count, whatever state field they hold. */
static void test_not_evaluated_do_not_count(void **state)
{
	struct pt_subchecks l = {0};
	struct pt_buf sum = {0};
	enum pt_state s;
	enum pt_reason r;

	(void)state;
	pt_subcheck_add(&l, PT_SUBCHECK_CONNECTION, "connection", PT_OK, PT_REASON_TIMEOUT,
	                "timeout: no answer");
	pt_subcheck_skip(&l, PT_SUBCHECK_HTTP, "http", "no HTTP response");
	l.items[1].state = PT_CRITICAL;
	pt_subchecks_verdict(&l, &s, &r);
	assert_int_equal(s, PT_OK);
	/* The reason is the first subcheck's at the run's state, OK too. */
	assert_int_equal(r, PT_REASON_TIMEOUT);
	pt_subchecks_summary(&l, &sum);
	assert_string_equal(pt_buf_str(&sum), "timeout: no answer");
	assert_string_equal(pt_subcheck_state_name(&l.items[1]), "NOT EVALUATED");
	pt_buf_free(&sum);
}

static void test_all_ok_speaks_through_http(void **state)
{
	struct pt_subchecks l = {0};
	struct pt_buf sum = {0};

	(void)state;
	pt_subcheck_add(&l, PT_SUBCHECK_CONNECTION, "connection", PT_OK, PT_REASON_OK, "up");
	pt_subcheck_add(&l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK, "cached");
	pt_subcheck_add(&l, PT_SUBCHECK_HTTP, "http", PT_OK, PT_REASON_OK, "HTTP 200 in 0.041 s");
	pt_subcheck_add(&l, PT_SUBCHECK_LATENCY, "latency", PT_OK, PT_REASON_OK, "0.041 s");
	pt_subchecks_summary(&l, &sum);
	assert_string_equal(pt_buf_str(&sum), "HTTP 200 in 0.041 s");
	pt_buf_free(&sum);
}

/* The same text at the worst state is said once; texts are sanitised;
 * the first line stops at PT_SUMMARY_MAX and says how many were left. */
static void test_summary_dedup_sanitise_bound(void **state)
{
	struct pt_subchecks l = {0};
	struct pt_buf sum = {0};
	char name[32];

	(void)state;
	for (int i = 0; i < PT_EXPECT_MAX; i++) {
		snprintf(name, sizeof(name), "json:k%d", i);
		pt_subcheck_add(&l, PT_SUBCHECK_JSON, name, PT_CRITICAL, PT_REASON_JSON,
		                "the body is not JSON|x\n");
	}
	pt_subchecks_summary(&l, &sum);
	assert_string_equal(pt_buf_str(&sum), "the body is not JSON/x");
	pt_buf_free(&sum);

	memset(&l, 0, sizeof(l));
	for (int i = 0; i < PT_EXPECT_MAX; i++) {
		snprintf(name, sizeof(name), "json:k%d", i);
		pt_subcheck_add(&l, PT_SUBCHECK_JSON, name, PT_CRITICAL, PT_REASON_JSON, "k%d is %0100d", i,
		                i);
	}
	pt_subchecks_summary(&l, &sum);
	assert_true(sum.len <= PT_SUMMARY_MAX + 32);
	assert_non_null(strstr(pt_buf_str(&sum), "; and "));
	assert_non_null(strstr(pt_buf_str(&sum), " more"));
	pt_buf_free(&sum);
}

static void test_list_full(void **state)
{
	struct pt_subchecks l = {0};

	(void)state;
	for (int i = 0; i < PT_SUBCHECK_MAX; i++) {
		assert_non_null(pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:x", PT_OK, PT_REASON_OK, "x"));
	}
	assert_null(pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:x", PT_OK, PT_REASON_OK, "x"));
	pt_subcheck_skip(&l, PT_SUBCHECK_JSON, "json:y", "y");
	pt_subcheck_append_server_text(NULL, ": ", "ignored");
	assert_int_equal(l.n, PT_SUBCHECK_MAX);
}

/* Names are unique, whatever the judge adds: a repeated name gets "#2",
 * "#3" in the order added, and a name at the length limit is cut to make
 * room (not inside a UTF-8 sequence). */
static void test_names_unique(void **state)
{
	struct pt_subchecks l = {0};
	char longest[PT_SUBCHECK_NAME_MAX + 8];
	char utf8[PT_SUBCHECK_NAME_MAX + 8];

	(void)state;
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:status", PT_OK, PT_REASON_OK, "a");
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:status", PT_CRITICAL, PT_REASON_JSON, "b");
	pt_subcheck_skip(&l, PT_SUBCHECK_JSON, "json:status", "c");
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, "json:status#2", PT_OK, PT_REASON_OK, "d");
	pt_subcheck_add(&l, PT_SUBCHECK_HTTP, "http", PT_OK, PT_REASON_OK, "e");
	assert_int_equal(l.n, 5);
	assert_string_equal(l.items[0].name, "http");
	assert_string_equal(l.items[1].name, "json:status");
	assert_string_equal(l.items[2].name, "json:status#2");
	assert_string_equal(l.items[3].name, "json:status#3");
	assert_string_equal(l.items[4].name, "json:status#2#2");

	memset(&l, 0, sizeof(l));
	memset(longest, 'p', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, longest, PT_OK, PT_REASON_OK, "a");
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, longest, PT_OK, PT_REASON_OK, "b");
	assert_int_equal(strlen(l.items[1].name), PT_SUBCHECK_NAME_MAX - 1);
	assert_string_equal(l.items[1].name + PT_SUBCHECK_NAME_MAX - 3, "#2");
	assert_string_not_equal(l.items[0].name, l.items[1].name);

	memset(&l, 0, sizeof(l));
	memset(utf8, 'u', sizeof(utf8) - 1);
	utf8[sizeof(utf8) - 1] = '\0';
	/* "é" (2 bytes) where the cut for "#2" would split it. */
	memcpy(utf8 + PT_SUBCHECK_NAME_MAX - 5, "\xc3\xa9", 2);
	memcpy(utf8, "json:", 5);
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, utf8, PT_OK, PT_REASON_OK, "a");
	pt_subcheck_add(&l, PT_SUBCHECK_JSON, utf8, PT_OK, PT_REASON_OK, "b");
	assert_string_not_equal(l.items[0].name, l.items[1].name);
	assert_null(strstr(l.items[1].name, "\xc3#"));
	assert_string_equal(l.items[1].name + strlen(l.items[1].name) - 2, "#2");
}

/* Whether s is valid UTF-8 (RFC 3629: no overlong form, no surrogate,
 * nothing above U+10FFFF). */
static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80                  ? 1
		           : *p >= 0xc2 && *p <= 0xdf ? 2
		           : *p >= 0xe0 && *p <= 0xef ? 3
		           : *p >= 0xf0 && *p <= 0xf4 ? 4
		                                      : 0;

		if (n == 0) {
			return false;
		}
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				return false;
			}
		}
		if ((n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) ||
		    (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))) {
			return false;
		}
		p += n;
	}
	return true;
}

/* A text over the field is cut at a character boundary and ends in
 * "...", wherever the multi-byte characters stand (issue 22, bug 4): the
 * JSON output promises valid UTF-8. Each row is cut at every offset of a
 * two-, three- and four-byte character. */
static void test_text_cut_at_a_character(void **state)
{
	static const char *const chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x99\x82"};

	(void)state;
	for (size_t k = 0; k < sizeof(chars) / sizeof(chars[0]); k++) {
		for (size_t shift = 0; shift < 4; shift++) {
			char ascii[PT_SUBCHECK_TEXT_MAX];
			char wide[4 * PT_SUBCHECK_TEXT_MAX] = "";
			struct pt_subchecks l = {0};
			struct pt_subcheck *c;

			memset(ascii, 'a', sizeof(ascii));
			ascii[PT_SUBCHECK_TEXT_MAX - 40 + shift] = '\0';
			for (size_t i = 0; i < PT_SUBCHECK_TEXT_MAX / 2; i++) {
				strcat(wide, chars[k]);
			}
			/* formatted longer than the field */
			c = pt_subcheck_add(&l, PT_SUBCHECK_HTTP, "http", PT_OK, PT_REASON_OK, "%.*s%s",
			                    (int)shift, "xyz", wide);
			assert_true(valid_utf8(c->text));
			assert_string_equal(c->text + strlen(c->text) - 3, "...");
			/* server text appended to a text near the end of the field */
			c = pt_subcheck_add(&l, PT_SUBCHECK_TOKEN, "token", PT_OK, PT_REASON_OK, "%s", ascii);
			pt_subcheck_append_server_text(c, ": ", wide);
			assert_true(valid_utf8(c->text));
			assert_string_equal(c->text + strlen(c->text) - 3, "...");
			/* a prefix pushes the end of a full text out */
			c = pt_subcheck_add(&l, PT_SUBCHECK_CONNECTION, "connection", PT_OK, PT_REASON_OK,
			                    "%s%s", ascii, wide);
			pt_subcheck_prefix_text(c, "remembered failure from 3 s ago: ");
			assert_true(valid_utf8(c->text));
			assert_int_equal(strncmp(c->text, "remembered failure from 3 s ago: aaa", 36), 0);
			assert_string_equal(c->text + strlen(c->text) - 3, "...");
		}
	}
}

static void test_reason_vocabulary(void **state)
{
	static const char *const words[] = {
	    "ok",          "dns",          "connect",        "tls",          "proxy",
	    "timeout",     "auth",         "rate_limited",   "client_error", "server_error",
	    "redirect",    "bad_response", "body_too_large", "json",         "latency",
	    "certificate", "config",       "internal",
	};

	(void)state;
	assert_int_equal(sizeof(words) / sizeof(words[0]), PT_REASON_COUNT);
	for (int i = 0; i < PT_REASON_COUNT; i++) {
		assert_string_equal(pt_reason_name((enum pt_reason)i), words[i]);
	}
	assert_string_equal(pt_reason_name(PT_REASON_COUNT), "internal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_max_state_alt),
	    cmocka_unit_test(test_empty_list_is_ok),
	    cmocka_unit_test(test_importance_order_not_insertion_order),
	    cmocka_unit_test(test_unknown_below_warning),
	    cmocka_unit_test(test_not_evaluated_do_not_count),
	    cmocka_unit_test(test_all_ok_speaks_through_http),
	    cmocka_unit_test(test_summary_dedup_sanitise_bound),
	    cmocka_unit_test(test_list_full),
	    cmocka_unit_test(test_names_unique),
	    cmocka_unit_test(test_text_cut_at_a_character),
	    cmocka_unit_test(test_reason_vocabulary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
