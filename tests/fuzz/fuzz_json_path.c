/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes --expect-json's path syntax and lookup: the input is
 * PATH NUL BODY (no NUL: all of it is the path, the body is empty).
 * pt_json_path_valid checks the path, pt_json_parse the body, and
 * pt_json_path_text looks the path up with output buffers of several
 * sizes, each an exact-size heap block.
 *
 * Invariants:
 * - an invalid path has a reason;
 * - the lookup gives the same answer whatever the buffer size (> 0);
 *   on failure the output is ""; on success it is NUL-terminated within
 *   the buffer and a cut text is a prefix of the full one;
 * - a valid path is found exactly when a lookup done here, segment by
 *   segment with json-c directly, finds it; for a string the text is
 *   the string's bytes, each NUL (from \u0000) shown as '?' so that it
 *   cannot shorten the text into a match. */
#include "config.h"

#include "probe/json_body.h"
#include "probe/json_path.h"

#include "harness.h"

#define INPUT_MAX (64 * 1024)
#define BIG       (64 * 1024)

static const size_t sizes[] = {1, 2, 7, 64, BIG};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Independent lookup: a segment of digits indexes an array (up to 9
 * digits), anything else names an object member. */
static bool lookup(struct json_object *root, const char *path, struct json_object **out)
{
	struct json_object *cur = root;
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ".");
		char seg[256];

		if (n == 0 || n >= sizeof(seg)) {
			return false;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (json_object_is_type(cur, json_type_object)) {
			if (!json_object_object_get_ex(cur, seg, &cur)) {
				return false;
			}
		} else if (json_object_is_type(cur, json_type_array) && strspn(seg, "0123456789") == n &&
		           n <= 9) {
			size_t idx = (size_t)strtoul(seg, NULL, 10);

			if (idx >= json_object_array_length(cur)) {
				return false;
			}
			cur = json_object_array_get_idx(cur, idx);
		} else {
			return false;
		}
		p += n;
		if (*p == '.') {
			p++;
		}
	}
	*out = cur;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul;
	char *path;
	const char *body;
	size_t body_len;
	const char *why = NULL;
	bool valid;
	struct json_object *root;
	char *outs[NSIZES];
	bool found[NSIZES];

	if (size > INPUT_MAX) {
		return 0;
	}
	nul = memchr(data, 0, size);
	path = fuzz_strndup(data, nul ? (size_t)(nul - data) : size);
	body = nul ? (const char *)nul + 1 : "";
	body_len = nul ? size - (size_t)(nul - data) - 1 : 0;

	valid = pt_json_path_valid(path, &why);
	if (!valid) {
		FUZZ_CHECK(why != NULL && *why != '\0');
	}
	root = pt_json_parse(body, body_len);

	for (size_t i = 0; i < NSIZES; i++) {
		outs[i] = malloc(sizes[i]);
		FUZZ_CHECK(outs[i] != NULL);
		memset(outs[i], 'Z', sizes[i]);
		found[i] = pt_json_path_text(root, path, outs[i], sizes[i]);
		FUZZ_CHECK(memchr(outs[i], '\0', sizes[i]) != NULL);
		if (!found[i]) {
			FUZZ_CHECK(outs[i][0] == '\0');
		}
		FUZZ_CHECK(found[i] == found[0]);
	}
	for (size_t i = 0; i + 1 < NSIZES; i++) {
		if (found[i]) {
			FUZZ_CHECK(strncmp(outs[i], outs[NSIZES - 1], strlen(outs[i])) == 0);
		}
	}
	if (valid) {
		struct json_object *want = NULL;
		bool here = root != NULL && lookup(root, path, &want);

		FUZZ_CHECK(found[0] == here);
		if (here && json_object_is_type(want, json_type_string)) {
			const char *s = json_object_get_string(want);
			size_t n = (size_t)json_object_get_string_len(want);
			const char *o = outs[NSIZES - 1];

			if (n > BIG - 1) {
				n = BIG - 1;
			}
			FUZZ_CHECK(strlen(o) == n);
			for (size_t i = 0; i < n; i++) {
				FUZZ_CHECK(o[i] == (s[i] ? s[i] : '?'));
			}
		}
	}
	for (size_t i = 0; i < NSIZES; i++) {
		free(outs[i]);
	}
	json_object_put(root);
	free(path);
	return 0;
}
