/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libcurl's callbacks during one transfer, and what they note
 * (http_sinks.c). Internal to the probe layer. */
#ifndef PT_HTTP_SINKS_H
#define PT_HTTP_SINKS_H

#include "http_request.h"
#include "util/buf.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The body, kept within max bytes (the bound is the body's own; one
 * byte more ends the transfer with too_large set). */
struct pt_body_sink {
	struct pt_buf *body;
	size_t max;
	bool too_large;
	CURL *handle;
};

/* Marks libcurl does not keep: when the TLS handshake began, when the
 * final status line arrived after an informational (1xx) answer, and
 * libcurl's own marks when each redirect's answer arrived. */
struct pt_timing_sink {
	CURL *handle;
	double start; /* pt_now() just before the transfer */
	int64_t tls_start;
	/* Our clock, since start: the current hop's first 1xx status line
	 * and the latest final one (0: none yet); only their difference is
	 * used, added to libcurl's first-byte mark. */
	int64_t info_start;
	int64_t final_status;
	int informational; /* the current hop's latest 1xx status, or 0 */
	/* What the TLS handshake showed (OpenSSL): whether the server asked
	 * for a client certificate, and the last fatal alert it sent. */
	bool cert_requested;
	int alert; /* a TLS AlertDescription, or -1 */
	int nsnaps;
	int64_t snaps[PT_MAX_REDIRECTS + 1][4]; /* dns, tcp, tls, first */
};

/* What the connection negotiated, caught while it is still open, and
 * whether it may take the request (pt_http_request.loopback_only). */
struct pt_conn_sink {
	CURL *handle;
	struct pt_http_response *resp;
	const struct pt_http_request *req;
	bool refused;    /* the connection broke the secret's binding: no request sent */
	bool want_cert;  /* --certificate: the verified chain's expiry */
	bool chain_seen; /* resp has it from the connection's verified chain */
	long requests;   /* requests sent: one per hop that got that far */
};

/* CURLOPT_WRITEFUNCTION with a struct pt_body_sink. */
size_t pt_http_on_body(char *data, size_t size, size_t nmemb, void *userp);
/* CURLOPT_HEADERFUNCTION with a struct pt_timing_sink: notes status
 * lines' arrival and each redirect's marks. */
size_t pt_http_on_header(char *data, size_t size, size_t nmemb, void *userp);
/* CURLOPT_SSL_CTX_FUNCTION with a struct pt_timing_sink: the TLS
 * handshake's start, and (OpenSSL) what the server's messages show. */
CURLcode pt_http_on_ssl_ctx(CURL *h, void *ssl_ctx, void *userp);
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
/* CURLOPT_PREREQFUNCTION with a struct pt_conn_sink: refuses a
 * connection that breaks the request's binding, and notes the TLS
 * version, cipher and verified chain while the connection is open. */
int pt_http_on_connected(void *userp, char *primary_ip, char *local_ip, int primary_port,
                         int local_port);
#endif
/* One of libcurl's timing marks in whole microseconds, 0 if unknown. */
int64_t pt_http_mark_us(CURL *h, CURLINFO what);

#endif
