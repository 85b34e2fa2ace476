/* The plugin's output. */
#include "config.h"

#include "report.h"
#include "cli.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pt_report_judge(struct pt_report *r, enum pt_state s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (s < r->state || (s == r->state && r->summary.len)) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->state = s;
	pt_buf_free(&r->summary);
	/* Our own text can carry user input (paths, values): sanitise it
	 * too, so nothing breaks the line or forges perfdata. */
	pt_sanitize_append(&r->summary, text, strlen(text), sizeof(text));
}

void pt_report_summary_server_text(struct pt_report *r, const char *sep, const char *text)
{
	size_t n = strlen(text);

	if (!n) {
		return;
	}
	pt_buf_puts(&r->summary, sep);
	pt_sanitize_append(&r->summary, text, n, PT_SUMMARY_TEXT_MAX);
}

void pt_report_line(struct pt_report *r, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pt_sanitize_append(&r->details, text, strlen(text), sizeof(text));
	pt_buf_puts(&r->details, "\n");
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

void pt_report_render(const struct pt_report *r, enum pt_endpoint endpoint, struct pt_buf *out)
{
	pt_cli_prefix(out, endpoint, r->state);
	pt_buf_puts(out, pt_buf_str(&r->summary));
	if (r->perf.len) {
		pt_buf_printf(out, " | %s", pt_buf_str(&r->perf));
	}
	pt_buf_puts(out, "\n");
	pt_buf_puts(out, pt_buf_str(&r->details));
}

void pt_report_free(struct pt_report *r)
{
	pt_buf_free(&r->summary);
	pt_buf_free(&r->perf);
	pt_buf_free(&r->details);
}
