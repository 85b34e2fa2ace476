/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ini reader of --extra-opts (ini.c), apart from its use
 * (extra_opts.c), as monitoring-plugins' parse_ini.c. */
#ifndef PT_INI_H
#define PT_INI_H

#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* ini_search.c: the default file, the first that exists of $MP_CONFIG_FILE, then
 * monitoring-plugins.ini / plugins.ini / nagios-plugins.ini in each
 * directory of $NAGIOS_CONFIG_PATH (':'-separated), then the fixed places
 * of pt_ini_system_path(), in order (monitoring-plugins' own list).
 * Returns NULL when none exists. The result is malloc'ed. */
char *pt_ini_default_file(void);

/* The i-th fixed place of a default file, NULL past the last. */
const char *pt_ini_system_path(size_t i);

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
 * is an error. A section that does not appear is an error. The file is
 * read only when pt_file_protected() says it is (for stdin: its owner).
 * When origins is not NULL, *origins grows in step with *args: for each
 * argument a text naming the key, the section and the file.
 * On error returns false (nothing appended) and writes a one-line reason (with file and
 * line number) to err. */
bool pt_ini_read_section(const char *path, const char *section, char ***args, int *nargs,
                         char ***origins, struct pt_buf *err);

/* How a path shows in messages: "-" is "(stdin)". */
const char *pt_ini_path_name(const char *path);

#endif
