/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OAuth2 client-credentials token request and response. */
#include "config.h"

#include "token.h"
#include "http.h"
#include "json_body.h"
#include "prio_error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *pt_token_status_text(enum pt_token_status s)
{
	switch (s) {
	case PT_TOKEN_OK:
		return "token accepted";
	case PT_TOKEN_NOT_JSON:
		return "token response is not a JSON object";
	case PT_TOKEN_NO_ACCESS_TOKEN:
		return "token response has no access_token";
	case PT_TOKEN_BAD_CHARS:
		return "access_token has characters a bearer token cannot have";
	case PT_TOKEN_TOO_LONG:
		return "access_token is over " PT_TOKEN_MAX_CHARS_TEXT " characters";
	case PT_TOKEN_NOT_BEARER:
		return "token_type is not Bearer";
	case PT_TOKEN_TOO_LARGE:
		return "the response is over the size limit; no token obtained";
	}
	return "unknown token status";
}

bool pt_token_chars_ok(const char *s)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                            "0123456789-._~+/";
	size_t n = strspn(s, chars);

	if (n == 0) {
		return false;
	}
	return strspn(s + n, "=") == strlen(s + n);
}

bool pt_token_set(struct pt_token *t, const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy) {
		return false;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	pt_token_clear(t);
	t->access_token = copy;
	t->length = len;
	return true;
}

void pt_token_clear(struct pt_token *t)
{
	if (t->access_token) {
		pt_wipe(t->access_token, t->length);
		free(t->access_token);
	}
	t->access_token = NULL;
	t->length = 0;
}

/* A number of seconds from its JSON text or from a string holding one:
 * an optional '-', digits, an optional fraction. Whole seconds are kept
 * (a fraction only tells whether the value is above zero), capped. */
static enum pt_token_lifetime decimal_lifetime(const char *s, long *out)
{
	const char *p = s + (*s == '-');
	size_t whole = strspn(p, "0123456789");
	const char *frac = p + whole;
	size_t nfrac = 0;
	bool above_zero = false;
	long n = 0;

	if (whole == 0) {
		return PT_LIFETIME_NOT_NUMBER;
	}
	if (*frac == '.') {
		nfrac = strspn(frac + 1, "0123456789");
		if (nfrac == 0) {
			return PT_LIFETIME_NOT_NUMBER;
		}
		above_zero = strspn(frac + 1, "0") < nfrac;
		frac += 1 + nfrac;
	}
	if (*frac != '\0') {
		return PT_LIFETIME_NOT_NUMBER;
	}
	for (size_t i = 0; i < whole; i++) {
		n = n < PT_TOKEN_LIFETIME_MAX ? n * 10 + (p[i] - '0') : n;
		above_zero = above_zero || p[i] != '0';
	}
	if (*s == '-' || !above_zero || n < 1) {
		return PT_LIFETIME_TOO_SHORT;
	}
	*out = n < PT_TOKEN_LIFETIME_MAX ? n : PT_TOKEN_LIFETIME_MAX;
	return PT_LIFETIME_GIVEN;
}

/* expires_in: never a reason to refuse a token (token.h says how each
 * form reads). */
static void parse_expiry(struct json_object *obj, struct pt_token *t)
{
	struct json_object *v;
	double d;

	t->expires_in = 0;
	t->lifetime = PT_LIFETIME_ABSENT;
	if (!json_object_object_get_ex(obj, "expires_in", &v) || !v) {
		return; /* missing, or null */
	}
	if (json_object_is_type(v, json_type_string)) {
		/* Some servers send the number as a string. */
		if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
			t->lifetime = PT_LIFETIME_NOT_NUMBER;
			return;
		}
		t->lifetime = decimal_lifetime(json_object_get_string(v), &t->expires_in);
		return;
	}
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) {
		t->lifetime = PT_LIFETIME_NOT_NUMBER;
		return;
	}
	/* Doubles too hold every integer up to 2^53, far above the cap; json-c
	 * lets NaN and Infinity through, which are no number of seconds. */
	d = json_object_get_double(v);
	if (!isfinite(d)) {
		t->lifetime = PT_LIFETIME_NOT_NUMBER;
	} else if (d < 1) {
		t->lifetime = PT_LIFETIME_TOO_SHORT;
	} else {
		t->lifetime = PT_LIFETIME_GIVEN;
		t->expires_in = d >= (double)PT_TOKEN_LIFETIME_MAX ? PT_TOKEN_LIFETIME_MAX : (long)d;
	}
}

/* token_type may be missing (Bearer is then assumed), but when present
 * it must be exactly the string "Bearer", in any case. */
static bool token_type_ok(struct json_object *obj)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(obj, "token_type", &v)) {
		return true;
	}
	if (!json_object_is_type(v, json_type_string)) {
		return false;
	}
	s = json_object_get_string(v);
	return strlen(s) == (size_t)json_object_get_string_len(v) && strcasecmp(s, "Bearer") == 0;
}

enum pt_token_status pt_token_parse(const char *body, size_t len, struct pt_token *t)
{
	struct json_object *obj;
	enum pt_token_status st = PT_TOKEN_OK;
	struct json_object *v;
	size_t n = 0;

	pt_token_clear(t);
	memset(t, 0, sizeof(*t));
	obj = pt_json_parse(body, len);
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return PT_TOKEN_NOT_JSON;
	}
	if (!json_object_object_get_ex(obj, "access_token", &v) ||
	    !json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0) {
		st = PT_TOKEN_NO_ACCESS_TOKEN;
	} else {
		n = (size_t)json_object_get_string_len(v);
	}
	if (st == PT_TOKEN_OK && n > PT_TOKEN_MAX_CHARS) {
		t->length = n; /* the message names it */
		st = PT_TOKEN_TOO_LONG;
	} else if (st == PT_TOKEN_OK && (strlen(json_object_get_string(v)) != n ||
	                                 !pt_token_chars_ok(json_object_get_string(v)))) {
		/* The length check catches a \u0000 inside the token. */
		st = PT_TOKEN_BAD_CHARS;
	} else if (st == PT_TOKEN_OK && !token_type_ok(obj)) {
		st = PT_TOKEN_NOT_BEARER;
	}
	if (st == PT_TOKEN_OK) {
		parse_expiry(obj, t);
		if (!pt_token_set(t, json_object_get_string(v), n)) {
			/* Out of memory: nothing usable came of it. */
			st = PT_TOKEN_NO_ACCESS_TOKEN;
		}
	}
	/* The parsed copy of the token lives in json-c's memory. */
	if (json_object_object_get_ex(obj, "access_token", &v) &&
	    json_object_is_type(v, json_type_string)) {
		pt_wipe((char *)json_object_get_string(v), (size_t)json_object_get_string_len(v));
	}
	json_object_put(obj);
	return st;
}

bool pt_token_request_body(const char *scope, struct pt_buf *out)
{
	struct json_object *obj = json_object_new_object();
	bool ok;

	if (!obj) {
		return false;
	}
	ok = json_object_object_add(obj, "grant_type", json_object_new_string("client_credentials")) ==
	     0;
	if (ok && scope) {
		ok = json_object_object_add(obj, "scope", json_object_new_string(scope)) == 0;
	}
	if (ok) {
		ok = pt_buf_puts(out, json_object_to_json_string_ext(
		                          obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	json_object_put(obj);
	return ok;
}

bool pt_token_form_encode(const char *s, struct pt_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                 "0123456789-._~";
	size_t len = strlen(s);

	/* One allocation for the worst case: the value may be the client
	 * secret, and a growing buffer would leave copies behind. */
	if (len > (((size_t)-1) - out->len - 1) / 3 || !pt_buf_reserve(out, 3 * len) ||
	    !pt_buf_append(out, "", 0)) {
		return false;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[3] = {'%', hex[c >> 4], hex[c & 15]};

		if (strchr(unreserved, c)) {
			if (!pt_buf_append(out, s, 1)) {
				return false;
			}
		} else if (!pt_buf_append(out, enc, 3)) {
			return false;
		}
	}
	return true;
}

bool pt_token_form_body(const char *scope, struct pt_buf *out)
{
	bool ok = pt_buf_puts(out, "grant_type=client_credentials");

	if (ok && scope) {
		ok = pt_buf_puts(out, "&scope=") && pt_token_form_encode(scope, out);
	}
	return ok;
}

/* RFC 6749 section 2.3.1: with the form body, the client id and secret
 * are each form-encoded before libcurl joins them with ':' and encodes
 * them in base64 for the Basic scheme. */
static bool form_credentials(const struct pt_token_request *req, struct pt_buf *id,
                             struct pt_buf *secret)
{
	return pt_token_form_encode(req->client_id, id) &&
	       pt_token_form_encode(req->client_secret, secret) && id->data && secret->data;
}

void pt_token_fetch(const struct pt_token_request *req, struct pt_token_result *res)
{
	static const char *const json_type = "Content-Type: application/json";
	static const char *const form_type = "Content-Type: application/x-www-form-urlencoded";
	bool form = req->body == PT_TOKEN_BODY_FORM;
	const char *headers[16];
	struct pt_buf body = {0};
	struct pt_buf id = {0};
	struct pt_buf secret = {0};
	struct pt_http_request http = {0};
	size_t n = 0;
	bool ok;

	memset(res, 0, sizeof(*res));
	for (const char *const *h = req->headers; h && *h && n < 14; h++) {
		headers[n++] = *h;
	}
	headers[n++] = form ? form_type : json_type;
	headers[n] = NULL;
	if (form) {
		ok = pt_token_form_body(req->scope, &body) && form_credentials(req, &id, &secret);
	} else {
		ok = pt_token_request_body(req->scope, &body);
	}
	if (!ok) {
		res->http.outcome = PT_HTTP_INTERNAL;
		pt_buf_free(&body);
		pt_buf_wipe(&id);
		pt_buf_wipe(&secret);
		return;
	}
	http.method = "POST";
	http.url = req->token_url;
	http.headers = headers;
	http.username = form ? id.data : req->client_id;
	http.password = form ? secret.data : req->client_secret;
	http.body = body.data;
	http.body_len = body.len;
	http.net = req->net;
	http.deadline = req->deadline;
	http.trace = req->trace;
	http.loopback_only = req->loopback_only;
	pt_http_perform(&http, &res->http);
	pt_buf_free(&body);
	pt_buf_wipe(&id);
	pt_buf_wipe(&secret);
	if (res->http.outcome == PT_HTTP_RESPONSE) {
		if (res->http.status >= 200 && res->http.status < 300) {
			res->parse = pt_token_parse(res->http.body.data, res->http.body.len, &res->token);
			res->ok = res->parse == PT_TOKEN_OK;
		} else {
			pt_prio_error_parse(res->http.body.data, res->http.body.len, &res->error);
		}
	} else if (res->http.outcome == PT_HTTP_TOO_LARGE && res->http.status >= 200 &&
	           res->http.status < 300) {
		/* The token endpoint answered, but with nothing we could use:
		 * judged like any other unusable 2xx answer. */
		res->parse = PT_TOKEN_TOO_LARGE;
	}
	/* The body may hold the token: never keep it. */
	pt_buf_wipe(&res->http.body);
}

void pt_token_result_clear(struct pt_token_result *res)
{
	pt_token_clear(&res->token);
	pt_http_response_free(&res->http);
}
