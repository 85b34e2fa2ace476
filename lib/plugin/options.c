/* The option table shared by both plugins, and its parser. */
#include "config.h"

#include "options.h"
#include "option_table.h"
#include "option_values.h"
#include "sanitize.h"
#include "secret.h"
#include "util/limits.h"
#include "util/redact.h"
#include "probe/probe.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <sys/stat.h>

/* Echoes a value the user gave, quoted. */
static void echo(struct pt_buf *err, const char *value)
{
	pt_buf_puts(err, "'");
	pt_sanitize_user_value(err, value, PT_VALUE_SHOWN);
	pt_buf_puts(err, "'");
}

static bool add_value(struct pt_expect *e, const char *start, size_t len)
{
	char **values = realloc(e->values, (e->nvalues + 1) * sizeof(*values));

	if (!values) {
		return false;
	}
	e->values = values;
	values[e->nvalues] = strndup(start, len);
	if (!values[e->nvalues]) {
		return false;
	}
	e->nvalues++;
	return true;
}

static bool has_value(const struct pt_expect *e, const char *value)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		if (strcmp(e->values[i], value) == 0) {
			return true;
		}
	}
	return false;
}

static void free_expect(struct pt_expect *e)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		free(e->values[i]);
	}
	free(e->values);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

/* Each --expect-json must hold, so a second one for a path already
 * expected narrows that expectation to the values both accept: one
 * subcheck and one series per path (of two json:status series,
 * node_exporter 1.5 serves the first and drops the second, however bad
 * its state). Expectations with no value in common can never all hold;
 * that is a mistake in the configuration (usually one meant "either",
 * which is PATH=A,B), refused before any request rather than reported as
 * the API's fault on every run. Only the new argument is echoed: the
 * earlier one may come from an ini file. */
static bool merge_expect(const char *arg, struct pt_config *cfg, struct pt_buf *err)
{
	struct pt_expect *e = &cfg->expects[cfg->nexpects - 1];
	struct pt_expect *first = NULL;
	size_t kept = 0;

	for (size_t i = 0; i + 1 < cfg->nexpects && !first; i++) {
		if (strcmp(cfg->expects[i].path, e->path) == 0) {
			first = &cfg->expects[i];
		}
	}
	if (!first) {
		return true;
	}
	for (size_t i = 0; i < first->nvalues; i++) {
		if (has_value(e, first->values[i])) {
			first->values[kept++] = first->values[i];
		} else {
			free(first->values[i]);
		}
	}
	first->nvalues = kept;
	free_expect(e);
	cfg->nexpects--;
	if (kept == 0) {
		pt_buf_puts(err, "--expect-json: an earlier --expect-json for the same path shares no "
		                 "value with this one, so no answer can meet both; give every accepted "
		                 "value in one --expect-json, separated by commas: ");
		echo(err, arg);
		return false;
	}
	return true;
}

/* PATH=VALUE[,VALUE...]; the path in the probe layer's path syntax, so
 * that a bad one is a bad argument, not a failed check. */
static bool parse_expect(const char *s, struct pt_config *cfg, struct pt_buf *err)
{
	const char *eq = strchr(s, '=');
	struct pt_expect *e;
	const char *v;
	const char *why = NULL;

	if (cfg->nexpects >= PT_EXPECT_MAX) {
		pt_buf_printf(err, "at most %d --expect-json options", PT_EXPECT_MAX);
		return false;
	}
	if (!eq || eq == s || !pt_value_printable(s, PT_EXPECT_ARG_MAX, true)) {
		pt_buf_puts(err, "--expect-json wants PATH=VALUE[,VALUE...]");
		return false;
	}
	e = &cfg->expects[cfg->nexpects++];
	e->path = strndup(s, (size_t)(eq - s));
	if (!e->path) {
		pt_buf_puts(err, "out of memory");
		return false;
	}
	if (!pt_probe_json_path_valid(e->path, &why)) {
		pt_buf_printf(err, "--expect-json: bad path (%s): ", why ? why : "invalid");
		echo(err, e->path);
		return false;
	}
	v = eq + 1;
	for (;;) {
		size_t n = strcspn(v, ",");

		if (!add_value(e, v, n)) {
			pt_buf_puts(err, "out of memory");
			return false;
		}
		if (v[n] != ',') {
			break;
		}
		v += n + 1;
	}
	return merge_expect(s, cfg, err);
}

static bool take_secret_file(const char *path, char **slot, struct pt_secret_source *from,
                             struct pt_buf *err)
{
	char *s = NULL;

	if (!pt_secret_read_file_origins(path, &s, &from->origins, err)) {
		return false;
	}
	pt_secret_free(*slot);
	*slot = s;
	from->kind = PT_SECRET_FILE;
	from->where = path;
	return true;
}

/* Echoes a URL the user gave with its userinfo and query values
 * redacted. */
static void echo_url(struct pt_buf *err, const char *value)
{
	struct pt_buf clean = {0};
	size_t n = strcspn(value, "=");
	bool cut = value[n] == '=';

	pt_buf_puts(err, "'");
	/* Only what comes before the first '=' is echoed at all (a secret may
	 * follow it, e.g. a mistyped "--client-secret=S" taken as this value):
	 * redacting the whole value first would keep the end of such a secret
	 * after an '@'. The '=' kept after it makes the sanitiser mark the
	 * cut as it marks every other. */
	if (pt_redact_text(&clean, value, n) && (!cut || pt_buf_puts(&clean, "="))) {
		pt_sanitize_user_value(err, pt_buf_str(&clean), PT_VALUE_SHOWN);
	} else {
		pt_buf_puts(err, "(not shown)");
	}
	pt_buf_puts(err, "'");
	pt_buf_free(&clean);
}

static bool bad_url(struct pt_buf *err, const char *opt, const char *value)
{
	pt_buf_printf(err, "--%s: not an http:// or https:// URL: ", opt);
	echo_url(err, value);
	return false;
}

static bool bad(struct pt_buf *err, const char *opt, const char *why, const char *value)
{
	pt_buf_printf(err, "--%s: %s", opt, why);
	if (value) {
		pt_buf_puts(err, ": ");
		echo(err, value);
	}
	return false;
}

/* Handles one option; false with a reason in err. origin says where in
 * an ini file the option came from, NULL for the command line. */
static bool apply(int c, const char *arg, const char *origin, struct pt_config *cfg,
                  struct pt_buf *err)
{
	const char *why = NULL;

	switch (c) {
	case 'E':
		cfg->environment = arg;
		return pt_value_environment(arg) ||
		       bad(err, "environment", "use production, sandbox, staging or internal", arg);
	case 'H':
		cfg->hostname = arg;
		return pt_value_host(arg) || bad(err, "hostname", "not a host name or address", arg);
	case 'p':
		return pt_value_long(arg, 1, 65535, &cfg->port) ||
		       bad(err, "port", "not a port number (1-65535)", arg);
	case 'A':
		cfg->api_version = arg;
		return pt_value_api_version(arg) || bad(err, "api-version", "not of the form v3.8", arg);
	case 'u':
		cfg->base_url = arg;
		return pt_value_url(arg) || bad_url(err, "base-url", arg);
	case '4':
	case '6':
		cfg->ip_version = c - '0';
		return true;
	case PT_OPT_PROXY:
		cfg->proxy = arg;
		return pt_value_proxy(arg) ||
		       bad(err, "proxy", "want [SCHEME://][USER:PASS@]HOST[:PORT]", NULL);
	case PT_OPT_NOPROXY:
		cfg->noproxy = arg;
		return pt_value_printable(arg, PT_NOPROXY_MAX, false) ||
		       bad(err, "noproxy", "not a host list", arg);
	case PT_OPT_CA_FILE:
		cfg->ca_file = arg;
		return pt_value_is_type(arg, S_IFREG) || bad(err, "ca-file", "not a readable file", arg);
	case PT_OPT_CA_PATH:
		cfg->ca_path = arg;
		return pt_value_is_type(arg, S_IFDIR) || bad(err, "ca-path", "not a directory", arg);
	case PT_OPT_INSECURE:
		cfg->insecure = true;
		return true;
	case PT_OPT_FOLLOW_REDIRECTS:
		cfg->follow_redirects = true;
		return true;
	case PT_OPT_HTTP_VERSION:
		if (strcmp(arg, "1.1") == 0 || strcmp(arg, "2") == 0) {
			cfg->http_version = arg[0] == '2' ? 2 : 11;
			return true;
		}
		return bad(err, "http-version", "use 1.1 or 2", arg);
	case PT_OPT_CONNECT_TO:
		cfg->connect_to = arg;
		return pt_value_connect_to(arg) ||
		       bad(err, "connect-to", "want HOST:PORT (an IPv6 address in brackets)", arg);
	case 'C':
		return pt_value_certificate(arg, cfg) ||
		       bad(err, "certificate", "want WARN_DAYS[,CRIT_DAYS] with CRIT <= WARN", arg);
	case PT_OPT_CLIENT_ID:
		cfg->client_id = arg;
		return (pt_value_printable(arg, PT_CLIENT_ID_MAX, false) && !strchr(arg, ':')) ||
		       bad(err, "client-id", "not a client id (printable, no ':')", arg);
	case PT_OPT_CLIENT_SECRET_FILE:
		return take_secret_file(arg, &cfg->client_secret, &cfg->client_secret_from, err);
	case PT_OPT_CLIENT_SECRET:
		pt_secret_free(cfg->client_secret);
		cfg->client_secret = strdup(arg);
		memset(&cfg->client_secret_from, 0, sizeof(cfg->client_secret_from));
		cfg->client_secret_from.kind = origin ? PT_SECRET_INI : PT_SECRET_COMMAND_LINE;
		cfg->client_secret_from.where = origin;
		return cfg->client_secret || bad(err, "client-secret", "out of memory", NULL);
	case PT_OPT_SCOPE:
		cfg->scope = arg;
		return pt_value_printable(arg, PT_SCOPE_MAX, true) || bad(err, "scope", "not a scope", arg);
	case PT_OPT_TOKEN_URL:
		cfg->token_url = arg;
		return pt_value_url(arg) || bad_url(err, "token-url", arg);
	case PT_OPT_ALLOW_HTTP_TOKEN_URL:
		cfg->allow_http_token_url = true;
		return true;
	case PT_OPT_TOKEN_BODY:
		if (strcmp(arg, "json") != 0 && strcmp(arg, "form") != 0) {
			return bad(err, "token-body", "use json or form", arg);
		}
		cfg->token_body_form = strcmp(arg, "form") == 0;
		return true;
	case PT_OPT_API_KEY_FILE:
		return take_secret_file(arg, &cfg->api_key, &cfg->api_key_from, err);
	case PT_OPT_TOKEN_CACHE:
		cfg->token_cache_dir = arg;
		return (arg[0] == '/' && pt_value_printable(arg, PT_PATH_MAX, true)) ||
		       bad(err, "token-cache", "not an absolute directory path", arg);
	case PT_OPT_NO_TOKEN_CACHE:
		cfg->no_token_cache = true;
		return true;
	case 'w':
		return pt_range_parse(arg, &cfg->warning, &why) || bad(err, "warning", why, arg);
	case 'c':
		return pt_range_parse(arg, &cfg->critical, &why) || bad(err, "critical", why, arg);
	case 't':
		return pt_value_seconds(arg, &cfg->timeout) ||
		       bad(err, "timeout",
		           "want seconds, more than 0 and at most " PT_TIMEOUT_MAX_SECONDS_TEXT, arg);
	case PT_OPT_TIMEOUT_RESULT:
		return pt_state_parse(arg, &cfg->timeout_state) ||
		       bad(err, "timeout-result", "use ok, warning, critical or unknown", arg);
	case PT_OPT_EXPECT_JSON:
		return parse_expect(arg, cfg, err);
	case PT_OPT_OUTPUT_FORMAT:
		return pt_options_output_format(arg, &cfg->output_format) ||
		       bad(err, "output-format", "use nagios, json or prometheus", arg);
	case 'v':
		if (cfg->verbose < 3) {
			cfg->verbose++;
		}
		return true;
	case PT_OPT_EXTRA_OPTS:
		/* Expanded before parsing; seeing one here means it came from
		 * an ini file. */
		pt_buf_puts(err, "--extra-opts cannot be used inside an extra-opts file");
		return false;
	default:
		return false;
	}
}

/* Without --proxy libcurl takes one from the environment (the probe
 * layer names the variables), so they are checked as strictly as
 * --proxy, and a bad one is named but never shown: it may hold a
 * password. */
static bool check_proxy_environment(const struct pt_config *cfg, struct pt_buf *err)
{
	if (cfg->proxy) {
		return true;
	}
	for (size_t i = 0; pt_probe_proxy_variable(i); i++) {
		const char *name = pt_probe_proxy_variable(i);
		const char *v = getenv(name);

		if (v && *v && !pt_value_proxy(v)) {
			pt_buf_printf(err,
			              "environment variable %s: not a proxy, want "
			              "[SCHEME://][USER:PASS@]HOST[:PORT] (the value is not shown)",
			              name);
			return false;
		}
	}
	return true;
}

static bool from_environment(const char *name, char **slot, struct pt_secret_source *from,
                             struct pt_buf *err)
{
	if (!pt_secret_from_env(name, slot, err)) {
		return false;
	}
	memset(from, 0, sizeof(*from));
	from->kind = PT_SECRET_ENVIRONMENT;
	from->where = name;
	return true;
}

/* Credentials the command line did not give come from the environment. */
static bool apply_environment(struct pt_config *cfg, struct pt_buf *err)
{
	const char *id = getenv("PRIOTICKET_CLIENT_ID");

	if (!check_proxy_environment(cfg, err)) {
		return false;
	}

	if (!cfg->client_id && id && *id) {
		if (!pt_value_printable(id, PT_CLIENT_ID_MAX, false) || strchr(id, ':')) {
			return bad(err, "client-id", "PRIOTICKET_CLIENT_ID is not a client id", NULL);
		}
		cfg->client_id = id;
	}
	/* A secret in the environment without any client id is not for us
	 * (a shared environment): the probe then goes out anonymously. */
	if (cfg->client_id && !cfg->client_secret &&
	    !from_environment("PRIOTICKET_CLIENT_SECRET", &cfg->client_secret, &cfg->client_secret_from,
	                      err) &&
	    err->len) {
		return false;
	}
	if (!cfg->api_key &&
	    !from_environment("PRIOTICKET_API_KEY", &cfg->api_key, &cfg->api_key_from, err) &&
	    err->len) {
		return false;
	}
	return true;
}

static bool check_consistency(const struct pt_config *cfg, struct pt_buf *err)
{
	if (cfg->client_id && !cfg->client_secret) {
		pt_buf_puts(err, "a client id is set but no client secret "
		                 "(--client-secret-file or PRIOTICKET_CLIENT_SECRET)");
		return false;
	}
	if (cfg->client_secret && !cfg->client_id) {
		pt_buf_puts(err, "a client secret is set but no client id "
		                 "(--client-id or PRIOTICKET_CLIENT_ID)");
		return false;
	}
	if (cfg->cert_check && cfg->base_url && strncasecmp(cfg->base_url, "https://", 8) != 0) {
		pt_buf_puts(err, "--certificate needs an https:// URL");
		return false;
	}
	if (cfg->token_url && !cfg->client_id) {
		pt_buf_puts(err, "--token-url needs credentials (--client-id and a secret)");
		return false;
	}
	/* Without --base-url the probe goes to https://. */
	if (cfg->token_url && strncasecmp(cfg->token_url, "http://", 7) == 0 &&
	    (!cfg->base_url || strncasecmp(cfg->base_url, "https://", 8) == 0) &&
	    !cfg->allow_http_token_url) {
		pt_buf_puts(err, "--token-url is plain http:// while the probe uses https://: the client "
		                 "secret would cross the network unencrypted (--allow-http-token-url "
		                 "accepts that)");
		return false;
	}
	return true;
}

/* Where the strings of argv came from: getopt permutes argv, so origins
 * are looked up by the address of the text, not by index. */
struct origins {
	int n;
	char **text;               /* argv's strings before parsing */
	const char *const *origin; /* parallel; NULL: the command line */
};

static const char *origin_of(const struct origins *o, const char *p)
{
	uintptr_t at = (uintptr_t)p;

	if (!o->origin || !p) {
		return NULL;
	}
	for (int i = 0; i < o->n; i++) {
		uintptr_t start = (uintptr_t)o->text[i];

		if (o->origin[i] && at >= start && at <= start + strlen(o->text[i])) {
			return o->origin[i];
		}
	}
	return NULL;
}

/* Optimal string alignment distance between a[0..n) (compared without
 * case) and an option name b: insertions, deletions, substitutions and
 * swaps of two neighbours, the typos of a hand on a keyboard. Returns 3
 * for anything above 2, the most a suggestion may be away. */
static size_t typo_distance(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);
	size_t rows[3][32];

	if (m >= sizeof(rows[0]) / sizeof(rows[0][0]) || n > m + 2 || m > n + 2) {
		return 3;
	}
	for (size_t j = 0; j <= m; j++) {
		rows[0][j] = j;
	}
	for (size_t i = 1; i <= n; i++) {
		size_t *cur = rows[i % 3];
		const size_t *prev = rows[(i - 1) % 3];
		const size_t *prev2 = rows[(i + 1) % 3];
		char c = (char)tolower((unsigned char)a[i - 1]);

		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t v = prev[j - 1] + (c != b[j - 1]);

			if (prev[j] + 1 < v) {
				v = prev[j] + 1;
			}
			if (cur[j - 1] + 1 < v) {
				v = cur[j - 1] + 1;
			}
			if (i > 1 && j > 1 && c == b[j - 2] && tolower((unsigned char)a[i - 2]) == b[j - 1] &&
			    prev2[j - 2] + 1 < v) {
				v = prev2[j - 2] + 1;
			}
			cur[j] = v;
		}
	}
	return rows[n % 3][m] > 2 ? 3 : rows[n % 3][m];
}

/* getopt's optopt as a letter that can be shown: glibc keeps it as a
 * (signed) char of argv. */
static bool short_option(int c)
{
	return c > ' ' && c < 0x7f && c != ':';
}

/* Why getopt refused an argument, as "is not known; did you mean
 * --warning?". Only the name before a '=' is looked at, and only option
 * names of the table are written: the caller decides whether the
 * argument itself may be echoed. */
static void refusal(const char *arg, struct pt_buf *err)
{
	size_t nrows;
	const struct pt_option_row *rows = pt_option_rows(&nrows);
	const struct pt_option_row *end = rows + nrows;
	size_t best = 3;
	size_t n;
	int prefixes = 0;
	bool said = false;

	if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
		pt_buf_puts(err, short_option(optopt) && pt_option_letter_takes_value(optopt)
		                     ? "needs a value"
		                     : "is not known");
		return;
	}
	arg += 2;
	n = strcspn(arg, "=");
	if (n == 0) {
		pt_buf_puts(err, "is not known");
		return;
	}
	for (const struct pt_option_row *o = rows; o < end; o++) {
		if (strlen(o->name) == n && strncmp(arg, o->name, n) == 0) {
			pt_buf_puts(err, o->has_arg == no_argument ? "takes no value" : "needs a value");
			return;
		}
		prefixes += strncmp(arg, o->name, n) == 0;
	}
	if (prefixes > 1) {
		const char *sep = " (";

		pt_buf_puts(err, "is ambiguous");
		for (const struct pt_option_row *o = rows; o < end; o++) {
			if (strncmp(arg, o->name, n) == 0) {
				pt_buf_printf(err, "%s--%s", sep, o->name);
				sep = ", ";
			}
		}
		pt_buf_puts(err, ")");
		return;
	}
	pt_buf_puts(err, "is not known");
	for (const struct pt_option_row *o = rows; o < end; o++) {
		size_t d = typo_distance(arg, n, o->name);

		/* Two edits in a short name make another word. */
		if (d < best && d * 2 < strlen(o->name)) {
			best = d;
		}
	}
	/* Every option that near, in table order ("--proxy or --noproxy"). */
	for (const struct pt_option_row *o = rows; o < end && best < 3; o++) {
		if (typo_distance(arg, n, o->name) == best && best * 2 < strlen(o->name)) {
			pt_buf_printf(err, "%s--%s", said ? " or " : "; did you mean ", o->name);
			said = true;
		}
	}
	if (said) {
		pt_buf_puts(err, "?");
	}
}

/* An option from an ini file failed: say which option, why, and where it
 * came from, but not its value (the file may be someone else's, the
 * section written for another plugin). `said` is what apply() wrote; its
 * echo of the value, which starts at the first quote, is left out. */
static void hidden_failure(int c, const char *arg, const char *origin, const struct pt_buf *said,
                           struct pt_buf *err)
{
	const char *text = pt_buf_str(said);
	size_t keep = strcspn(text, "'");
	struct pt_buf name = {0};

	if (c == PT_OPT_CLIENT_SECRET_FILE || c == PT_OPT_API_KEY_FILE) {
		/* "secret file PATH: why" -> "--option: the file it names: why" */
		pt_buf_puts(&name, "secret file ");
		pt_sanitize_name(&name, arg);
		pt_buf_puts(&name, ": ");
		pt_buf_printf(err, "--%s: the file it names ", pt_option_name(c));
		if (strncmp(text, pt_buf_str(&name), name.len) == 0) {
			text += name.len;
			keep = strcspn(text, "'");
		} else {
			keep = 0;
		}
		pt_buf_free(&name);
	} else if (strncmp(text, "--", 2) != 0) {
		pt_buf_printf(err, "--%s: ", pt_option_name(c));
	}
	while (keep > 0 && (text[keep - 1] == ' ' || text[keep - 1] == ':')) {
		keep--;
	}
	pt_buf_append(err, text, keep);
	pt_buf_printf(err, "%sfrom %s; the value is not shown", keep ? " (" : "(", origin);
	pt_buf_puts(err, ")");
}

enum pt_options_result pt_options_parse(int argc, char **argv, struct pt_config *cfg,
                                        struct pt_buf *err)
{
	return pt_options_parse_origins(argc, argv, NULL, cfg, err);
}

static enum pt_options_result parse(int argc, char **argv, const struct origins *from,
                                    struct pt_config *cfg, struct pt_buf *err)
{
	struct pt_getopt_table table;
	bool help = false;
	bool version = false;
	int c;

	pt_getopt_table(&table);
	opterr = 0;
	optind = 0; /* 0 makes glibc reinitialise, so parsing can run twice */
	for (;;) {
		int before = optind > 0 ? optind : 1; /* 0 means "start again" */

		c = getopt_long(argc, argv, table.shortopts, table.longopts, NULL);
		if (c == -1) {
			break;
		}
		if (c == 'h') {
			help = true;
		} else if (c == 'V') {
			version = true;
		} else if (c == '?' || c == ':') {
			const char *arg = argv[before < argc ? before : argc - 1];
			const char *origin = origin_of(from, arg);

			if (origin) {
				pt_buf_printf(err, "the option from %s ", origin);
				refusal(arg, err);
				pt_buf_puts(err, " (see --help; the value is not shown)");
				return PT_OPTIONS_ERROR;
			}
			pt_buf_puts(err, "option ");
			if (strncmp(arg, "--", 2) != 0 && short_option(optopt)) {
				/* Of a cluster such as -vk, the letter refused. */
				pt_buf_printf(err, "'-%c'", optopt);
			} else {
				echo(err, arg);
			}
			pt_buf_puts(err, " ");
			refusal(arg, err);
			pt_buf_puts(err, " (see --help)");
			return PT_OPTIONS_ERROR;
		} else if (origin_of(from, optarg)) {
			struct pt_buf said = {0};
			bool ok = apply(c, optarg, origin_of(from, optarg), cfg, &said);

			if (!ok) {
				hidden_failure(c, optarg, origin_of(from, optarg), &said, err);
			}
			pt_buf_free(&said);
			if (!ok) {
				return PT_OPTIONS_ERROR;
			}
		} else if (!apply(c, optarg, NULL, cfg, err)) {
			return PT_OPTIONS_ERROR;
		}
	}
	if (help) {
		return PT_OPTIONS_HELP;
	}
	if (version) {
		return PT_OPTIONS_VERSION;
	}
	if (optind < argc) {
		pt_buf_puts(err, "positional arguments are not used (see --help)");
		return PT_OPTIONS_ERROR;
	}
	if (!apply_environment(cfg, err) || !check_consistency(cfg, err)) {
		return PT_OPTIONS_ERROR;
	}
	return PT_OPTIONS_RUN;
}

enum pt_options_result pt_options_parse_origins(int argc, char **argv, const char *const *origin,
                                                struct pt_config *cfg, struct pt_buf *err)
{
	struct origins from = {argc, NULL, origin};
	enum pt_options_result r;

	if (origin && argc > 0) {
		from.text = malloc((size_t)argc * sizeof(*from.text));
		if (!from.text) {
			pt_buf_puts(err, "out of memory");
			return PT_OPTIONS_ERROR;
		}
		memcpy(from.text, argv, (size_t)argc * sizeof(*from.text));
	} else {
		from.origin = NULL;
	}
	r = parse(argc, argv, &from, cfg, err);
	free(from.text);
	return r;
}

/* The options the hard stop and the first output need, from a look at
 * argv through the table: the last valid value of each wins. */
static void prescanned(const struct pt_option_seen *o, void *ctx)
{
	struct pt_config *cfg = ctx;
	double t;

	if (!o->value) {
		return;
	}
	if (o->id == 't' && pt_value_seconds(o->value, &t)) {
		cfg->timeout = t;
	} else if (o->id == PT_OPT_TIMEOUT_RESULT) {
		(void)pt_state_parse(o->value, &cfg->timeout_state);
	} else if (o->id == PT_OPT_OUTPUT_FORMAT) {
		(void)pt_options_output_format(o->value, &cfg->output_format);
	}
}

void pt_options_prescan(int argc, char **argv, struct pt_config *cfg)
{
	/* Without memory for the scan the defaults hold until parsing. */
	(void)pt_options_scan(argc, argv, prescanned, cfg);
}

bool pt_options_output_format(const char *text, enum pt_output_format *out)
{
	static const char *const names[] = {"nagios", "json", "prometheus"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (enum pt_output_format)i;
			return true;
		}
	}
	return false;
}

/* Only the last valid --output-format counts, as when parsing. */
enum pt_output_format pt_options_prescan_format(int argc, char **argv)
{
	struct pt_config cfg;
	enum pt_output_format f;

	pt_config_init(&cfg, PT_ENDPOINT_PING);
	pt_options_prescan(argc, argv, &cfg);
	f = cfg.output_format;
	pt_config_free(&cfg);
	return f;
}

/* The value of --client-secret, overwritten where argv holds it. */
static void scrubbed(const struct pt_option_seen *o, void *ctx)
{
	(void)ctx;
	if (o->id == PT_OPT_CLIENT_SECRET && o->value) {
		memset((char *)o->value, 'x', strlen(o->value));
	}
}

void pt_options_scrub_argv(int argc, char **argv)
{
	(void)pt_options_scan(argc, argv, scrubbed, NULL);
}
