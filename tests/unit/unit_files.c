/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File helpers shared by the unit tests (unit_files.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_files.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[160];

int unit_tmpdir_make(const char *prefix)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base || strlen(base) > 100) {
		base = "/tmp";
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/%.40s_XXXXXX", base, prefix);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int unit_tmpdir_remove(void)
{
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void unit_path_in_tmp(char *out, size_t len, const char *name)
{
	int n = snprintf(out, len, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < len);
}

void unit_write_bytes(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

void unit_on_alarm(int sig)
{
	(void)sig;
	_exit(99);
}
