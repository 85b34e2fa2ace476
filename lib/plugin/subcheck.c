/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The subcheck list and what is derived from it. */
#include "config.h"

#include "subcheck.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One subcheck per kind but json, one per --expect-json (limits.h): a
 * kind added without counting it would drop a subcheck. */
_Static_assert(PT_SUBCHECK_MAX == PT_SUBCHECK_CERTIFICATE + PT_EXPECT_MAX,
               "PT_SUBCHECK_MAX counts the kinds of subcheck.h");

/* Sanitised copy into a fixed field: the one place where a subcheck's
 * name or text is cut, by the sanitiser, at a character boundary and
 * with "..." (the JSON output promises valid UTF-8). */
static void set_text(char *dst, size_t size, const char *src)
{
	struct pt_buf b = {0};

	pt_sanitize_append(&b, src, strlen(src), size - 1);
	if (b.failed || b.len > size - 1) {
		memcpy(dst, "?", 2);
	} else {
		memcpy(dst, pt_buf_str(&b), b.len + 1);
	}
	pt_buf_free(&b);
}

/* The formatted text, whole, into the field. */
static void set_formatted(char *dst, size_t size, const char *fmt, va_list ap)
{
	struct pt_buf b = {0};

	if (pt_buf_vprintf(&b, fmt, ap)) {
		set_text(dst, size, pt_buf_str(&b));
	} else {
		memcpy(dst, "?", 2);
	}
	pt_buf_free(&b);
}

static bool name_taken(const struct pt_subchecks *l, const struct pt_subcheck *c)
{
	for (size_t i = 0; i < l->n; i++) {
		if (&l->items[i] != c && strcmp(l->items[i].name, c->name) == 0) {
			return true;
		}
	}
	return false;
}

/* Names are unique in every output format: of two identical series,
 * node_exporter's textfile collector serves only the first, and JSON
 * readers key subchecks by name. options.c merges --expect-json options
 * for the same path; names that still meet (two long paths cut to the
 * same length, or made equal by the sanitiser) are numbered "#2", "#3",
 * in the order added, the base cut to make room. */
static void make_unique(const struct pt_subchecks *l, struct pt_subcheck *c)
{
	char base[PT_SUBCHECK_NAME_MAX];

	snprintf(base, sizeof(base), "%s", c->name);
	for (size_t n = 2; name_taken(l, c) && n <= PT_SUBCHECK_MAX; n++) {
		char suffix[24];
		size_t keep;

		snprintf(suffix, sizeof(suffix), "#%zu", n);
		keep = pt_sanitize_cut(base, strlen(base), sizeof(c->name) - 1 - strlen(suffix));
		snprintf(c->name, sizeof(c->name), "%.*s%s", (int)keep, base, suffix);
	}
}

/* A slot at the end of the kind's run, so that the list stays in
 * importance order and subchecks of one kind in the order added. */
static struct pt_subcheck *insert(struct pt_subchecks *l, enum pt_subcheck_kind kind,
                                  const char *name)
{
	size_t at = l->n;
	struct pt_subcheck *c;

	if (l->n >= PT_SUBCHECK_MAX) {
		return NULL;
	}
	while (at > 0 && l->items[at - 1].kind > kind) {
		at--;
	}
	memmove(&l->items[at + 1], &l->items[at], (l->n - at) * sizeof(l->items[0]));
	l->n++;
	c = &l->items[at];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	set_text(c->name, sizeof(c->name), name);
	make_unique(l, c);
	return c;
}

struct pt_subcheck *pt_subcheck_vadd(struct pt_subchecks *l, enum pt_subcheck_kind kind,
                                     const char *name, enum pt_state state, enum pt_reason reason,
                                     const char *fmt, va_list ap)
{
	struct pt_subcheck *c = insert(l, kind, name);

	if (!c) {
		return NULL;
	}
	set_formatted(c->text, sizeof(c->text), fmt, ap);
	c->evaluated = true;
	c->state = state;
	c->reason = reason;
	return c;
}

struct pt_subcheck *pt_subcheck_add(struct pt_subchecks *l, enum pt_subcheck_kind kind,
                                    const char *name, enum pt_state state, enum pt_reason reason,
                                    const char *fmt, ...)
{
	struct pt_subcheck *c;
	va_list ap;

	va_start(ap, fmt);
	c = pt_subcheck_vadd(l, kind, name, state, reason, fmt, ap);
	va_end(ap);
	return c;
}

void pt_subcheck_skip(struct pt_subchecks *l, enum pt_subcheck_kind kind, const char *name,
                      const char *fmt, ...)
{
	struct pt_subcheck *c = insert(l, kind, name);
	va_list ap;

	if (!c) {
		return;
	}
	va_start(ap, fmt);
	set_formatted(c->text, sizeof(c->text), fmt, ap);
	va_end(ap);
	c->state = PT_OK;
	c->reason = PT_REASON_OK;
}

void pt_subcheck_append_server_text(struct pt_subcheck *c, const char *sep, const char *text)
{
	struct pt_buf b = {0};

	if (!c || !text[0]) {
		return;
	}
	pt_buf_puts(&b, c->text);
	pt_buf_puts(&b, sep);
	pt_sanitize_append(&b, text, strlen(text), PT_SUMMARY_TEXT_MAX);
	if (!b.failed) {
		set_text(c->text, sizeof(c->text), pt_buf_str(&b));
	}
	pt_buf_free(&b);
}

void pt_subcheck_prefix_text(struct pt_subcheck *c, const char *text)
{
	struct pt_buf b = {0};

	if (!c) {
		return;
	}
	pt_buf_puts(&b, text);
	pt_buf_puts(&b, c->text);
	if (!b.failed) {
		set_text(c->text, sizeof(c->text), pt_buf_str(&b));
	}
	pt_buf_free(&b);
}

void pt_subchecks_verdict(const struct pt_subchecks *l, enum pt_state *state,
                          enum pt_reason *reason)
{
	bool found = false;

	*state = PT_OK;
	*reason = PT_REASON_OK;
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].evaluated) {
			*state = pt_state_max_alt(*state, l->items[i].state);
		}
	}
	/* The list is in importance order: the first one at that state
	 * names the cause (an OK timeout under --timeout-result ok too). */
	for (size_t i = 0; i < l->n && !found; i++) {
		if (l->items[i].evaluated && l->items[i].state == *state) {
			*reason = l->items[i].reason;
			found = true;
		}
	}
}

static bool said_before(const struct pt_subchecks *l, size_t i, enum pt_state state)
{
	for (size_t j = 0; j < i; j++) {
		if (l->items[j].evaluated && l->items[j].state == state &&
		    strcmp(l->items[j].text, l->items[i].text) == 0) {
			return true;
		}
	}
	return false;
}

/* All is well: one subcheck speaks for the run, the http one when it was
 * judged (else the first judged one, e.g. a timeout made OK by
 * --timeout-result). */
static const struct pt_subcheck *headline(const struct pt_subchecks *l)
{
	const struct pt_subcheck *first = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const struct pt_subcheck *c = &l->items[i];

		if (!c->evaluated) {
			continue;
		}
		if (c->kind == PT_SUBCHECK_HTTP) {
			return c;
		}
		if (!first) {
			first = c;
		}
	}
	return first;
}

void pt_subchecks_summary(const struct pt_subchecks *l, struct pt_buf *out)
{
	enum pt_state state;
	enum pt_reason reason;
	size_t start = out->len;
	size_t left = 0;

	pt_subchecks_verdict(l, &state, &reason);
	if (state == PT_OK) {
		const struct pt_subcheck *c = headline(l);

		pt_buf_puts(out, c ? c->text : "no subcheck was evaluated");
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct pt_subcheck *c = &l->items[i];

		if (!c->evaluated || c->state != state || said_before(l, i, state)) {
			continue;
		}
		if (out->len - start + strlen(c->text) > PT_SUMMARY_MAX) {
			left++;
			continue;
		}
		pt_buf_printf(out, "%s%s", out->len > start ? "; " : "", c->text);
	}
	if (left) {
		pt_buf_printf(out, "; and %zu more", left);
	}
}

const char *pt_subcheck_state_name(const struct pt_subcheck *c)
{
	return c->evaluated ? pt_state_name(c->state) : "NOT EVALUATED";
}
