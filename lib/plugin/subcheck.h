/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Subchecks: each concern of a run judged on its own, with its own state,
 * reason and one line of text. The run's state, reason and summary are
 * derived from the list (monitoring-plugins 3.x mp_subcheck and
 * mp_compute_check_state), never from the order the judge ran in. */
#ifndef PT_SUBCHECK_H
#define PT_SUBCHECK_H

#include "reason.h"
#include "run_config.h"
#include "state.h"
#include "util/buf.h"
#include "util/limits.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Kinds in importance order: the first line and the long output list
 * subchecks in this order, and the run's reason is the first one's. */
enum pt_subcheck_kind {
	PT_SUBCHECK_CONNECTION,
	PT_SUBCHECK_TOKEN,
	PT_SUBCHECK_HTTP,
	PT_SUBCHECK_JSON,
	PT_SUBCHECK_LATENCY,
	PT_SUBCHECK_CERTIFICATE,
};

struct pt_subcheck {
	enum pt_subcheck_kind kind;
	char name[PT_SUBCHECK_NAME_MAX]; /* "connection", "json:status", ...; sanitised */
	bool evaluated;                  /* false: an earlier failure left nothing to judge */
	enum pt_state state;             /* meaningful when evaluated */
	enum pt_reason reason;
	char text[PT_SUBCHECK_TEXT_MAX]; /* one line, sanitised */
};

struct pt_subchecks {
	struct pt_subcheck items[PT_SUBCHECK_MAX];
	size_t n;
};

/* Adds a judged subcheck, kept in importance order; the text is
 * sanitised (it may carry user input). Returns it, or NULL when the list
 * is full. */
struct pt_subcheck *pt_subcheck_add(struct pt_subchecks *l, enum pt_subcheck_kind kind,
                                    const char *name, enum pt_state state, enum pt_reason reason,
                                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
struct pt_subcheck *pt_subcheck_vadd(struct pt_subchecks *l, enum pt_subcheck_kind kind,
                                     const char *name, enum pt_state state, enum pt_reason reason,
                                     const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
/* Adds a subcheck that could not be evaluated, with why. */
void pt_subcheck_skip(struct pt_subchecks *l, enum pt_subcheck_kind kind, const char *name,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Appends sep and server text (sanitised, bounded) to a subcheck's text;
 * nothing when text is empty. A text over the field's size is cut at a
 * character boundary and ends in "...". */
void pt_subcheck_append_server_text(struct pt_subcheck *c, const char *sep, const char *text);
/* Puts text before a subcheck's own, cut the same way. */
void pt_subcheck_prefix_text(struct pt_subcheck *c, const char *text);

/* The run's state: the worst evaluated subcheck, CRITICAL > WARNING >
 * UNKNOWN > OK; its reason: that of the first subcheck (importance
 * order) at that state. OK and "ok" for an empty list. */
void pt_subchecks_verdict(const struct pt_subchecks *l, enum pt_state *state,
                          enum pt_reason *reason);
/* The first line's text: every subcheck at the run's state, most
 * important first, "; " between (repeated texts once). When all is well,
 * the http subcheck alone ("HTTP 200 in 0.041 s"). */
void pt_subchecks_summary(const struct pt_subchecks *l, struct pt_buf *out);
/* "OK", "WARNING", ..., or "NOT EVALUATED". */
const char *pt_subcheck_state_name(const struct pt_subcheck *c);

#endif
