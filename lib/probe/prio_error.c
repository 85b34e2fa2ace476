/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prioticket / OAuth2 error bodies. */
#include "config.h"

#include "prio_error.h"
#include "json_body.h"

#include <string.h>

void pt_prio_error_parse(const char *body, size_t len, struct pt_prio_error *e)
{
	struct json_object *obj;
	struct json_object *list;
	size_t i;
	size_t n;

	memset(e, 0, sizeof(*e));
	obj = pt_json_parse(body, len);
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return;
	}
	e->found |= pt_json_get_string(obj, "error", e->error, sizeof(e->error));
	e->found |=
	    pt_json_get_string(obj, "error_description", e->description, sizeof(e->description));
	if (!e->description[0]) {
		e->found |=
		    pt_json_get_string(obj, "error_message", e->description, sizeof(e->description));
	}
	e->found |= pt_json_get_string(obj, "error_reference", e->reference, sizeof(e->reference));
	if (json_object_object_get_ex(obj, "errors", &list) &&
	    json_object_is_type(list, json_type_array)) {
		n = json_object_array_length(list);
		for (i = 0; i < n && e->ndetails < PT_ERROR_DETAILS_MAX; i++) {
			struct json_object *item = json_object_array_get_idx(list, i);
			const char *s;
			size_t slen;

			if (!json_object_is_type(item, json_type_string)) {
				continue;
			}
			s = json_object_get_string(item);
			slen = strnlen(s, (size_t)json_object_get_string_len(item));
			if (slen >= PT_ERROR_FIELD_MAX) {
				slen = PT_ERROR_FIELD_MAX - 1;
			}
			memcpy(e->details[e->ndetails], s, slen);
			e->details[e->ndetails][slen] = '\0';
			e->ndetails++;
			e->found = true;
		}
	}
	json_object_put(obj);
}
