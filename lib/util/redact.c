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

bool pt_redact_url(struct pt_buf *out, const char *url, size_t len)
{
	size_t scheme = span(url, len, ":");
	size_t i = 0;
	size_t path;

	/* scheme://[userinfo@]host: the authority ends at '/', '?' or '#'. */
	if (scheme > 0 && scheme + 3 <= len && memcmp(url + scheme, "://", 3) == 0 &&
	    strspn(url, scheme_chars) >= scheme) {
		size_t start = scheme + 3;
		size_t auth = span(url + start, len - start, "/?#");
		const char *at = NULL;

		for (size_t k = 0; k < auth; k++) {
			if (url[start + k] == '@') {
				at = url + start + k;
			}
		}
		pt_buf_append(out, url, start);
		if (at) {
			pt_buf_puts(out, PT_REDACTED);
			pt_buf_append(out, at, (size_t)(url + start + auth - at));
		} else {
			pt_buf_append(out, url + start, auth);
		}
		i = start + auth;
	}
	path = span(url + i, len - i, "?#");
	pt_buf_append(out, url + i, path);
	i += path;
	if (i < len && url[i] == '?') {
		size_t q = span(url + i + 1, len - i - 1, "#");

		pt_buf_puts(out, "?");
		redact_query(out, url + i + 1, q);
		i += 1 + q;
	}
	if (i < len && url[i] == '#') {
		pt_buf_puts(out, i + 1 < len ? "#" PT_REDACTED : "#");
	}
	return !out->failed;
}

static bool is_delimiter(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\'' || c == '"' || c == '`' ||
	       c == '<' || c == '>';
}

static const char *find(const char *s, size_t len, const char *what)
{
	size_t n = strlen(what);

	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(s + i, what, n) == 0) {
			return s + i;
		}
	}
	return NULL;
}

static void redact_word(struct pt_buf *out, const char *w, size_t len)
{
	const char *sep = find(w, len, "://");
	const char *at = NULL;

	if (sep) {
		/* Text glued before the scheme ("proxy:http://...") stays. */
		const char *start = sep;

		while (start > w && start[-1] != '\0' && strchr(scheme_chars, start[-1])) {
			start--;
		}
		pt_buf_append(out, w, (size_t)(start - w));
		pt_redact_url(out, start, len - (size_t)(start - w));
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (w[i] == '@') {
			at = w + i;
		}
	}
	if (at) {
		pt_buf_puts(out, PT_REDACTED);
		len -= (size_t)(at - w);
		w = at;
	}
	if (memchr(w, '?', len)) {
		pt_redact_url(out, w, len);
	} else {
		pt_buf_append(out, w, len);
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
