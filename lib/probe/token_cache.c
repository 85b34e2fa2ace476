/* The token cache shared between runs. */
#include "config.h"

#include "token_cache.h"
#include "util/clock.h"
#include "util/buf.h"
#include "util/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The longest token and the few short lines around it. */
#define ENTRY_MAX (PT_TOKEN_MAX_CHARS + 1024)
#define MAGIC     "check_prioticket-token-cache 2"
#define SALT_FILE "salt"
#define SALT_LEN  32

/* Checks a directory on the way to the cache (like sshd's StrictModes):
 * whoever owns it or can write to it can swap what lies below. Root and
 * we are trusted; a directory others can write to is only safe with the
 * sticky bit, which keeps them from renaming or removing our entries. */
static bool trusted_parent(const struct stat *st, const char *path, size_t len, char *note,
                           size_t notelen)
{
	uid_t me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me) {
		snprintf(note, notelen, "%.*s belongs to uid %lu, neither root nor this user (uid %lu)",
		         (int)len, path, (unsigned long)st->st_uid, (unsigned long)me);
		return false;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX)) {
		snprintf(note, notelen,
		         "%.*s is writable by group or others without the sticky bit (mode %04o)", (int)len,
		         path, (unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

/* The cache directory itself: ours, and nobody else's to read or write.
 * Its mode is never changed: it may be /tmp or someone's home. */
static bool private_dir(const struct stat *st, const char *path, char *note, size_t notelen)
{
	uid_t me = geteuid();

	if (st->st_uid != me) {
		snprintf(note, notelen, "%s belongs to uid %lu, not to this user (uid %lu)", path,
		         (unsigned long)st->st_uid, (unsigned long)me);
		return false;
	}
	if (st->st_mode & 077) {
		snprintf(note, notelen,
		         "%s is open to group or others (mode %04o); the cache needs a directory "
		         "only its owner can use (0700)",
		         path, (unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

/* Opens one component below fd, creating it with mode `made` when it is
 * missing. Never follows a symlink. *created tells whether we made it. */
static int open_component(int fd, const char *name, mode_t made, bool *created, int *err)
{
	int sub;

	*created = false;
	sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub >= 0 || errno != ENOENT) {
		*err = errno;
		return sub;
	}
	if (mkdirat(fd, name, made & 0777) == 0) {
		*created = true;
	} else if (errno != EEXIST) { /* EEXIST: another run was quicker */
		*err = errno;
		return -1;
	}
	sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*err = errno;
	return sub;
}

/* Why a component could not be opened. *unsafe tells a refusal (it is
 * there, but a symlink, not a directory, or someone else's that we may
 * not even read) from a directory that could not be made. */
static void open_failure(int fd, const char *name, const char *path, size_t end, int err,
                         bool *unsafe, char *note, size_t notelen)
{
	struct stat lst;
	bool there = fstatat(fd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0;
	uid_t me = geteuid();

	*unsafe = true;
	if (there && S_ISLNK(lst.st_mode)) {
		snprintf(note, notelen, "%.*s is a symbolic link, which is not followed", (int)end, path);
	} else if (err == ENOTDIR) {
		snprintf(note, notelen, "%.*s is not a directory", (int)end, path);
	} else if (there && lst.st_uid != 0 && lst.st_uid != me) {
		snprintf(note, notelen, "%.*s belongs to uid %lu, neither root nor this user (uid %lu)",
		         (int)end, path, (unsigned long)lst.st_uid, (unsigned long)me);
	} else {
		*unsafe = false;
		snprintf(note, notelen, "cannot create or open %.*s: %s", (int)end, path, strerror(err));
	}
}

/* Opens path from / one component at a time, so that no component can
 * be redirected by a symlink or swapped by someone else, and returns
 * the final directory's descriptor. Missing components are created:
 * 0755 above byte offset shared_end, 1777 for the component ending
 * there (the shared state directory), 0700 below it; with shared_end 0,
 * all 0700. On failure *unsafe tells whether the path was refused (a
 * directory on it breaks a rule: someone else may have put it there)
 * rather than missing or not creatable. */
static int open_cache_dir(const char *path, size_t shared_end, bool *unsafe, char *note,
                          size_t notelen)
{
	size_t at = 0;
	int fd;

	*unsafe = false;
	if (path[0] != '/') {
		snprintf(note, notelen, "%s is not an absolute path", path);
		return -1;
	}
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(note, notelen, "cannot open /: %s", strerror(errno));
		return -1;
	}
	if (path[strspn(path, "/")] != '\0') {
		/* / is on the way too (it may not be root's in a container). */
		struct stat st;

		if (fstat(fd, &st) != 0) {
			snprintf(note, notelen, "cannot check /: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (!trusted_parent(&st, "/", 1, note, notelen)) {
			*unsafe = true;
			close(fd);
			return -1;
		}
	}
	for (;;) {
		char name[256];
		struct stat st;
		size_t n;
		size_t end;
		mode_t made = 0700;
		bool created;
		bool last;
		int err = 0;
		int sub;

		while (path[at] == '/') {
			at++;
		}
		n = strcspn(path + at, "/");
		end = at + n;
		last = path[end + strspn(path + end, "/")] == '\0';
		if (n == 0) {
			/* "/" itself as the cache directory. */
			if (fstat(fd, &st) != 0) {
				snprintf(note, notelen, "cannot check /: %s", strerror(errno));
			} else if (private_dir(&st, "/", note, notelen)) {
				return fd;
			} else {
				*unsafe = true;
			}
			close(fd);
			return -1;
		}
		if (n >= sizeof(name) || (n == 2 && memcmp(path + at, "..", 2) == 0)) {
			snprintf(note, notelen, "%.*s: not a usable directory name", (int)end, path);
			close(fd);
			return -1;
		}
		memcpy(name, path + at, n);
		name[n] = '\0';
		if (strcmp(name, ".") == 0) {
			at = end;
			if (!last) {
				continue;
			}
			/* "dir/." is dir: check it as the last component. */
			sub = fd;
			fd = -1;
			created = false;
		} else {
			made = end < shared_end ? 0755 : end == shared_end ? 01777 : 0700;
			sub = open_component(fd, name, made, &created, &err);
			if (sub < 0) {
				open_failure(fd, name, path, end, err, unsafe, note, notelen);
				close(fd);
				return -1;
			}
			close(fd);
			fd = -1;
		}
		if (fstat(sub, &st) != 0) {
			snprintf(note, notelen, "cannot check %.*s: %s", (int)end, path, strerror(errno));
			close(sub);
			return -1;
		}
		/* Only a directory we have just made gets its mode set: mkdir's
		 * mode went through the umask, and the sticky bit is not kept. */
		if (created && st.st_uid == geteuid()) {
			if (fchmod(sub, made) != 0 || fstat(sub, &st) != 0) {
				snprintf(note, notelen, "cannot set the mode of %.*s: %s", (int)end, path,
				         strerror(errno));
				close(sub);
				return -1;
			}
		}
		if (last) {
			if (!private_dir(&st, path, note, notelen)) {
				*unsafe = true;
				close(sub);
				return -1;
			}
			return sub;
		}
		if (!trusted_parent(&st, path, end, note, notelen)) {
			*unsafe = true;
			close(sub);
			return -1;
		}
		fd = sub;
		at = end;
	}
}

/* Builds the path a, b, c, refusing (rather than cutting) one that does
 * not fit: a cut path is another directory. */
static bool build_path(char *out, size_t len, char *note, size_t notelen, const char *a,
                       const char *b, const char *c)
{
	int n = snprintf(out, len, "%s%s%s", a, b, c);

	if (n < 0 || (size_t)n >= len) {
		snprintf(note, notelen, "the cache directory path is too long (%d bytes, at most %zu)", n,
		         len - 1);
		out[0] = '\0';
		return false;
	}
	return true;
}

/* The last resort: without any shared place, every run would ask for
 * its own token, and a failing endpoint would get every run's request. */
static int open_memory_dir(struct pt_cache *c, const struct pt_cache_places *places)
{
	char euid[24];
	char why[512];
	bool unsafe = false;
	int fd = -1;

	if (!places->memory_base || !places->memory_sub) {
		return -1;
	}
	snprintf(why, sizeof(why), "%s", c->note);
	snprintf(euid, sizeof(euid), "%lu", (unsigned long)geteuid());
	if (build_path(c->dir, sizeof(c->dir), c->note, sizeof(c->note), places->memory_base,
	               places->memory_sub, euid)) {
		fd = open_cache_dir(c->dir, 0, &unsafe, c->note, sizeof(c->note));
	}
	if (fd >= 0) {
		snprintf(c->skipped, sizeof(c->skipped), "%s", why);
		c->in_memory = true;
		return fd;
	}
	snprintf(c->skipped, sizeof(c->skipped), "%s", c->note);
	snprintf(c->note, sizeof(c->note), "%.330s; %.170s", why, c->skipped);
	c->skipped[0] = '\0';
	return -1;
}

static int open_default_dir(struct pt_cache *c, const struct pt_cache_places *places)
{
	const char *state = places ? places->state_dir : NULL;
	char euid[24];
	size_t shared;
	bool unsafe = false;
	int fd = -1;

	if (!state) {
		snprintf(c->note, sizeof(c->note), "no cache directory was given");
		return -1;
	}
	/* The shared state directory ends where its trailing slashes start. */
	shared = strlen(state);
	while (shared > 1 && state[shared - 1] == '/') {
		shared--;
	}
	snprintf(euid, sizeof(euid), "/%lu", (unsigned long)geteuid());
	if (build_path(c->dir, sizeof(c->dir), c->note, sizeof(c->note), state, euid,
	               "/check_prioticket")) {
		fd = open_cache_dir(c->dir, shared, &unsafe, c->note, sizeof(c->note));
	}
	if (fd >= 0) {
		return fd;
	}
	if (unsafe) {
		snprintf(c->refused, sizeof(c->refused), "%s", c->note);
	}
	/* The engine's user often cannot write the system state directory;
	 * its own cache directory works out of the box. */
	snprintf(c->skipped, sizeof(c->skipped), "%s", c->note);
	if (places->user_base && places->user_sub) {
		if (build_path(c->dir, sizeof(c->dir), c->note, sizeof(c->note), places->user_base,
		               places->user_sub, "")) {
			fd = open_cache_dir(c->dir, 0, &unsafe, c->note, sizeof(c->note));
		}
	} else {
		c->skipped[0] = '\0';
		return open_memory_dir(c, places); /* the note says why the state directory failed */
	}
	if (fd < 0) {
		/* Both reasons, so that -v explains the whole way down. */
		char second[512];

		snprintf(second, sizeof(second), "%s", c->note);
		snprintf(c->note, sizeof(c->note), "%.250s; %.250s", c->skipped, second);
		c->skipped[0] = '\0';
		fd = open_memory_dir(c, places);
	}
	return fd;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			if (n == 0) {
				errno = EIO;
			}
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static size_t read_all(int fd, char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	return got;
}

/* A file of ours in the cache directory, opened read-only without
 * following a symlink; -1 unless it is a regular file of the effective
 * user that nobody else can read, of at most max bytes. */
static int open_own_file(int dirfd, const char *name, off_t max)
{
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) || st.st_size > max) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool hex_digits(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") == n;
}

static bool read_salt(int dirfd, unsigned char salt[SALT_LEN])
{
	char text[2 * SALT_LEN + 2];
	size_t got;
	int fd = open_own_file(dirfd, SALT_FILE, sizeof(text));

	if (fd < 0) {
		return false;
	}
	got = read_all(fd, text, sizeof(text) - 1);
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
	unlinkat(dirfd, tmp, 0); /* left by a run that died with our pid */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(note, notelen, "cannot create the cache's salt: %s", strerror(errno));
		return false;
	}
	ok = write_all(fd, text, 2 * SALT_LEN + 1) && fsync(fd) == 0;
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
	unlinkat(dirfd, tmp, 0);
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
	if (dir) {
		bool unsafe;

		if (build_path(c->dir, sizeof(c->dir), c->note, sizeof(c->note), dir, "", "")) {
			c->dirfd = open_cache_dir(c->dir, 0, &unsafe, c->note, sizeof(c->note));
		} else {
			c->dirfd = -1;
		}
	} else {
		c->dirfd = open_default_dir(c, places);
	}
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

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 19;
}

/* A code kept in an entry: OAuth's (invalid_client) or Prioticket's
 * (SERVICE_UNAVAILABLE), nothing that could carry anything else. */
static bool word(const char *s, size_t max)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(s) &&
	       strlen(s) < max;
}

void pt_cache_entry_clear(struct pt_cache_entry *e)
{
	if (e->token) {
		pt_wipe(e->token, e->token_len);
		free(e->token);
	}
	memset(e, 0, sizeof(*e));
}

/* One "key value" line of an entry; false for anything unexpected. */
static bool parse_field(const char *key, const char *value, struct pt_cache_entry *e)
{
	struct pt_cache_backoff *b = &e->backoff;
	time_t t = all_digits(value) ? (time_t)strtoll(value, NULL, 10) : 0;

	if (strcmp(key, "token") == 0 && !e->token && pt_token_chars_ok(value) &&
	    strlen(value) <= PT_TOKEN_MAX_CHARS) {
		e->token_len = strlen(value);
		e->token = malloc(e->token_len + 1);
		if (e->token) {
			memcpy(e->token, value, e->token_len + 1);
		}
		return e->token != NULL;
	}
	if (strcmp(key, "backoff") == 0) {
		b->kind = strcmp(value, "refusal") == 0   ? PT_BACKOFF_REFUSAL
		          : strcmp(value, "failure") == 0 ? PT_BACKOFF_FAILURE
		                                          : PT_BACKOFF_NONE;
		return b->kind != PT_BACKOFF_NONE;
	}
	if (strcmp(key, "outcome") == 0 && word(value, sizeof(b->outcome))) {
		memcpy(b->outcome, value, strlen(value) + 1);
		return true;
	}
	if (strcmp(key, "error") == 0 && word(value, sizeof(b->error))) {
		memcpy(b->error, value, strlen(value) + 1);
		return true;
	}
	if (!all_digits(value)) {
		return false;
	}
	if (strcmp(key, "written") == 0) {
		e->written = t;
	} else if (strcmp(key, "expires") == 0) {
		e->expires = t;
	} else if (strcmp(key, "renew") == 0) {
		e->renew = t;
	} else if (strcmp(key, "at") == 0) {
		b->at = t;
	} else if (strcmp(key, "until") == 0) {
		b->until = t;
	} else if (strcmp(key, "status") == 0 && strlen(value) <= 3) {
		b->status = (long)t;
	} else if (strcmp(key, "failures") == 0 && t >= 1 && t <= 1000) {
		b->failures = (int)t;
	} else if (strcmp(key, "retry_after") == 0 && t <= 1) {
		b->retry_after = t == 1;
	} else {
		return false;
	}
	return true;
}

/* Parses "key value" lines; anything unexpected or inconsistent makes
 * the whole entry a miss. */
static bool parse_entry(char *text, struct pt_cache_entry *e)
{
	const struct pt_cache_backoff *b = &e->backoff;
	char *save = NULL;
	char *line;

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
		if (!parse_field(line, value, e)) {
			return false;
		}
	}
	if (e->token && !(e->written && e->written <= e->renew && e->renew <= e->expires)) {
		return false;
	}
	if (b->kind == PT_BACKOFF_NONE) {
		return e->token && !b->at && !b->until && !b->status && !b->failures;
	}
	if (!b->at || b->until < b->at || b->failures < 1 ||
	    (b->status != 0 && (b->status < 100 || b->status > 599))) {
		return false;
	}
	/* A refusal is a 4xx answer, and leaves no token behind. */
	return b->kind != PT_BACKOFF_REFUSAL || (b->status >= 400 && b->status < 500 && !e->token);
}

/* Short-lived tokens get a quarter of their lifetime as margin. */
static long margin(long lifetime)
{
	long quarter = lifetime / 4;

	return quarter < PT_CACHE_MARGIN_SECONDS ? quarter : PT_CACHE_MARGIN_SECONDS;
}

/* Reads the entry as it is on disk, without judging its times. */
static bool read_entry(struct pt_cache *c, struct pt_cache_entry *e)
{
	struct stat st;
	char *text;
	size_t got;
	bool ok;
	int fd;

	pt_cache_entry_clear(e);
	if (c->dirfd < 0) {
		return false;
	}
	fd = open_own_file(c->dirfd, c->name, ENTRY_MAX);
	if (fd < 0) {
		return false;
	}
	/* Sized by the file: entries without a token are a few lines. */
	text = fstat(fd, &st) == 0 ? malloc((size_t)st.st_size + 1) : NULL;
	if (!text) {
		close(fd);
		return false;
	}
	got = read_all(fd, text, (size_t)st.st_size);
	close(fd);
	text[got] = '\0';
	ok = strlen(text) == got && parse_entry(text, e);
	if (!ok) {
		pt_cache_entry_clear(e);
	}
	pt_wipe(text, got);
	free(text);
	return ok;
}

long pt_cache_backoff_seconds(enum pt_backoff_kind kind, int failures, long retry_after)
{
	long s = PT_CACHE_FAILURE_FIRST_SECONDS;

	if (retry_after >= 0) {
		return retry_after < PT_CACHE_RETRY_AFTER_MIN   ? PT_CACHE_RETRY_AFTER_MIN
		       : retry_after > PT_CACHE_RETRY_AFTER_MAX ? PT_CACHE_RETRY_AFTER_MAX
		                                                : retry_after;
	}
	if (kind == PT_BACKOFF_REFUSAL) {
		return PT_CACHE_REFUSAL_SECONDS;
	}
	for (int i = 1; i < failures && s < PT_CACHE_FAILURE_MAX_SECONDS; i++) {
		s *= 2;
	}
	return s < PT_CACHE_FAILURE_MAX_SECONDS ? s : PT_CACHE_FAILURE_MAX_SECONDS;
}

void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e)
{
	struct pt_cache_backoff *b = &e->backoff;

	if (!read_entry(c, e)) {
		return;
	}
	if ((e->token && e->written > now + PT_CACHE_CLOCK_SKEW) ||
	    (b->kind != PT_BACKOFF_NONE && b->at > now + PT_CACHE_CLOCK_SKEW)) {
		/* Written "in the future": the clock was stepped back since.
		 * Neither its lifetime nor its back-off can be trusted. */
		pt_cache_entry_clear(e);
		return;
	}
	if (b->kind != PT_BACKOFF_NONE) {
		/* A back-off never lasts longer than its own length from now
		 * (nor than the longest a back-off may be). */
		time_t length = b->until - b->at;

		if (length > PT_CACHE_RETRY_AFTER_MAX) {
			length = PT_CACHE_RETRY_AFTER_MAX;
		}
		if (b->until > now + length) {
			b->until = now + length;
		}
		b->active = b->until > now;
	}
	if (e->token && e->expires > now) {
		e->kind = PT_CACHE_TOKEN;
		e->due = e->renew <= now;
		return;
	}
	if (e->token) {
		/* Expired: nothing of it is of use any more. */
		pt_wipe(e->token, e->token_len);
		free(e->token);
		e->token = NULL;
		e->token_len = 0;
	}
	e->kind = b->active ? PT_CACHE_BACKOFF : PT_CACHE_MISS;
}

/* Whether nobody holds the lock of the entry `base` (its first len
 * bytes): a lock file that is missing or that we can lock for a moment. */
static bool entry_unlocked(int dirfd, const char *base, size_t len)
{
	char name[128];
	bool free_now;
	int fd;

	if (len > 100) {
		return false;
	}
	snprintf(name, sizeof(name), "%.*s.lock", (int)len, base);
	fd = openat(dirfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT;
	}
	free_now = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd); /* releases the lock */
	return free_now;
}

/* Removes the temporary files that a run stopped or killed between
 * writing and renaming left behind: they may hold a live token. Called
 * with this entry's lock held, so no other run writes this entry's now
 * (except one that gave up waiting for the lock; its rename then fails
 * and it only loses its store). Another entry's temporary file is
 * removed when it is old and nobody holds that entry's lock. */
static void remove_stale_temps(struct pt_cache *c)
{
	size_t own = strlen(c->name);
	time_t now = time(NULL);
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	for (de = readdir(d); de; de = readdir(d)) {
		const char *mark = strstr(de->d_name, ".tmp.");
		struct stat st;
		size_t len;

		if (!mark) {
			continue;
		}
		len = (size_t)(mark - de->d_name);
		if (fstatat(c->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode)) {
			continue;
		}
		if (len == own && memcmp(de->d_name, c->name, own) == 0) {
			unlinkat(c->dirfd, de->d_name, 0);
		} else if (st.st_mtime <= now - PT_CACHE_STALE_TMP_SECONDS &&
		           entry_unlocked(c->dirfd, de->d_name, len)) {
			unlinkat(c->dirfd, de->d_name, 0);
		}
	}
	closedir(d);
}

/* Notes in the lock file who holds the lock and until when, so that a
 * run whose wait ends can tell a token request still under way (a second
 * one would only add load) from a holder that was stopped. */
static void note_holder(int fd, time_t until)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "%ld %lld\n", (long)getpid(), (long long)until);

	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n) {
		return; /* without the note, waiters fetch after their wait, as before */
	}
}

/* What the note says holds no more once the lock is released. */
static void clear_note(int fd)
{
	if (ftruncate(fd, 0) != 0) {
		return; /* a note left behind names a run that is gone: harmless */
	}
}

bool pt_cache_lock(struct pt_cache *c, double deadline, time_t holder_deadline, bool *timed_out)
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
	if (fstat(c->lockfd, &st) != 0) {
		snprintf(c->note, sizeof(c->note), "cannot check the lock file: %s", strerror(errno));
		close(c->lockfd);
		c->lockfd = -1;
		return false;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
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
	note_holder(c->lockfd, holder_deadline);
	remove_stale_temps(c);
	return true;
}

void pt_cache_unlock(struct pt_cache *c)
{
	if (c->lockfd >= 0) {
		clear_note(c->lockfd);
		close(c->lockfd); /* closing releases the flock */
	}
	c->lockfd = -1;
}

/* Whether process pid exists and is not stopped (Ctrl-Z, a debugger). */
static bool running(long pid)
{
	char path[64];
	char text[256];
	const char *paren;
	size_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	got = read_all(fd, text, sizeof(text) - 1);
	close(fd);
	text[got] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	paren = strrchr(text, ')');
	return paren && paren[1] == ' ' && paren[2] != '\0' && !strchr("TtZX", paren[2]);
}

bool pt_cache_holder_busy(struct pt_cache *c, time_t now)
{
	char name[80];
	char text[64];
	long pid = 0;
	long long until = 0;
	size_t got;
	int fd;

	if (c->dirfd < 0) {
		return false;
	}
	snprintf(name, sizeof(name), "%s.lock", c->name);
	fd = openat(c->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	got = read_all(fd, text, sizeof(text) - 1);
	close(fd);
	text[got] = '\0';
	/* A run is ended 0.5 s after its deadline (the hard stop), so a holder
	 * past it is stopped or stuck; a note that does not parse counts for
	 * nothing. Either way the waiter fetches itself, as before. */
	if (sscanf(text, "%ld %lld", &pid, &until) != 2 || pid <= 0 || until < (long long)now) {
		return false;
	}
	return running(pid);
}

/* Temporary file, fsync, rename: a reader sees the old entry or the new
 * one, never half of one. */
static bool store(struct pt_cache *c, const struct pt_buf *text)
{
	char tmp[100];
	bool ok;
	int err = 0;
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
	/* errno is kept from the step that failed, not from a later one. */
	ok = write_all(fd, text->data, text->len) && fsync(fd) == 0;
	if (!ok) {
		err = errno;
	}
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && renameat(c->dirfd, tmp, c->dirfd, c->name) != 0) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		snprintf(c->note, sizeof(c->note), "cannot write an entry: %s", strerror(err));
		unlinkat(c->dirfd, tmp, 0);
		return false;
	}
	fsync(c->dirfd);
	return true;
}

bool pt_cache_store_token(struct pt_cache *c, const char *token, long lifetime, time_t now)
{
	struct pt_buf text = {0};
	long renew;
	bool ok;

	if (lifetime <= 0) {
		lifetime = PT_CACHE_DEFAULT_LIFETIME;
	}
	renew = lifetime - margin(lifetime);
	if (renew > PT_CACHE_RENEW_MAX_SECONDS) {
		renew = PT_CACHE_RENEW_MAX_SECONDS;
	}
	/* One allocation: a growing buffer would leave copies of the token. */
	if (pt_buf_reserve(&text, strlen(token) + 256)) {
		pt_buf_printf(&text, MAGIC "\nwritten %lld\nrenew %lld\nexpires %lld\ntoken %s\n",
		              (long long)now, (long long)(now + renew), (long long)(now + lifetime), token);
	}
	ok = !text.failed && store(c, &text);
	pt_buf_wipe(&text);
	return ok;
}

bool pt_cache_store_backoff(struct pt_cache *c, const struct pt_cache_backoff *b,
                            const struct pt_cache_entry *keep)
{
	struct pt_buf text = {0};
	bool with_token = keep && keep->token && b->kind != PT_BACKOFF_REFUSAL;
	bool ok;

	if (!pt_buf_reserve(&text, (with_token ? keep->token_len : 0) + 512)) {
		return false;
	}
	pt_buf_printf(&text, MAGIC "\nbackoff %s\nat %lld\nuntil %lld\nstatus %ld\nfailures %d\n",
	              b->kind == PT_BACKOFF_REFUSAL ? "refusal" : "failure", (long long)b->at,
	              (long long)b->until, b->status, b->failures < 1 ? 1 : b->failures);
	/* Only words are kept: they are printed later. */
	if (word(b->outcome, sizeof(b->outcome))) {
		pt_buf_printf(&text, "outcome %s\n", b->outcome);
	}
	if (word(b->error, sizeof(b->error))) {
		pt_buf_printf(&text, "error %s\n", b->error);
	}
	if (b->retry_after) {
		pt_buf_puts(&text, "retry_after 1\n");
	}
	if (with_token) {
		pt_buf_printf(&text, "written %lld\nrenew %lld\nexpires %lld\ntoken %s\n",
		              (long long)keep->written, (long long)keep->renew, (long long)keep->expires,
		              keep->token);
	}
	ok = !text.failed && store(c, &text);
	pt_buf_wipe(&text);
	return ok;
}

void pt_cache_drop(struct pt_cache *c, const char *refused)
{
	struct pt_cache_entry e;

	/* Without the lock, another run may be storing a new token right
	 * now; and an entry that no longer holds the refused token is one
	 * another run has just stored. Both are left alone. */
	if (c->dirfd < 0 || c->lockfd < 0) {
		return;
	}
	memset(&e, 0, sizeof(e));
	if (read_entry(c, &e) && e.token && strcmp(e.token, refused) == 0) {
		unlinkat(c->dirfd, c->name, 0);
	}
	pt_cache_entry_clear(&e);
}
