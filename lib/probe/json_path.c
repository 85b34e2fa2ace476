/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dotted JSON path lookup. */
#include "config.h"

#include "json_path.h"
#include "util/limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool pt_json_path_valid(const char *path, const char **why)
{
	const char *p = path;

	if (!path || !*path) {
		*why = "empty JSON path";
		return false;
	}
	while (*p) {
		size_t n = strcspn(p, ".");

		if (n == 0) {
			*why = "empty segment in JSON path";
			return false;
		}
		if (n >= PT_JSON_SEGMENT_MAX) {
			*why = "JSON path segment too long";
			return false;
		}
		p += n;
		if (*p == '.') {
			p++;
			if (!*p) {
				*why = "JSON path ends with '.'";
				return false;
			}
		}
	}
	return true;
}

static bool is_index(const char *seg, size_t *idx)
{
	char *end;
	unsigned long v;

	if (!*seg || strspn(seg, "0123456789") != strlen(seg) || strlen(seg) > 9) {
		return false;
	}
	errno = 0;
	v = strtoul(seg, &end, 10);
	if (errno || *end) {
		return false;
	}
	*idx = (size_t)v;
	return true;
}

/* Moves *cur one segment down. json-c represents JSON null as NULL, so
 * success is reported apart from the pointer. */
static bool step(struct json_object **cur, const char *seg)
{
	struct json_object *next = NULL;
	size_t idx;

	if (json_object_is_type(*cur, json_type_object)) {
		if (!json_object_object_get_ex(*cur, seg, &next)) {
			return false;
		}
	} else if (json_object_is_type(*cur, json_type_array) && is_index(seg, &idx) &&
	           idx < json_object_array_length(*cur)) {
		next = json_object_array_get_idx(*cur, idx);
	} else {
		return false;
	}
	*cur = next;
	return true;
}

bool pt_json_path_text(struct json_object *root, const char *path, char *out, size_t outlen)
{
	struct json_object *cur = root;
	const char *p = path;
	const char *text;
	size_t n;

	if (outlen == 0) {
		return false;
	}
	out[0] = '\0';
	if (!root || !path) {
		return false;
	}
	while (*p) {
		char seg[PT_JSON_SEGMENT_MAX];

		n = strcspn(p, ".");
		if (n == 0 || n >= sizeof(seg)) {
			return false;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (!step(&cur, seg)) {
			return false;
		}
		p += n;
		if (*p == '.') {
			p++;
		}
	}
	if (json_object_is_type(cur, json_type_string)) {
		text = json_object_get_string(cur);
		n = (size_t)json_object_get_string_len(cur);
	} else {
		/* Also gives "null" for a JSON null (cur == NULL). */
		text = json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN |
		                                               JSON_C_TO_STRING_NOSLASHESCAPE);
		n = strlen(text);
	}
	if (n >= outlen) {
		n = outlen - 1;
	}
	memcpy(out, text, n);
	out[n] = '\0';
	/* A \u0000 inside a string must not shorten it into a match. */
	for (size_t i = 0; i < n; i++) {
		if (out[i] == '\0') {
			out[i] = '?';
		}
	}
	return true;
}
