/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options of one request (http_setup.c). Internal to the probe
 * layer. */
#ifndef PT_HTTP_SETUP_H
#define PT_HTTP_SETUP_H

#include "http_request.h"
#include "http_sinks.h"
#include "trace.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

bool pt_http_is_https(const char *url);

/* The request's headers, the bearer token's included; *ok false when
 * out of memory (what was built so far is returned, to be freed). */
struct curl_slist *pt_http_build_headers(const struct pt_http_request *req, bool *ok);
/* Header strings may hold the bearer token: wiped before they are freed. */
void pt_http_free_headers(struct curl_slist *list);

/* Applies every option to h, the callbacks with their sinks, and a
 * timeout of ms; returns the first failure. */
CURLcode pt_http_setup(CURL *h, const struct pt_http_request *req, struct curl_slist *headers,
                       struct pt_body_sink *body, struct pt_trace_sink *trace,
                       struct pt_timing_sink *timing, struct pt_conn_sink *conn,
                       struct curl_slist *connect_to, char *errbuf, long ms);

/* The libcurl CONNECT_TO entry that sends connections for url's host and
 * port to to ("HOST:PORT", IPv6 in brackets) instead; false when url
 * has no host or the entry does not fit. */
bool pt_http_connect_to_entry(const char *url, const char *to, char *out, size_t len);

#endif
