/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the redaction of URLs and of text that quotes them
 * (pt_redact_url, pt_redact_text): libcurl's error texts and the header
 * lines of the -vvv trace, both partly server-made. The input is the
 * text, without a NUL after it.
 *
 * Invariants on pt_redact_url's output, read back independently:
 * - after every "scheme://" up to the next '?', '#' or "scheme://"
 *   (every URL of the text, not only the first), there is no '@' but
 *   the one of a leading "<redacted>@";
 * - every item of the query that follows (split at '&' and ';') is "",
 *   "<redacted>", "name=" or "name=<redacted>";
 * - a fragment is "" or "<redacted>".
 * pt_redact_text: a well-formed buffer in which every '@' follows
 * "<redacted>" or a '?' of its word, and the same output as
 * pt_redact_url for a single word holding "://" at its scheme. */
#include "config.h"

#include "util/buf.h"
#include "util/redact.h"

#include "harness.h"

#define INPUT_MAX (16 * 1024)

static const char scheme_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789+.-";

static bool has_scheme(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ':') {
		n++;
	}
	if (n == 0 || n + 3 > len || memcmp(s + n, "://", 3) != 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0' || !strchr(scheme_chars, s[i])) {
			return false;
		}
	}
	return true;
}

static bool one_of(const char *s, size_t len, const char *set)
{
	for (size_t i = 0; i < len; i++) {
		if (strchr(set, s[i])) {
			return true;
		}
	}
	return false;
}

/* The first "scheme://" in s[from..limit) with at least one scheme
 * character (not before from): where its scheme starts, *sep where its
 * "://" is; limit when there is none. */
static size_t scheme_at(const char *s, size_t from, size_t limit, size_t *sep)
{
	for (size_t i = from; i + 3 <= limit; i++) {
		size_t start = i;

		if (memcmp(s + i, "://", 3) != 0) {
			continue;
		}
		while (start > from && strchr(scheme_chars, s[start - 1])) {
			start--;
		}
		if (start < i) {
			*sep = i;
			return start;
		}
	}
	return limit;
}

static void check_item(const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);

	if (eq) {
		size_t v = len - (size_t)(eq - s) - 1;

		FUZZ_CHECK(v == 0 || (v == strlen(PT_REDACTED) && memcmp(eq + 1, PT_REDACTED, v) == 0));
	} else {
		FUZZ_CHECK(len == 0 || (len == strlen(PT_REDACTED) && memcmp(s, PT_REDACTED, len) == 0));
	}
}

/* The part of a URL that may hold userinfo: no '@' in it but one right
 * after a leading "<redacted>". */
static void check_authority(const char *s, size_t len)
{
	size_t skip = strlen(PT_REDACTED) + 1;

	if (len >= skip && memcmp(s, PT_REDACTED "@", skip) == 0) {
		s += skip;
		len -= skip;
	}
	FUZZ_CHECK(memchr(s, '@', len) == NULL);
}

static void check_url(const char *out, size_t len)
{
	size_t pos = 0;
	size_t end = strcspn(out, "?#");
	size_t sep;

	/* Every URL before the query or fragment of the last one. */
	for (;;) {
		size_t start = scheme_at(out, pos, end, &sep);
		size_t next_sep;
		size_t next;

		if (start == end) {
			break;
		}
		end = sep + 3 + strcspn(out + sep + 3, "?#");
		next = scheme_at(out, sep + 3, end, &next_sep);
		check_authority(out + sep + 3, next - (sep + 3));
		if (next == end) {
			break;
		}
		pos = next;
	}
	if (end < len && out[end] == '?') {
		size_t stop = end + 1 + strcspn(out + end + 1, "#");
		size_t p = end + 1;

		for (;;) {
			size_t item = strcspn(out + p, "&;#");

			if (p + item > stop) {
				item = stop - p;
			}
			check_item(out + p, item);
			p += item;
			if (p >= stop) {
				break;
			}
			p++; /* the separator */
		}
		end = stop;
	}
	if (end < len && out[end] == '#') {
		FUZZ_CHECK(strcmp(out + end + 1, "") == 0 || strcmp(out + end + 1, PT_REDACTED) == 0);
	}
}

/* Text: every '@' follows "<redacted>" or a '?' of its word (a query's
 * names are kept). "<redacted>" itself holds the delimiters '<' and '>'. */
static void check_text(const char *out, size_t len)
{
	size_t r = strlen(PT_REDACTED);

	for (size_t i = 0; i < len; i++) {
		size_t k = i;
		bool query = false;

		if (out[i] != '@' || (i >= r && memcmp(out + i - r, PT_REDACTED, r) == 0)) {
			continue;
		}
		while (k > 0 && !query) {
			if (k >= r && memcmp(out + k - r, PT_REDACTED, r) == 0) {
				k -= r;
				continue;
			}
			if (strchr(" \t\r\n'\"`<>", out[k - 1])) {
				break;
			}
			query = out[--k] == '?';
		}
		FUZZ_CHECK(query);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_buf url = {0};
	struct pt_buf text = {0};
	char *copy;

	if (size > INPUT_MAX) {
		return 0;
	}
	/* An exact-size copy: no NUL after it to lean on. */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);

	FUZZ_CHECK(pt_redact_url(&url, copy, size));
	FUZZ_CHECK(pt_redact_text(&text, copy, size));
	FUZZ_CHECK(!url.failed && !text.failed);
	/* A NUL in the input ends neither: the checks below read C strings. */
	if (!memchr(copy, '\0', size)) {
		FUZZ_CHECK(strlen(pt_buf_str(&url)) == url.len);
		FUZZ_CHECK(strlen(pt_buf_str(&text)) == text.len);
		check_url(pt_buf_str(&url), url.len);
		check_text(pt_buf_str(&text), text.len);
		/* One word that is a URL: pt_redact_text redacts it as a URL. */
		if (has_scheme(copy, size) && !one_of(copy, size, " \t\r\n'\"`<>")) {
			FUZZ_CHECK(text.len == url.len && memcmp(text.data, url.data, url.len) == 0);
		}
	}
	pt_buf_free(&url);
	pt_buf_free(&text);
	free(copy);
	return 0;
}
