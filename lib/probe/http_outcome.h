/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a finished transfer is made into (http_outcome.c). Internal to
 * the probe layer. */
#ifndef PT_HTTP_OUTCOME_H
#define PT_HTTP_OUTCOME_H

#include "http_request.h"
#include "http_sinks.h"

#include <curl/curl.h>
#include <stdbool.h>

/* How a transfer ended (too_large: the body sink refused a byte over
 * its bound). */
enum pt_http_outcome pt_http_classify(CURLcode rc, bool too_large);
/* A failed handshake that was the server asking for a client
 * certificate: sets resp's outcome and message, and returns true. */
bool pt_http_client_cert_refused(CURLcode rc, const struct pt_timing_sink *sink,
                                 struct pt_http_response *resp);
/* libcurl's marks and the sink's, turned into phases (phases.h). */
void pt_http_fill_timings(CURL *h, const struct pt_http_request *req, bool complete,
                          const struct pt_timing_sink *sink, long requests, struct pt_timings *t);
/* resp->message from libcurl's text, redacted. */
void pt_http_set_message(struct pt_http_response *resp, const char *text);
/* resp->location, redacted, for a 3xx that was not followed. */
void pt_http_fill_location(CURL *h, struct pt_http_response *resp);
/* -4 or -6 against an address of the other family: true with
 * resp->message naming the mismatch. */
bool pt_http_family_mismatch(const struct pt_http_request *req, struct pt_http_response *resp);

#endif
