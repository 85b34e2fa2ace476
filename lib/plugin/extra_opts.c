/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --extra-opts=[section][@file]: the argument vector rebuilt with the
 * options of ini sections (read by ini.c), with monitoring-plugins'
 * semantics. */
#include "config.h"

#include "extra_opts.h"
#include "ini.h"
#include "option_table.h"
#include "sanitize.h"
#include "util/limits.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The --extra-opts arguments of a vector, as getopt_long reads it. */
struct found {
	const char **arg;  /* the arguments naming it, in order */
	const char **spec; /* their values, "" when none */
	int n;
	bool failed; /* out of memory */
};

static void collect(const struct pt_option_seen *o, void *ctx)
{
	struct found *f = ctx;
	const char **arg;
	const char **spec;

	if (o->id != PT_OPT_EXTRA_OPTS || f->failed) {
		return;
	}
	arg = realloc(f->arg, ((size_t)f->n + 1) * sizeof(*arg));
	if (arg) {
		f->arg = arg;
	}
	spec = arg ? realloc(f->spec, ((size_t)f->n + 1) * sizeof(*spec)) : NULL;
	if (!spec) {
		f->failed = true;
		return;
	}
	f->spec = spec;
	f->arg[f->n] = o->arg;
	f->spec[f->n] = o->value ? o->value : "";
	f->n++;
}

static void found_free(struct found *f)
{
	free(f->arg);
	free(f->spec);
	memset(f, 0, sizeof(*f));
}

/* Finds the --extra-opts of argv[0..argc) (argv[0] is the program). */
static bool find_extra_opts(int argc, char **argv, struct found *f, struct pt_buf *err)
{
	memset(f, 0, sizeof(*f));
	if (!pt_options_scan(argc, argv, collect, f) || f->failed) {
		found_free(f);
		pt_buf_puts(err, "extra-opts: out of memory");
		return false;
	}
	return true;
}

/* The n arguments read from file may not name --extra-opts, as the
 * option parser will read them (an abbreviation too): no recursion. */
static bool no_extra_opts(char **args, int n, const char *file, struct pt_buf *err)
{
	char **v = malloc(((size_t)n + 1) * sizeof(*v));
	struct found f;
	bool none;

	if (!v) {
		pt_buf_puts(err, "extra-opts: out of memory");
		return false;
	}
	v[0] = (char *)"";
	if (n > 0) { /* an empty section gives no args at all (NULL) */
		memcpy(v + 1, args, (size_t)n * sizeof(*v));
	}
	if (!find_extra_opts(n + 1, v, &f, err)) {
		free(v);
		return false;
	}
	none = f.n == 0;
	found_free(&f);
	free(v);
	if (!none) {
		pt_sanitize_name(err, pt_ini_path_name(file));
		pt_buf_puts(err, ": --extra-opts cannot be used inside an extra-opts file");
	}
	return none;
}

static bool load_spec(const char *spec, const char *progname, char ***args, int *nargs,
                      char ***origins, struct pt_buf *err)
{
	const char *at = strchr(spec, '@');
	size_t slen = at ? (size_t)(at - spec) : strlen(spec);
	char section[PT_INI_SECTION_CHARS + 1];
	char *file;
	int first = *nargs;
	bool ok;

	if (slen == 0) {
		if (!progname || !*progname || strlen(progname) >= sizeof(section)) {
			pt_buf_puts(err, "--extra-opts: no section given and no plugin name");
			return false;
		}
		memcpy(section, progname, strlen(progname) + 1);
	} else {
		if (slen >= sizeof(section)) {
			pt_buf_puts(err, "--extra-opts: section name longer than " PT_INI_SECTION_CHARS_TEXT
			                 " characters");
			return false;
		}
		memcpy(section, spec, slen);
		section[slen] = '\0';
	}
	if (at && at[1]) {
		file = strdup(at + 1);
		if (!file) {
			pt_buf_puts(err, "--extra-opts: out of memory");
			return false;
		}
	} else {
		file = pt_ini_default_file();
		if (!file) {
			pt_buf_puts(err, "--extra-opts: no ini file found (set MP_CONFIG_FILE or use "
			                 "--extra-opts=[section]@FILE)");
			return false;
		}
	}
	ok = pt_ini_read_section(file, section, args, nargs, origins, err);
	if (ok) {
		/* An empty section leaves *args NULL: no offset on it. */
		ok = no_extra_opts(*nargs > first ? *args + first : NULL, *nargs - first, file, err);
	}
	if (!ok && *nargs > first) {
		pt_wipe_strings(*args, first, *nargs);
		if (origins) {
			pt_wipe_strings(*origins, first, *nargs);
		}
		*nargs = first;
	}
	free(file);
	return ok;
}

/* The origins of the rebuilt vector: argv[0] and the command line's
 * arguments have none (NULL), the file's come right after argv[0]. */
static bool origins_for(char ***out, char **origins, int argc, int nextra)
{
	char **v;

	if (!out) {
		return true;
	}
	v = calloc((size_t)argc + (size_t)nextra + 1, sizeof(*v));
	if (!v) {
		return false;
	}
	for (int i = 0; i < nextra; i++) {
		v[1 + i] = origins[i];
	}
	free(origins);
	*out = v;
	return true;
}

void pt_extra_opts_free(int argc, char **argv)
{
	if (!argv) {
		return;
	}
	pt_wipe_strings(argv, 0, argc);
	free(argv);
}

bool pt_extra_opts_apply(int argc, char **argv, const char *progname, int *out_argc,
                         char ***out_argv, struct pt_buf *err)
{
	return pt_extra_opts_apply_origins(argc, argv, progname, out_argc, out_argv, NULL, err);
}

bool pt_extra_opts_apply_origins(int argc, char **argv, const char *progname, int *out_argc,
                                 char ***out_argv, char ***out_origins, struct pt_buf *err)
{
	char **origins = NULL;
	char **extra = NULL;
	char **res;
	int nextra = 0;
	int nres = 0;
	struct found found;
	int i;
	int next;
	bool ok = true;

	*out_argc = 0;
	*out_argv = NULL;
	if (out_origins) {
		*out_origins = NULL;
	}
	if (argc < 0 || (argc > 0 && !argv)) {
		pt_buf_puts(err, "extra-opts: no argument vector");
		return false;
	}
	for (i = 0; i < argc; i++) {
		if (!argv[i]) {
			pt_buf_puts(err, "extra-opts: argument vector with a hole");
			return false;
		}
	}
	if (!find_extra_opts(argc, argv, &found, err)) {
		return false;
	}
	for (i = 0; ok && i < found.n; i++) {
		ok =
		    load_spec(found.spec[i], progname, &extra, &nextra, out_origins ? &origins : NULL, err);
	}
	if (!ok) {
		found_free(&found);
		pt_extra_opts_free(nextra, extra);
		pt_extra_opts_free(nextra, origins);
		return false;
	}
	if (argc > INT_MAX - 1 - nextra) {
		found_free(&found);
		pt_extra_opts_free(nextra, extra);
		pt_extra_opts_free(nextra, origins);
		pt_buf_puts(err, "extra-opts: too many arguments");
		return false;
	}
	res = calloc((size_t)argc + (size_t)nextra + 1, sizeof(*res));
	if (!res || !origins_for(out_origins, origins, argc, nextra)) {
		free(res);
		found_free(&found);
		pt_extra_opts_free(nextra, extra);
		pt_extra_opts_free(nextra, origins);
		pt_buf_puts(err, "extra-opts: out of memory");
		return false;
	}
	if (argc > 0) {
		res[nres] = strdup(argv[0]);
		ok = res[nres++] != NULL;
	}
	/* The file's options go first so that the command line wins. */
	for (i = 0; i < nextra; i++) {
		res[nres++] = extra[i];
	}
	free(extra);
	/* The command line without its --extra-opts arguments: getopt
	 * reads options in their order, so found.arg is in argv's order. */
	for (i = 1, next = 0; ok && i < argc; i++) {
		if (next < found.n && argv[i] == found.arg[next]) {
			next++;
			continue;
		}
		res[nres] = strdup(argv[i]);
		ok = res[nres++] != NULL;
	}
	found_free(&found);
	if (!ok) {
		pt_extra_opts_free(nres, res);
		if (out_origins) {
			pt_extra_opts_free(argc + nextra, *out_origins);
			*out_origins = NULL;
		}
		pt_buf_puts(err, "extra-opts: out of memory");
		return false;
	}
	res[nres] = NULL;
	*out_argc = nres;
	*out_argv = res;
	return true;
}
