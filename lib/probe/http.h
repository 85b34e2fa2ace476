/* One HTTP request with libcurl: bounded body, phase timings, and a
 * classification of how it ended. Knows nothing of Prioticket. */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include "util/buf.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum pt_http_outcome {
	PT_HTTP_RESPONSE,  /* a whole HTTP response arrived (any status) */
	PT_HTTP_TIMEOUT,   /* the deadline passed */
	PT_HTTP_DNS,       /* host or proxy name not resolved */
	PT_HTTP_CONNECT,   /* no TCP connection (refused, unreachable) */
	PT_HTTP_TLS,       /* TLS handshake or certificate verification failed */
	PT_HTTP_PROXY,     /* the proxy cannot be reached or refused the tunnel */
	PT_HTTP_TOO_LARGE, /* the body went over the bound; status is known */
	PT_HTTP_PROTOCOL,  /* empty reply, cut short, undecodable, ... */
	PT_HTTP_INTERNAL,  /* could not set the request up */
	PT_HTTP_REFUSED,   /* not sent: the connection breaks the request's binding */
};

/* Why PT_HTTP_PROXY. */
enum pt_proxy_failure {
	PT_PROXY_REFUSED,     /* a 407, or a CONNECT answered with a non-2xx code */
	PT_PROXY_UNRESOLVED,  /* the proxy's host name did not resolve */
	PT_PROXY_UNREACHABLE, /* no TCP connection to the proxy */
};

enum pt_phase {
	PT_PHASE_RESOLVE,
	PT_PHASE_CONNECT,
	PT_PHASE_TLS,
	PT_PHASE_PROCESSING,
	PT_PHASE_TRANSFER,
	PT_PHASE_COUNT
};

/* Phase deltas in seconds; the reached ones add up to total (see
 * phases.h for what each holds). */
struct pt_timings {
	double phase[PT_PHASE_COUNT];
	bool reached[PT_PHASE_COUNT];
	double total;
	double redirect; /* earlier hops of a redirect chain, inside processing */
};

struct pt_tls_options {
	const char *ca_file;
	const char *ca_path;
	bool insecure;
	bool want_cert_expiry; /* fill cert_expiry from the verified chain */
};

struct pt_net_options {
	int ip_version; /* 0 any, 4 or 6 */
	const char *proxy;
	const char *noproxy;
	struct pt_tls_options tls;
	const char *user_agent;
	size_t max_body;
	bool follow_redirects;  /* up to PT_MAX_REDIRECTS, never from https to http */
	int http_version;       /* 2: HTTP/2 over TLS (ALPN), else HTTP/1.1 */
	const char *connect_to; /* libcurl CONNECT_TO entry, or NULL */
};

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

struct pt_http_response {
	enum pt_http_outcome outcome;
	long status;       /* the final status; 0 when no final status line arrived */
	int informational; /* status 0 after a 1xx answer (103 Early Hints): its code */
	struct pt_buf body;
	struct pt_timings t;
	char message[256]; /* why it failed, from libcurl; "" on success */
	bool cert_expiry_known;
	time_t cert_expiry;     /* the earliest notAfter of the verified chain (certinfo.c) */
	char cert_subject[256]; /* that certificate's subject CN (raw), or "" */
	int cert_index;         /* its place in the chain: 0 the leaf */
	int cert_count;         /* certificates in the chain */
	bool cert_anchor;       /* that certificate is the trust anchor */
	char tls_version[32];   /* e.g. "TLSv1.3"; "" without TLS */
	char tls_cipher[64];    /* e.g. "TLS_AES_256_GCM_SHA384" */
	long http_version;      /* negotiated, CURL_HTTP_VERSION_*; 0 unknown */
	char location[512];     /* a 3xx's Location, redacted; "" when none */
	bool h2_fallback;       /* HTTP/2 hit libcurl's early-answer bug: repeated over 1.1 */
	/* The proxy the request went through (or tried to): its URL with
	 * any userinfo redacted, and the environment variable it came from
	 * ("" when it was given as an option). */
	bool via_proxy;
	char proxy[256];
	char proxy_from[16];
	enum pt_proxy_failure proxy_failure; /* PT_HTTP_PROXY: which failure */
	long proxy_status;                   /* PT_PROXY_REFUSED: the proxy's code, or 0 */
	/* What the answer says beyond its status (hints.h). */
	long retry_after;    /* Retry-After in seconds from now; -1 when absent or unreadable */
	int redirects;       /* redirects followed */
	bool method_changed; /* a followed redirect turned the method (POST) into a GET */
	bool cross_origin;   /* the last hop is on another scheme, host or port than the URL
	                      * asked for: libcurl sent no credentials there */
	char final_url[512]; /* after redirects, the last URL (redacted); "" without */
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

/* Where a request that carries a secret from a file or the environment
 * may go: an allowed origin over verified https, or a loopback host. */
struct pt_binding {
	const char *const *hosts;   /* any port; NULL-terminated, or NULL */
	const char *const *origins; /* "https://host:port"; NULL-terminated, or NULL */
};

enum pt_binding_verdict {
	PT_BINDING_TLS,        /* an allowed origin, https, verified with a protected trust store */
	PT_BINDING_LOOPBACK,   /* localhost, 127.0.0.0/8 or [::1]: only at a loopback address */
	PT_BINDING_ELSEWHERE,  /* neither an allowed origin nor a loopback host */
	PT_BINDING_PLAIN,      /* an allowed origin over plain http */
	PT_BINDING_UNVERIFIED, /* an allowed origin with TLS verification off */
	PT_BINDING_TRUST,      /* an allowed origin, but the CA file or directory is not protected */
	PT_BINDING_BAD_URL,    /* libcurl cannot parse the URL */
};

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
