/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nagios threshold ranges, as the Monitoring Plugins Development
 * Guidelines define them: [@]start:end, inclusive ends, "~" for minus
 * infinity, an empty end for plus infinity, "@" to alert inside. */
#ifndef PT_RANGE_H
#define PT_RANGE_H

#include <stdbool.h>
#include <stddef.h>

struct pt_range {
	double start;
	double end;
	bool start_infinite; /* "~:" */
	bool end_infinite;   /* "N:" */
	bool alert_inside;   /* "@" */
	bool set;            /* a range was given at all */
};

/* Parses text into *r. On failure returns false and sets *why to a short
 * static reason. */
bool pt_range_parse(const char *text, struct pt_range *r, const char **why);

/* True when value lies where the range says to alert. An unset range
 * never alerts. */
bool pt_range_alert(const struct pt_range *r, double value);

/* Writes the range for perfdata: a plain number when it is the simple
 * "0..N" form (the only one Icinga 2 keeps), the full range otherwise,
 * "" when unset. Returns false if it did not fit. */
bool pt_range_perfdata(const struct pt_range *r, char *out, size_t outlen);

/* True when both ranges are set and every value >= 0 that inner alerts
 * on, outer alerts on too: with -c as outer and -w as inner, WARNING can
 * never be the outcome (critical is checked first). */
bool pt_range_covers(const struct pt_range *outer, const struct pt_range *inner);

#endif
