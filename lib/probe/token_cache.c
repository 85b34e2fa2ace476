/* The token cache shared between runs. */
#include "config.h"

#include "token_cache.h"
#include "clock.h"
#include "util/buf.h"
#include "util/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ENTRY_MAX 8192
#define MAGIC     "check_prioticket-token-cache 1"

#ifndef PT_STATE_DIR
#	define PT_STATE_DIR "/var/lib/monitoring-plugins"
#endif

/* mkdir -p, creating missing components 0700. */
static bool make_dirs(const char *path)
{
	char tmp[512];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp) || path[0] != '/') {
		return false;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
				return false;
			}
			*p = saved;
			if (saved == '\0') {
				break;
			}
		}
	}
	return true;
}

/* Opens dir itself without following a symlink there, and makes sure
 * only we can use it. */
static int open_private_dir(const char *dir, char *note, size_t notelen)
{
	struct stat st;
	int fd;

	if (!make_dirs(dir)) {
		snprintf(note, notelen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(note, notelen, "cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
		snprintf(note, notelen, "%s belongs to another user", dir);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0700) != 0) {
		snprintf(note, notelen, "%s is open to others and cannot be made private", dir);
		close(fd);
		return -1;
	}
	return fd;
}

static int open_default_dir(char *dir, size_t dirlen, char *note, size_t notelen)
{
	const char *state = getenv("MP_STATE_PATH");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int fd;

	if (!state || state[0] != '/') {
		state = PT_STATE_DIR;
	}
	snprintf(dir, dirlen, "%s/%lu/check_prioticket", state, (unsigned long)geteuid());
	fd = open_private_dir(dir, note, notelen);
	if (fd >= 0) {
		return fd;
	}
	/* The engine's user often cannot write the system state directory;
	 * its own cache directory works out of the box. */
	if (xdg && xdg[0] == '/') {
		snprintf(dir, dirlen, "%s/check_prioticket", xdg);
	} else if (home && home[0] == '/') {
		snprintf(dir, dirlen, "%s/.cache/check_prioticket", home);
	} else {
		return -1;
	}
	return open_private_dir(dir, note, notelen);
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

void pt_cache_open(struct pt_cache *c, const char *dir, const char *token_url,
                   const char *client_id, const char *scope, const char *client_secret)
{
	struct pt_sha256 h;
	unsigned char digest[32];

	memset(c, 0, sizeof(*c));
	c->lockfd = -1;
	if (dir) {
		snprintf(c->dir, sizeof(c->dir), "%s", dir);
		c->dirfd = open_private_dir(dir, c->note, sizeof(c->note));
	} else {
		c->dirfd = open_default_dir(c->dir, sizeof(c->dir), c->note, sizeof(c->note));
	}
	if (c->dirfd >= 0) {
		c->note[0] = '\0';
	}
	/* The secret is part of the identity: a corrected or rotated secret
	 * neither reuses the old token nor waits out the old back-off. Only
	 * its hash is kept. */
	pt_sha256_init(&h);
	hash_field(&h, "check_prioticket token v1");
	hash_field(&h, token_url);
	hash_field(&h, client_id);
	hash_field(&h, scope);
	hash_field(&h, client_secret);
	pt_sha256_final(&h, digest);
	pt_sha256_hex(digest, c->name);
}

void pt_cache_close(struct pt_cache *c)
{
	pt_cache_unlock(c);
	if (c->dirfd >= 0) {
		close(c->dirfd);
	}
	c->dirfd = -1;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 19;
}

/* Parses "key value" lines; anything unexpected makes the whole entry a
 * miss. */
static bool parse_entry(char *text, struct pt_cache_entry *e)
{
	char *save = NULL;
	char *line;
	bool have_kind = false;
	bool have_until = false;

	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, MAGIC) != 0) {
		return false;
	}
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' ');

		if (!value) {
			return false;
		}
		*value++ = '\0';
		if (strcmp(line, "kind") == 0) {
			if (strcmp(value, "token") == 0) {
				e->kind = PT_CACHE_TOKEN;
			} else if (strcmp(value, "refusal") == 0) {
				e->kind = PT_CACHE_BACKOFF;
			} else {
				return false;
			}
			have_kind = true;
		} else if (strcmp(line, "written") == 0 && all_digits(value)) {
			e->written = (time_t)strtoll(value, NULL, 10);
		} else if (strcmp(line, "until") == 0 && all_digits(value)) {
			e->until = (time_t)strtoll(value, NULL, 10);
			have_until = true;
		} else if (strcmp(line, "token") == 0 && pt_token_chars_ok(value) &&
		           strlen(value) < sizeof(e->token)) {
			memcpy(e->token, value, strlen(value) + 1);
		} else if (strcmp(line, "status") == 0 && all_digits(value) && strlen(value) == 3) {
			e->status = strtol(value, NULL, 10);
		} else if (strcmp(line, "error") == 0 &&
		           strspn(value, "abcdefghijklmnopqrstuvwxyz_") == strlen(value) &&
		           strlen(value) < sizeof(e->error)) {
			memcpy(e->error, value, strlen(value) + 1);
		} else {
			return false;
		}
	}
	if (!have_kind || !have_until || e->until < e->written) {
		return false;
	}
	if (e->kind == PT_CACHE_TOKEN) {
		return e->token[0] != '\0';
	}
	return e->status >= 400 && e->status < 500;
}

/* Short-lived tokens get a quarter of their lifetime as margin. */
static time_t margin(const struct pt_cache_entry *e)
{
	time_t quarter = (e->until - e->written) / 4;

	return quarter < PT_CACHE_MARGIN_SECONDS ? quarter : PT_CACHE_MARGIN_SECONDS;
}

void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e)
{
	char text[ENTRY_MAX + 1];
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	memset(e, 0, sizeof(*e));
	if (c->dirfd < 0) {
		return;
	}
	fd = openat(c->dirfd, c->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) || st.st_size > ENTRY_MAX) {
		close(fd);
		return;
	}
	while (got < ENTRY_MAX) {
		n = read(fd, text + got, ENTRY_MAX - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	text[got] = '\0';
	if (strlen(text) != got || !parse_entry(text, e)) {
		memset(e, 0, sizeof(*e));
	} else if (e->kind == PT_CACHE_TOKEN && e->until - margin(e) <= now) {
		memset(e, 0, sizeof(*e));
	} else if (e->kind == PT_CACHE_BACKOFF && e->until <= now) {
		memset(e, 0, sizeof(*e));
	}
	pt_wipe(text, sizeof(text));
}

bool pt_cache_lock(struct pt_cache *c, double deadline, bool *timed_out)
{
	char name[80];
	struct stat st;
	long pause_us = 2000;

	*timed_out = false;
	if (c->dirfd < 0) {
		return false;
	}
	snprintf(name, sizeof(name), "%s.lock", c->name);
	c->lockfd = openat(c->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (c->lockfd < 0) {
		snprintf(c->note, sizeof(c->note), "cannot open the lock file: %s", strerror(errno));
		return false;
	}
	if (fstat(c->lockfd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		snprintf(c->note, sizeof(c->note), "the lock file is not ours");
		close(c->lockfd);
		c->lockfd = -1;
		return false;
	}
	/* flock has no timeout: poll, with a short pause that grows. */
	while (flock(c->lockfd, LOCK_EX | LOCK_NB) != 0) {
		struct timespec ts;

		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(c->note, sizeof(c->note), "cannot lock: %s", strerror(errno));
			close(c->lockfd);
			c->lockfd = -1;
			return false;
		}
		if (pt_now() + (double)pause_us / 1e6 >= deadline) {
			*timed_out = true;
			close(c->lockfd);
			c->lockfd = -1;
			return false;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = pause_us * 1000;
		nanosleep(&ts, NULL);
		if (pause_us < 20000) {
			pause_us *= 2;
		}
	}
	return true;
}

void pt_cache_unlock(struct pt_cache *c)
{
	if (c->lockfd >= 0) {
		close(c->lockfd); /* closing releases the flock */
	}
	c->lockfd = -1;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Temporary file, fsync, rename: a reader sees the old entry or the new
 * one, never half of one. */
static bool store(struct pt_cache *c, const struct pt_buf *text)
{
	char tmp[100];
	bool ok;
	int fd;

	if (c->dirfd < 0 || text->failed) {
		return false;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", c->name, (long)getpid());
	fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a run that died with our pid. */
		unlinkat(c->dirfd, tmp, 0);
		fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		snprintf(c->note, sizeof(c->note), "cannot write an entry: %s", strerror(errno));
		return false;
	}
	ok = write_all(fd, text->data, text->len) && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && renameat(c->dirfd, tmp, c->dirfd, c->name) == 0;
	if (!ok) {
		snprintf(c->note, sizeof(c->note), "cannot write an entry: %s", strerror(errno));
		unlinkat(c->dirfd, tmp, 0);
		return false;
	}
	fsync(c->dirfd);
	return true;
}

bool pt_cache_store_token(struct pt_cache *c, const char *token, long expires_in, time_t now)
{
	struct pt_buf text = {0};
	bool ok;

	if (expires_in <= 0) {
		expires_in = PT_CACHE_DEFAULT_LIFETIME;
	}
	pt_buf_printf(&text, MAGIC "\nkind token\nwritten %lld\nuntil %lld\ntoken %s\n", (long long)now,
	              (long long)(now + expires_in), token);
	ok = store(c, &text);
	pt_buf_wipe(&text);
	return ok;
}

bool pt_cache_store_refusal(struct pt_cache *c, long status, const char *error, time_t now)
{
	struct pt_buf text = {0};
	char code[64] = "";
	bool ok;

	/* Only a code of plain letters is kept: it is printed later. */
	if (strlen(error) < sizeof(code) &&
	    strspn(error, "abcdefghijklmnopqrstuvwxyz_") == strlen(error)) {
		memcpy(code, error, strlen(error) + 1);
	}
	pt_buf_printf(&text, MAGIC "\nkind refusal\nwritten %lld\nuntil %lld\nstatus %ld\n%s%s%s",
	              (long long)now, (long long)(now + PT_CACHE_BACKOFF_SECONDS), status,
	              code[0] ? "error " : "", code, code[0] ? "\n" : "");
	ok = store(c, &text);
	pt_buf_free(&text);
	return ok;
}

void pt_cache_drop(struct pt_cache *c)
{
	if (c->dirfd >= 0) {
		unlinkat(c->dirfd, c->name, 0);
	}
}
