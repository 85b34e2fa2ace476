/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connection subcheck: how a request (the probe, or the token
 * request) ended. */
#include "config.h"

#include "judge_parts.h"

#include <stdio.h>
#include <string.h>

/* "HTTP/1.1 over TLSv1.3 (TLS_AES_256_GCM_SHA384)" */
static void connection_ok(const struct pt_config *cfg, const struct pt_http_response *h,
                          const char *who, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CONNECTION;
	char version[16] = "HTTP";

	if (pt_probe_http_version_name(h->http_version)) {
		snprintf(version, sizeof(version), "HTTP/%s", pt_probe_http_version_name(h->http_version));
	}
	if (h->tls_version[0]) {
		pt_judge_found(l, cfg, k, "connection", PT_FOUND_ANSWERED, "%s answered, %s over %s (%s)",
		               who, version, h->tls_version,
		               h->tls_cipher[0] ? h->tls_cipher : "cipher unknown");
	} else {
		pt_judge_found(l, cfg, k, "connection", PT_FOUND_ANSWERED, "%s answered, %s", who, version);
	}
}

/* The proxy refused us or could not be reached. */
static struct pt_subcheck *judge_proxy(const struct pt_config *cfg,
                                       const struct pt_http_response *h, const char *where,
                                       struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CONNECTION;
	const enum pt_finding f = PT_FOUND_PROXY;
	const char *phrase = pt_probe_reason_phrase(h->proxy_status);
	const char *sep = *phrase ? " " : "";

	switch (h->proxy_failure) {
	case PT_PROXY_REFUSED:
		if (h->proxy_status >= 500) {
			/* A 5xx answer to CONNECT: the proxy could not reach the server. */
			return pt_judge_found(l, cfg, k, "connection", f,
			                      "proxy could not reach the server (HTTP %ld%s%s)%s",
			                      h->proxy_status, sep, phrase, where);
		}
		if (h->proxy_status) {
			return pt_judge_found(l, cfg, k, "connection", f,
			                      "proxy refused the request (HTTP %ld%s%s)%s", h->proxy_status,
			                      sep, phrase, where);
		}
		return pt_judge_found(l, cfg, k, "connection", f, "proxy refused the request%s", where);
	case PT_PROXY_UNRESOLVED:
		return pt_judge_found(l, cfg, k, "connection", f, "cannot resolve the proxy%s", where);
	case PT_PROXY_UNREACHABLE:
		break;
	}
	return pt_judge_found(l, cfg, k, "connection", f, "cannot connect to the proxy%s", where);
}

/* libcurl's message without the words that would repeat the subcheck's
 * own ("cannot resolve host: Could not resolve host: NAME"): the name is
 * what is news. */
static const char *news(const char *message, const char *said)
{
	size_t n = strlen(said);

	return strncmp(message, said, n) == 0 ? message + n : message;
}

/* A timeout; the status line may have come, or only an informational
 * answer (a 103 Early Hints or 100 Continue is not the answer). */
static void judge_timeout(const struct pt_config *cfg, const struct pt_http_response *h,
                          const char *where, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CONNECTION;
	const enum pt_finding f = PT_FOUND_TIMEOUT;

	if (h->status) {
		pt_judge_found(l, cfg, k, "connection", f,
		               "timeout: HTTP %ld arrived but the body did not finish within the %g s "
		               "budget%s",
		               h->status, cfg->timeout, where);
	} else if (h->informational) {
		pt_judge_found(l, cfg, k, "connection", f,
		               "timeout: no answer within the %g s budget%s (only an informational HTTP "
		               "%d came)",
		               cfg->timeout, where, h->informational);
	} else {
		pt_judge_found(l, cfg, k, "connection", f, "timeout: no answer within the %g s budget%s",
		               cfg->timeout, where);
	}
}

/* The connection subcheck of one request. where: "" for the probe,
 * " (token request)" for the token request. Returns true when an HTTP
 * answer from the server itself arrived (anything but a proxy's 407). */
bool pt_judge_connection(const struct pt_config *cfg, const struct pt_http_response *h,
                         const char *where, struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CONNECTION;
	const char *message = h->message;
	struct pt_subcheck *c = NULL;

	switch (h->outcome) {
	case PT_HTTP_RESPONSE:
	case PT_HTTP_TOO_LARGE:
		if (h->status == 407) {
			/* A proxy talking, never the API. */
			pt_judge_found(l, cfg, k, "connection", PT_FOUND_PROXY,
			               "proxy refused the request (HTTP 407 %s)%s", pt_probe_reason_phrase(407),
			               where);
			return false;
		}
		connection_ok(cfg, h, *where ? "token endpoint" : "server", l);
		return true;
	case PT_HTTP_TIMEOUT:
		judge_timeout(cfg, h, where, l);
		return false;
	case PT_HTTP_DNS:
		c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_DNS, "cannot resolve host%s", where);
		message = news(message, "Could not resolve host: ");
		break;
	case PT_HTTP_CONNECT:
		c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_CONNECT, "connection failed%s", where);
		break;
	case PT_HTTP_TLS:
		c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_TLS, "TLS failure%s", where);
		break;
	case PT_HTTP_PROXY:
		c = judge_proxy(cfg, h, where, l);
		if (h->proxy_failure == PT_PROXY_UNRESOLVED) {
			message = news(message, "Could not resolve proxy: ");
		}
		break;
	case PT_HTTP_PROTOCOL:
		if (h->redirect_limit) {
			c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_REDIRECTS,
			                   "more than " PT_MAX_REDIRECTS_TEXT " redirects%s", where);
		} else {
			c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_BAD_HTTP, "bad HTTP response%s",
			                   where);
		}
		break;
	case PT_HTTP_INTERNAL:
		c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_INTERNAL, "internal error%s", where);
		break;
	case PT_HTTP_REFUSED:
		/* A secret would have gone where it may not. */
		c = pt_judge_found(l, cfg, k, "connection", PT_FOUND_NOT_SENT, "request not sent%s", where);
		break;
	}
	pt_subcheck_append_server_text(c, ": ", message);
	return false;
}
