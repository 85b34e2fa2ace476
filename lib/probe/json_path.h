/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dotted paths into a JSON document, for --expect-json. */
#ifndef PT_JSON_PATH_H
#define PT_JSON_PATH_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* A path is one or more segments separated by '.'; a segment that is a
 * decimal number indexes an array, any other segment names an object
 * member. Returns false (with *why) when the path is syntactically bad. */
bool pt_json_path_valid(const char *path, const char **why);

/* Looks the path up in root and writes the value's text to out: a
 * string's own characters, or the JSON text of any other value
 * (true, false, null, 42, 1.5, {...}). A NUL inside a string comes out
 * as '?', so that it cannot shorten the string into a match. Returns
 * false when the path does not exist; out is then "". Text longer than
 * outlen - 1 is cut. */
bool pt_json_path_text(struct json_object *root, const char *path, char *out, size_t outlen);

#endif
