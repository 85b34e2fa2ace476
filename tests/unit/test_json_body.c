/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/json_body.c: one JSON value per body, judged
 * by the grammar, with the same values from json-c 0.16 (Debian 12) and
 * 0.18 (Debian 13); the UTF-8 byte order mark (RFC 8259 section 8.1). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/json_body.h"

#include <stdio.h>
#include <string.h>

#define DATA(s) s, sizeof(s) - 1
#define BOM     "\xEF\xBB\xBF"

struct body_row {
	const char *name;
	const char *body;
	size_t len;
	bool json;         /* a value at all */
	const char *key;   /* a member of the top object, or NULL */
	const char *value; /* its bytes if a string, else its JSON text */
	size_t value_len;
};

#define VALUE(s) s, sizeof(s) - 1

static const struct body_row rows[] = {
    /* strings keep every byte as the server sent it: raw UTF-8 (json-c
     * 0.17 and 0.18 refuse it in strict mode, json-c issue #875), control
     * bytes and bytes that are not UTF-8; the plugin layer sanitises */
    {"raw UTF-8", DATA("{\"e\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}"), true, "e",
     VALUE("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")},
    {"raw UTF-8 in a key", DATA("{\"caf\xc3\xa9\":1,\"e\":\"x\"}"), true, "caf\xc3\xa9",
     VALUE("1")},
    {"not UTF-8", DATA("{\"e\":\"before \xff\xfe raw \xc3\"}"), true, "e",
     VALUE("before \xff\xfe raw \xc3")},
    {"raw control bytes", DATA("{\"e\":\"a\tb\nc\x01\x1f\"}"), true, "e", VALUE("a\tb\nc\x01\x1f")},
    {"escapes next to raw bytes", DATA("{\"e\":\"\\\"\xc3\xa9\\\\\\u00e9\\n\xff\"}"), true, "e",
     VALUE("\"\xc3\xa9\\\xc3\xa9\n\xff")},
    {"an escaped quote does not end the string", DATA("{\"e\":\"\\\"\xc3\xa9\",\"f\":2}"), true,
     "f", VALUE("2")},
    {"digits in a string are text", DATA("{\"e\":\"\xc3\xa9 12345678901234567890123456789\"}"),
     true, "e", VALUE("\xc3\xa9 12345678901234567890123456789")},
    {"\\u0000 is a NUL in the value", DATA("{\"e\":\"a\\u0000\xc3\xa9\"}"), true, "e",
     VALUE("a\0\xc3\xa9")},
    /* integers beyond 64 bits saturate, as json-c 0.16 read them (0.17
     * and later refuse the whole body in strict mode) */
    {"integer beyond 64 bits", DATA("{\"n\":123456789012345678901234567890,\"e\":\"x\"}"), true,
     "n", VALUE("18446744073709551615")},
    {"negative integer beyond 64 bits", DATA("{\"n\":-123456789012345678901234567890}"), true, "n",
     VALUE("-9223372036854775808")},
    {"UINT64_MAX", DATA("{\"n\":18446744073709551615}"), true, "n", VALUE("18446744073709551615")},
    {"INT64_MIN", DATA("{\"n\":-9223372036854775808}"), true, "n", VALUE("-9223372036854775808")},
    {"18 digits", DATA("{\"n\":123456789012345678}"), true, "n", VALUE("123456789012345678")},
    {"long fraction", DATA("{\"n\":0.1250000000000000000000000}"), true, "n",
     VALUE("0.1250000000000000000000000")},
    {"a bare integer beyond 64 bits", DATA("123456789012345678901234567890"), true, NULL,
     VALUE("")},
    /* the grammar is still judged where a string holds raw bytes or a
     * number is long */
    {"single quotes", DATA("{'e':'\xc3\xa9'}"), false, NULL, VALUE("")},
    {"trailing comma", DATA("{\"e\":\"\xc3\xa9\",}"), false, NULL, VALUE("")},
    {"comment", DATA("{\"e\":\"\xc3\xa9\"} /* c */"), false, NULL, VALUE("")},
    {"bad escape", DATA("{\"e\":\"\\\xc3\xa9\"}"), false, NULL, VALUE("")},
    {"unterminated", DATA("{\"e\":\"\xc3\xa9}"), false, NULL, VALUE("")},
    {"nan", DATA("{\"e\":\"\xc3\xa9\",\"n\":nan}"), false, NULL, VALUE("")},
    {"TRUE", DATA("{\"e\":\"\xc3\xa9\",\"n\":TRUE}"), false, NULL, VALUE("")},
    {"leading zero of a long integer", DATA("{\"n\":0123456789012345678901234}"), false, NULL,
     VALUE("")},
    {"long integer, then garbage", DATA("{\"n\":123456789012345678901234} x"), false, NULL,
     VALUE("")},
    {"raw NUL in a string", DATA("{\"e\":\"a\0b\"}"), false, NULL, VALUE("")},
    {"raw bytes outside a string", DATA("{\"e\":1}\xc3\xa9"), false, NULL, VALUE("")},
};

static bool row_ok(const struct body_row *r, size_t i)
{
	struct json_object *obj = pt_json_parse(r->body, r->len);
	struct json_object *v;
	const char *text;
	size_t len;
	bool ok = true;

	if ((obj != NULL) != r->json) {
		print_error("row %zu (%s): %s\n", i, r->name, obj ? "parsed" : "not parsed");
		ok = false;
	} else if (obj && r->key) {
		if (!json_object_object_get_ex(obj, r->key, &v)) {
			print_error("row %zu (%s): no member %s\n", i, r->name, r->key);
			ok = false;
		} else {
			if (json_object_is_type(v, json_type_string)) {
				text = json_object_get_string(v);
				len = (size_t)json_object_get_string_len(v);
			} else {
				text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
				len = strlen(text);
			}
			if (len != r->value_len || memcmp(text, r->value, len) != 0) {
				print_error("row %zu (%s): value \"%.*s\"\n", i, r->name, (int)len, text);
				ok = false;
			}
		}
	}
	json_object_put(obj);
	return ok;
}

static void test_bodies(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bad += !row_ok(&rows[i], i);
	}
	assert_int_equal(bad, 0);
}

/* What counts as one JSON value around a byte order mark. */
struct bom_row {
	const char *name;
	const char *body;
	size_t len;
	const char *json; /* the value as json-c prints it, or NULL: not JSON */
};

static const struct bom_row bom_rows[] = {
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

static void test_byte_order_mark(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bom_rows) / sizeof(bom_rows[0]); i++) {
		const struct bom_row *r = &bom_rows[i];
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
	    cmocka_unit_test(test_byte_order_mark),
	    cmocka_unit_test(test_null_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
