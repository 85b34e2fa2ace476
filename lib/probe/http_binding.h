/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a request that carries a bound secret may go (http_binding.c).
 * Internal to the probe layer; the plugin layer asks through probe.h. */
#ifndef PT_HTTP_BINDING_H
#define PT_HTTP_BINDING_H

#include "http_request.h"
#include "probe_types.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

/* Judges where a request to url (as libcurl parses it) may take a bound
 * secret, before anything is sent. origin receives "scheme://host:port";
 * detail, for PT_BINDING_TRUST, what is wrong with the CA file or
 * directory (pt_file_protected). */
enum pt_binding_verdict pt_http_binding_check(const char *url, const struct pt_tls_options *tls,
                                              const struct pt_binding *b, char *origin,
                                              size_t origin_len, char *detail, size_t detail_len);

#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
/* Whether the connection to primary_ip may take the request h is
 * performing: one bound to loopback goes only to a loopback address on
 * its own origin. When not, resp's message says where it went. */
bool pt_http_may_send(CURL *h, const struct pt_http_request *req, const char *primary_ip,
                      struct pt_http_response *resp);
#endif

#endif
