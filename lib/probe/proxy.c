/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which proxy libcurl uses for a URL (the no-proxy list matched as
 * libcurl matches it), how it is shown, and a proxy's failure told apart
 * from the target's. */
#include "config.h"

#include "proxy.h"
#include "util/limits.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first `bits` bits of two addresses are equal; 0 means all of
 * them, as in libcurl. */
static bool cidr_match(int af, const char *host, const char *net, unsigned long bits)
{
	unsigned char a[16];
	unsigned char b[16];
	unsigned long size = af == AF_INET ? 32 : 128;
	unsigned char mask;

	if (bits == 0) {
		bits = size;
	}
	if (bits > size || inet_pton(af, host, a) != 1 || inet_pton(af, net, b) != 1) {
		return false;
	}
	if (memcmp(a, b, bits / 8) != 0) {
		return false;
	}
	if (bits % 8 == 0) {
		return true;
	}
	mask = (unsigned char)(0xff << (8 - bits % 8));
	return (a[bits / 8] & mask) == (b[bits / 8] & mask);
}

static bool noproxy_token(int af, const char *name, size_t namelen, const char *tok, size_t toklen)
{
	char check[128];
	char *slash;
	unsigned long bits = 0;

	if (af == 0) {
		/* Names: "example.com" and ".example.com" both match
		 * example.com and www.example.com, never notexample.com. */
		if (toklen && tok[toklen - 1] == '.') {
			toklen--;
		}
		if (toklen && tok[0] == '.') {
			tok++;
			toklen--;
		}
		if (toklen == 0 || toklen > namelen) {
			return false;
		}
		if (toklen == namelen) {
			return strncasecmp(tok, name, namelen) == 0;
		}
		return name[namelen - toklen - 1] == '.' &&
		       strncasecmp(tok, name + namelen - toklen, toklen) == 0;
	}
	if (toklen >= sizeof(check)) {
		return false;
	}
	memcpy(check, tok, toklen);
	check[toklen] = '\0';
	slash = strchr(check, '/');
	if (slash) {
#if LIBCURL_VERSION_NUM <= 0x075801
		/* libcurl 7.88 (checked with 7.88.1) matches no IPv6 range. */
		if (af == AF_INET6) {
			return false;
		}
#endif
		bits = strtoul(slash + 1, NULL, 10);
		*slash = '\0';
	}
	return cidr_match(af, name, check, bits);
}

bool pt_proxy_noproxy_match(const char *host, const char *list)
{
	char name[PT_HOST_MAX + 1];
	unsigned char addr[16];
	size_t namelen = strlen(host);
	int af = 0;

	if (!list || !*list) {
		return false;
	}
	if (strcmp(list, "*") == 0) {
		return true;
	}
	if (host[0] == '[') {
		const char *close = strchr(host, ']');

		if (!close) {
			return false;
		}
		host++;
		namelen = (size_t)(close - host);
	}
	if (namelen == 0 || namelen >= sizeof(name)) {
		return false;
	}
	memcpy(name, host, namelen);
	name[namelen] = '\0';
	if (inet_pton(AF_INET, name, addr) == 1) {
		af = AF_INET;
	} else if (inet_pton(AF_INET6, name, addr) == 1) {
		af = AF_INET6;
	} else if (name[namelen - 1] == '.') {
		namelen--;
	}
	while (*list) {
		const char *tok;

		list += strspn(list, ", \t");
		tok = list;
		list += strcspn(list, ", \t");
		if (list > tok && noproxy_token(af, name, namelen, tok, (size_t)(list - tok))) {
			return true;
		}
	}
	return false;
}

/* The proxy's URL for the output: any userinfo (everything before the
 * last '@') redacted, the path dropped, anything unprintable replaced. */
static void show_proxy(const char *proxy, char *out, size_t len)
{
	const char *sep = strstr(proxy, "://");
	const char *host = sep ? sep + 3 : proxy;
	const char *at = strrchr(host, '@');
	int n;

	n = snprintf(out, len, "%.*s%s%.*s", (int)(host - proxy), proxy, at ? "<redacted>@" : "",
	             (int)strcspn(at ? at + 1 : host, "/?#"), at ? at + 1 : host);
	for (int i = 0; n > 0 && out[i]; i++) {
		if ((unsigned char)out[i] < 0x21 || (unsigned char)out[i] > 0x7e) {
			out[i] = '?';
		}
	}
}

/* The variables libcurl 7.88 takes a proxy from (url.c, detect_proxy),
 * in its order: the scheme's own, then all_proxy. http_proxy only in
 * lower case: HTTP_PROXY could be set by a CGI request's "Proxy:"
 * header. The one list of them: the option checks and --help's
 * documentation read it through pt_probe_proxy_variable. */
static const struct {
	const char *name;
	bool http;
	bool https;
} variables[] = {
    {"http_proxy", true, false}, {"https_proxy", false, true}, {"HTTPS_PROXY", false, true},
    {"all_proxy", true, true},   {"ALL_PROXY", true, true},
};

const char *pt_proxy_variable(size_t i)
{
	return i < sizeof(variables) / sizeof(variables[0]) ? variables[i].name : NULL;
}

static const char *nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Finds the proxy libcurl 7.88 uses for url, the way it decides
 * (url.c): CURLOPT_PROXY, else the first set of the variables above for
 * the URL's scheme; no proxy for a host in CURLOPT_NOPROXY, else in
 * no_proxy or NO_PROXY. libcurl tells this itself only from 8.7.0 on
 * (CURLINFO_USED_PROXY). */
void pt_proxy_find(const struct pt_net_options *net, const char *url, struct pt_http_response *resp)
{
	bool https = strncasecmp(url, "https:", 6) == 0;
	const char *proxy = net->proxy;
	const char *from = "";
	const char *noproxy = net->noproxy;
	CURLU *u = curl_url();
	char *host = NULL;
	bool skip;

	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return;
	}
	curl_url_cleanup(u);
	if (!noproxy) {
		noproxy = nonempty_env("no_proxy");
	}
	if (!noproxy) {
		noproxy = nonempty_env("NO_PROXY");
	}
	skip = pt_proxy_noproxy_match(host, noproxy);
	curl_free(host);
	if (skip) {
		return;
	}
	for (size_t i = 0; !proxy && i < sizeof(variables) / sizeof(variables[0]); i++) {
		if (https ? variables[i].https : variables[i].http) {
			proxy = nonempty_env(variables[i].name);
			from = variables[i].name;
		}
	}
	if (!proxy) {
		return;
	}
	resp->via_proxy = true;
	show_proxy(proxy, resp->proxy, sizeof(resp->proxy));
	snprintf(resp->proxy_from, sizeof(resp->proxy_from), "%s", from);
}

/* A proxy that refuses us is one outcome, whatever the target: a 407
 * answer (http://), a CONNECT answered with anything but 2xx
 * (https://), or a proxy that cannot be resolved or reached. */
void pt_proxy_classify(CURL *h, CURLcode rc, struct pt_http_response *resp)
{
	long code = 0;

	if (curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &code) != CURLE_OK) {
		code = 0;
	}
	if (rc == CURLE_OK && resp->via_proxy && resp->status == 407) {
		resp->proxy_failure = PT_PROXY_REFUSED;
		resp->proxy_status = 407;
	} else if (rc != CURLE_OK && code != 0 && (code < 200 || code >= 300)) {
		resp->proxy_failure = PT_PROXY_REFUSED;
		resp->proxy_status = code;
	} else if (rc == CURLE_COULDNT_RESOLVE_PROXY) {
		resp->proxy_failure = PT_PROXY_UNRESOLVED;
	} else if (rc == CURLE_COULDNT_CONNECT && resp->via_proxy) {
		resp->proxy_failure = PT_PROXY_UNREACHABLE;
#if LIBCURL_VERSION_NUM >= 0x074900 /* 7.73.0: CURLE_PROXY; before, CURLE_COULDNT_CONNECT */
	} else if (rc == CURLE_PROXY) {
		/* A SOCKS proxy's refusal. */
		resp->proxy_failure = PT_PROXY_REFUSED;
#endif
	} else {
		return;
	}
	resp->outcome = PT_HTTP_PROXY;
}
