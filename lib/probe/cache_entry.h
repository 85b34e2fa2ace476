/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One identity's entry in the token cache: a token, a remembered failure
 * of the token endpoint, or both, in a file of "key value" lines
 * (cache_entry.c). Internal to the probe layer. */
#ifndef PT_CACHE_ENTRY_H
#define PT_CACHE_ENTRY_H

#include "cache_dir.h"
#include "probe_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum pt_cache_kind {
	PT_CACHE_MISS,
	PT_CACHE_TOKEN,   /* a token that has not expired (it may be due for renewal) */
	PT_CACHE_BACKOFF, /* no usable token, and a remembered failure still inside its back-off */
};

/* One identity's entry: a token, a remembered failure, or both (a valid
 * token whose renewal failed). The times are as written in the file;
 * pt_cache_read counts what the run needs from them (valid_for, and the
 * back-off's length, ago and left) with its `now`. */
struct pt_cache_entry {
	enum pt_cache_kind kind;
	char *token; /* heap, wiped by pt_cache_entry_clear; NULL without one */
	size_t token_len;
	time_t written;            /* when the token was stored */
	time_t expires;            /* when it expires (its real expiry) */
	time_t renew;              /* from then on, a new token is requested */
	bool due;                  /* TOKEN: renew has passed */
	long valid_for;            /* TOKEN: seconds until it expires */
	struct pt_backoff backoff; /* kind PT_BACKOFF_NONE without a failure */
	time_t backoff_at;         /* when the failure happened */
	time_t backoff_until;      /* when the next token request may go out */
};

void pt_cache_entry_clear(struct pt_cache_entry *e);

/* The back-off of a failure: its length in seconds, given the failures
 * in a row (this one included) and a Retry-After in seconds (-1: none,
 * else the server's value, kept within bounds). The lengths are in
 * util/limits.h. */
long pt_cache_backoff_seconds(enum pt_backoff_kind kind, int failures, long retry_after);

/* Reads the entry at the wall-clock time now: a missing, corrupt or
 * foreign one is a miss, and so is one written in the future (the clock
 * was stepped back). A back-off never lasts longer than its own length
 * (at most PT_CACHE_RETRY_AFTER_MAX) from now; its length, ago and left
 * are counted from now, left at least 1 while it runs. e is cleared
 * first and must be cleared with pt_cache_entry_clear after use. */
void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e);

/* Stores a token (lifetime <= 0: the default) and forgets any failure. */
bool pt_cache_store_token(struct pt_cache *c, const char *token, long lifetime, time_t now);
/* Stores a failure that happened at now, to be remembered for b->length
 * seconds; a token that has not expired is kept with it when keep is
 * given (a failed renewal), else dropped. */
bool pt_cache_store_backoff(struct pt_cache *c, const struct pt_backoff *b, time_t now,
                            const struct pt_cache_entry *keep);
/* Forgets the entry after the API refused its token, but only while
 * holding the lock and only if the entry still holds that token, so
 * that a token another run has just stored is kept. */
void pt_cache_drop(struct pt_cache *c, const char *refused);

#endif
