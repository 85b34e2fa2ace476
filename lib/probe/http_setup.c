/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options of one request (http_setup.h): what libcurl is told about
 * the URL, redirects, protocols, headers, body, proxy, trust and the
 * callbacks. */
#include "config.h"

#include "http_setup.h"
#include "http_sinks.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

bool pt_http_is_https(const char *url)
{
	return strncasecmp(url, "https:", 6) == 0;
}

/* Without a CA option, point libcurl at its hashed CA directory only:
 * loading the whole bundle parses every certificate on every run, while
 * the directory is looked up lazily by subject hash. */
static CURLcode set_trust(CURL *h, const struct pt_tls_options *tls)
{
	CURLcode rc = CURLE_OK;
	char *default_path = NULL;

	if (tls->insecure) {
		rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		if (!rc) {
			rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		return rc;
	}
	if (tls->ca_file || tls->ca_path) {
		if (tls->ca_file) {
			rc = curl_easy_setopt(h, CURLOPT_CAINFO, tls->ca_file);
		}
		if (!rc && tls->ca_path) {
			rc = curl_easy_setopt(h, CURLOPT_CAPATH, tls->ca_path);
		}
		if (!rc && !tls->ca_file) {
			rc = curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
		}
		return rc;
	}
#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84.0: CURLINFO_CAPATH */
	if (curl_easy_getinfo(h, CURLINFO_CAPATH, &default_path) == CURLE_OK && default_path &&
	    *default_path) {
		rc = curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
	}
#else
	(void)default_path;
#endif
	return rc;
}

/* Header strings may hold the bearer token: wipe them before freeing. */
void pt_http_free_headers(struct curl_slist *list)
{
	for (struct curl_slist *s = list; s; s = s->next) {
		pt_wipe(s->data, strlen(s->data));
	}
	curl_slist_free_all(list);
}

struct curl_slist *pt_http_build_headers(const struct pt_http_request *req, bool *ok)
{
	struct curl_slist *list = NULL;
	struct curl_slist *next;
	struct pt_buf auth = {0};

	*ok = true;
	for (const char *const *h = req->headers; h && *h; h++) {
		next = curl_slist_append(list, *h);
		if (!next) {
			*ok = false;
			return list;
		}
		list = next;
	}
	if (req->bearer) {
		/* On the heap (a token may be PT_TOKEN_MAX_CHARS long), in one
		 * allocation, so that no copy of it is left behind by a realloc. */
		if (!pt_buf_reserve(&auth, sizeof(PT_AUTH_HEADER_PREFIX) + strlen(req->bearer)) ||
		    !pt_buf_puts(&auth, PT_AUTH_HEADER_PREFIX) || !pt_buf_puts(&auth, req->bearer)) {
			pt_buf_wipe(&auth);
			*ok = false;
			return list;
		}
		next = curl_slist_append(list, pt_buf_str(&auth));
		pt_buf_wipe(&auth);
		if (!next) {
			*ok = false;
			return list;
		}
		list = next;
	}
	return list;
}

/* Applies every option; returns the first failure. */
CURLcode pt_http_setup(CURL *h, const struct pt_http_request *req, struct curl_slist *headers,
                       struct pt_body_sink *body, struct pt_trace_sink *trace,
                       struct pt_timing_sink *timing, struct pt_conn_sink *conn,
                       struct curl_slist *connect_to, char *errbuf, long ms)
{
	const struct pt_net_options *net = req->net;
	CURLcode rc;

#define SET(opt, val)                                                                              \
	do {                                                                                           \
		if (!rc) {                                                                                 \
			rc = curl_easy_setopt(h, opt, val);                                                    \
		}                                                                                          \
	} while (0)

	rc = curl_easy_setopt(h, CURLOPT_URL, req->url);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, ms);
	if (net->follow_redirects) {
		/* libcurl sends our Authorization header only to the host it
		 * was given for (CURLOPT_UNRESTRICTED_AUTH stays off), and an
		 * https probe may only be redirected to https. */
		SET(CURLOPT_FOLLOWLOCATION, 1L);
		SET(CURLOPT_MAXREDIRS, (long)PT_MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
		SET(CURLOPT_REDIR_PROTOCOLS_STR, pt_http_is_https(req->url) ? "https" : "http,https");
#else
		SET(CURLOPT_REDIR_PROTOCOLS, pt_http_is_https(req->url)
		                                 ? (long)CURLPROTO_HTTPS
		                                 : (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	} else {
		SET(CURLOPT_FOLLOWLOCATION, 0L);
	}
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* "" offers every encoding this libcurl can decode. */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_WRITEFUNCTION, pt_http_on_body);
	SET(CURLOPT_WRITEDATA, body);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)net->max_body);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_USERAGENT, net->user_agent);
	/* One request per connection: HTTP/2 buys nothing, and libcurl 7.88
	 * fails on h2 answers sent before the request body was read. h2 only
	 * when asked for, and only over TLS (ALPN); plain http stays 1.1. */
	SET(CURLOPT_HTTP_VERSION,
	    net->http_version == 2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_HEADERFUNCTION, pt_http_on_header);
	SET(CURLOPT_HEADERDATA, timing);
	if (connect_to) {
		SET(CURLOPT_CONNECT_TO, connect_to);
	}
	if (net->ip_version == 4) {
		SET(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V4);
	} else if (net->ip_version == 6) {
		SET(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V6);
	}
	if (net->proxy) {
		SET(CURLOPT_PROXY, net->proxy);
	}
	if (net->noproxy) {
		SET(CURLOPT_NOPROXY, net->noproxy);
	}
	if (req->username) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERNAME, req->username);
		SET(CURLOPT_PASSWORD, req->password ? req->password : "");
	}
	if (strcmp(req->method, "POST") == 0) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, req->body ? req->body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (net->tls.want_cert_expiry) {
		SET(CURLOPT_CERTINFO, 1L);
	}
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
	SET(CURLOPT_PREREQFUNCTION, pt_http_on_connected);
	SET(CURLOPT_PREREQDATA, conn);
#else
	(void)conn;
#endif
	if (trace->out) {
		SET(CURLOPT_DEBUGFUNCTION, pt_trace_on_debug);
		SET(CURLOPT_DEBUGDATA, trace);
		SET(CURLOPT_VERBOSE, 1L);
	}
	if (!rc) {
		rc = set_trust(h, &net->tls);
	}
	/* Only marks when the TLS handshake begins; a TLS backend without
	 * this callback leaves that mark out (phases.c copes). */
	if (!rc && curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, pt_http_on_ssl_ctx) == CURLE_OK) {
		rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, timing);
	}
#undef SET
	return rc;
}

bool pt_http_connect_to_entry(const char *url, const char *to, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *host = NULL;
	char *port = NULL;
	bool ok = false;
	int n;

	if (!u) {
		return false;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		/* HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT; the URL API keeps
		 * an IPv6 host in brackets, as the entry wants it. */
		n = snprintf(out, len, "%s:%s:%s", host, port, to);
		ok = n > 0 && (size_t)n < len;
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}
