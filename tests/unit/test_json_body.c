/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/json_body.c: what counts as one JSON value,
 * the UTF-8 byte order mark included (RFC 8259 section 8.1). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/json_body.h"

#include <stdbool.h>
#include <string.h>

#define DATA(s) s, sizeof(s) - 1
#define BOM     "\xEF\xBB\xBF"

struct body_row {
	const char *name;
	const char *body;
	size_t len;
	const char *json; /* the value as json-c prints it, or NULL: not JSON */
};

static const struct body_row rows[] = {
    {"object", DATA("{\"status\":\"ok\"}"), "{\"status\":\"ok\"}"},
    {"white space around", DATA(" \r\n\t{\"a\":1} \n"), "{\"a\":1}"},
    {"a byte order mark before an object", DATA(BOM "{\"status\":\"ok\"}"), "{\"status\":\"ok\"}"},
    {"a byte order mark before an array", DATA(BOM "[1,2]"), "[1,2]"},
    {"a byte order mark before a bare number", DATA(BOM "42"), "42"},
    {"a byte order mark, then white space", DATA(BOM " \n{\"a\":true}\n"), "{\"a\":true}"},
    {"a byte order mark inside a string stays", DATA("\"" BOM "x\""), "\"" BOM "x\""},
    /* not JSON */
    {"a byte order mark alone", DATA(BOM), NULL},
    {"a byte order mark and white space", DATA(BOM "  \n"), NULL},
    {"two byte order marks", DATA(BOM BOM "{}"), NULL},
    {"a byte order mark after white space", DATA(" " BOM "{}"), NULL},
    {"a byte order mark after the value", DATA("{}" BOM), NULL},
    {"a cut byte order mark", DATA("\xEF\xBB{}"), NULL},
    {"a UTF-16 byte order mark (JSON on a network is UTF-8)", DATA("\xFF\xFE{}"), NULL},
    {"empty", DATA(""), NULL},
    {"trailing garbage", DATA("{} x"), NULL},
};

static void test_bodies(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct body_row *r = &rows[i];
		struct json_object *obj = pt_json_parse(r->body, r->len);
		const char *got = obj ? json_object_to_json_string_ext(
		                            obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
		                      : NULL;

		if (!r->json != !obj || (obj && strcmp(got, r->json) != 0)) {
			print_error("row %zu (%s): expected %s, got %s\n", i, r->name,
			            r->json ? r->json : "not JSON", got ? got : "not JSON");
			bad++;
		}
		if (obj) {
			json_object_put(obj);
		}
	}
	assert_int_equal(bad, 0);
}

static void test_null_body(void **state)
{
	(void)state;
	assert_null(pt_json_parse(NULL, 0));
	assert_null(pt_json_parse(NULL, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bodies),
	    cmocka_unit_test(test_null_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
