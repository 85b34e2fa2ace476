/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/probe/phases.c: libcurl's marks to phases that add
 * up to the total, in every case. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe/phases.h"

#include <stdio.h>
#include <string.h>

#define NO -1 /* phase not reported */

/* Marks in microseconds, expected phases in microseconds (NO: absent). */
struct row {
	const char *name;
	struct pt_marks m;
	int64_t phase[PT_PHASE_COUNT]; /* resolve connect tls processing transfer */
};

/* Seconds back to microseconds (all values here are >= 0). */
static int64_t us_of(double s)
{
	return (int64_t)(s * 1e6 + 0.5);
}

static const struct row rows[] = {
    /* plain http, complete */
    {"http",
     {.dns = 10, .tcp = 30, .first = 100, .total = 120, .complete = true},
     {10, 20, NO, 70, 20}},
    /* https, complete, the handshake began right after TCP */
    {"https",
     {.dns = 10,
      .tcp = 30,
      .tls = 80,
      .first = 100,
      .total = 120,
      .tls_start = 31,
      .tls_expected = true,
      .complete = true},
     {10, 21, 49, 20, 20}},
    /* https without our TLS-start mark: libcurl's TCP mark ends connect */
    {"https, no tls_start",
     {.dns = 10,
      .tcp = 30,
      .tls = 80,
      .first = 100,
      .total = 120,
      .tls_expected = true,
      .complete = true},
     {10, 20, 50, 20, 20}},
    /* through a proxy: TCP to the proxy at 30, CONNECT answered, TLS from 60:
     * the tunnel belongs to connect */
    {"https via proxy",
     {.dns = 10,
      .tcp = 30,
      .tls = 90,
      .first = 110,
      .total = 130,
      .tls_start = 60,
      .tls_expected = true,
      .complete = true},
     {10, 50, 30, 20, 20}},
    /* the proxy refused the tunnel: TCP to the proxy, no handshake began */
    {"proxy CONNECT refused",
     {.dns = 10, .tcp = 30, .total = 70, .tls_expected = true},
     {10, 60, NO, NO, NO}},
    /* failed TLS handshake: libcurl 7.88 leaves its TCP mark at 0 */
    {"TLS handshake failed",
     {.dns = 10, .tls_start = 40, .total = 90, .tls_expected = true},
     {10, 30, 50, NO, NO}},
    {"TLS handshake failed, TCP mark set",
     {.dns = 10, .tcp = 35, .tls_start = 40, .total = 90, .tls_expected = true},
     {10, 30, 50, NO, NO}},
    /* DNS failure, connection refused, timeout while waiting */
    {"DNS failed", {.total = 50}, {50, NO, NO, NO, NO}},
    {"connection refused", {.dns = 10, .total = 25}, {10, 15, NO, NO, NO}},
    {"connection refused, https",
     {.dns = 10, .total = 25, .tls_expected = true},
     {10, 15, NO, NO, NO}},
    {"no answer", {.dns = 10, .tcp = 30, .total = 5000}, {10, 20, NO, 4970, NO}},
    {"body cut short", {.dns = 10, .tcp = 30, .first = 100, .total = 400}, {10, 20, NO, 70, 300}},
    {"https body cut short",
     {.dns = 10,
      .tcp = 30,
      .tls = 80,
      .first = 100,
      .total = 400,
      .tls_start = 30,
      .tls_expected = true},
     {10, 20, 50, 20, 300}},
    /* an address literal: libcurl's lookup mark can be 0 */
    {"no lookup mark",
     {.tcp = 30, .first = 100, .total = 120, .complete = true},
     {0, 30, NO, 70, 20}},
    /* marks out of order by a microsecond: the later phase takes 0, none
     * negative, the sum still the total */
    {"connect before lookup",
     {.dns = 31, .tcp = 30, .first = 100, .total = 120, .complete = true},
     {31, 0, NO, 69, 20}},
    {"first byte before TLS end",
     {.dns = 10,
      .tcp = 30,
      .tls = 101,
      .first = 100,
      .total = 120,
      .tls_start = 30,
      .tls_expected = true,
      .complete = true},
     {10, 20, 71, 0, 19}},
    {"first byte after total",
     {.dns = 10, .tcp = 30, .first = 130, .total = 120, .complete = true},
     {10, 20, NO, 90, 0}},
    {"tls_start after the TLS end",
     {.dns = 10,
      .tcp = 30,
      .tls = 80,
      .first = 100,
      .total = 120,
      .tls_start = 85,
      .tls_expected = true,
      .complete = true},
     {10, 75, 0, 15, 20}},
    /* one redirect on a new connection: hop 1 dns 10 tcp 30 first 100,
     * its answer done at 150 (redirect); hop 2 adds dns 5, tcp 20,
     * first 60 and ends at total 150 + 80 */
    {"redirect, new connection",
     {.dns = 15,
      .tcp = 50,
      .first = 160,
      .base_dns = 10,
      .base_tcp = 30,
      .base_first = 100,
      .redirect = 150,
      .total = 230,
      .complete = true},
     {5, 15, NO, 150 + 40, 20}},
    /* the same on a reused connection: hop 2 adds 1 us to lookup and
     * connect (libcurl's minimum) */
    {"redirect, reused connection",
     {.dns = 11,
      .tcp = 31,
      .first = 140,
      .base_dns = 10,
      .base_tcp = 30,
      .base_first = 100,
      .redirect = 150,
      .total = 200,
      .complete = true},
     {1, 0, NO, 150 + 39, 10}},
    /* http -> https: hop 1 had no TLS mark */
    {"redirect http to https",
     {.dns = 15,
      .tcp = 50,
      .tls = 90,
      .first = 210,
      .base_dns = 10,
      .base_tcp = 30,
      .base_first = 100,
      .redirect = 150,
      .total = 280,
      .tls_start = 150 + 21,
      .tls_expected = true,
      .complete = true},
     {5, 16, 69, 150 + 20, 20}},
    /* https -> https, two hops, the old TLS-start mark (hop 1) ignored for
     * a reused connection */
    {"redirect https reused",
     {.dns = 11,
      .tcp = 31,
      .tls = 81,
      .first = 130,
      .base_dns = 10,
      .base_tcp = 30,
      .base_tls = 80,
      .base_first = 100,
      .redirect = 150,
      .total = 200,
      .tls_start = 31,
      .tls_expected = true,
      .complete = true},
     {1, 0, 0, 150 + 29, 20}},
    /* the same as libcurl 7.88 really leaves it (issue 20 item 9): no TLS
     * mark on the reused connection, only our request mark; TLS is still
     * reported, as 0, so the labels do not depend on reuse */
    {"redirect https reused, no TLS mark",
     {.dns = 11,
      .tcp = 30,
      .tls = 80,
      .first = 130,
      .base_dns = 10,
      .base_tcp = 30,
      .base_tls = 80,
      .base_first = 100,
      .redirect = 150,
      .total = 200,
      .tls_start = 31,
      .tls_expected = true,
      .tls_possible = true,
      .request_sent = true,
      .complete = true},
     {1, 0, 0, 150 + 29, 20}},
    {"redirect https reused, no marks at all but the first byte",
     {.dns = 10,
      .tcp = 30,
      .tls = 80,
      .first = 130,
      .base_dns = 10,
      .base_tcp = 30,
      .base_tls = 80,
      .base_first = 100,
      .redirect = 150,
      .total = 200,
      .tls_expected = true,
      .tls_possible = true,
      .complete = true},
     {0, 0, 0, 150 + 30, 20}},
    /* http with --follow-redirects, ending on http: TLS was possible and
     * took no time */
    {"http, redirects followed, no TLS",
     {.dns = 10, .tcp = 30, .first = 100, .total = 120, .tls_possible = true, .complete = true},
     {10, 20, 0, 70, 20}},
    {"http, redirects followed, refused",
     {.dns = 10, .total = 25, .tls_possible = true},
     {10, 15, NO, NO, NO}},
    {"http, redirects followed, no answer",
     {.dns = 10, .tcp = 30, .total = 5000, .tls_possible = true, .request_sent = true},
     {10, 20, 0, 4970, NO}},
    /* a reused connection that never answers: the request went out, so
     * the time is the server's, not the connection's */
    {"redirect https reused, then no answer",
     {.dns = 11,
      .tcp = 30,
      .tls = 80,
      .first = 100,
      .base_dns = 10,
      .base_tcp = 30,
      .base_tls = 80,
      .base_first = 100,
      .redirect = 150,
      .total = 5150,
      .tls_start = 31,
      .tls_expected = true,
      .tls_possible = true,
      .request_sent = true},
     {1, 0, 0, 150 + 4999, NO}},
    /* 103 Early Hints at 100 (libcurl's first byte), the final status line
     * 900 us later: the wait is processing, not transfer (item 5) */
    {"103 then 200",
     {.dns = 10,
      .tcp = 30,
      .tls = 80,
      .first = 100,
      .total = 1020,
      .tls_start = 30,
      .tls_expected = true,
      .tls_possible = true,
      .request_sent = true,
      .informational = true,
      .final_after_informational = 900 + 1,
      .complete = true},
     {10, 20, 50, 920, 20}},
    {"103 then 200, the final line past the total",
     {.dns = 10,
      .tcp = 30,
      .first = 100,
      .total = 1020,
      .request_sent = true,
      .informational = true,
      .final_after_informational = 5000,
      .complete = true},
     {10, 20, NO, 990, 0}},
    /* 103, then nothing: no answer, so processing never ended */
    {"103 then a stall",
     {.dns = 10,
      .tcp = 30,
      .first = 100,
      .total = 5000,
      .request_sent = true,
      .informational = true},
     {10, 20, NO, 4970, NO}},
    {"103 then 200, body cut short",
     {.dns = 10,
      .tcp = 30,
      .first = 100,
      .total = 2000,
      .request_sent = true,
      .informational = true,
      .final_after_informational = 901},
     {10, 20, NO, 970, 1000}},
    /* the redirect target refused the connection */
    {"redirect, then refused",
     {.dns = 15, .base_dns = 10, .base_tcp = 30, .base_first = 100, .redirect = 150, .total = 190},
     {5, 35, NO, 150, NO}},
    /* a redirect, then a failed handshake on the new host */
    {"redirect, then TLS failed",
     {.dns = 15,
      .base_dns = 10,
      .base_tcp = 30,
      .base_first = 100,
      .redirect = 150,
      .tls_start = 150 + 20,
      .total = 260,
      .tls_expected = true},
     {5, 15, 90, 150, NO}},
    /* the redirect mark past the total (clock noise) */
    {"redirect past total",
     {.dns = 11,
      .tcp = 31,
      .first = 140,
      .base_dns = 10,
      .base_tcp = 30,
      .base_first = 100,
      .redirect = 250,
      .total = 200,
      .complete = true},
     {0, 0, NO, 200, 0}},
    /* nothing at all (an internal error before the transfer) */
    {"nothing", {.complete = false}, {0, NO, NO, NO, NO}},
    {"complete, zero total", {.complete = true}, {NO, NO, NO, NO, 0}},
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct pt_timings t;
		int64_t sum = 0;

		pt_phases_from_marks(&r->m, &t);
		for (int p = 0; p < PT_PHASE_COUNT; p++) {
			int64_t got = us_of(t.phase[p]);

			if (r->phase[p] == NO) {
				if (t.reached[p]) {
					fail_msg("%s: phase %d reported (%lld us), expected absent", r->name, p,
					         (long long)got);
				}
				continue;
			}
			if (!t.reached[p] || got != r->phase[p]) {
				fail_msg("%s: phase %d is %lld us (reached %d), expected %lld", r->name, p,
				         (long long)got, t.reached[p], (long long)r->phase[p]);
			}
			sum += got;
		}
		if (sum != us_of(t.total)) {
			fail_msg("%s: phases add up to %lld us, total %f s", r->name, (long long)sum, t.total);
		}
	}
}

/* Every combination of marks in a small grid: phases never negative,
 * the reported ones add up to the total exactly. */
static void test_grid(void **state)
{
	static const int64_t v[] = {0, 1, 7, 20, 50};
	unsigned long cases = 0;

	(void)state;
	for (int dns = 0; dns < 5; dns++)
		for (int tcp = 0; tcp < 5; tcp++)
			for (int tls = 0; tls < 5; tls++)
				for (int first = 0; first < 5; first++)
					for (int start = 0; start < 5; start++)
						for (int red = 0; red < 5; red++)
							for (int flags = 0; flags < 64; flags++) {
								struct pt_marks m = {
								    .dns = v[dns],
								    .tcp = v[tcp],
								    .tls = v[tls],
								    .first = v[first],
								    .tls_start = v[start],
								    .redirect = v[red],
								    .base_dns = v[red] ? 1 : 0,
								    .base_first = v[red] ? 1 : 0,
								    .total = 40,
								    .complete = flags & 1,
								    .tls_expected = flags & 2,
								    .tls_possible = flags & 4,
								    .request_sent = flags & 8,
								    .informational = flags & 16,
								    .final_after_informational = flags & 32 ? v[first] : 0,
								};
								struct pt_timings t;
								int64_t sum = 0;

								pt_phases_from_marks(&m, &t);
								for (int p = 0; p < PT_PHASE_COUNT; p++) {
									assert_true(t.phase[p] >= 0);
									if (t.reached[p]) {
										sum += us_of(t.phase[p]);
									}
								}
								assert_int_equal(sum, 40);
								cases++;
							}
	assert_int_equal(cases, 5 * 5 * 5 * 5 * 5 * 5 * 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_grid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
