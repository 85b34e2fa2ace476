/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The run's time budget, on the monotonic clock. */
#ifndef PT_CLOCK_H
#define PT_CLOCK_H

/* Seconds on a clock that never jumps. */
double pt_now(void);

/* Whole milliseconds left before deadline; 0 when it has passed. */
long pt_remaining_ms(double deadline);

#endif
