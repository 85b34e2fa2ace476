/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A growable byte buffer, always NUL-terminated, used to build output
 * and to collect response bodies. */
#ifndef PT_BUF_H
#define PT_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct pt_buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed; the content is incomplete */
};

/* Makes room for `extra` more bytes in one allocation. */
bool pt_buf_reserve(struct pt_buf *b, size_t extra);
bool pt_buf_append(struct pt_buf *b, const void *data, size_t len);
bool pt_buf_puts(struct pt_buf *b, const char *s);
bool pt_buf_printf(struct pt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool pt_buf_vprintf(struct pt_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The content, or "" when nothing was appended. */
const char *pt_buf_str(const struct pt_buf *b);
void pt_buf_free(struct pt_buf *b);
/* Overwrites the content before freeing it: for buffers that held secrets. */
void pt_buf_wipe(struct pt_buf *b);
void pt_wipe(void *p, size_t len);
/* Wipes and frees v[from..to) (NULLs skipped) and sets them to NULL:
 * argument vectors may hold secrets. */
void pt_wipe_strings(char **v, int from, int to);

#endif
