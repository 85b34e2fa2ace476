/* URLs as they may be shown. */
#include "config.h"

#include "url_redact.h"

#include <string.h>

/* name=value&name=value -> name=<redacted>&name=<redacted> */
static void redact_query(const char *q, struct pt_buf *out)
{
	while (*q && *q != '#') {
		size_t pair = strcspn(q, "&#");
		const char *eq = memchr(q, '=', pair);

		if (eq) {
			pt_buf_append(out, q, (size_t)(eq - q));
			pt_buf_puts(out, "=<redacted>");
		} else {
			pt_buf_append(out, q, pair);
		}
		q += pair;
		if (*q == '&') {
			pt_buf_puts(out, "&");
			q++;
		}
	}
}

bool pt_url_redact(const char *url, struct pt_buf *out)
{
	const char *scheme = strstr(url, "://");
	const char *authority = scheme ? scheme + 3 : url;
	size_t auth_len = strcspn(authority, "/?#");
	const char *at = NULL;
	const char *rest;
	size_t path_len;

	/* The last '@' of the authority ends the userinfo (a password may
	 * hold an unescaped '@'). */
	for (const char *p = authority; p < authority + auth_len; p++) {
		if (*p == '@') {
			at = p;
		}
	}
	pt_buf_append(out, url, (size_t)(authority - url));
	if (at) {
		pt_buf_append(out, at + 1, (size_t)(authority + auth_len - at - 1));
	} else {
		pt_buf_append(out, authority, auth_len);
	}
	rest = authority + auth_len;
	path_len = strcspn(rest, "?#");
	pt_buf_append(out, rest, path_len);
	if (rest[path_len] == '?') {
		pt_buf_puts(out, "?");
		redact_query(rest + path_len + 1, out);
	}
	return !out->failed;
}
