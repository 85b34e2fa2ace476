/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/token.c: the token endpoint's answer and the
 * request body. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/token.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA(s) s, sizeof(s) - 1

static const char *const status_names[] = {
    "OK", "NOT_JSON", "NO_ACCESS_TOKEN", "BAD_CHARS", "TOO_LONG", "NOT_BEARER", "TOO_LARGE",
};

struct tok_row {
	const char *name;
	const char *body;
	size_t len;
	enum pt_token_status status;
	const char *token; /* when OK */
	long expires_in;
	enum pt_token_lifetime lifetime; /* when OK and given; rows without it: given or absent */
};

static const struct tok_row tok_rows[] = {
    {"valid",
     DATA("{\"access_token\":\"abc.DEF-123_~+/\",\"token_type\":\"Bearer\","
          "\"expires_in\":3600}"),
     PT_TOKEN_OK, "abc.DEF-123_~+/", 3600, PT_LIFETIME_GIVEN},
    {"valid with more fields",
     DATA("{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":60,\"scope\":\"a "
          "b\",\"refresh_token\":null}"),
     PT_TOKEN_OK, "t", 60, PT_LIFETIME_GIVEN},
    {"JWT-shaped", DATA("{\"access_token\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_-\"}"),
     PT_TOKEN_OK, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_-", 0, PT_LIFETIME_GIVEN},
    {"base64 padding", DATA("{\"access_token\":\"YWJj==\"}"), PT_TOKEN_OK, "YWJj==", 0,
     PT_LIFETIME_GIVEN},
    {"one '='", DATA("{\"access_token\":\"YWI=\"}"), PT_TOKEN_OK, "YWI=", 0, PT_LIFETIME_GIVEN},
    {"escaped slash", DATA("{\"access_token\":\"a\\/b\"}"), PT_TOKEN_OK, "a/b", 0,
     PT_LIFETIME_GIVEN},
    /* access_token */
    {"missing", DATA("{\"token_type\":\"Bearer\"}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"empty", DATA("{\"access_token\":\"\"}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"number", DATA("{\"access_token\":12345}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"null", DATA("{\"access_token\":null}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0, PT_LIFETIME_GIVEN},
    {"array", DATA("{\"access_token\":[\"abc\"]}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"object", DATA("{\"access_token\":{\"v\":\"abc\"}}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"boolean", DATA("{\"access_token\":true}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"missing, wrong type too", DATA("{\"token_type\":\"MAC\"}"), PT_TOKEN_NO_ACCESS_TOKEN, NULL, 0,
     PT_LIFETIME_GIVEN},
    /* characters an RFC 6750 b64token cannot have */
    {"space", DATA("{\"access_token\":\"abc def\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"CRLF", DATA("{\"access_token\":\"abc\\r\\nX-Injected: 1\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"LF", DATA("{\"access_token\":\"abc\\n\"}"), PT_TOKEN_BAD_CHARS, NULL, 0, PT_LIFETIME_GIVEN},
    {"TAB", DATA("{\"access_token\":\"abc\\t\"}"), PT_TOKEN_BAD_CHARS, NULL, 0, PT_LIFETIME_GIVEN},
    {"double quote", DATA("{\"access_token\":\"abc\\\"def\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"comma", DATA("{\"access_token\":\"abc,def\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"colon", DATA("{\"access_token\":\"abc:def\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"non-ASCII", DATA("{\"access_token\":\"ab\\u00e9\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"'=' inside", DATA("{\"access_token\":\"ab=cd\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"only '='", DATA("{\"access_token\":\"==\"}"), PT_TOKEN_BAD_CHARS, NULL, 0, PT_LIFETIME_GIVEN},
    {"embedded \\u0000", DATA("{\"access_token\":\"abc\\u0000def\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"\\u0000 at the start", DATA("{\"access_token\":\"\\u0000abc\"}"), PT_TOKEN_BAD_CHARS, NULL, 0,
     PT_LIFETIME_GIVEN},
    /* token_type */
    {"bearer", DATA("{\"access_token\":\"t\",\"token_type\":\"bearer\"}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_GIVEN},
    {"BEARER", DATA("{\"access_token\":\"t\",\"token_type\":\"BEARER\"}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_GIVEN},
    {"BeArEr", DATA("{\"access_token\":\"t\",\"token_type\":\"BeArEr\"}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_GIVEN},
    {"MAC", DATA("{\"access_token\":\"t\",\"token_type\":\"MAC\"}"), PT_TOKEN_NOT_BEARER, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"DPoP", DATA("{\"access_token\":\"t\",\"token_type\":\"DPoP\"}"), PT_TOKEN_NOT_BEARER, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"empty type", DATA("{\"access_token\":\"t\",\"token_type\":\"\"}"), PT_TOKEN_NOT_BEARER, NULL,
     0, PT_LIFETIME_GIVEN},
    {"Bearer with a blank", DATA("{\"access_token\":\"t\",\"token_type\":\"Bearer \"}"),
     PT_TOKEN_NOT_BEARER, NULL, 0, PT_LIFETIME_GIVEN},
    {"Bearer prefix of a long type",
     DATA("{\"access_token\":\"t\",\"token_type\":\"Bearerxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"),
     PT_TOKEN_NOT_BEARER, NULL, 0, PT_LIFETIME_GIVEN},
    {"no token_type", DATA("{\"access_token\":\"t\",\"expires_in\":10}"), PT_TOKEN_OK, "t", 10,
     PT_LIFETIME_GIVEN},
    /* expires_in: never a reason to refuse the token */
    {"expires_in string digits", DATA("{\"access_token\":\"t\",\"expires_in\":\"3600\"}"),
     PT_TOKEN_OK, "t", 3600, PT_LIFETIME_GIVEN},
    {"expires_in one year", DATA("{\"access_token\":\"t\",\"expires_in\":31536000}"), PT_TOKEN_OK,
     "t", 31536000, PT_LIFETIME_GIVEN},
    {"expires_in 365 days + 1 s", DATA("{\"access_token\":\"t\",\"expires_in\":31536001}"),
     PT_TOKEN_OK, "t", 31536001, PT_LIFETIME_GIVEN},
    {"expires_in 400 days", DATA("{\"access_token\":\"t\",\"expires_in\":34560000}"), PT_TOKEN_OK,
     "t", 34560000, PT_LIFETIME_GIVEN},
    {"expires_in 1", DATA("{\"access_token\":\"t\",\"expires_in\":1}"), PT_TOKEN_OK, "t", 1,
     PT_LIFETIME_GIVEN},
    {"expires_in 3599.999", DATA("{\"access_token\":\"t\",\"expires_in\":3599.999}"), PT_TOKEN_OK,
     "t", 3599, PT_LIFETIME_GIVEN},
    {"expires_in \"3599.999\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"3599.999\"}"),
     PT_TOKEN_OK, "t", 3599, PT_LIFETIME_GIVEN},
    {"expires_in 1.5", DATA("{\"access_token\":\"t\",\"expires_in\":1.5}"), PT_TOKEN_OK, "t", 1,
     PT_LIFETIME_GIVEN},
    {"expires_in 3600.0", DATA("{\"access_token\":\"t\",\"expires_in\":3600.0}"), PT_TOKEN_OK, "t",
     3600, PT_LIFETIME_GIVEN},
    {"expires_in exponent", DATA("{\"access_token\":\"t\",\"expires_in\":1e3}"), PT_TOKEN_OK, "t",
     1000, PT_LIFETIME_GIVEN},
    {"expires_in huge", DATA("{\"access_token\":\"t\",\"expires_in\":99999999999}"), PT_TOKEN_OK,
     "t", PT_TOKEN_LIFETIME_MAX, PT_LIFETIME_GIVEN},
    {"expires_in beyond int64",
     DATA("{\"access_token\":\"t\",\"expires_in\":99999999999999999999999}"), PT_TOKEN_OK, "t",
     PT_TOKEN_LIFETIME_MAX, PT_LIFETIME_GIVEN},
    {"expires_in huge string",
     DATA("{\"access_token\":\"t\",\"expires_in\":\"99999999999999999999999\"}"), PT_TOKEN_OK, "t",
     PT_TOKEN_LIFETIME_MAX, PT_LIFETIME_GIVEN},
    {"expires_in null", DATA("{\"access_token\":\"t\",\"expires_in\":null}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_ABSENT},
    {"expires_in 0", DATA("{\"access_token\":\"t\",\"expires_in\":0}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_TOO_SHORT},
    {"expires_in \"0\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"0\"}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_TOO_SHORT},
    {"expires_in 0.5", DATA("{\"access_token\":\"t\",\"expires_in\":0.5}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_TOO_SHORT},
    {"expires_in \"0.000\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"0.000\"}"), PT_TOKEN_OK,
     "t", 0, PT_LIFETIME_TOO_SHORT},
    {"expires_in negative", DATA("{\"access_token\":\"t\",\"expires_in\":-1}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_TOO_SHORT},
    {"expires_in \"-5\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"-5\"}"), PT_TOKEN_OK, "t",
     0, PT_LIFETIME_TOO_SHORT},
    {"expires_in \"abc\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"abc\"}"), PT_TOKEN_OK,
     "t", 0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in \"\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"\"}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_NOT_NUMBER},
    {"expires_in \" 60\"", DATA("{\"access_token\":\"t\",\"expires_in\":\" 60\"}"), PT_TOKEN_OK,
     "t", 0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in \"60s\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"60s\"}"), PT_TOKEN_OK,
     "t", 0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in \"1.\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"1.\"}"), PT_TOKEN_OK, "t",
     0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in \"1e3\"", DATA("{\"access_token\":\"t\",\"expires_in\":\"1e3\"}"), PT_TOKEN_OK,
     "t", 0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in boolean", DATA("{\"access_token\":\"t\",\"expires_in\":true}"), PT_TOKEN_OK, "t",
     0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in array", DATA("{\"access_token\":\"t\",\"expires_in\":[60]}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_NOT_NUMBER},
    {"expires_in object", DATA("{\"access_token\":\"t\",\"expires_in\":{\"s\":60}}"), PT_TOKEN_OK,
     "t", 0, PT_LIFETIME_NOT_NUMBER},
    {"expires_in NaN", DATA("{\"access_token\":\"t\",\"expires_in\":NaN}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_NOT_NUMBER},
    {"expires_in absent", DATA("{\"access_token\":\"t\"}"), PT_TOKEN_OK, "t", 0,
     PT_LIFETIME_ABSENT},
    /* not a JSON object */
    {"garbage", DATA("access_token=abc&token_type=bearer"), PT_TOKEN_NOT_JSON, NULL, 0,
     PT_LIFETIME_GIVEN},
    {"HTML", DATA("<html><body><h1>Service Unavailable</h1></body></html>"), PT_TOKEN_NOT_JSON,
     NULL, 0, PT_LIFETIME_GIVEN},
    {"empty", DATA(""), PT_TOKEN_NOT_JSON, NULL, 0, PT_LIFETIME_GIVEN},
    {"array", DATA("[{\"access_token\":\"t\"}]"), PT_TOKEN_NOT_JSON, NULL, 0, PT_LIFETIME_GIVEN},
    {"string", DATA("\"t\""), PT_TOKEN_NOT_JSON, NULL, 0, PT_LIFETIME_GIVEN},
    {"null", DATA("null"), PT_TOKEN_NOT_JSON, NULL, 0, PT_LIFETIME_GIVEN},
    {"truncated", DATA("{\"access_token\":\"abc"), PT_TOKEN_NOT_JSON, NULL, 0, PT_LIFETIME_GIVEN},
    {"trailing garbage", DATA("{\"access_token\":\"t\"}x"), PT_TOKEN_NOT_JSON, NULL, 0,
     PT_LIFETIME_GIVEN},
};

static void test_parse_table(void **state)
{
	size_t i;
	int bad = 0;
	struct pt_token *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	for (i = 0; i < sizeof(tok_rows) / sizeof(tok_rows[0]); i++) {
		const struct tok_row *r = &tok_rows[i];
		enum pt_token_status st;

		memset(t, 0, sizeof(*t));
		st = pt_token_parse(r->body, r->len, t);
		if (st != r->status) {
			print_error("row %zu (%s): expected %s, got %s\n", i, r->name, status_names[r->status],
			            status_names[st]);
			bad++;
			continue;
		}
		if (r->token && (!t->access_token || strcmp(t->access_token, r->token) != 0 ||
		                 t->expires_in != r->expires_in ||
		                 (r->lifetime != PT_LIFETIME_GIVEN && t->lifetime != r->lifetime))) {
			print_error("row %zu (%s): token \"%.40s\" expires_in %ld lifetime %d\n", i, r->name,
			            t->access_token ? t->access_token : "(none)", t->expires_in,
			            (int)t->lifetime);
			bad++;
		}
		/* nothing of a refused token is kept */
		if (!r->token && (t->access_token || t->expires_in != 0)) {
			print_error("row %zu (%s): refused, but the token was kept\n", i, r->name);
			bad++;
		}
		pt_token_clear(t);
	}
	free(t);
	assert_int_equal(bad, 0);
}

static void test_token_length(void **state)
{
	static const struct {
		size_t len;
		enum pt_token_status status;
	} rows[] = {
	    {1, PT_TOKEN_OK},
	    {4096, PT_TOKEN_OK},
	    {5480, PT_TOKEN_OK},
	    {16 * 1024, PT_TOKEN_OK},
	    {PT_TOKEN_MAX_CHARS - 1, PT_TOKEN_OK},
	    {PT_TOKEN_MAX_CHARS, PT_TOKEN_OK},
	    {PT_TOKEN_MAX_CHARS + 1, PT_TOKEN_TOO_LONG},
	    {1000000, PT_TOKEN_TOO_LONG},
	};
	struct pt_token *t = calloc(1, sizeof(*t));
	size_t i;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf body = {0};
		char *tok = malloc(rows[i].len + 1);

		assert_non_null(tok);
		memset(tok, 'a', rows[i].len);
		tok[rows[i].len] = '\0';
		pt_buf_printf(&body, "{\"access_token\":\"%s\",\"token_type\":\"Bearer\"}", tok);
		assert_false(body.failed);
		assert_int_equal(pt_token_parse(body.data, body.len, t), rows[i].status);
		if (rows[i].status == PT_TOKEN_OK) {
			assert_string_equal(t->access_token, tok);
			assert_int_equal(t->length, rows[i].len);
		} else {
			/* Nothing kept but the length, which the message names. */
			assert_null(t->access_token);
			assert_int_equal(t->length, rows[i].len);
		}
		pt_token_clear(t);
		free(tok);
		pt_buf_free(&body);
	}
	free(t);
}

static void test_status_text(void **state)
{
	static const enum pt_token_status all[] = {
	    PT_TOKEN_OK,       PT_TOKEN_NOT_JSON,   PT_TOKEN_NO_ACCESS_TOKEN, PT_TOKEN_BAD_CHARS,
	    PT_TOKEN_TOO_LONG, PT_TOKEN_NOT_BEARER, PT_TOKEN_TOO_LARGE,
	};
	size_t i;
	size_t k;

	(void)state;
	assert_string_equal(pt_token_status_text(PT_TOKEN_OK), "token accepted");
	assert_string_equal(pt_token_status_text(PT_TOKEN_NOT_JSON),
	                    "token response is not a JSON object");
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *s = pt_token_status_text(all[i]);

		assert_non_null(s);
		assert_true(*s);
		assert_null(strchr(s, '\n'));
		for (k = 0; k < i; k++) {
			assert_string_not_equal(s, pt_token_status_text(all[k]));
		}
	}
}

/* --- request body ------------------------------------------------------ */

struct body_row {
	const char *scope;
	const char *expect;
};

static const struct body_row body_rows[] = {
    {NULL, "{\"grant_type\":\"client_credentials\"}"},
    {"read", "{\"grant_type\":\"client_credentials\",\"scope\":\"read\"}"},
    {"read write", "{\"grant_type\":\"client_credentials\",\"scope\":\"read write\"}"},
    {"api/read", "{\"grant_type\":\"client_credentials\",\"scope\":\"api/read\"}"},
    {"a\"b", "{\"grant_type\":\"client_credentials\",\"scope\":\"a\\\"b\"}"},
    {"a\\b", "{\"grant_type\":\"client_credentials\",\"scope\":\"a\\\\b\"}"},
    {"\"}],\"grant_type\":\"password", "{\"grant_type\":\"client_credentials\",\"scope\":\"\\\"}],"
                                       "\\\"grant_type\\\":\\\"password\"}"},
    {"a\nb\tc", "{\"grant_type\":\"client_credentials\",\"scope\":\"a\\nb\\tc\"}"},
    {"\x01", "{\"grant_type\":\"client_credentials\",\"scope\":\"\\u0001\"}"},
    {"caf\xc3\xa9", "{\"grant_type\":\"client_credentials\",\"scope\":\"caf\xc3\xa9\"}"},
};

static void test_request_body(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(body_rows) / sizeof(body_rows[0]); i++) {
		struct pt_buf out = {0};
		bool ok = pt_token_request_body(body_rows[i].scope, &out);

		if (!ok || strcmp(pt_buf_str(&out), body_rows[i].expect) != 0) {
			print_error("row %zu: ok=%d\n  expected %s\n  got      %s\n", i, ok,
			            body_rows[i].expect, pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* --- form body and RFC 6749 section 2.3.1 credentials ------------------ */

struct form_row {
	const char *in;
	const char *expect;
};

static const struct form_row form_rows[] = {
    {"", ""},
    {"plain", "plain"},
    {"AZaz09-._~", "AZaz09-._~"},
    /* the characters a naive Basic header gets wrong */
    {"a+b", "a%2Bb"},
    {"100%", "100%25"},
    {"id:with:colons", "id%3Awith%3Acolons"},
    {"a b", "a%20b"},
    {"a&b=c", "a%26b%3Dc"},
    {"caf\xc3\xa9", "caf%C3%A9"},
    {"\xe2\x82\xac", "%E2%82%AC"},
    {"/?#[]@!$'()*,;", "%2F%3F%23%5B%5D%40%21%24%27%28%29%2A%2C%3B"},
    {"\x01\x7f\xff", "%01%7F%FF"},
    {"s3cr+t%2B:\xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac",
     "s3cr%2Bt%252B%3A%C3%A4%C3%B6%C3%BC%20%E2%82%AC"},
};

static void test_form_encode(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(form_rows) / sizeof(form_rows[0]); i++) {
		struct pt_buf out = {0};
		bool ok = pt_token_form_encode(form_rows[i].in, &out);

		if (!ok || strcmp(pt_buf_str(&out), form_rows[i].expect) != 0) {
			print_error("row %zu: expected %s, got %s\n", i, form_rows[i].expect, pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* Appends to what the buffer holds, as the request builder uses it. */
static void test_form_encode_appends(void **state)
{
	struct pt_buf out = {0};

	(void)state;
	assert_true(pt_buf_puts(&out, "x="));
	assert_true(pt_token_form_encode("a:b", &out));
	assert_string_equal(pt_buf_str(&out), "x=a%3Ab");
	pt_buf_free(&out);
}

static void test_form_body(void **state)
{
	static const struct form_row rows[] = {
	    {NULL, "grant_type=client_credentials"},
	    {"read", "grant_type=client_credentials&scope=read"},
	    {"read write", "grant_type=client_credentials&scope=read%20write"},
	    {"a&grant_type=password", "grant_type=client_credentials&scope=a%26grant_type%3Dpassword"},
	    {"caf\xc3\xa9", "grant_type=client_credentials&scope=caf%C3%A9"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf out = {0};

		assert_true(pt_token_form_body(rows[i].in, &out));
		assert_string_equal(pt_buf_str(&out), rows[i].expect);
		pt_buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_table), cmocka_unit_test(test_token_length),
	    cmocka_unit_test(test_status_text), cmocka_unit_test(test_request_body),
	    cmocka_unit_test(test_form_encode), cmocka_unit_test(test_form_encode_appends),
	    cmocka_unit_test(test_form_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
