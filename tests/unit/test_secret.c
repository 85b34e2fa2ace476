/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/secret.c: secret files, environment
 * variables and command-line arguments. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/secret.h"
#include "unit_files.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes <tmpdir>/name with the exact bytes and mode; returns the path
 * (static storage). */
static const char *secret_file(const char *name, const char *data, size_t len, mode_t mode)
{
	static char path[256];

	unit_path_in_tmp(path, sizeof(path), name);
	unlink(path);
	unit_write_bytes(path, data, len, mode);
	return path;
}

static int group_setup(void **state)
{
	(void)state;
	return unit_tmpdir_make("pt_test_secret");
}

static int group_teardown(void **state)
{
	(void)state;
	return unit_tmpdir_remove();
}

/* --- files ----------------------------------------------------------- */

#define DATA(s) s, sizeof(s) - 1

struct file_row {
	const char *name;
	const char *data;
	size_t len;
	mode_t mode;
	const char *expect; /* the secret, or NULL when refused */
	const char *reason; /* expected message after "secret file PATH: " */
};

static const struct file_row file_rows[] = {
    {"plain", DATA("s3cret"), 0600, "s3cret", NULL},
    {"owner read-only", DATA("s3cret"), 0400, "s3cret", NULL},
    {"group-readable", DATA("s3cret"), 0640, "s3cret", NULL},
    {"group-writable", DATA("s3cret"), 0660, "s3cret", NULL},
    {"trailing LF", DATA("s3cret\n"), 0600, "s3cret", NULL},
    {"trailing CRLF", DATA("s3cret\r\n"), 0600, "s3cret", NULL},
    {"blank inside kept", DATA("a b\n"), 0600, "a b", NULL},
    {"leading blank kept", DATA(" ab"), 0600, " ab", NULL},
    {"UTF-8", DATA("p\xc3\xa4ssw\xc3\xb6rd\n"), 0600, "p\xc3\xa4ssw\xc3\xb6rd", NULL},
    {"punctuation", DATA("a:b/c+d=e~f\"g'h\\i\n"), 0600, "a:b/c+d=e~f\"g'h\\i", NULL},
    {"world-readable", DATA("s3cret"), 0604, NULL,
     "is accessible by others (mode 0604): chmod o-rwx it"},
    {"world-writable", DATA("s3cret"), 0602, NULL,
     "is accessible by others (mode 0602): chmod o-rwx it"},
    {"world-executable", DATA("s3cret"), 0601, NULL,
     "is accessible by others (mode 0601): chmod o-rwx it"},
    {"mode 0644", DATA("s3cret"), 0644, NULL,
     "is accessible by others (mode 0644): chmod o-rwx it"},
    {"empty", DATA(""), 0600, NULL, "is empty"},
    {"only LF", DATA("\n"), 0600, NULL, "holds only a line break"},
    {"only CRLF", DATA("\r\n"), 0600, NULL, "holds only a line break"},
    {"two trailing LFs", DATA("s3cret\n\n"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
    {"trailing CR alone", DATA("s3cret\r"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
    {"LF inside", DATA("s3\ncret"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
    {"TAB inside", DATA("s3\tcret"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
    {"NUL inside", DATA("s3\0cret"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
    {"ESC inside", DATA("s3\x1b[0mcret"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
    {"DEL inside", DATA("s3cret\x7f"), 0600, NULL,
     "contains control characters (only one final line break is allowed)"},
};

static void test_files(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(file_rows) / sizeof(file_rows[0]); i++) {
		const struct file_row *r = &file_rows[i];
		const char *path = secret_file("secret", r->data, r->len, r->mode);
		struct pt_buf err = {0};
		struct pt_buf want = {0};
		char *got = (char *)"sentinel";
		bool ok = pt_secret_read_file(path, &got, &err);

		if (r->expect) {
			if (!ok || !got || strcmp(got, r->expect) != 0 || err.len) {
				print_error("row %zu (%s): ok=%d err=\"%s\" got=\"%s\"\n", i, r->name, ok,
				            pt_buf_str(&err), got ? got : "(null)");
				bad++;
			}
		} else {
			pt_buf_printf(&want, "secret file %s: %s", path, r->reason);
			if (ok || got || strcmp(pt_buf_str(&err), pt_buf_str(&want)) != 0) {
				print_error("row %zu (%s): ok=%d\n  expected \"%s\"\n  got      \"%s\"\n", i,
				            r->name, ok, pt_buf_str(&want), pt_buf_str(&err));
				bad++;
			}
		}
		if (ok) {
			pt_secret_free(got);
		}
		pt_buf_free(&err);
		pt_buf_free(&want);
	}
	assert_int_equal(bad, 0);
}

/* --- origin lines (issue 19) ------------------------------------------- */

struct origin_row {
	const char *name;
	const char *data;
	size_t len;
	mode_t mode;
	const char *expect;  /* the secret, or NULL when refused */
	const char *origins; /* joined by ' ', or the message after "secret file PATH: " */
};

static const struct origin_row origin_rows[] = {
    {"no origin", DATA("s3cret\n"), 0600, "s3cret", ""},
    {"one", DATA("s3cret\norigin: https://gw.example.com:8443\n"), 0600, "s3cret",
     "https://gw.example.com:8443"},
    {"default port, case, slash, CRLF, no blank",
     DATA("s3cret\r\nOrigin:HTTPS://GW.Example.com/\r\n"), 0600, "s3cret",
     "https://gw.example.com:443"},
    {"no final line break", DATA("s3cret\norigin: https://10.1.2.3:9"), 0640, "s3cret",
     "https://10.1.2.3:9"},
    {"IPv6, two", DATA("s\norigin: https://[::1]:1\norigin: https://h\n"), 0600, "s",
     "https://[::1]:1 https://h:443"},
    {"http", DATA("s\norigin: http://h\n"), 0600, NULL,
     "line 2 is not origin: https://HOST[:PORT]"},
    {"path", DATA("s\norigin: https://h/x\n"), 0600, NULL,
     "line 2 is not origin: https://HOST[:PORT]"},
    {"userinfo", DATA("s\norigin: https://u@h\n"), 0600, NULL,
     "line 2 is not origin: https://HOST[:PORT]"},
    {"port 0", DATA("s\norigin: https://h:0\n"), 0600, NULL,
     "line 2 is not origin: https://HOST[:PORT]"},
    {"equals sign", DATA("s\norigin=https://h\n"), 0600, NULL,
     "line 2 is not origin: https://HOST[:PORT]"},
    {"blank line", DATA("s\n\norigin: https://h\n"), 0600, NULL,
     "line 2 is not origin: https://HOST[:PORT]"},
    {"third line", DATA("s\norigin: https://h\nx\n"), 0600, NULL,
     "line 3 is not origin: https://HOST[:PORT]"},
    {"nine",
     DATA("s\norigin: https://a\norigin: https://b\norigin: https://c\norigin: "
          "https://d\norigin: https://e\norigin: https://f\norigin: https://g\norigin: "
          "https://h\norigin: https://i\n"),
     0600, NULL, "names more than 8 origins"},
    {"empty secret", DATA("\norigin: https://h\n"), 0600, NULL, "holds only a line break"},
};

static void test_origins(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(origin_rows) / sizeof(origin_rows[0]); i++) {
		const struct origin_row *r = &origin_rows[i];
		const char *path = secret_file("secret", r->data, r->len, r->mode);
		struct pt_secret_origins origins;
		struct pt_buf err = {0};
		struct pt_buf got_origins = {0};
		char *got = NULL;
		bool ok = pt_secret_read_file_origins(path, &got, &origins, &err);

		for (size_t k = 0; ok && k < origins.n; k++) {
			pt_buf_printf(&got_origins, "%s%s", k ? " " : "", origins.origin[k]);
		}
		if (r->expect ? !ok || strcmp(got, r->expect) != 0 ||
		                    strcmp(pt_buf_str(&got_origins), r->origins) != 0
		              : ok || got || !strstr(pt_buf_str(&err), r->origins)) {
			print_error("row %zu (%s): ok=%d err=\"%s\" origins=\"%s\"\n", i, r->name, ok,
			            pt_buf_str(&err), pt_buf_str(&got_origins));
			bad++;
		}
		pt_secret_free(got);
		pt_buf_free(&err);
		pt_buf_free(&got_origins);
	}
	assert_int_equal(bad, 0);
}

/* Whoever can write the file could add an origin without knowing the
 * secret: such a file names origins only when no one else can write it. */
static void test_origins_need_a_protected_file(void **state)
{
	static const char data[] = "s3cret\norigin: https://gw.example.com\n";
	struct pt_secret_origins origins;
	struct pt_buf err = {0};
	char *got = NULL;
	const char *path = secret_file("secret", data, sizeof(data) - 1, 0620);

	(void)state;
	assert_false(pt_secret_read_file_origins(path, &got, &origins, &err));
	assert_null(got);
	assert_non_null(strstr(pt_buf_str(&err), "names origins, but "));
	assert_non_null(strstr(pt_buf_str(&err), "is writable by group or others (mode 0620)"));
	pt_buf_free(&err);
	/* Without an origin line, the same mode is fine, as before. */
	path = secret_file("secret", "s3cret\n", 7, 0620);
	assert_true(pt_secret_read_file_origins(path, &got, &origins, &err));
	assert_string_equal(got, "s3cret");
	assert_int_equal(origins.n, 0);
	pt_secret_free(got);
	pt_buf_free(&err);
}

static void test_size_bound(void **state)
{
	static const struct {
		size_t len;
		bool ok;
	} rows[] = {
	    {1, true}, {4095, true}, {4096, true}, {4097, false}, {8192, false}, {1000000, false},
	};
	char *data = malloc(1000000);
	size_t i;
	int bad = 0;

	(void)state;
	assert_non_null(data);
	memset(data, 'k', 1000000);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *path = secret_file("big", data, rows[i].len, 0600);
		struct pt_buf err = {0};
		struct pt_buf want = {0};
		char *got = NULL;
		bool ok = pt_secret_read_file(path, &got, &err);

		pt_buf_printf(&want, "secret file %s: is larger than 4096 bytes", path);
		if (rows[i].ok ? (!ok || strlen(got) != rows[i].len)
		               : (ok || got || strcmp(pt_buf_str(&err), pt_buf_str(&want)) != 0)) {
			print_error("row %zu (%zu bytes): ok=%d err=\"%s\"\n", i, rows[i].len, ok,
			            pt_buf_str(&err));
			bad++;
		}
		pt_secret_free(got);
		pt_buf_free(&err);
		pt_buf_free(&want);
	}
	free(data);
	assert_int_equal(bad, 0);
}

/* 4096 bytes and a line break make a 4097-byte file: over the bound. */
static void test_size_counts_the_line_break(void **state)
{
	char data[4097];
	struct pt_buf err = {0};
	char *got = NULL;

	(void)state;
	memset(data, 'k', sizeof(data));
	data[4096] = '\n';
	assert_false(pt_secret_read_file(secret_file("big", data, sizeof(data), 0600), &got, &err));
	assert_null(got);
	assert_non_null(strstr(pt_buf_str(&err), "is larger than 4096 bytes"));
	pt_buf_free(&err);

	assert_true(pt_secret_read_file(secret_file("big", data + 1, 4096, 0600), &got, &err));
	assert_int_equal(strlen(got), 4095);
	pt_secret_free(got);
	pt_buf_free(&err);
}

/* No message quotes the content, whatever was wrong with it. */
static void test_messages_hide_content(void **state)
{
	static const struct {
		const char *data;
		mode_t mode;
	} rows[] = {
	    {"TOPSECRET", 0604},   {"TOPSECRET\n\n", 0600}, {"TOP\x01SECRET", 0600},
	    {"TOPSECRET\r", 0600}, {"TOPSECRET", 0666},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf err = {0};
		char *got = NULL;

		assert_false(pt_secret_read_file(
		    secret_file("hidden", rows[i].data, strlen(rows[i].data), rows[i].mode), &got, &err));
		assert_true(err.len > 0);
		assert_null(strstr(pt_buf_str(&err), "SECRET"));
		assert_null(strchr(pt_buf_str(&err), '\n'));
		pt_buf_free(&err);
	}
}

static void test_missing(void **state)
{
	struct pt_buf err = {0};
	struct pt_buf want = {0};
	char *got = (char *)"sentinel";
	char path[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "no-such-secret");
	assert_false(pt_secret_read_file(path, &got, &err));
	assert_null(got);
	pt_buf_printf(&want, "secret file %s: cannot be opened: No such file or directory", path);
	assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
	pt_buf_free(&err);
	pt_buf_free(&want);

	assert_false(pt_secret_read_file("", &got, &err));
	assert_string_equal(pt_buf_str(&err), "no secret file name given");
	pt_buf_free(&err);
	assert_false(pt_secret_read_file(NULL, &got, &err));
	assert_string_equal(pt_buf_str(&err), "no secret file name given");
	pt_buf_free(&err);
}

static void test_directory(void **state)
{
	struct pt_buf err = {0};
	struct pt_buf want = {0};
	char *got = NULL;
	char path[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "secret-dir");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_false(pt_secret_read_file(path, &got, &err));
	assert_null(got);
	pt_buf_printf(&want, "secret file %s: is not a regular file", path);
	assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
	assert_int_equal(rmdir(path), 0);
	pt_buf_free(&err);
	pt_buf_free(&want);
}

static void test_fifo_does_not_block(void **state)
{
	struct pt_buf err = {0};
	struct pt_buf want = {0};
	char *got = NULL;
	char path[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "secret-fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	signal(SIGALRM, unit_on_alarm);
	alarm(5);
	assert_false(pt_secret_read_file(path, &got, &err));
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_null(got);
	pt_buf_printf(&want, "secret file %s: is not a regular file", path);
	assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
	assert_int_equal(unlink(path), 0);
	pt_buf_free(&err);
	pt_buf_free(&want);
}

static void test_device_refused(void **state)
{
	struct pt_buf err = {0};
	char *got = NULL;

	(void)state;
	assert_false(pt_secret_read_file("/dev/null", &got, &err));
	assert_string_equal(pt_buf_str(&err), "secret file /dev/null: is not a regular file");
	pt_buf_free(&err);
}

/* Secret mounts (Kubernetes, Docker) are symlinks: the target counts. */
static void test_symlinks(void **state)
{
	struct pt_buf err = {0};
	struct pt_buf want = {0};
	char *got = NULL;
	char target[256];
	char link[256];

	(void)state;
	unit_path_in_tmp(link, sizeof(link), "secret-link");
	snprintf(target, sizeof(target), "%s", secret_file("link-target", DATA("viaLink\n"), 0600));
	assert_int_equal(symlink(target, link), 0);
	assert_true(pt_secret_read_file(link, &got, &err));
	assert_string_equal(got, "viaLink");
	pt_secret_free(got);
	got = NULL;

	/* the target's mode is checked, not the link's */
	assert_int_equal(chmod(target, 0604), 0);
	assert_false(pt_secret_read_file(link, &got, &err));
	pt_buf_printf(&want, "secret file %s: is accessible by others (mode 0604): chmod o-rwx it",
	              link);
	assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
	pt_buf_free(&err);
	pt_buf_free(&want);

	/* dangling */
	assert_int_equal(unlink(target), 0);
	assert_false(pt_secret_read_file(link, &got, &err));
	pt_buf_printf(&want, "secret file %s: cannot be opened: No such file or directory", link);
	assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
	assert_int_equal(unlink(link), 0);
	pt_buf_free(&err);
	pt_buf_free(&want);
}

static void test_name_on_one_line(void **state)
{
	struct pt_buf err = {0};
	char *got = NULL;

	(void)state;
	assert_false(pt_secret_read_file("/nonexistent/a\nb\tc", &got, &err));
	assert_string_equal(
	    pt_buf_str(&err),
	    "secret file /nonexistent/a b c: cannot be opened: No such file or directory");
	pt_buf_free(&err);
}

/* /proc/self/mem is a regular 0600 file that cannot be read at 0. */
static void test_read_error(void **state)
{
	struct pt_buf err = {0};
	char *got = NULL;

	(void)state;
	if (access("/proc/self/mem", F_OK) != 0) {
		skip();
	}
	assert_false(pt_secret_read_file("/proc/self/mem", &got, &err));
	assert_null(got);
	assert_string_equal(pt_buf_str(&err),
	                    "secret file /proc/self/mem: cannot be read: Input/output error");
	pt_buf_free(&err);
}

static void test_long_name_cut(void **state)
{
	char path[400];
	struct pt_buf err = {0};
	char *got = NULL;

	(void)state;
	memset(path, 'n', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_false(pt_secret_read_file(path, &got, &err));
	/* "secret file " + 197 bytes of the name + "..." + ": reason" */
	assert_int_equal(strncmp(pt_buf_str(&err) + 12 + 197, "...: cannot be opened", 21), 0);
	pt_buf_free(&err);
}

/* --- environment ------------------------------------------------------ */

#define ENV "PT_TEST_SECRET_VAR"

static void test_env(void **state)
{
	struct pt_buf err = {0};
	char *got = (char *)"sentinel";
	char big[4098];

	(void)state;
	setenv(ENV, "from-env", 1);
	assert_true(pt_secret_from_env(ENV, &got, &err));
	assert_string_equal(got, "from-env");
	assert_int_equal(err.len, 0);
	pt_secret_free(got);

	/* empty and unset: false, no reason */
	setenv(ENV, "", 1);
	got = (char *)"sentinel";
	assert_false(pt_secret_from_env(ENV, &got, &err));
	assert_null(got);
	assert_int_equal(err.len, 0);

	unsetenv(ENV);
	got = (char *)"sentinel";
	assert_false(pt_secret_from_env(ENV, &got, &err));
	assert_null(got);
	assert_int_equal(err.len, 0);

	/* control characters: false with a reason that hides the value */
	setenv(ENV, "TOPSECRET\n", 1);
	got = (char *)"sentinel";
	assert_false(pt_secret_from_env(ENV, &got, &err));
	assert_null(got);
	assert_string_equal(pt_buf_str(&err),
	                    "environment variable " ENV " contains control characters");
	pt_buf_free(&err);

	setenv(ENV, "a\tb", 1);
	assert_false(pt_secret_from_env(ENV, &got, &err));
	assert_true(err.len > 0);
	pt_buf_free(&err);

	/* the same bound as a file */
	memset(big, 'k', sizeof(big));
	big[4096] = '\0';
	setenv(ENV, big, 1);
	assert_true(pt_secret_from_env(ENV, &got, &err));
	assert_int_equal(strlen(got), 4096);
	pt_secret_free(got);
	big[4096] = 'k';
	big[4097] = '\0';
	setenv(ENV, big, 1);
	assert_false(pt_secret_from_env(ENV, &got, &err));
	assert_null(got);
	assert_string_equal(pt_buf_str(&err), "environment variable " ENV " is longer than 4096 bytes");
	pt_buf_free(&err);
	unsetenv(ENV);

	got = (char *)"sentinel";
	assert_false(pt_secret_from_env(NULL, &got, &err));
	assert_null(got);
	assert_int_equal(err.len, 0);
}

/* --- freeing -------------------------------------------------------------- */

static void test_free_null(void **state)
{
	(void)state;
	pt_secret_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files),
	    cmocka_unit_test(test_origins),
	    cmocka_unit_test(test_origins_need_a_protected_file),
	    cmocka_unit_test(test_size_bound),
	    cmocka_unit_test(test_size_counts_the_line_break),
	    cmocka_unit_test(test_messages_hide_content),
	    cmocka_unit_test(test_missing),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_fifo_does_not_block),
	    cmocka_unit_test(test_device_refused),
	    cmocka_unit_test(test_symlinks),
	    cmocka_unit_test(test_name_on_one_line),
	    cmocka_unit_test(test_read_error),
	    cmocka_unit_test(test_long_name_cut),
	    cmocka_unit_test(test_env),
	    cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
