/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/proxy.c: the no-proxy matching that decides
 * whether a request went through a proxy; and http.c's reason phrases. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/http.h"
#include "probe/proxy.h"

#include <curl/curl.h>

#include <stdio.h>
#include <string.h>

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
		bool got = pt_proxy_noproxy_match(r->host, r->list);

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
	assert_false(pt_proxy_noproxy_match(host, "example.com"));
	memset(list, '1', sizeof(list) - 1);
	list[sizeof(list) - 1] = '\0';
	assert_false(pt_proxy_noproxy_match("127.0.0.1", list));
	assert_false(pt_proxy_noproxy_match("[::1", "::1"));
	assert_false(pt_proxy_noproxy_match("", "*x"));
}

static void test_reason(void **state)
{
	(void)state;
	assert_string_equal(pt_http_reason(407), "Proxy Authentication Required");
	assert_string_equal(pt_http_reason(403), "Forbidden");
	assert_string_equal(pt_http_reason(503), "Service Unavailable");
	assert_string_equal(pt_http_reason(299), "");
	assert_string_equal(pt_http_reason(0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_noproxy_match),
	    cmocka_unit_test(test_noproxy_long_input),
	    cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
