/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bounded JSON parsing of response bodies. */
#include "config.h"

#include "json_body.h"
#include "util/limits.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8259 section 8.1: a parser MAY ignore a leading UTF-8 byte order
 * mark, and a status file saved with one and served as it is has one.
 * json-c's tokener leaves that to the caller (its test_parse.c checks,
 * from 0.14 to 0.19, that it refuses one), so it is skipped here: once,
 * and only at the start. */
static const char utf8_bom[3] = {'\xEF', '\xBB', '\xBF'};

/* Decimal digits that every int64_t holds (INT64_MAX has 19). */
#define SAFE_DIGITS 18

/* One json-c pass over body[0..len): exactly one value, surrounding white
 * space allowed. */
static struct json_object *parse_once(const char *body, size_t len, bool strict)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t used = len;

	tok = json_tokener_new_ex(PT_JSON_DEPTH_MAX);
	if (!tok) {
		return NULL;
	}
	if (strict) {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	}
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

/* json-c's strict mode refuses more from 0.17 on than the grammar does: a
 * byte of a string below 0x20 or (0.17 and 0.18 read it as a signed char,
 * json-c issue #875) above 0x7f, and so any UTF-8 text; and an integer
 * beyond 64 bits. 0.16 took them all (the integer saturated). This pass
 * walks the body as the tokener does (strings and their escapes, digits
 * outside strings) and returns whether any byte is such. With out (len
 * bytes), it also writes there the body with each such string byte made an
 * 'x' and each run of digits cut to SAFE_DIGITS: text of the same grammar,
 * for a strict pass that only judges it. */
static bool grammar_pass(const char *body, size_t len, char *out, size_t *out_len)
{
	bool in_string = false;
	bool escaped = false;
	bool needed = false;
	size_t digits = 0;
	size_t n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];
		bool keep = true;

		if (in_string) {
			if (c < 0x20 || c > 0x7f) {
				needed = true;
				c = 'x';
			}
			in_string = escaped || c != '"';
			escaped = !escaped && c == '\\';
		} else {
			digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
			keep = digits <= SAFE_DIGITS;
			needed = needed || !keep;
			in_string = c == '"';
		}
		if (!out && needed) {
			return true;
		}
		if (out && keep) {
			out[n++] = (char)c;
		}
	}
	*out_len = n;
	return needed;
}

/* The verdict "is this JSON" is json-c's strict mode on the grammar copy,
 * and the values come from its lenient mode on the body itself, which
 * keeps every byte of a string and saturates a long integer, as 0.16's
 * strict mode did: json-c 0.16 and 0.18 give the same facts. (Lenient
 * mode alone would take comments, single quotes, trailing commas, NaN.) */
struct json_object *pt_json_parse(const char *body, size_t len)
{
	struct json_object *judged;
	char *copy;
	size_t copy_len = 0;

	if (body && len >= sizeof(utf8_bom) && memcmp(body, utf8_bom, sizeof(utf8_bom)) == 0) {
		body += sizeof(utf8_bom);
		len -= sizeof(utf8_bom);
	}
	if (!body || len == 0 || len > (size_t)INT32_MAX) {
		return NULL;
	}
	if (!grammar_pass(body, len, NULL, &copy_len)) {
		return parse_once(body, len, true);
	}
	copy = malloc(len);
	if (!copy) {
		return NULL;
	}
	(void)grammar_pass(body, len, copy, &copy_len);
	judged = parse_once(copy, copy_len, true);
	free(copy);
	if (!judged) {
		return NULL;
	}
	json_object_put(judged);
	return parse_once(body, len, false);
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
