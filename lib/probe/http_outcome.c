/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a finished transfer is made into (http_outcome.h): how it ended,
 * in our words, its phase timings, and the Location of a redirect that
 * was not followed. */
#include "config.h"

#include "http_outcome.h"
#include "http_setup.h"
#include "phases.h"
#include "util/redact.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Our own URLs are checked before the request: an unsupported protocol
 * or too many redirects come from a server's redirect, hence the default
 * "bad HTTP response". */
enum pt_http_outcome pt_http_classify(CURLcode rc, bool too_large)
{
	switch (rc) {
	case CURLE_OK:
		return PT_HTTP_RESPONSE;
	case CURLE_OPERATION_TIMEDOUT:
		return PT_HTTP_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
		return PT_HTTP_DNS;
	case CURLE_COULDNT_RESOLVE_PROXY:
#if LIBCURL_VERSION_NUM >= 0x074900 /* 7.73.0 */
	case CURLE_PROXY:
#endif
		return PT_HTTP_PROXY;
	case CURLE_COULDNT_CONNECT:
		return PT_HTTP_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return PT_HTTP_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return PT_HTTP_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return too_large ? PT_HTTP_TOO_LARGE : PT_HTTP_INTERNAL;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_URL_MALFORMAT:
		return PT_HTTP_INTERNAL;
	default:
		return PT_HTTP_PROTOCOL;
	}
}

#ifdef HAVE_LIBSSL
/* TLS alerts (RFC 8446 6.2) that can answer a missing client
 * certificate. */
#	define ALERT_HANDSHAKE_FAILURE    40
#	define ALERT_BAD_CERTIFICATE      42
#	define ALERT_CERTIFICATE_REQUIRED 116
#endif

/* A server that demands a client certificate (the plugin never sends
 * one) ends the handshake with an alert: under TLS 1.2 handshake_failure
 * (OpenSSL servers) or bad_certificate after its CertificateRequest,
 * during the handshake; under TLS 1.3 certificate_required, after the
 * client finished it, so that libcurl reports a receive error. One fault,
 * one outcome and one text for both. Under TLS 1.3 the server may also
 * close before the alert is read (libcurl 7.88 then fails to send over
 * HTTP/2, "getpeername() failed", in 31 of 50 runs against haproxy): a
 * connection that asked for a certificate and broke while sending or
 * receiving, before any answer, is that fault too. A failed verification
 * of the server's certificate is not: libcurl reports it as a TLS error
 * of its own, and the alert is the plugin's. */
bool pt_http_client_cert_refused(CURLcode rc, const struct pt_timing_sink *sink,
                                 struct pt_http_response *resp)
{
#ifdef HAVE_LIBSSL
	const char *name = NULL;

	if (rc == CURLE_OK || resp->status) {
		return false;
	}
	if (sink->alert == ALERT_CERTIFICATE_REQUIRED) {
		name = "certificate_required";
	} else if (sink->cert_requested && sink->alert == ALERT_HANDSHAKE_FAILURE) {
		name = "handshake_failure";
	} else if (sink->cert_requested && sink->alert == ALERT_BAD_CERTIFICATE) {
		name = "bad_certificate";
	} else if (sink->cert_requested && sink->alert < 0 &&
	           (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR)) {
		resp->outcome = PT_HTTP_TLS;
		snprintf(resp->message, sizeof(resp->message),
		         "the server requires a client certificate (it asked for one, then closed "
		         "the connection)");
		return true;
	} else {
		return false;
	}
	resp->outcome = PT_HTTP_TLS;
	snprintf(resp->message, sizeof(resp->message),
	         "the server requires a client certificate (TLS alert %s)", name);
	return true;
#else
	(void)rc;
	(void)sink;
	(void)resp;
	return false;
#endif
}

/* libcurl's marks and ours, turned into phases (phases.h). */
void pt_http_fill_timings(CURL *h, const struct pt_http_request *req, bool complete,
                          const struct pt_timing_sink *sink, long requests, struct pt_timings *t)
{
	struct pt_marks m = {0};
	long hops = 0;
	char *scheme = NULL;

	m.dns = pt_http_mark_us(h, CURLINFO_NAMELOOKUP_TIME_T);
	m.tcp = pt_http_mark_us(h, CURLINFO_CONNECT_TIME_T);
	m.tls = pt_http_mark_us(h, CURLINFO_APPCONNECT_TIME_T);
	m.first = pt_http_mark_us(h, CURLINFO_STARTTRANSFER_TIME_T);
	m.total = pt_http_mark_us(h, CURLINFO_TOTAL_TIME_T);
	m.redirect = pt_http_mark_us(h, CURLINFO_REDIRECT_TIME_T);
	m.tls_start = sink->tls_start;
	if (sink->informational) {
		m.informational = true;
		m.final_after_informational =
		    sink->final_status ? sink->final_status - sink->info_start + 1 : 0;
	}
	m.complete = complete;
	if (curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &hops) != CURLE_OK || hops < 0) {
		hops = 0;
	}
	/* The final hop's request went out, so its connection was ready,
	 * whatever marks libcurl left for a reused one. */
	m.request_sent = requests > hops;
	if (hops > 0 && hops <= sink->nsnaps) {
		m.base_dns = sink->snaps[hops - 1][0];
		m.base_tcp = sink->snaps[hops - 1][1];
		m.base_tls = sink->snaps[hops - 1][2];
		m.base_first = sink->snaps[hops - 1][3];
	}
	if (curl_easy_getinfo(h, CURLINFO_SCHEME, &scheme) == CURLE_OK && scheme) {
		m.tls_expected = strcasecmp(scheme, "https") == 0;
	}
	/* Whether the request can end on https: then its TLS phase is always
	 * reported, 0 on a reused connection (the same labels every run). */
	m.tls_possible = pt_http_is_https(req->url) || req->net->follow_redirects;
	pt_phases_from_marks(&m, t);
}

/* libcurl's error text may quote a URL, a proxy's included, with its
 * password: only a redacted copy is kept. */
void pt_http_set_message(struct pt_http_response *resp, const char *text)
{
	struct pt_buf clean = {0};

	if (!pt_redact_text(&clean, text, strlen(text))) {
		snprintf(resp->message, sizeof(resp->message), "(error text not shown)");
	} else {
		snprintf(resp->message, sizeof(resp->message), "%s", pt_buf_str(&clean));
	}
	pt_buf_free(&clean);
}

/* The Location of a redirect that was not followed (libcurl resolves it
 * against the request URL). */
void pt_http_fill_location(CURL *h, struct pt_http_response *resp)
{
	char *target = NULL;
	struct pt_buf shown = {0};

	if (resp->status < 300 || resp->status > 399 ||
	    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &target) != CURLE_OK || !target) {
		return;
	}
	pt_redact_url(&shown, target, strlen(target));
	if (!shown.failed && shown.len) {
		snprintf(resp->location, sizeof(resp->location), "%s", pt_buf_str(&shown));
	}
	pt_buf_free(&shown);
}

/* One part of a CONNECT_TO entry (HOST:PORT:HOST:PORT, IPv6 hosts in
 * brackets) into out; returns where the next part starts. */
static const char *entry_part(const char *s, char *out, size_t len)
{
	size_t n = s[0] == '[' ? strcspn(s, "]") + 1 : strcspn(s, ":");

	n = n < strlen(s) ? n : strlen(s);
	snprintf(out, len, "%.*s", (int)n, s);
	return s[n] == ':' ? s + n + 1 : s + n;
}

/* 4 or 6 for an address literal (IPv6 in brackets or not), else 0. */
static int literal_family(const char *host)
{
	char text[64];
	unsigned char addr[16];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(text)) {
		return 0;
	}
	memcpy(text, host, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1) {
		return 4;
	}
	return inet_pton(AF_INET6, text, addr) == 1 ? 6 : 0;
}

/* -4 or -6 against an address of the other family, where libcurl only
 * says "Couldn't connect to server": name the mismatch instead. */
bool pt_http_family_mismatch(const struct pt_http_request *req, struct pt_http_response *resp)
{
	CURLU *u;
	char *host = NULL;
	char *port = NULL;
	char target[300] = "";
	int family;

	if (req->net->ip_version == 0) {
		return false;
	}
	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, req->url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		snprintf(target, sizeof(target), "%s", host);
		if (req->net->connect_to) {
			char h[300];
			char p[16];
			const char *rest = entry_part(req->net->connect_to, h, sizeof(h));

			rest = entry_part(rest, p, sizeof(p));
			if (strcasecmp(h, host) == 0 && strcmp(p, port) == 0) {
				entry_part(rest, target, sizeof(target));
			}
		}
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	family = literal_family(target);
	if (family == 0 || family == req->net->ip_version) {
		return false;
	}
	snprintf(resp->message, sizeof(resp->message),
	         "--ipv%d, but %s is an IPv%d address: the address family does not match",
	         req->net->ip_version, target, family);
	return true;
}
