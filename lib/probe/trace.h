/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The -vvv trace of the headers sent and received (trace.c). Internal to
 * the probe layer. */
#ifndef PT_TRACE_H
#define PT_TRACE_H

#include "util/buf.h"

#include <curl/curl.h>

struct pt_trace_sink {
	struct pt_buf *out;
};

/* CURLOPT_DEBUGFUNCTION with a struct pt_trace_sink as its data: headers
 * only, credentials and URL secrets redacted. */
int pt_trace_on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp);

#endif
