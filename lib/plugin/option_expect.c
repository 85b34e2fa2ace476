/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --expect-json=PATH=VALUE[,VALUE...]: parsed, checked, and merged per
 * path. */
#include "config.h"

#include "option_expect.h"
#include "option_errors.h"
#include "option_values.h"
#include "probe/probe.h"

#include <stdlib.h>
#include <string.h>

static bool add_value(struct pt_expect *e, const char *start, size_t len)
{
	char **values = realloc(e->values, (e->nvalues + 1) * sizeof(*values));

	if (!values) {
		return false;
	}
	e->values = values;
	values[e->nvalues] = strndup(start, len);
	if (!values[e->nvalues]) {
		return false;
	}
	e->nvalues++;
	return true;
}

static bool has_value(const struct pt_expect *e, const char *value)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		if (strcmp(e->values[i], value) == 0) {
			return true;
		}
	}
	return false;
}

static void free_expect(struct pt_expect *e)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		free(e->values[i]);
	}
	free(e->values);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

/* Each --expect-json must hold, so a second one for a path already
 * expected narrows that expectation to the values both accept: one
 * subcheck and one series per path (of two json:status series,
 * node_exporter 1.5 serves the first and drops the second, however bad
 * its state). Expectations with no value in common can never all hold;
 * that is a mistake in the configuration (usually one meant "either",
 * which is PATH=A,B), refused before any request rather than reported as
 * the API's fault on every run. Only the new argument is echoed: the
 * earlier one may come from an ini file. */
static bool merge_expect(const char *arg, struct pt_config *cfg, struct pt_buf *err)
{
	struct pt_expect *e = &cfg->expects[cfg->nexpects - 1];
	struct pt_expect *first = NULL;
	size_t kept = 0;

	for (size_t i = 0; i + 1 < cfg->nexpects && !first; i++) {
		if (strcmp(cfg->expects[i].path, e->path) == 0) {
			first = &cfg->expects[i];
		}
	}
	if (!first) {
		return true;
	}
	for (size_t i = 0; i < first->nvalues; i++) {
		if (has_value(e, first->values[i])) {
			first->values[kept++] = first->values[i];
		} else {
			free(first->values[i]);
		}
	}
	first->nvalues = kept;
	free_expect(e);
	cfg->nexpects--;
	if (kept == 0) {
		pt_buf_puts(err, "--expect-json: an earlier --expect-json for the same path shares no "
		                 "value with this one, so no answer can meet both; give every accepted "
		                 "value in one --expect-json, separated by commas: ");
		pt_option_echo(err, arg);
		return false;
	}
	return true;
}

/* PATH=VALUE[,VALUE...]; the path in the probe layer's path syntax, so
 * that a bad one is a bad argument, not a failed check. */
bool pt_option_expect(const char *s, struct pt_config *cfg, struct pt_buf *err)
{
	const char *eq = strchr(s, '=');
	struct pt_expect *e;
	const char *v;
	const char *why = NULL;

	if (cfg->nexpects >= PT_EXPECT_MAX) {
		pt_buf_printf(err, "at most %d --expect-json options", PT_EXPECT_MAX);
		return false;
	}
	if (!eq || eq == s || !pt_value_printable(s, PT_EXPECT_ARG_MAX, true)) {
		pt_buf_puts(err, "--expect-json wants PATH=VALUE[,VALUE...]");
		return false;
	}
	e = &cfg->expects[cfg->nexpects++];
	e->path = strndup(s, (size_t)(eq - s));
	if (!e->path) {
		pt_buf_puts(err, "out of memory");
		return false;
	}
	if (!pt_probe_json_path_valid(e->path, &why)) {
		pt_buf_printf(err, "--expect-json: bad path (%s): ", why ? why : "invalid");
		pt_option_echo(err, e->path);
		return false;
	}
	v = eq + 1;
	for (;;) {
		size_t n = strcspn(v, ",");

		if (!add_value(e, v, n)) {
			pt_buf_puts(err, "out of memory");
			return false;
		}
		if (v[n] != ',') {
			break;
		}
		v += n + 1;
	}
	return merge_expect(s, cfg, err);
}
