/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Picks the writer of a format. */
#include "config.h"

#include "output.h"
#include "sanitize.h"
#include "util/limits.h"

#include <string.h>

void pt_output_render(enum pt_output_format f, const struct pt_output_target *t,
                      const struct pt_report *r, struct pt_buf *out)
{
	switch (f) {
	case PT_FORMAT_JSON:
		pt_output_json(t, r, out);
		return;
	case PT_FORMAT_PROMETHEUS:
		pt_output_prometheus(t, r, out);
		return;
	case PT_FORMAT_NAGIOS:
		break;
	}
	pt_output_nagios(t, r, out);
}

void pt_output_early(enum pt_output_format f, const struct pt_output_target *t, enum pt_state s,
                     enum pt_reason reason, const char *text, struct pt_buf *out)
{
	struct pt_report r;

	memset(&r, 0, sizeof(r));
	r.state = s;
	r.reason = reason;
	pt_sanitize_append(&r.summary, text, strlen(text), PT_LINE_MAX);
	pt_output_render(f, t, &r, out);
	pt_report_free(&r);
}
