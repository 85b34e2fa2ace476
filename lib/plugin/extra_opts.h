/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --extra-opts=[section][@file]: options read from an ini file, with
 * monitoring-plugins' semantics. */
#ifndef PT_EXTRA_OPTS_H
#define PT_EXTRA_OPTS_H

#include "util/buf.h"

#include <stdbool.h>

/* Rebuilds argv: every argument getopt_long reads as --extra-opts[=spec]
 * (any abbreviation it takes; the "--extra-opts spec" two-argument form
 * is NOT accepted: the value is optional, so it must be attached with
 * '=') is removed and the options
 * it names are inserted before all remaining arguments, in the order
 * the --extra-opts arguments appeared, so that the command line wins.
 * spec is "[section][@file]": the section defaults to `progname`, the
 * file to pt_ini_default_file(). An --extra-opts inside an ini
 * file is an error (no recursion).
 * On success *out_argv is a new NULL-terminated malloc'ed vector
 * (argv[0] kept first) to free with pt_extra_opts_free; when argv has
 * no --extra-opts it is still a copy. On error returns false with a
 * one-line reason in err. */
bool pt_extra_opts_apply(int argc, char **argv, const char *progname, int *out_argc,
                         char ***out_argv, struct pt_buf *err);
/* The same, and *out_origins (when not NULL) parallel to *out_argv: for
 * each argument read from a file a text naming the key, the section and
 * the file; NULL for the others. Free it with pt_extra_opts_free(out_argc,
 * ...). */
bool pt_extra_opts_apply_origins(int argc, char **argv, const char *progname, int *out_argc,
                                 char ***out_argv, char ***out_origins, struct pt_buf *err);
void pt_extra_opts_free(int argc, char **argv);

#endif
