/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request's facts for the machine outputs (report.h, struct
 * pt_facts). */
#include "config.h"

#include "facts.h"
#include "util/redact.h"

#include <stdio.h>

static const char *token_source(enum pt_auth_source a)
{
	switch (a) {
	case PT_AUTH_ANONYMOUS:
		return "none";
	case PT_AUTH_FETCHED:
		return "requested";
	case PT_AUTH_CACHED:
		return "cache";
	case PT_AUTH_BACKOFF:
		break;
	}
	return "backoff";
}

void pt_facts_fill(const struct pt_config *cfg, const struct pt_target *t,
                   const struct pt_probe_result *res, const char *reference, struct pt_report *r)
{
	struct pt_facts *f = &r->facts;
	const struct pt_http_response *h = &res->http;

	f->environment = pt_target_environment_label(cfg);
	/* Options allow printable ASCII only in URLs: redacting is all it
	 * takes (the Nagios sanitiser would turn '=' into ':'). */
	pt_redact_url(&f->url, pt_buf_str(&t->shown), t->shown.len);
	snprintf(f->app_reference, sizeof(f->app_reference), "%s", reference);
	f->token_source = token_source(res->auth);
	f->has_auth = res->auth != PT_AUTH_ANONYMOUS;
	f->time_auth = res->time_auth;
	f->probed = res->probed && h->outcome != PT_HTTP_INTERNAL;
	if (!f->probed) {
		return;
	}
	f->http_status = h->status;
	snprintf(f->http_version, sizeof(f->http_version), "%s",
	         pt_probe_http_version_name(h->http_version)
	             ? pt_probe_http_version_name(h->http_version)
	             : "");
	snprintf(f->tls_version, sizeof(f->tls_version), "%s", h->tls_version);
	snprintf(f->tls_cipher, sizeof(f->tls_cipher), "%s", h->tls_cipher);
	f->timings = h->t;
	f->cert_known = cfg->cert_check && h->cert_expiry_known;
	f->cert_expiry = h->cert_expiry;
}
