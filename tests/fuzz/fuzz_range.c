/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the threshold range parser (pt_range_parse) and, for every
 * range it accepts, its evaluation (pt_range_alert), its perfdata form
 * (pt_range_perfdata) and a perfdata item built from it (pt_perf_append).
 *
 * Invariants:
 * - a rejected range comes with a reason;
 * - an accepted range is ordered (start <= end when both are finite) and
 *   its ends are finite;
 * - pt_range_alert agrees with the range's definition at its ends, just
 *   beyond them and at +-infinity;
 * - pt_range_perfdata fits in a buffer exactly when the buffer is longer
 *   than the text, never writes past it, and its text re-parses to an
 *   equivalent range (same flags, ends equal up to the 6 decimals
 *   printed), whose own perfdata text is a fixed point. */
#include "config.h"

#include "plugin/perfdata.h"
#include "plugin/range.h"
#include "util/buf.h"

#include "harness.h"

#include <float.h>
#include <math.h>

/* pt_range_parse refuses numbers of 64 characters or more; a bit more
 * than two of them is all that is worth trying. */
#define TEXT_MAX 160

static bool close_enough(double a, double b)
{
	/* pt_range_perfdata prints 6 decimals, rounded. */
	return fabs(a - b) <= 1e-6 + 1e-12 * fabs(a);
}

static void check_point(const struct pt_range *r, double v, bool inside)
{
	FUZZ_CHECK(pt_range_alert(r, v) == (r->alert_inside ? inside : !inside));
}

static void check_alert(const struct pt_range *r)
{
	struct pt_range unset = {0};

	if (!r->start_infinite) {
		check_point(r, r->start, true);
		check_point(r, nextafter(r->start, -INFINITY), false);
	}
	if (!r->end_infinite) {
		check_point(r, r->end, true);
		check_point(r, nextafter(r->end, INFINITY), false);
	}
	if (!r->start_infinite && !r->end_infinite) {
		check_point(r, r->start / 2 + r->end / 2, true);
	}
	check_point(r, -INFINITY, r->start_infinite);
	check_point(r, INFINITY, r->end_infinite);
	/* Must not crash; the answer for NaN is not specified. */
	(void)pt_range_alert(r, NAN);
	FUZZ_CHECK(!pt_range_alert(&unset, 0.0));
	FUZZ_CHECK(!pt_range_alert(&unset, NAN));
}

/* Every buffer size from 0 to a bit past the text, each an exact-size
 * block so that ASan watches the writes. Success means the whole text
 * is there. A buffer with room for the untrimmed text always succeeds;
 * one between the two lengths may be refused, as pt_num_format prints
 * "%.6f" before it trims (at worst "-0.000000" for "0": 9 bytes more). */
static void check_sizes(const struct pt_range *r, const char *full)
{
	size_t len = strlen(full);

	for (size_t k = 0; k <= len + 16; k++) {
		char *buf = malloc(k ? k : 1);
		bool ok;

		FUZZ_CHECK(buf != NULL);
		ok = pt_range_perfdata(r, k ? buf : buf + 1, k);
		FUZZ_CHECK(!ok || k > len);
		FUZZ_CHECK(ok || k <= len + 9);
		if (ok) {
			FUZZ_CHECK(strcmp(buf, full) == 0);
		}
		free(buf);
	}
}

static void check_equivalent(const struct pt_range *a, const struct pt_range *b)
{
	FUZZ_CHECK(b->set);
	FUZZ_CHECK(a->alert_inside == b->alert_inside);
	FUZZ_CHECK(a->start_infinite == b->start_infinite);
	FUZZ_CHECK(a->end_infinite == b->end_infinite);
	if (!a->start_infinite) {
		FUZZ_CHECK(close_enough(a->start, b->start));
	}
	if (!a->end_infinite) {
		FUZZ_CHECK(close_enough(a->end, b->end));
	}
}

static void check_perf_item(const struct pt_range *r)
{
	struct pt_buf out = {0};
	struct pt_perf p = {
	    .label = "time",
	    .value = r->end_infinite ? 1.0 : r->end,
	    .uom = "s",
	    .decimals = 6,
	    .warn = r,
	    .crit = r,
	    .has_min = true,
	    .min = 0,
	};

	FUZZ_CHECK(pt_perf_append(&out, &p));
	FUZZ_CHECK(out.len > 0 && !out.failed);
	FUZZ_CHECK(strncmp(out.data, "time=", 5) == 0);
	/* One item: no blank, no quote, no line break, no trailing ';'. */
	FUZZ_CHECK(strpbrk(out.data, " '\n\r|") == NULL);
	FUZZ_CHECK(out.data[out.len - 1] != ';');
	pt_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_range r;
	struct pt_range r2;
	struct pt_range r3;
	const char *why = NULL;
	char full[256];
	char again[256];
	char *text;

	if (size > TEXT_MAX) {
		return 0;
	}
	text = fuzz_strndup(data, size);
	memset(&r, 0, sizeof(r));
	if (!pt_range_parse(text, &r, &why)) {
		FUZZ_CHECK(why != NULL && *why != '\0');
		free(text);
		return 0;
	}
	FUZZ_CHECK(why == NULL);
	FUZZ_CHECK(r.set);
	FUZZ_CHECK(r.start_infinite || isfinite(r.start));
	FUZZ_CHECK(r.end_infinite || isfinite(r.end));
	FUZZ_CHECK(r.start_infinite || r.end_infinite || r.start <= r.end);
	FUZZ_CHECK(r.alert_inside == (text[0] == '@'));

	check_alert(&r);

	FUZZ_CHECK(pt_range_perfdata(&r, full, sizeof(full)));
	FUZZ_CHECK(full[0] != '\0');
	check_sizes(&r, full);

	/* The perfdata text is a range again, and an equivalent one. */
	why = NULL;
	if (!pt_range_parse(full, &r2, &why)) {
		fprintf(stderr, "fuzz: perfdata text '%s' of range '%s' does not re-parse: %s\n", full,
		        text, why ? why : "(no reason)");
		FUZZ_CHECK(!"perfdata text re-parses");
	}
	check_equivalent(&r, &r2);
	FUZZ_CHECK(pt_range_perfdata(&r2, again, sizeof(again)));
	FUZZ_CHECK(pt_range_parse(again, &r3, &why));
	check_equivalent(&r2, &r3);
	{
		char third[256];

		FUZZ_CHECK(pt_range_perfdata(&r3, third, sizeof(third)));
		FUZZ_CHECK(strcmp(again, third) == 0);
	}

	check_perf_item(&r);
	free(text);
	return 0;
}
