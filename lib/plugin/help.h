/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --help and --version text. */
#ifndef PT_HELP_H
#define PT_HELP_H

#include "run_config.h"
#include "util/buf.h"

void pt_help(struct pt_buf *out, enum pt_endpoint endpoint);
void pt_version(struct pt_buf *out, enum pt_endpoint endpoint);

#endif
