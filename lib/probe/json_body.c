/* Bounded JSON parsing of response bodies. */
#include "config.h"

#include "json_body.h"

#include <stdint.h>
#include <string.h>

/* Deep enough for any real answer, shallow enough that hostile nesting
 * costs nothing. */
#define JSON_DEPTH 32

/* RFC 8259 section 8.1: a parser MAY ignore a leading UTF-8 byte order
 * mark, and a status file saved with one and served as it is has one.
 * json-c's tokener leaves that to the caller (its test_parse.c checks,
 * from 0.14 to 0.19, that it refuses one), so it is skipped here: once,
 * and only at the start. */
static const char utf8_bom[3] = {'\xEF', '\xBB', '\xBF'};

struct json_object *pt_json_parse(const char *body, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t used;

	if (body && len >= sizeof(utf8_bom) && memcmp(body, utf8_bom, sizeof(utf8_bom)) == 0) {
		body += sizeof(utf8_bom);
		len -= sizeof(utf8_bom);
	}
	if (!body || len == 0 || len > (size_t)INT32_MAX) {
		return NULL;
	}
	used = len;
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok) {
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, body, (int)len);
	if (obj) {
		used = json_tokener_get_parse_end(tok);
	} else if (json_tokener_get_error(tok) == json_tokener_continue) {
		/* A bare number at the very end may still be growing: a NUL
		 * tells the tokener that the input is over. */
		obj = json_tokener_parse_ex(tok, "", 1);
	}
	json_tokener_free(tok);
	while (used < len && body[used] && strchr(" \t\r\n", body[used])) {
		used++;
	}
	if (obj && used != len) {
		json_object_put(obj);
		obj = NULL;
	}
	return obj;
}

bool pt_json_get_string(struct json_object *obj, const char *key, char *out, size_t outlen)
{
	struct json_object *v;
	const char *s;
	size_t n;

	if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		return false;
	}
	s = json_object_get_string(v);
	n = strnlen(s, (size_t)json_object_get_string_len(v));
	if (n >= outlen) {
		n = outlen - 1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}
