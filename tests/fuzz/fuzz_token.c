/* Fuzzes the token endpoint's response parser (pt_token_parse): the
 * input is a 200 response body.
 *
 * Invariants:
 * - the status is one of the enum's values and has a text;
 * - PT_TOKEN_OK: the token is non-empty, an RFC 6750 b64token
 *   (pt_token_chars_ok), NUL-terminated inside the struct, and exactly
 *   the JSON string the server sent (no byte of it dropped, e.g. at a
 *   \u0000 escape); expires_in is 0 or in 1..365 days;
 * - any other status: no token is handed out and expires_in is 0. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_token *t;
	enum pt_token_status st;
	const char *text;

	if (size > INPUT_MAX) {
		return 0;
	}
	t = malloc(sizeof(*t));
	FUZZ_CHECK(t != NULL);
	memset(t, 0xa5, sizeof(*t));
	st = pt_token_parse((const char *)data, size, t);
	FUZZ_CHECK(st == PT_TOKEN_OK || st == PT_TOKEN_NOT_JSON || st == PT_TOKEN_NO_ACCESS_TOKEN ||
	           st == PT_TOKEN_BAD_CHARS || st == PT_TOKEN_NOT_BEARER || st == PT_TOKEN_BAD_EXPIRY);
	text = pt_token_status_text(st);
	FUZZ_CHECK(text != NULL && *text != '\0');
	FUZZ_CHECK(memchr(t->access_token, '\0', sizeof(t->access_token)) != NULL);
	if (st == PT_TOKEN_OK) {
		size_t n = strlen(t->access_token);
		long sent = json_token_len(data, size);

		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(pt_token_chars_ok(t->access_token));
		if ((long)n != sent) {
			fprintf(stderr, "fuzz: accepted token has %zu bytes, the JSON string %ld\n", n, sent);
			FUZZ_CHECK(!"the token is the whole access_token string");
		}
		FUZZ_CHECK(t->expires_in >= 0 && t->expires_in <= 365L * 24 * 3600);
	} else {
		FUZZ_CHECK(t->access_token[0] == '\0');
		FUZZ_CHECK(t->expires_in == 0);
	}
	free(t);
	return 0;
}
