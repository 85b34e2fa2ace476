/* The token cache shared between runs: one file per (token URL, client
 * id, scope, secret) in a private directory, named by an HMAC keyed
 * with a random per-directory salt, so that a listing of the directory
 * tells nothing about the secret. Files are 0600 in a 0700 directory
 * reached without following any symlink, ignored when owned by someone
 * else, replaced atomically, and read as a miss whenever anything about
 * them is off. */
#ifndef PT_TOKEN_CACHE_H
#define PT_TOKEN_CACHE_H

#include "probe_types.h"
#include "token.h"
#include "util/limits.h"

#include <stdbool.h>
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

struct pt_cache {
	int dirfd;      /* -1: no cache in this run */
	int lockfd;     /* -1: not locked */
	char name[65];  /* the entry's file name */
	char dir[512];  /* for messages */
	char note[512]; /* why the cache is not used, or "" */
	/* Why the state directory was passed over for the per-user one. */
	char skipped[512];
	bool in_memory; /* the last resort of struct pt_cache_places was taken */
	/* Why the state directory was refused, when it is there but breaks a
	 * rule (another user's <euid>/, a symlink ...), whatever came next;
	 * "" when it was only missing or not creatable. */
	char refused[512];
};

/* The directory used without --token-cache: <state_dir>/<euid>/
 * check_prioticket, else the per-user fallback of struct pt_cache_places
 * (the plugin layer fills it: $MP_STATE_PATH or the configured state
 * directory, then $XDG_CACHE_HOME/check_prioticket or
 * $HOME/.cache/check_prioticket), then the one in memory: the first that
 * exists or can be created.
 *
 * Every directory is reached from / one component at a time, without
 * following a symlink (openat with O_NOFOLLOW), and all later file
 * operations use the final directory's descriptor. A directory on the
 * way must belong to root or to the effective user and must not be
 * writable by group or others unless it has the sticky bit (as /tmp).
 * The cache directory itself must belong to the effective user and be
 * closed to group and others; an existing directory is never chmod'ed.
 * Missing directories are created: the shared state directory 1777
 * (sticky, so that every user can create its own <euid>/ and none can
 * remove another's), directories above it 0755, <euid>/ and everything
 * below it, and every directory of --token-cache or the per-user
 * fallback, 0700. */

/* Opens the cache directory (dir, or the default of places when dir is
 * NULL) and names the entry for this identity. Never fails the run: on
 * trouble c->dirfd is -1 and c->note says why. */
void pt_cache_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places,
                   const char *token_url, const char *client_id, const char *scope,
                   const char *client_secret);
void pt_cache_close(struct pt_cache *c);

/* Reads the entry at the wall-clock time now: a missing, corrupt or
 * foreign one is a miss, and so is one written in the future (the clock
 * was stepped back). A back-off never lasts longer than its own length
 * (at most PT_CACHE_RETRY_AFTER_MAX) from now; its length, ago and left
 * are counted from now, left at least 1 while it runs. e is cleared
 * first and must be cleared with pt_cache_entry_clear after use. */
void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e);

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
