/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for --extra-opts: the ini grammar and every error ini.h
 * names (lib/plugin/ini.c), the default file search (ini_search.c) and
 * argv rebuilding (extra_opts.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/extra_opts.h"
#include "plugin/ini.h"
#include "unit_files.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "check_prioticket_ping"

/* --- helpers ------------------------------------------------------- */

static void write_bytes(const char *path, const char *data, size_t len)
{
	unit_write_bytes(path, data, len, 0600);
}

static void write_file(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/* Writes text to <tmpdir>/name and returns the path (static storage). */
static const char *ini(const char *name, const char *text)
{
	static char path[256];

	unit_path_in_tmp(path, sizeof(path), name);
	write_file(path, text);
	return path;
}

/* The arguments joined with '\n', for one exact comparison. */
static void join_args(char **args, int n, struct pt_buf *out)
{
	int i;

	for (i = 0; i < n; i++) {
		pt_buf_printf(out, "%s%s", i ? "\n" : "", args[i]);
	}
}

static void free_args(char **args, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(args[i]);
	}
	free(args);
}

static int group_setup(void **state)
{
	(void)state;
	return unit_tmpdir_make("pt_test_eo");
}

static int group_teardown(void **state)
{
	(void)state;
	return unit_tmpdir_remove();
}

/* Each test starts from a clean environment for the default search. */
static int clear_env(void **state)
{
	(void)state;
	unsetenv("MP_CONFIG_FILE");
	unsetenv("NAGIOS_CONFIG_PATH");
	return 0;
}

/* --- the ini grammar ---------------------------------------------- */

struct grammar_row {
	const char *name;
	const char *ini;
	const char *expect; /* arguments joined by '\n' */
};

static const struct grammar_row grammar_rows[] = {
    {"plain key=value", "[s]\nhostname=example.com\n", "--hostname=example.com"},
    {"blanks trimmed", "[s]\n  hostname   =   example.com   \n", "--hostname=example.com"},
    {"tabs trimmed", "[s]\n\thostname\t=\texample.com\t\n", "--hostname=example.com"},
    {"empty value", "[s]\ninsecure=\n", "--insecure"},
    {"empty value with blanks", "[s]\ninsecure =   \n", "--insecure"},
    {"empty quoted value", "[s]\ninsecure = \"\"\n", "--insecure"},
    {"one-letter keys", "[s]\nw=5\nc = 10\nv=\n", "-w5\n-c10\n-v"},
    {"one-letter key, range value", "[s]\nw = ~:10\nc=@1:2\n", "-w~:10\n-c@1:2"},
    {"quoted value keeps # and ;", "[s]\nexpect-json = \"a.b=x # y ; z\"\n",
     "--expect-json=a.b=x # y ; z"},
    {"quoted value keeps blanks", "[s]\nscope = \"  a b  \"\n", "--scope=  a b  "},
    {"quoted value then comment", "[s]\nscope = \"x\" # comment\n", "--scope=x"},
    {"quoted value then ; comment", "[s]\nscope = \"x\";comment\n", "--scope=x"},
    {"inline # comment", "[s]\nwarning = 5 # seconds\n", "--warning=5"},
    {"inline ; comment", "[s]\nwarning = 5 ; seconds\n", "--warning=5"},
    {"tab before inline comment", "[s]\nwarning = 5\t# seconds\n", "--warning=5"},
    {"# and ; inside a word kept", "[s]\nscope=a#b;c\n", "--scope=a#b;c"},
    {"value that is only a comment", "[s]\ninsecure = # yes\n", "--insecure"},
    {"'=' inside the value", "[s]\nexpect-json=status=ok\n", "--expect-json=status=ok"},
    {"double quote inside an unquoted value", "[s]\nscope=a\"b\n", "--scope=a\"b"},
    {"comments and blank lines", "# top\n; top\n\n[s]\n# c\n   ; c\n\n \t \nverbose=\n",
     "--verbose"},
    {"blanks inside the header", "[ s ]\nab=1\n", "--ab=1"},
    {"comment after the header", "[s] # the ping check\nab=1\n", "--ab=1"},
    {"other sections ignored", "[other]\nfoo=bar\n[s]\nab=1\n[third]\ncd=2\n", "--ab=1"},
    {"other sections' rules not ours", "[other]\nnot an option\nk.e.y=1\n[s]\nab=1\n", "--ab=1"},
    {"section given twice", "[s]\nab=1\n[o]\ncd=2\n[s]\nef=3\n", "--ab=1\n--ef=3"},
    {"empty section", "[s]\n[o]\nab=1\n", ""},
    {"lines before any section", "ab=1\n[s]\ncd=2\n", "--cd=2"},
    {"CRLF line ends", "[s]\r\nab=1\r\ncd = \"x y\"\r\n", "--ab=1\n--cd=x y"},
    {"no final line break", "[s]\nab=1", "--ab=1"},
    {"byte order mark", "\xef\xbb\xbf[s]\nab=1\n", "--ab=1"},
    {"key characters", "[s]\nA_b-9=1\n", "--A_b-9=1"},
    {"repeated keys kept in order", "[s]\nw=1\nw=2\nexpect-json=a=1\nexpect-json=b=2\n",
     "-w1\n-w2\n--expect-json=a=1\n--expect-json=b=2"},
    {"UTF-8 value", "[s]\nscope=\xc3\xa9t\xc3\xa9\n", "--scope=\xc3\xa9t\xc3\xa9"},
};

static void test_grammar(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(grammar_rows) / sizeof(grammar_rows[0]); i++) {
		const struct grammar_row *r = &grammar_rows[i];
		struct pt_buf err = {0};
		struct pt_buf got = {0};
		char **args = NULL;
		int n = 0;
		bool ok = pt_ini_read_section(ini("g.ini", r->ini), "s", &args, &n, NULL, &err);

		join_args(args, n, &got);
		if (!ok || strcmp(pt_buf_str(&got), r->expect) != 0) {
			print_error("row %zu (%s): ok=%d err=\"%s\"\n  expected \"%s\"\n  got      \"%s\"\n", i,
			            r->name, ok, pt_buf_str(&err), r->expect, pt_buf_str(&got));
			bad++;
		}
		free_args(args, n);
		pt_buf_free(&err);
		pt_buf_free(&got);
	}
	assert_int_equal(bad, 0);
}

struct error_row {
	const char *name;
	const char *ini;
	const char *reason; /* the expected message after "<file>" */
};

static const struct error_row error_rows[] = {
    {"line without '='", "[s]\nverbose\n", ":2: neither key=value nor [section]"},
    {"empty key", "[s]\n = 5\n", ":2: empty key before '='"},
    {"key that is a dash", "[s]\n-=x\n", ":2: key must be a letter or digit then [A-Za-z0-9_-]"},
    {"key starting with a dash", "[s]\n-hostname=x\n",
     ":2: key must be a letter or digit then [A-Za-z0-9_-]"},
    {"key with a dot", "[s]\nkey.x=1\n", ":2: key must be a letter or digit then [A-Za-z0-9_-]"},
    {"key with a blank", "[s]\nkey x=1\n", ":2: key must be a letter or digit then [A-Za-z0-9_-]"},
    {"key with a non-ASCII letter", "[s]\nk\xc3\xa9=1\n",
     ":2: key must be a letter or digit then [A-Za-z0-9_-]"},
    {"quote not closed", "[s]\nab=\"x\n", ":2: quoted value without its closing '\"'"},
    {"text after the closing quote", "[s]\nab=\"x\"y\n", ":2: text after a quoted value"},
    {"header without ']'", "[s\nab=1\n", ":1: section header without ']'"},
    {"empty section name", "[]\n", ":1: empty section name"},
    {"blank section name", "[  ]\n", ":1: empty section name"},
    {"text after the header", "[s] x\n", ":1: text after a section header"},
    {"control character", "[s]\nab=a\001b\n", ":2: control character"},
    {"CR inside a line", "[s]\nab=a\rb\n", ":2: control character"},
    {"escape character", "[s]\nab=\x1b[31m\n", ":2: control character"},
    {"DEL", "[s]\nab=a\x7f\n", ":2: control character"},
    {"error on a later line", "[s]\nab=1\ncd=2\n\n# x\nbroken\n",
     ":6: neither key=value nor [section]"},
    {"section not found", "[o]\nab=1\n", ": section [s] not found"},
    {"sections differ in case", "[S]\nab=1\n", ": section [s] not found"},
    {"empty file", "", ": section [s] not found"},
    {"only comments", "# nothing\n; here\n", ": section [s] not found"},
};

static void test_errors(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++) {
		const struct error_row *r = &error_rows[i];
		struct pt_buf err = {0};
		struct pt_buf want = {0};
		char **args = NULL;
		int n = 0;
		const char *path = ini("e.ini", r->ini);
		bool ok = pt_ini_read_section(path, "s", &args, &n, NULL, &err);

		pt_buf_printf(&want, "%s%s", path, r->reason);
		if (ok || n != 0 || strcmp(pt_buf_str(&err), pt_buf_str(&want)) != 0) {
			print_error("row %zu (%s): ok=%d nargs=%d\n  expected \"%s\"\n  got      \"%s\"\n", i,
			            r->name, ok, n, pt_buf_str(&want), pt_buf_str(&err));
			bad++;
		}
		free_args(args, n);
		pt_buf_free(&err);
		pt_buf_free(&want);
	}
	assert_int_equal(bad, 0);
}

static void test_nul_byte(void **state)
{
	static const char data[] = "[s]\nab=a\0b\n";
	struct pt_buf err = {0};
	struct pt_buf want = {0};
	char **args = NULL;
	int n = 0;
	char path[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "nul.ini");
	write_bytes(path, data, sizeof(data) - 1);
	assert_false(pt_ini_read_section(path, "s", &args, &n, NULL, &err));
	pt_buf_printf(&want, "%s:2: NUL byte", path);
	assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
	assert_int_equal(n, 0);
	free_args(args, n);
	pt_buf_free(&err);
	pt_buf_free(&want);
}

/* Values may be secrets: no message repeats them. */
static void test_error_hides_values(void **state)
{
	static const char *const files[] = {
	    "[s]\nclient-secret=\"TOPSECRET\n",
	    "[s]\nclient-secret=\"TOPSECRET\" trailing\n",
	    "[s]\nclient-secret=TOP\x01SECRET\n",
	    "[s]\nTOPSECRET\n",
	    "[s]\nTOP.SECRET=1\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct pt_buf err = {0};
		char **args = NULL;
		int n = 0;

		assert_false(pt_ini_read_section(ini("h.ini", files[i]), "s", &args, &n, NULL, &err));
		assert_null(strstr(pt_buf_str(&err), "SECRET"));
		assert_null(strchr(pt_buf_str(&err), '\n'));
		assert_true(err.len > 0);
		free_args(args, n);
		pt_buf_free(&err);
	}
}

/* A failed read leaves what the caller already had untouched. */
static void test_error_keeps_earlier_args(void **state)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;

	(void)state;
	assert_true(pt_ini_read_section(ini("a.ini", "[s]\nab=1\n"), "s", &args, &n, NULL, &err));
	assert_int_equal(n, 1);
	assert_false(
	    pt_ini_read_section(ini("b.ini", "[t]\ncd=2\nef=3\nbroken\n"), "t", &args, &n, NULL, &err));
	assert_int_equal(n, 1);
	assert_string_equal(args[0], "--ab=1");
	free_args(args, n);
	pt_buf_free(&err);
}

static void test_appends(void **state)
{
	struct pt_buf err = {0};
	struct pt_buf got = {0};
	char **args = NULL;
	int n = 0;

	(void)state;
	assert_true(
	    pt_ini_read_section(ini("a.ini", "[s]\nab=1\n[t]\ncd=2\n"), "s", &args, &n, NULL, &err));
	assert_true(
	    pt_ini_read_section(ini("a.ini", "[s]\nab=1\n[t]\ncd=2\n"), "t", &args, &n, NULL, &err));
	join_args(args, n, &got);
	assert_string_equal(pt_buf_str(&got), "--ab=1\n--cd=2");
	assert_string_equal(pt_buf_str(&err), "");
	free_args(args, n);
	pt_buf_free(&err);
	pt_buf_free(&got);
}

static void make_line_file(const char *path, size_t len, const char *line_end)
{
	/* "[s]\n" then "ab=" padded with 'x' to len bytes, then line_end */
	size_t total = 4 + len + strlen(line_end);
	char *data = malloc(total + 1);

	assert_non_null(data);
	memcpy(data, "[s]\n", 4);
	memcpy(data + 4, "ab=", 3);
	memset(data + 7, 'x', len - 3);
	memcpy(data + 4 + len, line_end, strlen(line_end) + 1);
	write_bytes(path, data, total);
	free(data);
}

static void test_line_length(void **state)
{
	static const struct {
		size_t len;
		const char *end;
		bool ok;
	} rows[] = {
	    {4095, "\n", true},  {4096, "\n", true},    {4096, "\r\n", true}, {4096, "", true},
	    {4097, "\n", false}, {4097, "\r\n", false}, {4097, "", false},    {100000, "\n", false},
	};
	size_t i;
	int bad = 0;
	char path[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "long.ini");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf err = {0};
		struct pt_buf want = {0};
		char **args = NULL;
		int n = 0;
		bool ok;

		make_line_file(path, rows[i].len, rows[i].end);
		ok = pt_ini_read_section(path, "s", &args, &n, NULL, &err);
		if (rows[i].ok) {
			if (!ok || n != 1 || strlen(args[0]) != rows[i].len - 3 + 5) {
				print_error("row %zu (%zu bytes): refused: %s\n", i, rows[i].len, pt_buf_str(&err));
				bad++;
			}
		} else {
			pt_buf_printf(&want, "%s:2: line longer than 4096 bytes", path);
			if (ok || strcmp(pt_buf_str(&err), pt_buf_str(&want)) != 0) {
				print_error("row %zu (%zu bytes): ok=%d err=\"%s\"\n", i, rows[i].len, ok,
				            pt_buf_str(&err));
				bad++;
			}
		}
		free_args(args, n);
		pt_buf_free(&err);
		pt_buf_free(&want);
	}
	assert_int_equal(bad, 0);
}

/* The bound holds in sections that are not ours, too: it is how the
 * file is read. */
static void test_long_line_elsewhere(void **state)
{
	char *data = malloc(10000);
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;
	char path[256];

	(void)state;
	assert_non_null(data);
	memset(data, '#', 10000);
	memcpy(data, "[s]\nab=1\n[o]\n", 13);
	unit_path_in_tmp(path, sizeof(path), "long2.ini");
	write_bytes(path, data, 10000);
	assert_false(pt_ini_read_section(path, "s", &args, &n, NULL, &err));
	assert_non_null(strstr(pt_buf_str(&err), ":4: line longer than 4096 bytes"));
	assert_int_equal(n, 0);
	free_args(args, n);
	free(data);
	pt_buf_free(&err);
}

/* --- the file itself ----------------------------------------------- */

static void no_setup(const char *path)
{
	(void)path;
}

static void make_big(const char *path)
{
	size_t size = 1024 * 1024 + 100;
	char *data = malloc(size);

	assert_non_null(data);
	memcpy(data, "[s]\nab=1\n", 9);
	for (size_t i = 9; i < size; i++) {
		data[i] = (i % 64 == 63) ? '\n' : '#';
	}
	write_bytes(path, data, size);
	free(data);
}

static void make_dir(const char *path)
{
	assert_int_equal(mkdir(path, 0700), 0);
}

static void make_fifo(const char *path)
{
	assert_int_equal(mkfifo(path, 0600), 0);
}

static void remove_dir(const char *path)
{
	assert_int_equal(rmdir(path), 0);
}

static void remove_file(const char *path)
{
	assert_int_equal(unlink(path), 0);
}

/* Files that are refused as a whole: the exact message, and nothing
 * appended. A FIFO must be refused without blocking in open(): the
 * alarm ends the test if it does. */
static const struct refused_row {
	const char *name;
	void (*setup)(const char *path);
	void (*cleanup)(const char *path);
	const char *before; /* the message: before, the path, after */
	const char *after;
	bool args_untouched; /* nothing was read, so the vector was never made */
} refused_rows[] = {
    {"big.ini", make_big, remove_file, "", ": file larger than 1 MiB", false},
    {"does-not-exist.ini", no_setup, no_setup, "cannot open ", ": No such file or directory", true},
    {"dir.ini", make_dir, remove_dir, "", ": not a regular file", true},
    {"fifo.ini", make_fifo, remove_file, "", ": not a regular file", true},
};

static void test_file_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refused_rows) / sizeof(refused_rows[0]); i++) {
		const struct refused_row *r = &refused_rows[i];
		struct pt_buf err = {0};
		struct pt_buf want = {0};
		char **args = NULL;
		int n = 0;
		char path[256];

		unit_path_in_tmp(path, sizeof(path), r->name);
		r->setup(path);
		signal(SIGALRM, unit_on_alarm);
		alarm(5);
		assert_false(pt_ini_read_section(path, "s", &args, &n, NULL, &err));
		alarm(0);
		signal(SIGALRM, SIG_DFL);
		pt_buf_printf(&want, "%s%s%s", r->before, path, r->after);
		assert_string_equal(pt_buf_str(&err), pt_buf_str(&want));
		assert_int_equal(n, 0);
		if (r->args_untouched) {
			assert_null(args);
		}
		r->cleanup(path);
		free_args(args, n);
		pt_buf_free(&err);
		pt_buf_free(&want);
	}
}

static void test_symlink_followed(void **state)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;
	char link[256];

	(void)state;
	unit_path_in_tmp(link, sizeof(link), "link.ini");
	unlink(link);
	assert_int_equal(symlink(ini("target.ini", "[s]\nab=1\n"), link), 0);
	assert_true(pt_ini_read_section(link, "s", &args, &n, NULL, &err));
	assert_int_equal(n, 1);
	assert_string_equal(args[0], "--ab=1");
	free_args(args, n);
	pt_buf_free(&err);
}

/* A control character in a file name must not split the message. */
static void test_name_kept_on_one_line(void **state)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;
	char path[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "bad\nname.ini");
	assert_false(pt_ini_read_section(path, "s", &args, &n, NULL, &err));
	assert_null(strchr(pt_buf_str(&err), '\n'));
	assert_non_null(strstr(pt_buf_str(&err), "bad name.ini"));
	pt_buf_free(&err);
}

/* Long names are cut in messages. */
static void test_long_name_cut(void **state)
{
	char path[400];
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;

	(void)state;
	memset(path, 'n', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_false(pt_ini_read_section(path, "s", &args, &n, NULL, &err));
	/* "cannot open " + 197 bytes of the name + "..." + ": reason" */
	assert_int_equal(strncmp(pt_buf_str(&err) + 12 + 197, "...: ", 5), 0);
	pt_buf_free(&err);
}

static void test_no_file_name(void **state)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;

	(void)state;
	assert_false(pt_ini_read_section("", "s", &args, &n, NULL, &err));
	assert_string_equal(pt_buf_str(&err), "extra-opts: no ini file given");
	pt_buf_free(&err);
	assert_false(pt_ini_read_section(NULL, "s", &args, &n, NULL, &err));
	assert_string_equal(pt_buf_str(&err), "extra-opts: no ini file given");
	pt_buf_free(&err);
}

/* /proc/self/mem is a regular file that cannot be read at offset 0. */
static void test_read_error(void **state)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;

	(void)state;
	if (access("/proc/self/mem", F_OK) != 0) {
		skip();
	}
	assert_false(pt_ini_read_section("/proc/self/mem", "s", &args, &n, NULL, &err));
	assert_string_equal(pt_buf_str(&err), "/proc/self/mem: read error: Input/output error");
	pt_buf_free(&err);
}

static void test_bad_section_argument(void **state)
{
	char longname[600];
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;
	const char *path = ini("sec.ini", "[s]\nab=1\n");

	(void)state;
	assert_false(pt_ini_read_section(path, "", &args, &n, NULL, &err));
	assert_true(err.len > 0);
	pt_buf_free(&err);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(pt_ini_read_section(path, longname, &args, &n, NULL, &err));
	assert_true(err.len > 0);
	assert_int_equal(n, 0);
	pt_buf_free(&err);
}

/* Runs fn with stdin reading `text` from a pipe. */
static void with_stdin(const char *text, void (*fn)(void))
{
	int p[2];
	int saved = dup(STDIN_FILENO);

	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(p[1]), 0);
	assert_true(dup2(p[0], STDIN_FILENO) >= 0);
	assert_int_equal(close(p[0]), 0);
	fn();
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	assert_int_equal(close(saved), 0);
}

static void read_stdin_ok(void)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;

	assert_true(pt_ini_read_section("-", "s", &args, &n, NULL, &err));
	assert_int_equal(n, 2);
	assert_string_equal(args[0], "--ab=1");
	assert_string_equal(args[1], "-w5");
	free_args(args, n);
	pt_buf_free(&err);
}

static void read_stdin_bad(void)
{
	struct pt_buf err = {0};
	char **args = NULL;
	int n = 0;

	assert_false(pt_ini_read_section("-", "s", &args, &n, NULL, &err));
	assert_string_equal(pt_buf_str(&err), "(stdin):2: neither key=value nor [section]");
	pt_buf_free(&err);
}

static void test_stdin(void **state)
{
	(void)state;
	with_stdin("[s]\nab=1\nw=5\n", read_stdin_ok);
	with_stdin("[s]\nbroken\n", read_stdin_bad);
}

/* --- the default file ---------------------------------------------- */

static void test_default_mp_config_file(void **state)
{
	char path[256];
	char *got;

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "mp.ini");
	write_file(path, "[s]\n");
	setenv("MP_CONFIG_FILE", path, 1);
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, path);
	free(got);
	unlink(path);
}

/* $MP_CONFIG_FILE comes first, even before $NAGIOS_CONFIG_PATH. */
static void test_default_order(void **state)
{
	char d1[256];
	char d2[256];
	char p[256];
	char mp[256];
	char *got;

	(void)state;
	unit_path_in_tmp(d1, sizeof(d1), "cfg1");
	unit_path_in_tmp(d2, sizeof(d2), "cfg2");
	assert_int_equal(mkdir(d1, 0700), 0);
	assert_int_equal(mkdir(d2, 0700), 0);

	/* only dir 2 has a file */
	unit_path_in_tmp(p, sizeof(p), "cfg2/plugins.ini");
	write_file(p, "");
	{
		char env[600];

		snprintf(env, sizeof(env), "%s:%s", d1, d2);
		setenv("NAGIOS_CONFIG_PATH", env, 1);
	}
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, p);
	free(got);

	/* the names are tried in order within one directory */
	unit_path_in_tmp(p, sizeof(p), "cfg2/nagios-plugins.ini");
	write_file(p, "");
	unit_path_in_tmp(p, sizeof(p), "cfg2/monitoring-plugins.ini");
	write_file(p, "");
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, p);
	free(got);

	/* an earlier directory wins over a better name in a later one */
	unit_path_in_tmp(p, sizeof(p), "cfg1/nagios-plugins.ini");
	write_file(p, "");
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, p);
	free(got);

	/* empty components are skipped */
	{
		char env[600];

		snprintf(env, sizeof(env), "::%s::", d1);
		setenv("NAGIOS_CONFIG_PATH", env, 1);
	}
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, p);
	free(got);

	/* a set but missing MP_CONFIG_FILE is passed over */
	unit_path_in_tmp(mp, sizeof(mp), "no-such.ini");
	setenv("MP_CONFIG_FILE", mp, 1);
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, p);
	free(got);

	/* an existing MP_CONFIG_FILE wins */
	write_file(mp, "");
	got = pt_ini_default_file();
	assert_non_null(got);
	assert_string_equal(got, mp);
	free(got);
	unlink(mp);
}

static bool system_ini_exists(void)
{
	for (size_t i = 0; pt_ini_system_path(i); i++) {
		if (access(pt_ini_system_path(i), F_OK) == 0) {
			return true;
		}
	}
	return false;
}

static void test_default_none(void **state)
{
	char *got;
	char d[256];

	(void)state;
	if (system_ini_exists()) {
		skip();
	}
	unit_path_in_tmp(d, sizeof(d), "empty-cfg");
	assert_int_equal(mkdir(d, 0700), 0);
	setenv("NAGIOS_CONFIG_PATH", d, 1);
	got = pt_ini_default_file();
	assert_null(got);
	assert_int_equal(rmdir(d), 0);
}

/* --- rebuilding argv ------------------------------------------------ */

struct apply_case {
	char **out;
	int outc;
	struct pt_buf err;
};

static bool run_apply(int argc, const char *const *argv, struct apply_case *c)
{
	bool ok;

	memset(c, 0, sizeof(*c));
	ok = pt_extra_opts_apply(argc, (char **)argv, PROG, &c->outc, &c->out, &c->err);
	if (ok) {
		assert_non_null(c->out);
		assert_null(c->out[c->outc]);
	} else {
		assert_null(c->out);
		assert_int_equal(c->outc, 0);
		assert_true(c->err.len > 0);
		assert_null(strchr(pt_buf_str(&c->err), '\n'));
	}
	return ok;
}

static void expect_argv(struct apply_case *c, const char *joined)
{
	struct pt_buf got = {0};

	join_args(c->out, c->outc, &got);
	assert_string_equal(pt_buf_str(&got), joined);
	pt_buf_free(&got);
}

static void done(struct apply_case *c)
{
	pt_extra_opts_free(c->outc, c->out);
	pt_buf_free(&c->err);
}

static const char *const ini_text = "[" PROG "]\n"
                                    "hostname = ini.example\n"
                                    "w = 5\n"
                                    "[check_prioticket_status]\n"
                                    "hostname = status.example\n"
                                    "[extra]\n"
                                    "verbose=\n"
                                    "timeout = 7\n";

static void test_apply_without_extra_opts(void **state)
{
	const char *argv[] = {PROG, "-w", "1", "--hostname=h", NULL};
	struct apply_case c;
	int i;

	(void)state;
	assert_true(run_apply(4, argv, &c));
	expect_argv(&c, PROG "\n-w\n1\n--hostname=h");
	/* a copy, not the caller's strings */
	for (i = 0; i < c.outc; i++) {
		assert_ptr_not_equal(c.out[i], argv[i]);
	}
	done(&c);

	assert_true(run_apply(1, argv, &c));
	expect_argv(&c, PROG);
	done(&c);
}

/* The file's options come first, so the command line wins. */
static void test_apply_command_line_wins(void **state)
{
	char opt[600];
	const char *argv[] = {PROG, "-w", "1", opt, "-c", "2", NULL};
	struct apply_case c;

	(void)state;
	snprintf(opt, sizeof(opt), "--extra-opts=%s@%s", PROG, ini("apply.ini", ini_text));
	assert_true(run_apply(6, argv, &c));
	expect_argv(&c, PROG "\n--hostname=ini.example\n-w5\n-w\n1\n-c\n2");
	done(&c);
}

static void test_apply_default_section(void **state)
{
	char opt[600];
	const char *argv[] = {PROG, opt, NULL};
	struct apply_case c;

	(void)state;
	snprintf(opt, sizeof(opt), "--extra-opts=@%s", ini("apply.ini", ini_text));
	assert_true(run_apply(2, argv, &c));
	expect_argv(&c, PROG "\n--hostname=ini.example\n-w5");
	done(&c);
}

/* Several --extra-opts: in the order given, all before the rest. */
static void test_apply_several(void **state)
{
	char o1[600];
	char o2[600];
	const char *argv[] = {PROG, o1, "-v", o2, "--timeout=3", NULL};
	const char *path = ini("apply.ini", ini_text);
	struct apply_case c;

	(void)state;
	snprintf(o1, sizeof(o1), "--extra-opts=extra@%s", path);
	snprintf(o2, sizeof(o2), "--extra-opts=check_prioticket_status@%s", path);
	assert_true(run_apply(5, argv, &c));
	expect_argv(&c, PROG "\n--verbose\n--timeout=7\n--hostname=status.example\n-v\n--timeout=3");
	done(&c);
}

/* Each argument read from a file knows its key, section and file; the
 * command line's arguments have no origin. */
static void test_apply_origins(void **state)
{
	char spec[600];
	const char *path = ini("origins.ini", "[s]\np = Hunter2\nscope=x\n");
	char *argv[] = {PROG, spec, (char *)"-v", NULL};
	char **out = NULL;
	char **origins = NULL;
	struct pt_buf err = {0};
	char want[700];
	int n = 0;

	(void)state;
	snprintf(spec, sizeof(spec), "--extra-opts=s@%s", path);
	assert_true(pt_extra_opts_apply_origins(3, argv, PROG, &n, &out, &origins, &err));
	assert_int_equal(n, 4);
	assert_string_equal(out[1], "-pHunter2");
	assert_string_equal(out[2], "--scope=x");
	assert_string_equal(out[3], "-v");
	assert_null(origins[0]);
	snprintf(want, sizeof(want), "key 'p' in section [s] of %s", path);
	assert_string_equal(origins[1], want);
	snprintf(want, sizeof(want), "key 'scope' in section [s] of %s", path);
	assert_string_equal(origins[2], want);
	assert_null(origins[3]);
	pt_extra_opts_free(n, out);
	pt_extra_opts_free(n, origins);
	pt_buf_free(&err);
}

static void test_apply_default_file(void **state)
{
	const char *a1[] = {PROG, "--extra-opts", "-v", NULL};
	const char *a2[] = {PROG, "--extra-opts=extra", NULL};
	const char *a3[] = {PROG, "--extra-opts=", NULL};
	const char *a4[] = {PROG, "--extra-opts=extra@", NULL};
	struct apply_case c;

	(void)state;
	setenv("MP_CONFIG_FILE", ini("apply.ini", ini_text), 1);
	assert_true(run_apply(3, a1, &c));
	expect_argv(&c, PROG "\n--hostname=ini.example\n-w5\n-v");
	done(&c);
	assert_true(run_apply(2, a2, &c));
	expect_argv(&c, PROG "\n--verbose\n--timeout=7");
	done(&c);
	assert_true(run_apply(2, a3, &c));
	expect_argv(&c, PROG "\n--hostname=ini.example\n-w5");
	done(&c);
	assert_true(run_apply(2, a4, &c));
	expect_argv(&c, PROG "\n--verbose\n--timeout=7");
	done(&c);
}

/* "--extra-opts SPEC" is not the two-argument form: SPEC stays an
 * ordinary argument and the default section is read. */
static void test_apply_no_separate_value(void **state)
{
	const char *argv[] = {PROG, "--extra-opts", "extra", NULL};
	struct apply_case c;

	(void)state;
	setenv("MP_CONFIG_FILE", ini("apply.ini", ini_text), 1);
	assert_true(run_apply(3, argv, &c));
	expect_argv(&c, PROG "\n--hostname=ini.example\n-w5\nextra");
	done(&c);
}

static void test_apply_not_ours(void **state)
{
	const char *argv[] = {PROG, "--extra-optsX=1", "--", "--extra-opts=zz@/nonexistent", NULL};
	struct apply_case c;

	(void)state;
	assert_true(run_apply(4, argv, &c));
	expect_argv(&c, PROG "\n--extra-optsX=1\n--\n--extra-opts=zz@/nonexistent");
	done(&c);
}

/* pattern with its "@F" made "@" and the path of the ini file. */
static void with_file(struct pt_buf *out, const char *pattern, const char *path)
{
	const char *f = strstr(pattern, "@F");

	if (!f) {
		pt_buf_puts(out, pattern);
		return;
	}
	pt_buf_append(out, pattern, (size_t)(f - pattern));
	pt_buf_printf(out, "@%s", path);
	with_file(out, f + 2, path);
}

/* --extra-opts as getopt_long reads it: any unique abbreviation (issue
 * 22, bug 2), wherever it stands among positional words; never the value
 * of another option, nor an ambiguous prefix. */
static void test_apply_abbreviations(void **state)
{
	static const struct {
		const char *args[3];
		const char *want; /* the rebuilt vector after PROG, one per line */
	} rows[] = {
	    {{"--extra=extra@F", "-v", NULL}, "--verbose\n--timeout=7\n-v"},
	    {{"--ext=extra@F", NULL}, "--verbose\n--timeout=7"},
	    {{"--extra-o", NULL}, "--hostname=ini.example\n-w5"},
	    {{"x", "--extra-opts=extra@F", NULL}, "--verbose\n--timeout=7\nx"},
	    {{"-H", "--extra-opts=extra@F", NULL}, "-H\n--extra-opts=extra@F"},
	    {{"--scope", "--extra=extra@F", NULL}, "--scope\n--extra=extra@F"},
	    {{"--e=extra@F", NULL}, "--e=extra@F"},
	};
	const char *path = ini("apply.ini", ini_text);

	(void)state;
	setenv("MP_CONFIG_FILE", path, 1);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf text[2] = {{0}};
		struct pt_buf want = {0};
		const char *argv[4] = {PROG};
		struct apply_case c;
		int argc = 1;

		for (; rows[i].args[argc - 1]; argc++) {
			with_file(&text[argc - 1], rows[i].args[argc - 1], path);
			argv[argc] = pt_buf_str(&text[argc - 1]);
		}
		pt_buf_puts(&want, PROG "\n");
		with_file(&want, rows[i].want, path);
		assert_true(run_apply(argc, argv, &c));
		expect_argv(&c, pt_buf_str(&want));
		done(&c);
		pt_buf_free(&want);
		pt_buf_free(&text[0]);
		pt_buf_free(&text[1]);
	}
}

static void test_apply_stdin_ok(void)
{
	const char *argv[] = {PROG, "--extra-opts=extra@-", "-v", NULL};
	struct apply_case c;

	assert_true(run_apply(3, argv, &c));
	expect_argv(&c, PROG "\n--verbose\n--timeout=7\n-v");
	done(&c);
}

static void test_apply_stdin(void **state)
{
	(void)state;
	with_stdin(ini_text, test_apply_stdin_ok);
}

static void expect_apply_error(int argc, const char *const *argv, const char *want)
{
	struct apply_case c;

	assert_false(run_apply(argc, argv, &c));
	assert_string_equal(pt_buf_str(&c.err), want);
	done(&c);
}

static void test_apply_errors(void **state)
{
	char missing[600];
	char nosect[600];
	char inner[600];
	char abbrev[600];
	char broken[600];
	char good[600];
	const char *a1[] = {PROG, missing, NULL};
	const char *a2[] = {PROG, nosect, NULL};
	const char *a3[] = {PROG, inner, NULL};
	const char *a4[] = {PROG, abbrev, NULL};
	const char *a5[] = {PROG, good, broken, "-v", NULL};
	struct pt_buf want = {0};
	char path[256];
	char ipath[256];
	char apath[256];
	char bpath[256];

	(void)state;
	unit_path_in_tmp(path, sizeof(path), "missing.ini");
	snprintf(missing, sizeof(missing), "--extra-opts=s@%s", path);
	pt_buf_printf(&want, "cannot open %s: No such file or directory", path);
	expect_apply_error(2, a1, pt_buf_str(&want));
	pt_buf_free(&want);

	unit_path_in_tmp(path, sizeof(path), "apply.ini");
	write_file(path, ini_text);
	snprintf(nosect, sizeof(nosect), "--extra-opts=nosuch@%s", path);
	pt_buf_printf(&want, "%s: section [nosuch] not found", path);
	expect_apply_error(2, a2, pt_buf_str(&want));
	pt_buf_free(&want);

	/* no recursion, also not through an abbreviation getopt would take */
	unit_path_in_tmp(ipath, sizeof(ipath), "inner.ini");
	write_file(ipath, "[s]\nab=1\nextra-opts=t@/etc/x.ini\n");
	snprintf(inner, sizeof(inner), "--extra-opts=s@%s", ipath);
	pt_buf_printf(&want, "%s: --extra-opts cannot be used inside an extra-opts file", ipath);
	expect_apply_error(2, a3, pt_buf_str(&want));
	pt_buf_free(&want);

	unit_path_in_tmp(apath, sizeof(apath), "abbrev.ini");
	write_file(apath, "[s]\nextra=t\n");
	snprintf(abbrev, sizeof(abbrev), "--extra-opts=s@%s", apath);
	pt_buf_printf(&want, "%s: --extra-opts cannot be used inside an extra-opts file", apath);
	expect_apply_error(2, a4, pt_buf_str(&want));
	pt_buf_free(&want);

	/* a later failure frees what an earlier --extra-opts gave */
	snprintf(good, sizeof(good), "--extra-opts=extra@%s", path);
	unit_path_in_tmp(bpath, sizeof(bpath), "broken.ini");
	write_file(bpath, "[s]\nab=1\nbroken\n");
	snprintf(broken, sizeof(broken), "--extra-opts=s@%s", bpath);
	pt_buf_printf(&want, "%s:3: neither key=value nor [section]", bpath);
	expect_apply_error(4, a5, pt_buf_str(&want));
	pt_buf_free(&want);
}

static void test_apply_no_default_file(void **state)
{
	const char *argv[] = {PROG, "--extra-opts", NULL};
	char d[256];

	(void)state;
	if (system_ini_exists()) {
		skip();
	}
	unit_path_in_tmp(d, sizeof(d), "none-cfg");
	assert_int_equal(mkdir(d, 0700), 0);
	setenv("NAGIOS_CONFIG_PATH", d, 1);
	expect_apply_error(2, argv,
	                   "--extra-opts: no ini file found (set MP_CONFIG_FILE or use "
	                   "--extra-opts=[section]@FILE)");
	assert_int_equal(rmdir(d), 0);
}

static void test_apply_bad_input(void **state)
{
	struct apply_case c;
	char longsect[400];
	const char *argv[] = {PROG, longsect, NULL};

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_false(pt_extra_opts_apply(-1, NULL, PROG, &c.outc, &c.out, &c.err));
	assert_null(c.out);
	pt_buf_free(&c.err);
	assert_false(pt_extra_opts_apply(2, NULL, PROG, &c.outc, &c.out, &c.err));
	pt_buf_free(&c.err);

	{
		const char *holed[] = {PROG, NULL, "-v", NULL};

		assert_false(pt_extra_opts_apply(3, (char **)holed, PROG, &c.outc, &c.out, &c.err));
		assert_string_equal(pt_buf_str(&c.err), "extra-opts: argument vector with a hole");
		pt_buf_free(&c.err);
	}

	/* argc 0: an empty vector */
	assert_true(pt_extra_opts_apply(0, (char **)argv, PROG, &c.outc, &c.out, &c.err));
	assert_int_equal(c.outc, 0);
	assert_null(c.out[0]);
	done(&c);

	snprintf(longsect, sizeof(longsect), "--extra-opts=%0300d@/dev/null", 0);
	expect_apply_error(2, argv, "--extra-opts: section name longer than 255 characters");

	/* no section and no plugin name to default to */
	memset(&c, 0, sizeof(c));
	snprintf(longsect, sizeof(longsect), "--extra-opts=@%s", ini("apply.ini", ini_text));
	assert_false(pt_extra_opts_apply(2, (char **)argv, NULL, &c.outc, &c.out, &c.err));
	assert_string_equal(pt_buf_str(&c.err), "--extra-opts: no section given and no plugin name");
	done(&c);

	/* freeing nothing is fine */
	pt_extra_opts_free(0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_grammar, clear_env),
	    cmocka_unit_test_setup(test_errors, clear_env),
	    cmocka_unit_test_setup(test_nul_byte, clear_env),
	    cmocka_unit_test_setup(test_error_hides_values, clear_env),
	    cmocka_unit_test_setup(test_error_keeps_earlier_args, clear_env),
	    cmocka_unit_test_setup(test_appends, clear_env),
	    cmocka_unit_test_setup(test_line_length, clear_env),
	    cmocka_unit_test_setup(test_long_line_elsewhere, clear_env),
	    cmocka_unit_test_setup(test_file_refused, clear_env),
	    cmocka_unit_test_setup(test_symlink_followed, clear_env),
	    cmocka_unit_test_setup(test_name_kept_on_one_line, clear_env),
	    cmocka_unit_test_setup(test_long_name_cut, clear_env),
	    cmocka_unit_test_setup(test_no_file_name, clear_env),
	    cmocka_unit_test_setup(test_read_error, clear_env),
	    cmocka_unit_test_setup(test_bad_section_argument, clear_env),
	    cmocka_unit_test_setup(test_stdin, clear_env),
	    cmocka_unit_test_setup(test_default_mp_config_file, clear_env),
	    cmocka_unit_test_setup(test_default_order, clear_env),
	    cmocka_unit_test_setup(test_default_none, clear_env),
	    cmocka_unit_test_setup(test_apply_without_extra_opts, clear_env),
	    cmocka_unit_test_setup(test_apply_command_line_wins, clear_env),
	    cmocka_unit_test_setup(test_apply_default_section, clear_env),
	    cmocka_unit_test_setup(test_apply_several, clear_env),
	    cmocka_unit_test_setup(test_apply_origins, clear_env),
	    cmocka_unit_test_setup(test_apply_default_file, clear_env),
	    cmocka_unit_test_setup(test_apply_no_separate_value, clear_env),
	    cmocka_unit_test_setup(test_apply_not_ours, clear_env),
	    cmocka_unit_test_setup(test_apply_abbreviations, clear_env),
	    cmocka_unit_test_setup(test_apply_stdin, clear_env),
	    cmocka_unit_test_setup(test_apply_errors, clear_env),
	    cmocka_unit_test_setup(test_apply_no_default_file, clear_env),
	    cmocka_unit_test_setup(test_apply_bad_input, clear_env),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
