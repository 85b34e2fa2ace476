/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Prometheus text exposition format (version 0.0.4), as
 * node_exporter's textfile collector and Sensu's prometheus_text read it.
 * Every series carries the endpoint and environment labels; metric names
 * start with prioticket_ (doc/output.md, "Prometheus output"). The first
 * line is a comment with the Nagios format's first line, without perfdata. */
#include "config.h"

#include "output_formats.h"
#include "phase_names.h"
#include "util/number.h"

#include <stdio.h>
#include <string.h>

struct series {
	struct pt_buf *out;
	const struct pt_output_target *t;
};

/* Label values escape '\', '"' and line feeds. */
static void label_value(struct pt_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"') {
			char esc[2] = {'\\', *s};

			pt_buf_append(out, esc, 2);
		} else if (*s == '\n') {
			pt_buf_puts(out, "\\n");
		} else {
			pt_buf_append(out, s, 1);
		}
	}
}

static void family(const struct series *s, const char *name, const char *help)
{
	pt_buf_printf(s->out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{endpoint="ping",environment="production"[,extra="value"]} value */
static void sample(const struct series *s, const char *name, const char *extra,
                   const char *extra_value, double value, int decimals)
{
	char number[64];

	if (!pt_num_format(number, sizeof(number), value, decimals, true)) {
		snprintf(number, sizeof(number), "NaN");
	}
	pt_buf_printf(s->out, "%s{endpoint=\"%s\",environment=\"", name,
	              pt_endpoint_info(s->t->endpoint)->name);
	label_value(s->out, s->t->environment ? s->t->environment : "unknown");
	pt_buf_puts(s->out, "\"");
	if (extra) {
		pt_buf_printf(s->out, ",%s=\"", extra);
		label_value(s->out, extra_value);
		pt_buf_puts(s->out, "\"");
	}
	pt_buf_printf(s->out, "} %s\n", number);
}

static void phases(const struct series *s, const struct pt_facts *f)
{
	if (!f->probed && !f->has_auth) {
		return;
	}
	family(s, "prioticket_phase_duration_seconds",
	       "Seconds per phase of the probe request; phase auth is getting the token.");
	for (int i = 0; f->probed && i < PT_PHASE_COUNT; i++) {
		if (f->timings.reached[i]) {
			sample(s, "prioticket_phase_duration_seconds", "phase", pt_phase_name(i),
			       f->timings.phase[i], 6);
		}
	}
	if (f->has_auth) {
		sample(s, "prioticket_phase_duration_seconds", "phase", pt_phase_name(PT_PHASE_AUTH),
		       f->time_auth, 6);
	}
	if (f->probed) {
		family(s, "prioticket_duration_seconds", "Total seconds of the probe request.");
		sample(s, "prioticket_duration_seconds", NULL, NULL, f->timings.total, 6);
	}
}

static void subcheck_series(const struct series *s, const struct pt_subchecks *l)
{
	bool any = false;

	for (size_t i = 0; i < l->n; i++) {
		if (!l->items[i].evaluated) {
			continue;
		}
		if (!any) {
			family(s, "prioticket_subcheck_state",
			       "State of each evaluated subcheck: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
			any = true;
		}
		sample(s, "prioticket_subcheck_state", "subcheck", l->items[i].name,
		       (double)l->items[i].state, 0);
	}
}

void pt_output_prometheus(const struct pt_output_target *t, const struct pt_report *r,
                          struct pt_buf *out)
{
	const struct series s = {out, t};
	const struct pt_facts *f = &r->facts;

	/* A comment line is the format's only place for text, and the one
	 * that says what is wrong (a bad argument above all): the Nagios
	 * first line without its perfdata. */
	pt_buf_puts(out, "# ");
	pt_output_nagios_prefix(out, t->endpoint, r->state);
	pt_buf_printf(out, "%s\n", pt_buf_str(&r->summary));
	family(&s, "prioticket_probe_success", "1 when the check's state is OK, else 0.");
	sample(&s, "prioticket_probe_success", NULL, NULL, r->state == PT_OK ? 1 : 0, 0);
	family(&s, "prioticket_state",
	       "The check's state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; reason names the cause.");
	sample(&s, "prioticket_state", "reason", pt_reason_name(r->reason), (double)r->state, 0);
	subcheck_series(&s, &r->checks);
	phases(&s, f);
	if (f->probed && f->http_status) {
		family(&s, "prioticket_http_status", "HTTP status code of the probe's answer.");
		sample(&s, "prioticket_http_status", NULL, NULL, (double)f->http_status, 0);
	}
	if (f->cert_known) {
		family(&s, "prioticket_certificate_expiry_timestamp_seconds",
		       "Unix time when the earliest-expiring certificate of the verified chain expires.");
		sample(&s, "prioticket_certificate_expiry_timestamp_seconds", NULL, NULL,
		       (double)f->cert_expiry, 0);
	}
	if (f->token_source) {
		family(&s, "prioticket_token_source",
		       "Where the run's token came from (source: none, requested, cache, backoff).");
		sample(&s, "prioticket_token_source", "source", f->token_source, 1, 0);
	}
}
