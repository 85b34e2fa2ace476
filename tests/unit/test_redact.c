/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/util/redact.c: credentials out of URLs and of text
 * that quotes them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
	const char *in;
	const char *out;
};

static const struct row url_rows[] = {
    {"https://api.example.com/v3.8/distributor", "https://api.example.com/v3.8/distributor"},
    {"http://bob:BasePass@127.0.0.1:8080/v3.8", "http://<redacted>@127.0.0.1:8080/v3.8"},
    {"http://bob@h/", "http://<redacted>@h/"},
    {"https://u@api.example:8443/x", "https://<redacted>@api.example:8443/x"},
    {"http://a:b@c@h:1", "http://<redacted>@h:1"},
    {"https://h/t?client_secret=S3cr&scope=x",
     "https://h/t?client_secret=<redacted>&scope=<redacted>"},
    {"https://h/t?TOKENONLY", "https://h/t?<redacted>"},
    {"https://h/t?a=&b=1", "https://h/t?a=&b=<redacted>"},
    {"https://h/t?a=1#frag", "https://h/t?a=<redacted>#<redacted>"},
    {"https://h/x#frag", "https://h/x#<redacted>"},
    {"https://h/x?key=S&b=2&flag", "https://h/x?key=<redacted>&b=<redacted>&<redacted>"},
    /* Up to the last '@' before the query: a raw '/' in a password too. */
    {"https://h/p@x?k=v", "https://<redacted>@x?k=<redacted>"},
    {"http://user:Px/SECRET@127.0.0.1:9", "http://<redacted>@127.0.0.1:9"},
    {"http://u:p@h/a?next=x@y", "http://<redacted>@h/a?next=<redacted>"},
    {"https://h/a@b?x=@", "https://<redacted>@b?x=<redacted>"},
    /* Every URL of a word, not only the first. */
    {"http://h/a,http://user:SECRET@h2/x", "http://h/a,http://<redacted>@h2/x"},
    {"http://a/,https://u:p@b/,ftp://c:d@e/f?k=v",
     "http://a/,https://<redacted>@b/,ftp://<redacted>@e/f?k=<redacted>"},
    {"http://http://u:p@h", "http://http://<redacted>@h"},
    {"http://h/x,u:p@g/", "http://<redacted>@g/"},
    {"/p,http://u:p@h/?k=v", "/p,http://<redacted>@h/?k=<redacted>"},
    {"http://a/x?q=1,http://u:p@b/", "http://a/x?q=<redacted>"},
    {"http://h/@://u:p@g", "http://<redacted>@g"},
    {"http://u:p@[::1]:99/?key=K", "http://<redacted>@[::1]:99/?key=<redacted>"},
    {"/v3.8/distributor/system/ping?key=K1", "/v3.8/distributor/system/ping?key=<redacted>"},
    {"HTTPS://U:P@H", "HTTPS://<redacted>@H"},
    {"", ""},
    {"no-url-at-all", "no-url-at-all"},
};

static const struct row text_rows[] = {
    {"Unsupported proxy syntax in 'http://user:S3cret@127.0.0.1:99999'",
     "Unsupported proxy syntax in 'http://<redacted>@127.0.0.1:99999'"},
    {"bad proxy user:S3cret@127.0.0.1:3128 here", "bad proxy <redacted>@127.0.0.1:3128 here"},
    {"GET /v3.8/distributor/system/ping?key=K HTTP/1.1",
     "GET /v3.8/distributor/system/ping?key=<redacted> HTTP/1.1"},
    {"Location: https://u:p@h/x?code=C", "Location: https://<redacted>@h/x?code=<redacted>"},
    {"proxy:http://u:p@h", "proxy:http://<redacted>@h"},
    {"Unsupported proxy syntax in 'http://h/a,http://user:SECRET@h2/'",
     "Unsupported proxy syntax in 'http://h/a,http://<redacted>@h2/'"},
    {"Unsupported proxy syntax in 'http://user:Px/SECRET@127.0.0.1:9'",
     "Unsupported proxy syntax in 'http://<redacted>@127.0.0.1:9'"},
    {"user:S@h,http://u:p@x/", "<redacted>@h,http://<redacted>@x/"},
    {"GET /a,http://u:p@h/ HTTP/1.1", "GET /a,http://<redacted>@h/ HTTP/1.1"},
    {"Could not resolve host: example.com", "Could not resolve host: example.com"},
    {"two \"http://a:b@h\" and <ftp://c:d@g/?x=y>",
     "two \"http://<redacted>@h\" and <ftp://<redacted>@g/?x=<redacted>>"},
    {"", ""},
};

static void check(const struct row *rows, size_t n, bool text)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct pt_buf out = {0};
		bool ok = text ? pt_redact_text(&out, rows[i].in, strlen(rows[i].in))
		               : pt_redact_url(&out, rows[i].in, strlen(rows[i].in));

		if (!ok || strcmp(pt_buf_str(&out), rows[i].out) != 0) {
			print_error("row %zu: ok=%d\n  in       \"%s\"\n  expected \"%s\"\n  got      \"%s\"\n",
			            i, ok, rows[i].in, rows[i].out, pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

static void test_url(void **state)
{
	(void)state;
	check(url_rows, sizeof(url_rows) / sizeof(url_rows[0]), false);
}

static void test_text(void **state)
{
	(void)state;
	check(text_rows, sizeof(text_rows) / sizeof(text_rows[0]), true);
}

/* Only the given length is read: no NUL needed, nothing past it. */
static void test_length_bound(void **state)
{
	struct pt_buf out = {0};
	static const char in[] = "http://u:p@h/?a=1XXXX";

	(void)state;
	assert_true(pt_redact_url(&out, in, sizeof(in) - 1 - 4));
	assert_string_equal(pt_buf_str(&out), "http://<redacted>@h/?a=<redacted>");
	pt_buf_free(&out);
}

/* Random text with every character the parser looks at: no read past
 * the given length and no crash (the sanitizer build checks the reads). */
static void test_random(void **state)
{
	static const char alphabet[] = "ab:/@?&=#%' \"<>S";
	char in[64];

	(void)state;
	srand(7);
	for (int n = 0; n < 20000; n++) {
		size_t len = (size_t)(rand() % 40);
		struct pt_buf out = {0};

		for (size_t i = 0; i < len; i++) {
			in[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		}
		in[len] = '\0';
		assert_true(pt_redact_text(&out, in, len));
		assert_int_equal(out.len, out.data ? strlen(out.data) : 0);
		pt_buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_length_bound),
	    cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
