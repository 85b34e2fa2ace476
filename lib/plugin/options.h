/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parser of the option table (option_table.h) shared by both
 * plugins: from argv to struct pt_config. */
#ifndef PT_OPTIONS_H
#define PT_OPTIONS_H

#include "run_config.h"
#include "util/buf.h"

enum pt_options_result {
	PT_OPTIONS_RUN,
	PT_OPTIONS_HELP,
	PT_OPTIONS_VERSION,
	PT_OPTIONS_ERROR, /* err holds a one-line reason */
};

/* Parses argv (already expanded by --extra-opts) into cfg, which must
 * have been set up by pt_config_init. Strings in cfg may point into
 * argv, so argv must outlive cfg. Reads secret files and the
 * PRIOTICKET_* environment variables. */
enum pt_options_result pt_options_parse(int argc, char **argv, struct pt_config *cfg,
                                        struct pt_buf *err);

/* The same, with origin[i] (parallel to argv, see
 * pt_extra_opts_apply_origins) naming where argv[i] came from when it
 * was read from an ini file: an error about such an argument names the
 * option and its origin but never echoes the value. */
enum pt_options_result pt_options_parse_origins(int argc, char **argv, const char *const *origin,
                                                struct pt_config *cfg, struct pt_buf *err);

/* A cheap look at argv before anything is read, through the table's
 * pre-scan (option_table.h), so in any spelling getopt_long takes: sets
 * cfg->timeout, cfg->timeout_state and cfg->output_format from
 * -t/--timeout, --timeout-result and --output-format when given there
 * (valid values only), so that the hard stop bounds the reading of ini
 * and secret files too, and speaks the chosen format. Reads no file,
 * reports no error. */
void pt_options_prescan(int argc, char **argv, struct pt_config *cfg);
/* "nagios", "json" or "prometheus". */
bool pt_options_output_format(const char *text, enum pt_output_format *out);
/* The --output-format argv asks for, looked up before the options are
 * parsed, so that an error in any other option is already written in
 * that format (nagios when absent or itself bad). */
enum pt_output_format pt_options_prescan_format(int argc, char **argv);

/* Overwrites the values getopt_long reads as --client-secret in argv so
 * that `ps` stops showing them. */
void pt_options_scrub_argv(int argc, char **argv);

#endif
