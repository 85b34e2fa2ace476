/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Secrets (client secret, API key) from a file, the environment or the
 * command line, kept in memory that is wiped when released. */
#ifndef PT_SECRET_H
#define PT_SECRET_H

#include "util/buf.h"
#include "util/limits.h"

#include <stdbool.h>

/* Reads a secret file: it must be a regular file (symlinks are
 * followed, as secret mounts use them, but the target is checked), not
 * readable or writable by "other" (mode & 007 == 0), not empty, at most
 * PT_SECRET_MAX bytes. One trailing "\n" or "\r\n" is removed; what remains must
 * be non-empty and free of control characters. On success *out is a
 * malloc'ed NUL-terminated copy (free with pt_secret_free). On failure
 * returns false with a one-line reason in err that names the file but
 * never its content. */
bool pt_secret_read_file(const char *path, char **out, struct pt_buf *err);

/* The origins a secret file names, each "https://host:port" (the host in
 * lower case, the port always written). */
struct pt_secret_origins {
	size_t n;
	char origin[PT_SECRET_ORIGINS_MAX][PT_ORIGIN_MAX];
};

/* pt_secret_read_file, where the lines after the secret's may each name
 * an origin the secret may be sent to, besides the Prioticket hosts and
 * loopback: "origin: https://HOST[:PORT]" (a DNS name, an IPv4 address
 * or an IPv6 address in brackets; port 443 when none is written), at
 * most PT_SECRET_ORIGINS_MAX, into *origins. Whoever can write the file
 * could name an origin without knowing the secret: a file that names
 * one is read only when pt_file_protected() says it is. Any other line
 * is refused by its number, never quoted. */
bool pt_secret_read_file_origins(const char *path, char **out, struct pt_secret_origins *origins,
                                 struct pt_buf *err);

/* Takes a copy of an environment variable's value if set and non-empty
 * (false, *out NULL otherwise). Control characters are refused with a
 * reason in err (returns false, *out NULL, err non-empty). */
bool pt_secret_from_env(const char *name, char **out, struct pt_buf *err);

/* Wipes and frees. NULL is fine. */
void pt_secret_free(char *s);

#endif
