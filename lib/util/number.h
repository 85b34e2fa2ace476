/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Locale-independent fixed-point number text for perfdata and output. */
#ifndef PT_NUMBER_H
#define PT_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

/* Fixed point with exactly `decimals` digits after the dot, or, when
 * trim is true, with trailing zeros (and a bare dot) removed. Never
 * exponent form, never "-0"; non-finite values give "U". Returns false
 * when the text did not fit. */
bool pt_num_format(char *out, size_t len, double v, int decimals, bool trim);

#endif
