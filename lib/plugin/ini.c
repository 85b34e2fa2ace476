/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ini reader of --extra-opts, with monitoring-plugins' semantics (its
 * lib/parse_ini.c): a bounded line reader, and the grammar that turns one
 * section into arguments. The default file's search is ini_search.c. */
#include "config.h"

#include "ini.h"
#include "sanitize.h"
#include "util/file.h"
#include "util/limits.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void line_error(const struct ini *st, struct pt_buf *err, const char *why)
{
	pt_sanitize_name(err, st->path);
	pt_buf_printf(err, ":%lu: %s", st->lineno, why);
}

static bool space_or_tab(char c)
{
	return c == ' ' || c == '\t';
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

	while (n > 0 && space_or_tab(*s)) {
		s++;
		n--;
	}
	while (n > 0 && space_or_tab(s[n - 1])) {
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
	pt_sanitize_name(&text, st->section);
	pt_buf_puts(&text, "] of ");
	pt_sanitize_name(&text, st->path);
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
	while (space_or_tab(*rest)) {
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
	while (space_or_tab(*value)) {
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
		while (space_or_tab(*rest)) {
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
			if ((p[vlen] == '#' || p[vlen] == ';') && vlen > 0 && space_or_tab(p[vlen - 1])) {
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
		pt_sanitize_name(err, path);
		pt_buf_printf(err, ": %s", strerror(e));
		break;
	case PT_STAT_FAILED:
		pt_buf_puts(err, "cannot stat ");
		pt_sanitize_name(err, path);
		pt_buf_printf(err, ": %s", strerror(e));
		break;
	case PT_NOT_REGULAR:
		pt_sanitize_name(err, path);
		pt_buf_puts(err, ": not a regular file");
		break;
	}
	return -1;
}

/* Whoever can change the file decides which options the plugin runs
 * with (--token-url, a secret file, a proxy ...): only root and the user
 * the plugin runs as may, as sshd's StrictModes wants of its files. */
static bool protected_file(int fd, const char *path, struct pt_buf *err)
{
	char why[768];

	if (pt_file_protected(fd, strcmp(path, "-") == 0 ? NULL : path, why, sizeof(why))) {
		return true;
	}
	pt_sanitize_append(err, why, strlen(why), sizeof(why));
	pt_buf_puts(err, ": an --extra-opts file is read only when it, and every directory above "
	                 "it, belongs to root or this user and no one else can write it");
	return false;
}

const char *pt_ini_path_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

bool pt_ini_read_section(const char *path, const char *section, char ***args, int *nargs,
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
	if (!section || !*section || strlen(section) > PT_INI_SECTION_CHARS) {
		pt_buf_puts(err, "extra-opts: the section name must have 1 to " PT_INI_SECTION_CHARS_TEXT
		                 " characters");
		return false;
	}
	st.path = pt_ini_path_name(path);
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
	if (!protected_file(r.fd, path, err)) {
		if (r.fd != STDIN_FILENO) {
			close(r.fd);
		}
		return false;
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
			line_error(&st, err, "line longer than " PT_INI_LINE_MAX_TEXT " bytes");
			ok = false;
		} else if (lr == LINE_FILE_TOO_BIG) {
			pt_sanitize_name(err, st.path);
			pt_buf_puts(err, ": file larger than " PT_INI_FILE_MAX_MIB_TEXT " MiB");
			ok = false;
		} else {
			int e = errno;

			pt_sanitize_name(err, st.path);
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
		pt_sanitize_name(err, st.path);
		pt_buf_puts(err, ": section [");
		pt_sanitize_name(err, section);
		pt_buf_puts(err, "] not found");
		ok = false;
	}
	if (!ok && *nargs > first) {
		pt_wipe_strings(*args, first, *nargs);
		if (origins) {
			pt_wipe_strings(*origins, first, *nargs);
		}
		*nargs = first;
	}
	return ok;
}
