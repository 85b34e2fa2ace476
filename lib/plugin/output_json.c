/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One JSON document per run (schema in doc/output.md, "JSON output"; keep
 * it stable: add members, never rename or retype one). Every string in
 * the report is already sanitised UTF-8; here it is only escaped. */
#include "config.h"

#include "output_formats.h"

#include <stdio.h>
#include <string.h>

#define PT_JSON_SCHEMA_VERSION 1

static void strn(struct pt_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *end = s + len;

	pt_buf_puts(out, "\"");
	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};

			pt_buf_append(out, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

			pt_buf_append(out, esc, 6);
		} else {
			pt_buf_append(out, s, 1);
		}
	}
	pt_buf_puts(out, "\"");
}

static void str(struct pt_buf *out, const char *s)
{
	strn(out, s, strlen(s));
}

/* A string, or null when empty. */
static void str_or_null(struct pt_buf *out, const char *s)
{
	if (s && *s) {
		str(out, s);
	} else {
		pt_buf_puts(out, "null");
	}
}

/* A perfdata number as printed there ("U" is no number: null). */
static void number_or_null(struct pt_buf *out, const char *s)
{
	if (s[0] && strcmp(s, "U") != 0) {
		pt_buf_puts(out, s);
	} else {
		pt_buf_puts(out, "null");
	}
}

static void key(struct pt_buf *out, bool first, const char *name)
{
	pt_buf_printf(out, "%s\"%s\":", first ? "" : ",", name);
}

static void subcheck_list(struct pt_buf *out, const struct pt_subchecks *l)
{
	pt_buf_puts(out, "[");
	for (size_t i = 0; i < l->n; i++) {
		const struct pt_subcheck *c = &l->items[i];

		pt_buf_puts(out, i ? ",{" : "{");
		key(out, true, "name");
		str(out, c->name);
		key(out, false, "state");
		str(out, c->evaluated ? pt_state_name(c->state) : "NOT_EVALUATED");
		key(out, false, "reason");
		if (c->evaluated) {
			str(out, pt_reason_name(c->reason));
		} else {
			pt_buf_puts(out, "null");
		}
		key(out, false, "text");
		str(out, c->text);
		pt_buf_puts(out, "}");
	}
	pt_buf_puts(out, "]");
}

static void perfdata(struct pt_buf *out, const struct pt_report *r)
{
	pt_buf_puts(out, "[");
	for (size_t i = 0; i < r->nitems; i++) {
		const struct pt_perf_text *p = &r->items[i];

		pt_buf_puts(out, i ? ",{" : "{");
		key(out, true, "label");
		str(out, p->label);
		key(out, false, "value");
		number_or_null(out, p->value);
		key(out, false, "unit");
		str(out, p->uom);
		key(out, false, "warn");
		str_or_null(out, p->warn);
		key(out, false, "crit");
		str_or_null(out, p->crit);
		key(out, false, "min");
		number_or_null(out, p->min);
		key(out, false, "max");
		number_or_null(out, p->max);
		pt_buf_puts(out, "}");
	}
	pt_buf_puts(out, "]");
}

static void request(struct pt_buf *out, const struct pt_facts *f)
{
	if (!f->url.len) {
		pt_buf_puts(out, "null");
		return;
	}
	pt_buf_puts(out, "{");
	key(out, true, "url");
	str(out, pt_buf_str(&f->url));
	key(out, false, "http_status");
	if (f->probed && f->http_status) {
		pt_buf_printf(out, "%ld", f->http_status);
	} else {
		pt_buf_puts(out, "null");
	}
	key(out, false, "http_version");
	str_or_null(out, f->http_version);
	key(out, false, "tls_version");
	str_or_null(out, f->tls_version);
	key(out, false, "tls_cipher");
	str_or_null(out, f->tls_cipher);
	key(out, false, "app_reference");
	str_or_null(out, f->app_reference);
	pt_buf_puts(out, "}");
}

/* The lines of d as array items, after those already written. */
static void lines(struct pt_buf *out, const struct pt_buf *d, bool *first)
{
	const char *p = pt_buf_str(d);

	while (*p) {
		size_t n = strcspn(p, "\n");

		pt_buf_puts(out, *first ? "" : ",");
		strn(out, p, n);
		*first = false;
		p += n;
		if (*p == '\n') {
			p++;
		}
	}
}

/* The notices first, as the Nagios output shows them. */
static void details(struct pt_buf *out, const struct pt_report *r)
{
	bool first = true;

	pt_buf_puts(out, "[");
	lines(out, &r->notices, &first);
	lines(out, &r->details, &first);
	pt_buf_puts(out, "]");
}

void pt_output_json(const struct pt_output_target *t, const struct pt_report *r, struct pt_buf *out)
{
	pt_buf_puts(out, "{");
	key(out, true, "schema_version");
	pt_buf_printf(out, "%d", PT_JSON_SCHEMA_VERSION);
	key(out, false, "plugin");
	str(out, pt_endpoint_info(t->endpoint)->program);
	key(out, false, "plugin_version");
	str(out, PACKAGE_VERSION);
	key(out, false, "environment");
	str_or_null(out, t->environment);
	key(out, false, "state");
	pt_buf_printf(out, "%d", (int)r->state);
	key(out, false, "state_name");
	str(out, pt_state_name(r->state));
	key(out, false, "reason");
	str(out, pt_reason_name(r->reason));
	key(out, false, "summary");
	str(out, pt_buf_str(&r->summary));
	key(out, false, "subchecks");
	subcheck_list(out, &r->checks);
	key(out, false, "perfdata");
	perfdata(out, r);
	key(out, false, "request");
	request(out, &r->facts);
	key(out, false, "token_source");
	str_or_null(out, r->facts.token_source);
	key(out, false, "details");
	details(out, r);
	pt_buf_puts(out, "}\n");
}
