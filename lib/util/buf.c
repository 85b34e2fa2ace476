/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A growable byte buffer, always NUL-terminated. */
#include "config.h"

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(struct pt_buf *b, size_t extra)
{
	size_t need;
	size_t cap;
	char *p;

	if (b->failed) {
		return false;
	}
	if (extra > (size_t)-1 - b->len - 1) {
		b->failed = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap) {
		return true;
	}
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		cap = (cap > (size_t)-1 / 2) ? need : cap * 2;
	}
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

bool pt_buf_reserve(struct pt_buf *b, size_t extra)
{
	return grow(b, extra);
}

bool pt_buf_append(struct pt_buf *b, const void *data, size_t len)
{
	if (!grow(b, len)) {
		return false;
	}
	if (len) {
		memcpy(b->data + b->len, data, len);
	}
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

bool pt_buf_puts(struct pt_buf *b, const char *s)
{
	return pt_buf_append(b, s, strlen(s));
}

bool pt_buf_vprintf(struct pt_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0 || !grow(b, (size_t)n)) {
		va_end(again);
		b->failed = true;
		return false;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
	return true;
}

bool pt_buf_printf(struct pt_buf *b, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = pt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return ok;
}

const char *pt_buf_str(const struct pt_buf *b)
{
	return b->data ? b->data : "";
}

void pt_buf_free(struct pt_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void pt_wipe(void *p, size_t len)
{
	if (!p) {
		return;
	}
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, len);
#else
	volatile unsigned char *v = p;
	while (len--) {
		*v++ = 0;
	}
#endif
}

void pt_buf_wipe(struct pt_buf *b)
{
	pt_wipe(b->data, b->cap);
	pt_buf_free(b);
}

void pt_wipe_strings(char **v, int from, int to)
{
	for (int i = from; i < to; i++) {
		if (v[i]) {
			pt_wipe(v[i], strlen(v[i]));
			free(v[i]);
			v[i] = NULL;
		}
	}
}
