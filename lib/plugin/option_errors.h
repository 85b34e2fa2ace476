/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a refused option says, for the option parsers. */
#ifndef PT_OPTION_ERRORS_H
#define PT_OPTION_ERRORS_H

#include "util/buf.h"

#include <stdbool.h>

/* Echoes a value the user gave, quoted. */
void pt_option_echo(struct pt_buf *err, const char *value);
/* Echoes a URL the user gave with its userinfo and query values
 * redacted. */
void pt_option_echo_url(struct pt_buf *err, const char *value);
/* "--opt: why: 'value'" (without the value when NULL); returns false. */
bool pt_option_bad(struct pt_buf *err, const char *opt, const char *why, const char *value);
/* "--opt: not an http:// or https:// URL: 'value'"; returns false. */
bool pt_option_bad_url(struct pt_buf *err, const char *opt, const char *value);
/* getopt's optopt as a letter that can be shown. */
bool pt_option_letter(int c);
/* Why getopt refused the argument arg: "is not known; did you mean
 * --warning?", "is ambiguous (--a, --b)", "needs a value", ... */
void pt_option_refusal(const char *arg, struct pt_buf *err);
/* An option from an ini file failed: which option, why (what said,
 * without the value it echoed), and where it came from. */
void pt_option_hidden_failure(int c, const char *arg, const char *origin, const struct pt_buf *said,
                              struct pt_buf *err);

#endif
