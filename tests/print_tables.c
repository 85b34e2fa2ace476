/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prints the plugin layer's tables, one row a line, for the tests that
 * hold documentation and generators against them (tests/plugin_tables.py):
 *   option NAME LETTER|- none|required|optional
 *   phase NAME PERFDATA-LABEL
 *   proxy_variable NAME */
#include "config.h"

#include "plugin/option_table.h"
#include "plugin/phase_names.h"
#include "probe/probe.h"

#include <stdio.h>

int main(void)
{
	static const char *const values[] = {"none", "required", "optional"};
	size_t n;
	const struct pt_option_row *rows = pt_option_rows(&n);

	for (size_t i = 0; i < n; i++) {
		char letter[2] = {rows[i].id < PT_OPT_PROXY ? (char)rows[i].id : '-', '\0'};

		printf("option %s %s %s\n", rows[i].name, letter, values[rows[i].has_arg]);
	}
	for (int i = 0; i <= PT_PHASE_AUTH; i++) {
		printf("phase %s %s\n", pt_phase_name(i), pt_phase_label(i));
	}
	for (size_t i = 0; pt_probe_proxy_variable(i); i++) {
		printf("proxy_variable %s\n", pt_probe_proxy_variable(i));
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
