/* --extra-opts=[section][@file]: options read from an ini file, with
 * monitoring-plugins' semantics. */
#ifndef PT_EXTRA_OPTS_H
#define PT_EXTRA_OPTS_H

#include "util/buf.h"

#include <stdbool.h>

/* The default file: the first that exists of $MP_CONFIG_FILE, then
 * monitoring-plugins.ini / plugins.ini / nagios-plugins.ini in each
 * directory of $NAGIOS_CONFIG_PATH (':'-separated), then
 * /usr/local/etc/monitoring-plugins/monitoring-plugins.ini,
 * /usr/local/etc/monitoring-plugins.ini,
 * /etc/monitoring-plugins/monitoring-plugins.ini,
 * /etc/monitoring-plugins.ini, /etc/nagios/plugins.ini,
 * /usr/local/nagios/etc/plugins.ini, /usr/local/etc/nagios/plugins.ini,
 * /etc/opt/nagios/plugins.ini, /etc/nagios-plugins.ini,
 * /usr/local/etc/nagios-plugins.ini, /etc/opt/nagios-plugins.ini.
 * Returns NULL when none exists. The result is malloc'ed. */
char *pt_extra_opts_default_file(void);

/* Reads `section` of the ini file `path` ("-" is stdin) and appends one
 * argument per option to *args / *nargs (realloc'ed; each string
 * malloc'ed): "key=value" gives "--key=value", an empty value ("key=")
 * gives "--key"; a one-letter key gives "-k" and "-k<value>"
 * (so getopt sees the value itself, not "=value").
 * Ini grammar: "[section]" headers; "key = value" with blanks around
 * key and value trimmed; a value may be enclosed in double quotes
 * (kept verbatim inside, so '#' and ';' survive); lines starting with
 * '#' or ';' and blank lines are ignored; a non-quoted value ends at
 * the first " #" or " ;" (inline comment). A line with no '=' that is
 * not a section header, a key with characters outside [A-Za-z0-9_-],
 * a line longer than PT_INI_LINE_MAX bytes, or a file that is not a regular file
 * is an error. A section that does not appear is an error.
 * On error returns false and writes a one-line reason (with file and
 * line number) to err. */
bool pt_extra_opts_read(const char *path, const char *section, char ***args, int *nargs,
                        struct pt_buf *err);

/* Rebuilds argv: every --extra-opts[=spec] argument (also the
 * "--extra-opts spec" two-argument form is NOT accepted: the value is
 * optional, so it must be attached with '=') is removed and the options
 * it names are inserted before all remaining arguments, in the order
 * the --extra-opts arguments appeared, so that the command line wins.
 * spec is "[section][@file]": the section defaults to `progname`, the
 * file to pt_extra_opts_default_file(). An --extra-opts inside an ini
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
