/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/util/number.c: fixed-point text for perfdata. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/number.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct num_row {
	double v;
	int decimals;
	bool trim;
	const char *expect;
};

static const struct num_row num_rows[] = {
    {0.000551, 6, false, "0.000551"},
    {0.000551, 6, true, "0.000551"},
    {10, 6, false, "10.000000"},
    {10, 6, true, "10"},
    {100, 6, true, "100"},
    {1000, 3, true, "1000"},
    {1.5, 6, true, "1.5"},
    {10.1, 2, true, "10.1"},
    {0.1234567, 6, false, "0.123457"},
    {274, 0, false, "274"},
    {274, 0, true, "274"},
    {0, 6, false, "0.000000"},
    {0, 6, true, "0"},
    {0, 0, false, "0"},
    {-1.5, 6, true, "-1.5"},
    {-1.5, 6, false, "-1.500000"},
    {-10, 0, false, "-10"},
    {-0.000001, 6, false, "-0.000001"},
    {1e20, 0, false, "100000000000000000000"},
    {1e-7, 6, true, "0"},
    {12345.678, 3, false, "12345.678"},
    /* never "-0" */
    {-0.0, 6, false, "0.000000"},
    {-0.0, 6, true, "0"},
    {-0.0, 0, false, "0"},
    {-0.0000001, 6, false, "0.000000"},
    {-0.0000001, 6, true, "0"},
    {-0.4, 0, false, "0"},
    {-0.4, 0, true, "0"},
    /* not finite */
    {NAN, 6, false, "U"},
    {-NAN, 6, true, "U"},
    {INFINITY, 6, false, "U"},
    {-INFINITY, 0, true, "U"},
};

static void test_format_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(num_rows) / sizeof(num_rows[0]); i++) {
		const struct num_row *r = &num_rows[i];
		char out[400] = "garbage";

		if (!pt_num_format(out, sizeof(out), r->v, r->decimals, r->trim) ||
		    strcmp(out, r->expect) != 0) {
			print_error("row %zu: %.17g (%d, %s): expected \"%s\", got \"%s\"\n", i, r->v,
			            r->decimals, r->trim ? "trim" : "keep", r->expect, out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Never an exponent, even for extreme values. */
static void test_no_exponent(void **state)
{
	static const double values[] = {1e300, -1e300, 1e-300, 5e-324, 1.7976931348623157e308};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char out[400];

		assert_true(pt_num_format(out, sizeof(out), values[i], 6, true));
		assert_null(strchr(out, 'e'));
		assert_null(strchr(out, 'E'));
		assert_int_equal(strspn(out, "-0123456789."), strlen(out));
	}
}

static void test_buffer_bounds(void **state)
{
	char out[400];

	(void)state;
	assert_false(pt_num_format(out, 0, 1, 0, false));
	assert_false(pt_num_format(out, 1, 1, 0, false));
	assert_true(pt_num_format(out, 2, 1, 0, false));
	assert_string_equal(out, "1");
	assert_true(pt_num_format(out, 2, NAN, 6, false));
	assert_string_equal(out, "U");
	assert_false(pt_num_format(out, 2, 10, 0, false));
	assert_true(pt_num_format(out, 3, 10, 0, false));
	assert_string_equal(out, "10");
	/* "10.000000" needs 10 bytes, even when trimming afterwards */
	assert_false(pt_num_format(out, 9, 10, 6, false));
	assert_true(pt_num_format(out, 10, 10, 6, false));
	assert_string_equal(out, "10.000000");
	assert_false(pt_num_format(out, 64, 1e300, 6, false));
}

/* A host program may switch to a locale with a decimal comma. */
static void test_locale(void **state)
{
	static const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE"};
	const char *set = NULL;
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(locales) / sizeof(locales[0]) && !set; i++) {
		set = setlocale(LC_NUMERIC, locales[i]);
	}
	if (!set) {
		skip();
	}
	assert_true(pt_num_format(out, sizeof(out), 1.5, 6, false));
	setlocale(LC_NUMERIC, "C");
	assert_string_equal(out, "1.500000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_table),
	    cmocka_unit_test(test_no_exponent),
	    cmocka_unit_test(test_buffer_bounds),
	    cmocka_unit_test(test_locale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
