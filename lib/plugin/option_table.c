/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The option table both plugins share, and the one pre-scan of argv that
 * getopt_long drives from it. */
#include "config.h"

#include "option_table.h"
#include "run_config.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

/* In --help's order; a heading starts a section of --help. Limits and
 * defaults come from their constants. */
static const struct pt_option_row rows[] = {
    {"environment", 'E', required_argument, "Target", "NAME", NULL,
     "production (default), sandbox, staging, internal"},
    {"hostname", 'H', required_argument, NULL, "HOST", NULL,
     "connect to HOST instead of the environment's host"},
    {"port", 'p', required_argument, NULL, "N", NULL, "TCP port (default: 443)"},
    {"api-version", 'A', required_argument, NULL, "vX.Y", NULL,
     "API version in the path (default: " PT_DEFAULT_API_VERSION ")"},
    {"base-url", 'u', required_argument, NULL, "URL", NULL,
     "full base URL, e.g.\n"
     "http://127.0.0.1:8080/v3.8/distributor\n"
     "(overrides -E, -H, -p and -A)"},
    {"ipv4", '4', no_argument, NULL, NULL, "-4, --ipv4 / -6, --ipv6",
     "connect over IPv4 / IPv6 only"},
    {"ipv6", '6', no_argument, NULL, NULL, NULL, NULL},
    {"proxy", PT_OPT_PROXY, required_argument, NULL, "URL", NULL,
     "proxy (the http_proxy family of variables also works)"},
    {"noproxy", PT_OPT_NOPROXY, required_argument, NULL, "LIST", NULL,
     "hosts reached without the proxy; no_proxy from the\n"
     "environment also applies to --proxy unless this\n"
     "is given"},
    {"ca-file", PT_OPT_CA_FILE, required_argument, NULL, "FILE", NULL,
     "trust the CA certificates in FILE"},
    {"ca-path", PT_OPT_CA_PATH, required_argument, NULL, "DIR", NULL,
     "trust the hashed CA directory DIR"},
    {"insecure", PT_OPT_INSECURE, no_argument, NULL, NULL, NULL,
     "do not verify the server certificate (not advised)"},
    {"follow-redirects", PT_OPT_FOLLOW_REDIRECTS, no_argument, NULL, NULL, NULL,
     "follow up to " PT_MAX_REDIRECTS_TEXT " redirects (the token is never sent\n"
     "to another host, nor https downgraded to http)"},
    {"http-version", PT_OPT_HTTP_VERSION, required_argument, NULL, "V", NULL,
     "1.1 (default) or 2: HTTP/2 over TLS when the server\n"
     "offers it by ALPN (plain http stays 1.1); a token\n"
     "request hit by libcurl 7.88's early-answer h2 bug\n"
     "is repeated once over 1.1"},
    {"connect-to", PT_OPT_CONNECT_TO, required_argument, NULL, "HOST:PORT", NULL,
     "connect there for the URL's host and port; the\n"
     "URL's name stays for SNI, Host and the certificate"},
    {"certificate", 'C', required_argument, NULL, "W[,C]", NULL,
     "also WARN (CRIT) when a certificate of the verified\n"
     "chain (leaf to trust anchor) expires in fewer than\n"
     "W (C) days"},
    {"client-id", PT_OPT_CLIENT_ID, required_argument,
     "Authentication (OAuth2 client credentials; without them the probe is\n"
     "anonymous)",
     "ID", NULL, "client id (or PRIOTICKET_CLIENT_ID)"},
    {"client-secret-file", PT_OPT_CLIENT_SECRET_FILE, required_argument, NULL, "FILE", NULL,
     "file holding the secret, not readable by others\n"
     "(or PRIOTICKET_CLIENT_SECRET)"},
    {"client-secret", PT_OPT_CLIENT_SECRET, required_argument, NULL, "S", NULL,
     "the secret itself: visible in `ps`, avoid\n"
     "A secret from a file or the environment goes only\n"
     "to a Prioticket host, to loopback, or to an origin\n"
     "its file names: a line origin: https://HOST[:PORT]"},
    {"scope", PT_OPT_SCOPE, required_argument, NULL, "SCOPE", NULL, "OAuth2 scope to ask for"},
    {"token-url", PT_OPT_TOKEN_URL, required_argument, NULL, "URL", NULL,
     "token endpoint (default: {base}/oauth2/token)"},
    {"allow-http-token-url", PT_OPT_ALLOW_HTTP_TOKEN_URL, no_argument, NULL, NULL, NULL,
     "accept a plain http:// token URL beside an\n"
     "https:// probe (the secret then goes unencrypted)"},
    {"token-body", PT_OPT_TOKEN_BODY, required_argument, NULL, "FORMAT", NULL,
     "json (default, Prioticket's) or form (RFC 6749,\n"
     "for a standard OAuth2 server or gateway)"},
    {"api-key-file", PT_OPT_API_KEY_FILE, required_argument, NULL, "FILE", NULL,
     "v3.5 API key, sent as ?key= (or PRIOTICKET_API_KEY)"},
    {"token-cache", PT_OPT_TOKEN_CACHE, required_argument, NULL, "DIR", NULL,
     "where tokens are kept between runs"},
    {"no-token-cache", PT_OPT_NO_TOKEN_CACHE, no_argument, NULL, NULL, NULL,
     "fetch a new token on every run"},
    {"warning", 'w', required_argument, "Thresholds and states", "RANGE", NULL,
     "response time (seconds) that gives WARNING"},
    {"critical", 'c', required_argument, NULL, "RANGE", NULL,
     "response time (seconds) that gives CRITICAL\n"
     "RANGE: 10 | 10: | ~:10 | 10:20 | @10:20\n"
     "(alert outside, or inside with @; ends included)"},
    {"timeout", 't', required_argument, NULL, "SECONDS", NULL,
     "budget for the whole run, token included\n"
     "(default: " PT_DEFAULT_TIMEOUT_SECONDS_TEXT ")"},
    {"timeout-result", PT_OPT_TIMEOUT_RESULT, required_argument, NULL, "STATE", NULL,
     "ok, warning, critical (default) or unknown"},
    {"expect-json", PT_OPT_EXPECT_JSON, required_argument, NULL, "PATH=VALUE[,VALUE...]", NULL,
     "the body's dotted PATH (a.b.0.c) must equal one\n"
     "of the values, else CRITICAL; repeatable, all\n"
     "must hold"},
    {"verbose", 'v', no_argument, "Output", NULL, NULL, "more detail; up to three times"},
    {"help", 'h', no_argument, NULL, NULL, NULL, "this text;  -V, --version  the version"},
    {"version", 'V', no_argument, NULL, NULL, NULL, NULL},
    {"output-format", PT_OPT_OUTPUT_FORMAT, required_argument, NULL, "FMT", NULL,
     "nagios (default), json (one document) or\n"
     "prometheus (text exposition); same exit code"},
    {"extra-opts", PT_OPT_EXTRA_OPTS, optional_argument, NULL, "[SECTION][@FILE]", NULL,
     "read options from an ini file (default section:\n"
     "the plugin's name) that only root or you can write"},
};

_Static_assert(sizeof(rows) / sizeof(rows[0]) == PT_OPTION_COUNT,
               "PT_OPTION_COUNT is the number of rows");

const struct pt_option_row *pt_option_rows(size_t *n)
{
	*n = sizeof(rows) / sizeof(rows[0]);
	return rows;
}

const char *pt_option_name(int id)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].id == id) {
			return rows[i].name;
		}
	}
	return "?";
}

bool pt_option_letter_takes_value(int letter)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].id == letter && letter < PT_OPT_PROXY) {
			return rows[i].has_arg != no_argument;
		}
	}
	return false;
}

void pt_getopt_table(struct pt_getopt_table *t)
{
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		t->longopts[i].name = rows[i].name;
		t->longopts[i].has_arg = rows[i].has_arg;
		t->longopts[i].val = rows[i].id;
		if (rows[i].id < PT_OPT_PROXY) {
			t->shortopts[n++] = (char)rows[i].id;
			if (rows[i].has_arg == required_argument) {
				t->shortopts[n++] = ':';
			} else if (rows[i].has_arg == optional_argument) {
				t->shortopts[n++] = ':';
				t->shortopts[n++] = ':';
			}
		}
	}
}

bool pt_options_scan(int argc, char **argv, void (*seen)(const struct pt_option_seen *, void *),
                     void *ctx)
{
	struct pt_getopt_table table;
	char **copy;

	if (argc < 2) {
		return true;
	}
	copy = malloc(((size_t)argc + 1) * sizeof(*copy));
	if (!copy) {
		return false;
	}
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	copy[argc] = NULL;
	pt_getopt_table(&table);
	opterr = 0;
	optind = 0; /* 0 makes glibc start afresh, as options.c's parse does */
	for (;;) {
		int index = -1;
		int c = getopt_long(argc, copy, table.shortopts, table.longopts, &index);
		struct pt_option_seen o = {c == ':' ? '?' : c, optarg, NULL};

		if (c == -1) {
			break;
		}
		/* A long option has been stepped over with its value: the
		 * argument naming it is the last one, or the one before a
		 * value that stood apart. */
		if (index >= 0 && c != '?' && c != ':') {
			o.arg = copy[optind - 1];
			if (optarg && optarg == copy[optind - 1] && optind >= 2) {
				o.arg = copy[optind - 2];
			}
		}
		seen(&o, ctx);
	}
	free(copy);
	return true;
}
