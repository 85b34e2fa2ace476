/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the token cache's entry parser (static parse_entry in
 * lib/probe/cache_entry.c) through pt_cache_read: the input's first
 * byte picks "now", the rest is written as the entry file (0600, ours)
 * into a private cache directory made once per process under
 * $PT_FUZZ_TMPDIR (run.sh and the pytest set it to a directory they
 * remove), else /dev/shm, $TMPDIR or /tmp, and removed at a normal exit
 * (a crash leaves it behind).
 *
 * Invariants (cache_entry.h, pt_cache_read: a missing, corrupt or foreign
 * entry is a miss, and so is one written in the future or expired):
 * - the kind is MISS, TOKEN or BACKOFF; a miss holds no token;
 * - TOKEN: a non-empty b64token of token_len characters, not expired at
 *   `now`, renewed no later than it expires; due once its renewal time
 *   has passed;
 * - a back-off: a 4xx status for a refusal (which keeps no token), codes
 *   of [A-Za-z_] only, running for at most PT_CACHE_RETRY_AFTER_MAX more;
 *   BACKOFF only while it runs; its seconds counted from `now` (left
 *   until the clamped end, at least 1 while it runs, ago and length never
 *   negative, length at most PT_CACHE_RETRY_AFTER_MAX);
 * - TOKEN: valid_for is the seconds from `now` to its expiry;
 * - a hit was not written in the future (beyond PT_CACHE_CLOCK_SKEW). */
#include "config.h"

#include "probe/cache_entry.h"
#include "probe/token.h"
#include "probe/token_cache.h"

#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define INPUT_MAX (PT_CACHE_ENTRY_MAX + 1024) /* a bit above what the cache reads */

static struct pt_cache cache;
static char dir[256];
static char file[512];
static char lockfile[512];
static char saltfile[512];

static const time_t nows[] = {
    0,
    1,
    59,
    1000,
    1700000000,
    1700000240,
    1700000300,
    2000000000,
    (time_t)4102444800LL, /* 2100 */
    (time_t)999999999999999999LL,
};
#define NNOWS (sizeof(nows) / sizeof(nows[0]))

static void cleanup(void)
{
	if (file[0]) {
		unlink(file);
		unlink(lockfile);
		unlink(saltfile);
	}
	pt_cache_close(&cache);
	if (dir[0]) {
		rmdir(dir);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("PT_FUZZ_TMPDIR");
	struct stat st;

	(void)argc;
	(void)argv;
	if (!base || base[0] != '/') {
		base = "/dev/shm";
		if (stat(base, &st) != 0 || !S_ISDIR(st.st_mode) || access(base, W_OK) != 0) {
			base = getenv("TMPDIR");
			if (!base || base[0] != '/') {
				base = "/tmp";
			}
		}
	}
	snprintf(dir, sizeof(dir), "%s/pt-fuzz-cache-XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	pt_cache_open(&cache, dir, NULL, "https://example.test/oauth2/token", "client", "scope",
	              "secret");
	if (cache.dirfd < 0) {
		fprintf(stderr, "fuzz: pt_cache_open(%s): %s\n", dir, cache.note);
		abort();
	}
	snprintf(file, sizeof(file), "%s/%s", dir, cache.name);
	snprintf(lockfile, sizeof(lockfile), "%s/%s.lock", dir, cache.name);
	snprintf(saltfile, sizeof(saltfile), "%s/salt", dir); /* the entry names' salt */
	atexit(cleanup);
	return 0;
}

static void write_entry(const uint8_t *data, size_t size)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t done = 0;

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(fchmod(fd, 0600) == 0);
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		FUZZ_CHECK(n > 0);
		done += (size_t)n;
	}
	FUZZ_CHECK(close(fd) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_cache_entry *e;
	struct pt_backoff *b;
	time_t now;

	if (size == 0 || size > INPUT_MAX) {
		return 0;
	}
	if (!dir[0]) {
		LLVMFuzzerInitialize(NULL, NULL);
	}
	now = nows[data[0] % NNOWS];
	write_entry(data + 1, size - 1);

	e = calloc(1, sizeof(*e));
	FUZZ_CHECK(e != NULL);
	pt_cache_read(&cache, now, e);
	b = &e->backoff;
	switch (e->kind) {
	case PT_CACHE_MISS:
		FUZZ_CHECK(e->token == NULL && b->left == 0);
		break;
	case PT_CACHE_TOKEN:
		FUZZ_CHECK(e->token != NULL && e->token_len == strlen(e->token));
		FUZZ_CHECK(e->token[0] != '\0' && pt_token_chars_ok(e->token));
		FUZZ_CHECK(e->token_len <= PT_TOKEN_MAX_CHARS);
		if (e->expires <= now || e->renew > e->expires || e->due != (e->renew <= now)) {
			fprintf(stderr, "fuzz: token at now=%lld: written=%lld renew=%lld expires=%lld\n",
			        (long long)now, (long long)e->written, (long long)e->renew,
			        (long long)e->expires);
			FUZZ_CHECK(!"an expired token is a miss");
		}
		FUZZ_CHECK(e->written <= now + PT_CACHE_CLOCK_SKEW);
		FUZZ_CHECK(e->valid_for == (long)(e->expires - now) && e->valid_for >= 1);
		break;
	case PT_CACHE_BACKOFF:
		FUZZ_CHECK(e->token == NULL && b->left > 0);
		break;
	default:
		FUZZ_CHECK(!"unknown entry kind");
	}
	if (b->kind != PT_BACKOFF_NONE) {
		FUZZ_CHECK(b->kind == PT_BACKOFF_FAILURE ||
		           (b->status >= 400 && b->status <= 499 && e->token == NULL));
		FUZZ_CHECK(strspn(b->error, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") ==
		           strlen(b->error));
		FUZZ_CHECK(strspn(b->outcome, "abcdefghijklmnopqrstuvwxyz_") == strlen(b->outcome));
		FUZZ_CHECK(e->backoff_at <= now + PT_CACHE_CLOCK_SKEW);
		FUZZ_CHECK((b->left > 0) == (e->backoff_until > now));
		FUZZ_CHECK(b->left == (e->backoff_until > now ? (long)(e->backoff_until - now) : 0));
		FUZZ_CHECK(b->left <= PT_CACHE_RETRY_AFTER_MAX && b->left <= b->length);
		FUZZ_CHECK(b->length >= 0 && b->length <= PT_CACHE_RETRY_AFTER_MAX && b->ago >= 0);
	} else {
		FUZZ_CHECK(b->left == 0);
	}
	pt_cache_entry_clear(e);
	free(e);
	return 0;
}
