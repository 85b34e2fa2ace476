/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every request says of itself. */
#ifndef PT_APP_REFERENCE_H
#define PT_APP_REFERENCE_H

#include <stddef.h>

/* A fresh UUID (version 4) for App-Reference; out holds at least 37
 * bytes. */
void pt_app_reference(char *out, size_t len);
/* The headers of every request, reference among them: hdrs[0..4) point
 * into store or to literals, hdrs[4] is NULL. */
void pt_request_headers(const char *reference, char store[3][96], const char *hdrs[5]);

#endif
