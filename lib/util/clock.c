/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The run's time budget, on the monotonic clock. */
#include "config.h"

#include "clock.h"

#include <time.h>

double pt_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		return 0;
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long pt_remaining_ms(double deadline)
{
	double left = deadline - pt_now();

	if (left <= 0) {
		return 0;
	}
	if (left > 86400) {
		left = 86400;
	}
	return (long)(left * 1000.0);
}
