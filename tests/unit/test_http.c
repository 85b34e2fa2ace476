/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the pure helpers of the probe layer's HTTP files: the
 * --connect-to entry (http_setup.c), version names (http.c) and where a
 * bound secret may go (http_binding.c). The redaction of the URLs they show
 * is test_redact.c's. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/http.h"
#include "probe/http_binding.h"
#include "probe/http_setup.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

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

/* Where a bound secret may go (issue 19): by libcurl's own reading of
 * the URL, whatever a variable made of it. */
static void test_binding_check(void **state)
{
	static const char *const hosts[] = {"distributor-api.prioticket.com", NULL};
	static const char *const origins[] = {"https://gw.example:8443", NULL};
	static const struct pt_binding b = {hosts, origins};
	static const struct {
		const char *url;
		bool insecure;
		enum pt_binding_verdict verdict;
		const char *origin;
	} rows[] = {
	    {"https://distributor-api.prioticket.com/v3.8/x", false, PT_BINDING_TLS,
	     "https://distributor-api.prioticket.com:443"},
	    {"https://DISTRIBUTOR-API.Prioticket.com:8443/x?key=K", false, PT_BINDING_TLS,
	     "https://distributor-api.prioticket.com:8443"},
	    {"http://distributor-api.prioticket.com/x", false, PT_BINDING_PLAIN,
	     "http://distributor-api.prioticket.com:80"},
	    {"https://distributor-api.prioticket.com/x", true, PT_BINDING_UNVERIFIED,
	     "https://distributor-api.prioticket.com:443"},
	    {"https://distributor-api.prioticket.com.evil.example/", false, PT_BINDING_ELSEWHERE,
	     "https://distributor-api.prioticket.com.evil.example:443"},
	    {"https://distributor-api.prioticket.com@evil.example/", false, PT_BINDING_ELSEWHERE,
	     "https://evil.example:443"},
	    {"https://evil.example/?h=distributor-api.prioticket.com", false, PT_BINDING_ELSEWHERE,
	     "https://evil.example:443"},
	    {"https://gw.example:8443/v3.8", false, PT_BINDING_TLS, "https://gw.example:8443"},
	    {"https://gw.example/v3.8", false, PT_BINDING_ELSEWHERE, "https://gw.example:443"},
	    {"http://gw.example:8443/v3.8", false, PT_BINDING_ELSEWHERE, "http://gw.example:8443"},
	    {"http://127.0.0.1:8080/x", true, PT_BINDING_LOOPBACK, "http://127.0.0.1:8080"},
	    {"http://127.9.8.7/x", false, PT_BINDING_LOOPBACK, "http://127.9.8.7:80"},
	    {"https://[::1]:9/x", false, PT_BINDING_LOOPBACK, "https://[::1]:9"},
	    {"http://LocalHost:1/", false, PT_BINDING_LOOPBACK, "http://localhost:1"},
	    {"http://127.0.0.1.evil.example/", false, PT_BINDING_ELSEWHERE,
	     "http://127.0.0.1.evil.example:80"},
	    {"http://[::ffff:127.0.0.1]/", false, PT_BINDING_LOOPBACK, "http://[::ffff:127.0.0.1]:80"},
	    {"http://[::2]/", false, PT_BINDING_ELSEWHERE, "http://[::2]:80"},
	    {"http://128.0.0.1/", false, PT_BINDING_ELSEWHERE, "http://128.0.0.1:80"},
	    {"http://exa mple/", false, PT_BINDING_BAD_URL, "a URL libcurl cannot parse"},
	};
	char origin[320];
	char detail[256];
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_tls_options tls = {NULL, NULL, rows[i].insecure, false};
		enum pt_binding_verdict v = pt_http_binding_check(rows[i].url, &tls, &b, origin,
		                                                  sizeof(origin), detail, sizeof(detail));

		if (v != rows[i].verdict || strcmp(origin, rows[i].origin) != 0) {
			print_error("row %zu: '%s' gave %d '%s', expected %d '%s'\n", i, rows[i].url, (int)v,
			            origin, (int)rows[i].verdict, rows[i].origin);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_connect_to_entry),
	    cmocka_unit_test(test_version_names),
	    cmocka_unit_test(test_binding_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
