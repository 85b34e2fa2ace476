/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sanitising of text that came from the server. */
#include "config.h"

#include "sanitize.h"
#include "util/limits.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n;
	uint32_t cp;
	size_t i;

	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < n) {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0;
	}
	return n;
}

/* C0 and C1 controls (U+0085 is a line break), DEL, the space, and the
 * format characters that break or reorder a line: U+2028, U+2029 and
 * the bidirectional controls U+202A..U+202E, U+2066..U+2069. */
static bool is_blank(const unsigned char *s, size_t n)
{
	if (n == 1) {
		return s[0] <= 0x20 || s[0] == 0x7f;
	}
	if (n == 2) {
		return s[0] == 0xc2 && s[1] < 0xa0;
	}
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x80) {
		return s[2] >= 0xa8 && s[2] <= 0xae;
	}
	return n == 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9;
}

size_t pt_sanitize_cut(const char *s, size_t len, size_t max)
{
	size_t at = max;

	if (len <= max) {
		return len;
	}
	while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80) {
		at--;
	}
	return at;
}

bool pt_sanitize_append(struct pt_buf *out, const char *src, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t start = out->len;
	size_t i = 0;
	bool space = false;
	bool cut = false;

	/* Bound the work for huge inputs: a bit more than max is enough to
	 * know that the text must be cut. */
	if (max < (size_t)-1 / 8 && len > max * 4 + 16) {
		len = max * 4 + 16;
		cut = true;
	}
	while (i < len) {
		size_t n = utf8_len(s + i, len - i);
		const char *c = (const char *)s + i;

		if (n > 0 && is_blank(s + i, n)) {
			space = true;
			i += n;
			continue;
		}
		if (space && out->len > start && !pt_buf_append(out, " ", 1)) {
			return false;
		}
		space = false;
		if (n == 0) {
			c = "?";
			n = 1;
			i++;
		} else {
			if (n == 1 && s[i] == '|') {
				c = "/";
			}
			i += n;
		}
		if (!pt_buf_append(out, c, n)) {
			return false;
		}
	}
	if (cut || out->len - start > max) {
		/* "..." marks the cut, where there is room for it. */
		size_t dots = max >= 3 ? 3 : 0;
		size_t keep = max - dots;

		if (keep > out->len - start) {
			keep = out->len - start;
		}
		if (out->data) {
			out->len = start + pt_sanitize_cut(out->data + start, out->len - start, keep);
			while (out->len > start && out->data[out->len - 1] == ' ') {
				out->len--;
			}
			out->data[out->len] = '\0';
		}
		return pt_buf_append(out, "...", dots);
	}
	return true;
}

bool pt_sanitize_lines(struct pt_buf *out, const char *src, size_t len)
{
	size_t start = 0;

	while (start < len) {
		const char *nl = memchr(src + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - src) : len;

		if (end > start && !pt_sanitize_append(out, src + start, end - start, PT_LINE_MAX)) {
			return false;
		}
		if (end > start && !pt_buf_append(out, "\n", 1)) {
			return false;
		}
		start = end + 1;
	}
	return true;
}

bool pt_sanitize_user_value(struct pt_buf *out, const char *value, size_t max)
{
	size_t shown = strcspn(value, "=");
	size_t before = out->len;

	if (!pt_sanitize_append(out, value, shown, max)) {
		return false;
	}
	/* One "..." even when the part before '=' was cut already. */
	if (!value[shown] || (out->len - before >= 3 && strcmp(out->data + out->len - 3, "...") == 0)) {
		return true;
	}
	return pt_buf_puts(out, "...");
}

/* Names come from the command line and the file system; a path that
 * holds a '=' is more likely a secret typed in the wrong place. */
bool pt_sanitize_name(struct pt_buf *out, const char *name)
{
	return pt_sanitize_user_value(out, name, PT_NAME_SHOWN);
}
