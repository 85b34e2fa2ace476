/* The plugin's output: a state, a one-line summary, perfdata, and long
 * output lines, rendered in the Development Guidelines' shape. */
#ifndef PT_REPORT_H
#define PT_REPORT_H

#include "run_config.h"
#include "state.h"
#include "util/buf.h"

#include <stddef.h>

/* How much server text may reach one line. */
#define PT_SERVER_TEXT_MAX  200
#define PT_SUMMARY_TEXT_MAX 100

struct pt_report {
	enum pt_state state;
	struct pt_buf summary;
	struct pt_buf perf;
	struct pt_buf details; /* long output, one item per line */
};

/* Raises the state to s if s is worse, and when it does (or when the
 * summary is still empty) makes text the summary. */
void pt_report_judge(struct pt_report *r, enum pt_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends to the summary, e.g. server text after a judgement. */
void pt_report_summary_server_text(struct pt_report *r, const char *sep, const char *text);
/* One long-output line. */
void pt_report_line(struct pt_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One long-output line "label: text" with text from the server,
 * sanitised; nothing when text is empty. */
void pt_report_server_line(struct pt_report *r, const char *label, const char *text, size_t len);

/* "PRIOTICKET PING OK - summary | perfdata\nlong output\n" */
void pt_report_render(const struct pt_report *r, enum pt_endpoint endpoint, struct pt_buf *out);
void pt_report_free(struct pt_report *r);

#endif
