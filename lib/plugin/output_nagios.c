/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Development Guidelines' shape: "PRIOTICKET PING OK - summary |
 * perfdata", then the notices, one "[STATE] name: text" line per
 * subcheck, the reason, and the other detail lines. */
#include "config.h"

#include "output_formats.h"
#include "util/limits.h"

#include <string.h>

static const char cut_note[] =
    "(long output cut: Nagios keeps " PT_NAGIOS_OUTPUT_MAX_TEXT " bytes)\n";

/* Whether the characters of s[0..len) that are in [-0-9.], taken alone,
 * are a number to Go's strconv.ParseFloat: -?(D+.?D*|.D+). (A number
 * beyond float64's range, over 300 digits, is taken for one too.) */
static bool sensu_number(const char *s, size_t len)
{
	size_t kept = 0;
	size_t digits = 0;
	bool dot = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
		} else if (s[i] == '.' && !dot) {
			dot = true;
		} else if (s[i] == '.' || (s[i] == '-' && kept > 0)) {
			return false;
		} else if (s[i] != '-') {
			continue;
		}
		kept++;
	}
	return digits > 0;
}

/* Sensu Go's nagios_perfdata extractor (agent/transformers/nagios.go,
 * ParseNagios) reads everything after the '|' as perfdata, the long
 * output included: it splits that at single spaces only (a line break
 * joins the words on either side), cuts each token at its first ';',
 * and takes it for a metric when exactly one '=' is left and what
 * follows it, once every character but [-0-9.] is dropped, is a number.
 * Returns that '=' of tok[0..len), or NULL. */
static char *sensu_metric_eq(char *tok, size_t len)
{
	char *cut = memchr(tok, ';', len);
	char *eq;

	if (cut) {
		len = (size_t)(cut - tok);
	}
	eq = memchr(tok, '=', len);
	if (!eq) {
		return NULL;
	}
	len -= (size_t)(eq + 1 - tok);
	if (memchr(eq + 1, '=', len) || !sensu_number(eq + 1, len)) {
		return NULL;
	}
	return eq;
}

/* Whether the line's word in tok[0..len) that holds *eq is a URL or an
 * absolute path: those stay exact, as they are what was probed or typed,
 * and as a Sensu label they start with a scheme or a '/', so they can
 * never pass for one of the perfdata labels. */
static bool exact_word(const char *tok, size_t len, const char *eq)
{
	const char *start = eq;
	const char *end = eq;

	while (start > tok && start[-1] != '\n') {
		start--;
	}
	while (end < tok + len && *end != '\n') {
		end++;
	}
	if (*start == '/') {
		return true;
	}
	for (const char *p = start; p + 3 <= end; p++) {
		if (memcmp(p, "://", 3) == 0) {
			return true;
		}
	}
	return false;
}

/* Text after the '|' that Sensu would take for a metric of its own (a
 * "word=number" in the server's error text, a header at -vvv) shows its
 * '=' as ':'. Only there: the text part before the '|' is nothing to
 * Sensu, and an output without perfdata gives it no metrics at all. */
static void sensu_guard(char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *space = memchr(s + i, ' ', len - i);
		size_t n = space ? (size_t)(space - (s + i)) : len - i;
		char *eq = sensu_metric_eq(s + i, n);

		if (eq && !exact_word(s + i, n, eq)) {
			*eq = ':';
		}
		i += n + 1;
	}
}

/* Nagios Core keeps MAX_PLUGIN_OUTPUT_LENGTH bytes: past that, whole
 * long-output lines go, and a note says so. Line 1 is never cut. */
static void bound(struct pt_buf *out, size_t start)
{
	size_t limit = start + PT_NAGIOS_OUTPUT_MAX - (sizeof(cut_note) - 1);
	const char *first_end;
	char *last;

	if (out->failed || out->len - start <= PT_NAGIOS_OUTPUT_MAX) {
		return;
	}
	first_end = memchr(out->data + start, '\n', out->len - start);
	if (!first_end || (size_t)(first_end - out->data) >= limit) {
		return;
	}
	out->data[limit] = '\0';
	last = strrchr(out->data + start, '\n');
	out->len = (size_t)(last - out->data) + 1;
	out->data[out->len] = '\0';
	pt_buf_puts(out, cut_note);
}

void pt_output_nagios_prefix(struct pt_buf *out, enum pt_endpoint endpoint, enum pt_state state)
{
	pt_buf_printf(out, "PRIOTICKET %s %s - ", pt_endpoint_info(endpoint)->service,
	              pt_state_name(state));
}

void pt_output_nagios(const struct pt_output_target *t, const struct pt_report *r,
                      struct pt_buf *out)
{
	size_t start = out->len;
	size_t long_start;

	pt_output_nagios_prefix(out, t->endpoint, r->state);
	pt_buf_puts(out, pt_buf_str(&r->summary));
	if (r->perf.len) {
		pt_buf_printf(out, " | %s", pt_buf_str(&r->perf));
	}
	pt_buf_puts(out, "\n");
	long_start = out->len;
	pt_buf_puts(out, pt_buf_str(&r->notices));
	for (size_t i = 0; i < r->checks.n; i++) {
		const struct pt_subcheck *c = &r->checks.items[i];

		pt_buf_printf(out, "[%s] %s: %s\n", pt_subcheck_state_name(c), c->name, c->text);
	}
	if (r->checks.n) {
		pt_buf_printf(out, "Reason: %s\n", pt_reason_name(r->reason));
	}
	pt_buf_puts(out, pt_buf_str(&r->details));
	if (r->perf.len && !out->failed) {
		sensu_guard(out->data + long_start, out->len - long_start);
	}
	bound(out, start);
}
