/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One run fetches a token while the others wait for it (cache_lock.c).
 * Internal to the probe layer. */
#ifndef PT_CACHE_LOCK_H
#define PT_CACHE_LOCK_H

#include "cache_dir.h"

#include <stdbool.h>
#include <time.h>

/* Waits, until deadline at the latest, for the right to fetch a token
 * for this entry (so that one run fetches while the others wait).
 * Returns false on timeout (*timed_out set) or when locking is not
 * possible (the run then fetches without the lock). Once locked, notes
 * who holds it until holder_deadline (a wall-clock time), and removes
 * the temporary files a stopped or killed writer left behind. */
bool pt_cache_lock(struct pt_cache *c, double deadline, time_t holder_deadline, bool *timed_out);
void pt_cache_unlock(struct pt_cache *c);
/* After a wait that timed out: whether the run holding the lock is alive,
 * not stopped, and still inside its own deadline, i.e. its token request
 * is still under way (a second one would only add to the load). */
bool pt_cache_holder_busy(struct pt_cache *c, time_t now);

#endif
