/* --extra-opts=[section][@file]: options read from an ini file, with
 * monitoring-plugins' semantics (lib/extra_opts.c, lib/parse_ini.c). */
#include "config.h"

#include "extra_opts.h"
#include "sanitize.h"
#include "util/file.h"
#include "util/limits.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTION_MAX 256
/* How much of a file or section name an error message repeats. */
#define NAME_SHOWN 200

static const char *const ini_names[] = {
    "monitoring-plugins.ini",
    "plugins.ini",
    "nagios-plugins.ini",
};

static const char *const ini_paths[] = {
    "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
    "/usr/local/etc/monitoring-plugins.ini",
    "/etc/monitoring-plugins/monitoring-plugins.ini",
    "/etc/monitoring-plugins.ini",
    "/etc/nagios/plugins.ini",
    "/usr/local/nagios/etc/plugins.ini",
    "/usr/local/etc/nagios/plugins.ini",
    "/etc/opt/nagios/plugins.ini",
    "/etc/nagios-plugins.ini",
    "/usr/local/etc/nagios-plugins.ini",
    "/etc/opt/nagios-plugins.ini",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct reader {
	int fd;
	char buf[4096];
	size_t pos;
	size_t len;
	size_t total; /* bytes read so far */
	bool eof;
};

enum line_result {
	LINE_OK,
	LINE_EOF,
	LINE_TOO_LONG,
	LINE_FILE_TOO_BIG,
	LINE_READ_ERROR, /* errno tells why */
};

struct ini {
	const char *path;
	const char *section;
	unsigned long lineno;
	bool in_section;
	bool found;
	char ***args;
	int *nargs;
	char ***origins; /* parallel to args, or NULL: where each came from */
};

/* Names come from the command line and the file system: they go into
 * one-line messages sanitised, bounded, and cut at a '=' (a path that
 * holds one is more likely a secret typed in the wrong place). */
static void append_name(struct pt_buf *err, const char *s)
{
	pt_sanitize_user_value(err, s, NAME_SHOWN);
}

static void line_error(const struct ini *st, struct pt_buf *err, const char *why)
{
	append_name(err, st->path);
	pt_buf_printf(err, ":%lu: %s", st->lineno, why);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static char *join(const char *dir, size_t dirlen, const char *name)
{
	size_t namelen = strlen(name);
	char *p = malloc(dirlen + 1 + namelen + 1);

	if (!p) {
		return NULL;
	}
	memcpy(p, dir, dirlen);
	p[dirlen] = '/';
	memcpy(p + dirlen + 1, name, namelen + 1);
	return p;
}

char *pt_extra_opts_default_file(void)
{
	const char *env = getenv("MP_CONFIG_FILE");
	const char *p;
	size_t i;

	if (env && *env && exists(env)) {
		return strdup(env);
	}
	env = getenv("NAGIOS_CONFIG_PATH");
	for (p = env; p && *p;) {
		size_t n = strcspn(p, ":");

		for (i = 0; n > 0 && i < COUNT(ini_names); i++) {
			char *path = join(p, n, ini_names[i]);

			if (!path) {
				return NULL;
			}
			if (exists(path)) {
				return path;
			}
			free(path);
		}
		p += n;
		if (*p == ':') {
			p++;
		}
	}
	for (i = 0; i < COUNT(ini_paths); i++) {
		if (exists(ini_paths[i])) {
			return strdup(ini_paths[i]);
		}
	}
	return NULL;
}

/* Reads one line without its "\n" or "\r\n" into line (room for
 * PT_INI_LINE_MAX + 2 bytes), NUL-terminated; *len excludes the NUL. */
static enum line_result read_line(struct reader *r, char *line, size_t *len)
{
	size_t n = 0;
	bool any = false;

	for (;;) {
		char c;

		if (r->pos == r->len) {
			ssize_t got;

			if (r->eof) {
				break;
			}
			got = read(r->fd, r->buf, sizeof(r->buf));
			if (got < 0) {
				if (errno == EINTR) {
					continue;
				}
				return LINE_READ_ERROR;
			}
			if (got == 0) {
				r->eof = true;
				break;
			}
			r->total += (size_t)got;
			if (r->total > PT_INI_FILE_MAX) {
				return LINE_FILE_TOO_BIG;
			}
			r->pos = 0;
			r->len = (size_t)got;
		}
		c = r->buf[r->pos++];
		any = true;
		if (c == '\n') {
			break;
		}
		/* One byte of slack for the '\r' of a CRLF line. */
		if (n > PT_INI_LINE_MAX) {
			return LINE_TOO_LONG;
		}
		line[n++] = c;
	}
	if (!any) {
		return LINE_EOF;
	}
	if (n > 0 && line[n - 1] == '\r') {
		n--;
	}
	if (n > PT_INI_LINE_MAX) {
		return LINE_TOO_LONG;
	}
	line[n] = '\0';
	*len = n;
	return LINE_OK;
}

/* Trims blanks at both ends of s[0..*len) in place. */
static char *trim(char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1])) {
		n--;
	}
	s[n] = '\0';
	*len = n;
	return s;
}

/* A key starts with a letter or digit: "-" would become "--", which ends
 * option parsing. */
static bool valid_key(const char *k)
{
	return *k && *k != '-' && *k != '_' &&
	       strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
	           strlen(k);
}

/* Appends, for the argument add_arg is about to add, a description of
 * where it came from; error messages name it instead of the value. */
static bool add_origin(struct ini *st, const char *key)
{
	struct pt_buf text = {0};
	char **v = realloc(*st->origins, ((size_t)*st->nargs + 2) * sizeof(*v));

	if (!v) {
		return false;
	}
	*st->origins = v;
	pt_buf_printf(&text, "key '%s' in section [", key);
	append_name(&text, st->section);
	pt_buf_puts(&text, "] of ");
	append_name(&text, st->path);
	if (text.failed) {
		pt_buf_free(&text);
		return false;
	}
	v[*st->nargs] = text.data;
	v[*st->nargs + 1] = NULL;
	return true;
}

/* "key"/"key=" -> "--key", "key=v" -> "--key=v"; one letter: "-k", "-kv". */
static bool add_arg(struct ini *st, const char *key, const char *value, size_t vlen)
{
	size_t klen = strlen(key);
	size_t dashes = klen == 1 ? 1 : 2;
	size_t eq = (vlen > 0 && klen > 1) ? 1 : 0;
	char **v;
	char *a;

	if (*st->nargs >= INT_MAX - 2) {
		return false;
	}
	a = malloc(dashes + klen + eq + vlen + 1);
	if (!a) {
		return false;
	}
	memcpy(a, "--", dashes);
	memcpy(a + dashes, key, klen);
	if (eq) {
		a[dashes + klen] = '=';
	}
	if (vlen) {
		memcpy(a + dashes + klen + eq, value, vlen);
	}
	a[dashes + klen + eq + vlen] = '\0';
	v = realloc(*st->args, ((size_t)*st->nargs + 2) * sizeof(*v));
	if (!v) {
		pt_wipe(a, strlen(a));
		free(a);
		return false;
	}
	if (st->origins && !add_origin(st, key)) {
		pt_wipe(a, strlen(a));
		free(a);
		return false;
	}
	v[(*st->nargs)++] = a;
	v[*st->nargs] = NULL;
	*st->args = v;
	return true;
}

/* "[name]" with an optional comment after it. */
static bool section_header(struct ini *st, char *s, struct pt_buf *err)
{
	char *close = strchr(s, ']');
	char *rest;
	char *name;
	size_t n;

	if (!close) {
		line_error(st, err, "section header without ']'");
		return false;
	}
	rest = close + 1;
	while (is_blank(*rest)) {
		rest++;
	}
	if (*rest && *rest != '#' && *rest != ';') {
		line_error(st, err, "text after a section header");
		return false;
	}
	n = (size_t)(close - s) - 1;
	name = trim(s + 1, &n);
	if (n == 0) {
		line_error(st, err, "empty section name");
		return false;
	}
	st->in_section = strcmp(name, st->section) == 0;
	if (st->in_section) {
		st->found = true;
	}
	return true;
}

/* "key = value" inside the wanted section. The value is never quoted in
 * a message: it may be a secret. */
static bool key_value(struct ini *st, char *s, struct pt_buf *err)
{
	char *eq = strchr(s, '=');
	char *key;
	char *value;
	size_t klen;
	size_t vlen;

	if (!eq) {
		line_error(st, err, "neither key=value nor [section]");
		return false;
	}
	klen = (size_t)(eq - s);
	key = trim(s, &klen);
	if (klen == 0) {
		line_error(st, err, "empty key before '='");
		return false;
	}
	if (!valid_key(key)) {
		line_error(st, err, "key must be a letter or digit then [A-Za-z0-9_-]");
		return false;
	}
	value = eq + 1;
	while (is_blank(*value)) {
		value++;
	}
	if (*value == '"') {
		char *close = strchr(value + 1, '"');
		char *rest;

		if (!close) {
			line_error(st, err, "quoted value without its closing '\"'");
			return false;
		}
		rest = close + 1;
		while (is_blank(*rest)) {
			rest++;
		}
		if (*rest && *rest != '#' && *rest != ';') {
			line_error(st, err, "text after a quoted value");
			return false;
		}
		value++;
		vlen = (size_t)(close - value);
	} else {
		/* An inline comment starts at a blank followed by '#' or ';';
		 * the blank may be the one right after '='. */
		char *p = eq + 1;

		for (vlen = 0; p[vlen]; vlen++) {
			if ((p[vlen] == '#' || p[vlen] == ';') && vlen > 0 && is_blank(p[vlen - 1])) {
				break;
			}
		}
		value = trim(p, &vlen);
	}
	if (!add_arg(st, key, value, vlen)) {
		line_error(st, err, "out of memory");
		return false;
	}
	return true;
}

static bool ini_line(struct ini *st, char *line, size_t len, struct pt_buf *err)
{
	size_t i;
	char *s;

	/* Editors on Windows start files with a byte order mark. */
	if (st->lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			line_error(st, err, c ? "control character" : "NUL byte");
			return false;
		}
	}
	s = trim(line, &len);
	if (len == 0 || s[0] == '#' || s[0] == ';') {
		return true;
	}
	if (s[0] == '[') {
		return section_header(st, s, err);
	}
	/* Other plugins' sections follow their own rules. */
	if (!st->in_section) {
		return true;
	}
	return key_value(st, s, err);
}

/* Opens path for reading; it must be a regular file. */
static int open_regular(const char *path, struct pt_buf *err)
{
	struct stat sb;
	enum pt_open_failure why;
	int fd = pt_open_regular(path, &sb, &why);
	int e = errno;

	if (fd >= 0) {
		return fd;
	}
	switch (why) {
	case PT_OPEN_FAILED:
		pt_buf_puts(err, "cannot open ");
		append_name(err, path);
		pt_buf_printf(err, ": %s", strerror(e));
		break;
	case PT_STAT_FAILED:
		pt_buf_puts(err, "cannot stat ");
		append_name(err, path);
		pt_buf_printf(err, ": %s", strerror(e));
		break;
	case PT_NOT_REGULAR:
		append_name(err, path);
		pt_buf_puts(err, ": not a regular file");
		break;
	}
	return -1;
}

static void drop_args(char **args, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		pt_wipe(args[i], strlen(args[i]));
		free(args[i]);
		args[i] = NULL;
	}
}

static bool read_section(const char *path, const char *section, char ***args, int *nargs,
                         char ***origins, struct pt_buf *err)
{
	struct reader r = {0};
	struct ini st = {0};
	char line[PT_INI_LINE_MAX + 2];
	int first = *nargs;
	bool ok = true;

	if (!path || !*path) {
		pt_buf_puts(err, "extra-opts: no ini file given");
		return false;
	}
	if (!section || !*section || strlen(section) >= SECTION_MAX) {
		pt_buf_puts(err, "extra-opts: the section name must have 1 to 255 characters");
		return false;
	}
	st.path = strcmp(path, "-") == 0 ? "(stdin)" : path;
	st.section = section;
	st.args = args;
	st.nargs = nargs;
	st.origins = origins;
	if (strcmp(path, "-") == 0) {
		r.fd = STDIN_FILENO;
	} else {
		r.fd = open_regular(path, err);
		if (r.fd < 0) {
			return false;
		}
	}
	while (ok) {
		size_t len = 0;
		enum line_result lr;

		st.lineno++;
		lr = read_line(&r, line, &len);
		if (lr == LINE_EOF) {
			break;
		}
		if (lr == LINE_OK) {
			ok = ini_line(&st, line, len, err);
		} else if (lr == LINE_TOO_LONG) {
			line_error(&st, err, "line longer than " PT_STR(PT_INI_LINE_MAX) " bytes");
			ok = false;
		} else if (lr == LINE_FILE_TOO_BIG) {
			append_name(err, st.path);
			pt_buf_puts(err, ": file larger than " PT_STR(PT_INI_FILE_MAX_MIB) " MiB");
			ok = false;
		} else {
			int e = errno;

			append_name(err, st.path);
			pt_buf_printf(err, ": read error: %s", strerror(e));
			ok = false;
		}
	}
	if (r.fd != STDIN_FILENO) {
		close(r.fd);
	}
	/* Values may be secrets (--client-secret=...). */
	pt_wipe(line, sizeof(line));
	pt_wipe(r.buf, sizeof(r.buf));
	if (ok && !st.found) {
		append_name(err, st.path);
		pt_buf_puts(err, ": section [");
		append_name(err, section);
		pt_buf_puts(err, "] not found");
		ok = false;
	}
	if (!ok && *nargs > first) {
		drop_args(*args, first, *nargs);
		if (origins) {
			drop_args(*origins, first, *nargs);
		}
		*nargs = first;
	}
	return ok;
}

bool pt_extra_opts_read(const char *path, const char *section, char ***args, int *nargs,
                        struct pt_buf *err)
{
	return read_section(path, section, args, nargs, NULL, err);
}

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
	char section[SECTION_MAX];
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
			pt_buf_puts(err, "--extra-opts: section name longer than 255 characters");
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
		file = pt_extra_opts_default_file();
		if (!file) {
			pt_buf_puts(err, "--extra-opts: no ini file found (set MP_CONFIG_FILE or use "
			                 "--extra-opts=[section]@FILE)");
			return false;
		}
	}
	ok = read_section(file, section, args, nargs, origins, err);
	for (i = first; ok && i < *nargs; i++) {
		if (names_extra_opts((*args)[i])) {
			append_name(err, strcmp(file, "-") == 0 ? "(stdin)" : file);
			pt_buf_puts(err, ": --extra-opts cannot be used inside an extra-opts file");
			drop_args(*args, first, *nargs);
			if (origins) {
				drop_args(*origins, first, *nargs);
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
	int i;

	if (!argv) {
		return;
	}
	for (i = 0; i < argc; i++) {
		if (argv[i]) {
			pt_wipe(argv[i], strlen(argv[i]));
			free(argv[i]);
		}
	}
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
