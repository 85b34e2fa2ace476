/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The proxy side of a request (proxy.c). Internal to the probe layer. */
#ifndef PT_PROXY_H
#define PT_PROXY_H

#include "probe_types.h"

#include <curl/curl.h>

/* Sets resp->via_proxy, proxy and proxy_from when libcurl uses a proxy
 * for url (libcurl tells this itself only from 8.7.0 on). */
void pt_proxy_find(const struct pt_net_options *net, const char *url,
                   struct pt_http_response *resp);

/* Whether host (a name, an IPv4 address, or an IPv6 address with or
 * without brackets) matches a no-proxy list the way libcurl matches it:
 * "*", names (a leading dot ignored, subdomains included), addresses and
 * CIDR ranges, separated by commas or blanks. */
bool pt_proxy_noproxy_match(const char *host, const char *list);
/* The i-th environment variable libcurl takes a proxy from, NULL past
 * the last. */
const char *pt_proxy_variable(size_t i);

/* Makes the outcome PT_HTTP_PROXY when the proxy, not the target, failed. */
void pt_proxy_classify(CURL *h, CURLcode rc, struct pt_http_response *resp);

#endif
