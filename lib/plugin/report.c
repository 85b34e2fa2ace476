/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's result, format-free. */
#include "config.h"

#include "report.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pt_report_fail(struct pt_report *r, enum pt_state s, enum pt_reason reason, const char *text)
{
	pt_subcheck_add(&r->checks, PT_SUBCHECK_CONNECTION, "connection", s, reason, "%s", text);
}

void pt_report_finish(struct pt_report *r)
{
	pt_subchecks_verdict(&r->checks, &r->state, &r->reason);
	pt_buf_free(&r->summary);
	pt_subchecks_summary(&r->checks, &r->summary);
}

void pt_report_perf(struct pt_report *r, const struct pt_perf *p)
{
	struct pt_perf_text t;

	if (r->nitems >= PT_PERF_MAX || !pt_perf_format(p, &t)) {
		return;
	}
	if (pt_perf_append_text(&r->perf, &t)) {
		r->items[r->nitems++] = t;
	}
}

/* One line, cut by the sanitiser (at a character boundary, with "...")
 * when over PT_LINE_MAX. */
static void add_line(struct pt_buf *to, const char *fmt, va_list ap)
{
	struct pt_buf text = {0};

	if (pt_buf_vprintf(&text, fmt, ap)) {
		pt_sanitize_append(to, text.data, text.len, PT_LINE_MAX);
	} else {
		pt_buf_puts(to, "?");
	}
	pt_buf_puts(to, "\n");
	pt_buf_free(&text);
}

void pt_report_notice(struct pt_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&r->notices, fmt, ap);
	va_end(ap);
}

void pt_report_line(struct pt_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&r->details, fmt, ap);
	va_end(ap);
}

void pt_report_server_line(struct pt_report *r, const char *label, const char *text, size_t len)
{
	if (!len) {
		return;
	}
	/* The label may be user text too (an --expect-json path). */
	pt_sanitize_append(&r->details, label, strlen(label), PT_SERVER_TEXT_MAX);
	pt_buf_puts(&r->details, ": ");
	pt_sanitize_append(&r->details, text, len, PT_SERVER_TEXT_MAX);
	pt_buf_puts(&r->details, "\n");
}

void pt_report_free(struct pt_report *r)
{
	pt_buf_free(&r->summary);
	pt_buf_free(&r->perf);
	pt_buf_free(&r->notices);
	pt_buf_free(&r->details);
	pt_buf_free(&r->facts.url);
}
