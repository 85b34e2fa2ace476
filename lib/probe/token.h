/* OAuth2 client-credentials token: the request Prioticket expects
 * (HTTP Basic client authentication, JSON body), or the one RFC 6749
 * section 4.4 describes (form body), and its response. */
#ifndef PT_TOKEN_H
#define PT_TOKEN_H

#include "http.h"
#include "prio_error.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>

enum pt_token_status {
	PT_TOKEN_OK,
	PT_TOKEN_NOT_JSON,
	PT_TOKEN_NO_ACCESS_TOKEN, /* missing, not a string, or empty */
	PT_TOKEN_BAD_CHARS,       /* not an RFC 6750 b64token */
	PT_TOKEN_TOO_LONG,        /* over PT_TOKEN_MAX_CHARS (length in struct pt_token) */
	PT_TOKEN_NOT_BEARER,      /* token_type other than Bearer */
	PT_TOKEN_TOO_LARGE,       /* a 2xx answer whose body went over the bound */
};

/* How expires_in read. RFC 6749 section 5.1 makes it an optional number
 * of seconds and says nothing of zero, negative or non-numeric values;
 * a token is never refused for its lifetime. */
enum pt_token_lifetime {
	PT_LIFETIME_GIVEN,      /* a number of at least 1, or a string holding one */
	PT_LIFETIME_ABSENT,     /* missing or null: the cache assumes its default */
	PT_LIFETIME_NOT_NUMBER, /* a string, boolean, array or object that is no
	                         * number: read as absent */
	PT_LIFETIME_TOO_SHORT,  /* under one second, zero and negative included:
	                         * usable now, never cached */
};

/* How the token request is sent. */
enum pt_token_body {
	PT_TOKEN_BODY_JSON, /* Prioticket: {"grant_type":...}, credentials as given */
	PT_TOKEN_BODY_FORM, /* RFC 6749: grant_type=..., credentials form-encoded */
};

/* The token lives on the heap (it may be up to PT_TOKEN_MAX_CHARS long)
 * and is wiped before it is freed (pt_token_clear). */
struct pt_token {
	char *access_token; /* NUL-terminated; NULL unless parsed as PT_TOKEN_OK */
	size_t length;      /* its length; for PT_TOKEN_TOO_LONG, the length refused */
	long expires_in;    /* whole seconds (a fraction is dropped), at most
	                     * PT_TOKEN_LIFETIME_MAX; 0 unless PT_LIFETIME_GIVEN */
	enum pt_token_lifetime lifetime;
};

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

struct pt_token_result {
	struct pt_http_response http; /* outcome, status and timings; body freed */
	bool ok;                      /* a usable token is in token */
	enum pt_token_status parse;   /* meaningful for a 2xx answer */
	struct pt_prio_error error;   /* the error body of a non-2xx answer */
	struct pt_token token;
};

/* Asks the token endpoint once. */
void pt_token_fetch(const struct pt_token_request *req, struct pt_token_result *res);
/* Wipes the token. */
void pt_token_result_clear(struct pt_token_result *res);

#endif
