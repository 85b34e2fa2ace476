/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/range.c against the Development Guidelines'
 * range table and command-line examples. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/range.h"

#include <stdio.h>
#include <string.h>

#define OK   0
#define WARN 1
#define CRIT 2

/* --- evaluation ------------------------------------------------------ */

struct alert_row {
	const char *range;
	double value;
	bool alert;
};

static const struct alert_row alert_rows[] = {
    /* "10": outside 0..10 */
    {"10", -1, true},
    {"10", -0.000001, true},
    {"10", 0, false},
    {"10", 0.000001, false},
    {"10", 5, false},
    {"10", 9.999999, false},
    {"10", 10, false},
    {"10", 10.000001, true},
    {"10", 1e12, true},
    /* "10:": below 10 */
    {"10:", -5, true},
    {"10:", 0, true},
    {"10:", 9.999999, true},
    {"10:", 10, false},
    {"10:", 10.000001, false},
    {"10:", 1e12, false},
    /* "~:10": above 10 */
    {"~:10", -1e12, false},
    {"~:10", -1, false},
    {"~:10", 9.999999, false},
    {"~:10", 10, false},
    {"~:10", 10.000001, true},
    /* "10:20": outside 10..20 */
    {"10:20", 9.999999, true},
    {"10:20", 10, false},
    {"10:20", 15, false},
    {"10:20", 20, false},
    {"10:20", 20.000001, true},
    {"10:20", -15, true},
    /* "@10:20": inside 10..20 */
    {"@10:20", 9.999999, false},
    {"@10:20", 10, true},
    {"@10:20", 15, true},
    {"@10:20", 20, true},
    {"@10:20", 20.000001, false},
    /* "0" */
    {"0", -0.000001, true},
    {"0", 0, false},
    {"0", 0.000001, true},
    /* negatives */
    {"-10:-5", -10.000001, true},
    {"-10:-5", -10, false},
    {"-10:-5", -7.5, false},
    {"-10:-5", -5, false},
    {"-10:-5", -4.999999, true},
    {"-10:-5", 0, true},
    {"-5:", -5.000001, true},
    {"-5:", -5, false},
    {"~:-1", -1, false},
    {"~:-1", -0.999999, true},
    {"@-5:5", -5.000001, false},
    {"@-5:5", -5, true},
    {"@-5:5", 0, true},
    {"@-5:5", 5, true},
    {"@-5:5", 5.000001, false},
    {"-1.5:2.25", -1.5, false},
    {"-1.5:2.25", -1.500001, true},
    {"-1.5:2.25", 2.25, false},
    {"-1.5:2.25", 2.250001, true},
    /* fractions */
    {"0.5", 0.5, false},
    {"0.5", 0.500001, true},
    {".5", 0.5, false},
    {"1.", 1, false},
    /* other "@" forms */
    {"@10", -0.000001, false},
    {"@10", 0, true},
    {"@10", 10, true},
    {"@10", 10.000001, false},
    {"@10:", 9.999999, false},
    {"@10:", 10, true},
    {"@~:10", 10, true},
    {"@~:10", 10.000001, false},
    /* the whole line */
    {"~:", -1e12, false},
    {"~:", 1e12, false},
    {"@~:", 0, true},
    /* the MP test suite's big start */
    {"123456789012345:", 123456789012345.0, false},
    {"123456789012345:", 123456789012344.0, true},
};

static void test_alert_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(alert_rows) / sizeof(alert_rows[0]); i++) {
		const struct alert_row *row = &alert_rows[i];
		struct pt_range r;
		const char *why = "unset";

		if (!pt_range_parse(row->range, &r, &why)) {
			print_error("row %zu: \"%s\" refused: %s\n", i, row->range, why);
			bad++;
			continue;
		}
		if (why != NULL || !r.set) {
			print_error("row %zu: \"%s\": why or set wrong\n", i, row->range);
			bad++;
		}
		if (pt_range_alert(&r, row->value) != row->alert) {
			print_error("row %zu: \"%s\" with %.9g: expected %s\n", i, row->range, row->value,
			            row->alert ? "alert" : "no alert");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_parsed_fields(void **state)
{
	struct pt_range r;
	const char *why;

	(void)state;
	assert_true(pt_range_parse("@-1.5:~", &r, &why) == false);
	assert_true(pt_range_parse("@-1.5:2", &r, &why));
	assert_true(r.alert_inside && r.set);
	assert_false(r.start_infinite || r.end_infinite);
	assert_true(r.start == -1.5 && r.end == 2);

	assert_true(pt_range_parse("~:3", &r, &why));
	assert_true(r.start_infinite && !r.end_infinite && !r.alert_inside);
	assert_true(r.end == 3);

	assert_true(pt_range_parse("7", &r, &why));
	assert_true(r.start == 0 && r.end == 7 && !r.start_infinite && !r.end_infinite);

	assert_true(pt_range_parse("7:", &r, &why));
	assert_true(r.start == 7 && r.end_infinite);
}

static void test_unset_never_alerts(void **state)
{
	struct pt_range r = {0};

	(void)state;
	assert_false(pt_range_alert(&r, -1e12));
	assert_false(pt_range_alert(&r, 0));
	assert_false(pt_range_alert(&r, 1e12));
}

/* The guidelines' -w/-c examples; critical is checked first. */
static int status(const char *w, const char *c, double x)
{
	struct pt_range wr = {0};
	struct pt_range cr = {0};
	const char *why;

	if (w) {
		assert_true(pt_range_parse(w, &wr, &why));
	}
	if (c) {
		assert_true(pt_range_parse(c, &cr, &why));
	}
	if (pt_range_alert(&cr, x)) {
		return CRIT;
	}
	if (pt_range_alert(&wr, x)) {
		return WARN;
	}
	return OK;
}

struct example_row {
	const char *w;
	const char *c;
	double value;
	int state;
};

static const struct example_row example_rows[] = {
    /* -w10 -c20: CRIT if > 20, else WARN if > 10; CRIT if < 0 */
    {"10", "20", -0.5, CRIT},
    {"10", "20", 0, OK},
    {"10", "20", 10, OK},
    {"10", "20", 10.5, WARN},
    {"10", "20", 20, WARN},
    {"10", "20", 20.5, CRIT},
    /* -w~:10 -c~:20: the same, but negative values are OK */
    {"~:10", "~:20", -100, OK},
    {"~:10", "~:20", 10, OK},
    {"~:10", "~:20", 15, WARN},
    {"~:10", "~:20", 20, WARN},
    {"~:10", "~:20", 25, CRIT},
    /* -w10: -c20: CRIT if > 20, else WARN if < 10; CRIT if < 0 */
    {"10:", "20", -1, CRIT},
    {"10:", "20", 0, WARN},
    {"10:", "20", 9.5, WARN},
    {"10:", "20", 10, OK},
    {"10:", "20", 20, OK},
    {"10:", "20", 25, CRIT},
    /* -c1: CRIT if < 1 */
    {NULL, "1:", 0.5, CRIT},
    {NULL, "1:", 1, OK},
    {NULL, "1:", 1e9, OK},
    /* -w~:0 -c10: CRIT if > 10; WARN if > 0; CRIT if < 0 */
    {"~:0", "10", -1, CRIT},
    {"~:0", "10", 0, OK},
    {"~:0", "10", 0.5, WARN},
    {"~:0", "10", 10, WARN},
    {"~:0", "10", 11, CRIT},
    /* -c5:6: CRIT if < 5 or > 6 */
    {NULL, "5:6", 4.9, CRIT},
    {NULL, "5:6", 5, OK},
    {NULL, "5:6", 6, OK},
    {NULL, "5:6", 6.1, CRIT},
    /* -c@10:20: OK if < 10 or > 20, else CRIT */
    {NULL, "@10:20", 9.9, OK},
    {NULL, "@10:20", 10, CRIT},
    {NULL, "@10:20", 20, CRIT},
    {NULL, "@10:20", 20.1, OK},
};

static void test_guideline_examples(void **state)
{
	static const char *const names[] = {"OK", "WARNING", "CRITICAL"};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(example_rows) / sizeof(example_rows[0]); i++) {
		const struct example_row *row = &example_rows[i];
		int got = status(row->w, row->c, row->value);

		if (got != row->state) {
			print_error("row %zu: -w %s -c %s with %g: expected %s, got %s\n", i,
			            row->w ? row->w : "-", row->c, row->value, names[row->state], names[got]);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* --- malformed ranges -------------------------------------------------- */

struct bad_row {
	const char *range;
	const char *why;
};

static const struct bad_row bad_rows[] = {
    {"", "empty range"},
    {"@", "not a number"},
    {":", "missing start before ':'"},
    {"@:", "missing start before ':'"},
    {":10", "missing start before ':'"},
    {"10:5", "start is greater than end"},
    {"@10:5", "start is greater than end"},
    {"-1:-2", "start is greater than end"},
    {"1:2:3", "more than one ':'"},
    {"~:~:", "more than one ':'"},
    {"abc", "not a number"},
    {"abc:", "start is not a number"},
    {"1:abc", "end is not a number"},
    {"1e3", "not a number"},
    {"12345678901234567890:", "start is not a number"}, /* 1e15 and above */
    {"1000000000000000", "not a number"},
    {"1E3", "not a number"},
    {"1e3:", "start is not a number"},
    {"0x10", "not a number"},
    {"inf", "not a number"},
    {"-inf:", "start is not a number"},
    {"1:infinity", "end is not a number"},
    {"nan", "not a number"},
    {"NAN:1", "start is not a number"},
    {"--1", "not a number"},
    {"-+1", "not a number"},
    {"1..2", "not a number"},
    {"1.2.3:", "start is not a number"},
    {"-", "not a number"},
    {".", "not a number"},
    {"~", "not a number"},
    {"~10", "not a number"},
    {"1:~", "end is not a number"},
    {"@@1", "not a number"},
    {" 10", "not a number"},
    {"10 ", "not a number"},
    {"10: 20", "end is not a number"},
    {"1,2", "not a number"},
    {"10%", "not a number"},
    {"1:12%", "end is not a number"},
    {"10s", "not a number"},
    {"\xc2\xb9", "not a number"},
};

static void test_malformed(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		struct pt_range r = {0};
		const char *why = NULL;

		if (pt_range_parse(bad_rows[i].range, &r, &why)) {
			print_error("row %zu: \"%s\" accepted\n", i, bad_rows[i].range);
			bad++;
		} else if (!why || strcmp(why, bad_rows[i].why) != 0) {
			print_error("row %zu: \"%s\": expected \"%s\", got \"%s\"\n", i, bad_rows[i].range,
			            bad_rows[i].why, why ? why : "(null)");
			bad++;
		} else if (r.set) {
			print_error("row %zu: \"%s\": range marked as set\n", i, bad_rows[i].range);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_null(void **state)
{
	struct pt_range r = {0};
	const char *why = NULL;

	(void)state;
	assert_false(pt_range_parse(NULL, &r, &why));
	assert_string_equal(why, "empty range");
}

/* Numbers too long to be meant, and numbers beyond double. */
static void test_overlong_numbers(void **state)
{
	char text[1200];
	struct pt_range r = {0};
	const char *why = NULL;

	(void)state;
	/* 100 digits */
	memset(text, '1', 100);
	text[100] = '\0';
	assert_false(pt_range_parse(text, &r, &why));
	assert_string_equal(why, "not a number");

	/* 100 digits as a start */
	text[100] = ':';
	text[101] = '\0';
	assert_false(pt_range_parse(text, &r, &why));
	assert_string_equal(why, "start is not a number");

	/* 1000 digits as an end */
	text[0] = '0';
	text[1] = ':';
	memset(text + 2, '9', 1000);
	text[1002] = '\0';
	assert_false(pt_range_parse(text, &r, &why));
	assert_string_equal(why, "end is not a number");

	/* long fractions are fine up to a bound */
	assert_true(pt_range_parse("0.000000000000000000000000000001", &r, &why));
	assert_true(r.end > 0 && r.end < 1e-29);
	assert_false(r.set == false);
}

/* --- perfdata form ----------------------------------------------------- */

struct perf_row {
	const char *range;
	const char *expect;
};

static const struct perf_row perf_rows[] = {
    {"10", "10"},
    {"0:10", "10"},
    {"10.5", "10.5"},
    {"0.000001", "0.000001"},
    {"0.1234567", "0.123457"},
    {"0", "0"},
    {"10:20", "10:20"},
    {"@1:2", "@1:2"},
    {"@10", "@0:10"},
    {"~:3", "~:3"},
    {"@~:3", "@~:3"},
    {"5:", "5:"},
    {"0:", "0:"},
    {"~:", "~:"},
    {"-5:-1", "-5:-1"},
    {"-0.5:0.25", "-0.5:0.25"},
    {"1.50:2.000", "1.5:2"},
};

static void test_perfdata(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(perf_rows) / sizeof(perf_rows[0]); i++) {
		struct pt_range r;
		const char *why;
		char out[128] = "garbage";

		if (!pt_range_parse(perf_rows[i].range, &r, &why)) {
			print_error("row %zu: \"%s\" refused: %s\n", i, perf_rows[i].range, why);
			bad++;
			continue;
		}
		if (!pt_range_perfdata(&r, out, sizeof(out)) || strcmp(out, perf_rows[i].expect) != 0) {
			print_error("row %zu: \"%s\": expected \"%s\", got \"%s\"\n", i, perf_rows[i].range,
			            perf_rows[i].expect, out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_perfdata_unset_and_small(void **state)
{
	struct pt_range r = {0};
	const char *why;
	char out[8] = "garbage";

	(void)state;
	assert_true(pt_range_perfdata(&r, out, sizeof(out)));
	assert_string_equal(out, "");

	assert_true(pt_range_parse("10:20", &r, &why));
	assert_true(pt_range_perfdata(&r, out, 6));
	assert_string_equal(out, "10:20");
	assert_false(pt_range_perfdata(&r, out, 5));
	assert_false(pt_range_perfdata(&r, out, 2));

	assert_true(pt_range_parse("123456", &r, &why));
	assert_false(pt_range_perfdata(&r, out, 4));
}

/* -c covering -w (issue 21): WARNING can never be the outcome, as with
 * check_curl's "-w 2 -c 1". Times are never negative. */
static void test_covers(void **state)
{
	static const struct {
		const char *crit;
		const char *warn;
		bool covers;
	} rows[] = {
	    {"1", "2", true},        {"2", "1", false},    {"1", "1", true},
	    {"10:", "5:", true},     {"5:", "10:", false}, {"@0:5", "@1:2", true},
	    {"@1:2", "@0:5", false}, {"~:1", "~:2", true}, {"~:2", "~:1", false},
	    {"5", "10:", false},     {"1:2", "1:2", true}, {"1:2", "1:3", true},
	    {"1:3", "1:2", false},   {"@1:2", "1", false}, {"0:0", "0.5", true},
	    {"~:0", "@0.5:1", true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_range c;
		struct pt_range w;
		const char *why;

		assert_true(pt_range_parse(rows[i].crit, &c, &why));
		assert_true(pt_range_parse(rows[i].warn, &w, &why));
		if (pt_range_covers(&c, &w) != rows[i].covers) {
			fail_msg("row %zu: -c %s -w %s", i, rows[i].crit, rows[i].warn);
		}
	}
	{
		struct pt_range unset = {0};
		struct pt_range one;
		const char *why;

		assert_true(pt_range_parse("1", &one, &why));
		assert_false(pt_range_covers(&unset, &one));
		assert_false(pt_range_covers(&one, &unset));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alert_table),
	    cmocka_unit_test(test_parsed_fields),
	    cmocka_unit_test(test_unset_never_alerts),
	    cmocka_unit_test(test_guideline_examples),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_null),
	    cmocka_unit_test(test_overlong_numbers),
	    cmocka_unit_test(test_perfdata),
	    cmocka_unit_test(test_perfdata_unset_and_small),
	    cmocka_unit_test(test_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
