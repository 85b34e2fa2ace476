/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the --extra-opts ini reader: the input is the ini file, kept in
 * a 0600 file of a private directory made once (the reader takes only a
 * file that no one else can write, in directories no one else can
 * write: a memfd, mode 0777, would be refused).
 *
 * Each input goes through
 * 1. pt_ini_read_section(FILE, "fuzz") appending to a vector that already
 *    holds one argument, and
 * 2. pt_extra_opts_apply on {"check_prioticket_ping",
 *    "--extra-opts=fuzz@FILE", "-t", "5"}, whose result is then given to
 *    pt_options_parse.
 *
 * Invariants:
 * - read: never refused for the file's owner or modes; on failure the
 *   vector is back to its one argument and err holds a one-line reason
 *   (no control characters, no '|'); on
 *   success every new argument is "-k..." or "--key[=value]" with a key
 *   of [A-Za-z0-9_-], without line breaks;
 * - apply succeeds exactly when read did and getopt_long reads no read
 *   argument as --extra-opts (an abbreviation too); its vector is argv[0], the
 *   file's arguments in order, then "-t" "5", NULL-terminated; on
 *   failure err is a one-line reason as above;
 * - no leak, no memory error. */
#include "config.h"

#include "plugin/extra_opts.h"
#include "plugin/ini.h"
#include "plugin/option_table.h"
#include "plugin/options.h"
#include "plugin/run_config.h"
#include "util/buf.h"

#include "harness.h"

#include <fcntl.h>
#include <unistd.h>

#define SECTION  "fuzz"
#define PROGNAME "check_prioticket_ping"
/* Above the reader's 4096-byte line limit, far below its 1 MiB cap. */
#define INPUT_MAX (64 * 1024)

static int ini_fd = -1;
static char dir[64];
static char path[96];
static char spec[128];

static void remove_file(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/fuzz_extra_opts_XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/plugins.ini", dir);
	ini_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (ini_fd < 0) {
		perror(path);
		abort();
	}
	atexit(remove_file);
	snprintf(spec, sizeof(spec), "--extra-opts=" SECTION "@%s", path);
	unsetenv("PRIOTICKET_CLIENT_ID");
	unsetenv("PRIOTICKET_CLIENT_SECRET");
	unsetenv("PRIOTICKET_API_KEY");
	return 0;
}

static void set_file(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ini_fd < 0) {
		LLVMFuzzerInitialize(NULL, NULL);
	}
	FUZZ_CHECK(ftruncate(ini_fd, 0) == 0);
	while (done < size) {
		ssize_t n = pwrite(ini_fd, data + done, size - done, (off_t)done);

		FUZZ_CHECK(n > 0);
		done += (size_t)n;
	}
}

static void extra_seen(const struct pt_option_seen *o, void *ctx)
{
	if (o->id == PT_OPT_EXTRA_OPTS) {
		*(bool *)ctx = true;
	}
}

/* What extra_opts.c refuses inside a file: an argument getopt_long
 * reads as --extra-opts (an abbreviation too), read through the
 * pre-scan of option_table.h as the parser will read it. */
static bool names_extra_opts(char **args, int nargs)
{
	char **v = malloc(((size_t)nargs + 1) * sizeof(*v));
	bool named = false;

	FUZZ_CHECK(v != NULL);
	v[0] = (char *)PROGNAME;
	memcpy(v + 1, args + 1, (size_t)(nargs - 1) * sizeof(*v));
	v[nargs] = NULL;
	FUZZ_CHECK(pt_options_scan(nargs, v, extra_seen, &named));
	free(v);
	return named;
}

static void check_arg(const char *a)
{
	static const char key_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                "0123456789_-";

	FUZZ_CHECK(a != NULL);
	FUZZ_CHECK(!fuzz_has_line_break(a, strlen(a)));
	FUZZ_CHECK(a[0] == '-' && a[1] != '\0');
	/* "-k", "-kVALUE", "--key", "--key=VALUE". The one-letter key "-" is
	 * allowed too and gives "--" or "--VALUE", so past a[1] nothing is
	 * certain. */
	FUZZ_CHECK(strchr(key_chars, a[1]) != NULL);
}

static void free_vec(char **v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i]);
	}
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **args;
	int nargs = 1;
	struct pt_buf err = {0};
	bool read_ok;
	bool any_extra = false;
	char *argv[] = {(char *)PROGNAME, spec, (char *)"-t", (char *)"5", NULL};
	int out_argc = -1;
	char **out_argv = NULL;
	bool apply_ok;

	if (size > INPUT_MAX) {
		return 0;
	}
	set_file(data, size);

	/* 1. pt_ini_read_section */
	args = malloc(2 * sizeof(*args));
	FUZZ_CHECK(args != NULL);
	args[0] = fuzz_strndup((const uint8_t *)"--pre", 5);
	args[1] = NULL;
	read_ok = pt_ini_read_section(path, SECTION, &args, &nargs, NULL, &err);
	FUZZ_CHECK(strcmp(args[0], "--pre") == 0);
	if (read_ok) {
		FUZZ_CHECK(nargs >= 1);
		FUZZ_CHECK(args[nargs] == NULL);
		for (int i = 1; i < nargs; i++) {
			check_arg(args[i]);
		}
		any_extra = names_extra_opts(args, nargs);
	} else {
		FUZZ_CHECK(nargs == 1);
		FUZZ_CHECK(err.len > 0 && fuzz_status_line_safe(err.data, err.len));
		FUZZ_CHECK(strstr(pt_buf_str(&err), "no one else can write") == NULL);
	}
	pt_buf_free(&err);

	/* 2. pt_extra_opts_apply, then the option parser on its result. */
	apply_ok = pt_extra_opts_apply(4, argv, PROGNAME, &out_argc, &out_argv, &err);
	FUZZ_CHECK(apply_ok == (read_ok && !any_extra));
	if (apply_ok) {
		struct pt_config cfg;
		struct pt_buf perr = {0};
		int nfile = nargs - 1;

		FUZZ_CHECK(out_argc == 1 + nfile + 2);
		FUZZ_CHECK(out_argv[out_argc] == NULL);
		FUZZ_CHECK(strcmp(out_argv[0], PROGNAME) == 0);
		for (int i = 0; i < nfile; i++) {
			FUZZ_CHECK(strcmp(out_argv[1 + i], args[1 + i]) == 0);
		}
		FUZZ_CHECK(strcmp(out_argv[out_argc - 2], "-t") == 0);
		FUZZ_CHECK(strcmp(out_argv[out_argc - 1], "5") == 0);

		pt_config_init(&cfg, PT_ENDPOINT_PING);
		(void)pt_options_parse(out_argc, out_argv, &cfg, &perr);
		pt_config_free(&cfg);
		pt_buf_free(&perr);
		pt_extra_opts_free(out_argc, out_argv);
	} else {
		FUZZ_CHECK(out_argv == NULL && out_argc == 0);
		FUZZ_CHECK(err.len > 0 && fuzz_status_line_safe(err.data, err.len));
	}
	pt_buf_free(&err);
	free_vec(args, nargs);
	return 0;
}
