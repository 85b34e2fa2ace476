/* Certificate facts from libcurl's CERTINFO (certinfo.c). Internal to the
 * probe layer. */
#ifndef PT_CERTINFO_H
#define PT_CERTINFO_H

#include "http.h"

#include <curl/curl.h>

/* Every certificate the server sent counts: fills resp->cert_count and
 * the earliest expiry with its index and subject CN. */
void pt_certinfo_expiry(CURL *h, struct pt_http_response *resp);

#endif
