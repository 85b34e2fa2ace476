/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the option parser: lib/plugin/options.c, the table and
 * its pre-scan (option_table.c), the value checks (option_values.c,
 * option_expect.c) and what a refused option says (option_errors.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plugin/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ARGS 16

/* Parses a NULL-terminated list of arguments (argv[0] added). */
static enum pt_options_result parse(struct pt_config *cfg, struct pt_buf *err, char **argv)
{
	char *args[MAX_ARGS + 2] = {"check_prioticket_ping"};
	int argc = 1;

	for (; argv && argv[argc - 1]; argc++) {
		args[argc] = argv[argc - 1];
	}
	pt_config_init(cfg, PT_ENDPOINT_PING);
	memset(err, 0, sizeof(*err));
	return pt_options_parse(argc, args, cfg, err);
}

static void clear_env(void)
{
	unsetenv("PRIOTICKET_CLIENT_ID");
	unsetenv("PRIOTICKET_CLIENT_SECRET");
	unsetenv("PRIOTICKET_API_KEY");
}

static void test_defaults(void **state)
{
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, NULL), PT_OPTIONS_RUN);
	assert_string_equal(cfg.environment, "production");
	assert_string_equal(cfg.api_version, "v3.8");
	assert_true(cfg.timeout == 10.0);
	assert_int_equal(cfg.timeout_state, PT_CRITICAL);
	assert_false(cfg.warning.set);
	assert_null(cfg.client_id);
	assert_int_equal(cfg.verbose, 0);
	pt_config_free(&cfg);
}

static void test_every_option_parses(void **state)
{
	char *argv[] = {"-E",   "staging", "-H",   "[::1]", "-p",
	                "8443", "-A",      "v3.5", "-w",    "~:1.5",
	                "-c",   "@2:3",    "-t",   "2.5",   "--timeout-result=unknown",
	                NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_RUN);
	assert_string_equal(cfg.environment, "staging");
	assert_string_equal(cfg.hostname, "[::1]");
	assert_int_equal(cfg.port, 8443);
	assert_string_equal(cfg.api_version, "v3.5");
	assert_true(cfg.warning.set && cfg.warning.start_infinite && cfg.warning.end == 1.5);
	assert_true(cfg.critical.alert_inside && cfg.critical.start == 2 && cfg.critical.end == 3);
	assert_true(cfg.timeout == 2.5);
	assert_int_equal(cfg.timeout_state, PT_UNKNOWN);
	pt_config_free(&cfg);
}

static void test_flags_and_verbosity(void **state)
{
	char *argv[] = {"-4", "--insecure", "--no-token-cache", "-vvvv", "-6", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_RUN);
	assert_int_equal(cfg.ip_version, 6); /* the last one wins */
	assert_true(cfg.insecure);
	assert_true(cfg.no_token_cache);
	assert_int_equal(cfg.verbose, 3); /* capped */
	pt_config_free(&cfg);
}

static void test_http_version_and_connect_to(void **state)
{
	char *h2[] = {"--http-version=2", "--connect-to", "[::1]:8443", NULL};
	char *h11[] = {"--http-version", "1.1", "--connect-to=edge-1.example.net:443", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, NULL), PT_OPTIONS_RUN);
	assert_int_not_equal(cfg.http_version, 2); /* HTTP/1.1 by default */
	assert_null(cfg.connect_to);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, h2), PT_OPTIONS_RUN);
	assert_int_equal(cfg.http_version, 2);
	assert_string_equal(cfg.connect_to, "[::1]:8443");
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, h11), PT_OPTIONS_RUN);
	assert_int_equal(cfg.http_version, 11);
	assert_string_equal(cfg.connect_to, "edge-1.example.net:443");
	pt_config_free(&cfg);
}

static void test_help_and_version(void **state)
{
	char *help[] = {"-w", "1", "--help", NULL};
	char *version[] = {"-V", NULL};
	char *both[] = {"-V", "-h", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	assert_int_equal(parse(&cfg, &err, help), PT_OPTIONS_HELP);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, version), PT_OPTIONS_VERSION);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, both), PT_OPTIONS_HELP);
	pt_config_free(&cfg);
}

struct bad_case {
	const char *opt;
	const char *value;
	const char *reason; /* a fragment of the one-line reason */
};

static void test_bad_values_give_one_line_reasons(void **state)
{
	static const struct bad_case cases[] = {
	    {"--environment", "prod", "--environment"},
	    {"--hostname", "a b", "--hostname"},
	    {"--hostname", "host/path", "--hostname"},
	    {"--hostname", "-x", "--hostname"},
	    {"--port", "0", "--port"},
	    {"--port", "65536", "--port"},
	    {"--port", "80a", "--port"},
	    {"--port", "-1", "--port"},
	    {"--api-version", "3.8", "--api-version"},
	    {"--api-version", "v3", "--api-version"},
	    {"--api-version", "v3.8x", "--api-version"},
	    {"--base-url", "ftp://x/", "--base-url"},
	    {"--base-url", "http://", "--base-url"},
	    {"--base-url", "http://a b/", "--base-url"},
	    {"--base-url", "https://x/#frag", "--base-url"},
	    {"--warning", "abc", "--warning"},
	    {"--warning", "5:1", "--warning"},
	    {"--critical", "", "--critical"},
	    {"--critical", "1e3", "--critical"},
	    {"--timeout", "0", "--timeout"},
	    {"--timeout", "-1", "--timeout"},
	    {"--timeout", "3601", "--timeout"},
	    {"--timeout", "1.2.3", "--timeout"},
	    {"--timeout", "nan", "--timeout"},
	    {"--timeout-result", "bad", "--timeout-result"},
	    {"--timeout-result", "4", "--timeout-result"},
	    {"--certificate", "7,30", "--certificate"},
	    {"--certificate", "x", "--certificate"},
	    {"--certificate", "30,", "--certificate"},
	    {"--client-id", "a:b", "--client-id"},
	    {"--client-id", "", "--client-id"},
	    {"--token-cache", "relative/dir", "--token-cache"},
	    {"--expect-json", "nopath", "--expect-json"},
	    {"--expect-json", "=value", "--expect-json"},
	    {"--ca-file", "/nonexistent/ca.pem", "--ca-file"},
	    {"--ca-path", "/etc/passwd", "--ca-path"},
	    {"--scope", "", "--scope"},
	    {"--proxy", "http://a b", "--proxy"},
	    {"--http-version", "3", "--http-version"},
	    {"--http-version", "1.0", "--http-version"},
	    {"--http-version", "", "--http-version"},
	    {"--http-version", "2.0", "--http-version"},
	    {"--connect-to", "127.0.0.1", "--connect-to"},
	    {"--connect-to", "127.0.0.1:0", "--connect-to"},
	    {"--connect-to", "127.0.0.1:65536", "--connect-to"},
	    {"--connect-to", "::1:443", "--connect-to"},
	    {"--connect-to", "[::1]", "--connect-to"},
	    {"--connect-to", "[::1]443", "--connect-to"},
	    {"--connect-to", ":443", "--connect-to"},
	    {"--connect-to", "a b:443", "--connect-to"},
	    {"--connect-to", "a:b:c:d", "--connect-to"},
	    {"--connect-to", "-x:443", "--connect-to"},
	    {"--token-body", "xml", "--token-body"},
	    {"--token-body", "JSON", "--token-body"},
	    {"--token-body", "", "--token-body"},
	    {"--proxy", "http://u:p%00@h:1", "--proxy"},
	    {"--proxy", "http://u%0a:p@h:1", "--proxy"},
	    {"--proxy", "socks5://u:p%1F@h", "--proxy"},
	    {"--proxy", "http://u:p%7f@h", "--proxy"},
	};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = {(char *)cases[i].opt, (char *)cases[i].value, NULL};
		enum pt_options_result r = parse(&cfg, &err, argv);

		if (r != PT_OPTIONS_ERROR || !strstr(pt_buf_str(&err), cases[i].reason) ||
		    strchr(pt_buf_str(&err), '\n')) {
			fail_msg("row %zu: %s '%s' gave %d, '%s'", i, cases[i].opt, cases[i].value, r,
			         pt_buf_str(&err));
		}
		pt_buf_free(&err);
		pt_config_free(&cfg);
	}
}

/* --token-body: json (Prioticket's) unless form is asked for; the last
 * one wins. */
static void test_token_body(void **state)
{
	char *form[] = {"--token-body=form", NULL};
	char *json[] = {"--token-body", "form", "--token-body=json", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, NULL), PT_OPTIONS_RUN);
	assert_false(cfg.token_body_form);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, form), PT_OPTIONS_RUN);
	assert_true(cfg.token_body_form);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, json), PT_OPTIONS_RUN);
	assert_false(cfg.token_body_form);
	pt_config_free(&cfg);
}

static void test_unknown_options_and_positional_arguments(void **state)
{
	char *unknown[] = {"--no-such-option", NULL};
	char *missing[] = {"-w", NULL};
	char *positional[] = {"stray", NULL};
	char *typo[] = {"--client-secre=hunter2-secret", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, unknown), PT_OPTIONS_ERROR);
	assert_non_null(strstr(pt_buf_str(&err), "--no-such-option"));
	pt_buf_free(&err);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, missing), PT_OPTIONS_ERROR);
	pt_buf_free(&err);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, positional), PT_OPTIONS_ERROR);
	assert_null(strstr(pt_buf_str(&err), "stray"));
	pt_buf_free(&err);
	pt_config_free(&cfg);
	/* A mistyped option never echoes what followed '=': it may be a secret. */
	assert_int_equal(parse(&cfg, &err, typo), PT_OPTIONS_ERROR);
	assert_null(strstr(pt_buf_str(&err), "hunter2"));
	pt_buf_free(&err);
	pt_config_free(&cfg);
}

/* A refused option says why, and names the option a typo most likely
 * meant (issue 21): the nearest long option by edit distance. */
static void test_refused_options_say_why(void **state)
{
	static const struct {
		const char *arg;
		const char *want;
	} rows[] = {
	    {"--warnig=1", "option '--warnig...' is not known; did you mean --warning? (see --help)"},
	    {"--verbsoe", "option '--verbsoe' is not known; did you mean --verbose? (see --help)"},
	    {"--TimeOut=3", "option '--TimeOut...' is not known; did you mean --timeout? (see --help)"},
	    {"--client-secert-file=/x",
	     "option '--client-secert-file...' is not known; did you mean --client-secret-file? "
	     "(see --help)"},
	    {"--nproxy=x", "option '--nproxy...' is not known; did you mean --proxy or --noproxy? "
	                   "(see --help)"},
	    {"--zzzz", "option '--zzzz' is not known (see --help)"},
	    {"--x=1", "option '--x...' is not known (see --help)"},
	    {"--=x", "option '--...' is not known (see --help)"},
	    {"-\xc3\xa9", "option '-\xc3\xa9' is not known (see --help)"},
	    {"--client", "option '--client' is ambiguous (--client-id, --client-secret-file, "
	                 "--client-secret) (see --help)"},
	    {"--insecure=1", "option '--insecure...' takes no value (see --help)"},
	    {"--warning", "option '--warning' needs a value (see --help)"},
	    {"-w", "option '-w' needs a value (see --help)"},
	    {"-vk", "option '-k' is not known (see --help)"},
	};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *argv[] = {(char *)rows[i].arg, NULL};

		assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_ERROR);
		if (strcmp(pt_buf_str(&err), rows[i].want) != 0) {
			fail_msg("row %zu: got \"%s\"", i, pt_buf_str(&err));
		}
		pt_buf_free(&err);
		pt_config_free(&cfg);
	}
}

static void test_credentials_from_the_environment(void **state)
{
	char *none[] = {NULL};
	char *cli[] = {"--client-id", "from-cli", "--client-secret", "cli-secret", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	setenv("PRIOTICKET_CLIENT_ID", "env-id", 1);
	setenv("PRIOTICKET_CLIENT_SECRET", "env-secret", 1);
	setenv("PRIOTICKET_API_KEY", "env-key", 1);
	assert_int_equal(parse(&cfg, &err, none), PT_OPTIONS_RUN);
	assert_string_equal(cfg.client_id, "env-id");
	assert_string_equal(cfg.client_secret, "env-secret");
	assert_string_equal(cfg.api_key, "env-key");
	pt_config_free(&cfg);
	/* A secret in the environment alone is not used: anonymous probe. */
	unsetenv("PRIOTICKET_CLIENT_ID");
	assert_int_equal(parse(&cfg, &err, none), PT_OPTIONS_RUN);
	assert_null(cfg.client_id);
	assert_null(cfg.client_secret);
	pt_config_free(&cfg);
	setenv("PRIOTICKET_CLIENT_ID", "env-id", 1);
	/* The command line wins over the environment. */
	assert_int_equal(parse(&cfg, &err, cli), PT_OPTIONS_RUN);
	assert_string_equal(cfg.client_id, "from-cli");
	assert_string_equal(cfg.client_secret, "cli-secret");
	pt_config_free(&cfg);
	clear_env();
}

static void test_half_credentials_are_refused(void **state)
{
	char *id_only[] = {"--client-id", "x", NULL};
	char *secret_only[] = {"--client-secret", "s", NULL};
	char *token_url_only[] = {"--token-url", "https://x/oauth2/token", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, id_only), PT_OPTIONS_ERROR);
	assert_non_null(strstr(pt_buf_str(&err), "no client secret"));
	pt_buf_free(&err);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, secret_only), PT_OPTIONS_ERROR);
	assert_non_null(strstr(pt_buf_str(&err), "no client id"));
	assert_null(strstr(pt_buf_str(&err), "s'"));
	pt_buf_free(&err);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, token_url_only), PT_OPTIONS_ERROR);
	pt_buf_free(&err);
	pt_config_free(&cfg);
}

static void test_secret_file_is_read(void **state)
{
	char path[] = "/tmp/pt-test-secret-XXXXXX";
	int fd = mkstemp(path);
	char *argv[] = {"--client-id", "id", "--client-secret-file", path, NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "file-secret\n", 12), 12);
	close(fd);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_RUN);
	assert_string_equal(cfg.client_secret, "file-secret");
	pt_config_free(&cfg);
	/* Readable by others: refused, and the reason does not quote it. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_ERROR);
	assert_null(strstr(pt_buf_str(&err), "file-secret"));
	pt_buf_free(&err);
	pt_config_free(&cfg);
	unlink(path);
}

static void test_expect_json(void **state)
{
	char *argv[] = {"--expect-json", "status=OK,DEGRADED", "--expect-json", "a.b.0=", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_RUN);
	assert_int_equal(cfg.nexpects, 2);
	assert_string_equal(cfg.expects[0].path, "status");
	assert_int_equal(cfg.expects[0].nvalues, 2);
	assert_string_equal(cfg.expects[0].values[0], "OK");
	assert_string_equal(cfg.expects[0].values[1], "DEGRADED");
	assert_string_equal(cfg.expects[1].path, "a.b.0");
	assert_int_equal(cfg.expects[1].nvalues, 1);
	assert_string_equal(cfg.expects[1].values[0], "");
	pt_config_free(&cfg);
}

/* Every --expect-json must hold: a second one for a path already
 * expected narrows it to the values both accept (one subcheck, one
 * series per path); with none in common no answer could ever pass, and
 * the arguments are refused. */
static void test_expect_json_same_path(void **state)
{
	char *narrow[] = {"--expect-json", "status=ok,fine", "--expect-json",
	                  "x=1",           "--expect-json",  "status=fine,degraded,ok",
	                  "--expect-json", "status=ok,fine", NULL};
	char *same[] = {"--expect-json", "status=ok", "--expect-json", "status=ok", NULL};
	char *disjoint[] = {"--expect-json", "status=ok", "--expect-json", "status=fine", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, narrow), PT_OPTIONS_RUN);
	assert_int_equal(cfg.nexpects, 2);
	assert_string_equal(cfg.expects[0].path, "status");
	assert_int_equal(cfg.expects[0].nvalues, 2);
	assert_string_equal(cfg.expects[0].values[0], "ok");
	assert_string_equal(cfg.expects[0].values[1], "fine");
	assert_string_equal(cfg.expects[1].path, "x");
	pt_config_free(&cfg);

	assert_int_equal(parse(&cfg, &err, same), PT_OPTIONS_RUN);
	assert_int_equal(cfg.nexpects, 1);
	assert_int_equal(cfg.expects[0].nvalues, 1);
	assert_string_equal(cfg.expects[0].values[0], "ok");
	pt_config_free(&cfg);

	assert_int_equal(parse(&cfg, &err, disjoint), PT_OPTIONS_ERROR);
	assert_string_equal(pt_buf_str(&err),
	                    "--expect-json: an earlier --expect-json for the same path shares no value "
	                    "with this one, so no answer can meet both; give every accepted value in "
	                    "one --expect-json, separated by commas: 'status...'");
	pt_buf_free(&err);
	pt_config_free(&cfg);
}

/* The limit counts paths: repeating one path narrows it instead. */
static void test_too_many_expectations(void **state)
{
	static char paths[PT_EXPECT_MAX + 1][16];
	char *argv[2 * (PT_EXPECT_MAX + 1) + 1];
	struct pt_config cfg;
	struct pt_buf err;
	int n = 0;

	(void)state;
	clear_env();
	for (int i = 0; i <= PT_EXPECT_MAX; i++) {
		snprintf(paths[i], sizeof(paths[i]), "a%d=b", i);
		argv[n++] = "--expect-json";
		argv[n++] = paths[i];
	}
	argv[n] = NULL;
	/* parse() holds MAX_ARGS arguments; call the parser directly. */
	{
		char *args[2 * (PT_EXPECT_MAX + 1) + 2] = {"check_prioticket_ping"};

		memcpy(args + 1, argv, (size_t)(n + 1) * sizeof(argv[0]));
		pt_config_init(&cfg, PT_ENDPOINT_PING);
		memset(&err, 0, sizeof(err));
		assert_int_equal(pt_options_parse(n + 1, args, &cfg, &err), PT_OPTIONS_ERROR);
	}
	pt_buf_free(&err);
	pt_config_free(&cfg);
}

static void test_certificate_needs_https(void **state)
{
	char *http[] = {"-u", "http://127.0.0.1/v3.8/distributor", "-C", "30,7", NULL};
	char *https[] = {"-u", "https://127.0.0.1/v3.8/distributor", "-C", "30", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	assert_int_equal(parse(&cfg, &err, http), PT_OPTIONS_ERROR);
	pt_buf_free(&err);
	pt_config_free(&cfg);
	assert_int_equal(parse(&cfg, &err, https), PT_OPTIONS_RUN);
	assert_true(cfg.cert_check);
	assert_int_equal(cfg.cert_warn_days, 30);
	assert_int_equal(cfg.cert_crit_days, 0);
	pt_config_free(&cfg);
}

static void test_scrub_argv_hides_the_secret(void **state)
{
	char a0[] = "check_prioticket_ping";
	char a1[] = "--client-secret=topsecret";
	char a2[] = "--client-secret";
	char a3[] = "second";
	char a4[] = "--client-secret-file=/x";
	char a5[] = "positional";
	char a6[] = "--client-secret";
	char a7[] = "third";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, NULL};

	(void)state;
	pt_options_scrub_argv(8, argv);
	assert_string_equal(argv[1], "--client-secret=xxxxxxxxx");
	assert_string_equal(argv[3], "xxxxxx");
	assert_string_equal(argv[4], "--client-secret-file=/x");
	assert_string_equal(argv[5], "positional");
	assert_string_equal(argv[7], "xxxxx");
}

static void test_parsing_twice_resets_getopt(void **state)
{
	char *argv[] = {"-w", "1", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	for (int i = 0; i < 2; i++) {
		assert_int_equal(parse(&cfg, &err, argv), PT_OPTIONS_RUN);
		assert_true(cfg.warning.set);
		pt_config_free(&cfg);
	}
}

/* The early look at argv for the hard stop's budget: -t in every
 * spelling getopt takes, the last one winning, values of other options
 * skipped, nothing after "--", invalid values ignored. */
static void test_prescan(void **state)
{
	static const struct {
		const char *args[6];
		double timeout;
		enum pt_state result;
	} rows[] = {
	    {{NULL}, 10.0, PT_CRITICAL},
	    {{"-t", "1", NULL}, 1.0, PT_CRITICAL},
	    {{"-t1.5", NULL}, 1.5, PT_CRITICAL},
	    {{"-vvt", "2", NULL}, 2.0, PT_CRITICAL},
	    {{"-vt3", NULL}, 3.0, PT_CRITICAL},
	    {{"--timeout=4", "--timeout-result=warning", NULL}, 4.0, PT_WARNING},
	    {{"--timeout", "5", "--timeout-result", "unknown", NULL}, 5.0, PT_UNKNOWN},
	    {{"-t", "1", "-t", "6", NULL}, 6.0, PT_CRITICAL},
	    {{"--scope", "-t", "7", NULL}, 10.0, PT_CRITICAL},
	    {{"-w", "-t7", NULL}, 10.0, PT_CRITICAL},
	    {{"--", "-t", "1", NULL}, 10.0, PT_CRITICAL},
	    {{"-t", "0", NULL}, 10.0, PT_CRITICAL},
	    {{"-t", "abc", "--timeout-result=maybe", NULL}, 10.0, PT_CRITICAL},
	    {{"--timeo=1", NULL}, 10.0, PT_CRITICAL},
	    {{"-t", NULL}, 10.0, PT_CRITICAL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *args[8] = {"check_prioticket_ping"};
		int argc = 1;
		struct pt_config cfg;

		for (; rows[i].args[argc - 1]; argc++) {
			args[argc] = (char *)rows[i].args[argc - 1];
		}
		pt_config_init(&cfg, PT_ENDPOINT_PING);
		pt_options_prescan(argc, args, &cfg);
		if (cfg.timeout != rows[i].timeout || cfg.timeout_state != rows[i].result) {
			fail_msg("row %zu: timeout %g state %d", i, cfg.timeout, (int)cfg.timeout_state);
		}
	}
}

/* The format and the timeout's state the first output speaks in, looked
 * up as getopt_long reads argv (issue 22, bug 1): a unique prefix names
 * an option, an exact name wins, an ambiguous prefix names none, the
 * last valid value wins, the value of another option is no option. */
static void test_prescan_abbreviations(void **state)
{
	static const struct {
		const char *args[5];
		enum pt_output_format format;
		enum pt_state result;
	} rows[] = {
	    {{"--output=json", "-w", "x", NULL}, PT_FORMAT_JSON, PT_CRITICAL},
	    {{"--output", "prometheus", NULL}, PT_FORMAT_PROMETHEUS, PT_CRITICAL},
	    {{"--o=json", NULL}, PT_FORMAT_JSON, PT_CRITICAL},
	    {{"--output-format=json", "--outp=nagios", NULL}, PT_FORMAT_NAGIOS, PT_CRITICAL},
	    {{"--output=json", "--output=xml", NULL}, PT_FORMAT_JSON, PT_CRITICAL},
	    {{"--scope", "--output=json", NULL}, PT_FORMAT_NAGIOS, PT_CRITICAL},
	    {{"--timeout-r=ok", NULL}, PT_FORMAT_NAGIOS, PT_OK},
	    {{"--timeout-result", "warning", "-t", "3", NULL}, PT_FORMAT_NAGIOS, PT_WARNING},
	    {{"--time=unknown", NULL}, PT_FORMAT_NAGIOS, PT_CRITICAL},
	    {{"x", "--output=json", NULL}, PT_FORMAT_JSON, PT_CRITICAL},
	    {{"--", "--output=json", NULL}, PT_FORMAT_NAGIOS, PT_CRITICAL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *args[8] = {"check_prioticket_ping"};
		int argc = 1;
		struct pt_config cfg;

		for (; rows[i].args[argc - 1]; argc++) {
			args[argc] = (char *)rows[i].args[argc - 1];
		}
		pt_config_init(&cfg, PT_ENDPOINT_PING);
		pt_options_prescan(argc, args, &cfg);
		if (cfg.output_format != rows[i].format || cfg.timeout_state != rows[i].result ||
		    pt_options_prescan_format(argc, args) != rows[i].format) {
			fail_msg("row %zu: format %d state %d", i, (int)cfg.output_format,
			         (int)cfg.timeout_state);
		}
	}
}

/* A value from an ini file is named by its origin, never echoed; one from
 * the command line still is. */
static void test_values_from_a_file_are_not_echoed(void **state)
{
	static const char secret[] = "Hunter2Password";
	static const struct {
		const char *arg;
		const char *want;
	} rows[] = {
	    {"-pHunter2Password", "--port: not a port number (1-65535) (from FILE-KEY; the value is "
	                          "not shown)"},
	    {"--port=Hunter2Password", "--port: not a port number (1-65535) (from FILE-KEY; the "
	                               "value is not shown)"},
	    {"-kHunter2Password", "the option from FILE-KEY is not known (see --help; the value is "
	                          "not shown)"},
	    {"--warnig=Hunter2Password", "the option from FILE-KEY is not known; did you mean "
	                                 "--warning? (see --help; the value is not shown)"},
	    {"--base-url=ftp://u:Hunter2Password@h", "--base-url: not an http:// or https:// URL "
	                                             "(from FILE-KEY; the value is not shown)"},
	};

	(void)state;
	clear_env();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *args[3] = {"check_prioticket_ping", strdup(rows[i].arg), NULL};
		const char *origin[3] = {NULL, "FILE-KEY", NULL};
		struct pt_config cfg;
		struct pt_buf err = {0};

		pt_config_init(&cfg, PT_ENDPOINT_PING);
		assert_int_equal(pt_options_parse_origins(2, args, origin, &cfg, &err), PT_OPTIONS_ERROR);
		assert_null(strstr(pt_buf_str(&err), secret));
		assert_string_equal(pt_buf_str(&err), rows[i].want);
		pt_config_free(&cfg);
		pt_buf_free(&err);
		free(args[1]);
	}
	{
		char *args[3] = {"check_prioticket_ping", strdup("-p99999x"), NULL};
		const char *origin[3] = {NULL, NULL, NULL};
		struct pt_config cfg;
		struct pt_buf err = {0};

		pt_config_init(&cfg, PT_ENDPOINT_PING);
		assert_int_equal(pt_options_parse_origins(2, args, origin, &cfg, &err), PT_OPTIONS_ERROR);
		assert_non_null(strstr(pt_buf_str(&err), "'99999x'"));
		pt_config_free(&cfg);
		pt_buf_free(&err);
		free(args[1]);
	}
}

/* A plain http:// token URL beside an https:// probe needs
 * --allow-http-token-url; beside a plain probe it does not. */
static void test_http_token_url(void **state)
{
	static const struct {
		const char *args[9];
		enum pt_options_result want;
	} rows[] = {
	    {{"--client-id", "c", "--client-secret", "s", "--token-url", "http://h/t", NULL},
	     PT_OPTIONS_ERROR},
	    {{"-u", "https://a/v3.8/distributor", "--client-id", "c", "--client-secret", "s",
	      "--token-url", "HTTP://h/t", NULL},
	     PT_OPTIONS_ERROR},
	    {{"--client-id", "c", "--client-secret", "s", "--token-url", "http://h/t",
	      "--allow-http-token-url", NULL},
	     PT_OPTIONS_RUN},
	    {{"-u", "http://a/v3.8/distributor", "--client-id", "c", "--client-secret", "s",
	      "--token-url", "http://h/t", NULL},
	     PT_OPTIONS_RUN},
	    {{"--client-id", "c", "--client-secret", "s", "--token-url", "https://h/t", NULL},
	     PT_OPTIONS_RUN},
	};

	(void)state;
	clear_env();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pt_config cfg;
		struct pt_buf err;
		enum pt_options_result r = parse(&cfg, &err, (char **)rows[i].args);

		if (r != rows[i].want ||
		    (r == PT_OPTIONS_ERROR && !strstr(pt_buf_str(&err), "--allow-http-token-url"))) {
			fail_msg("row %zu: gave %d, '%s'", i, r, pt_buf_str(&err));
		}
		pt_buf_free(&err);
		pt_config_free(&cfg);
	}
}

/* A bad proxy variable libcurl would read is an error that names it and
 * hides its value; HTTP_PROXY (not read by libcurl) and a --proxy given
 * on the command line leave the variables alone. */
static void test_proxy_variables(void **state)
{
	static const char *const names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
	                                    "ALL_PROXY"};
	char *plain[] = {NULL};
	char *with_proxy[] = {"--proxy", "http://127.0.0.1:3128", NULL};
	struct pt_config cfg;
	struct pt_buf err;

	(void)state;
	clear_env();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		setenv(names[i], "http://u:Hunter2@127.0.0.1:99999", 1);
		assert_int_equal(parse(&cfg, &err, plain), PT_OPTIONS_ERROR);
		assert_non_null(strstr(pt_buf_str(&err), names[i]));
		assert_null(strstr(pt_buf_str(&err), "Hunter2"));
		pt_buf_free(&err);
		pt_config_free(&cfg);
		assert_int_equal(parse(&cfg, &err, with_proxy), PT_OPTIONS_RUN);
		pt_buf_free(&err);
		pt_config_free(&cfg);
		setenv(names[i], "http://u:p@127.0.0.1:3128", 1);
		assert_int_equal(parse(&cfg, &err, plain), PT_OPTIONS_RUN);
		pt_buf_free(&err);
		pt_config_free(&cfg);
		unsetenv(names[i]);
	}
	setenv("HTTP_PROXY", "http://u:Hunter2@127.0.0.1:99999", 1);
	assert_int_equal(parse(&cfg, &err, plain), PT_OPTIONS_RUN);
	pt_buf_free(&err);
	pt_config_free(&cfg);
	unsetenv("HTTP_PROXY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_option_parses),
	    cmocka_unit_test(test_flags_and_verbosity),
	    cmocka_unit_test(test_http_version_and_connect_to),
	    cmocka_unit_test(test_help_and_version),
	    cmocka_unit_test(test_bad_values_give_one_line_reasons),
	    cmocka_unit_test(test_unknown_options_and_positional_arguments),
	    cmocka_unit_test(test_refused_options_say_why),
	    cmocka_unit_test(test_credentials_from_the_environment),
	    cmocka_unit_test(test_half_credentials_are_refused),
	    cmocka_unit_test(test_secret_file_is_read),
	    cmocka_unit_test(test_expect_json),
	    cmocka_unit_test(test_expect_json_same_path),
	    cmocka_unit_test(test_too_many_expectations),
	    cmocka_unit_test(test_certificate_needs_https),
	    cmocka_unit_test(test_scrub_argv_hides_the_secret),
	    cmocka_unit_test(test_parsing_twice_resets_getopt),
	    cmocka_unit_test(test_prescan),
	    cmocka_unit_test(test_prescan_abbreviations),
	    cmocka_unit_test(test_http_token_url),
	    cmocka_unit_test(test_proxy_variables),
	    cmocka_unit_test(test_values_from_a_file_are_not_echoed),
	    cmocka_unit_test(test_token_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
