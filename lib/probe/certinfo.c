/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The certificate chain --certificate judges: the earliest expiry and
 * whose it is. From the chain OpenSSL verified (leaf up to the trust
 * anchor) when libcurl uses OpenSSL, else from libcurl's CERTINFO (every
 * certificate the server sent). */
#include "config.h"

#include "certinfo.h"

#ifdef HAVE_LIBSSL
#	include <openssl/asn1.h>
#	include <openssl/crypto.h>
#	include <openssl/objects.h>
#	include <openssl/ssl.h>
#	include <openssl/x509.h>
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBSSL
static bool asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
		return false;
	}
	*out = timegm(&tm);
	return true;
}

/* The first CN of the subject, as UTF-8 (raw: the plugin layer
 * sanitises it). */
static void subject_cn(X509 *cert, char *out, size_t len)
{
	X509_NAME *name = X509_get_subject_name(cert);
	int at = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
	unsigned char *utf8 = NULL;
	int n;

	out[0] = '\0';
	if (at < 0) {
		return;
	}
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
	if (n < 0) {
		return;
	}
	snprintf(out, len, "%.*s", n, (const char *)utf8);
	OPENSSL_free(utf8);
}

/* Only the path OpenSSL built from the leaf to the trust anchor counts:
 * a certificate the server sent that is not on it (an expired
 * cross-signed copy of the root, as in the 2021 expiry of DST Root CA X3)
 * breaks nothing. The anchor counts: OpenSSL refuses a chain whose
 * anchor has expired (beyond RFC 5280, which leaves anchors unchecked),
 * so for this client and every OpenSSL one its expiry is an outage. */
bool pt_certinfo_from_ssl(void *ssl, struct pt_http_response *resp)
{
	STACK_OF(X509) *chain = SSL_get0_verified_chain(ssl);
	int n = chain ? sk_X509_num(chain) : 0;
	bool known = false;
	time_t earliest = 0;
	int index = 0;

	for (int i = 0; i < n; i++) {
		time_t t;

		if (asn1_time(X509_get0_notAfter(sk_X509_value(chain, i)), &t) &&
		    (!known || t < earliest)) {
			earliest = t;
			index = i;
			known = true;
		}
	}
	if (!known) {
		return false;
	}
	resp->cert_expiry_known = true;
	resp->cert_expiry = earliest;
	resp->cert_index = index;
	resp->cert_count = n;
	/* The last certificate of a chain that verified came from the trust
	 * store; under --insecure the chain is only what could be built. */
	resp->cert_anchor = index > 0 && index == n - 1 && SSL_get_verify_result(ssl) == X509_V_OK;
	subject_cn(sk_X509_value(chain, index), resp->cert_subject, sizeof(resp->cert_subject));
	return true;
}
#endif

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

/* Without OpenSSL's verified chain, every certificate the server sent
 * counts: an intermediate that runs out first breaks the chain as surely
 * as the leaf. */
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
