/* The token cache shared between runs: one file per (token URL, client
 * id, scope, secret fingerprint) in a private directory. Files are
 * 0600 in a 0700 directory, opened without following symlinks, ignored
 * when owned by someone else, replaced atomically, and read as a miss
 * whenever anything about them is off. */
#ifndef PT_TOKEN_CACHE_H
#define PT_TOKEN_CACHE_H

#include "token.h"

#include <stdbool.h>
#include <time.h>

/* A token is not reused once fewer than this many seconds remain (or a
 * quarter of its lifetime, if that is less), so that it never expires
 * on its way to the API. */
#define PT_CACHE_MARGIN_SECONDS 60
/* Lifetime assumed when the token endpoint gives no expires_in. */
#define PT_CACHE_DEFAULT_LIFETIME 300
/* How long a refused token request (4xx) is remembered. The API blocks
 * an IP for a minute after 60 4xx answers in a minute. */
#define PT_CACHE_BACKOFF_SECONDS 60

enum pt_cache_kind {
	PT_CACHE_MISS,
	PT_CACHE_TOKEN,   /* a token still good for at least the margin */
	PT_CACHE_BACKOFF, /* a remembered refusal still inside its back-off */
};

struct pt_cache_entry {
	enum pt_cache_kind kind;
	time_t written;
	time_t until; /* token: expiry; back-off: end of the back-off */
	char token[PT_TOKEN_MAX];
	long status;    /* back-off: the refusal's HTTP status */
	char error[64]; /* back-off: its OAuth error code, [a-z_] only */
};

struct pt_cache {
	int dirfd;      /* -1: no cache in this run */
	int lockfd;     /* -1: not locked */
	char name[65];  /* the entry's file name */
	char dir[512];  /* for messages */
	char note[256]; /* why the cache is not used, or "" */
};

/* The directory used without --token-cache: $MP_STATE_PATH/<euid>/
 * check_prioticket, else <state dir>/<euid>/check_prioticket, else
 * $XDG_CACHE_HOME/check_prioticket, else $HOME/.cache/check_prioticket:
 * the first that exists or can be created. */

/* Opens the cache directory (dir, or the default when dir is NULL) and
 * names the entry for this identity. Never fails the run: on trouble
 * c->dirfd is -1 and c->note says why. */
void pt_cache_open(struct pt_cache *c, const char *dir, const char *token_url,
                   const char *client_id, const char *scope, const char *client_secret);
void pt_cache_close(struct pt_cache *c);

/* Reads the entry; a missing, corrupt, foreign or expired one is a miss. */
void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e);

/* Waits, until deadline at the latest, for the right to fetch a token
 * for this entry (so that one run fetches while the others wait).
 * Returns false on timeout (*timed_out set) or when locking is not
 * possible (the run then fetches without the lock). */
bool pt_cache_lock(struct pt_cache *c, double deadline, bool *timed_out);
void pt_cache_unlock(struct pt_cache *c);

bool pt_cache_store_token(struct pt_cache *c, const char *token, long expires_in, time_t now);
bool pt_cache_store_refusal(struct pt_cache *c, long status, const char *error, time_t now);
/* Forgets the entry (after the API refused its token). */
void pt_cache_drop(struct pt_cache *c);

#endif
