/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a request that carries a bound secret may go (http_binding.h):
 * judged from its URL before anything is sent, and from the address
 * once connected. */
#include "config.h"

#include "http_binding.h"
#include "proxy.h"
#include "util/file.h"
#include "util/limits.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104, written as an address (an
 * IPv6 one with or without brackets). */
static bool loopback_address(const char *text)
{
	static const unsigned char one[16] = {[15] = 1};
	static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
	unsigned char a[16];
	char copy[64];
	size_t n = strlen(text);

	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		text++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(copy)) {
		return false;
	}
	memcpy(copy, text, n);
	copy[n] = '\0';
	if (inet_pton(AF_INET, copy, a) == 1) {
		return a[0] == 127;
	}
	return inet_pton(AF_INET6, copy, a) == 1 &&
	       (memcmp(a, one, sizeof(one)) == 0 ||
	        (memcmp(a, mapped, sizeof(mapped)) == 0 && a[12] == 127));
}

/* scheme://host:port of a URL as libcurl parses it, the host in lower
 * case and the port always written. */
static bool url_origin(const char *url, char *out, size_t len, char *host_out, size_t host_len)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	char *host = NULL;
	char *port = NULL;
	bool ok = false;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		int n = snprintf(out, len, "%s://%s:%s", scheme, host, port);
		int h = snprintf(host_out, host_len, "%s", host);

		ok = n > 0 && (size_t)n < len && h > 0 && (size_t)h < host_len;
		for (char *c = out; ok && *c; c++) {
			*c = (char)tolower((unsigned char)*c);
		}
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* The CA file or directory decides what "verified" means: only root or
 * the effective user may be able to change it. */
static bool trust_protected(const struct pt_tls_options *tls, char *why, size_t len)
{
	const char *paths[2] = {tls->ca_file, tls->ca_path};

	for (size_t i = 0; i < 2; i++) {
		int fd;
		bool ok;

		if (!paths[i]) {
			continue;
		}
		fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			snprintf(why, len, "%s cannot be opened: %s", paths[i], strerror(errno));
			return false;
		}
		ok = pt_file_protected(fd, paths[i], why, len);
		close(fd);
		if (!ok) {
			return false;
		}
	}
	return true;
}

static bool listed(const char *const *list, const char *s)
{
	for (; list && *list; list++) {
		if (strcasecmp(*list, s) == 0) {
			return true;
		}
	}
	return false;
}

enum pt_binding_verdict pt_http_binding_check(const char *url, const struct pt_tls_options *tls,
                                              const struct pt_binding *b, char *origin,
                                              size_t origin_len, char *detail, size_t detail_len)
{
	char host[PT_HOST_MAX + 1];

	detail[0] = '\0';
	if (!url_origin(url, origin, origin_len, host, sizeof(host))) {
		snprintf(origin, origin_len, "a URL libcurl cannot parse");
		return PT_BINDING_BAD_URL;
	}
	if (strcasecmp(host, "localhost") == 0 || loopback_address(host)) {
		return PT_BINDING_LOOPBACK;
	}
	if (!listed(b->hosts, host) && !listed(b->origins, origin)) {
		return PT_BINDING_ELSEWHERE;
	}
	if (strncmp(origin, "https://", 8) != 0) {
		return PT_BINDING_PLAIN;
	}
	if (tls->insecure) {
		return PT_BINDING_UNVERIFIED;
	}
	return trust_protected(tls, detail, detail_len) ? PT_BINDING_TLS : PT_BINDING_TRUST;
}

#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
/* A request bound to loopback goes out only from a loopback address's
 * connection: a proxy, --connect-to or a name could have taken it
 * elsewhere. A hop to another origin (a redirect) carries none of our
 * credentials: libcurl sends them only to the first host and port. */
bool pt_http_may_send(CURL *h, const struct pt_http_request *req, const char *primary_ip,
                      struct pt_http_response *resp)
{
	char *hop = NULL;
	char first[320];
	char here[320];
	char host[PT_HOST_MAX + 1];
	char ignored[PT_HOST_MAX + 1];
	struct pt_http_response proxy;

	if (!req->loopback_only || loopback_address(primary_ip)) {
		return true;
	}
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &hop) == CURLE_OK && hop &&
	    url_origin(req->url, first, sizeof(first), host, sizeof(host)) &&
	    url_origin(hop, here, sizeof(here), ignored, sizeof(ignored)) && strcmp(first, here) != 0) {
		return true;
	}
	memset(&proxy, 0, sizeof(proxy));
	pt_proxy_find(req->net, hop ? hop : req->url, &proxy);
	/* Short: the address and how the connection got there are what
	 * matter. */
	snprintf(resp->message, sizeof(resp->message),
	         "the secret is bound to loopback, but the connection went to %.46s%s", primary_ip,
	         proxy.via_proxy        ? " (the proxy)"
	         : req->net->connect_to ? " (--connect-to)"
	                                : "");
	return false;
}
#endif
