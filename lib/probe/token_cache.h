/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token cache shared between runs: one file per (token URL, client
 * id, scope, secret) in a private directory, named by an HMAC keyed
 * with a random per-directory salt, so that a listing of the directory
 * tells nothing about the secret. Files are 0600 in a 0700 directory
 * reached without following any symlink, ignored when owned by someone
 * else, replaced atomically, and read as a miss whenever anything about
 * them is off.
 *
 * This file opens the cache for one identity; the rest is in
 * cache_dir.h (the directory walk, and the files in it), cache_entry.h
 * (the entry: a token, a remembered failure, or both) and cache_lock.h
 * (one run fetches a token while the others wait). Its lengths and
 * lifetimes are in util/limits.h. */
#ifndef PT_TOKEN_CACHE_H
#define PT_TOKEN_CACHE_H

#include "cache_dir.h"
#include "probe_types.h"

/* Opens the cache directory (dir, or the default of places when dir is
 * NULL) and names the entry for this identity. Never fails the run: on
 * trouble c->dirfd is -1 and c->note says why. */
void pt_cache_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places,
                   const char *token_url, const char *client_id, const char *scope,
                   const char *client_secret);
void pt_cache_close(struct pt_cache *c);

#endif
