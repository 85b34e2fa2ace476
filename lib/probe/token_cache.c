/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token cache shared between runs: opening it for one identity
 * (its directory, the directory's salt, the entry's name). */
#include "config.h"

#include "token_cache.h"
#include "cache_dir.h"
#include "cache_lock.h"
#include "util/buf.h"
#include "util/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define SALT_FILE "salt"
#define SALT_LEN  32

static bool hex_digits(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") == n;
}

static bool read_salt(int dirfd, unsigned char salt[SALT_LEN])
{
	char text[2 * SALT_LEN + 2];
	size_t got;
	int fd = pt_cache_open_own_file(dirfd, SALT_FILE, sizeof(text));

	if (fd < 0) {
		return false;
	}
	got = pt_cache_read_all(fd, text, sizeof(text) - 1);
	close(fd);
	text[got] = '\0';
	if (got != 2 * SALT_LEN + 1 || text[2 * SALT_LEN] != '\n' || !hex_digits(text, 2 * SALT_LEN)) {
		return false;
	}
	for (size_t i = 0; i < 2 * SALT_LEN; i++) {
		/* hex_digits() let only 0-9 and a-f through. */
		unsigned char v = (unsigned char)(text[i] <= '9' ? text[i] - '0' : text[i] - 'a' + 10);

		salt[i / 2] = (unsigned char)(i % 2 ? (salt[i / 2] << 4) | v : v);
	}
	pt_wipe(text, sizeof(text));
	return true;
}

/* The per-directory salt of the entry names: read it, or create it
 * atomically (write a temporary file, then link it into place, which
 * fails if another run was quicker, whose salt then counts). */
static bool load_salt(int dirfd, unsigned char salt[SALT_LEN], char *note, size_t notelen)
{
	char tmp[64];
	char text[2 * SALT_LEN + 2];
	unsigned char fresh[SALT_LEN];
	size_t got = 0;
	bool ok;
	int err;
	int fd;

	if (read_salt(dirfd, salt)) {
		return true;
	}
	while (got < sizeof(fresh)) {
		ssize_t n = getrandom(fresh + got, sizeof(fresh) - got, 0);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			snprintf(note, notelen, "cannot get random bytes for the cache's salt: %s",
			         strerror(errno));
			return false;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < SALT_LEN; i++) {
		snprintf(text + 2 * i, 3, "%02x", fresh[i]);
	}
	text[2 * SALT_LEN] = '\n';
	text[2 * SALT_LEN + 1] = '\0';
	snprintf(tmp, sizeof(tmp), SALT_FILE ".tmp.%ld", (long)getpid());
	(void)unlinkat(dirfd, tmp, 0); /* left by a run that died with our pid */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(note, notelen, "cannot create the cache's salt: %s", strerror(errno));
		return false;
	}
	ok = pt_cache_write_all(fd, text, 2 * SALT_LEN + 1) && fsync(fd) == 0;
	err = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && linkat(dirfd, tmp, dirfd, SALT_FILE, 0) != 0) {
		/* A salt file that is there but unusable (not ours, corrupt) is
		 * replaced; one another run has just made is kept. */
		err = errno;
		ok = err == EEXIST &&
		     (read_salt(dirfd, salt) || renameat(dirfd, tmp, dirfd, SALT_FILE) == 0);
		if (!ok && err == EEXIST) {
			err = errno;
		}
	}
	(void)unlinkat(dirfd, tmp, 0);
	pt_wipe(text, sizeof(text));
	pt_wipe(fresh, sizeof(fresh));
	if (ok && read_salt(dirfd, salt)) {
		return true;
	}
	snprintf(note, notelen, "cannot create the cache's salt file: %s",
	         ok ? "it cannot be read back" : strerror(err));
	return false;
}

static void hash_field(struct pt_sha256 *h, const char *s)
{
	/* Length-prefixed, so that fields cannot run into each other. */
	size_t n = s ? strlen(s) : 0;
	char len[24];

	snprintf(len, sizeof(len), "%zu:", n);
	pt_sha256_update(h, len, strlen(len));
	if (s) {
		pt_sha256_update(h, s, n);
	}
}

/* HMAC-SHA-256 (RFC 2104) keyed with the salt: without the salt file, a
 * name gives nothing to test guessed secrets against. */
static void entry_name(const unsigned char salt[SALT_LEN], const char *token_url,
                       const char *client_id, const char *scope, const char *client_secret,
                       char out[65])
{
	unsigned char pad[64];
	unsigned char inner[32];
	unsigned char digest[32];
	struct pt_sha256 h;

	memset(pad, 0x36, sizeof(pad));
	for (size_t i = 0; i < SALT_LEN; i++) {
		pad[i] ^= salt[i];
	}
	pt_sha256_init(&h);
	pt_sha256_update(&h, pad, sizeof(pad));
	hash_field(&h, "check_prioticket token v2");
	hash_field(&h, token_url);
	hash_field(&h, client_id);
	hash_field(&h, scope);
	hash_field(&h, client_secret);
	pt_sha256_final(&h, inner);
	memset(pad, 0x5c, sizeof(pad));
	for (size_t i = 0; i < SALT_LEN; i++) {
		pad[i] ^= salt[i];
	}
	pt_sha256_init(&h);
	pt_sha256_update(&h, pad, sizeof(pad));
	pt_sha256_update(&h, inner, sizeof(inner));
	pt_sha256_final(&h, digest);
	pt_sha256_hex(digest, out);
	pt_wipe(pad, sizeof(pad));
	pt_wipe(inner, sizeof(inner));
	pt_wipe(&h, sizeof(h));
}

void pt_cache_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places,
                   const char *token_url, const char *client_id, const char *scope,
                   const char *client_secret)
{
	unsigned char salt[SALT_LEN];

	memset(c, 0, sizeof(*c));
	c->lockfd = -1;
	c->dirfd = pt_cache_dir_open(c, dir, places);
	if (c->dirfd < 0) {
		return;
	}
	if (!load_salt(c->dirfd, salt, c->note, sizeof(c->note))) {
		close(c->dirfd);
		c->dirfd = -1;
		return;
	}
	c->note[0] = '\0';
	/* The secret is part of the identity: a corrected or rotated secret
	 * neither reuses the old token nor waits out the old back-off. */
	entry_name(salt, token_url, client_id, scope, client_secret, c->name);
	pt_wipe(salt, sizeof(salt));
}

void pt_cache_close(struct pt_cache *c)
{
	pt_cache_unlock(c);
	if (c->dirfd >= 0) {
		close(c->dirfd);
	}
	c->dirfd = -1;
}
