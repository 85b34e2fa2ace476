/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a file that came from the user, and who may change it. */
#include "config.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pt_open_regular(const char *path, struct stat *st, enum pt_open_failure *why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int e;

	if (fd < 0) {
		*why = PT_OPEN_FAILED;
		return -1;
	}
	if (fstat(fd, st) != 0) {
		e = errno;
		close(fd);
		errno = e;
		*why = PT_STAT_FAILED;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		*why = PT_NOT_REGULAR;
		return -1;
	}
	return fd;
}

static bool trusted_owner(const struct stat *st, const char *what, const char *name, char *why,
                          size_t len)
{
	uid_t me = geteuid();

	if (st->st_uid == 0 || st->st_uid == me) {
		return true;
	}
	snprintf(why, len, "%s%s belongs to uid %lu, neither root nor this user (uid %lu)", what, name,
	         (unsigned long)st->st_uid, (unsigned long)me);
	return false;
}

/* Every directory above the resolved path real (which it shortens). */
static bool trusted_directories(char *real, char *why, size_t len)
{
	for (char *slash = strrchr(real, '/'); slash; slash = strrchr(real, '/')) {
		struct stat st;
		const char *dir = real;

		if (slash == real) {
			dir = "/";
		} else {
			*slash = '\0';
		}
		if (lstat(dir, &st) != 0) {
			snprintf(why, len, "directory %s cannot be examined: %s", dir, strerror(errno));
			return false;
		}
		if (!trusted_owner(&st, "directory ", dir, why, len)) {
			return false;
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
			snprintf(why, len,
			         "directory %s is writable by group or others without the sticky bit "
			         "(mode %04o)",
			         dir, (unsigned)(st.st_mode & 07777));
			return false;
		}
		if (slash == real) {
			break;
		}
	}
	return true;
}

bool pt_file_protected(int fd, const char *path, char *why, size_t len)
{
	const char *name = path ? path : "(stdin)";
	struct stat st;
	struct stat at;
	char *real;
	bool ok;

	if (fstat(fd, &st) != 0) {
		snprintf(why, len, "%s cannot be examined: %s", name, strerror(errno));
		return false;
	}
	if (!trusted_owner(&st, "", name, why, len)) {
		return false;
	}
	if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISFIFO(st.st_mode)) &&
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(why, len, "%s is writable by group or others (mode %04o)", name,
		         (unsigned)(st.st_mode & 07777));
		return false;
	}
	if (!path) {
		return true;
	}
	real = realpath(path, NULL);
	if (!real) {
		snprintf(why, len, "%s cannot be resolved: %s", name, strerror(errno));
		return false;
	}
	/* The name must still lead to the file that was opened and checked. */
	if (stat(real, &at) != 0 || at.st_dev != st.st_dev || at.st_ino != st.st_ino) {
		snprintf(why, len, "%s changed while it was checked", name);
		free(real);
		return false;
	}
	ok = trusted_directories(real, why, len);
	free(real);
	return ok;
}
