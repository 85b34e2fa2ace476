/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libcurl's callbacks during one transfer (http_sinks.h): the body kept
 * within its bound, the marks libcurl does not keep, what the TLS
 * handshake showed, and the connection's facts while it is open. */
#include "config.h"

#include "http_sinks.h"
#include "certinfo.h"
#include "http_binding.h"
#include "util/clock.h"

#include <curl/curl.h>
#ifdef HAVE_LIBSSL
#	include <openssl/ssl.h>
#endif
#include <stdio.h>
#include <string.h>

size_t pt_http_on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct pt_body_sink *sink = userp;
	size_t n = size * nmemb;

	if (n > sink->max - sink->body->len) {
		sink->too_large = true;
		return 0; /* anything but n aborts the transfer */
	}
	if (!sink->body->data) {
		curl_off_t announced = -1;

		/* One allocation for the whole body when its size is announced
		 * (and allowed): no copying as it grows. */
		if (curl_easy_getinfo(sink->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) ==
		        CURLE_OK &&
		    announced > 0 && (curl_off_t)n <= announced && (size_t)announced <= sink->max &&
		    !pt_buf_reserve(sink->body, (size_t)announced)) {
			return 0;
		}
	}
	if (!pt_buf_append(sink->body, data, n)) {
		return 0;
	}
	return n;
}

int64_t pt_http_mark_us(CURL *h, CURLINFO what)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(h, what, &us) != CURLE_OK || us < 0) {
		return 0;
	}
	return (int64_t)us;
}

static const CURLINFO snap_marks[4] = {CURLINFO_NAMELOOKUP_TIME_T, CURLINFO_CONNECT_TIME_T,
                                       CURLINFO_APPCONNECT_TIME_T, CURLINFO_STARTTRANSFER_TIME_T};

/* The code of a status line ("HTTP/1.1 200 OK", "HTTP/2 103 "), or 0
 * for a header line. */
static int status_code(const char *data, size_t n)
{
	const char *sp;

	if (n < 12 || memcmp(data, "HTTP/", 5) != 0) {
		return 0;
	}
	sp = memchr(data, ' ', n);
	if (!sp || sp + 4 > data + n) {
		return 0;
	}
	for (int i = 1; i <= 3; i++) {
		if (sp[i] < '0' || sp[i] > '9') {
			return 0;
		}
	}
	return (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
}

/* Every status line passes here: a proxy's answer to CONNECT, each 1xx,
 * each hop's final one.
 * - libcurl's first-byte mark is that of the first 1xx (103 Early Hints,
 *   100 Continue), which is not the answer: the final status line's
 *   arrival is noted, and a 1xx after a final line begins another hop
 *   (or follows a proxy's CONNECT answer).
 * - libcurl adds each hop's marks to the previous ones: they are
 *   remembered at every 3xx status line (the hop's marks are all set by
 *   then), so that the final hop's own can be told apart. */
size_t pt_http_on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct pt_timing_sink *sink = userp;
	size_t n = size * nmemb;
	int code = status_code(data, n);
	int64_t us = 0;

	if (code >= 100) {
		us = (int64_t)((pt_now() - sink->start) * 1e6);
		us = us > 0 ? us : 1;
	}
	if (code >= 100 && sink->final_status) {
		/* After a final status line, any status line begins a hop. */
		sink->final_status = 0;
		sink->info_start = 0;
		sink->informational = 0;
	}
	if (code >= 100 && code < 200) {
		sink->info_start = sink->info_start ? sink->info_start : us;
		sink->informational = code;
	} else if (code >= 200) {
		sink->final_status = us;
	}
	if (code >= 300 && code < 400 && sink->nsnaps <= PT_MAX_REDIRECTS) {
		for (int i = 0; i < 4; i++) {
			sink->snaps[sink->nsnaps][i] = pt_http_mark_us(sink->handle, snap_marks[i]);
		}
		sink->nsnaps++;
	}
	return n;
}

#ifdef HAVE_LIBSSL
/* Every TLS message the server sends: a CertificateRequest, and fatal
 * alerts. It replaces libcurl's own message callback, which only feeds
 * its -v text (CURLINFO_TEXT), and trace.c never shows that. */
static void on_tls_message(int write_p, int version, int content_type, const void *buf, size_t len,
                           SSL *ssl, void *userp)
{
	struct pt_timing_sink *sink = userp;
	const unsigned char *b = buf;

	(void)version;
	(void)ssl;
	if (write_p || len < 1) {
		return;
	}
	if (content_type == SSL3_RT_HANDSHAKE && b[0] == SSL3_MT_CERTIFICATE_REQUEST) {
		sink->cert_requested = true;
	} else if (content_type == SSL3_RT_ALERT && len >= 2 && b[0] == SSL3_AL_FATAL) {
		sink->alert = b[1];
	}
}
#endif

/* Called as the TLS handshake begins: TCP is connected and any proxy
 * tunnel established. The last call belongs to the last connection. */
CURLcode pt_http_on_ssl_ctx(CURL *h, void *ssl_ctx, void *userp)
{
	struct pt_timing_sink *sink = userp;
	int64_t us = (int64_t)((pt_now() - sink->start) * 1e6);
	const struct curl_tlssessioninfo *info = NULL;

	sink->tls_start = us > 0 ? us : 1;
#ifdef HAVE_LIBSSL
	if (curl_easy_getinfo(h, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info &&
	    info->backend == CURLSSLBACKEND_OPENSSL) {
		SSL_CTX_set_msg_callback(ssl_ctx, on_tls_message);
		SSL_CTX_set_msg_callback_arg(ssl_ctx, sink);
	}
#else
	(void)h;
	(void)ssl_ctx;
	(void)info;
#endif
	return CURLE_OK;
}

#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
/* Called once the connection is up and before the request goes out:
 * the TLS session is only reachable while the connection is open. */
int pt_http_on_connected(void *userp, char *primary_ip, char *local_ip, int primary_port,
                         int local_port)
{
	struct pt_conn_sink *sink = userp;
	const struct curl_tlssessioninfo *info = NULL;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (!pt_http_may_send(sink->handle, sink->req, primary_ip, sink->resp)) {
		sink->refused = true;
		return CURL_PREREQFUNC_ABORT;
	}
	sink->requests++;
	if (curl_easy_getinfo(sink->handle, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || !info ||
	    !info->internals) {
		return CURL_PREREQFUNC_OK;
	}
#	ifdef HAVE_LIBSSL
	if (info->backend == CURLSSLBACKEND_OPENSSL) {
		SSL *ssl = info->internals;
		const char *cipher = SSL_get_cipher_name(ssl);

		snprintf(sink->resp->tls_version, sizeof(sink->resp->tls_version), "%s",
		         SSL_get_version(ssl));
		snprintf(sink->resp->tls_cipher, sizeof(sink->resp->tls_cipher), "%s",
		         cipher ? cipher : "");
		/* Each hop's connection in turn, a reused one too; a resumed
		 * session carries no chain, and the earlier full handshake's
		 * with the same server stands. */
		if (sink->want_cert && pt_certinfo_from_ssl(ssl, sink->resp)) {
			sink->chain_seen = true;
		}
	}
#	endif
	return CURL_PREREQFUNC_OK;
}
#endif
