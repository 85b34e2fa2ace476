/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a run's secrets may go: each request that carries a bound secret
 * judged by the probe layer's pt_probe_binding_check, and the reason,
 * with the way to allow it, when one may not go. */
#include "config.h"

#include "binding.h"
#include "sanitize.h"
#include "probe/probe.h"

#include <stdio.h>
#include <string.h>

/* A secret a request carries. */
struct carried {
	const char *what; /* "the client secret" */
	const struct pt_secret_source *from;
	const char *option; /* the option that reads it from a file */
};

static void describe_source(struct pt_buf *why, const struct carried *c)
{
	pt_buf_printf(why, "%s from ", c->what);
	switch (c->from->kind) {
	case PT_SECRET_FILE:
		pt_buf_puts(why, "the file ");
		pt_sanitize_name(why, c->from->where);
		break;
	case PT_SECRET_ENVIRONMENT:
		pt_buf_puts(why, c->from->where);
		break;
	case PT_SECRET_INI:
	case PT_SECRET_COMMAND_LINE:
		pt_buf_puts(why, c->from->where ? c->from->where : "the command line");
		break;
	}
}

/* "... is not sent to ORIGIN (the token URL): why; how to allow it" */
static void refusal(struct pt_buf *why, const struct carried *c, const char *request,
                    const char *origin, enum pt_binding_verdict v, const char *detail)
{
	bool plain = strncmp(origin, "https://", 8) != 0;

	describe_source(why, c);
	pt_buf_printf(why, " is not sent to %s (%s): ", origin, request);
	if (v == PT_BINDING_BAD_URL) {
		pt_buf_puts(why, "libcurl cannot parse that URL");
	} else if (v == PT_BINDING_PLAIN || (v == PT_BINDING_ELSEWHERE && plain)) {
		pt_buf_puts(why, "outside loopback a secret from a file or the environment goes only "
		                 "over verified https://");
	} else if (v == PT_BINDING_UNVERIFIED) {
		pt_buf_puts(why, "outside loopback a secret from a file or the environment goes only "
		                 "over verified TLS, never with --insecure");
	} else if (v == PT_BINDING_TRUST) {
		pt_sanitize_append(why, detail, strlen(detail), 300);
		pt_buf_puts(why, ", and the CA file or directory decides what is verified");
	} else if (c->from->kind == PT_SECRET_FILE) {
		pt_buf_printf(why,
		              "it goes only to a Prioticket host, to loopback, or to an origin its "
		              "secret file names (add the line origin: %s to it)",
		              origin);
	} else {
		pt_buf_printf(why,
		              "it goes only to a Prioticket host, to loopback, or to an origin its "
		              "secret file names (put it in a file for %s, with the line origin: %s)",
		              c->option, origin);
	}
}

/* Every bound secret of one request; *loopback_only is set when one may
 * go there only as loopback. */
static bool check_request(const struct pt_config *cfg, const char *url, const char *request,
                          const struct carried *carried, size_t n, bool *loopback_only,
                          struct pt_buf *why)
{
	struct pt_tls_options tls = {cfg->ca_file, cfg->ca_path, cfg->insecure, false};
	const char *hosts[8];

	pt_target_prioticket_hosts(hosts, sizeof(hosts) / sizeof(hosts[0]));
	for (size_t i = 0; i < n; i++) {
		const struct pt_secret_source *from = carried[i].from;
		const char *origins[PT_SECRET_ORIGINS_MAX + 1];
		struct pt_binding b = {hosts, origins};
		enum pt_binding_verdict v;
		char origin[PT_ORIGIN_MAX + 32];
		char detail[768];

		if (from->kind == PT_SECRET_COMMAND_LINE) {
			continue;
		}
		for (size_t k = 0; k <= from->origins.n; k++) {
			origins[k] = k < from->origins.n ? from->origins.origin[k] : NULL;
		}
		v = pt_probe_binding_check(url, &tls, &b, origin, sizeof(origin), detail, sizeof(detail));
		if (v == PT_BINDING_LOOPBACK) {
			*loopback_only = true;
		} else if (v != PT_BINDING_TLS) {
			refusal(why, &carried[i], request, origin, v, detail);
			return false;
		}
	}
	return true;
}

bool pt_binding_check(const struct pt_config *cfg, const struct pt_target *t,
                      struct pt_bindings *out, struct pt_buf *why)
{
	struct carried secret = {"the client secret", &cfg->client_secret_from, "--client-secret-file"};
	struct carried token = {"the token got with the client secret", &cfg->client_secret_from,
	                        "--client-secret-file"};
	struct carried key = {"the API key", &cfg->api_key_from, "--api-key-file"};
	struct carried on_token[2] = {secret, key};
	struct carried on_probe[2];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (cfg->client_id && !check_request(cfg, pt_buf_str(&t->token), "the token URL", on_token,
	                                     t->token_key ? 2 : 1, &out->token_loopback_only, why)) {
		return false;
	}
	if (cfg->client_id) {
		on_probe[n++] = token;
	}
	if (cfg->api_key) {
		on_probe[n++] = key;
	}
	return check_request(cfg, pt_buf_str(&t->probe), "the API URL", on_probe, n,
	                     &out->probe_loopback_only, why);
}
