/* The server's certificate chain as libcurl's CERTINFO lists it: the
 * earliest expiry and whose it is. */
#include "config.h"

#include "certinfo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* "Expire date:Mar  5 12:00:00 2027 GMT" as the TLS backend writes it. */
static bool cert_field_time(const char *text, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%b %d %H:%M:%S %Y GMT", &tm);
	if (!end || *end != '\0') {
		return false;
	}
	*out = timegm(&tm);
	return true;
}

/* The CN of "Subject:CN = localhost, O = x" or "Subject:C=DE/CN=x". */
static void cert_field_cn(const char *subject, char *out, size_t len)
{
	const char *cn = strstr(subject, "CN");

	out[0] = '\0';
	while (cn && cn != subject && cn[-1] != ' ' && cn[-1] != ',' && cn[-1] != '/' &&
	       cn[-1] != ':') {
		cn = strstr(cn + 2, "CN");
	}
	if (!cn) {
		return;
	}
	cn += 2;
	cn += strspn(cn, " ");
	if (*cn != '=') {
		return;
	}
	cn++;
	cn += strspn(cn, " ");
	snprintf(out, len, "%.*s", (int)strcspn(cn, ",/"), cn);
}

/* Every certificate the server sent counts: an intermediate that runs
 * out first breaks the chain as surely as the leaf. */
void pt_certinfo_expiry(CURL *h, struct pt_http_response *resp)
{
	static const char expire[] = "Expire date:";
	static const char subject[] = "Subject:";
	struct curl_certinfo *ci = NULL;

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1) {
		return;
	}
	resp->cert_count = ci->num_of_certs;
	for (int i = 0; i < ci->num_of_certs; i++) {
		const char *subj = "";
		time_t t = 0;
		bool known = false;

		for (struct curl_slist *s = ci->certinfo[i]; s; s = s->next) {
			if (strncmp(s->data, expire, sizeof(expire) - 1) == 0) {
				known = cert_field_time(s->data + sizeof(expire) - 1, &t);
			} else if (strncmp(s->data, subject, sizeof(subject) - 1) == 0) {
				subj = s->data + sizeof(subject) - 1;
			}
		}
		if (known && (!resp->cert_expiry_known || t < resp->cert_expiry)) {
			resp->cert_expiry = t;
			resp->cert_expiry_known = true;
			resp->cert_index = i;
			cert_field_cn(subj, resp->cert_subject, sizeof(resp->cert_subject));
		}
	}
}
