/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reason vocabulary. */
#include "config.h"

#include "reason.h"

static const char *const names[PT_REASON_COUNT] = {
    [PT_REASON_OK] = "ok",
    [PT_REASON_DNS] = "dns",
    [PT_REASON_CONNECT] = "connect",
    [PT_REASON_TLS] = "tls",
    [PT_REASON_PROXY] = "proxy",
    [PT_REASON_TIMEOUT] = "timeout",
    [PT_REASON_AUTH] = "auth",
    [PT_REASON_RATE_LIMITED] = "rate_limited",
    [PT_REASON_CLIENT_ERROR] = "client_error",
    [PT_REASON_SERVER_ERROR] = "server_error",
    [PT_REASON_REDIRECT] = "redirect",
    [PT_REASON_BAD_RESPONSE] = "bad_response",
    [PT_REASON_BODY_TOO_LARGE] = "body_too_large",
    [PT_REASON_JSON] = "json",
    [PT_REASON_LATENCY] = "latency",
    [PT_REASON_CERTIFICATE] = "certificate",
    [PT_REASON_CONFIG] = "config",
    [PT_REASON_INTERNAL] = "internal",
};

const char *pt_reason_name(enum pt_reason r)
{
	if ((int)r < 0 || r >= PT_REASON_COUNT) {
		return "internal";
	}
	return names[r];
}
