/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/perfdata.c: exact perfdata strings. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/perfdata.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Ranges used by the rows, parsed once. */
enum { R_NONE, R_1, R_2, R_5, R_TILDE10, R_AT12, R_10_20, R_UNSET, R_NEG0, R_COUNT };

static const char *const range_text[R_COUNT] = {
    NULL, "1", "2", "5", "~:10", "@1:2", "10:20", NULL, "~:-0",
};

static struct pt_range ranges[R_COUNT];

static int group_setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < R_COUNT; i++) {
		const char *why;

		if (range_text[i] && !pt_range_parse(range_text[i], &ranges[i], &why)) {
			return -1;
		}
	}
	return 0;
}

struct perf_row {
	const char *name;
	const char *label;
	double value;
	const char *uom;
	int decimals;
	int warn; /* index into ranges; R_NONE gives a NULL pointer */
	int crit;
	bool has_min;
	double min;
	bool has_max;
	double max;
	const char *expect;
};

static const struct perf_row perf_rows[] = {
    {"time, all fields", "time", 0.000551, "s", 6, R_1, R_2, true, 0, true, 10,
     "time=0.000551s;1;2;0;10"},
    {"time, no thresholds", "time", 0.000551, "s", 6, R_NONE, R_NONE, true, 0, true, 10,
     "time=0.000551s;;;0;10"},
    {"size with min only", "size", 274, "B", 0, R_NONE, R_NONE, true, 0, false, 0, "size=274B;;;0"},
    {"nothing but the value", "size", 274, "B", 0, R_NONE, R_NONE, false, 0, false, 0, "size=274B"},
    {"warn only", "time", 1, "s", 6, R_5, R_NONE, false, 0, false, 0, "time=1.000000s;5"},
    {"crit only", "time", 1, "s", 6, R_NONE, R_5, false, 0, false, 0, "time=1.000000s;;5"},
    {"max only", "time", 1, "s", 6, R_NONE, R_NONE, false, 0, true, 10, "time=1.000000s;;;;10"},
    {"unset ranges are empty", "time", 1, "s", 6, R_UNSET, R_UNSET, false, 0, false, 0,
     "time=1.000000s"},
    {"range thresholds", "time", 1, "s", 6, R_TILDE10, R_AT12, false, 0, false, 0,
     "time=1.000000s;~:10;@1:2"},
    {"10:20 threshold", "time", 15, "s", 6, R_10_20, R_NONE, true, 0, false, 0,
     "time=15.000000s;10:20;;0"},
    {"no UOM", "time_auth", 0.25, "", 6, R_NONE, R_NONE, true, 0, false, 0,
     "time_auth=0.250000;;;0"},
    {"NULL UOM", "count", 3, NULL, 0, R_NONE, R_NONE, false, 0, false, 0, "count=3"},
    {"digits and underscore", "time_tls2", 0, "s", 6, R_NONE, R_NONE, true, 0, true, 10,
     "time_tls2=0.000000s;;;0;10"},
    {"min/max trimmed", "time", 0.5, "s", 6, R_NONE, R_NONE, true, 0.25, true, 10.5,
     "time=0.500000s;;;0.25;10.5"},
    {"rounding to the decimals", "size", 274.6, "B", 0, R_NONE, R_NONE, false, 0, false, 0,
     "size=275B"},
    {"-0 value", "time", -0.0, "s", 6, R_NONE, R_NONE, false, 0, false, 0, "time=0.000000s"},
    {"tiny negative value", "time", -0.0000001, "s", 6, R_NONE, R_NONE, false, 0, false, 0,
     "time=0.000000s"},
    {"-0 min", "time", 1, "s", 6, R_NONE, R_NONE, true, -0.0, false, 0, "time=1.000000s;;;0"},
    {"-0 in a range", "time", 1, "s", 6, R_NEG0, R_NONE, false, 0, false, 0, "time=1.000000s;~:0"},
    {"negative value", "delta", -1.5, "s", 6, R_NONE, R_NONE, false, 0, false, 0,
     "delta=-1.500000s"},
    {"NaN value", "time", NAN, "s", 6, R_1, R_2, true, 0, true, 10, "time=Us;1;2;0;10"},
    {"infinite value", "time", INFINITY, "s", 6, R_NONE, R_NONE, false, 0, false, 0, "time=Us"},
    {"big value without exponent", "size", 1e20, "B", 0, R_NONE, R_NONE, false, 0, false, 0,
     "size=100000000000000000000B"},
};

static void test_items(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(perf_rows) / sizeof(perf_rows[0]); i++) {
		const struct perf_row *r = &perf_rows[i];
		struct pt_perf p = {
		    .label = r->label,
		    .value = r->value,
		    .uom = r->uom,
		    .decimals = r->decimals,
		    .warn = r->warn == R_NONE ? NULL : &ranges[r->warn],
		    .crit = r->crit == R_NONE ? NULL : &ranges[r->crit],
		    .has_min = r->has_min,
		    .min = r->min,
		    .has_max = r->has_max,
		    .max = r->max,
		};
		struct pt_buf out = {0};
		bool ok = pt_perf_append(&out, &p);

		if (!ok || strcmp(pt_buf_str(&out), r->expect) != 0) {
			print_error("row %zu (%s): ok=%d\n  expected \"%s\"\n  got      \"%s\"\n", i, r->name,
			            ok, r->expect, pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* Items are separated by exactly one space; the first has none. */
static void test_separator(void **state)
{
	struct pt_perf time = {.label = "time",
	                       .value = 0.5,
	                       .uom = "s",
	                       .decimals = 6,
	                       .warn = &ranges[R_1],
	                       .crit = &ranges[R_2],
	                       .has_min = true,
	                       .has_max = true,
	                       .max = 10};
	struct pt_perf size = {.label = "size", .value = 274, .uom = "B", .has_min = true};
	struct pt_perf auth = {.label = "time_auth", .value = 0, .uom = "s", .decimals = 6};
	struct pt_buf out = {0};

	(void)state;
	assert_true(pt_perf_append(&out, &time));
	assert_string_equal(pt_buf_str(&out), "time=0.500000s;1;2;0;10");
	assert_true(pt_perf_append(&out, &size));
	assert_true(pt_perf_append(&out, &auth));
	assert_string_equal(pt_buf_str(&out),
	                    "time=0.500000s;1;2;0;10 size=274B;;;0 time_auth=0.000000s");
	pt_buf_free(&out);

	/* a non-empty buffer gets the space too */
	assert_true(pt_buf_puts(&out, "x=1"));
	assert_true(pt_perf_append(&out, &size));
	assert_string_equal(pt_buf_str(&out), "x=1 size=274B;;;0");
	pt_buf_free(&out);
}

static void test_invalid_labels(void **state)
{
	static const char *const labels[] = {
	    NULL,          "",       "Time",   "TIME",       "time total", " time",
	    "time ",       "a=b",    "a'b",    "'time'",     "time|x",     "time;x",
	    "t\xc3\xafme", "time\n", "time\t", "time-total", "time.total", "time:1",
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		struct pt_perf p = {.label = labels[i], .value = 1, .uom = "s", .decimals = 6};
		struct pt_buf out = {0};

		assert_true(pt_buf_puts(&out, "before"));
		if (pt_perf_append(&out, &p) || strcmp(pt_buf_str(&out), "before") != 0) {
			print_error("row %zu: label \"%s\" accepted or output changed: \"%s\"\n", i,
			            labels[i] ? labels[i] : "(null)", pt_buf_str(&out));
			bad++;
		}
		pt_buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* What comes out parses with the Guidelines' grammar: no exponent, no
 * comma, '.' as the decimal point. */
static void test_grammar_characters(void **state)
{
	static const double values[] = {1e300, 1e-300, -123456.789, 0.1, 3};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct pt_perf p = {.label = "v",
		                    .value = values[i],
		                    .uom = "",
		                    .decimals = 6,
		                    .has_min = true,
		                    .min = values[i],
		                    .has_max = true,
		                    .max = values[i]};
		struct pt_buf out = {0};
		const char *s;

		assert_true(pt_perf_append(&out, &p));
		s = pt_buf_str(&out);
		assert_true(strncmp(s, "v=", 2) == 0);
		assert_int_equal(strspn(s + 2, "-0123456789.;"), strlen(s + 2));
		pt_buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_items),
	    cmocka_unit_test(test_separator),
	    cmocka_unit_test(test_invalid_labels),
	    cmocka_unit_test(test_grammar_characters),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
