/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's result before it is written in any format: the subchecks and
 * what is derived from them (state, reason, summary), the perfdata,
 * long-output detail lines, and the facts of the request. */
#ifndef PT_REPORT_H
#define PT_REPORT_H

#include "perfdata.h"
#include "reason.h"
#include "run_config.h"
#include "state.h"
#include "subcheck.h"
#include "probe/probe.h"
#include "util/buf.h"
#include "util/limits.h"

#include <stddef.h>
#include <time.h>

/* What the machine outputs tell besides the text. Strings are shown as
 * they are (sanitised where they came from a server). */
struct pt_facts {
	const char *environment; /* "production", ..., or "custom" (-H, -u) */
	struct pt_buf url;       /* the probe URL, redacted (printable ASCII) */
	char app_reference[40];
	const char *token_source; /* "none", "requested", "cache", "backoff" */
	bool has_auth;
	double time_auth;
	bool probed; /* the probe request was sent; the fields below describe it */
	long http_status;
	char http_version[8];
	char tls_version[32];
	char tls_cipher[64];
	struct pt_timings timings;
	bool cert_known; /* --certificate and an expiry was read */
	time_t cert_expiry;
};

struct pt_report {
	struct pt_subchecks checks;
	/* derived by pt_report_finish */
	enum pt_state state;
	enum pt_reason reason;
	struct pt_buf summary;
	/* perfdata, as text and as items */
	struct pt_buf perf;
	struct pt_perf_text items[PT_PERF_MAX];
	size_t nitems;
	struct pt_buf notices; /* long output before the subchecks (pt_report_notice) */
	struct pt_buf details; /* long output after the subchecks, one item per line */
	struct pt_facts facts;
};

/* A run that ended before any subcheck could be judged (cannot build
 * the URL, cannot set libcurl up): one subcheck with this state. */
void pt_report_fail(struct pt_report *r, enum pt_state s, enum pt_reason reason, const char *text);
/* Derives state, reason and summary from the subchecks. */
void pt_report_finish(struct pt_report *r);

/* One perfdata item, in both forms. */
void pt_report_perf(struct pt_report *r, const struct pt_perf *p);
/* A detail line that must not be overlooked although it changes no
 * state: the Nagios output shows it first, right after line 1 (every
 * engine keeps and shows the long output; line 1 stays the summary of
 * the subchecks); the JSON output puts it first in details[]. */
void pt_report_notice(struct pt_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One long-output line. */
void pt_report_line(struct pt_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One long-output line "label: text" with text from the server,
 * sanitised; nothing when text is empty. */
void pt_report_server_line(struct pt_report *r, const char *label, const char *text, size_t len);

void pt_report_free(struct pt_report *r);

#endif
