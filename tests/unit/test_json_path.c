/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/json_path.c: dotted paths for --expect-json. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/json_path.h"

#include <stdio.h>
#include <string.h>

static const char doc_text[] =
    "{\"status\":\"ok\","
    " \"data\":{\"items\":[{\"name\":\"a\",\"n\":1},{\"name\":\"b\",\"n\":2.5}],"
    "  \"flag\":true,\"off\":false,\"nothing\":null,\"obj\":{\"k\":\"v\",\"z\":[1,\"x\"]},"
    "  \"empty\":\"\",\"arr\":[10,20,30],\"nested\":[[1,2],[3,[4,5]]],\"neg\":-7,"
    "  \"quoted\":\"he said \\\"hi\\\"\",\"unicode\":\"caf\\u00e9\",\"slash\":\"a\\/b\","
    "  \"url\":\"https://x/y\",\"emptyobj\":{},\"emptyarr\":[]},"
    " \"0\":\"zero-key\",\"a.b\":\"dotted\",\"\":\"empty-key\"}";

static struct json_object *doc;

static int group_setup(void **state)
{
	(void)state;
	doc = json_tokener_parse(doc_text);
	return doc ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	json_object_put(doc);
	return 0;
}

struct path_row {
	const char *path;
	bool found;
	const char *text;
};

static const struct path_row path_rows[] = {
    /* strings: their own characters */
    {"status", true, "ok"},
    {"data.items.0.name", true, "a"},
    {"data.items.1.name", true, "b"},
    {"data.empty", true, ""},
    {"data.quoted", true, "he said \"hi\""},
    {"data.unicode", true, "caf\xc3\xa9"},
    {"data.slash", true, "a/b"},
    {"data.url", true, "https://x/y"},
    {"data.obj.z.1", true, "x"},
    /* anything else: its JSON text */
    {"data.items.0.n", true, "1"},
    {"data.items.1.n", true, "2.5"},
    {"data.neg", true, "-7"},
    {"data.flag", true, "true"},
    {"data.off", true, "false"},
    {"data.nothing", true, "null"},
    {"data.obj", true, "{\"k\":\"v\",\"z\":[1,\"x\"]}"},
    {"data.arr", true, "[10,20,30]"},
    {"data.items.0", true, "{\"name\":\"a\",\"n\":1}"},
    {"data.emptyobj", true, "{}"},
    {"data.emptyarr", true, "[]"},
    /* array indexes */
    {"data.arr.0", true, "10"},
    {"data.arr.2", true, "30"},
    {"data.nested.1.1.0", true, "4"},
    {"data.nested.0", true, "[1,2]"},
    {"data.arr.3", false, ""},
    {"data.arr.99999", false, ""},
    {"data.arr.999999999", false, ""},
    {"data.arr.99999999999999999999", false, ""},
    {"data.arr.-1", false, ""},
    {"data.arr.+1", false, ""},
    {"data.arr.1x", false, ""},
    {"data.arr.x", false, ""},
    {"data.emptyarr.0", false, ""},
    /* a number names a member of an object */
    {"0", true, "zero-key"},
    /* missing members and dead ends */
    {"missing", false, ""},
    {"data.missing", false, ""},
    {"data.items.0.missing", false, ""},
    {"status.x", false, ""},
    {"data.flag.x", false, ""},
    {"data.nothing.x", false, ""},
    {"data.arr.0.x", false, ""},
    {"Status", false, ""},
    /* '.' always separates: "a.b" is a then b */
    {"a.b", false, ""},
};

static void test_lookup_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(path_rows) / sizeof(path_rows[0]); i++) {
		const struct path_row *r = &path_rows[i];
		char out[256];
		const char *why = NULL;
		bool found;

		memset(out, 'Z', sizeof(out));
		if (!pt_json_path_valid(r->path, &why)) {
			print_error("row %zu: \"%s\" invalid: %s\n", i, r->path, why);
			bad++;
			continue;
		}
		found = pt_json_path_text(doc, r->path, out, sizeof(out));
		if (found != r->found || strcmp(out, r->text) != 0) {
			print_error("row %zu: \"%s\": expected %s \"%s\", got %s \"%s\"\n", i, r->path,
			            r->found ? "found" : "missing", r->text, found ? "found" : "missing", out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_top_level_array(void **state)
{
	struct json_object *arr = json_tokener_parse("[10,{\"a\":[true]}]");
	char out[64];

	(void)state;
	assert_non_null(arr);
	assert_true(pt_json_path_text(arr, "0", out, sizeof(out)));
	assert_string_equal(out, "10");
	assert_true(pt_json_path_text(arr, "1.a.0", out, sizeof(out)));
	assert_string_equal(out, "true");
	assert_false(pt_json_path_text(arr, "a", out, sizeof(out)));
	assert_string_equal(out, "");
	json_object_put(arr);
}

/* Text longer than the buffer is cut at outlen - 1. */
static void test_cut(void **state)
{
	char out[8];

	(void)state;
	assert_true(pt_json_path_text(doc, "data.obj", out, 5));
	assert_string_equal(out, "{\"k\"");
	assert_true(pt_json_path_text(doc, "data.quoted", out, sizeof(out)));
	assert_string_equal(out, "he said");
	assert_true(pt_json_path_text(doc, "status", out, 3));
	assert_string_equal(out, "ok");
	assert_true(pt_json_path_text(doc, "status", out, 2));
	assert_string_equal(out, "o");
	assert_true(pt_json_path_text(doc, "status", out, 1));
	assert_string_equal(out, "");
}

/* A zero-length buffer is never written to. */
static void test_zero_length_buffer(void **state)
{
	char guard[2] = {'Z', 'Z'};

	(void)state;
	assert_false(pt_json_path_text(doc, "status", guard, 0));
	assert_int_equal(guard[0], 'Z');
}

static void test_bad_arguments(void **state)
{
	char out[16];

	(void)state;
	memset(out, 'Z', sizeof(out));
	assert_false(pt_json_path_text(NULL, "status", out, sizeof(out)));
	assert_string_equal(out, "");
	memset(out, 'Z', sizeof(out));
	assert_false(pt_json_path_text(doc, NULL, out, sizeof(out)));
	assert_string_equal(out, "");
	/* invalid paths are not found either */
	assert_false(pt_json_path_text(doc, "data..arr", out, sizeof(out)));
	assert_string_equal(out, "");
	assert_false(pt_json_path_text(doc, ".status", out, sizeof(out)));
}

struct valid_row {
	const char *path;
	const char *why; /* NULL when valid */
};

static const struct valid_row valid_rows[] = {
    {"a", NULL},
    {"a.b.0", NULL},
    {"0", NULL},
    {"data.items.0.name", NULL},
    {"with space.x", NULL},
    {"", "empty JSON path"},
    {NULL, "empty JSON path"},
    {".", "empty segment in JSON path"},
    {".a", "empty segment in JSON path"},
    {"a..b", "empty segment in JSON path"},
    {"a.", "JSON path ends with '.'"},
    {"a.b.", "JSON path ends with '.'"},
};

static void test_validation(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(valid_rows) / sizeof(valid_rows[0]); i++) {
		const struct valid_row *r = &valid_rows[i];
		const char *why = NULL;
		bool ok = pt_json_path_valid(r->path, &why);

		if (ok != (r->why == NULL) || (r->why && (!why || strcmp(why, r->why) != 0))) {
			print_error("row %zu: \"%s\": expected %s, got %s (%s)\n", i,
			            r->path ? r->path : "(null)", r->why ? r->why : "valid",
			            ok ? "valid" : "invalid", why ? why : "-");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_segment_length(void **state)
{
	char path[600];
	const char *why = NULL;
	char out[16];

	(void)state;
	/* 255 characters: fine */
	memset(path, 'k', 255);
	path[255] = '\0';
	assert_true(pt_json_path_valid(path, &why));
	assert_false(pt_json_path_text(doc, path, out, sizeof(out)));

	/* 256: too long, also as a later segment */
	memset(path, 'k', 256);
	path[256] = '\0';
	assert_false(pt_json_path_valid(path, &why));
	assert_string_equal(why, "JSON path segment too long");
	memcpy(path, "data.", 5);
	memset(path + 5, 'k', 256);
	path[261] = '\0';
	why = NULL;
	assert_false(pt_json_path_valid(path, &why));
	assert_string_equal(why, "JSON path segment too long");
	assert_false(pt_json_path_text(doc, path, out, sizeof(out)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup_table),
	    cmocka_unit_test(test_top_level_array),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_zero_length_buffer),
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_segment_length),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
