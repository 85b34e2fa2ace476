/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/prio_error.c: Prioticket and OAuth2 error
 * bodies, parsed leniently. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/prio_error.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA(s) s, sizeof(s) - 1

struct err_row {
	const char *name;
	const char *body;
	size_t len;
	bool found;
	const char *error;
	const char *description;
	const char *reference;
	size_t ndetails;
	const char *details[PT_ERROR_DETAILS_MAX];
};

static const struct err_row err_rows[] = {
    {"OAuth2 body with everything",
     DATA("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication "
          "failed\",\"error_reference\":\"REF-123\",\"errors\":[\"bad id\",\"bad secret\"]}"),
     true,
     "invalid_client",
     "Client authentication failed",
     "REF-123",
     2,
     {"bad id", "bad secret"}},
    {"Prioticket body with error_message",
     DATA("{\"error\":\"NOT_FOUND\",\"error_message\":\"Product not found\","
          "\"error_reference\":\"b7c1\"}"),
     true,
     "NOT_FOUND",
     "Product not found",
     "b7c1",
     0,
     {NULL}},
    {"error_description wins over error_message",
     DATA("{\"error_message\":\"m\",\"error_description\":\"d\"}"),
     true,
     "",
     "d",
     "",
     0,
     {NULL}},
    {"empty error_description falls back",
     DATA("{\"error_description\":\"\",\"error_message\":\"m\"}"),
     true,
     "",
     "m",
     "",
     0,
     {NULL}},
    {"error_message of the wrong type",
     DATA("{\"error_message\":42}"),
     false,
     "",
     "",
     "",
     0,
     {NULL}},
    {"only error", DATA("{\"error\":\"server_error\"}"), true, "server_error", "", "", 0, {NULL}},
    {"only reference", DATA("{\"error_reference\":\"r\"}"), true, "", "", "r", 0, {NULL}},
    {"empty object", DATA("{}"), false, "", "", "", 0, {NULL}},
    {"unknown fields only", DATA("{\"message\":\"x\",\"code\":500}"), false, "", "", "", 0, {NULL}},
    /* wrong types where strings are expected */
    {"number", DATA("{\"error\":123}"), false, "", "", "", 0, {NULL}},
    {"float", DATA("{\"error\":1.5}"), false, "", "", "", 0, {NULL}},
    {"boolean", DATA("{\"error\":true}"), false, "", "", "", 0, {NULL}},
    {"null", DATA("{\"error\":null}"), false, "", "", "", 0, {NULL}},
    {"array", DATA("{\"error\":[\"a\"]}"), false, "", "", "", 0, {NULL}},
    {"object", DATA("{\"error\":{\"code\":\"x\"}}"), false, "", "", "", 0, {NULL}},
    {"wrong types around a good field",
     DATA("{\"error\":123,\"error_description\":\"d\",\"error_reference\":[1]}"),
     true,
     "",
     "d",
     "",
     0,
     {NULL}},
    /* errors[] */
    {"errors: non-strings skipped, three kept",
     DATA("{\"errors\":[1,\"a\",null,{\"x\":1},[\"y\"],\"b\",true,2.5,\"c\",\"d\",\"e\"]}"),
     true,
     "",
     "",
     "",
     3,
     {"a", "b", "c"}},
    {"errors: only non-strings", DATA("{\"errors\":[1,null,{},[]]}"), false, "", "", "", 0, {NULL}},
    {"errors: empty", DATA("{\"errors\":[]}"), false, "", "", "", 0, {NULL}},
    {"errors: a string, not a list", DATA("{\"errors\":\"a\"}"), false, "", "", "", 0, {NULL}},
    {"errors: an object", DATA("{\"errors\":{\"a\":\"b\"}}"), false, "", "", "", 0, {NULL}},
    {"errors: exactly three",
     DATA("{\"errors\":[\"a\",\"b\",\"c\"]}"),
     true,
     "",
     "",
     "",
     3,
     {"a", "b", "c"}},
    /* escapes are decoded; the raw text may hold any byte */
    {"escapes",
     DATA("{\"error\":\"a\\nb\\t\\\"c\\\" \\u00e9 \\/\"}"),
     true,
     "a\nb\t\"c\" \xc3\xa9 /",
     "",
     "",
     0,
     {NULL}},
    {"raw UTF-8, control bytes and bytes that are not UTF-8, as sent",
     DATA("{\"error\":\"caf\xc3\xa9\",\"error_description\":\"before\\u0000after \xff\xfe "
          "raw\",\"error_reference\":\"r\te\x01"
          "f\",\"errors\":[\"\xe2\x82\xac\"]}"),
     true,
     "caf\xc3\xa9",
     "before",
     "r\te\x01"
     "f",
     1,
     {"\xe2\x82\xac"}},
    {"an integer beyond 64 bits next to the fields",
     DATA("{\"code\":123456789012345678901234567890,\"error\":\"server_error\","
          "\"error_description\":\"\xc3\xa9"
          "chec\"}"),
     true,
     "server_error",
     "\xc3\xa9"
     "chec",
     "",
     0,
     {NULL}},
    {"embedded \\u0000 ends the copy",
     DATA("{\"error\":\"abc\\u0000def\",\"errors\":[\"x\\u0000y\"]}"),
     true,
     "abc",
     "",
     "",
     1,
     {"x"}},
    {"white space around the object",
     DATA(" \r\n\t{\"error\":\"x\"} \n\r\t"),
     true,
     "x",
     "",
     "",
     0,
     {NULL}},
    {"nesting within the limit",
     DATA("{\"error\":\"x\",\"d\":[[[[{\"a\":[1]}]]]]}"),
     true,
     "x",
     "",
     "",
     0,
     {NULL}},
    /* not a usable body */
    {"plain text", DATA("Internal Server Error"), false, "", "", "", 0, {NULL}},
    {"HTML",
     DATA("<html><head><title>502 Bad Gateway</title></head><body></body></html>"),
     false,
     "",
     "",
     "",
     0,
     {NULL}},
    {"empty", DATA(""), false, "", "", "", 0, {NULL}},
    {"white space only", DATA("  \n "), false, "", "", "", 0, {NULL}},
    {"truncated",
     DATA("{\"error\":\"invalid_client\",\"error_descr"),
     false,
     "",
     "",
     "",
     0,
     {NULL}},
    {"truncated after a value", DATA("{\"error\":\"x\""), false, "", "", "", 0, {NULL}},
    {"trailing garbage", DATA("{\"error\":\"x\"} trailing"), false, "", "", "", 0, {NULL}},
    {"two objects", DATA("{\"error\":\"x\"}{\"error\":\"y\"}"), false, "", "", "", 0, {NULL}},
    {"NUL then garbage", DATA("{\"error\":\"x\"}\0garbage"), false, "", "", "", 0, {NULL}},
    {"array at the top", DATA("[{\"error\":\"x\"}]"), false, "", "", "", 0, {NULL}},
    {"string at the top", DATA("\"error\""), false, "", "", "", 0, {NULL}},
    {"number at the top", DATA("401"), false, "", "", "", 0, {NULL}},
    {"null at the top", DATA("null"), false, "", "", "", 0, {NULL}},
    {"single quotes", DATA("{'error':'x'}"), false, "", "", "", 0, {NULL}},
    {"trailing comma", DATA("{\"error\":\"x\",}"), false, "", "", "", 0, {NULL}},
};

static bool same(const char *got, const char *want, const char *what, size_t row, const char *name)
{
	if (strcmp(got, want) != 0) {
		print_error("row %zu (%s): %s: expected \"%s\", got \"%s\"\n", row, name, what, want, got);
		return false;
	}
	return true;
}

static void test_bodies(void **state)
{
	size_t i;
	size_t k;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
		const struct err_row *r = &err_rows[i];
		struct pt_prio_error *e = malloc(sizeof(*e));
		bool ok = true;

		assert_non_null(e);
		memset(e, 'Z', sizeof(*e)); /* must be reset by the parser */
		pt_prio_error_parse(r->body, r->len, e);
		if (e->found != r->found) {
			print_error("row %zu (%s): found=%d\n", i, r->name, e->found);
			ok = false;
		}
		ok &= same(e->error, r->error, "error", i, r->name);
		ok &= same(e->description, r->description, "description", i, r->name);
		ok &= same(e->reference, r->reference, "reference", i, r->name);
		if (e->ndetails != r->ndetails) {
			print_error("row %zu (%s): ndetails=%zu\n", i, r->name, e->ndetails);
			ok = false;
		}
		for (k = 0; k < r->ndetails && k < e->ndetails; k++) {
			ok &= same(e->details[k], r->details[k], "details", i, r->name);
		}
		bad += !ok;
		free(e);
	}
	assert_int_equal(bad, 0);
}

/* Nesting far beyond any real answer is refused without a crash. */
static void test_deep_nesting(void **state)
{
	static const char *const opens[] = {"[", "{\"a\":"};
	static const char *const closes[] = {"]", "}"};
	struct pt_prio_error e;
	size_t form;

	(void)state;
	for (form = 0; form < 2; form++) {
		struct pt_buf body = {0};
		int i;

		/* the deep part next to real fields */
		pt_buf_puts(&body, "{\"error\":\"x\",\"deep\":");
		for (i = 0; i < 1000; i++) {
			pt_buf_puts(&body, opens[form]);
		}
		pt_buf_puts(&body, "1");
		for (i = 0; i < 1000; i++) {
			pt_buf_puts(&body, closes[form]);
		}
		pt_buf_puts(&body, "}");
		assert_false(body.failed);
		pt_prio_error_parse(body.data, body.len, &e);
		assert_false(e.found);
		assert_string_equal(e.error, "");
		pt_buf_free(&body);

		/* deep at the top, and never closed */
		for (i = 0; i < 100000; i++) {
			pt_buf_puts(&body, opens[form]);
		}
		assert_false(body.failed);
		pt_prio_error_parse(body.data, body.len, &e);
		assert_false(e.found);
		pt_buf_free(&body);
	}
}

/* Each field is cut at PT_ERROR_FIELD_MAX - 1 bytes. */
static void test_long_fields(void **state)
{
	static const size_t lengths[] = {PT_ERROR_FIELD_MAX - 2, PT_ERROR_FIELD_MAX - 1,
	                                 PT_ERROR_FIELD_MAX, PT_ERROR_FIELD_MAX + 1, 100000};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t n = lengths[i];
		size_t want = n < PT_ERROR_FIELD_MAX ? n : PT_ERROR_FIELD_MAX - 1;
		char *s = malloc(n + 1);
		struct pt_buf body = {0};
		struct pt_prio_error *e = malloc(sizeof(*e));

		assert_non_null(s);
		assert_non_null(e);
		memset(s, 'x', n);
		s[n] = '\0';
		s[0] = 'A'; /* the start is kept, not the end */
		pt_buf_printf(&body,
		              "{\"error\":\"%s\",\"error_description\":\"%s\",\"error_reference\":\"%s\","
		              "\"errors\":[\"%s\",\"%s\"]}",
		              s, s, s, s, s);
		assert_false(body.failed);
		pt_prio_error_parse(body.data, body.len, e);
		assert_true(e->found);
		assert_int_equal(strlen(e->error), want);
		assert_int_equal(strlen(e->description), want);
		assert_int_equal(strlen(e->reference), want);
		assert_int_equal(e->ndetails, 2);
		assert_int_equal(strlen(e->details[0]), want);
		assert_int_equal(strlen(e->details[1]), want);
		assert_memory_equal(e->error, s, want);
		assert_memory_equal(e->details[1], s, want);
		free(s);
		free(e);
		pt_buf_free(&body);
	}
}

static void test_null_body(void **state)
{
	struct pt_prio_error e;

	(void)state;
	memset(&e, 'Z', sizeof(e));
	pt_prio_error_parse(NULL, 0, &e);
	assert_false(e.found);
	assert_string_equal(e.error, "");
	assert_int_equal(e.ndetails, 0);
	/* a length that claims more than the NUL-terminated text */
	pt_prio_error_parse("{}", 0, &e);
	assert_false(e.found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bodies),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_long_fields),
	    cmocka_unit_test(test_null_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
