/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A failure of the token endpoint remembered for the runs after it
 * (backoff.c); the token cache stores it (cache_entry.h). Internal to the
 * probe layer. */
#ifndef PT_BACKOFF_H
#define PT_BACKOFF_H

#include "probe_types.h"

#include <stdbool.h>

/* The back-off of a failure: its length in seconds, given the failures
 * in a row (this one included) and a Retry-After in seconds (-1: none,
 * else the server's value, kept within bounds). The lengths are in
 * util/limits.h. */
long pt_backoff_seconds(enum pt_backoff_kind kind, int failures, long retry_after);

/* What a failed token request leaves for the runs after it, given the
 * one remembered before it (or NULL): false when it leaves nothing (the
 * plugin's own trouble, a proxy's refusal). b's length is counted, its
 * ago 0 and its left the whole length. */
bool pt_backoff_for(const struct pt_token_result *t, const struct pt_backoff *before,
                    struct pt_backoff *b);
/* Fills t's outcome, status, parse and error code from a remembered
 * failure, so that it is judged as it was. */
void pt_backoff_replay(const struct pt_backoff *b, struct pt_token_result *t);

/* The outcome a word of the cache names when no answer came (timeout,
 * dns, ...); PT_HTTP_RESPONSE for any other word. */
enum pt_http_outcome pt_backoff_ended(const char *word);

#endif
