/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the token cache may be when --token-cache does not say. */
#ifndef PT_CACHE_PLACES_H
#define PT_CACHE_PLACES_H

#include "probe/probe.h"

#include <stddef.h>

/* The default directory's candidates, from MP_STATE_PATH, the configured
 * state directory, XDG_CACHE_HOME or HOME (else the password database's
 * home, kept in passwd[0..len)), and XDG_RUNTIME_DIR or /dev/shm. */
struct pt_cache_places pt_cache_places_default(char *passwd, size_t len);

#endif
