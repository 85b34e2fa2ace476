/* The Development Guidelines' shape: "PRIOTICKET PING OK - summary |
 * perfdata", then one "[STATE] name: text" line per subcheck, the
 * reason, and the detail lines. */
#include "config.h"

#include "output.h"
#include "cli.h"

void pt_output_nagios(const struct pt_output_target *t, const struct pt_report *r,
                      struct pt_buf *out)
{
	pt_cli_prefix(out, t->endpoint, r->state);
	pt_buf_puts(out, pt_buf_str(&r->summary));
	if (r->perf.len) {
		pt_buf_printf(out, " | %s", pt_buf_str(&r->perf));
	}
	pt_buf_puts(out, "\n");
	for (size_t i = 0; i < r->checks.n; i++) {
		const struct pt_subcheck *c = &r->checks.items[i];

		pt_buf_printf(out, "[%s] %s: %s\n", pt_subcheck_state_name(c), c->name, c->text);
	}
	if (r->checks.n) {
		pt_buf_printf(out, "Reason: %s\n", pt_reason_name(r->reason));
	}
	pt_buf_puts(out, pt_buf_str(&r->details));
}
