/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for lib/plugin/output*.c: the Nagios format's size bound,
 * JSON escaping and nulls, Prometheus label escaping, and the early
 * (bad argument) output of each format. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct pt_output_target ping = {PT_ENDPOINT_PING, "production"};

static void test_nagios_bound(void **state)
{
	static struct pt_report r;
	struct pt_buf out = {0};
	char line[200];

	(void)state;
	memset(&r, 0, sizeof(r));
	pt_subcheck_add(&r.checks, PT_SUBCHECK_HTTP, "http", PT_OK, PT_REASON_OK, "HTTP 200");
	pt_report_finish(&r);
	pt_buf_puts(&r.perf, "time=1.000000s");
	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "detail %03d %0150d", i, i);
		pt_report_line(&r, "%s", line);
	}
	pt_output_nagios(&ping, &r, &out);
	assert_true(out.len <= PT_NAGIOS_OUTPUT_MAX);
	assert_true(out.len > PT_NAGIOS_OUTPUT_MAX - 300);
	assert_int_equal(strncmp(out.data, "PRIOTICKET PING OK - HTTP 200 | time=1.000000s\n", 47), 0);
	assert_non_null(strstr(out.data, "\n(long output cut: Nagios keeps 8192 bytes)\n"));
	/* Whole lines only. */
	assert_non_null(strstr(out.data, "\ndetail 000 "));
	assert_null(strstr(out.data, "\ndetail 099 "));
	pt_buf_free(&out);
	pt_report_free(&r);
}

/* What Sensu Go's nagios_perfdata extractor would take for a metric
 * after the '|' (long output included) shows its '=' as ':'; the rest,
 * URLs and paths above all, stays as it is. */
static const struct {
	const char *line;
	const char *shown;
} sensu_rows[] = {
    {"URL: http://h/sim/delay=2/v3.8/distributor/system/ping", NULL},
    {"Token: from the cache in /var/x=1/0/check_prioticket", NULL},
    {"> GET /sim/status=503/v3.8/distributor/system/ping HTTP/1.1", NULL},
    {"hint: --base-url=https://h/v3.8/distributor", NULL},
    {"hint: --expect-json wants PATH=VALUE[,VALUE...]", NULL},
    {"a=b two=1=2 v=. v=1-2 v=1.2.3 v=- ;x=1", NULL},
    {"API error description: evil / time=0s;1;2;0;10",
     "API error description: evil / time:0s;1;2;0;10"},
    {"< Content-Type: application/json; charset=utf-8",
     "< Content-Type: application/json; charset:utf-8"},
    {"< Strict-Transport-Security: max-age=31536000; x",
     "< Strict-Transport-Security: max-age:31536000; x"},
    {"v=-.5 v=5. v=a1b2 k=x1 end", "v:-.5 v:5. v:a1b2 k:x1 end"},
    /* A line break does not separate words for Sensu: "end\nend\nk=5" is
     * one. */
    {"end", NULL},
    {"k=5 rest", "k:5 rest"},
};

static void sensu_report(struct pt_report *r, bool perf)
{
	memset(r, 0, sizeof(*r));
	pt_subcheck_add(&r->checks, PT_SUBCHECK_HTTP, "http", PT_OK, PT_REASON_OK, "HTTP 200 a=1");
	pt_report_finish(r);
	if (perf) {
		pt_buf_puts(&r->perf, "time=1.000000s;;;0;10 size=15B;;;0");
	}
	for (size_t i = 0; i < sizeof(sensu_rows) / sizeof(sensu_rows[0]); i++) {
		pt_report_line(r, "%s", sensu_rows[i].line);
	}
}

static void test_nagios_sensu_guard(void **state)
{
	static struct pt_report r;
	struct pt_buf out = {0};
	struct pt_buf want = {0};

	(void)state;
	sensu_report(&r, true);
	pt_output_nagios(&ping, &r, &out);
	/* The text part is nothing to Sensu: kept. */
	pt_buf_puts(&want, "PRIOTICKET PING OK - HTTP 200 a=1 | time=1.000000s;;;0;10 size=15B;;;0\n"
	                   "[OK] http: HTTP 200 a:1\nReason: ok\n");
	for (size_t i = 0; i < sizeof(sensu_rows) / sizeof(sensu_rows[0]); i++) {
		pt_buf_printf(&want, "%s\n",
		              sensu_rows[i].shown ? sensu_rows[i].shown : sensu_rows[i].line);
	}
	assert_string_equal(pt_buf_str(&out), pt_buf_str(&want));
	pt_buf_free(&out);
	pt_buf_free(&want);
	pt_report_free(&r);

	/* Without perfdata there is no '|': Sensu takes nothing, all is kept. */
	sensu_report(&r, false);
	pt_output_nagios(&ping, &r, &out);
	for (size_t i = 0; i < sizeof(sensu_rows) / sizeof(sensu_rows[0]); i++) {
		pt_buf_printf(&want, "%s\n", sensu_rows[i].line);
	}
	assert_non_null(strstr(pt_buf_str(&out), pt_buf_str(&want)));
	pt_buf_free(&out);
	pt_buf_free(&want);
	pt_report_free(&r);
}

static void test_json_escapes_and_nulls(void **state)
{
	static struct pt_report r;
	struct pt_buf out = {0};
	struct pt_perf p = {.label = "time", .value = INFINITY, .uom = "s", .decimals = 6};

	(void)state;
	memset(&r, 0, sizeof(r));
	pt_subcheck_add(&r.checks, PT_SUBCHECK_JSON, "json:a\"b", PT_CRITICAL, PT_REASON_JSON,
	                "quote \" backslash \\ done");
	pt_subcheck_skip(&r.checks, PT_SUBCHECK_LATENCY, "latency", "no response");
	pt_report_perf(&r, &p);
	pt_report_finish(&r);
	pt_output_json(&ping, &r, &out);
	assert_non_null(strstr(out.data, "\"name\":\"json:a\\\"b\""));
	assert_non_null(strstr(out.data, "\"text\":\"quote \\\" backslash \\\\ done\""));
	assert_non_null(strstr(out.data, "{\"name\":\"latency\",\"state\":\"NOT_EVALUATED\","
	                                 "\"reason\":null,"));
	/* An infinite value is "U" in perfdata: null here. */
	assert_non_null(strstr(out.data, "\"value\":null,\"unit\":\"s\",\"warn\":null"));
	assert_non_null(
	    strstr(out.data, "\"state\":2,\"state_name\":\"CRITICAL\",\"reason\":\"json\""));
	assert_non_null(strstr(out.data, "\"request\":null,\"token_source\":null,\"details\":[]}\n"));
	pt_buf_free(&out);
	pt_report_free(&r);
}

static void test_prometheus_label_escapes(void **state)
{
	static struct pt_report r;
	struct pt_buf out = {0};
	const struct pt_output_target odd = {PT_ENDPOINT_STATUS, "a\"b\\c"};

	(void)state;
	memset(&r, 0, sizeof(r));
	pt_subcheck_add(&r.checks, PT_SUBCHECK_JSON, "json:x\\\"y", PT_WARNING, PT_REASON_JSON, "t");
	pt_report_finish(&r);
	pt_output_prometheus(&odd, &r, &out);
	assert_non_null(strstr(out.data, "prioticket_state{endpoint=\"status\","
	                                 "environment=\"a\\\"b\\\\c\",reason=\"json\"} 1\n"));
	assert_non_null(strstr(out.data, "subcheck=\"json:x\\\\\\\"y\"} 1\n"));
	assert_non_null(strstr(out.data, "# TYPE prioticket_probe_success gauge\n"));
	pt_buf_free(&out);
	pt_report_free(&r);
}

static void test_early_output(void **state)
{
	struct pt_buf out = {0};

	(void)state;
	pt_output_early(PT_FORMAT_NAGIOS, &ping, PT_UNKNOWN, PT_REASON_CONFIG, "bad | thing\n", &out);
	assert_string_equal(out.data, "PRIOTICKET PING UNKNOWN - bad / thing\n");
	pt_buf_free(&out);
	pt_output_early(PT_FORMAT_JSON, &ping, PT_UNKNOWN, PT_REASON_CONFIG, "bad", &out);
	assert_non_null(strstr(out.data, "\"state\":3,\"state_name\":\"UNKNOWN\",\"reason\":\"config\","
	                                 "\"summary\":\"bad\",\"subchecks\":[],\"perfdata\":[]"));
	pt_buf_free(&out);
	pt_output_early(PT_FORMAT_PROMETHEUS, &ping, PT_UNKNOWN, PT_REASON_CONFIG, "bad", &out);
	assert_non_null(strstr(
	    out.data,
	    "prioticket_state{endpoint=\"ping\",environment=\"production\",reason=\"config\"} 3\n"));
	/* What is wrong, in the format's comment line (issue 21). */
	{
		static const char want[] = "# PRIOTICKET PING UNKNOWN - bad\n# HELP ";

		assert_int_equal(strncmp(out.data, want, sizeof(want) - 1), 0);
	}
	pt_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nagios_bound),
	    cmocka_unit_test(test_nagios_sensu_guard),
	    cmocka_unit_test(test_json_escapes_and_nulls),
	    cmocka_unit_test(test_prometheus_label_escapes),
	    cmocka_unit_test(test_early_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
