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

/* A token is renewed once fewer than this many seconds remain (or a
 * quarter of its lifetime, if that is less), so that it never expires
 * on its way to the API. */
#define PT_CACHE_MARGIN_SECONDS 60
/* Lifetime assumed when the token endpoint gives no expires_in. */
#define PT_CACHE_DEFAULT_LIFETIME 300
/* A token is renewed after this long at the latest, however long it
 * lives: so at least once an hour the check proves that the token
 * endpoint still issues tokens for these credentials (a 400-day token
 * would otherwise hide a revoked secret for 400 days). One request an
 * hour per identity costs nothing; Prioticket documents 3600 s tokens,
 * which this leaves as they are. If that renewal fails, the token is
 * still used until its real expiry (probe.h). */
#define PT_CACHE_RENEW_MAX_SECONDS 3600
/* How long a refused token request (a 4xx) is remembered. The API blocks
 * an address for a minute once it answered 60 4xx within a minute, and
 * one remembered refusal costs one 4xx per back-off period. Sized so that
 * PT_CACHE_REFUSAL_SHARERS identities (several credentials per host,
 * several monitoring hosts behind one NAT address) together use at most
 * PT_CACHE_REFUSAL_SHARE_PERCENT of that budget, leaving the rest to the
 * real integration on the same address: 60 s x 6 / (60 x 25 %) = 24 s.
 * Shorter would risk the block; longer keeps reporting a refusal the API
 * no longer gives after the credentials are fixed. */
#define PT_API_4XX_PER_MINUTE          60
#define PT_CACHE_REFUSAL_SHARERS       6
#define PT_CACHE_REFUSAL_SHARE_PERCENT 25
#define PT_CACHE_REFUSAL_SECONDS                                                                   \
	(60 * PT_CACHE_REFUSAL_SHARERS * 100 / (PT_API_4XX_PER_MINUTE * PT_CACHE_REFUSAL_SHARE_PERCENT))
/* A token request that failed without a refusal (5xx, no answer, an
 * unusable 2xx) is remembered too, so that a failing endpoint gets one
 * request per back-off instead of one per run: 2 s after the first
 * failure, doubling while the failures go on, at most 30 s (under the
 * usual check interval of a minute, so a recovered endpoint is seen
 * within half of one). */
#define PT_CACHE_FAILURE_FIRST_SECONDS 2
#define PT_CACHE_FAILURE_MAX_SECONDS   30
/* A Retry-After on a 429 or 503 (RFC 9110 section 10.2.3) is the
 * back-off, kept within these bounds: an hour at most, so that a wrong
 * or hostile value cannot silence the check for longer. */
#define PT_CACHE_RETRY_AFTER_MIN 1
#define PT_CACHE_RETRY_AFTER_MAX 3600
/* An entry written more than this many seconds in the future was
 * written before the clock was stepped back: it is void. */
#define PT_CACHE_CLOCK_SKEW 5
/* A temporary file of another entry this old, whose entry nobody has
 * locked, is left by a run that was stopped or killed between writing
 * and renaming it: a write, fsync and rename take far less. */
#define PT_CACHE_STALE_TMP_SECONDS 10

enum pt_cache_kind {
	PT_CACHE_MISS,
	PT_CACHE_TOKEN,   /* a token that has not expired (it may be due for renewal) */
	PT_CACHE_BACKOFF, /* no usable token, and a remembered failure still inside its back-off */
};

enum pt_backoff_kind {
	PT_BACKOFF_NONE,
	PT_BACKOFF_REFUSAL, /* the token endpoint answered 4xx */
	PT_BACKOFF_FAILURE, /* 5xx, no answer, or no usable token in a 2xx */
};

/* A remembered failure of the token endpoint. */
struct pt_cache_backoff {
	enum pt_backoff_kind kind;
	bool active;      /* still inside its back-off at the time of reading */
	time_t at;        /* when the failure happened */
	time_t until;     /* when the next token request may go out */
	long status;      /* the HTTP status, 0 without an answer */
	char outcome[16]; /* how the request ended, a word of [a-z_] (probe.c's) */
	char error[64];   /* the error code (OAuth's or Prioticket's), [A-Za-z_] only */
	int failures;     /* failures in a row, this one included */
	bool retry_after; /* the length is the server's Retry-After */
};

/* One identity's entry: a token, a remembered failure, or both (a valid
 * token whose renewal failed). */
struct pt_cache_entry {
	enum pt_cache_kind kind;
	char *token; /* heap, wiped by pt_cache_entry_clear; NULL without one */
	size_t token_len;
	time_t written; /* when the token was stored */
	time_t expires; /* when it expires (its real expiry) */
	time_t renew;   /* from then on, a new token is requested */
	bool due;       /* TOKEN: renew has passed */
	struct pt_cache_backoff backoff;
};

void pt_cache_entry_clear(struct pt_cache_entry *e);

/* The back-off of a failure: its length in seconds, given the failures
 * in a row (this one included) and a Retry-After in seconds (-1: none,
 * else the server's value, kept within bounds). */
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

/* The default directory's candidates, found by the caller (the plugin
 * layer knows the monitoring-plugins and XDG conventions; this layer
 * only opens what it is given). */
struct pt_cache_places {
	const char *state_dir; /* the shared state directory: <euid>/check_prioticket in it */
	const char *user_base; /* the per-user fallback is user_base + user_sub; */
	const char *user_sub;  /* NULL when there is none */
	/* The last resort, a directory in memory that every user may create
	 * an own subdirectory in (/dev/shm): memory_base + memory_sub + the
	 * euid. Without it, a run whose other places fail has no cache, and
	 * nothing would limit its token requests; a token there is gone at
	 * reboot, which costs one request. NULL when there is none. */
	const char *memory_base;
	const char *memory_sub;
};

/* Opens the cache directory (dir, or the default of places when dir is
 * NULL) and names the entry for this identity. Never fails the run: on
 * trouble c->dirfd is -1 and c->note says why. */
void pt_cache_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places,
                   const char *token_url, const char *client_id, const char *scope,
                   const char *client_secret);
void pt_cache_close(struct pt_cache *c);

/* Reads the entry: a missing, corrupt or foreign one is a miss, and so is
 * one written in the future (the clock was stepped back). A back-off
 * never lasts longer than its own length from now. e is cleared first
 * and must be cleared with pt_cache_entry_clear after use. */
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
/* Stores a remembered failure; a token that has not expired is kept with
 * it when keep is given (a failed renewal), else dropped. */
bool pt_cache_store_backoff(struct pt_cache *c, const struct pt_cache_backoff *b,
                            const struct pt_cache_entry *keep);
/* Forgets the entry after the API refused its token, but only while
 * holding the lock and only if the entry still holds that token, so
 * that a token another run has just stored is kept. */
void pt_cache_drop(struct pt_cache *c, const char *refused);

#endif
