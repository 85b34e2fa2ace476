/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Credentials out of URLs and of text that quotes them. */
#include "config.h"

#include "redact.h"

#include <string.h>

static const char scheme_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789+.-";

static size_t span(const char *s, size_t len, const char *stop)
{
	size_t n = 0;

	while (n < len && !strchr(stop, s[n])) {
		n++;
	}
	return n;
}

/* The last '@' of s[0..len), or NULL. */
static const char *last_at(const char *s, size_t len)
{
	const char *at = NULL;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '@') {
			at = s + i;
		}
	}
	return at;
}

/* "?a=1&b" -> "?a=<redacted>&<redacted>"; q starts after the '?'. */
static bool redact_query(struct pt_buf *out, const char *q, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t item = span(q + i, len - i, "&;");
		const char *eq = memchr(q + i, '=', item);

		if (eq) {
			pt_buf_append(out, q + i, (size_t)(eq - (q + i)) + 1);
			if ((size_t)(eq - (q + i)) + 1 < item) {
				pt_buf_puts(out, PT_REDACTED);
			}
		} else if (item > 0) {
			pt_buf_puts(out, PT_REDACTED);
		}
		i += item;
		if (i < len) {
			pt_buf_append(out, q + i, 1);
			i++;
		}
	}
	return !out->failed;
}

/* Where the next URL starts in s[from..limit): the start of the
 * scheme of the next "scheme://" (a word may hold several URLs, as in
 * "http://a/x,http://user:pass@b/"), or limit when there is none. */
static size_t next_url(const char *s, size_t limit, size_t from)
{
	for (size_t i = from; i + 3 <= limit; i++) {
		size_t start = i;

		if (memcmp(s + i, "://", 3) != 0) {
			continue;
		}
		while (start > from && s[start - 1] != '\0' && strchr(scheme_chars, s[start - 1])) {
			start--;
		}
		if (start < i) {
			return start;
		}
	}
	return limit;
}

/* Appends one URL from url[0], and returns how much of url it was: up to
 * where another URL begins in its path, else all of it. Everything up to
 * the last '@' before the query, the fragment or the next URL is taken as
 * userinfo: a password with a raw '/' (which libcurl quotes whole when it
 * refuses such a proxy) is hidden too, at the price of a path holding an
 * '@' being shown from that '@' on. */
static size_t redact_one(struct pt_buf *out, const char *url, size_t len)
{
	size_t scheme = span(url, len, ":");
	size_t start = 0;
	size_t query;
	size_t next;
	size_t i;

	if (scheme > 0 && scheme + 3 <= len && memcmp(url + scheme, "://", 3) == 0 &&
	    strspn(url, scheme_chars) >= scheme) {
		start = scheme + 3;
	}
	query = start + span(url + start, len - start, "?#");
	/* From 1 at least: a URL at url[0] would have had its scheme. */
	next = next_url(url, query, start > 0 ? start : 1);
	pt_buf_append(out, url, start);
	i = start;
	if (start > 0 && last_at(url + start, next - start)) {
		pt_buf_puts(out, PT_REDACTED);
		i = (size_t)(last_at(url + start, next - start) - url);
	}
	pt_buf_append(out, url + i, next - i);
	if (next < query) {
		return next;
	}
	i = query;
	if (i < len && url[i] == '?') {
		size_t q = span(url + i + 1, len - i - 1, "#");

		pt_buf_puts(out, "?");
		redact_query(out, url + i + 1, q);
		i += 1 + q;
	}
	if (i < len && url[i] == '#') {
		pt_buf_puts(out, i + 1 < len ? "#" PT_REDACTED : "#");
	}
	return len;
}

bool pt_redact_url(struct pt_buf *out, const char *url, size_t len)
{
	size_t i = 0;

	while (i < len) {
		i += redact_one(out, url + i, len - i);
	}
	return !out->failed;
}

static bool is_delimiter(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\'' || c == '"' || c == '`' ||
	       c == '<' || c == '>';
}

/* Text without a scheme: everything before its last '@' is userinfo
 * ("user:pass@host" is a proxy written without scheme). Returns where
 * the rest begins. */
static const char *redact_userinfo(struct pt_buf *out, const char *w, size_t len)
{
	const char *at = last_at(w, len);

	if (!at) {
		return w;
	}
	pt_buf_puts(out, PT_REDACTED);
	return at;
}

static void redact_word(struct pt_buf *out, const char *w, size_t len)
{
	size_t start = next_url(w, len, 0);
	const char *rest;

	if (start < len) {
		/* Text glued before the scheme ("proxy:http://...") stays, but
		 * for a userinfo of its own. */
		rest = redact_userinfo(out, w, start);
		pt_buf_append(out, rest, start - (size_t)(rest - w));
		pt_redact_url(out, w + start, len - start);
		return;
	}
	rest = redact_userinfo(out, w, len);
	len -= (size_t)(rest - w);
	if (memchr(rest, '?', len)) {
		pt_redact_url(out, rest, len);
	} else {
		pt_buf_append(out, rest, len);
	}
}

bool pt_redact_text(struct pt_buf *out, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t word = 0;

		while (i < len && is_delimiter(text[i])) {
			pt_buf_append(out, text + i, 1);
			i++;
		}
		while (i + word < len && !is_delimiter(text[i + word])) {
			word++;
		}
		if (word > 0) {
			redact_word(out, text + i, word);
		}
		i += word;
	}
	return !out->failed;
}
