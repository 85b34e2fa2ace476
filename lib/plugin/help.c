/* --help and --version text; every line fits 80 columns. */
#include "config.h"

#include "help.h"
#include "cli.h"
#include "probe/probe.h"
#include "util/limits.h"

/* The license in one line: what the monitoring-plugins' print_revision
 * (utils.sh, utils.pm) says in three (no warranty, redistribution under
 * the GPL), with the SPDX name that COPYING and debian/copyright carry. */
void pt_version(struct pt_buf *out)
{
	pt_buf_printf(out, "%s %s (%s)\n", pt_progname, PACKAGE_VERSION, pt_probe_library_version());
	pt_buf_puts(out,
	            "License GPL-3.0-or-later: you may redistribute it; ABSOLUTELY NO WARRANTY.\n");
}

void pt_help(struct pt_buf *out, enum pt_endpoint endpoint)
{
	const char *what = pt_endpoint_info(endpoint)->name;

	pt_version(out);
	pt_buf_printf(
	    out,
	    "Checks GET {base}/system/%s of the Prioticket Distributor API: is it up,\n"
	    "fast, and accepting your credentials?\n"
	    "\n"
	    "Usage: %s [-E ENV | -H HOST [-p PORT] | -u URL] [-A vX.Y]\n"
	    "       [--client-id ID --client-secret-file FILE] [-w RANGE] [-c RANGE]\n"
	    "       [-t SECONDS] [--expect-json PATH=VALUE] [-v] [--extra-opts=[SEC][@FILE]]\n"
	    "\n",
	    what, pt_progname);
	pt_buf_puts(
	    out,
	    "Target:\n"
	    " -E, --environment=NAME   production (default), sandbox, staging, internal\n"
	    " -H, --hostname=HOST      connect to HOST instead of the environment's host\n"
	    " -p, --port=N             TCP port (default: 443)\n"
	    " -A, --api-version=vX.Y   API version in the path (default: " PT_DEFAULT_API_VERSION ")\n"
	    " -u, --base-url=URL       full base URL, e.g.\n"
	    "                          http://127.0.0.1:8080/v3.8/distributor\n"
	    "                          (overrides -E, -H, -p and -A)\n"
	    " -4, --ipv4 / -6, --ipv6  connect over IPv4 / IPv6 only\n"
	    "     --proxy=URL          proxy (the http_proxy family of variables also works)\n"
	    "     --noproxy=LIST       hosts reached without the proxy; no_proxy from the\n"
	    "                          environment also applies to --proxy unless this\n"
	    "                          is given\n"
	    "     --ca-file=FILE       trust the CA certificates in FILE\n"
	    "     --ca-path=DIR        trust the hashed CA directory DIR\n"
	    "     --insecure           do not verify the server certificate (not advised)\n"
	    "     --follow-redirects   follow up to " PT_MAX_REDIRECTS_TEXT
	    " redirects (the token is never sent\n"
	    "                          to another host, nor https downgraded to http)\n"
	    "     --http-version=V     1.1 (default) or 2: HTTP/2 over TLS when the server\n"
	    "                          offers it by ALPN (plain http stays 1.1); a token\n"
	    "                          request hit by libcurl 7.88's early-answer h2 bug\n"
	    "                          is repeated once over 1.1\n"
	    "     --connect-to=HOST:PORT  connect there for the URL's host and port; the\n"
	    "                          URL's name stays for SNI, Host and the certificate\n"
	    " -C, --certificate=W[,C]  also WARN (CRIT) when a certificate of the verified\n"
	    "                          chain (leaf to trust anchor) expires in fewer than\n"
	    "                          W (C) days\n"
	    "\n"
	    "Authentication (OAuth2 client credentials; without them the probe is\n"
	    "anonymous):\n"
	    "     --client-id=ID       client id (or PRIOTICKET_CLIENT_ID)\n"
	    "     --client-secret-file=FILE\n"
	    "                          file holding the secret, not readable by others\n"
	    "                          (or PRIOTICKET_CLIENT_SECRET)\n"
	    "     --client-secret=S    the secret itself: visible in `ps`, avoid\n"
	    "                          A secret from a file or the environment goes only\n"
	    "                          to a Prioticket host, to loopback, or to an origin\n"
	    "                          its file names: a line origin: https://HOST[:PORT]\n"
	    "     --scope=SCOPE        OAuth2 scope to ask for\n"
	    "     --token-url=URL      token endpoint (default: {base}/oauth2/token)\n"
	    "     --allow-http-token-url  accept a plain http:// token URL beside an\n"
	    "                          https:// probe (the secret then goes unencrypted)\n"
	    "     --token-body=FORMAT  json (default, Prioticket's) or form (RFC 6749,\n"
	    "                          for a standard OAuth2 server or gateway)\n"
	    "     --api-key-file=FILE  v3.5 API key, sent as ?key= (or PRIOTICKET_API_KEY)\n"
	    "     --token-cache=DIR    where tokens are kept between runs\n"
	    "     --no-token-cache     fetch a new token on every run\n"
	    "\n"
	    "Thresholds and states:\n"
	    " -w, --warning=RANGE      response time (seconds) that gives WARNING\n"
	    " -c, --critical=RANGE     response time (seconds) that gives CRITICAL\n"
	    "                          RANGE: 10 | 10: | ~:10 | 10:20 | @10:20\n"
	    "                          (alert outside, or inside with @; ends included)\n"
	    " -t, --timeout=SECONDS    budget for the whole run, token included\n"
	    "                          (default: " PT_DEFAULT_TIMEOUT_SECONDS_TEXT ")\n"
	    "     --timeout-result=STATE  ok, warning, critical (default) or unknown\n"
	    "     --expect-json=PATH=VALUE[,VALUE...]\n"
	    "                          the body's dotted PATH (a.b.0.c) must equal one\n"
	    "                          of the values, else CRITICAL; repeatable, all\n"
	    "                          must hold\n"
	    "\n"
	    "Output:\n"
	    " -v, --verbose            more detail; up to three times\n"
	    " -h, --help               this text;  -V, --version  the version\n"
	    "     --output-format=FMT  nagios (default), json (one document) or\n"
	    "                          prometheus (text exposition); same exit code\n"
	    "     --extra-opts=[SECTION][@FILE]\n"
	    "                          read options from an ini file (default section:\n"
	    "                          the plugin's name) that only root or you can write\n"
	    "\n"
	    "States: 2xx OK (WARNING/CRITICAL by -w/-c); 429 and other 4xx WARNING;\n"
	    "401, 403 (also 400 without credentials) and 5xx CRITICAL; DNS, connection,\n"
	    "TLS and proxy failures CRITICAL; timeout --timeout-result; bad arguments\n"
	    "UNKNOWN. Each subcheck (connection, token, http, json:PATH, latency,\n"
	    "certificate) has a state; the worst wins (CRITICAL > WARNING > UNKNOWN > OK)\n"
	    "and gives the reason word.\n"
	    "Perfdata: time time_resolve time_connect time_tls time_processing\n"
	    "time_transfer time_auth (s), size (B). The phases add up to time;\n"
	    "time_connect includes a proxy's CONNECT, time_processing earlier\n"
	    "redirect hops (see doc/output.md, \"Phases\").\n");
}
