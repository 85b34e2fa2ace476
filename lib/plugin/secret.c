/* Secrets from a file, the environment or the command line. Every copy
 * made here is wiped before it is released, and no message ever quotes
 * a secret. */
#include "config.h"

#include "secret.h"
#include "sanitize.h"
#include "util/file.h"
#include "util/limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

bool pt_secret_read_file(const char *path, char **out, struct pt_buf *err)
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
		ok = take_content(path, buf, len, out, err);
	}
	close(fd);
	pt_wipe(buf, sizeof(buf));
	return ok;
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
