/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bounded JSON parsing of response bodies with json-c. */
#ifndef PT_JSON_BODY_H
#define PT_JSON_BODY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* Parses exactly one JSON value filling body[0..len) (surrounding white
 * space allowed, and one UTF-8 byte order mark before it), with a nesting
 * limit. Returns NULL when it is not JSON.
 * The caller puts the result. */
struct json_object *pt_json_parse(const char *body, size_t len);

/* Copies a string member into out (cut at outlen - 1 bytes; may contain
 * NUL bytes from \u0000 escapes, which end the copy). Returns false when
 * the member is missing or not a string. */
bool pt_json_get_string(struct json_object *obj, const char *key, char *out, size_t outlen);

#endif
