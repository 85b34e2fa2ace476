/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One HTTP request as the probe layer's modules describe it to http.c
 * (and http.c's parts read it). Internal to the probe layer. */
#ifndef PT_HTTP_REQUEST_H
#define PT_HTTP_REQUEST_H

#include "probe_types.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

struct pt_http_request {
	const char *method; /* "GET" or "POST" */
	const char *url;
	const char *const *headers; /* extra headers, NULL-terminated; may be NULL */
	const char *bearer;         /* sent as Authorization: Bearer, or NULL */
	const char *username;       /* HTTP Basic, or NULL */
	const char *password;
	const char *body; /* POST body */
	size_t body_len;
	const struct pt_net_options *net;
	double deadline;      /* pt_now() value after which the request is abandoned */
	struct pt_buf *trace; /* when set, headers sent and received, secrets redacted */
	/* It carries a secret bound to loopback (pt_http_binding_check): it is
	 * sent only once connected to a loopback address, through a proxy
	 * the proxy's, on every hop to its own origin. */
	bool loopback_only;
};

#endif
