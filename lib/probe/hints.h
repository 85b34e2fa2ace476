/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a finished request says beyond its status: the redirects it went
 * through (did the method or the credentials get lost on the way?), and
 * how long the server asks us to wait (Retry-After). Read from libcurl
 * once the transfer is over. */
#ifndef PT_HINTS_H
#define PT_HINTS_H

#include "probe_types.h"

#include <curl/curl.h>

/* Fills resp's retry_after, redirects, method_changed, cross_origin and
 * final_url for the request that went to url with method. */
void pt_hints_fill(CURL *h, const char *method, const char *url, struct pt_http_response *resp);

/* A Retry-After value in seconds from now: delay-seconds, or an HTTP-date
 * counted from date (the server's Date header, or our clock when it has
 * none, -1); 0 for a date in the past; -1 when it is neither. */
long pt_hints_retry_after(const char *value, time_t date, time_t now);

#endif
