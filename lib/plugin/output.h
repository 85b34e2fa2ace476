/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The output formats (--output-format): the same report, the same exit
 * code, in the format asked for; the writers are output_formats.h's. */
#ifndef PT_OUTPUT_H
#define PT_OUTPUT_H

#include "output_formats.h"
#include "report.h"
#include "run_config.h"
#include "util/buf.h"

void pt_output_render(enum pt_output_format f, const struct pt_output_target *t,
                      const struct pt_report *r, struct pt_buf *out);

/* A run that ended before any check (bad arguments, the hard stop): a
 * state, a reason and one line of text in format f. */
void pt_output_early(enum pt_output_format f, const struct pt_output_target *t, enum pt_state s,
                     enum pt_reason reason, const char *text, struct pt_buf *out);

#endif
