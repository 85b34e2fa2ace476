/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prioticket's error body (and the OAuth2 error body of the token
 * endpoint), parsed leniently: any field may be missing or of the wrong
 * type, and the body may not be JSON at all. */
#ifndef PT_PRIO_ERROR_H
#define PT_PRIO_ERROR_H

#include "probe_types.h"

#include <stddef.h>

/* Never fails: an unusable body leaves e->found false. */
void pt_prio_error_parse(const char *body, size_t len, struct pt_prio_error *e);

#endif
