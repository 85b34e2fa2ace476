/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One HTTP request with libcurl: bounded body, phase timings, and a
 * classification of how it ended. Knows nothing of Prioticket. */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include "http_request.h"
#include "probe_types.h"

#include <stdbool.h>

/* Must be called once before any request, while the process is still
 * single-threaded. It first removes from the environment the variables
 * that would change where TLS secrets go or what is trusted
 * (SSLKEYLOGFILE, OPENSSL_CONF ...: the list is in http.c). */
bool pt_http_global_init(void);
void pt_http_global_cleanup(void);

void pt_http_perform(const struct pt_http_request *req, struct pt_http_response *resp);
void pt_http_response_free(struct pt_http_response *resp);

/* "libcurl/7.88.1 OpenSSL/3.0.x ..." without the cost of curl_version(). */
const char *pt_http_library_version(void);

/* "1.0", "1.1", "2" or "3" for a negotiated version; NULL if unknown. */
const char *pt_http_version_name(long version);

/* The RFC 9110 reason phrase of a status code a proxy or gateway may
 * answer with ("Proxy Authentication Required"), or "". */
const char *pt_http_reason(long status);

#endif
