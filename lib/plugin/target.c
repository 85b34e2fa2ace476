/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The URLs a run talks to. */
#include "config.h"

#include "target.h"
#include "util/redact.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	const char *host;
} environments[] = {
    {"production", "distributor-api.prioticket.com"},
    {"sandbox", "sandbox-distributor-api.prioticket.com"},
    {"staging", "staging-distributor-api.prioticket.com"},
    {"internal", "internal-distributor-api.prioticket.com"},
};

/* The host of an environment name, or NULL. */
static const char *environment_host(const char *environment)
{
	for (size_t i = 0; i < sizeof(environments) / sizeof(environments[0]); i++) {
		if (strcmp(environment, environments[i].name) == 0) {
			return environments[i].host;
		}
	}
	return NULL;
}

void pt_target_prioticket_hosts(const char **out, size_t n)
{
	size_t i = 0;

	for (; i < sizeof(environments) / sizeof(environments[0]) && i + 1 < n; i++) {
		out[i] = environments[i].host;
	}
	out[i] = NULL;
}

bool pt_target_environment_known(const char *environment)
{
	return environment_host(environment) != NULL;
}

const char *pt_target_environment_label(const struct pt_config *cfg)
{
	if (cfg->base_url || cfg->hostname) {
		return "custom";
	}
	return cfg->environment && environment_host(cfg->environment) ? cfg->environment : "unknown";
}

static bool build_base(const struct pt_config *cfg, struct pt_buf *base)
{
	const char *host = cfg->hostname;
	bool bare_v6;

	if (cfg->base_url) {
		size_t n = strlen(cfg->base_url);

		while (n > 0 && cfg->base_url[n - 1] == '/') {
			n--;
		}
		return pt_buf_append(base, cfg->base_url, n);
	}
	if (!host) {
		host = environment_host(cfg->environment);
	}
	if (!host) {
		return false;
	}
	bare_v6 = strchr(host, ':') && host[0] != '[';
	pt_buf_printf(base, "https://%s%s%s", bare_v6 ? "[" : "", host, bare_v6 ? "]" : "");
	if (cfg->port) {
		pt_buf_printf(base, ":%ld", cfg->port);
	}
	return pt_buf_printf(base, "/%s/distributor", cfg->api_version);
}

/* RFC 3986: everything but the unreserved characters is percent-encoded. */
static bool append_escaped(struct pt_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                 "0123456789-._~";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[3] = {'%', hex[c >> 4], hex[c & 15]};

		if (strchr(unreserved, c) && c) {
			if (!pt_buf_append(out, s, 1)) {
				return false;
			}
		} else if (!pt_buf_append(out, enc, 3)) {
			return false;
		}
	}
	return true;
}

static bool with_key(struct pt_buf *out, const char *url, const char *key)
{
	pt_buf_puts(out, url);
	if (!key) {
		return !out->failed;
	}
	pt_buf_puts(out, strchr(url, '?') ? "&key=" : "?key=");
	return append_escaped(out, key);
}

/* scheme://[userinfo@]host[:port] of a URL, split into its scheme, host
 * and port (the scheme's default when none is written). */
struct origin {
	const char *scheme;
	size_t scheme_len;
	const char *host;
	size_t host_len;
	long port;
};

static bool parse_origin(const char *url, struct origin *o)
{
	const char *sep = strstr(url, "://");
	const char *auth;
	const char *end;
	const char *at;
	const char *colon = NULL;

	if (!sep) {
		return false;
	}
	o->scheme = url;
	o->scheme_len = (size_t)(sep - url);
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	at = auth;
	for (const char *p = auth; p < end; p++) {
		if (*p == '@') {
			at = p + 1;
		}
	}
	o->host = at;
	/* The port's ':' is after an IPv6 address's ']'. */
	for (const char *p = end; p > at; p--) {
		if (p[-1] == ']') {
			break;
		}
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	}
	o->host_len = (size_t)((colon ? colon : end) - at);
	if (colon && colon + 1 < end) {
		o->port = strtol(colon + 1, NULL, 10);
	} else {
		o->port = o->scheme_len == 5 && strncasecmp(url, "https", 5) == 0 ? 443 : 80;
	}
	return true;
}

/* The API key belongs to the API: it goes to a token URL only when that
 * is on the API's own scheme, host and port, not to an identity
 * provider elsewhere. */
static bool same_origin(const char *a, const char *b)
{
	struct origin x;
	struct origin y;

	return parse_origin(a, &x) && parse_origin(b, &y) && x.scheme_len == y.scheme_len &&
	       strncasecmp(x.scheme, y.scheme, x.scheme_len) == 0 && x.host_len == y.host_len &&
	       strncasecmp(x.host, y.host, x.host_len) == 0 && x.port == y.port;
}

/* What output shows of a URL: no userinfo, no query values. */
static bool redacted_url(struct pt_buf *out, const struct pt_buf *url)
{
	return pt_redact_url(out, pt_buf_str(url), url->len);
}

bool pt_target_build(const struct pt_config *cfg, struct pt_target *t)
{
	const char *path = pt_endpoint_info(cfg->endpoint)->path;
	struct pt_buf plain = {0};
	bool ok;

	memset(t, 0, sizeof(*t));
	if (!build_base(cfg, &t->base)) {
		return false;
	}
	pt_buf_printf(&plain, "%s%s", pt_buf_str(&t->base), path);
	ok = with_key(&t->probe, pt_buf_str(&plain), cfg->api_key) && redacted_url(&t->shown, &plain);
	pt_buf_wipe(&plain);
	if (ok && cfg->client_id) {
		if (cfg->token_url) {
			pt_buf_puts(&plain, cfg->token_url);
		} else {
			pt_buf_printf(&plain, "%s/oauth2/token", pt_buf_str(&t->base));
		}
		t->token_key = cfg->api_key && same_origin(pt_buf_str(&plain), pt_buf_str(&t->base));
		ok = with_key(&t->token, pt_buf_str(&plain), t->token_key ? cfg->api_key : NULL) &&
		     redacted_url(&t->token_shown, &plain);
		pt_buf_wipe(&plain);
	}
	return ok && !t->base.failed && !t->shown.failed && !t->token_shown.failed;
}

void pt_target_free(struct pt_target *t)
{
	pt_buf_free(&t->base);
	pt_buf_wipe(&t->probe);
	pt_buf_wipe(&t->token);
	pt_buf_free(&t->shown);
	pt_buf_free(&t->token_shown);
}
