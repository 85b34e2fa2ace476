/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a refused option says: a name getopt does not take (unknown,
 * ambiguous, a likely typo), a bad value echoed safely or, from an ini
 * file, not echoed at all. */
#include "config.h"

#include "option_errors.h"
#include "option_table.h"
#include "sanitize.h"
#include "util/limits.h"
#include "util/redact.h"

#include <ctype.h>
#include <getopt.h>
#include <string.h>

/* Echoes a value the user gave, quoted. */
void pt_option_echo(struct pt_buf *err, const char *value)
{
	pt_buf_puts(err, "'");
	pt_sanitize_user_value(err, value, PT_VALUE_SHOWN);
	pt_buf_puts(err, "'");
}

/* Echoes a URL the user gave with its userinfo and query values
 * redacted. */
void pt_option_echo_url(struct pt_buf *err, const char *value)
{
	struct pt_buf clean = {0};
	size_t n = strcspn(value, "=");
	bool cut = value[n] == '=';

	pt_buf_puts(err, "'");
	/* Only what comes before the first '=' is echoed at all (a secret may
	 * follow it, e.g. a mistyped "--client-secret=S" taken as this value):
	 * redacting the whole value first would keep the end of such a secret
	 * after an '@'. The '=' kept after it makes the sanitiser mark the
	 * cut as it marks every other. */
	if (pt_redact_text(&clean, value, n) && (!cut || pt_buf_puts(&clean, "="))) {
		pt_sanitize_user_value(err, pt_buf_str(&clean), PT_VALUE_SHOWN);
	} else {
		pt_buf_puts(err, "(not shown)");
	}
	pt_buf_puts(err, "'");
	pt_buf_free(&clean);
}

bool pt_option_bad_url(struct pt_buf *err, const char *opt, const char *value)
{
	pt_buf_printf(err, "--%s: not an http:// or https:// URL: ", opt);
	pt_option_echo_url(err, value);
	return false;
}

bool pt_option_bad(struct pt_buf *err, const char *opt, const char *why, const char *value)
{
	pt_buf_printf(err, "--%s: %s", opt, why);
	if (value) {
		pt_buf_puts(err, ": ");
		pt_option_echo(err, value);
	}
	return false;
}

/* Optimal string alignment distance between a[0..n) (compared without
 * case) and an option name b: insertions, deletions, substitutions and
 * swaps of two neighbours, the typos of a hand on a keyboard. Returns 3
 * for anything above 2, the most a suggestion may be away. */
static size_t typo_distance(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);
	size_t rows[3][32];

	if (m >= sizeof(rows[0]) / sizeof(rows[0][0]) || n > m + 2 || m > n + 2) {
		return 3;
	}
	for (size_t j = 0; j <= m; j++) {
		rows[0][j] = j;
	}
	for (size_t i = 1; i <= n; i++) {
		size_t *cur = rows[i % 3];
		const size_t *prev = rows[(i - 1) % 3];
		const size_t *prev2 = rows[(i + 1) % 3];
		char c = (char)tolower((unsigned char)a[i - 1]);

		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t v = prev[j - 1] + (c != b[j - 1]);

			if (prev[j] + 1 < v) {
				v = prev[j] + 1;
			}
			if (cur[j - 1] + 1 < v) {
				v = cur[j - 1] + 1;
			}
			if (i > 1 && j > 1 && c == b[j - 2] && tolower((unsigned char)a[i - 2]) == b[j - 1] &&
			    prev2[j - 2] + 1 < v) {
				v = prev2[j - 2] + 1;
			}
			cur[j] = v;
		}
	}
	return rows[n % 3][m] > 2 ? 3 : rows[n % 3][m];
}

/* getopt's optopt as a letter that can be shown: glibc keeps it as a
 * (signed) char of argv. '|' would end the status text where perfdata
 * begins. */
bool pt_option_letter(int c)
{
	return c > ' ' && c < 0x7f && c != ':' && c != '|';
}

/* Why getopt refused an argument, as "is not known; did you mean
 * --warning?". Only the name before a '=' is looked at, and only option
 * names of the table are written: the caller decides whether the
 * argument itself may be echoed. */
void pt_option_refusal(const char *arg, struct pt_buf *err)
{
	size_t nrows;
	const struct pt_option_row *rows = pt_option_rows(&nrows);
	const struct pt_option_row *end = rows + nrows;
	size_t best = 3;
	size_t n;
	int prefixes = 0;
	bool said = false;

	if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
		pt_buf_puts(err, pt_option_letter(optopt) && pt_option_letter_takes_value(optopt)
		                     ? "needs a value"
		                     : "is not known");
		return;
	}
	arg += 2;
	n = strcspn(arg, "=");
	if (n == 0) {
		pt_buf_puts(err, "is not known");
		return;
	}
	for (const struct pt_option_row *o = rows; o < end; o++) {
		if (strlen(o->name) == n && strncmp(arg, o->name, n) == 0) {
			pt_buf_puts(err, o->has_arg == no_argument ? "takes no value" : "needs a value");
			return;
		}
		prefixes += strncmp(arg, o->name, n) == 0;
	}
	if (prefixes > 1) {
		const char *sep = " (";

		pt_buf_puts(err, "is ambiguous");
		for (const struct pt_option_row *o = rows; o < end; o++) {
			if (strncmp(arg, o->name, n) == 0) {
				pt_buf_printf(err, "%s--%s", sep, o->name);
				sep = ", ";
			}
		}
		pt_buf_puts(err, ")");
		return;
	}
	pt_buf_puts(err, "is not known");
	for (const struct pt_option_row *o = rows; o < end; o++) {
		size_t d = typo_distance(arg, n, o->name);

		/* Two edits in a short name make another word. */
		if (d < best && d * 2 < strlen(o->name)) {
			best = d;
		}
	}
	/* Every option that near, in table order ("--proxy or --noproxy"). */
	for (const struct pt_option_row *o = rows; o < end && best < 3; o++) {
		if (typo_distance(arg, n, o->name) == best && best * 2 < strlen(o->name)) {
			pt_buf_printf(err, "%s--%s", said ? " or " : "; did you mean ", o->name);
			said = true;
		}
	}
	if (said) {
		pt_buf_puts(err, "?");
	}
}

/* An option from an ini file failed: say which option, why, and where it
 * came from, but not its value (the file may be someone else's, the
 * section written for another plugin). `said` is what apply() wrote; its
 * echo of the value, which starts at the first quote, is left out. */
void pt_option_hidden_failure(int c, const char *arg, const char *origin, const struct pt_buf *said,
                              struct pt_buf *err)
{
	const char *text = pt_buf_str(said);
	size_t keep = strcspn(text, "'");
	struct pt_buf name = {0};

	if (c == PT_OPT_CLIENT_SECRET_FILE || c == PT_OPT_API_KEY_FILE) {
		/* "secret file PATH: why" -> "--option: the file it names: why" */
		pt_buf_puts(&name, "secret file ");
		pt_sanitize_name(&name, arg);
		pt_buf_puts(&name, ": ");
		pt_buf_printf(err, "--%s: the file it names ", pt_option_name(c));
		if (strncmp(text, pt_buf_str(&name), name.len) == 0) {
			text += name.len;
			keep = strcspn(text, "'");
		} else {
			keep = 0;
		}
		pt_buf_free(&name);
	} else if (strncmp(text, "--", 2) != 0) {
		pt_buf_printf(err, "--%s: ", pt_option_name(c));
	}
	while (keep > 0 && (text[keep - 1] == ' ' || text[keep - 1] == ':')) {
		keep--;
	}
	pt_buf_append(err, text, keep);
	pt_buf_printf(err, "%sfrom %s; the value is not shown", keep ? " (" : "(", origin);
	pt_buf_puts(err, ")");
}
