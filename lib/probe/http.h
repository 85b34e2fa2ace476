/* One HTTP request with libcurl: bounded body, phase timings, and a
 * classification of how it ended. Knows nothing of Prioticket. */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include "util/buf.h"

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
};

enum pt_phase {
	PT_PHASE_RESOLVE,
	PT_PHASE_CONNECT,
	PT_PHASE_TLS,
	PT_PHASE_PROCESSING,
	PT_PHASE_TRANSFER,
	PT_PHASE_COUNT
};

/* Phase deltas in seconds; the reached ones add up to total. */
struct pt_timings {
	double phase[PT_PHASE_COUNT];
	bool reached[PT_PHASE_COUNT];
	double total;
};

struct pt_tls_options {
	const char *ca_file;
	const char *ca_path;
	bool insecure;
	bool want_cert_expiry; /* fill cert_expiry from the whole chain */
};

struct pt_net_options {
	int ip_version; /* 0 any, 4 or 6 */
	const char *proxy;
	const char *noproxy;
	struct pt_tls_options tls;
	const char *user_agent;
	size_t max_body;
	bool follow_redirects; /* up to PT_MAX_REDIRECTS, never from https to http */
};

#define PT_MAX_REDIRECTS 5

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
};

struct pt_http_response {
	enum pt_http_outcome outcome;
	long status; /* 0 when no status line arrived */
	struct pt_buf body;
	struct pt_timings t;
	char message[256]; /* why it failed, from libcurl; "" on success */
	bool cert_expiry_known;
	time_t cert_expiry;     /* the earliest notAfter of the chain the server sent */
	char cert_subject[256]; /* that certificate's subject CN (raw), or "" */
	int cert_index;         /* its place in the chain: 0 the leaf */
	int cert_count;         /* certificates the server sent */
	char http_version[8];   /* negotiated: "1.0", "1.1", "2", "3" or "" */
	char tls_version[32];   /* e.g. "TLSv1.3"; "" without TLS */
	char tls_cipher[64];    /* e.g. "TLS_AES_256_GCM_SHA384" */
	long connect_status;    /* the proxy's answer to CONNECT, 0 without */
	char location[512];     /* a 3xx's Location (raw, unfollowed), or "" */
};

/* Must be called once before any request, while the process is still
 * single-threaded. */
bool pt_http_global_init(void);
void pt_http_global_cleanup(void);

void pt_http_perform(const struct pt_http_request *req, struct pt_http_response *resp);
void pt_http_response_free(struct pt_http_response *resp);

/* "libcurl/7.88.1 OpenSSL/3.0.x ..." without the cost of curl_version(). */
const char *pt_http_library_version(void);

/* A short name for an outcome ("timeout", "TLS failure", ...). */
const char *pt_http_outcome_name(enum pt_http_outcome o);

#endif
