/* Fuzzes the token cache's entry parser (static parse_entry in
 * lib/probe/token_cache.c) through pt_cache_read: the input's first
 * byte picks "now", the rest is written as the entry file (0600, ours)
 * into a private cache directory made once per process under
 * $PT_FUZZ_TMPDIR (run.sh and the pytest set it to a directory they
 * remove), else /dev/shm, $TMPDIR or /tmp, and removed at a normal exit
 * (a crash leaves it behind).
 *
 * Invariants (token_cache.h: "a missing, corrupt, foreign or expired one
 * is a miss"):
 * - the kind is MISS, TOKEN or BACKOFF; a miss is all zeroes;
 * - TOKEN: a non-empty b64token, NUL-terminated within the struct, not
 *   expired at `now` and with at least the margin left (60 s, or a
 *   quarter of its lifetime if that is less);
 * - BACKOFF: a 4xx status, an error code of [a-z_] only, still running
 *   at `now`, and for at most PT_CACHE_BACKOFF_SECONDS more;
 * - a hit was not written in the future (beyond PT_CACHE_CLOCK_SKEW). */
#include "config.h"

#include "probe/token.h"
#include "probe/token_cache.h"

#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define INPUT_MAX (8192 + 256) /* a bit above the cache's ENTRY_MAX */

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
	static const struct pt_cache_entry zero;
	struct pt_cache_entry *e;
	time_t now;

	if (size == 0 || size > INPUT_MAX) {
		return 0;
	}
	if (!dir[0]) {
		LLVMFuzzerInitialize(NULL, NULL);
	}
	now = nows[data[0] % NNOWS];
	write_entry(data + 1, size - 1);

	e = malloc(sizeof(*e));
	FUZZ_CHECK(e != NULL);
	memset(e, 0xa5, sizeof(*e));
	pt_cache_read(&cache, now, e);
	switch (e->kind) {
	case PT_CACHE_MISS:
		FUZZ_CHECK(memcmp(e, &zero, sizeof(zero)) == 0);
		break;
	case PT_CACHE_TOKEN: {
		time_t left = e->until - now;
		time_t life = e->until - e->written;
		time_t margin = life / 4 < PT_CACHE_MARGIN_SECONDS ? life / 4 : PT_CACHE_MARGIN_SECONDS;

		FUZZ_CHECK(memchr(e->token, '\0', sizeof(e->token)) != NULL);
		FUZZ_CHECK(e->token[0] != '\0' && pt_token_chars_ok(e->token));
		if (left <= 0 || (margin > 0 && left <= margin)) {
			fprintf(stderr,
			        "fuzz: token handed out at now=%lld: written=%lld until=%lld (%lld s left)\n",
			        (long long)now, (long long)e->written, (long long)e->until, (long long)left);
			FUZZ_CHECK(!"an expired token is a miss");
		}
		break;
	}
	case PT_CACHE_BACKOFF:
		FUZZ_CHECK(e->status >= 400 && e->status <= 499);
		FUZZ_CHECK(memchr(e->error, '\0', sizeof(e->error)) != NULL);
		FUZZ_CHECK(strspn(e->error, "abcdefghijklmnopqrstuvwxyz_") == strlen(e->error));
		FUZZ_CHECK(e->until > now);
		FUZZ_CHECK(e->until - now <= PT_CACHE_BACKOFF_SECONDS);
		break;
	default:
		FUZZ_CHECK(!"unknown entry kind");
	}
	if (e->kind != PT_CACHE_MISS) {
		FUZZ_CHECK(e->written <= now + PT_CACHE_CLOCK_SKEW);
	}
	free(e);
	return 0;
}
