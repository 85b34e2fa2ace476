/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One HTTP request with libcurl: set up (http_setup.c), performed with
 * its callbacks (http_sinks.c), and what came of it (http_outcome.c).
 * The proxy (proxy.c), certificate (certinfo.c), redirect and
 * Retry-After (hints.c), trace (trace.c) and binding (http_binding.c)
 * helpers live apart. */
#include "config.h"

#include "http.h"
#include "certinfo.h"
#include "hints.h"
#include "http_outcome.h"
#include "http_setup.h"
#include "http_sinks.h"
#include "proxy.h"
#include "trace.h"
#include "util/clock.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Variables libcurl and OpenSSL read as the TLS backend starts, with
 * which whoever sets the plugin's environment would decide where the TLS
 * secrets go or what the plugin trusts. Trust comes from the options
 * (--ca-file, --ca-path, --insecure) and the system's configuration only. */
static const char *const ignored_environment[] = {
    /* libcurl (and OpenSSL 3.5 built with enable-sslkeylog) append the
     * session secrets to this file: a capture of the traffic, client
     * secret and tokens included, could be decrypted. */
    "SSLKEYLOGFILE",
    /* Another OpenSSL configuration than the system's: it can load
     * providers and engines (code), and set protocols and ciphers. */
    "OPENSSL_CONF",
    "OPENSSL_CONF_INCLUDE",
    "OPENSSL_MODULES",
    "OPENSSL_ENGINES",
    /* OpenSSL's default trust store, used where a libcurl falls back on
     * it (CURL_CA_FALLBACK builds). */
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    /* Another TLS library, in a libcurl built with several. */
    "CURL_SSL_BACKEND",
};

bool pt_http_global_init(void)
{
	for (size_t i = 0; i < sizeof(ignored_environment) / sizeof(ignored_environment[0]); i++) {
		if (unsetenv(ignored_environment[i]) != 0) {
			return false;
		}
	}
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void pt_http_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *pt_http_library_version(void)
{
	static char text[128];
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	snprintf(text, sizeof(text), "libcurl/%s%s%s", v->version, v->ssl_version ? " " : "",
	         v->ssl_version ? v->ssl_version : "");
	return text;
}

const char *pt_http_reason(long status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 407:
		return "Proxy Authentication Required";
	case 408:
		return "Request Timeout";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "";
	}
}

const char *pt_http_version_name(long version)
{
	switch (version) {
	case CURL_HTTP_VERSION_1_0:
		return "1.0";
	case CURL_HTTP_VERSION_1_1:
		return "1.1";
	case CURL_HTTP_VERSION_2_0:
		return "2";
#if LIBCURL_VERSION_NUM >= 0x074200 /* 7.66.0 */
	case CURL_HTTP_VERSION_3:
		return "3";
#endif
	default:
		return NULL;
	}
}

static CURLcode perform_once(const struct pt_http_request *req, struct pt_http_response *resp)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct pt_body_sink body = {&resp->body, req->net->max_body, false, NULL};
	struct pt_trace_sink trace = {req->trace};
	struct pt_timing_sink timing;
	struct pt_conn_sink conn = {
	    .resp = resp, .req = req, .want_cert = req->net->tls.want_cert_expiry};
	struct curl_slist *headers;
	struct curl_slist *connect_to = NULL;
	CURL *h;
	CURLcode rc;
	char *effective = NULL;
	const char *last_url = req->url;
	long ms;
	bool ok;

	memset(resp, 0, sizeof(*resp));
	ms = pt_remaining_ms(req->deadline);
	if (ms <= 0) {
		resp->outcome = PT_HTTP_TIMEOUT;
		snprintf(resp->message, sizeof(resp->message), "no time left for the request");
		return CURLE_OPERATION_TIMEDOUT;
	}
	h = curl_easy_init();
	if (!h) {
		resp->outcome = PT_HTTP_INTERNAL;
		snprintf(resp->message, sizeof(resp->message), "curl_easy_init failed");
		return CURLE_FAILED_INIT;
	}
	body.handle = h;
	memset(&timing, 0, sizeof(timing));
	timing.handle = h;
	timing.alert = -1;
	conn.handle = h;
#if LIBCURL_VERSION_NUM < 0x075000 /* 7.80.0: CURLOPT_PREREQFUNCTION */
	if (req->loopback_only) {
		resp->outcome = PT_HTTP_REFUSED;
		snprintf(resp->message, sizeof(resp->message),
		         "the secret is bound to loopback, but this libcurl (older than 7.80) cannot tell "
		         "the address a request goes to");
		curl_easy_cleanup(h);
		return CURLE_ABORTED_BY_CALLBACK;
	}
#endif
	headers = pt_http_build_headers(req, &ok);
	if (ok && req->net->connect_to) {
		connect_to = curl_slist_append(NULL, req->net->connect_to);
		ok = connect_to != NULL;
	}
	rc = ok ? pt_http_setup(h, req, headers, &body, &trace, &timing, &conn, connect_to, errbuf, ms)
	        : CURLE_OUT_OF_MEMORY;
	if (!rc) {
		timing.start = pt_now();
		rc = curl_easy_perform(h);
	}
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status) != CURLE_OK) {
		resp->status = 0;
	}
	if (curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &resp->http_version) != CURLE_OK) {
		resp->http_version = 0;
	}
	pt_http_fill_location(h, resp);
	pt_http_fill_timings(h, req, rc == CURLE_OK, &timing, conn.requests, &resp->t);
	/* An informational answer is not the answer: without a final status
	 * line, no status came (libcurl reports the 1xx). */
	if (timing.informational && !timing.final_status) {
		resp->informational = timing.informational;
		resp->status = 0;
	}
	resp->outcome = pt_http_classify(rc, body.too_large);
	resp->redirect_limit = rc == CURLE_TOO_MANY_REDIRECTS;
	/* After redirects, the last URL decides whether a proxy was used. */
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
		last_url = effective;
	}
	pt_hints_fill(h, req->method, req->url, resp);
	pt_proxy_find(req->net, last_url, resp);
	pt_proxy_classify(h, rc, resp);
	/* libcurl also says "out of memory" when it rejects an oversized
	 * header: once connected, that is the server's fault. */
	if (rc == CURLE_OUT_OF_MEMORY && resp->t.reached[PT_PHASE_CONNECT]) {
		resp->outcome = PT_HTTP_PROTOCOL;
	}
	if (resp->outcome == PT_HTTP_RESPONSE && resp->body.failed) {
		resp->outcome = PT_HTTP_INTERNAL;
	}
	if (conn.refused) {
		resp->outcome = PT_HTTP_REFUSED; /* the message says why */
	} else if (rc &&
	           !((resp->outcome == PT_HTTP_CONNECT || resp->outcome == PT_HTTP_DNS) &&
	             pt_http_family_mismatch(req, resp)) &&
	           !pt_http_client_cert_refused(rc, &timing, resp)) {
		pt_http_set_message(resp, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	if (req->net->tls.want_cert_expiry && !conn.chain_seen) {
		pt_certinfo_expiry(h, resp);
	}
	pt_http_free_headers(headers);
	curl_slist_free_all(connect_to);
	curl_easy_cleanup(h);
	return rc;
}

/* libcurl 7.88 fails a request with a body over HTTP/2 when the server
 * answers before reading that body and then resets the stream (nginx's
 * `return` does): "Stream error in the HTTP/2 framing layer". The server
 * is fine; such a request is repeated once over HTTP/1.1, and the
 * response says so. */
void pt_http_perform(const struct pt_http_request *req, struct pt_http_response *resp)
{
	struct pt_net_options h1 = *req->net;
	struct pt_http_request again = *req;
	CURLcode rc = perform_once(req, resp);

	if (rc != CURLE_HTTP2_STREAM || req->net->http_version != 2 || !req->body ||
	    pt_remaining_ms(req->deadline) <= 0) {
		return;
	}
	pt_buf_wipe(&resp->body); /* a token endpoint's partial answer */
	h1.http_version = 11;
	again.net = &h1;
	perform_once(&again, resp);
	resp->h2_fallback = true;
}

void pt_http_response_free(struct pt_http_response *resp)
{
	pt_buf_free(&resp->body);
}
