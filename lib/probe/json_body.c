/* Bounded JSON parsing of response bodies. */
#include "config.h"

#include "json_body.h"

#include <stdint.h>
#include <string.h>

/* Deep enough for any real answer, shallow enough that hostile nesting
 * costs nothing. */
#define JSON_DEPTH 32

struct json_object *pt_json_parse(const char *body, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t used = len;

	if (!body || len == 0 || len > (size_t)INT32_MAX) {
		return NULL;
	}
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
