/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the token endpoint's response parser (pt_token_parse): the
 * input is a 200 response body.
 *
 * Invariants:
 * - the status is one of the enum's values and has a text;
 * - PT_TOKEN_OK: the token is non-empty, an RFC 6750 b64token
 *   (pt_token_chars_ok), NUL-terminated inside the struct, and exactly
 *   the JSON string the server sent (no byte of it dropped, e.g. at a
 *   \u0000 escape), at most PT_TOKEN_MAX_CHARS long; expires_in is in
 *   1..PT_TOKEN_LIFETIME_MAX when given, else 0 (a lifetime never refuses
 *   a token);
 * - any other status: no token is handed out and expires_in is 0; a
 *   token refused as too long leaves only its length.
 *
 * The same input, up to its first NUL, as a client secret for the form
 * body (pt_token_form_encode): the output holds only RFC 3986 unreserved
 * characters and %XX escapes, and decodes back to the input. */
#include "config.h"

#include "probe/json_body.h"
#include "probe/token.h"

#include "harness.h"

#define INPUT_MAX (64 * 1024)

/* The length json-c gives the access_token string, or -1. */
static long json_token_len(const uint8_t *data, size_t size)
{
	struct json_object *obj = pt_json_parse((const char *)data, size);
	struct json_object *v;
	long n = -1;

	if (json_object_is_type(obj, json_type_object) &&
	    json_object_object_get_ex(obj, "access_token", &v) &&
	    json_object_is_type(v, json_type_string)) {
		n = json_object_get_string_len(v);
	}
	json_object_put(obj);
	return n;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static void check_form_encoding(const uint8_t *data, size_t size)
{
	static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                 "0123456789-._~";
	struct pt_buf out = {0};
	char *in = malloc(size + 1);
	size_t n = 0;

	FUZZ_CHECK(in != NULL);
	memcpy(in, data, size);
	in[size] = '\0';
	FUZZ_CHECK(pt_token_form_encode(in, &out));
	for (size_t i = 0; i < out.len; i++) {
		char c = out.data[i];

		if (c == '%') {
			int hi;
			int lo;

			FUZZ_CHECK(i + 2 < out.len);
			hi = hex_value(out.data[i + 1]);
			lo = hex_value(out.data[i + 2]);
			FUZZ_CHECK(hi >= 0 && lo >= 0);
			/* only what must be escaped is */
			FUZZ_CHECK(!strchr(unreserved, hi * 16 + lo) || hi * 16 + lo == 0);
			FUZZ_CHECK((char)(hi * 16 + lo) == in[n]);
			i += 2;
		} else {
			FUZZ_CHECK(c != '\0' && strchr(unreserved, c) != NULL);
			FUZZ_CHECK(c == in[n]);
		}
		n++;
	}
	FUZZ_CHECK(n == strlen(in));
	pt_buf_free(&out);
	free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_token *t;
	enum pt_token_status st;
	const char *text;

	if (size > INPUT_MAX) {
		return 0;
	}
	t = calloc(1, sizeof(*t));
	FUZZ_CHECK(t != NULL);
	st = pt_token_parse((const char *)data, size, t);
	FUZZ_CHECK(st == PT_TOKEN_OK || st == PT_TOKEN_NOT_JSON || st == PT_TOKEN_NO_ACCESS_TOKEN ||
	           st == PT_TOKEN_BAD_CHARS || st == PT_TOKEN_TOO_LONG || st == PT_TOKEN_NOT_BEARER);
	/* PT_TOKEN_TOO_LARGE comes from the transfer, never from parsing. */
	text = pt_token_status_text(st);
	FUZZ_CHECK(text != NULL && *text != '\0');
	if (st == PT_TOKEN_OK) {
		size_t n = strlen(t->access_token);
		long sent = json_token_len(data, size);

		FUZZ_CHECK(n > 0 && n == t->length && n <= PT_TOKEN_MAX_CHARS);
		FUZZ_CHECK(pt_token_chars_ok(t->access_token));
		if ((long)n != sent) {
			fprintf(stderr, "fuzz: accepted token has %zu bytes, the JSON string %ld\n", n, sent);
			FUZZ_CHECK(!"the token is the whole access_token string");
		}
		FUZZ_CHECK(t->lifetime == PT_LIFETIME_GIVEN
		               ? t->expires_in >= 1 && t->expires_in <= PT_TOKEN_LIFETIME_MAX
		               : t->expires_in == 0);
	} else {
		FUZZ_CHECK(t->access_token == NULL);
		FUZZ_CHECK(t->expires_in == 0);
		FUZZ_CHECK(st == PT_TOKEN_TOO_LONG ? t->length > PT_TOKEN_MAX_CHARS : t->length == 0);
	}
	pt_token_clear(t);
	free(t);
	check_form_encoding(data, size);
	return 0;
}
