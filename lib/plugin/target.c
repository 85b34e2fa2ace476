/* The URLs a run talks to. */
#include "config.h"

#include "target.h"

#include <string.h>

static const struct {
	const char *name;
	const char *host;
} environments[] = {
    {"production", "distributor-api.prioticket.com"},
    {"sandbox", "sandbox-distributor-api.prioticket.com"},
    {"staging", "staging-distributor-api.prioticket.com"},
    {"internal", "internal-distributor-api.prioticket.com"},
};

const char *pt_target_environment_host(const char *environment)
{
	for (size_t i = 0; i < sizeof(environments) / sizeof(environments[0]); i++) {
		if (strcmp(environment, environments[i].name) == 0) {
			return environments[i].host;
		}
	}
	return NULL;
}

const char *pt_target_environment_label(const struct pt_config *cfg)
{
	if (cfg->base_url || cfg->hostname) {
		return "custom";
	}
	return cfg->environment && pt_target_environment_host(cfg->environment) ? cfg->environment
	                                                                        : "unknown";
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
		host = pt_target_environment_host(cfg->environment);
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

bool pt_target_build(const struct pt_config *cfg, struct pt_target *t)
{
	const char *path = cfg->endpoint == PT_ENDPOINT_STATUS ? "/system/status" : "/system/ping";

	memset(t, 0, sizeof(*t));
	if (!build_base(cfg, &t->base)) {
		return false;
	}
	pt_buf_printf(&t->shown, "%s%s", pt_buf_str(&t->base), path);
	if (!with_key(&t->probe, pt_buf_str(&t->shown), cfg->api_key)) {
		return false;
	}
	if (cfg->client_id) {
		if (cfg->token_url) {
			pt_buf_puts(&t->token_shown, cfg->token_url);
		} else {
			pt_buf_printf(&t->token_shown, "%s/oauth2/token", pt_buf_str(&t->base));
		}
		if (!with_key(&t->token, pt_buf_str(&t->token_shown), cfg->api_key)) {
			return false;
		}
	}
	return !t->base.failed && !t->shown.failed && !t->token_shown.failed;
}

void pt_target_free(struct pt_target *t)
{
	pt_buf_free(&t->base);
	pt_buf_wipe(&t->probe);
	pt_buf_wipe(&t->token);
	pt_buf_free(&t->shown);
	pt_buf_free(&t->token_shown);
}
