/* The output formats (--output-format): the same report, the same exit
 * code, written for a Nagios-style engine (output_nagios.c), as one JSON
 * document (output_json.c), or in the Prometheus text exposition format
 * (output_prometheus.c). */
#ifndef PT_OUTPUT_H
#define PT_OUTPUT_H

#include "report.h"
#include "run_config.h"
#include "util/buf.h"

/* Who is writing: the plugin and the environment label. */
struct pt_output_target {
	enum pt_endpoint endpoint;
	const char *environment;
};

void pt_output_render(enum pt_output_format f, const struct pt_output_target *t,
                      const struct pt_report *r, struct pt_buf *out);

/* The first line's start: "PRIOTICKET PING OK - ". */
void pt_output_prefix(struct pt_buf *out, enum pt_endpoint endpoint, enum pt_state state);

/* A run that ended before any check (bad arguments, the hard stop): a
 * state, a reason and one line of text in format f. */
void pt_output_early(enum pt_output_format f, const struct pt_output_target *t, enum pt_state s,
                     enum pt_reason reason, const char *text, struct pt_buf *out);

/* One file per format. */
void pt_output_nagios(const struct pt_output_target *t, const struct pt_report *r,
                      struct pt_buf *out);
void pt_output_json(const struct pt_output_target *t, const struct pt_report *r,
                    struct pt_buf *out);
void pt_output_prometheus(const struct pt_output_target *t, const struct pt_report *r,
                          struct pt_buf *out);

#endif
