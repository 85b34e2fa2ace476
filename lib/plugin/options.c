/* The option table shared by both plugins, and its parser. */
#include "config.h"

#include "options.h"
#include "sanitize.h"
#include "secret.h"
#include "probe/json_path.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum {
	OPT_PROXY = 256,
	OPT_NOPROXY,
	OPT_CA_FILE,
	OPT_CA_PATH,
	OPT_INSECURE,
	OPT_CLIENT_ID,
	OPT_CLIENT_SECRET_FILE,
	OPT_CLIENT_SECRET,
	OPT_SCOPE,
	OPT_TOKEN_URL,
	OPT_API_KEY_FILE,
	OPT_TOKEN_CACHE,
	OPT_NO_TOKEN_CACHE,
	OPT_TIMEOUT_RESULT,
	OPT_EXPECT_JSON,
	OPT_EXTRA_OPTS,
	OPT_FOLLOW_REDIRECTS,
	OPT_OUTPUT_FORMAT,
};

static const struct option long_options[] = {
    {"environment", required_argument, NULL, 'E'},
    {"hostname", required_argument, NULL, 'H'},
    {"port", required_argument, NULL, 'p'},
    {"api-version", required_argument, NULL, 'A'},
    {"base-url", required_argument, NULL, 'u'},
    {"ipv4", no_argument, NULL, '4'},
    {"ipv6", no_argument, NULL, '6'},
    {"proxy", required_argument, NULL, OPT_PROXY},
    {"noproxy", required_argument, NULL, OPT_NOPROXY},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"ca-path", required_argument, NULL, OPT_CA_PATH},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"follow-redirects", no_argument, NULL, OPT_FOLLOW_REDIRECTS},
    {"certificate", required_argument, NULL, 'C'},
    {"client-id", required_argument, NULL, OPT_CLIENT_ID},
    {"client-secret-file", required_argument, NULL, OPT_CLIENT_SECRET_FILE},
    {"client-secret", required_argument, NULL, OPT_CLIENT_SECRET},
    {"scope", required_argument, NULL, OPT_SCOPE},
    {"token-url", required_argument, NULL, OPT_TOKEN_URL},
    {"api-key-file", required_argument, NULL, OPT_API_KEY_FILE},
    {"token-cache", required_argument, NULL, OPT_TOKEN_CACHE},
    {"no-token-cache", no_argument, NULL, OPT_NO_TOKEN_CACHE},
    {"warning", required_argument, NULL, 'w'},
    {"critical", required_argument, NULL, 'c'},
    {"timeout", required_argument, NULL, 't'},
    {"timeout-result", required_argument, NULL, OPT_TIMEOUT_RESULT},
    {"expect-json", required_argument, NULL, OPT_EXPECT_JSON},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"extra-opts", optional_argument, NULL, OPT_EXTRA_OPTS},
    {"output-format", required_argument, NULL, OPT_OUTPUT_FORMAT},
    {NULL, 0, NULL, 0},
};

static const char short_options[] = "E:H:p:A:u:46C:w:c:t:vhV";

/* Printable ASCII without blanks: what a host, URL, id or scope may
 * hold here. */
static bool printable(const char *s, size_t max, bool allow_space)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || (c == ' ' && !allow_space)) {
			return false;
		}
	}
	return n > 0 && n <= max;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s)) {
		return false;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		return false;
	}
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.')) {
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > 3600) {
		return false;
	}
	*out = v;
	return true;
}

static bool valid_url(const char *s)
{
	const char *host;

	if (strncasecmp(s, "http://", 7) == 0) {
		host = s + 7;
	} else if (strncasecmp(s, "https://", 8) == 0) {
		host = s + 8;
	} else {
		return false;
	}
	return printable(s, 2048, false) && *host && *host != '/' && !strchr(s, '#');
}

/* A DNS name or an IPv4 address, or an IPv6 address in brackets or
 * bare. */
static bool valid_host(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253) {
		return false;
	}
	if (strchr(s, ':')) {
		if (s[0] == '[') {
			return s[n - 1] == ']' && n > 2 && strspn(s + 1, "0123456789abcdefABCDEF:.") == n - 2;
		}
		return strspn(s, "0123456789abcdefABCDEF:.") == n;
	}
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n &&
	       s[0] != '-' && s[0] != '.';
}

/* [scheme://][user:pass@]host[:port][/], scheme one libcurl proxies
 * through. Never echoed: it may carry a password. */
static bool valid_proxy(const char *s)
{
	static const char *const schemes[] = {"http://",    "https://",  "socks4://",
	                                      "socks4a://", "socks5://", "socks5h://"};
	char host[256];
	const char *p = strstr(s, "://");
	const char *at;
	const char *port = NULL;
	const char *end;
	long n;

	if (!printable(s, 2048, false)) {
		return false;
	}
	if (p) {
		bool known = false;

		for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			known |= strncasecmp(s, schemes[i], strlen(schemes[i])) == 0;
		}
		if (!known) {
			return false;
		}
		s = p + 3;
	}
	at = strrchr(s, '@');
	if (at) {
		s = at + 1;
	}
	end = s + strcspn(s, "/");
	if (*end && strcmp(end, "/") != 0) {
		return false;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));

		if (!close) {
			return false;
		}
		if (close + 1 < end) {
			if (close[1] != ':') {
				return false;
			}
			port = close + 2;
		}
		end = close + 1;
	} else {
		port = memchr(s, ':', (size_t)(end - s));
		if (port) {
			end = port++;
		}
	}
	if (end - s <= 0 || (size_t)(end - s) >= sizeof(host)) {
		return false;
	}
	memcpy(host, s, (size_t)(end - s));
	host[end - s] = '\0';
	if (port) {
		char digits[8];
		size_t len = strcspn(port, "/");

		if (len == 0 || len >= sizeof(digits)) {
			return false;
		}
		memcpy(digits, port, len);
		digits[len] = '\0';
		if (!parse_long(digits, 1, 65535, &n)) {
			return false;
		}
	}
	return valid_host(host);
}

static bool valid_api_version(const char *s)
{
	size_t major = 0;
	size_t minor = 0;

	if (s[0] != 'v') {
		return false;
	}
	major = strspn(s + 1, "0123456789");
	if (major == 0 || major > 3 || s[1 + major] != '.') {
		return false;
	}
	minor = strspn(s + 2 + major, "0123456789");
	return minor > 0 && minor <= 3 && s[2 + major + minor] == '\0';
}

static bool valid_environment(const char *s)
{
	static const char *const names[] = {"production", "sandbox", "staging", "internal"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			return true;
		}
	}
	return false;
}

static bool is_type(const char *path, mode_t type)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/* W[,C] whole days. */
static bool parse_certificate(const char *s, struct pt_config *cfg)
{
	char warn[16];
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	if (n == 0 || n >= sizeof(warn)) {
		return false;
	}
	memcpy(warn, s, n);
	warn[n] = '\0';
	if (!parse_long(warn, 0, 36500, &cfg->cert_warn_days)) {
		return false;
	}
	cfg->cert_crit_days = 0;
	if (comma && !parse_long(comma + 1, 0, 36500, &cfg->cert_crit_days)) {
		return false;
	}
	if (cfg->cert_crit_days > cfg->cert_warn_days) {
		return false;
	}
	cfg->cert_check = true;
	return true;
}

/* Echoes a value the user gave, quoted. */
static void echo(struct pt_buf *err, const char *value)
{
	pt_buf_puts(err, "'");
	pt_sanitize_user_value(err, value, 80);
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
	if (!eq || eq == s || !printable(s, PT_EXPECT_ARG_MAX, true)) {
		pt_buf_puts(err, "--expect-json wants PATH=VALUE[,VALUE...]");
		return false;
	}
	e = &cfg->expects[cfg->nexpects++];
	e->path = strndup(s, (size_t)(eq - s));
	if (!e->path) {
		pt_buf_puts(err, "out of memory");
		return false;
	}
	if (!pt_json_path_valid(e->path, &why)) {
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
	return true;
}

static bool take_secret_file(const char *path, char **slot, struct pt_buf *err)
{
	char *s = NULL;

	if (!pt_secret_read_file(path, &s, err)) {
		return false;
	}
	pt_secret_free(*slot);
	*slot = s;
	return true;
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

/* Handles one option; false with a reason in err. */
static bool apply(int c, const char *arg, struct pt_config *cfg, struct pt_buf *err)
{
	const char *why = NULL;

	switch (c) {
	case 'E':
		cfg->environment = arg;
		return valid_environment(arg) ||
		       bad(err, "environment", "use production, sandbox, staging or internal", arg);
	case 'H':
		cfg->hostname = arg;
		return valid_host(arg) || bad(err, "hostname", "not a host name or address", arg);
	case 'p':
		return parse_long(arg, 1, 65535, &cfg->port) ||
		       bad(err, "port", "not a port number (1-65535)", arg);
	case 'A':
		cfg->api_version = arg;
		return valid_api_version(arg) || bad(err, "api-version", "not of the form v3.8", arg);
	case 'u':
		cfg->base_url = arg;
		return valid_url(arg) || bad(err, "base-url", "not an http:// or https:// URL", arg);
	case '4':
	case '6':
		cfg->ip_version = c - '0';
		return true;
	case OPT_PROXY:
		cfg->proxy = arg;
		return valid_proxy(arg) ||
		       bad(err, "proxy", "want [SCHEME://][USER:PASS@]HOST[:PORT]", NULL);
	case OPT_NOPROXY:
		cfg->noproxy = arg;
		return printable(arg, 4096, false) || bad(err, "noproxy", "not a host list", arg);
	case OPT_CA_FILE:
		cfg->ca_file = arg;
		return is_type(arg, S_IFREG) || bad(err, "ca-file", "not a readable file", arg);
	case OPT_CA_PATH:
		cfg->ca_path = arg;
		return is_type(arg, S_IFDIR) || bad(err, "ca-path", "not a directory", arg);
	case OPT_INSECURE:
		cfg->insecure = true;
		return true;
	case OPT_FOLLOW_REDIRECTS:
		cfg->follow_redirects = true;
		return true;
	case 'C':
		return parse_certificate(arg, cfg) ||
		       bad(err, "certificate", "want WARN_DAYS[,CRIT_DAYS] with CRIT <= WARN", arg);
	case OPT_CLIENT_ID:
		cfg->client_id = arg;
		return (printable(arg, 256, false) && !strchr(arg, ':')) ||
		       bad(err, "client-id", "not a client id (printable, no ':')", arg);
	case OPT_CLIENT_SECRET_FILE:
		return take_secret_file(arg, &cfg->client_secret, err);
	case OPT_CLIENT_SECRET:
		pt_secret_free(cfg->client_secret);
		cfg->client_secret = strdup(arg);
		return cfg->client_secret || bad(err, "client-secret", "out of memory", NULL);
	case OPT_SCOPE:
		cfg->scope = arg;
		return printable(arg, 1024, true) || bad(err, "scope", "not a scope", arg);
	case OPT_TOKEN_URL:
		cfg->token_url = arg;
		return valid_url(arg) || bad(err, "token-url", "not an http:// or https:// URL", arg);
	case OPT_API_KEY_FILE:
		return take_secret_file(arg, &cfg->api_key, err);
	case OPT_TOKEN_CACHE:
		cfg->token_cache_dir = arg;
		return (arg[0] == '/' && printable(arg, 1024, true)) ||
		       bad(err, "token-cache", "not an absolute directory path", arg);
	case OPT_NO_TOKEN_CACHE:
		cfg->no_token_cache = true;
		return true;
	case 'w':
		return pt_range_parse(arg, &cfg->warning, &why) || bad(err, "warning", why, arg);
	case 'c':
		return pt_range_parse(arg, &cfg->critical, &why) || bad(err, "critical", why, arg);
	case 't':
		return parse_seconds(arg, &cfg->timeout) ||
		       bad(err, "timeout", "want seconds, more than 0 and at most 3600", arg);
	case OPT_TIMEOUT_RESULT:
		return pt_state_parse(arg, &cfg->timeout_state) ||
		       bad(err, "timeout-result", "use ok, warning, critical or unknown", arg);
	case OPT_EXPECT_JSON:
		return parse_expect(arg, cfg, err);
	case OPT_OUTPUT_FORMAT:
		return pt_options_output_format(arg, &cfg->output_format) ||
		       bad(err, "output-format", "use nagios, json or prometheus", arg);
	case 'v':
		if (cfg->verbose < 3) {
			cfg->verbose++;
		}
		return true;
	case OPT_EXTRA_OPTS:
		/* Expanded before parsing; seeing one here means it came from
		 * an ini file. */
		pt_buf_puts(err, "--extra-opts cannot be used inside an extra-opts file");
		return false;
	default:
		return false;
	}
}

/* Credentials the command line did not give come from the environment. */
static bool apply_environment(struct pt_config *cfg, struct pt_buf *err)
{
	const char *id = getenv("PRIOTICKET_CLIENT_ID");

	if (!cfg->client_id && id && *id) {
		if (!printable(id, 256, false) || strchr(id, ':')) {
			return bad(err, "client-id", "PRIOTICKET_CLIENT_ID is not a client id", NULL);
		}
		cfg->client_id = id;
	}
	/* A secret in the environment without any client id is not for us
	 * (a shared environment): the probe then goes out anonymously. */
	if (cfg->client_id && !cfg->client_secret &&
	    !pt_secret_from_env("PRIOTICKET_CLIENT_SECRET", &cfg->client_secret, err) && err->len) {
		return false;
	}
	if (!cfg->api_key && !pt_secret_from_env("PRIOTICKET_API_KEY", &cfg->api_key, err) &&
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
	return true;
}

enum pt_options_result pt_options_parse(int argc, char **argv, struct pt_config *cfg,
                                        struct pt_buf *err)
{
	bool help = false;
	bool version = false;
	int c;

	opterr = 0;
	optind = 0; /* 0 makes glibc reinitialise, so parsing can run twice */
	for (;;) {
		int before = optind > 0 ? optind : 1; /* 0 means "start again" */

		c = getopt_long(argc, argv, short_options, long_options, NULL);
		if (c == -1) {
			break;
		}
		if (c == 'h') {
			help = true;
		} else if (c == 'V') {
			version = true;
		} else if (c == '?' || c == ':') {
			const char *arg = argv[before < argc ? before : argc - 1];

			pt_buf_puts(err, "option ");
			echo(err, arg);
			pt_buf_puts(err, " is not known or needs a value (see --help)");
			return PT_OPTIONS_ERROR;
		} else if (!apply(c, optarg, cfg, err)) {
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

/* Only the last --output-format counts, as when parsing. */
enum pt_output_format pt_options_prescan_format(int argc, char **argv)
{
	static const char opt[] = "--output-format";
	enum pt_output_format f = PT_FORMAT_NAGIOS;
	enum pt_output_format seen;

	for (int i = 1; i < argc; i++) {
		const char *value = NULL;

		if (strcmp(argv[i], "--") == 0) {
			break;
		}
		if (strcmp(argv[i], opt) == 0 && i + 1 < argc) {
			value = argv[++i];
		} else if (strncmp(argv[i], opt, sizeof(opt) - 1) == 0 && argv[i][sizeof(opt) - 1] == '=') {
			value = argv[i] + sizeof(opt);
		}
		if (value && pt_options_output_format(value, &seen)) {
			f = seen;
		}
	}
	return f;
}

static void scrub(char *s)
{
	memset(s, 'x', strlen(s));
}

void pt_options_scrub_argv(int argc, char **argv)
{
	static const char opt[] = "--client-secret";

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			return;
		}
		if (strcmp(argv[i], opt) == 0 && i + 1 < argc) {
			scrub(argv[i + 1]);
			i++;
		} else if (strncmp(argv[i], opt, sizeof(opt) - 1) == 0 && argv[i][sizeof(opt) - 1] == '=') {
			scrub(argv[i] + sizeof(opt));
		}
	}
}
