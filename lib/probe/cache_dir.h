/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token cache's directory, and the files in it (cache_dir.c).
 * Internal to the probe layer. */
#ifndef PT_CACHE_DIR_H
#define PT_CACHE_DIR_H

#include "probe_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* An open token cache: its directory, and the name of this run's
 * identity's entry in it (token_cache.h). */
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
 * fallback, 0700.
 *
 * Opens dir, or the default of places when dir is NULL: its descriptor,
 * or -1 with c->note saying why (and c->dir, skipped, in_memory and
 * refused telling which place was taken or passed over). */
int pt_cache_dir_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places);

/* Writes all of p; false with errno set. */
bool pt_cache_write_all(int fd, const char *p, size_t len);
/* Reads up to len bytes, fewer at the end of the file or on an error. */
size_t pt_cache_read_all(int fd, char *p, size_t len);
/* A file of ours in the cache directory, opened read-only without
 * following a symlink; -1 unless it is a regular file of the effective
 * user that nobody else can read, of at most max bytes. */
int pt_cache_open_own_file(int dirfd, const char *name, off_t max);

#endif
