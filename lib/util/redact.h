/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Removing credentials from URLs and from text that quotes URLs (libcurl's
 * error messages, HTTP header lines) before they are shown. */
#ifndef PT_REDACT_H
#define PT_REDACT_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

#define PT_REDACTED "<redacted>"

/* Appends url[0..len) with its userinfo ("user:pass@") replaced by
 * "<redacted>@", every query value replaced by "<redacted>" (a query item
 * without '=' as a whole) and a fragment replaced by "<redacted>". The
 * userinfo is everything up to the last '@' before the query, the
 * fragment or the next URL: a password with a raw '/' is hidden too, and
 * a path holding an '@' is shown from that '@' on. Every URL in it is
 * redacted so, not only the first: another "scheme://" in the path starts
 * another URL ("http://a/x,http://user:pass@b/y"). Without "scheme://"
 * the text is taken as a path with an optional query. */
bool pt_redact_url(struct pt_buf *out, const char *url, size_t len);

/* Appends text[0..len) with every URL in it redacted as above: words
 * (split at blanks, quotes and angle brackets) holding "://" or '?' are
 * redacted as URLs, and in a word holding '@' outside a URL everything
 * before the last '@' is replaced ("user:pass@host" is a proxy written
 * without scheme). */
bool pt_redact_text(struct pt_buf *out, const char *text, size_t len);

#endif
