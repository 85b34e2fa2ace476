/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the sanitiser of server text (pt_sanitize_append and
 * pt_sanitize_lines). The first input byte is `max` (0..255) for
 * pt_sanitize_append; bit 0 of the second byte (when there are two)
 * says whether the buffer already holds text, which must be kept; the
 * rest is the server text.
 *
 * Invariants on what pt_sanitize_append appended (sanitize.h):
 * - no '|', no byte below 0x20, no 0x7f; valid UTF-8 without
 *   C1 controls, U+2028/U+2029 or bidi controls (U+202A..U+202E,
 *   U+2066..U+2069); no leading or trailing blank, no two blanks in a
 *   row;
 * - at most `max` bytes;
 * - text that needed no change and fits comes out unchanged;
 * - text already in the buffer is kept.
 * pt_sanitize_user_value: the part of the value before its first '='
 * sanitised as above, then "..." when there was a '='; nothing after
 * the '=' shows.
 * pt_sanitize_lines: every line obeys the same rules, is at most
 * PT_LINE_MAX bytes and ends in "\n". */
#include "config.h"

#include "plugin/sanitize.h"
#include "util/buf.h"
#include "util/limits.h"

#include "harness.h"

#define INPUT_MAX (64 * 1024)
#define PREFIX    "prefix | \n"

static void check_clean(const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;

	FUZZ_CHECK(len <= max);
	FUZZ_CHECK(fuzz_utf8_valid(u, len));
	for (size_t i = 0; i < len; i++) {
		FUZZ_CHECK(u[i] >= 0x20 && u[i] != 0x7f && u[i] != '|');
		/* C1 controls, U+0080..U+009F, are C2 80..C2 9F. */
		if (u[i] == 0xc2 && i + 1 < len) {
			FUZZ_CHECK(u[i + 1] >= 0xa0);
		}
		/* Line and paragraph separators and bidi controls:
		 * U+2028..U+202E (E2 80 A8..AE), U+2066..U+2069 (E2 81 A6..A9). */
		if (u[i] == 0xe2 && i + 2 < len) {
			FUZZ_CHECK(!(u[i + 1] == 0x80 && u[i + 2] >= 0xa8 && u[i + 2] <= 0xae));
			FUZZ_CHECK(!(u[i + 1] == 0x81 && u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9));
		}
		if (u[i] == ' ') {
			FUZZ_CHECK(i > 0 && i + 1 < len && u[i + 1] != ' ');
		}
	}
}

/* Printable ASCII without '|', single inner blanks only. */
static bool already_clean(const uint8_t *s, size_t len)
{
	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ') {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f || s[i] == '|') {
			return false;
		}
		if (s[i] == ' ' && s[i + 1] == ' ') {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_buf out = {0};
	size_t max;
	bool prefix;
	const uint8_t *text;
	size_t len;
	char *copy;
	size_t start;

	if (size == 0 || size > INPUT_MAX) {
		return 0;
	}
	max = data[0];
	prefix = size > 1 && (data[1] & 1);
	text = data + (size > 1 ? 2 : 1);
	len = size - (size > 1 ? 2 : 1);
	/* An exact-size copy: no NUL after it to lean on. */
	copy = malloc(len ? len : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, text, len);

	if (prefix) {
		FUZZ_CHECK(pt_buf_puts(&out, PREFIX));
	}
	start = out.len;
	FUZZ_CHECK(pt_sanitize_append(&out, copy, len, max));
	FUZZ_CHECK(!out.failed);
	if (prefix) {
		FUZZ_CHECK(strncmp(out.data, PREFIX, start) == 0);
	}
	/* pt_buf_str: data is NULL while nothing was appended. */
	FUZZ_CHECK(strlen(pt_buf_str(&out)) == out.len);
	check_clean(pt_buf_str(&out) + start, out.len - start, max);
	if (len <= max && already_clean(text, len)) {
		FUZZ_CHECK(out.len - start == len && memcmp(pt_buf_str(&out) + start, text, len) == 0);
	}
	pt_buf_free(&out);

	/* A value the user gave: what pt_sanitize_append makes of the part
	 * before the first '=', then "..." when there was a '=' (what
	 * follows may be a secret and must not show at all) and that part
	 * was not already cut with a "..." of its own. */
	{
		struct pt_buf want = {0};
		char *value = fuzz_strndup(text, len);
		size_t shown = strcspn(value, "=");

		FUZZ_CHECK(pt_sanitize_user_value(&out, value, max));
		FUZZ_CHECK(pt_sanitize_append(&want, value, shown, max));
		bool cut = want.len >= 3 && strcmp(want.data + want.len - 3, "...") == 0;

		if (value[shown] && !cut) {
			FUZZ_CHECK(pt_buf_puts(&want, "..."));
		}
		FUZZ_CHECK(out.len == want.len &&
		           memcmp(pt_buf_str(&out), pt_buf_str(&want), out.len) == 0);
		check_clean(pt_buf_str(&out), out.len - (value[shown] && !cut ? 3 : 0), max);
		pt_buf_free(&want);
		pt_buf_free(&out);
		free(value);
	}

	/* Line by line. */
	FUZZ_CHECK(pt_sanitize_lines(&out, copy, len));
	for (size_t i = 0; i < out.len;) {
		const char *nl = memchr(out.data + i, '\n', out.len - i);

		FUZZ_CHECK(nl != NULL);
		check_clean(out.data + i, (size_t)(nl - out.data) - i, PT_LINE_MAX);
		i = (size_t)(nl - out.data) + 1;
	}
	FUZZ_CHECK(strlen(pt_buf_str(&out)) == out.len);
	pt_buf_free(&out);
	free(copy);
	return 0;
}
