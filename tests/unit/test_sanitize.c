/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/sanitize.c: server text made safe for the
 * plugin's output line. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA(s) s, sizeof(s) - 1

struct san_row {
	const char *name;
	const char *in;
	size_t len;
	size_t max;
	const char *expect;
};

static const struct san_row san_rows[] = {
    {"plain", DATA("hello"), 100, "hello"},
    {"empty", DATA(""), 100, ""},
    /* '|' would start perfdata */
    {"pipe", DATA("a|b"), 100, "a/b"},
    {"pipes", DATA("||x||"), 100, "//x//"},
    /* control characters: one space per run */
    {"CRLF", DATA("a\r\nb"), 100, "a b"},
    {"LF", DATA("a\nb"), 100, "a b"},
    {"CR", DATA("a\rb"), 100, "a b"},
    {"TAB run", DATA("a\t\t\tb"), 100, "a b"},
    {"NUL", DATA("a\0b"), 100, "a b"},
    {"NUL run", DATA("a\0\0\0b"), 100, "a b"},
    {"DEL", DATA("a\177b"), 100, "a b"},
    {"ESC sequence", DATA("a\x1b[31mred"), 100, "a [31mred"},
    {"blanks around a line break", DATA("a \n b"), 100, "a b"},
    {"mixed run", DATA("a\r\n\t\0 \x01\x1f\x7f b"), 100, "a b"},
    {"several runs", DATA("a\nb\nc"), 100, "a b c"},
    {"space runs collapse", DATA("a    b"), 100, "a b"},
    /* leading and trailing blanks dropped */
    {"leading and trailing", DATA("  \n hello \r\n"), 100, "hello"},
    {"only controls", DATA("\r\n\t\0 "), 100, ""},
    /* invalid UTF-8: '?' per bad byte */
    {"lone continuation", DATA("a\200b"), 100, "a?b"},
    {"two continuations", DATA("a\x80\277b"), 100, "a??b"},
    {"overlong '/' (2 bytes)", DATA("\xc0\xaf"), 100, "??"},
    {"overlong NUL (2 bytes)", DATA("a\xc0\200b"), 100, "a??b"},
    {"overlong (3 bytes)", DATA("\xe0\x80\xaf"), 100, "???"},
    {"overlong (4 bytes)", DATA("\xf0\x80\x80\xaf"), 100, "????"},
    {"surrogate high", DATA("\xed\xa0\x80"), 100, "???"},
    {"surrogate low", DATA("\xed\xbf\xbf"), 100, "???"},
    {"0xff", DATA("a\377b"), 100, "a?b"},
    {"0xfe", DATA("\xfe"), 100, "?"},
    {"above U+10FFFF", DATA("\xf4\x90\x80\x80"), 100, "????"},
    {"F5 lead", DATA("\xf5\x80\x80\x80"), 100, "????"},
    {"truncated at the end", DATA("a\xe2\x82"), 100, "a??"},
    {"truncated before ASCII", DATA("\xe2\x82x"), 100, "??x"},
    {"lead byte then ASCII", DATA("\xc3x"), 100, "?x"},
    /* valid multibyte kept */
    {"2 bytes", DATA("caf\xc3\xa9"), 100, "caf\xc3\xa9"},
    {"3 bytes", DATA("5 \xe2\x82\xac"), 100, "5 \xe2\x82\xac"},
    {"4 bytes", DATA("\xf0\x9f\x98\x80!"), 100, "\xf0\x9f\x98\x80!"},
    {"CJK", DATA("\xe6\x97\xa5\xe6\x9c\xac"), 100, "\xe6\x97\xa5\xe6\x9c\xac"},
    {"U+00A0 kept", DATA("a\xc2\240b"), 100, "a\xc2\240b"},
    {"U+10FFFF kept", DATA("\xf4\x8f\xbf\xbf"), 100, "\xf4\x8f\xbf\xbf"},
    {"U+FFFD kept", DATA("\xef\xbf\xbd"), 100, "\xef\xbf\xbd"},
    /* C1 controls (U+0080..U+009F) are control characters too */
    {"C1 NEL", DATA("a\xc2\205b"), 100, "a b"},
    {"C1 CSI", DATA("a\xc2\23331mb"), 100, "a 31mb"},
    {"C1 U+0080", DATA("a\xc2\200b"), 100, "a b"},
    /* the length bound */
    {"exactly max", DATA("0123456789"), 10, "0123456789"},
    {"one over max", DATA("0123456789A"), 10, "0123456..."},
    {"cut", DATA("hello world, long"), 10, "hello w..."},
    {"cut drops the blank before ...", DATA("abcdef ghijkl"), 10, "abcdef..."},
    {"cut counts the output, not the input", DATA("a\r\n\r\n\r\nb"), 3, "a b"},
    {"cut inside 2-byte chars", DATA("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 8,
     "\xc3\xa9\xc3\xa9..."},
    {"cut inside 3-byte chars", DATA("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"), 7, "\xe2\x82\xac..."},
    {"cut inside a 4-byte char", DATA("ab\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 8, "ab..."},
    {"max 3", DATA("hello"), 3, "..."},
    {"pipe before the cut", DATA("a|b|c|d|e|f"), 6, "a/b..."},
    /* Kept as typed: what Sensu needs is the Nagios writer's (test_output.c). */
    {"equals signs are kept", DATA("--base-url=http://h/sim/delay=2/"), 100,
     "--base-url=http://h/sim/delay=2/"},
};

static void test_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(san_rows) / sizeof(san_rows[0]); i++) {
		const struct san_row *r = &san_rows[i];
		struct pt_buf out = {0};
		bool ok = pt_sanitize_append(&out, r->in, r->len, r->max);

		if (!ok || strcmp(pt_buf_str(&out), r->expect) != 0) {
			print_error("row %zu (%s): ok=%d\n  expected \"%s\"\n  got      \"%s\"\n", i, r->name,
			            ok, r->expect, pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* The bound and the trimming apply to the appended part only. */
static void test_appends(void **state)
{
	struct pt_buf out = {0};

	(void)state;
	assert_true(pt_buf_puts(&out, "error: "));
	assert_true(pt_sanitize_append(&out, DATA("  x|y \n"), 100));
	assert_string_equal(pt_buf_str(&out), "error: x/y");
	assert_true(pt_buf_puts(&out, " - "));
	assert_true(pt_sanitize_append(&out, DATA("0123456789abc"), 10));
	assert_string_equal(pt_buf_str(&out), "error: x/y - 0123456...");
	assert_int_equal(out.len, strlen(out.data));
	pt_buf_free(&out);
}

/* Text pushed past the work bound by a long run of line breaks is
 * still text that was cut. */
static void test_cut_after_long_run(void **state)
{
	size_t len = 100000;
	char *in = malloc(len);
	struct pt_buf out1 = {0};
	struct pt_buf out2 = {0};
	char got1[16];
	char got2[16];

	(void)state;
	assert_non_null(in);
	memset(in, '\n', len);
	memcpy(in + len - 4, "text", 4);
	assert_true(pt_buf_puts(&out1, "p:"));
	assert_true(pt_sanitize_append(&out1, in, len, 100));
	assert_true(pt_sanitize_append(&out2, in, len, 100));
	/* copied out and freed first, so that a failure leaks nothing */
	snprintf(got1, sizeof(got1), "%s", pt_buf_str(&out1));
	snprintf(got2, sizeof(got2), "%s", pt_buf_str(&out2));
	pt_buf_free(&out1);
	pt_buf_free(&out2);
	free(in);
	assert_string_equal(got1, "p:...");
	assert_string_equal(got2, "...");
}

static void test_huge_input(void **state)
{
	size_t len = 16 * 1024 * 1024;
	char *in = malloc(len);
	struct pt_buf out = {0};
	size_t i;

	(void)state;
	assert_non_null(in);
	/* "é" repeated: the cut must land between characters */
	for (i = 0; i + 1 < len; i += 2) {
		in[i] = (char)0xc3;
		in[i + 1] = (char)0xa9;
	}
	assert_true(pt_sanitize_append(&out, in, len, 1001));
	assert_int_equal(out.len, 998 + 3);
	assert_string_equal(out.data + out.len - 3, "...");
	assert_true((unsigned char)out.data[out.len - 4] == 0xa9);
	/* the buffer did not grow with the input */
	assert_true(out.cap < 64 * 1024);
	pt_buf_free(&out);

	memset(in, 'a', len);
	assert_true(pt_sanitize_append(&out, in, len, 100));
	assert_int_equal(out.len, 100);
	assert_int_equal(strspn(out.data, "a"), 97);
	pt_buf_free(&out);
	free(in);
}

/* Strict UTF-8 without C0/C1 controls, DEL or '|'. */
static bool clean_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;
		size_t k;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f || c == '|') {
				return false;
			}
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n > len) {
			return false;
		}
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				return false;
			}
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0xa0) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			return false;
		}
		i += n;
	}
	return true;
}

/* Random bytes (a fixed seed, so failures repeat): whatever comes in,
 * what goes out is one clean, bounded, trimmed line. */
static void test_random_input(void **state)
{
	unsigned int seed = 12345;
	int round;
	int bad = 0;

	(void)state;
	for (round = 0; round < 3000; round++) {
		unsigned char in[300];
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(in));
		size_t max = 3 + (size_t)(rand_r(&seed) % 120);
		struct pt_buf out = {0};
		size_t i;

		for (i = 0; i < len; i++) {
			int pick = rand_r(&seed) % 4;

			/* lean towards the interesting bytes */
			in[i] = pick == 0   ? (unsigned char)(rand_r(&seed) % 0x20)
			        : pick == 1 ? (unsigned char)(0x80 + rand_r(&seed) % 0x80)
			                    : (unsigned char)(rand_r(&seed) % 0x100);
		}
		assert_true(pt_sanitize_append(&out, (const char *)in, len, max));
		if (out.len > max || !clean_utf8((const unsigned char *)pt_buf_str(&out), out.len) ||
		    (out.len && (out.data[0] == ' ' || out.data[out.len - 1] == ' ')) ||
		    strlen(pt_buf_str(&out)) != out.len) {
			print_error("round %d (len %zu, max %zu): bad output \"%s\"\n", round, len, max,
			            pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* Values the user gave are echoed only up to a '=' (a secret may follow
 * it), with one "..." however they were cut. */
static void test_user_value(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
	} rows[] = {
	    {"plain", 80, "plain"},   {"lient-secret=S3CRET", 80, "lient-secret..."},
	    {"a\nb=c", 80, "a b..."}, {"0123456789=x", 8, "01234..."},
	    {"=secret", 80, "..."},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf out = {0};

		assert_true(pt_sanitize_user_value(&out, rows[i].in, rows[i].max));
		if (strcmp(pt_buf_str(&out), rows[i].out) != 0) {
			fail_msg("row %zu: got '%s', want '%s'", i, pt_buf_str(&out), rows[i].out);
		}
		pt_buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_cut_after_long_run),
	    cmocka_unit_test(test_huge_input),
	    cmocka_unit_test(test_random_input),
	    cmocka_unit_test(test_user_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
