/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The value checks of the option table (option_values.c). */
#ifndef PT_OPTION_VALUES_H
#define PT_OPTION_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Printable ASCII without blanks: what a host, URL, id or scope may
 * hold here. */
bool pt_value_printable(const char *s, size_t max, bool allow_space);

/* Decimal digits only, within [min, max]. */
bool pt_value_long(const char *s, long min, long max, long *out);

/* Seconds: digits with at most one dot, above 0 and at most an hour. */
bool pt_value_seconds(const char *s, double *out);

/* An http:// or https:// URL with a host. */
bool pt_value_url(const char *s);

/* A DNS name or an IPv4 address, or an IPv6 address in brackets or
 * bare. */
bool pt_value_host(const char *s);

/* [scheme://][user:pass@]host[:port][/], scheme one libcurl proxies
 * through. Never echoed: it may carry a password. */
bool pt_value_proxy(const char *s);

/* HOST:PORT for --connect-to: a DNS name, an IPv4 address or an IPv6
 * address in brackets, and a port. */
bool pt_value_connect_to(const char *s);

/* vX.Y, each part one to three digits. */
bool pt_value_api_version(const char *s);

/* One of the environments target.c knows. */
bool pt_value_environment(const char *s);

/* path exists (symbolic links followed) and is of type (S_IFREG, ...). */
bool pt_value_is_type(const char *path, mode_t type);

/* W[,C] whole days, C at most W (C is 0 when not given). */
bool pt_value_certificate(const char *s, long *warn_days, long *crit_days);

#endif
