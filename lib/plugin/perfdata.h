/* Performance data items in the Development Guidelines' grammar:
 * label=value[UOM];[warn];[crit];[min];[max]
 * Labels are fixed [a-z_] words, so they are never quoted. */
#ifndef PT_PERFDATA_H
#define PT_PERFDATA_H

#include "range.h"
#include "util/buf.h"

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

/* Appends one item, preceded by a space unless the buffer is empty.
 * Returns false on allocation failure or a label outside [a-z0-9_]. */
bool pt_perf_append(struct pt_buf *out, const struct pt_perf *p);

#endif
