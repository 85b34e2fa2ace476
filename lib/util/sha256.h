/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SHA-256 (FIPS 180-4), for naming token cache entries without keeping
 * the secret that is part of their identity. */
#ifndef PT_SHA256_H
#define PT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct pt_sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void pt_sha256_init(struct pt_sha256 *s);
void pt_sha256_update(struct pt_sha256 *s, const void *data, size_t len);
void pt_sha256_final(struct pt_sha256 *s, unsigned char out[32]);
/* 64 lowercase hex digits and a NUL. */
void pt_sha256_hex(const unsigned char digest[32], char out[65]);

#endif
