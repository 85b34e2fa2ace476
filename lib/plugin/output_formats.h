/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The writers of the output formats, one file per format: for a
 * Nagios-style engine (output_nagios.c), one JSON document
 * (output_json.c), the Prometheus text exposition format
 * (output_prometheus.c). output.c picks one. */
#ifndef PT_OUTPUT_FORMATS_H
#define PT_OUTPUT_FORMATS_H

#include "endpoint.h"
#include "report.h"
#include "state.h"
#include "util/buf.h"

/* Who is writing: the plugin and the environment label. */
struct pt_output_target {
	enum pt_endpoint endpoint;
	const char *environment;
};

void pt_output_nagios(const struct pt_output_target *t, const struct pt_report *r,
                      struct pt_buf *out);
void pt_output_json(const struct pt_output_target *t, const struct pt_report *r,
                    struct pt_buf *out);
void pt_output_prometheus(const struct pt_output_target *t, const struct pt_report *r,
                          struct pt_buf *out);

/* The Nagios first line's start, "PRIOTICKET PING OK - " (the Prometheus
 * format's comment line repeats the first line). */
void pt_output_nagios_prefix(struct pt_buf *out, enum pt_endpoint endpoint, enum pt_state state);

#endif
