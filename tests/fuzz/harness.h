/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the fuzz targets: invariant checks that abort (so
 * libFuzzer and the standalone driver both see a crash) and small input
 * utilities. Header-only so each target stays one translation unit. */
#ifndef PT_FUZZ_HARNESS_H
#define PT_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                           \
		if (!(cond)) {                                                                             \
			fprintf(stderr, "fuzz: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);     \
			abort();                                                                               \
		}                                                                                          \
	} while (0)

/* A NUL-terminated heap copy of data[0..size), in a block of exactly
 * size + 1 bytes so that ASan sees any over-read. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s) {
		abort();
	}
	if (size) {
		memcpy(s, data, size);
	}
	s[size] = '\0';
	return s;
}

/* True when s[0..len) holds a line break. */
static inline bool fuzz_has_line_break(const char *s, size_t len)
{
	return memchr(s, '\n', len) != NULL || memchr(s, '\r', len) != NULL;
}

/* True when s[0..len) could go into a plugin's status line as it is:
 * no control character (line breaks included), no DEL, no '|' (which
 * would start the performance data). */
static inline bool fuzz_status_line_safe(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '|') {
			return false;
		}
	}
	return true;
}

/* Strict UTF-8 check: no overlong forms, no surrogates, nothing above
 * U+10FFFF. Written independently of lib/plugin/sanitize.c. */
static inline bool fuzz_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i < n) {
			return false;
		}
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				return false;
			}
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			return false;
		}
		i += n;
	}
	return true;
}

#endif
