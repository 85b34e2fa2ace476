/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The value checks of the option table (options.c): each says whether
 * one option's argument is acceptable, and stores it when it is. */
#include "config.h"

#include "option_values.h"
#include "target.h"
#include "util/limits.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <sys/stat.h>

/* Printable ASCII without blanks: what a host, URL, id or scope may
 * hold here. */
bool pt_value_printable(const char *s, size_t max, bool allow_space)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || (c == ' ' && !allow_space)) {
			return false;
		}
	}
	return n > 0 && n <= max;
}

bool pt_value_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s)) {
		return false;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		return false;
	}
	*out = v;
	return true;
}

bool pt_value_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.')) {
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > PT_TIMEOUT_MAX_SECONDS) {
		return false;
	}
	*out = v;
	return true;
}

bool pt_value_url(const char *s)
{
	const char *host;

	if (strncasecmp(s, "http://", 7) == 0) {
		host = s + 7;
	} else if (strncasecmp(s, "https://", 8) == 0) {
		host = s + 8;
	} else {
		return false;
	}
	return pt_value_printable(s, PT_URL_MAX, false) && *host && *host != '/' && !strchr(s, '#');
}

/* A DNS name or an IPv4 address, or an IPv6 address in brackets or
 * bare. */
bool pt_value_host(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253) {
		return false;
	}
	if (strchr(s, ':')) {
		if (s[0] == '[') {
			return s[n - 1] == ']' && n > 2 && strspn(s + 1, "0123456789abcdefABCDEF:.") == n - 2;
		}
		return strspn(s, "0123456789abcdefABCDEF:.") == n;
	}
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n &&
	       s[0] != '-' && s[0] != '.';
}

/* True when s holds a percent-encoded control character (%00-%1F,
 * %7F): libcurl 7.88 drops a proxy whose credentials decode to one and
 * silently connects directly instead. */
static bool encoded_control(const char *s)
{
	for (const char *p = strchr(s, '%'); p; p = strchr(p + 1, '%')) {
		if (((p[1] == '0' || p[1] == '1') && p[2] && strchr("0123456789abcdefABCDEF", p[2])) ||
		    (p[1] == '7' && (p[2] == 'f' || p[2] == 'F'))) {
			return true;
		}
	}
	return false;
}

/* [scheme://][user:pass@]host[:port][/], scheme one libcurl proxies
 * through. Never echoed: it may carry a password. */
bool pt_value_proxy(const char *s)
{
	static const char *const schemes[] = {"http://",    "https://",  "socks4://",
	                                      "socks4a://", "socks5://", "socks5h://"};
	char host[PT_HOST_MAX + 1];
	const char *p = strstr(s, "://");
	const char *at;
	const char *port = NULL;
	const char *end;
	long n;

	if (!pt_value_printable(s, PT_URL_MAX, false) || encoded_control(s)) {
		return false;
	}
	if (p) {
		bool known = false;

		for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			known |= strncasecmp(s, schemes[i], strlen(schemes[i])) == 0;
		}
		if (!known) {
			return false;
		}
		s = p + 3;
	}
	at = strrchr(s, '@');
	if (at) {
		s = at + 1;
	}
	end = s + strcspn(s, "/");
	if (*end && strcmp(end, "/") != 0) {
		return false;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));

		if (!close) {
			return false;
		}
		if (close + 1 < end) {
			if (close[1] != ':') {
				return false;
			}
			port = close + 2;
		}
		end = close + 1;
	} else {
		port = memchr(s, ':', (size_t)(end - s));
		if (port) {
			end = port++;
		}
	}
	if (end - s <= 0 || (size_t)(end - s) >= sizeof(host)) {
		return false;
	}
	memcpy(host, s, (size_t)(end - s));
	host[end - s] = '\0';
	if (port) {
		char digits[8];
		size_t len = strcspn(port, "/");

		if (len == 0 || len >= sizeof(digits)) {
			return false;
		}
		memcpy(digits, port, len);
		digits[len] = '\0';
		if (!pt_value_long(digits, 1, 65535, &n)) {
			return false;
		}
	}
	return pt_value_host(host);
}

/* HOST:PORT for --connect-to: a DNS name, an IPv4 address or an IPv6
 * address in brackets, and a port. */
bool pt_value_connect_to(const char *s)
{
	const char *colon;
	char host[PT_HOST_MAX + 1];
	long port;
	size_t n;

	if (!pt_value_printable(s, PT_CONNECT_TO_MAX, false)) {
		return false;
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			return false;
		}
		colon = close + 1;
	} else {
		colon = strchr(s, ':');
		if (!colon || strchr(colon + 1, ':')) {
			return false;
		}
	}
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(host)) {
		return false;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	return pt_value_host(host) && (host[0] == '[' || !strchr(host, ':')) &&
	       pt_value_long(colon + 1, 1, 65535, &port);
}

bool pt_value_api_version(const char *s)
{
	size_t major = 0;
	size_t minor = 0;

	if (s[0] != 'v') {
		return false;
	}
	major = strspn(s + 1, "0123456789");
	if (major == 0 || major > 3 || s[1 + major] != '.') {
		return false;
	}
	minor = strspn(s + 2 + major, "0123456789");
	return minor > 0 && minor <= 3 && s[2 + major + minor] == '\0';
}

bool pt_value_environment(const char *s)
{
	return pt_target_environment_known(s);
}

bool pt_value_is_type(const char *path, mode_t type)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/* W[,C] whole days. */
bool pt_value_certificate(const char *s, long *warn_days, long *crit_days)
{
	char warn[16];
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	if (n == 0 || n >= sizeof(warn)) {
		return false;
	}
	memcpy(warn, s, n);
	warn[n] = '\0';
	if (!pt_value_long(warn, 0, PT_CERT_DAYS_MAX, warn_days)) {
		return false;
	}
	*crit_days = 0;
	if (comma && !pt_value_long(comma + 1, 0, PT_CERT_DAYS_MAX, crit_days)) {
		return false;
	}
	return *crit_days <= *warn_days;
}
