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

bool pt_perf_append(struct pt_buf *out, const struct pt_perf *p)
{
	char value[400];
	char warn[256] = "";
	char crit[256] = "";
	char min[400] = "";
	char max[400] = "";

	if (!label_ok(p->label)) {
		return false;
	}
	if (!pt_num_format(value, sizeof(value), p->value, p->decimals, false)) {
		return false;
	}
	if (p->warn && !pt_range_perfdata(p->warn, warn, sizeof(warn))) {
		return false;
	}
	if (p->crit && !pt_range_perfdata(p->crit, crit, sizeof(crit))) {
		return false;
	}
	if (p->has_min && !pt_num_format(min, sizeof(min), p->min, p->decimals, true)) {
		return false;
	}
	if (p->has_max && !pt_num_format(max, sizeof(max), p->max, p->decimals, true)) {
		return false;
	}
	if (!pt_buf_printf(out, "%s%s=%s%s;%s;%s;%s;%s", out->len ? " " : "", p->label, value,
	                   p->uom ? p->uom : "", warn, crit, min, max)) {
		return false;
	}
	/* The grammar lets trailing empty fields go. */
	while (out->data[out->len - 1] == ';') {
		out->data[--out->len] = '\0';
	}
	return true;
}
