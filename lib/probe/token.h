/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OAuth2 client-credentials token: the request Prioticket expects
 * (HTTP Basic client authentication, JSON body), or the one RFC 6749
 * section 4.4 describes (form body), and its response. */
#ifndef PT_TOKEN_H
#define PT_TOKEN_H

#include "probe_types.h"
#include "util/buf.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>

/* Takes a copy of s (len bytes) as the token; false when out of memory. */
bool pt_token_set(struct pt_token *t, const char *s, size_t len);
/* Wipes and frees the token. */
void pt_token_clear(struct pt_token *t);

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
 * "/" ) *"=". Anything else could break the Authorization header. */
bool pt_token_chars_ok(const char *s);

/* Parses a 200 response body of the token endpoint. */
enum pt_token_status pt_token_parse(const char *body, size_t len, struct pt_token *t);
const char *pt_token_status_text(enum pt_token_status s);

/* The JSON request body, with the scope escaped. */
bool pt_token_request_body(const char *scope, struct pt_buf *out);

/* application/x-www-form-urlencoded encoding of one value: every byte
 * but ALPHA, DIGIT, "-", ".", "_" and "~" percent-encoded (a space too,
 * as %20, which every form decoder reads back as a space, while a
 * plain percent-decoder would keep a "+"). */
bool pt_token_form_encode(const char *s, struct pt_buf *out);

/* The form request body: grant_type=client_credentials[&scope=...]. */
bool pt_token_form_body(const char *scope, struct pt_buf *out);

struct pt_token_request {
	const char *token_url;
	const char *client_id;
	const char *client_secret;
	const char *scope; /* may be NULL */
	enum pt_token_body body;
	const char *const *headers;
	const struct pt_net_options *net;
	double deadline;
	struct pt_buf *trace;
	bool loopback_only; /* pt_http_request.loopback_only */
};

/* Asks the token endpoint once. */
void pt_token_fetch(const struct pt_token_request *req, struct pt_token_result *res);
/* Wipes the token. */
void pt_token_result_clear(struct pt_token_result *res);

#endif
