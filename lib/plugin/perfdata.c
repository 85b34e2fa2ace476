/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Performance data formatting. */
#include "config.h"

#include "perfdata.h"
#include "util/number.h"

#include <stdio.h>
#include <string.h>

static bool label_ok(const char *l)
{
	if (!l || !*l) {
		return false;
	}
	return strspn(l, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(l);
}

bool pt_perf_format(const struct pt_perf *p, struct pt_perf_text *t)
{
	memset(t, 0, sizeof(*t));
	if (!label_ok(p->label) || strlen(p->label) >= sizeof(t->label)) {
		return false;
	}
	if (p->uom && strlen(p->uom) >= sizeof(t->uom)) {
		return false;
	}
	snprintf(t->label, sizeof(t->label), "%s", p->label);
	snprintf(t->uom, sizeof(t->uom), "%s", p->uom ? p->uom : "");
	if (!pt_num_format(t->value, sizeof(t->value), p->value, p->decimals, false)) {
		return false;
	}
	if (p->warn && !pt_range_perfdata(p->warn, t->warn, sizeof(t->warn))) {
		return false;
	}
	if (p->crit && !pt_range_perfdata(p->crit, t->crit, sizeof(t->crit))) {
		return false;
	}
	if (p->has_min && !pt_num_format(t->min, sizeof(t->min), p->min, p->decimals, true)) {
		return false;
	}
	if (p->has_max && !pt_num_format(t->max, sizeof(t->max), p->max, p->decimals, true)) {
		return false;
	}
	return true;
}

bool pt_perf_append_text(struct pt_buf *out, const struct pt_perf_text *t)
{
	if (!pt_buf_printf(out, "%s%s=%s%s;%s;%s;%s;%s", out->len ? " " : "", t->label, t->value,
	                   t->uom, t->warn, t->crit, t->min, t->max)) {
		return false;
	}
	/* The grammar lets trailing empty fields go. */
	while (out->data[out->len - 1] == ';') {
		out->data[--out->len] = '\0';
	}
	return true;
}

bool pt_perf_append(struct pt_buf *out, const struct pt_perf *p)
{
	struct pt_perf_text t;

	return pt_perf_format(p, &t) && pt_perf_append_text(out, &t);
}
