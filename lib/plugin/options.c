/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From argv to struct pt_config: the parser over the option table
 * (option_table.c), each option's value stored once checked, the
 * credentials from the environment, the checks across options. */
#include "config.h"

#include "options.h"
#include "option_errors.h"
#include "option_expect.h"
#include "option_table.h"
#include "option_values.h"
#include "secret.h"
#include "util/limits.h"
#include "probe/probe.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <sys/stat.h>

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
		       pt_option_bad(err, "environment", "use production, sandbox, staging or internal",
		                     arg);
	case 'H':
		cfg->hostname = arg;
		return pt_value_host(arg) ||
		       pt_option_bad(err, "hostname", "not a host name or address", arg);
	case 'p':
		return pt_value_long(arg, 1, 65535, &cfg->port) ||
		       pt_option_bad(err, "port", "not a port number (1-65535)", arg);
	case 'A':
		cfg->api_version = arg;
		return pt_value_api_version(arg) ||
		       pt_option_bad(err, "api-version", "not of the form v3.8", arg);
	case 'u':
		cfg->base_url = arg;
		return pt_value_url(arg) || pt_option_bad_url(err, "base-url", arg);
	case '4':
	case '6':
		cfg->ip_version = c - '0';
		return true;
	case PT_OPT_PROXY:
		cfg->proxy = arg;
		return pt_value_proxy(arg) ||
		       pt_option_bad(err, "proxy", "want [SCHEME://][USER:PASS@]HOST[:PORT]", NULL);
	case PT_OPT_NOPROXY:
		cfg->noproxy = arg;
		return pt_value_printable(arg, PT_NOPROXY_MAX, false) ||
		       pt_option_bad(err, "noproxy", "not a host list", arg);
	case PT_OPT_CA_FILE:
		cfg->ca_file = arg;
		return pt_value_is_type(arg, S_IFREG) ||
		       pt_option_bad(err, "ca-file", "not a readable file", arg);
	case PT_OPT_CA_PATH:
		cfg->ca_path = arg;
		return pt_value_is_type(arg, S_IFDIR) ||
		       pt_option_bad(err, "ca-path", "not a directory", arg);
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
		return pt_option_bad(err, "http-version", "use 1.1 or 2", arg);
	case PT_OPT_CONNECT_TO:
		cfg->connect_to = arg;
		return pt_value_connect_to(arg) ||
		       pt_option_bad(err, "connect-to", "want HOST:PORT (an IPv6 address in brackets)",
		                     arg);
	case 'C':
		cfg->cert_check = pt_value_certificate(arg, &cfg->cert_warn_days, &cfg->cert_crit_days);
		return cfg->cert_check ||
		       pt_option_bad(err, "certificate", "want WARN_DAYS[,CRIT_DAYS] with CRIT <= WARN",
		                     arg);
	case PT_OPT_CLIENT_ID:
		cfg->client_id = arg;
		return (pt_value_printable(arg, PT_CLIENT_ID_MAX, false) && !strchr(arg, ':')) ||
		       pt_option_bad(err, "client-id", "not a client id (printable, no ':')", arg);
	case PT_OPT_CLIENT_SECRET_FILE:
		return take_secret_file(arg, &cfg->client_secret, &cfg->client_secret_from, err);
	case PT_OPT_CLIENT_SECRET:
		pt_secret_free(cfg->client_secret);
		cfg->client_secret = strdup(arg);
		memset(&cfg->client_secret_from, 0, sizeof(cfg->client_secret_from));
		cfg->client_secret_from.kind = origin ? PT_SECRET_INI : PT_SECRET_COMMAND_LINE;
		cfg->client_secret_from.where = origin;
		return cfg->client_secret || pt_option_bad(err, "client-secret", "out of memory", NULL);
	case PT_OPT_SCOPE:
		cfg->scope = arg;
		return pt_value_printable(arg, PT_SCOPE_MAX, true) ||
		       pt_option_bad(err, "scope", "not a scope", arg);
	case PT_OPT_TOKEN_URL:
		cfg->token_url = arg;
		return pt_value_url(arg) || pt_option_bad_url(err, "token-url", arg);
	case PT_OPT_ALLOW_HTTP_TOKEN_URL:
		cfg->allow_http_token_url = true;
		return true;
	case PT_OPT_TOKEN_BODY:
		if (strcmp(arg, "json") != 0 && strcmp(arg, "form") != 0) {
			return pt_option_bad(err, "token-body", "use json or form", arg);
		}
		cfg->token_body_form = strcmp(arg, "form") == 0;
		return true;
	case PT_OPT_API_KEY_FILE:
		return take_secret_file(arg, &cfg->api_key, &cfg->api_key_from, err);
	case PT_OPT_TOKEN_CACHE:
		cfg->token_cache_dir = arg;
		return (arg[0] == '/' && pt_value_printable(arg, PT_PATH_MAX, true)) ||
		       pt_option_bad(err, "token-cache", "not an absolute directory path", arg);
	case PT_OPT_NO_TOKEN_CACHE:
		cfg->no_token_cache = true;
		return true;
	case 'w':
		return pt_range_parse(arg, &cfg->warning, &why) || pt_option_bad(err, "warning", why, arg);
	case 'c':
		return pt_range_parse(arg, &cfg->critical, &why) ||
		       pt_option_bad(err, "critical", why, arg);
	case 't':
		return pt_value_seconds(arg, &cfg->timeout) ||
		       pt_option_bad(err, "timeout",
		                     "want seconds, more than 0 and at most " PT_TIMEOUT_MAX_SECONDS_TEXT,
		                     arg);
	case PT_OPT_TIMEOUT_RESULT:
		return pt_state_parse(arg, &cfg->timeout_state) ||
		       pt_option_bad(err, "timeout-result", "use ok, warning, critical or unknown", arg);
	case PT_OPT_EXPECT_JSON:
		return pt_option_expect(arg, cfg, err);
	case PT_OPT_OUTPUT_FORMAT:
		return pt_options_output_format(arg, &cfg->output_format) ||
		       pt_option_bad(err, "output-format", "use nagios, json or prometheus", arg);
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
			return pt_option_bad(err, "client-id", "PRIOTICKET_CLIENT_ID is not a client id", NULL);
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
				pt_option_refusal(arg, err);
				pt_buf_puts(err, " (see --help; the value is not shown)");
				return PT_OPTIONS_ERROR;
			}
			pt_buf_puts(err, "option ");
			if (strncmp(arg, "--", 2) != 0 && pt_option_letter(optopt)) {
				/* Of a cluster such as -vk, the letter refused. */
				pt_buf_printf(err, "'-%c'", optopt);
			} else {
				pt_option_echo(err, arg);
			}
			pt_buf_puts(err, " ");
			pt_option_refusal(arg, err);
			pt_buf_puts(err, " (see --help)");
			return PT_OPTIONS_ERROR;
		} else if (origin_of(from, optarg)) {
			struct pt_buf said = {0};
			bool ok = apply(c, optarg, origin_of(from, optarg), cfg, &said);

			if (!ok) {
				pt_option_hidden_failure(c, optarg, origin_of(from, optarg), &said, err);
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
