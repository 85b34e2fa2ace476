/* --extra-opts=[section][@file]: the argument vector rebuilt with the
 * options of ini sections (read by ini.c), with monitoring-plugins'
 * semantics. */
#include "config.h"

#include "extra_opts.h"
#include "ini.h"
#include "sanitize.h"
#include "util/limits.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* True when the argument is --extra-opts or --extra-opts=SPEC. */
static bool extra_opts_arg(const char *a, const char **spec)
{
	static const char opt[] = "--extra-opts";

	if (strncmp(a, opt, sizeof(opt) - 1) != 0) {
		return false;
	}
	if (a[sizeof(opt) - 1] == '\0') {
		*spec = "";
		return true;
	}
	if (a[sizeof(opt) - 1] == '=') {
		*spec = a + sizeof(opt);
		return true;
	}
	return false;
}

/* getopt_long takes unambiguous abbreviations, so "--extra" from a file
 * would still reach --extra-opts. */
static bool names_extra_opts(const char *a)
{
	size_t n;

	if (strncmp(a, "--", 2) != 0) {
		return false;
	}
	a += 2;
	n = strcspn(a, "=");
	return n >= 2 && n <= strlen("extra-opts") && strncmp(a, "extra-opts", n) == 0;
}

static bool load_spec(const char *spec, const char *progname, char ***args, int *nargs,
                      char ***origins, struct pt_buf *err)
{
	const char *at = strchr(spec, '@');
	size_t slen = at ? (size_t)(at - spec) : strlen(spec);
	char section[PT_INI_SECTION_CHARS + 1];
	char *file;
	int first = *nargs;
	int i;
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
	for (i = first; ok && i < *nargs; i++) {
		if (names_extra_opts((*args)[i])) {
			pt_sanitize_name(err, pt_ini_path_name(file));
			pt_buf_puts(err, ": --extra-opts cannot be used inside an extra-opts file");
			pt_wipe_strings(*args, first, *nargs);
			if (origins) {
				pt_wipe_strings(*origins, first, *nargs);
			}
			*nargs = first;
			ok = false;
		}
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
	int i;
	bool options_over = false;
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
	for (i = 1; ok && i < argc; i++) {
		const char *spec;

		/* After "--" nothing is an option. */
		if (options_over) {
			continue;
		}
		if (strcmp(argv[i], "--") == 0) {
			options_over = true;
		} else if (extra_opts_arg(argv[i], &spec)) {
			ok = load_spec(spec, progname, &extra, &nextra, out_origins ? &origins : NULL, err);
		}
	}
	if (!ok) {
		pt_extra_opts_free(nextra, extra);
		pt_extra_opts_free(nextra, origins);
		return false;
	}
	if (argc > INT_MAX - 1 - nextra) {
		pt_extra_opts_free(nextra, extra);
		pt_extra_opts_free(nextra, origins);
		pt_buf_puts(err, "extra-opts: too many arguments");
		return false;
	}
	res = calloc((size_t)argc + (size_t)nextra + 1, sizeof(*res));
	if (!res || !origins_for(out_origins, origins, argc, nextra)) {
		free(res);
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
	options_over = false;
	for (i = 1; ok && i < argc; i++) {
		const char *spec;

		if (!options_over && strcmp(argv[i], "--") == 0) {
			options_over = true;
		} else if (!options_over && extra_opts_arg(argv[i], &spec)) {
			continue;
		}
		res[nres] = strdup(argv[i]);
		ok = res[nres++] != NULL;
	}
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
