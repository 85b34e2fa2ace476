/* The Development Guidelines' shape: "PRIOTICKET PING OK - summary |
 * perfdata", then the notices, one "[STATE] name: text" line per
 * subcheck, the reason, and the other detail lines. */
#include "config.h"

#include "output.h"
#include "cli.h"

#include <string.h>

static const char cut_note[] = "(long output cut: Nagios keeps 8192 bytes)\n";

/* Nagios Core keeps MAX_PLUGIN_OUTPUT_LENGTH bytes: past that, whole
 * long-output lines go, and a note says so. Line 1 is never cut. */
static void bound(struct pt_buf *out, size_t start)
{
	size_t limit = start + PT_NAGIOS_OUTPUT_MAX - (sizeof(cut_note) - 1);
	const char *first_end;
	char *last;

	if (out->failed || out->len - start <= PT_NAGIOS_OUTPUT_MAX) {
		return;
	}
	first_end = memchr(out->data + start, '\n', out->len - start);
	if (!first_end || (size_t)(first_end - out->data) >= limit) {
		return;
	}
	out->data[limit] = '\0';
	last = strrchr(out->data + start, '\n');
	out->len = (size_t)(last - out->data) + 1;
	out->data[out->len] = '\0';
	pt_buf_puts(out, cut_note);
}

void pt_output_nagios(const struct pt_output_target *t, const struct pt_report *r,
                      struct pt_buf *out)
{
	size_t start = out->len;

	pt_cli_prefix(out, t->endpoint, r->state);
	pt_buf_puts(out, pt_buf_str(&r->summary));
	if (r->perf.len) {
		pt_buf_printf(out, " | %s", pt_buf_str(&r->perf));
	}
	pt_buf_puts(out, "\n");
	pt_buf_puts(out, pt_buf_str(&r->notices));
	for (size_t i = 0; i < r->checks.n; i++) {
		const struct pt_subcheck *c = &r->checks.items[i];

		pt_buf_printf(out, "[%s] %s: %s\n", pt_subcheck_state_name(c), c->name, c->text);
	}
	if (r->checks.n) {
		pt_buf_printf(out, "Reason: %s\n", pt_reason_name(r->reason));
	}
	pt_buf_puts(out, pt_buf_str(&r->details));
	bound(out, start);
}
