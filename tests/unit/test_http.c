/* Unit tests for the pure helpers of lib/probe/http.c: the --connect-to
 * entry, version names, the no-proxy matching that decides whether a
 * request went through a proxy, and the reason phrases; and URL redaction
 * (lib/util/redact.c) of the URLs http.c shows. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/http.h"
#include "util/buf.h"
#include "util/redact.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static void test_redact_url(void **state)
{
	static const char *const rows[][2] = {
	    {"https://api.example/v3.8/x", "https://api.example/v3.8/x"},
	    {"https://u:pw@api.example/x", "https://<redacted>@api.example/x"},
	    {"https://u@api.example:8443/x", "https://<redacted>@api.example:8443/x"},
	    {"http://a@b@host/x", "http://<redacted>@host/x"},
	    {"https://h/x?key=SECRET", "https://h/x?key=<redacted>"},
	    {"https://h/x?key=S&b=2&flag", "https://h/x?key=<redacted>&b=<redacted>&<redacted>"},
	    {"https://h/x?a=1#frag", "https://h/x?a=<redacted>#<redacted>"},
	    {"https://h/x#frag", "https://h/x#<redacted>"},
	    {"https://h/a@b?x=@", "https://h/a@b?x=<redacted>"},
	    {"https://u:p@[::1]:8443/x?k=v", "https://<redacted>@[::1]:8443/x?k=<redacted>"},
	    {"/relative?k=v", "/relative?k=<redacted>"},
	    {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf out = {0};

		pt_redact_url(&out, rows[i][0], strlen(rows[i][0]));
		if (strcmp(pt_buf_str(&out), rows[i][1]) != 0) {
			fail_msg("'%s' gave '%s', expected '%s'", rows[i][0], pt_buf_str(&out), rows[i][1]);
		}
		pt_buf_free(&out);
	}
}

static void test_connect_to_entry(void **state)
{
	static const char *const rows[][3] = {
	    {"https://api.example/v3.8/distributor", "10.0.0.1:443", "api.example:443:10.0.0.1:443"},
	    {"http://api.example/v3.8", "10.0.0.1:8080", "api.example:80:10.0.0.1:8080"},
	    {"https://api.example:8443/x", "[::1]:9", "api.example:8443:[::1]:9"},
	    {"https://[::1]:8443/x", "127.0.0.1:9", "[::1]:8443:127.0.0.1:9"},
	    {"https://u:p@api.example/x?key=k", "h:1", "api.example:443:h:1"},
	};
	char out[300];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!pt_http_connect_to_entry(rows[i][0], rows[i][1], out, sizeof(out)) ||
		    strcmp(out, rows[i][2]) != 0) {
			fail_msg("'%s' -> '%s': got '%s', expected '%s'", rows[i][0], rows[i][1], out,
			         rows[i][2]);
		}
	}
	assert_false(pt_http_connect_to_entry("https://api.example/x", "h:1", out, 10));
	assert_false(pt_http_connect_to_entry("not a url", "h:1", out, sizeof(out)));
}

static void test_version_names(void **state)
{
	(void)state;
	assert_string_equal(pt_http_version_name(CURL_HTTP_VERSION_1_0), "1.0");
	assert_string_equal(pt_http_version_name(CURL_HTTP_VERSION_1_1), "1.1");
	assert_string_equal(pt_http_version_name(CURL_HTTP_VERSION_2_0), "2");
	assert_null(pt_http_version_name(0));
}

struct np_row {
	const char *host;
	const char *list;
	bool match;
};

/* Each row was checked against curl 7.88.1's --noproxy on this machine
 * (a proxy that is down, a server on loopback). */
static const struct np_row np_rows[] = {
    /* no list, or a list of nothing */
    {"127.0.0.1", NULL, false},
    {"127.0.0.1", "", false},
    {"127.0.0.1", ",", false},
    {"127.0.0.1", " , ", false},
    /* "*" alone matches everything; inside a list it is just a name */
    {"127.0.0.1", "*", true},
    {"api.example.com", "*", true},
    {"[::1]", "*", true},
    {"127.0.0.1", "*,x", false},
    /* IPv4 addresses and ranges */
    {"127.0.0.1", "127.0.0.1", true},
    {"127.0.0.1", "example.com 127.0.0.1", true},
    {"127.0.0.1", "example.com, 127.0.0.1", true},
    {"127.0.0.1", " 127.0.0.1", true},
    {"127.0.0.1", "127.0.0.1 ,x", true},
    {"127.0.0.1", "127.0.0.0/8", true},
    {"127.0.0.1", "10.0.0.0/8,127.0.0.0/8", true},
    {"127.0.0.1", "127.0.0.1/0", true}, /* 0 bits: the whole address */
    {"127.0.0.1", "127.0.0.2/32", false},
    {"127.0.0.1", "127.0.0.2", false},
    {"127.0.0.1", "127.0.0.10", false},
    {"127.0.0.1", ".0.0.1", false},
    {"127.0.0.1", "0.0.1", false},
    {"127.0.0.1", "localhost", false},
    {"10.1.2.3", "10.1.0.0/16", true},
    {"10.2.2.3", "10.1.0.0/16", false},
    {"10.1.2.3", "10.1.2.0/23", true},
    {"10.1.4.3", "10.1.2.0/23", false},
    {"10.1.2.3", "10.1.2.0/33", false},
    /* IPv6, with or without brackets */
    {"[::1]", "::1", true},
    {"::1", "::1", true},
    {"[::1]", "[::1]", false},
    {"[::1]", "::2", false},
    {"[::1]", "127.0.0.1", false},
#if LIBCURL_VERSION_NUM <= 0x075801
    /* libcurl 7.88 matches no IPv6 range (checked with 7.88.1) */
    {"[2001:db8::5]", "2001:db8::/32", false},
    {"[::1]", "::1/128", false},
#else
    {"[2001:db8::5]", "2001:db8::/32", true},
#endif
    {"[2001:db9::5]", "2001:db8::/32", false},
    /* names: exact, or a domain tail; a leading dot is ignored */
    {"localhost", "localhost", true},
    {"localhost", ".localhost", true},
    {"localhost", "LOCALHOST", true},
    {"localhost", "host", false},
    {"localhost", "calhost", false},
    {"api.example.com", "example.com", true},
    {"api.example.com", ".example.com", true},
    {"api.example.com", "example.com.", true},
    {"api.example.com.", "example.com", true},
    {"notexample.com", "example.com", false},
    {"example.com", "api.example.com", false},
    {"example.com", "com", true},
    {"example.com", "foo.org,bar.net", false},
    {"example.com", "foo.org,example.com", true},
};

static void test_noproxy_match(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(np_rows) / sizeof(np_rows[0]); i++) {
		const struct np_row *r = &np_rows[i];
		bool got = pt_http_noproxy_match(r->host, r->list);

		if (got != r->match) {
			print_error("row %zu: host %s, list \"%s\": expected %d, got %d\n", i, r->host,
			            r->list ? r->list : "(null)", r->match, got);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Hosts and lists that do not fit the buffers are no match, not a crash. */
static void test_noproxy_long_input(void **state)
{
	char host[400];
	char list[400];

	(void)state;
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	assert_false(pt_http_noproxy_match(host, "example.com"));
	memset(list, '1', sizeof(list) - 1);
	list[sizeof(list) - 1] = '\0';
	assert_false(pt_http_noproxy_match("127.0.0.1", list));
	assert_false(pt_http_noproxy_match("[::1", "::1"));
	assert_false(pt_http_noproxy_match("", "*x"));
}

static void test_reason(void **state)
{
	(void)state;
	assert_string_equal(pt_http_reason(407), "Proxy Authentication Required");
	assert_string_equal(pt_http_reason(403), "Forbidden");
	assert_string_equal(pt_http_reason(503), "Service Unavailable");
	assert_string_equal(pt_http_reason(299), "");
	assert_string_equal(pt_http_reason(0), "");
	assert_string_equal(pt_http_outcome_name(PT_HTTP_PROXY), "proxy failure");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_redact_url),         cmocka_unit_test(test_connect_to_entry),
	    cmocka_unit_test(test_version_names),      cmocka_unit_test(test_noproxy_match),
	    cmocka_unit_test(test_noproxy_long_input), cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
