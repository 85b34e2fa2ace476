/* The token cache shared between runs: one file per (token URL, client
 * id, scope, secret) in a private directory, named by an HMAC keyed
 * with a random per-directory salt, so that a listing of the directory
 * tells nothing about the secret. Files are 0600 in a 0700 directory
 * reached without following any symlink, ignored when owned by someone
 * else, replaced atomically, and read as a miss whenever anything about
 * them is off. */
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
/* An entry written more than this many seconds in the future was
 * written before the clock was stepped back: it is void. */
#define PT_CACHE_CLOCK_SKEW 5
/* A temporary file of another entry this old, whose entry nobody has
 * locked, is left by a run that was stopped or killed between writing
 * and renaming it: a write, fsync and rename take far less. */
#define PT_CACHE_STALE_TMP_SECONDS 10

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
	char note[512]; /* why the cache is not used, or "" */
	/* Why the state directory was passed over for the per-user one. */
	char skipped[512];
	/* Why the state directory was refused, when it is there but breaks a
	 * rule (another user's <euid>/, a symlink ...), whatever came next;
	 * "" when it was only missing or not creatable. */
	char refused[512];
};

/* The directory used without --token-cache: <state_dir>/<euid>/
 * check_prioticket, else the per-user fallback of struct pt_cache_places
 * (the plugin layer fills it: $MP_STATE_PATH or the configured state
 * directory, then $XDG_CACHE_HOME/check_prioticket or
 * $HOME/.cache/check_prioticket): the first that exists or can be created.
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

/* The default directory's candidates, found by the caller (the plugin
 * layer knows the monitoring-plugins and XDG conventions; this layer
 * only opens what it is given). */
struct pt_cache_places {
	const char *state_dir; /* the shared state directory: <euid>/check_prioticket in it */
	const char *user_base; /* the per-user fallback is user_base + user_sub; */
	const char *user_sub;  /* NULL when there is none */
};

/* Opens the cache directory (dir, or the default of places when dir is
 * NULL) and names the entry for this identity. Never fails the run: on
 * trouble c->dirfd is -1 and c->note says why. */
void pt_cache_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places,
                   const char *token_url, const char *client_id, const char *scope,
                   const char *client_secret);
void pt_cache_close(struct pt_cache *c);

/* Reads the entry; a missing, corrupt, foreign or expired one is a miss,
 * and so is one written in the future (the clock was stepped back). A
 * back-off never lasts longer than PT_CACHE_BACKOFF_SECONDS from now. */
void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e);

/* Waits, until deadline at the latest, for the right to fetch a token
 * for this entry (so that one run fetches while the others wait).
 * Returns false on timeout (*timed_out set) or when locking is not
 * possible (the run then fetches without the lock). Once locked, removes
 * the temporary files a stopped or killed writer left behind. */
bool pt_cache_lock(struct pt_cache *c, double deadline, bool *timed_out);
void pt_cache_unlock(struct pt_cache *c);

bool pt_cache_store_token(struct pt_cache *c, const char *token, long expires_in, time_t now);
bool pt_cache_store_refusal(struct pt_cache *c, long status, const char *error, time_t now);
/* Forgets the entry after the API refused its token, but only while
 * holding the lock and only if the entry still holds that token, so
 * that a token another run has just stored is kept. */
void pt_cache_drop(struct pt_cache *c, const char *refused);

#endif
