/* Unit tests for lib/plugin/url_redact.c: no userinfo and no query value
 * survives. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/url_redact.h"

#include <string.h>

static const struct {
	const char *in;
	const char *out;
} rows[] = {
    {"https://h/v3.8/distributor/system/ping", "https://h/v3.8/distributor/system/ping"},
    {"https://u:p@h:8443/x", "https://h:8443/x"},
    {"https://u:p@ss@h/x", "https://h/x"}, /* the last '@' ends the userinfo */
    {"http://h/x?key=s3cret", "http://h/x?key=<redacted>"},
    {"http://h/x?a=1&b=2&flag", "http://h/x?a=<redacted>&b=<redacted>&flag"},
    {"http://u@h?a=1", "http://h?a=<redacted>"},
    {"http://h/x?a=1#frag", "http://h/x?a=<redacted>"},
    {"http://h/p@x", "http://h/p@x"}, /* an '@' in the path is no userinfo */
    {"http://h/x?", "http://h/x?"},
    {"", ""},
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_buf out = {0};

		assert_true(pt_url_redact(rows[i].in, &out));
		assert_string_equal(pt_buf_str(&out), rows[i].out);
		pt_buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
