/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nagios threshold ranges: parsing, evaluation and perfdata form. */
#include "config.h"

#include "range.h"

#include "util/number.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits, one optional sign and one optional fraction: no exponents, no
 * hex, no "inf"/"nan", which strtod alone would accept. */
static bool parse_number(const char *s, size_t len, double *out)
{
	char tmp[64];
	char *end;
	size_t i = 0;
	size_t digits = 0;
	bool dot = false;

	if (len == 0 || len >= sizeof(tmp)) {
		return false;
	}
	if (s[0] == '-' || s[0] == '+') {
		i++;
	}
	for (; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
		} else if (s[i] == '.' && !dot) {
			dot = true;
		} else {
			return false;
		}
	}
	if (digits == 0) {
		return false;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	/* Far beyond any time or day count, and so large that its fixed-point
	 * text would no longer read back as the same number. */
	if (errno == ERANGE || *end != '\0' || !isfinite(*out) || fabs(*out) >= 1e15) {
		return false;
	}
	return true;
}

bool pt_range_parse(const char *text, struct pt_range *r, const char **why)
{
	const char *p = text;
	const char *colon;
	struct pt_range v = {0};

	*why = NULL;
	if (!text || !*text) {
		*why = "empty range";
		return false;
	}
	if (*p == '@') {
		v.alert_inside = true;
		p++;
	}
	colon = strchr(p, ':');
	if (colon && strchr(colon + 1, ':')) {
		*why = "more than one ':'";
		return false;
	}
	if (!colon) {
		/* "N" means 0..N */
		if (!parse_number(p, strlen(p), &v.end)) {
			*why = "not a number";
			return false;
		}
	} else {
		size_t slen = (size_t)(colon - p);
		const char *e = colon + 1;

		if (slen == 1 && p[0] == '~') {
			v.start_infinite = true;
		} else if (slen == 0) {
			*why = "missing start before ':'";
			return false;
		} else if (!parse_number(p, slen, &v.start)) {
			*why = "start is not a number";
			return false;
		}
		if (*e == '\0') {
			v.end_infinite = true;
		} else if (!parse_number(e, strlen(e), &v.end)) {
			*why = "end is not a number";
			return false;
		}
	}
	if (!v.start_infinite && !v.end_infinite && v.start > v.end) {
		*why = "start is greater than end";
		return false;
	}
	v.set = true;
	*r = v;
	return true;
}

bool pt_range_alert(const struct pt_range *r, double value)
{
	bool inside;

	if (!r->set) {
		return false;
	}
	inside = (r->start_infinite || value >= r->start) && (r->end_infinite || value <= r->end);
	return r->alert_inside ? inside : !inside;
}

bool pt_range_perfdata(const struct pt_range *r, char *out, size_t outlen)
{
	char start[96] = "";
	char end[96] = "";
	int n;

	if (!r->set) {
		n = snprintf(out, outlen, "%s", "");
		return n >= 0 && (size_t)n < outlen;
	}
	if (!r->alert_inside && !r->start_infinite && !r->end_infinite && r->start == 0) {
		return pt_num_format(out, outlen, r->end, 6, true);
	}
	if (r->start_infinite) {
		snprintf(start, sizeof(start), "~");
	} else {
		if (!pt_num_format(start, sizeof(start), r->start, 6, true)) {
			return false;
		}
	}
	if (!r->end_infinite) {
		if (!pt_num_format(end, sizeof(end), r->end, 6, true)) {
			return false;
		}
	}
	n = snprintf(out, outlen, "%s%s:%s", r->alert_inside ? "@" : "", start, end);
	return n >= 0 && (size_t)n < outlen;
}

/* Both ranges alert on unions of intervals whose ends are among their
 * start and end points: the answer is the same everywhere between two
 * neighbouring points, so the points themselves, the middles between
 * them and one value beyond the last are enough to look at. */
bool pt_range_covers(const struct pt_range *outer, const struct pt_range *inner)
{
	double p[5] = {0};
	size_t n = 1;

	if (!outer->set || !inner->set) {
		return false;
	}
	if (!outer->start_infinite) {
		p[n++] = outer->start;
	}
	if (!outer->end_infinite) {
		p[n++] = outer->end;
	}
	if (!inner->start_infinite) {
		p[n++] = inner->start;
	}
	if (!inner->end_infinite) {
		p[n++] = inner->end;
	}
	/* Insertion sort of at most five. */
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && p[j - 1] > p[j]; j--) {
			double t = p[j];

			p[j] = p[j - 1];
			p[j - 1] = t;
		}
	}
	for (size_t i = 0; i < n; i++) {
		double beyond = i + 1 < n ? (p[i] + p[i + 1]) / 2 : p[i] + 1;

		if (p[i] < 0) {
			continue;
		}
		if ((pt_range_alert(inner, p[i]) && !pt_range_alert(outer, p[i])) ||
		    (pt_range_alert(inner, beyond) && !pt_range_alert(outer, beyond))) {
			return false;
		}
	}
	return true;
}
