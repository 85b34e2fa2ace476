/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the command-line parser (pt_options_parse): the input, split at
 * NUL bytes, is the argument vector after argv[0].
 *
 * Invariants:
 * - the result is one of the enum's values; PT_OPTIONS_ERROR comes with
 *   a non-empty reason and the other results with none;
 * - the reason is one line (options.h: "err holds a one-line reason"),
 *   without control characters or '|', because the plugin prints it as
 *   its status line;
 * - the reason never shows a client secret given on the command line
 *   ("--client-secret=S", the mistyped "-client-secret=S", or
 *   "--client-secret S" as the first two arguments): parsed again with
 *   the letters and digits of S changed, the reason stays the same;
 * - a PT_OPTIONS_RUN configuration is within the documented bounds;
 * - pt_options_scrub_argv leaves readable no value that getopt_long
 *   reads as --client-secret (the pre-scan of option_table.h);
 * - no leak (pt_config_free releases everything), no memory error.
 *
 * The PRIOTICKET_* variables are removed at start-up so that the
 * outcome depends on the input only. Option values that name files
 * (--client-secret-file, --ca-file, ...) are looked up on the real file
 * system, read-only. */
#include "config.h"

#include "plugin/option_table.h"
#include "plugin/options.h"
#include "plugin/run_config.h"
#include "util/buf.h"

#include "harness.h"

#include <math.h>

#define INPUT_MAX 8192
#define ARGS_MAX  64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	unsetenv("PRIOTICKET_CLIENT_ID");
	unsetenv("PRIOTICKET_CLIENT_SECRET");
	unsetenv("PRIOTICKET_API_KEY");
	return 0;
}

static void check_range(const struct pt_range *r)
{
	if (r->set) {
		FUZZ_CHECK(r->start_infinite || r->end_infinite || r->start <= r->end);
	}
}

static void check_config(const struct pt_config *cfg)
{
	FUZZ_CHECK(cfg->timeout > 0 && cfg->timeout <= 3600);
	FUZZ_CHECK(cfg->port >= 0 && cfg->port <= 65535);
	FUZZ_CHECK(cfg->ip_version == 0 || cfg->ip_version == 4 || cfg->ip_version == 6);
	FUZZ_CHECK(cfg->verbose >= 0 && cfg->verbose <= 3);
	FUZZ_CHECK(cfg->cert_crit_days >= 0 && cfg->cert_crit_days <= cfg->cert_warn_days);
	FUZZ_CHECK((cfg->client_id == NULL) == (cfg->client_secret == NULL));
	FUZZ_CHECK(cfg->environment && cfg->api_version);
	FUZZ_CHECK(cfg->nexpects <= PT_EXPECT_MAX);
	for (size_t i = 0; i < cfg->nexpects; i++) {
		FUZZ_CHECK(cfg->expects[i].path && cfg->expects[i].path[0]);
		FUZZ_CHECK(cfg->expects[i].nvalues >= 1);
	}
	check_range(&cfg->warning);
	check_range(&cfg->critical);
}

static void scrub_seen(const struct pt_option_seen *o, void *ctx)
{
	(void)ctx;
	if (o->id == PT_OPT_CLIENT_SECRET && o->value) {
		FUZZ_CHECK(strspn(o->value, "x") == strlen(o->value));
	}
}

/* Every value getopt_long reads as --client-secret is overwritten. */
static void check_scrubbed(int argc, char **argv)
{
	FUZZ_CHECK(pt_options_scan(argc, argv, scrub_seen, NULL));
}

/* Parses a copy of argv (strings included) in which the letters and
 * digits in the byte range [from, from + len) of argument `at` are
 * replaced, and returns the reason (malloc'ed; "" when there was
 * none). A "--client-secret=S" written twice changes in both: getopt
 * may take both as values of another option (two --expect-json), which
 * would otherwise differ from each other. A bare S is left alone in
 * other arguments: there it is, say, a file name, which may be shown. */
static char *reason_with(int argc, char **argv, int at, size_t from, size_t len)
{
	char *copy[ARGS_MAX + 2];
	struct pt_config cfg;
	struct pt_buf err = {0};
	char *reason;

	for (int i = 0; i < argc; i++) {
		copy[i] = fuzz_strndup((const uint8_t *)argv[i], strlen(argv[i]));
	}
	copy[argc] = NULL;
	/* Letters and digits only, each to the next of its kind, so that
	 * the shape the parsers see (':', '.', '@', '~', '=', ...) stays. */
	for (size_t k = from; k < from + len; k++) {
		char c = copy[at][k];

		if (c >= 'a' && c <= 'z') {
			copy[at][k] = c == 'z' ? 'a' : (char)(c + 1);
		} else if (c >= 'A' && c <= 'Z') {
			copy[at][k] = c == 'Z' ? 'A' : (char)(c + 1);
		} else if (c >= '0' && c <= '9') {
			copy[at][k] = c == '9' ? '0' : (char)(c + 1);
		}
	}
	for (int i = 0; i < argc; i++) {
		if (i != at && from > 0 && strcmp(argv[i], argv[at]) == 0) {
			memcpy(copy[i], copy[at], strlen(copy[at]));
		}
	}
	pt_config_init(&cfg, PT_ENDPOINT_PING);
	(void)pt_options_parse(argc, copy, &cfg, &err);
	reason = strdup(pt_buf_str(&err));
	FUZZ_CHECK(reason != NULL);
	pt_config_free(&cfg);
	pt_buf_free(&err);
	for (int i = 0; i < argc; i++) {
		free(copy[i]);
	}
	return reason;
}

/* A client secret from the command line must not reach the reason: the
 * reason must not change when only the secret does. */
static void check_no_secret(int argc, char **argv, const char *err)
{
	for (int i = 1; i < argc; i++) {
		size_t from;
		int at = i;
		char *other;

		if (strncmp(argv[i], "--client-secret=", 16) == 0) {
			from = 16;
		} else if (strncmp(argv[i], "-client-secret=", 15) == 0) {
			from = 15;
		} else if (i == 1 && strcmp(argv[i], "--client-secret") == 0 && i + 1 < argc) {
			/* Only first: later, the option itself may be the value
			 * of the argument before it. */
			from = 0;
			at = i + 1;
		} else {
			continue;
		}
		if (argv[at][from] == '\0') {
			continue;
		}
		other = reason_with(argc, argv, at, from, strlen(argv[at]) - from);
		if (strcmp(err, other) != 0) {
			fprintf(
			    stderr,
			    "fuzz: the reason depends on the secret \"%s\" of argument %d: \"%s\" vs \"%s\"\n",
			    argv[at] + from, at, err, other);
			FUZZ_CHECK(!"no secret in the reason");
		}
		free(other);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[ARGS_MAX + 2];
	char *orig[ARGS_MAX + 2];
	int argc = 0;
	struct pt_config cfg;
	struct pt_buf err = {0};
	enum pt_options_result r;
	size_t start = 0;

	if (size > INPUT_MAX) {
		return 0;
	}
	argv[argc++] = fuzz_strndup((const uint8_t *)"check_prioticket_ping", 21);
	/* Each argument in its own exact-size block. An empty input gives
	 * no argument; otherwise N NUL bytes give N + 1 arguments. */
	while (size > 0 && start <= size && argc <= ARGS_MAX) {
		const uint8_t *nul = memchr(data + start, 0, size - start);
		size_t end = nul ? (size_t)(nul - data) : size;

		argv[argc++] = fuzz_strndup(data + start, end - start);
		start = end + 1;
	}
	argv[argc] = NULL;
	/* getopt permutes argv: keep the order as given. */
	memcpy(orig, argv, sizeof(argv[0]) * (size_t)(argc + 1));

	pt_config_init(&cfg, (size & 1) ? PT_ENDPOINT_STATUS : PT_ENDPOINT_PING);
	r = pt_options_parse(argc, argv, &cfg, &err);
	FUZZ_CHECK(r == PT_OPTIONS_RUN || r == PT_OPTIONS_HELP || r == PT_OPTIONS_VERSION ||
	           r == PT_OPTIONS_ERROR);
	FUZZ_CHECK(!err.failed);
	if (r == PT_OPTIONS_ERROR) {
		FUZZ_CHECK(err.len > 0);
		FUZZ_CHECK(strlen(err.data) == err.len);
		if (!fuzz_status_line_safe(err.data, err.len)) {
			fprintf(stderr, "fuzz: error message unfit for the status line: \"%s\"\n", err.data);
			FUZZ_CHECK(!"the reason is one line, without controls or '|'");
		}
		check_no_secret(argc, orig, err.data);
	} else {
		FUZZ_CHECK(err.len == 0);
	}
	if (r == PT_OPTIONS_RUN) {
		check_config(&cfg);
	}
	/* argv[0] stays first: getopt permutes only the arguments. */
	FUZZ_CHECK(strcmp(argv[0], "check_prioticket_ping") == 0);

	pt_options_scrub_argv(argc, argv);
	check_scrubbed(argc, argv);

	pt_config_free(&cfg);
	pt_buf_free(&err);
	for (int i = 0; i < argc; i++) {
		free(argv[i]);
	}
	return 0;
}
