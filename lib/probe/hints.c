/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Redirect facts and Retry-After, read from a finished transfer. */
#include "config.h"

#include "hints.h"
#include "util/limits.h"
#include "util/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

long pt_hints_retry_after(const char *value, time_t date, time_t now)
{
	size_t n;
	time_t when;

	value += strspn(value, " \t");
	n = strspn(value, "0123456789");
	if (n > 0 && value[n + strspn(value + n, " \t")] == '\0') {
		/* delay-seconds; seven digits or more are past every bound that
		 * applies (PT_RETRY_AFTER_READ_MAX), so need no exact value. */
		return n > 6 ? PT_RETRY_AFTER_READ_MAX : strtol(value, NULL, 10);
	}
	/* RFC 9110 section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and
	 * asctime forms a recipient must accept; curl_getdate reads all three. */
	when = curl_getdate(value, NULL);
	if (when == -1) {
		return -1;
	}
	/* Counted from the server's own clock when it said what time it was:
	 * a skewed clock here must not stretch or cut the wait. */
	if (date != -1) {
		now = date;
	}
	return when > now
	           ? (long)(when - now > PT_RETRY_AFTER_READ_MAX ? PT_RETRY_AFTER_READ_MAX : when - now)
	           : 0;
}

#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84.0: curl_easy_header, no longer experimental */
static const char *header_value(CURL *h, const char *name)
{
	struct curl_header *hdr = NULL;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr) {
		return NULL;
	}
	return hdr->value;
}
#endif

static void fill_retry_after(CURL *h, struct pt_http_response *resp)
{
	resp->retry_after = -1;
#if LIBCURL_VERSION_NUM >= 0x075400
	{
		const char *value = header_value(h, "Retry-After");
		const char *date = value ? header_value(h, "Date") : NULL;

		if (value) {
			resp->retry_after =
			    pt_hints_retry_after(value, date ? curl_getdate(date, NULL) : -1, time(NULL));
		}
	}
#else
	(void)h;
#endif
}

/* Whether two URLs differ in scheme, host or port: libcurl (7.83 and
 * later, CVE-2022-27776) then withholds credentials on a redirect. */
static bool other_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
	CURLU *ua = curl_url();
	CURLU *ub = curl_url();
	bool differ = true;

	if (ua && ub && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK) {
		differ = false;
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && !differ; i++) {
			char *pa = NULL;
			char *pb = NULL;
			unsigned int flags = parts[i] == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0;

			if (curl_url_get(ua, parts[i], &pa, flags) != CURLUE_OK ||
			    curl_url_get(ub, parts[i], &pb, flags) != CURLUE_OK || strcasecmp(pa, pb) != 0) {
				differ = true;
			}
			curl_free(pa);
			curl_free(pb);
		}
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return differ;
}

static void fill_redirects(CURL *h, const char *method, const char *url,
                           struct pt_http_response *resp)
{
	long count = 0;
	char *last = NULL;
	struct pt_buf shown = {0};

	if (curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &count) != CURLE_OK || count <= 0 ||
	    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &last) != CURLE_OK || !last) {
		return;
	}
	resp->redirects = (int)count;
#if LIBCURL_VERSION_NUM >= 0x074800 /* 7.72.0: CURLINFO_EFFECTIVE_METHOD */
	{
		char *now = NULL;

		/* RFC 9110 section 15.4: on 301, 302 and 303 a client may turn a
		 * POST into a GET, and libcurl does (CURLOPT_POSTREDIR unset). */
		resp->method_changed = curl_easy_getinfo(h, CURLINFO_EFFECTIVE_METHOD, &now) == CURLE_OK &&
		                       now && strcasecmp(now, method) != 0;
	}
#else
	(void)method;
#endif
	resp->cross_origin = other_origin(url, last);
	if (pt_redact_url(&shown, last, strlen(last)) && shown.len) {
		snprintf(resp->final_url, sizeof(resp->final_url), "%s", pt_buf_str(&shown));
	}
	pt_buf_free(&shown);
}

void pt_hints_fill(CURL *h, const char *method, const char *url, struct pt_http_response *resp)
{
	fill_retry_after(h, resp);
	fill_redirects(h, method, url, resp);
}
