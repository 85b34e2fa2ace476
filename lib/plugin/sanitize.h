/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Server text made safe for plugin output: one line, no '|', valid
 * UTF-8, bounded length. */
#ifndef PT_SANITIZE_H
#define PT_SANITIZE_H

#include "util/buf.h"

#include <stddef.h>

/* Appends at most `max` bytes derived from src[0..len): control
 * characters (line breaks, tabs, NUL, DEL) become one space per run,
 * '|' becomes '/' (no text can end the text part early), invalid UTF-8
 * sequences become '?', leading and trailing spaces are dropped, and
 * text cut at `max` ends in "...". Everything else, '=' included, is
 * kept: a URL or a hint must read exactly as typed. What Sensu needs
 * of the text after the '|' is the Nagios writer's (output_nagios.c).
 * Returns false on allocation failure. */
bool pt_sanitize_append(struct pt_buf *out, const char *src, size_t len, size_t max);

/* The longest part of s[0..len) of at most max bytes that ends at a
 * UTF-8 character boundary: every cut of text goes through here. */
size_t pt_sanitize_cut(const char *s, size_t len, size_t max);

/* Appends a value the user gave, for an error message: sanitised, and
 * only up to its first '=' (then "..."), since what follows a '=' may be
 * a secret glued to a mistyped option. */
bool pt_sanitize_user_value(struct pt_buf *out, const char *value, size_t max);

/* A file or section name for a one-line message: a user value (above)
 * of at most PT_NAME_SHOWN bytes. */
bool pt_sanitize_name(struct pt_buf *out, const char *name);

/* Sanitises text line by line (each cut at PT_LINE_MAX) and appends
 * each with a "\n": for multi-line server text such as headers. */
bool pt_sanitize_lines(struct pt_buf *out, const char *src, size_t len);

#endif
