/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Performance data items in the Development Guidelines' grammar:
 * label=value[UOM];[warn];[crit];[min];[max]
 * Labels are fixed [a-z_] words, so they are never quoted. */
#ifndef PT_PERFDATA_H
#define PT_PERFDATA_H

#include "range.h"
#include "util/buf.h"
#include "util/limits.h"

#include <stdbool.h>

struct pt_perf {
	const char *label;
	double value;
	const char *uom;             /* "s", "B" or "" */
	int decimals;                /* 6 for seconds, 0 for counts */
	const struct pt_range *warn; /* may be NULL */
	const struct pt_range *crit; /* may be NULL */
	bool has_min;
	double min;
	bool has_max;
	double max;
};

/* One item's fields as the perfdata text has them ("" when absent), for
 * the machine outputs. */
struct pt_perf_text {
	char label[64];
	char value[400];
	char uom[4];
	char warn[PT_RANGE_TEXT_MAX];
	char crit[PT_RANGE_TEXT_MAX];
	char min[400];
	char max[400];
};

/* Formats the fields; false on a label outside [a-z0-9_] or a number
 * that does not fit. */
bool pt_perf_format(const struct pt_perf *p, struct pt_perf_text *t);
/* Appends one formatted item, preceded by a space unless the buffer is
 * empty. Returns false on allocation failure. */
bool pt_perf_append_text(struct pt_buf *out, const struct pt_perf_text *t);
/* Both of the above. */
bool pt_perf_append(struct pt_buf *out, const struct pt_perf *p);

#endif
