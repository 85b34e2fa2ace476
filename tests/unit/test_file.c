/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/util/file.c's pt_file_protected: sshd's StrictModes
 * for the files that decide what the plugin does (--extra-opts files, CA
 * files, secret files that name origins). Owners other than the running
 * user are covered by tests/integration (they need root). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/file.h"
#include "unit_files.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int group_setup(void **state)
{
	(void)state;
	return unit_tmpdir_make("pt_test_file");
}

static int group_teardown(void **state)
{
	(void)state;
	return unit_tmpdir_remove();
}

struct row {
	const char *name;
	mode_t dir_mode;  /* of <tmp>/d, the file's directory */
	mode_t file_mode; /* of <tmp>/d/f */
	const char *why;  /* NULL when protected, else the reason after the path */
};

static const struct row rows[] = {
    {"0600 in 0700", 0700, 0600, NULL},
    {"0644 in 0755", 0755, 0644, NULL},
    {"group may write the file", 0755, 0664, "/d/f is writable by group or others (mode 0664)"},
    {"others may write the file", 0755, 0602, "/d/f is writable by group or others (mode 0602)"},
    {"others may write the directory", 0777, 0600,
     "/d is writable by group or others without the sticky bit (mode 0777)"},
    {"group may write the directory", 0775, 0600,
     "/d is writable by group or others without the sticky bit (mode 0775)"},
    {"sticky directory, as /tmp", 01777, 0600, NULL},
};

static void test_modes(void **state)
{
	char dir[256];
	char path[256];
	char why[512];
	int bad = 0;

	(void)state;
	unit_path_in_tmp(dir, sizeof(dir), "d");
	unit_path_in_tmp(path, sizeof(path), "d/f");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int fd;
		bool ok;

		unlink(path);
		rmdir(dir);
		assert_int_equal(mkdir(dir, 0700), 0);
		unit_write_bytes(path, "x", 1, rows[i].file_mode);
		assert_int_equal(chmod(dir, rows[i].dir_mode), 0);
		fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		why[0] = '\0';
		ok = pt_file_protected(fd, path, why, sizeof(why));
		close(fd);
		if (rows[i].why ? ok || !strstr(why, rows[i].why) : !ok) {
			print_error("row %zu (%s): ok=%d why=\"%s\"\n", i, rows[i].name, ok, why);
			bad++;
		}
	}
	unlink(path);
	rmdir(dir);
	assert_int_equal(bad, 0);
}

/* The directories of the resolved path count, not those of the link. */
static void test_symlink_resolved(void **state)
{
	char open_dir[256];
	char target[256];
	char link[256];
	char why[512];
	int fd;

	(void)state;
	unit_path_in_tmp(open_dir, sizeof(open_dir), "open");
	unit_path_in_tmp(target, sizeof(target), "open/f");
	unit_path_in_tmp(link, sizeof(link), "link");
	assert_int_equal(mkdir(open_dir, 0700), 0);
	unit_write_bytes(target, "x", 1, 0600);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(symlink(target, link), 0);
	fd = open(link, O_RDONLY);
	assert_true(fd >= 0);
	assert_false(pt_file_protected(fd, link, why, sizeof(why)));
	assert_non_null(strstr(why, "/open is writable by group or others without the sticky bit"));
	close(fd);
	unlink(link);
	unlink(target);
	rmdir(open_dir);
}

/* A directory itself (--ca-path) may not be writable by others, sticky
 * or not: others could add certificates. */
static void test_directory_itself(void **state)
{
	char dir[256];
	char why[512];
	int fd;

	(void)state;
	unit_path_in_tmp(dir, sizeof(dir), "cadir");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 01777), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_false(pt_file_protected(fd, dir, why, sizeof(why)));
	assert_non_null(strstr(why, "cadir is writable by group or others (mode 1777)"));
	close(fd);
	rmdir(dir);
}

/* stdin: a pipe of ours, no path to follow. */
static void test_pipe_without_path(void **state)
{
	int p[2];
	char why[512];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true(pt_file_protected(p[0], NULL, why, sizeof(why)));
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_modes),
	    cmocka_unit_test(test_symlink_resolved),
	    cmocka_unit_test(test_directory_itself),
	    cmocka_unit_test(test_pipe_without_path),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
