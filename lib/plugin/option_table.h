/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The option table both plugins share: one row per option with its long
 * name, its letter, whether it takes a value, and its --help text. The
 * parser (options.c), the pre-scan below and --help (help.c) read it;
 * nothing else lists the options. */
#ifndef PT_OPTION_TABLE_H
#define PT_OPTION_TABLE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* Options without a letter have an id above every char. */
enum pt_option_id {
	PT_OPT_PROXY = 256,
	PT_OPT_NOPROXY,
	PT_OPT_CA_FILE,
	PT_OPT_CA_PATH,
	PT_OPT_INSECURE,
	PT_OPT_CLIENT_ID,
	PT_OPT_CLIENT_SECRET_FILE,
	PT_OPT_CLIENT_SECRET,
	PT_OPT_SCOPE,
	PT_OPT_TOKEN_URL,
	PT_OPT_API_KEY_FILE,
	PT_OPT_TOKEN_CACHE,
	PT_OPT_NO_TOKEN_CACHE,
	PT_OPT_TIMEOUT_RESULT,
	PT_OPT_EXPECT_JSON,
	PT_OPT_EXTRA_OPTS,
	PT_OPT_FOLLOW_REDIRECTS,
	PT_OPT_ALLOW_HTTP_TOKEN_URL,
	PT_OPT_HTTP_VERSION,
	PT_OPT_CONNECT_TO,
	PT_OPT_TOKEN_BODY,
	PT_OPT_OUTPUT_FORMAT,
};

/* The number of rows; option_table.c checks it against the table. */
#define PT_OPTION_COUNT 36

struct pt_option_row {
	const char *name;    /* the long name, without "--" */
	int id;              /* its letter, or a PT_OPT_* */
	int has_arg;         /* getopt's no_argument, required_argument, optional_argument */
	const char *heading; /* --help's section title before this row, or NULL */
	const char *value;   /* --help's name for the value ("NAME", "[SECTION][@FILE]") */
	const char *usage;   /* --help's left column when not made of the above */
	const char *help;    /* --help's text, lines apart by '\n'; NULL: another row's line says it */
};

/* The rows, in --help's order; *n is set to their number. */
const struct pt_option_row *pt_option_rows(size_t *n);
/* The long name of an id, "?" for none. */
const char *pt_option_name(int id);
/* Whether the letter is a short option that takes a value. */
bool pt_option_letter_takes_value(int letter);

/* getopt_long's arguments, made from the table. */
struct pt_getopt_table {
	struct option longopts[PT_OPTION_COUNT + 1];
	char shortopts[2 * PT_OPTION_COUNT + 1];
};
void pt_getopt_table(struct pt_getopt_table *t);

/* One option of an argument vector as getopt_long reads it. */
struct pt_option_seen {
	int id;            /* a letter or PT_OPT_*; '?' for an argument getopt refuses */
	const char *value; /* its value (inside argv), or NULL */
	const char *arg;   /* the argument naming a long option (an element of argv); NULL
	                    * for a short one */
};

/* The one pre-scan of argv[1..argc): calls seen(o, ctx) for every option
 * in order, as getopt_long itself reads them with the table (a unique
 * prefix names an option, an exact name wins over the longer ones it
 * starts, an ambiguous prefix is refused; a value attached or the next
 * argument; "--" ends the options; POSIXLY_CORRECT stops at the first
 * non-option). It reads no file and applies nothing; argv is left as it
 * is (getopt permutes a copy of the vector). Returns false, having seen
 * nothing, when that copy cannot be made. */
bool pt_options_scan(int argc, char **argv, void (*seen)(const struct pt_option_seen *, void *),
                     void *ctx);

#endif
