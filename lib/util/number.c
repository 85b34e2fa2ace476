/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Locale-independent fixed-point number text. */
#include "config.h"

#include "number.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool pt_num_format(char *out, size_t len, double v, int decimals, bool trim)
{
	char *dot;
	char *p;
	int n;

	if (len < 2) {
		return false;
	}
	if (!isfinite(v)) {
		snprintf(out, len, "U");
		return true;
	}
	n = snprintf(out, len, "%.*f", decimals, v);
	if (n < 0 || (size_t)n >= len) {
		return false;
	}
	/* The plugins never call setlocale(), so printf uses '.'; guard
	 * anyway in case a host program does. */
	p = strchr(out, ',');
	if (p) {
		*p = '.';
	}
	if (trim) {
		dot = strchr(out, '.');
		if (dot) {
			p = out + strlen(out) - 1;
			while (p > dot && *p == '0') {
				*p-- = '\0';
			}
			if (p == dot) {
				*p = '\0';
			}
		}
	}
	if (out[0] == '-' && strspn(out, "-0.") == strlen(out)) {
		memmove(out, out + 1, strlen(out)); /* no negative zero */
	}
	return true;
}
