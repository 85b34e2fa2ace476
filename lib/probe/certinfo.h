/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Certificate facts from libcurl's CERTINFO (certinfo.c). Internal to the
 * probe layer. */
#ifndef PT_CERTINFO_H
#define PT_CERTINFO_H

#include "probe_types.h"

#include <curl/curl.h>

/* The fallback when no verified chain is at hand (another TLS backend):
 * every certificate the server sent counts. Fills resp->cert_count and
 * the earliest expiry with its index and subject CN. */
void pt_certinfo_expiry(CURL *h, struct pt_http_response *resp);

#ifdef HAVE_LIBSSL
/* The same from the chain OpenSSL verified on the connection ssl (an
 * SSL *): the leaf up to the trust anchor, nothing else the server sent.
 * Returns false, leaving resp alone, when there is no such chain (a
 * resumed session carries none). */
bool pt_certinfo_from_ssl(void *ssl, struct pt_http_response *resp);
#endif

#endif
