/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lock that lets one run fetch a token while the others wait
 * (cache_lock.h): who holds it, whether that run is still at work, and
 * the temporary files a stopped writer left behind. */
#include "config.h"

#include "cache_lock.h"
#include "cache_dir.h"
#include "util/clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
			(void)unlinkat(c->dirfd, de->d_name, 0);
		} else if (st.st_mtime <= now - PT_CACHE_STALE_TMP_SECONDS &&
		           entry_unlocked(c->dirfd, de->d_name, len)) {
			(void)unlinkat(c->dirfd, de->d_name, 0);
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
	got = pt_cache_read_all(fd, text, sizeof(text) - 1);
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
	got = pt_cache_read_all(fd, text, sizeof(text) - 1);
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
