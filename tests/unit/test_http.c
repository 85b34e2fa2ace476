/* Unit tests for the pure helpers of lib/probe/http.c: the --connect-to
 * entry and version names; and URL redaction (lib/util/redact.c) of the
 * URLs http.c shows. */
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
	    {"https://h/a@b?x=@", "https://<redacted>@b?x=<redacted>"},
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_redact_url),
	    cmocka_unit_test(test_connect_to_entry),
	    cmocka_unit_test(test_version_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
