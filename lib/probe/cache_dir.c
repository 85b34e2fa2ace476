/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token cache's directory (cache_dir.h): reached from / one
 * component at a time without following a symlink, every directory on
 * the way checked, missing ones created; and the files in it, read only
 * when they are ours. */
#include "config.h"

#include "cache_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The cache directory: dir, or the default of places when dir is NULL. */
int pt_cache_dir_open(struct pt_cache *c, const char *dir, const struct pt_cache_places *places)
{
	bool unsafe;

	if (!dir) {
		return open_default_dir(c, places);
	}
	if (!build_path(c->dir, sizeof(c->dir), c->note, sizeof(c->note), dir, "", "")) {
		return -1;
	}
	return open_cache_dir(c->dir, 0, &unsafe, c->note, sizeof(c->note));
}

bool pt_cache_write_all(int fd, const char *p, size_t len)
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

size_t pt_cache_read_all(int fd, char *p, size_t len)
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
int pt_cache_open_own_file(int dirfd, const char *name, off_t max)
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
