/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --help and --version text; every line fits 80 columns. */
#include "config.h"

#include "help.h"
#include "option_table.h"
#include "phase_names.h"
#include "probe/probe.h"
#include "util/limits.h"

#include <string.h>

/* The license in one line: what the monitoring-plugins' print_revision
 * (utils.sh, utils.pm) says in three (no warranty, redistribution under
 * the GPL), with the SPDX name that COPYING and debian/copyright carry. */
void pt_version(struct pt_buf *out, enum pt_endpoint endpoint)
{
	pt_buf_printf(out, "%s %s (%s)\n", pt_endpoint_info(endpoint)->program, PACKAGE_VERSION,
	              pt_probe_library_version());
	pt_buf_puts(out,
	            "License GPL-3.0-or-later: you may redistribute it; ABSOLUTELY NO WARRANTY.\n");
}

/* Where --help's text column starts, and the widest left column that
 * still shares its line (wider ones get a line of their own). */
#define TEXT_COLUMN  26
#define SHARED_WIDTH 28
/* The width of the paragraphs made from tables. */
#define PARAGRAPH_WIDTH 72

/* One row of the option table: " -E, --environment=NAME   text". */
static void option_help(struct pt_buf *out, const struct pt_option_row *o)
{
	size_t start = out->len;
	size_t width;
	const char *text = o->help;

	pt_buf_puts(out, " ");
	if (o->usage) {
		pt_buf_puts(out, o->usage);
	} else {
		if (o->id < PT_OPT_PROXY) {
			pt_buf_printf(out, "-%c, ", o->id);
		} else {
			pt_buf_puts(out, "    ");
		}
		pt_buf_printf(out, "--%s%s%s", o->name, o->value ? "=" : "", o->value ? o->value : "");
	}
	width = out->len - start;
	if (width <= TEXT_COLUMN - 2) {
		pt_buf_printf(out, "%*s", (int)(TEXT_COLUMN - width), "");
	} else if (width <= SHARED_WIDTH) {
		pt_buf_puts(out, "  ");
	} else {
		pt_buf_printf(out, "\n%*s", TEXT_COLUMN, "");
	}
	while (*text) {
		size_t n = strcspn(text, "\n");

		pt_buf_append(out, text, n);
		pt_buf_puts(out, "\n");
		text += n;
		if (*text == '\n') {
			text++;
			pt_buf_printf(out, "%*s", TEXT_COLUMN, "");
		}
	}
}

/* The option table, its sections apart by a blank line. */
static void options_help(struct pt_buf *out)
{
	size_t n;
	const struct pt_option_row *rows = pt_option_rows(&n);

	for (size_t i = 0; i < n; i++) {
		if (rows[i].heading) {
			pt_buf_printf(out, "%s%s:\n", i ? "\n" : "", rows[i].heading);
		}
		if (rows[i].help) {
			option_help(out, &rows[i]);
		}
	}
}

/* text in lines of at most width columns, broken at spaces. */
static void wrapped(struct pt_buf *out, const char *text, size_t width)
{
	size_t line = 0;

	while (*text) {
		size_t n = strcspn(text, " ");

		if (line > 0 && line + 1 + n > width) {
			pt_buf_puts(out, "\n");
			line = 0;
		} else if (line > 0) {
			pt_buf_puts(out, " ");
			line++;
		}
		pt_buf_append(out, text, n);
		line += n;
		text += n;
		text += strspn(text, " ");
	}
	pt_buf_puts(out, "\n");
}

/* The perfdata labels, the phases' from their table. */
static void perfdata_help(struct pt_buf *out)
{
	struct pt_buf text = {0};

	pt_buf_puts(&text, "Perfdata: time");
	for (int i = 0; i <= PT_PHASE_AUTH; i++) {
		pt_buf_printf(&text, " %s", pt_phase_label(i));
	}
	pt_buf_printf(&text,
	              " (s), size (B). The phases add up to time; %s includes a proxy's CONNECT, %s "
	              "earlier redirect hops (see doc/output.md, \"Phases\").",
	              pt_phase_label(PT_PHASE_CONNECT), pt_phase_label(PT_PHASE_PROCESSING));
	wrapped(out, pt_buf_str(&text), PARAGRAPH_WIDTH);
	pt_buf_free(&text);
}

void pt_help(struct pt_buf *out, enum pt_endpoint endpoint)
{
	const char *what = pt_endpoint_info(endpoint)->name;

	pt_version(out, endpoint);
	pt_buf_printf(
	    out,
	    "Checks GET {base}/system/%s of the Prioticket Distributor API: is it up,\n"
	    "fast, and accepting your credentials?\n"
	    "\n"
	    "Usage: %s [-E ENV | -H HOST [-p PORT] | -u URL] [-A vX.Y]\n"
	    "       [--client-id ID --client-secret-file FILE] [-w RANGE] [-c RANGE]\n"
	    "       [-t SECONDS] [--expect-json PATH=VALUE] [-v] [--extra-opts=[SEC][@FILE]]\n"
	    "\n",
	    what, pt_endpoint_info(endpoint)->program);
	options_help(out);
	pt_buf_puts(out,
	            "\n"
	            "States: 2xx OK (WARNING/CRITICAL by -w/-c); 429 and other 4xx WARNING;\n"
	            "401, 403 (also 400 without credentials) and 5xx CRITICAL; DNS, connection,\n"
	            "TLS and proxy failures CRITICAL; timeout --timeout-result; bad arguments\n"
	            "UNKNOWN. Each subcheck (connection, token, http, json:PATH, latency,\n"
	            "certificate) has a state; the worst wins (CRITICAL > WARNING > UNKNOWN > OK)\n"
	            "and gives the reason word.\n");
	perfdata_help(out);
}
