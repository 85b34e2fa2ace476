/* One HTTP request with libcurl: bounded body, phase timings, and a
 * classification of how it ended. Knows nothing of Prioticket. */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include "probe_types.h"
#include "util/buf.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct pt_http_request {
	const char *method; /* "GET" or "POST" */
	const char *url;
	const char *const *headers; /* extra headers, NULL-terminated; may be NULL */
	const char *bearer;         /* sent as Authorization: Bearer, or NULL */
	const char *username;       /* HTTP Basic, or NULL */
	const char *password;
	const char *body; /* POST body */
	size_t body_len;
	const struct pt_net_options *net;
	double deadline;      /* pt_now() value after which the request is abandoned */
	struct pt_buf *trace; /* when set, headers sent and received, secrets redacted */
	/* It carries a secret bound to loopback (pt_http_binding_check): it is
	 * sent only once connected to a loopback address, through a proxy
	 * the proxy's, on every hop to its own origin. */
	bool loopback_only;
};

/* Must be called once before any request, while the process is still
 * single-threaded. It first removes from the environment the variables
 * that would change where TLS secrets go or what is trusted
 * (SSLKEYLOGFILE, OPENSSL_CONF ...: the list is in http.c). */
bool pt_http_global_init(void);
void pt_http_global_cleanup(void);

void pt_http_perform(const struct pt_http_request *req, struct pt_http_response *resp);
void pt_http_response_free(struct pt_http_response *resp);

/* "libcurl/7.88.1 OpenSSL/3.0.x ..." without the cost of curl_version(). */
const char *pt_http_library_version(void);

/* "1.0", "1.1", "2" or "3" for a negotiated version; NULL if unknown. */
const char *pt_http_version_name(long version);

/* The libcurl CONNECT_TO entry that sends connections for url's host and
 * port to to ("HOST:PORT", IPv6 in brackets) instead; false when url
 * has no host or the entry does not fit. */
bool pt_http_connect_to_entry(const char *url, const char *to, char *out, size_t len);

/* Judges where a request to url (as libcurl parses it) may take a bound
 * secret, before anything is sent. origin receives "scheme://host:port";
 * detail, for PT_BINDING_TRUST, what is wrong with the CA file or
 * directory (pt_file_protected). */
enum pt_binding_verdict pt_http_binding_check(const char *url, const struct pt_tls_options *tls,
                                              const struct pt_binding *b, char *origin,
                                              size_t origin_len, char *detail, size_t detail_len);

/* The RFC 9110 reason phrase of a status code a proxy or gateway may
 * answer with ("Proxy Authentication Required"), or "". */
const char *pt_http_reason(long status);

/* Whether host (a name, an IPv4 address, or an IPv6 address with or
 * without brackets) matches a no-proxy list the way libcurl matches it:
 * "*", names (a leading dot ignored, subdomains included), addresses and
 * CIDR ranges, separated by commas or blanks. */
bool pt_http_noproxy_match(const char *host, const char *list);

#endif
