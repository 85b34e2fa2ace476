/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Secrets from a file, the environment or the command line. Every copy
 * made here is wiped before it is released, and no message ever quotes
 * a secret. */
#include "config.h"

#include "secret.h"
#include "option_values.h"
#include "sanitize.h"
#include "util/file.h"
#include "util/limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void file_error(struct pt_buf *err, const char *path, const char *why)
{
	pt_buf_puts(err, "secret file ");
	pt_sanitize_name(err, path);
	pt_buf_printf(err, ": %s", why);
}

static bool has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			return true;
		}
	}
	return false;
}

static char *copy_secret(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p) {
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Reads up to cap bytes; *len tells how many arrived. */
static bool read_upto(int fd, char *buf, size_t cap, size_t *len)
{
	*len = 0;
	while (*len < cap) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return false;
		}
		if (n == 0) {
			break;
		}
		*len += (size_t)n;
	}
	return true;
}

/* Checks and copies what was read from the file. */
static bool take_content(const char *path, char *buf, size_t len, char **out, struct pt_buf *err)
{
	if (len == 0) {
		file_error(err, path, "is empty");
		return false;
	}
	if (len > PT_SECRET_MAX) {
		file_error(err, path, "is larger than " PT_SECRET_MAX_TEXT " bytes");
		return false;
	}
	/* Editors and `echo` add a line break; it is not part of the secret. */
	if (buf[len - 1] == '\n') {
		len--;
		if (len > 0 && buf[len - 1] == '\r') {
			len--;
		}
	}
	if (len == 0) {
		file_error(err, path, "holds only a line break");
		return false;
	}
	if (has_control(buf, len)) {
		file_error(err, path, "contains control characters (only one final line break is allowed)");
		return false;
	}
	*out = copy_secret(buf, len);
	if (!*out) {
		file_error(err, path, "out of memory");
		return false;
	}
	return true;
}

/* "origin: https://HOST[:PORT][/]" -> "https://host:port" in out. (Not
 * "origin=": the output turns '=' into ':', and the hint that names the
 * line must be one to copy.) */
static bool origin_line(const char *s, size_t n, char *out, size_t len)
{
	static const char key[] = "origin:";
	static const char scheme[] = "https://";
	const char *end = s + n;
	const char *host;
	const char *port = NULL;
	char name[PT_HOST_MAX + 1];
	char digits[8] = "443";
	long number;
	size_t hlen;
	int w;

	if (n < sizeof(key) - 1 || strncasecmp(s, key, sizeof(key) - 1) != 0) {
		return false;
	}
	host = s + sizeof(key) - 1;
	while (host < end && (*host == ' ' || *host == '\t')) {
		host++;
	}
	if ((size_t)(end - host) < sizeof(scheme) - 1 ||
	    strncasecmp(host, scheme, sizeof(scheme) - 1) != 0) {
		return false;
	}
	host += sizeof(scheme) - 1;
	if (end > host && end[-1] == '/') {
		end--;
	}
	if (host < end && host[0] == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (!close || (close + 1 < end && close[1] != ':')) {
			return false;
		}
		hlen = (size_t)(close + 1 - host);
	} else {
		const char *colon = memchr(host, ':', (size_t)(end - host));

		hlen = colon ? (size_t)(colon - host) : (size_t)(end - host);
	}
	if (host + hlen < end) {
		port = host + hlen + 1;
	}
	if (hlen == 0 || hlen >= sizeof(name) ||
	    (port && ((size_t)(end - port) >= sizeof(digits) || end == port))) {
		return false;
	}
	memcpy(name, host, hlen);
	name[hlen] = '\0';
	if (port) {
		memcpy(digits, port, (size_t)(end - port));
		digits[end - port] = '\0';
	}
	if (!pt_value_host(name) || !pt_value_long(digits, 1, 65535, &number)) {
		return false;
	}
	for (char *c = name; *c; c++) {
		*c = (char)tolower((unsigned char)*c);
	}
	w = snprintf(out, len, "https://%s:%ld", name, number);
	return w > 0 && (size_t)w < len;
}

/* The lines after the secret's: each names an origin. */
static bool take_origins(const char *path, const char *p, size_t len,
                         struct pt_secret_origins *origins, struct pt_buf *err)
{
	unsigned line = 1;

	while (len > 0) {
		size_t n = 0;

		while (n < len && p[n] != '\n') {
			n++;
		}
		line++;
		if (origins->n >= PT_SECRET_ORIGINS_MAX) {
			file_error(err, path, "names more than " PT_SECRET_ORIGINS_MAX_TEXT " origins");
			return false;
		}
		if (!origin_line(p, n > 0 && p[n - 1] == '\r' ? n - 1 : n, origins->origin[origins->n],
		                 sizeof(origins->origin[0]))) {
			file_error(err, path, "");
			pt_buf_printf(err, "line %u is not origin: https://HOST[:PORT]", line);
			return false;
		}
		origins->n++;
		p += n < len ? n + 1 : n;
		len -= n < len ? n + 1 : n;
	}
	return true;
}

/* Whoever can write a file that names origins could add one without
 * knowing the secret: such a file must be protected like an ini file. */
static bool origins_protected(int fd, const char *path, struct pt_buf *err)
{
	char why[768];

	if (pt_file_protected(fd, path, why, sizeof(why))) {
		return true;
	}
	file_error(err, path, "names origins, but ");
	pt_sanitize_append(err, why, strlen(why), sizeof(why));
	pt_buf_puts(err, "; a secret file with origin lines must, like every directory above "
	                 "it, belong to root or this user and be writable by no one else");
	return false;
}

/* The secret is the first line, the rest names where it may go; the
 * whole file, origin lines included, is at most PT_SECRET_MAX bytes. */
static bool take_with_origins(int fd, const char *path, char *buf, size_t len, char **out,
                              struct pt_secret_origins *origins, struct pt_buf *err)
{
	const char *nl = memchr(buf, '\n', len);
	size_t first = nl ? (size_t)(nl - buf) + 1 : len;

	if (len > PT_SECRET_MAX || first == len) {
		return take_content(path, buf, len, out, err);
	}
	if (!take_content(path, buf, first, out, err)) {
		return false;
	}
	if (take_origins(path, buf + first, len - first, origins, err) &&
	    origins_protected(fd, path, err)) {
		return true;
	}
	pt_secret_free(*out);
	*out = NULL;
	return false;
}

static bool read_file(const char *path, char **out, struct pt_secret_origins *origins,
                      struct pt_buf *err)
{
	/* One byte more than allowed tells an over-size file apart. */
	char buf[PT_SECRET_MAX + 1];
	struct stat sb;
	enum pt_open_failure why;
	size_t len = 0;
	bool ok = false;
	int fd;
	int e;

	*out = NULL;
	if (!path || !*path) {
		pt_buf_puts(err, "no secret file name given");
		return false;
	}
	fd = pt_open_regular(path, &sb, &why);
	if (fd < 0) {
		e = errno;
		if (why == PT_OPEN_FAILED) {
			file_error(err, path, "cannot be opened: ");
			pt_buf_puts(err, strerror(e));
		} else if (why == PT_STAT_FAILED) {
			file_error(err, path, "cannot be examined: ");
			pt_buf_puts(err, strerror(e));
		} else {
			file_error(err, path, "is not a regular file");
		}
		return false;
	}
	if (sb.st_mode & 007) {
		file_error(err, path, "");
		pt_buf_printf(err, "is accessible by others (mode %04o): chmod o-rwx it",
		              (unsigned int)(sb.st_mode & 07777));
	} else if (!read_upto(fd, buf, sizeof(buf), &len)) {
		e = errno;
		file_error(err, path, "cannot be read: ");
		pt_buf_puts(err, strerror(e));
	} else {
		ok = origins ? take_with_origins(fd, path, buf, len, out, origins, err)
		             : take_content(path, buf, len, out, err);
	}
	close(fd);
	pt_wipe(buf, sizeof(buf));
	return ok;
}

bool pt_secret_read_file(const char *path, char **out, struct pt_buf *err)
{
	return read_file(path, out, NULL, err);
}

bool pt_secret_read_file_origins(const char *path, char **out, struct pt_secret_origins *origins,
                                 struct pt_buf *err)
{
	origins->n = 0;
	return read_file(path, out, origins, err);
}

bool pt_secret_from_env(const char *name, char **out, struct pt_buf *err)
{
	const char *v;
	size_t len;

	*out = NULL;
	if (!name) {
		return false;
	}
	v = getenv(name);
	if (!v || !*v) {
		return false;
	}
	len = strlen(v);
	if (len > PT_SECRET_MAX) {
		pt_buf_puts(err, "environment variable ");
		pt_sanitize_name(err, name);
		pt_buf_puts(err, " is longer than " PT_SECRET_MAX_TEXT " bytes");
		return false;
	}
	if (has_control(v, len)) {
		pt_buf_puts(err, "environment variable ");
		pt_sanitize_name(err, name);
		pt_buf_puts(err, " contains control characters");
		return false;
	}
	*out = copy_secret(v, len);
	if (!*out) {
		pt_buf_puts(err, "out of memory");
		return false;
	}
	return true;
}

void pt_secret_free(char *s)
{
	if (!s) {
		return;
	}
	pt_wipe(s, strlen(s));
	free(s);
}
