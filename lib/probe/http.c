/* One HTTP request with libcurl: options, callbacks, timings, outcome.
 * The proxy (proxy.c), certificate (certinfo.c) and trace (trace.c)
 * helpers live apart. */
#include "config.h"

#include "http.h"
#include "certinfo.h"
#include "hints.h"
#include "proxy.h"
#include "trace.h"
#include "util/clock.h"
#include "phases.h"
#include "util/file.h"
#include "util/redact.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#ifdef HAVE_LIBSSL
#	include <openssl/ssl.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct body_sink {
	struct pt_buf *body;
	size_t max;
	bool too_large;
	CURL *handle;
};

/* Marks libcurl does not keep: when the TLS handshake began, when the
 * final status line arrived after an informational (1xx) answer, and
 * libcurl's own marks when each redirect's answer arrived. */
struct timing_sink {
	CURL *handle;
	double start; /* pt_now() just before the transfer */
	int64_t tls_start;
	/* Our clock, since start: the current hop's first 1xx status line
	 * and the latest final one (0: none yet); only their difference is
	 * used, added to libcurl's first-byte mark. */
	int64_t info_start;
	int64_t final_status;
	int informational; /* the current hop's latest 1xx status, or 0 */
	/* What the TLS handshake showed (OpenSSL): whether the server asked
	 * for a client certificate, and the last fatal alert it sent. */
	bool cert_requested;
	int alert; /* a TLS AlertDescription, or -1 */
	int nsnaps;
	int64_t snaps[PT_MAX_REDIRECTS + 1][4]; /* dns, tcp, tls, first */
};

/* What the connection negotiated, caught while it is still open, and
 * whether it may take the request (pt_http_request.loopback_only). */
struct conn_sink {
	CURL *handle;
	struct pt_http_response *resp;
	const struct pt_http_request *req;
	bool refused;    /* the connection broke the secret's binding: no request sent */
	bool want_cert;  /* --certificate: the verified chain's expiry */
	bool chain_seen; /* resp has it from the connection's verified chain */
	long requests;   /* requests sent: one per hop that got that far */
};

/* Variables libcurl and OpenSSL read as the TLS backend starts, with
 * which whoever sets the plugin's environment would decide where the TLS
 * secrets go or what the plugin trusts. Trust comes from the options
 * (--ca-file, --ca-path, --insecure) and the system's configuration only. */
static const char *const ignored_environment[] = {
    /* libcurl (and OpenSSL 3.5 built with enable-sslkeylog) append the
     * session secrets to this file: a capture of the traffic, client
     * secret and tokens included, could be decrypted. */
    "SSLKEYLOGFILE",
    /* Another OpenSSL configuration than the system's: it can load
     * providers and engines (code), and set protocols and ciphers. */
    "OPENSSL_CONF",
    "OPENSSL_CONF_INCLUDE",
    "OPENSSL_MODULES",
    "OPENSSL_ENGINES",
    /* OpenSSL's default trust store, used where a libcurl falls back on
     * it (CURL_CA_FALLBACK builds). */
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    /* Another TLS library, in a libcurl built with several. */
    "CURL_SSL_BACKEND",
};

bool pt_http_global_init(void)
{
	for (size_t i = 0; i < sizeof(ignored_environment) / sizeof(ignored_environment[0]); i++) {
		if (unsetenv(ignored_environment[i]) != 0) {
			return false;
		}
	}
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void pt_http_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *pt_http_library_version(void)
{
	static char text[128];
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	snprintf(text, sizeof(text), "libcurl/%s%s%s", v->version, v->ssl_version ? " " : "",
	         v->ssl_version ? v->ssl_version : "");
	return text;
}

const char *pt_http_reason(long status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 407:
		return "Proxy Authentication Required";
	case 408:
		return "Request Timeout";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "";
	}
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct body_sink *sink = userp;
	size_t n = size * nmemb;

	if (n > sink->max - sink->body->len) {
		sink->too_large = true;
		return 0; /* anything but n aborts the transfer */
	}
	if (!sink->body->data) {
		curl_off_t announced = -1;

		/* One allocation for the whole body when its size is announced
		 * (and allowed): no copying as it grows. */
		if (curl_easy_getinfo(sink->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) ==
		        CURLE_OK &&
		    announced > 0 && (curl_off_t)n <= announced && (size_t)announced <= sink->max &&
		    !pt_buf_reserve(sink->body, (size_t)announced)) {
			return 0;
		}
	}
	if (!pt_buf_append(sink->body, data, n)) {
		return 0;
	}
	return n;
}

static bool is_https(const char *url)
{
	return strncasecmp(url, "https:", 6) == 0;
}

/* Our own URLs are checked before the request: an unsupported protocol
 * or too many redirects come from a server's redirect, hence the default
 * "bad HTTP response". */
static enum pt_http_outcome classify(CURLcode rc, bool too_large)
{
	switch (rc) {
	case CURLE_OK:
		return PT_HTTP_RESPONSE;
	case CURLE_OPERATION_TIMEDOUT:
		return PT_HTTP_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
		return PT_HTTP_DNS;
	case CURLE_COULDNT_RESOLVE_PROXY:
#if LIBCURL_VERSION_NUM >= 0x074900 /* 7.73.0 */
	case CURLE_PROXY:
#endif
		return PT_HTTP_PROXY;
	case CURLE_COULDNT_CONNECT:
		return PT_HTTP_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return PT_HTTP_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return PT_HTTP_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return too_large ? PT_HTTP_TOO_LARGE : PT_HTTP_INTERNAL;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_URL_MALFORMAT:
		return PT_HTTP_INTERNAL;
	default:
		return PT_HTTP_PROTOCOL;
	}
}

static int64_t mark_us(CURL *h, CURLINFO what)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(h, what, &us) != CURLE_OK || us < 0) {
		return 0;
	}
	return (int64_t)us;
}

static const CURLINFO snap_marks[4] = {CURLINFO_NAMELOOKUP_TIME_T, CURLINFO_CONNECT_TIME_T,
                                       CURLINFO_APPCONNECT_TIME_T, CURLINFO_STARTTRANSFER_TIME_T};

/* The code of a status line ("HTTP/1.1 200 OK", "HTTP/2 103 "), or 0
 * for a header line. */
static int status_code(const char *data, size_t n)
{
	const char *sp;

	if (n < 12 || memcmp(data, "HTTP/", 5) != 0) {
		return 0;
	}
	sp = memchr(data, ' ', n);
	if (!sp || sp + 4 > data + n) {
		return 0;
	}
	for (int i = 1; i <= 3; i++) {
		if (sp[i] < '0' || sp[i] > '9') {
			return 0;
		}
	}
	return (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
}

/* Every status line passes here: a proxy's answer to CONNECT, each 1xx,
 * each hop's final one.
 * - libcurl's first-byte mark is that of the first 1xx (103 Early Hints,
 *   100 Continue), which is not the answer: the final status line's
 *   arrival is noted, and a 1xx after a final line begins another hop
 *   (or follows a proxy's CONNECT answer).
 * - libcurl adds each hop's marks to the previous ones: they are
 *   remembered at every 3xx status line (the hop's marks are all set by
 *   then), so that the final hop's own can be told apart. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct timing_sink *sink = userp;
	size_t n = size * nmemb;
	int code = status_code(data, n);
	int64_t us = 0;

	if (code >= 100) {
		us = (int64_t)((pt_now() - sink->start) * 1e6);
		us = us > 0 ? us : 1;
	}
	if (code >= 100 && sink->final_status) {
		/* After a final status line, any status line begins a hop. */
		sink->final_status = 0;
		sink->info_start = 0;
		sink->informational = 0;
	}
	if (code >= 100 && code < 200) {
		sink->info_start = sink->info_start ? sink->info_start : us;
		sink->informational = code;
	} else if (code >= 200) {
		sink->final_status = us;
	}
	if (code >= 300 && code < 400 && sink->nsnaps <= PT_MAX_REDIRECTS) {
		for (int i = 0; i < 4; i++) {
			sink->snaps[sink->nsnaps][i] = mark_us(sink->handle, snap_marks[i]);
		}
		sink->nsnaps++;
	}
	return n;
}

#ifdef HAVE_LIBSSL
/* TLS alerts (RFC 8446 6.2) that can answer a missing client
 * certificate. */
#	define ALERT_HANDSHAKE_FAILURE    40
#	define ALERT_BAD_CERTIFICATE      42
#	define ALERT_CERTIFICATE_REQUIRED 116

/* Every TLS message the server sends: a CertificateRequest, and fatal
 * alerts. It replaces libcurl's own message callback, which only feeds
 * its -v text (CURLINFO_TEXT), and trace.c never shows that. */
static void on_tls_message(int write_p, int version, int content_type, const void *buf, size_t len,
                           SSL *ssl, void *userp)
{
	struct timing_sink *sink = userp;
	const unsigned char *b = buf;

	(void)version;
	(void)ssl;
	if (write_p || len < 1) {
		return;
	}
	if (content_type == SSL3_RT_HANDSHAKE && b[0] == SSL3_MT_CERTIFICATE_REQUEST) {
		sink->cert_requested = true;
	} else if (content_type == SSL3_RT_ALERT && len >= 2 && b[0] == SSL3_AL_FATAL) {
		sink->alert = b[1];
	}
}
#endif

/* Called as the TLS handshake begins: TCP is connected and any proxy
 * tunnel established. The last call belongs to the last connection. */
static CURLcode on_ssl_ctx(CURL *h, void *ssl_ctx, void *userp)
{
	struct timing_sink *sink = userp;
	int64_t us = (int64_t)((pt_now() - sink->start) * 1e6);
	const struct curl_tlssessioninfo *info = NULL;

	sink->tls_start = us > 0 ? us : 1;
#ifdef HAVE_LIBSSL
	if (curl_easy_getinfo(h, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info &&
	    info->backend == CURLSSLBACKEND_OPENSSL) {
		SSL_CTX_set_msg_callback(ssl_ctx, on_tls_message);
		SSL_CTX_set_msg_callback_arg(ssl_ctx, sink);
	}
#else
	(void)h;
	(void)ssl_ctx;
	(void)info;
#endif
	return CURLE_OK;
}

/* A server that demands a client certificate (the plugin never sends
 * one) ends the handshake with an alert: under TLS 1.2 handshake_failure
 * (OpenSSL servers) or bad_certificate after its CertificateRequest,
 * during the handshake; under TLS 1.3 certificate_required, after the
 * client finished it, so that libcurl reports a receive error. One fault,
 * one outcome and one text for both. Under TLS 1.3 the server may also
 * close before the alert is read (libcurl 7.88 then fails to send over
 * HTTP/2, "getpeername() failed", in 31 of 50 runs against haproxy): a
 * connection that asked for a certificate and broke while sending or
 * receiving, before any answer, is that fault too. A failed verification
 * of the server's certificate is not: libcurl reports it as a TLS error
 * of its own, and the alert is the plugin's. */
static bool client_cert_refused(CURLcode rc, const struct timing_sink *sink,
                                struct pt_http_response *resp)
{
#ifdef HAVE_LIBSSL
	const char *name = NULL;

	if (rc == CURLE_OK || resp->status) {
		return false;
	}
	if (sink->alert == ALERT_CERTIFICATE_REQUIRED) {
		name = "certificate_required";
	} else if (sink->cert_requested && sink->alert == ALERT_HANDSHAKE_FAILURE) {
		name = "handshake_failure";
	} else if (sink->cert_requested && sink->alert == ALERT_BAD_CERTIFICATE) {
		name = "bad_certificate";
	} else if (sink->cert_requested && sink->alert < 0 &&
	           (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR)) {
		resp->outcome = PT_HTTP_TLS;
		snprintf(resp->message, sizeof(resp->message),
		         "the server requires a client certificate (it asked for one, then closed "
		         "the connection)");
		return true;
	} else {
		return false;
	}
	resp->outcome = PT_HTTP_TLS;
	snprintf(resp->message, sizeof(resp->message),
	         "the server requires a client certificate (TLS alert %s)", name);
	return true;
#else
	(void)rc;
	(void)sink;
	(void)resp;
	return false;
#endif
}

/* libcurl's marks and ours, turned into phases (phases.h). */
static void fill_timings(CURL *h, const struct pt_http_request *req, bool complete,
                         const struct timing_sink *sink, long requests, struct pt_timings *t)
{
	struct pt_marks m = {0};
	long hops = 0;
	char *scheme = NULL;

	m.dns = mark_us(h, CURLINFO_NAMELOOKUP_TIME_T);
	m.tcp = mark_us(h, CURLINFO_CONNECT_TIME_T);
	m.tls = mark_us(h, CURLINFO_APPCONNECT_TIME_T);
	m.first = mark_us(h, CURLINFO_STARTTRANSFER_TIME_T);
	m.total = mark_us(h, CURLINFO_TOTAL_TIME_T);
	m.redirect = mark_us(h, CURLINFO_REDIRECT_TIME_T);
	m.tls_start = sink->tls_start;
	if (sink->informational) {
		m.informational = true;
		m.final_after_informational =
		    sink->final_status ? sink->final_status - sink->info_start + 1 : 0;
	}
	m.complete = complete;
	if (curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &hops) != CURLE_OK || hops < 0) {
		hops = 0;
	}
	/* The final hop's request went out, so its connection was ready,
	 * whatever marks libcurl left for a reused one. */
	m.request_sent = requests > hops;
	if (hops > 0 && hops <= sink->nsnaps) {
		m.base_dns = sink->snaps[hops - 1][0];
		m.base_tcp = sink->snaps[hops - 1][1];
		m.base_tls = sink->snaps[hops - 1][2];
		m.base_first = sink->snaps[hops - 1][3];
	}
	if (curl_easy_getinfo(h, CURLINFO_SCHEME, &scheme) == CURLE_OK && scheme) {
		m.tls_expected = strcasecmp(scheme, "https") == 0;
	}
	/* Whether the request can end on https: then its TLS phase is always
	 * reported, 0 on a reused connection (the same labels every run). */
	m.tls_possible = is_https(req->url) || req->net->follow_redirects;
	pt_phases_from_marks(&m, t);
}

/* Without a CA option, point libcurl at its hashed CA directory only:
 * loading the whole bundle parses every certificate on every run, while
 * the directory is looked up lazily by subject hash. */
static CURLcode set_trust(CURL *h, const struct pt_tls_options *tls)
{
	CURLcode rc = CURLE_OK;
	char *default_path = NULL;

	if (tls->insecure) {
		rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		if (!rc) {
			rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		return rc;
	}
	if (tls->ca_file || tls->ca_path) {
		if (tls->ca_file) {
			rc = curl_easy_setopt(h, CURLOPT_CAINFO, tls->ca_file);
		}
		if (!rc && tls->ca_path) {
			rc = curl_easy_setopt(h, CURLOPT_CAPATH, tls->ca_path);
		}
		if (!rc && !tls->ca_file) {
			rc = curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
		}
		return rc;
	}
#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84.0: CURLINFO_CAPATH */
	if (curl_easy_getinfo(h, CURLINFO_CAPATH, &default_path) == CURLE_OK && default_path &&
	    *default_path) {
		rc = curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
	}
#else
	(void)default_path;
#endif
	return rc;
}

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
	char host[256];

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
static bool may_send(struct conn_sink *sink, const char *primary_ip)
{
	char *hop = NULL;
	char first[320];
	char here[320];
	char host[256];
	char ignored[256];
	struct pt_http_response proxy;

	if (!sink->req->loopback_only || loopback_address(primary_ip)) {
		return true;
	}
	if (curl_easy_getinfo(sink->handle, CURLINFO_EFFECTIVE_URL, &hop) == CURLE_OK && hop &&
	    url_origin(sink->req->url, first, sizeof(first), host, sizeof(host)) &&
	    url_origin(hop, here, sizeof(here), ignored, sizeof(ignored)) && strcmp(first, here) != 0) {
		return true;
	}
	memset(&proxy, 0, sizeof(proxy));
	pt_proxy_find(sink->req->net, hop ? hop : sink->req->url, &proxy);
	/* Short: the address and how the connection got there are what
	 * matter. */
	snprintf(sink->resp->message, sizeof(sink->resp->message),
	         "the secret is bound to loopback, but the connection went to %.46s%s", primary_ip,
	         proxy.via_proxy              ? " (the proxy)"
	         : sink->req->net->connect_to ? " (--connect-to)"
	                                      : "");
	sink->refused = true;
	return false;
}

/* Called once the connection is up and before the request goes out:
 * the TLS session is only reachable while the connection is open. */
static int on_connected(void *userp, char *primary_ip, char *local_ip, int primary_port,
                        int local_port)
{
	struct conn_sink *sink = userp;
	const struct curl_tlssessioninfo *info = NULL;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (!may_send(sink, primary_ip)) {
		return CURL_PREREQFUNC_ABORT;
	}
	sink->requests++;
	if (curl_easy_getinfo(sink->handle, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || !info ||
	    !info->internals) {
		return CURL_PREREQFUNC_OK;
	}
#	ifdef HAVE_LIBSSL
	if (info->backend == CURLSSLBACKEND_OPENSSL) {
		SSL *ssl = info->internals;
		const char *cipher = SSL_get_cipher_name(ssl);

		snprintf(sink->resp->tls_version, sizeof(sink->resp->tls_version), "%s",
		         SSL_get_version(ssl));
		snprintf(sink->resp->tls_cipher, sizeof(sink->resp->tls_cipher), "%s",
		         cipher ? cipher : "");
		/* Each hop's connection in turn, a reused one too; a resumed
		 * session carries no chain, and the earlier full handshake's
		 * with the same server stands. */
		if (sink->want_cert && pt_certinfo_from_ssl(ssl, sink->resp)) {
			sink->chain_seen = true;
		}
	}
#	endif
	return CURL_PREREQFUNC_OK;
}
#endif

/* Header strings may hold the bearer token: wipe them before freeing. */
static void free_headers(struct curl_slist *list)
{
	for (struct curl_slist *s = list; s; s = s->next) {
		pt_wipe(s->data, strlen(s->data));
	}
	curl_slist_free_all(list);
}

static struct curl_slist *build_headers(const struct pt_http_request *req, bool *ok)
{
	struct curl_slist *list = NULL;
	struct curl_slist *next;
	struct pt_buf auth = {0};

	*ok = true;
	for (const char *const *h = req->headers; h && *h; h++) {
		next = curl_slist_append(list, *h);
		if (!next) {
			*ok = false;
			return list;
		}
		list = next;
	}
	if (req->bearer) {
		/* On the heap (a token may be PT_TOKEN_MAX_CHARS long), in one
		 * allocation, so that no copy of it is left behind by a realloc. */
		if (!pt_buf_reserve(&auth, sizeof(PT_AUTH_HEADER_PREFIX) + strlen(req->bearer)) ||
		    !pt_buf_puts(&auth, PT_AUTH_HEADER_PREFIX) || !pt_buf_puts(&auth, req->bearer)) {
			pt_buf_wipe(&auth);
			*ok = false;
			return list;
		}
		next = curl_slist_append(list, pt_buf_str(&auth));
		pt_buf_wipe(&auth);
		if (!next) {
			*ok = false;
			return list;
		}
		list = next;
	}
	return list;
}

/* Applies every option; returns the first failure. */
static CURLcode setup(CURL *h, const struct pt_http_request *req, struct curl_slist *headers,
                      struct body_sink *body, struct pt_trace_sink *trace,
                      struct timing_sink *timing, struct conn_sink *conn,
                      struct curl_slist *connect_to, char *errbuf, long ms)
{
	const struct pt_net_options *net = req->net;
	CURLcode rc;

#define SET(opt, val)                                                                              \
	do {                                                                                           \
		if (!rc) {                                                                                 \
			rc = curl_easy_setopt(h, opt, val);                                                    \
		}                                                                                          \
	} while (0)

	rc = curl_easy_setopt(h, CURLOPT_URL, req->url);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, ms);
	if (net->follow_redirects) {
		/* libcurl sends our Authorization header only to the host it
		 * was given for (CURLOPT_UNRESTRICTED_AUTH stays off), and an
		 * https probe may only be redirected to https. */
		SET(CURLOPT_FOLLOWLOCATION, 1L);
		SET(CURLOPT_MAXREDIRS, (long)PT_MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
		SET(CURLOPT_REDIR_PROTOCOLS_STR, is_https(req->url) ? "https" : "http,https");
#else
		SET(CURLOPT_REDIR_PROTOCOLS,
		    is_https(req->url) ? (long)CURLPROTO_HTTPS : (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	} else {
		SET(CURLOPT_FOLLOWLOCATION, 0L);
	}
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* "" offers every encoding this libcurl can decode. */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, body);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)net->max_body);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_USERAGENT, net->user_agent);
	/* One request per connection: HTTP/2 buys nothing, and libcurl 7.88
	 * fails on h2 answers sent before the request body was read. h2 only
	 * when asked for, and only over TLS (ALPN); plain http stays 1.1. */
	SET(CURLOPT_HTTP_VERSION,
	    net->http_version == 2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, timing);
	if (connect_to) {
		SET(CURLOPT_CONNECT_TO, connect_to);
	}
	if (net->ip_version == 4) {
		SET(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V4);
	} else if (net->ip_version == 6) {
		SET(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V6);
	}
	if (net->proxy) {
		SET(CURLOPT_PROXY, net->proxy);
	}
	if (net->noproxy) {
		SET(CURLOPT_NOPROXY, net->noproxy);
	}
	if (req->username) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERNAME, req->username);
		SET(CURLOPT_PASSWORD, req->password ? req->password : "");
	}
	if (strcmp(req->method, "POST") == 0) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, req->body ? req->body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (net->tls.want_cert_expiry) {
		SET(CURLOPT_CERTINFO, 1L);
	}
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
	SET(CURLOPT_PREREQFUNCTION, on_connected);
	SET(CURLOPT_PREREQDATA, conn);
#else
	(void)conn;
#endif
	if (trace->out) {
		SET(CURLOPT_DEBUGFUNCTION, pt_trace_on_debug);
		SET(CURLOPT_DEBUGDATA, trace);
		SET(CURLOPT_VERBOSE, 1L);
	}
	if (!rc) {
		rc = set_trust(h, &net->tls);
	}
	/* Only marks when the TLS handshake begins; a TLS backend without
	 * this callback leaves that mark out (phases.c copes). */
	if (!rc && curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) == CURLE_OK) {
		rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, timing);
	}
#undef SET
	return rc;
}

/* libcurl's error text may quote a URL, a proxy's included, with its
 * password: only a redacted copy is kept. */
static void set_message(struct pt_http_response *resp, const char *text)
{
	struct pt_buf clean = {0};

	if (!pt_redact_text(&clean, text, strlen(text))) {
		snprintf(resp->message, sizeof(resp->message), "(error text not shown)");
	} else {
		snprintf(resp->message, sizeof(resp->message), "%s", pt_buf_str(&clean));
	}
	pt_buf_free(&clean);
}

const char *pt_http_version_name(long version)
{
	switch (version) {
	case CURL_HTTP_VERSION_1_0:
		return "1.0";
	case CURL_HTTP_VERSION_1_1:
		return "1.1";
	case CURL_HTTP_VERSION_2_0:
		return "2";
#if LIBCURL_VERSION_NUM >= 0x074200 /* 7.66.0 */
	case CURL_HTTP_VERSION_3:
		return "3";
#endif
	default:
		return NULL;
	}
}

/* The Location of a redirect that was not followed (libcurl resolves it
 * against the request URL). */
static void fill_location(CURL *h, struct pt_http_response *resp)
{
	char *target = NULL;
	struct pt_buf shown = {0};

	if (resp->status < 300 || resp->status > 399 ||
	    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &target) != CURLE_OK || !target) {
		return;
	}
	pt_redact_url(&shown, target, strlen(target));
	if (!shown.failed && shown.len) {
		snprintf(resp->location, sizeof(resp->location), "%s", pt_buf_str(&shown));
	}
	pt_buf_free(&shown);
}

bool pt_http_connect_to_entry(const char *url, const char *to, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *host = NULL;
	char *port = NULL;
	bool ok = false;
	int n;

	if (!u) {
		return false;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		/* HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT; the URL API keeps
		 * an IPv6 host in brackets, as the entry wants it. */
		n = snprintf(out, len, "%s:%s:%s", host, port, to);
		ok = n > 0 && (size_t)n < len;
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* One part of a CONNECT_TO entry (HOST:PORT:HOST:PORT, IPv6 hosts in
 * brackets) into out; returns where the next part starts. */
static const char *entry_part(const char *s, char *out, size_t len)
{
	size_t n = s[0] == '[' ? strcspn(s, "]") + 1 : strcspn(s, ":");

	n = n < strlen(s) ? n : strlen(s);
	snprintf(out, len, "%.*s", (int)n, s);
	return s[n] == ':' ? s + n + 1 : s + n;
}

/* 4 or 6 for an address literal (IPv6 in brackets or not), else 0. */
static int literal_family(const char *host)
{
	char text[64];
	unsigned char addr[16];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(text)) {
		return 0;
	}
	memcpy(text, host, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1) {
		return 4;
	}
	return inet_pton(AF_INET6, text, addr) == 1 ? 6 : 0;
}

/* -4 or -6 against an address of the other family, where libcurl only
 * says "Couldn't connect to server": name the mismatch instead. */
static bool family_mismatch(const struct pt_http_request *req, struct pt_http_response *resp)
{
	CURLU *u;
	char *host = NULL;
	char *port = NULL;
	char target[300] = "";
	int family;

	if (req->net->ip_version == 0) {
		return false;
	}
	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, req->url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		snprintf(target, sizeof(target), "%s", host);
		if (req->net->connect_to) {
			char h[300];
			char p[16];
			const char *rest = entry_part(req->net->connect_to, h, sizeof(h));

			rest = entry_part(rest, p, sizeof(p));
			if (strcasecmp(h, host) == 0 && strcmp(p, port) == 0) {
				entry_part(rest, target, sizeof(target));
			}
		}
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	family = literal_family(target);
	if (family == 0 || family == req->net->ip_version) {
		return false;
	}
	snprintf(resp->message, sizeof(resp->message),
	         "--ipv%d, but %s is an IPv%d address: the address family does not match",
	         req->net->ip_version, target, family);
	return true;
}

static CURLcode perform_once(const struct pt_http_request *req, struct pt_http_response *resp)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct body_sink body = {&resp->body, req->net->max_body, false, NULL};
	struct pt_trace_sink trace = {req->trace};
	struct timing_sink timing;
	struct conn_sink conn = {.resp = resp, .req = req, .want_cert = req->net->tls.want_cert_expiry};
	struct curl_slist *headers;
	struct curl_slist *connect_to = NULL;
	CURL *h;
	CURLcode rc;
	char *effective = NULL;
	const char *last_url = req->url;
	long ms;
	bool ok;

	memset(resp, 0, sizeof(*resp));
	ms = pt_remaining_ms(req->deadline);
	if (ms <= 0) {
		resp->outcome = PT_HTTP_TIMEOUT;
		snprintf(resp->message, sizeof(resp->message), "no time left for the request");
		return CURLE_OPERATION_TIMEDOUT;
	}
	h = curl_easy_init();
	if (!h) {
		resp->outcome = PT_HTTP_INTERNAL;
		snprintf(resp->message, sizeof(resp->message), "curl_easy_init failed");
		return CURLE_FAILED_INIT;
	}
	body.handle = h;
	memset(&timing, 0, sizeof(timing));
	timing.handle = h;
	timing.alert = -1;
	conn.handle = h;
#if LIBCURL_VERSION_NUM < 0x075000 /* 7.80.0: CURLOPT_PREREQFUNCTION */
	if (req->loopback_only) {
		resp->outcome = PT_HTTP_REFUSED;
		snprintf(resp->message, sizeof(resp->message),
		         "the secret is bound to loopback, but this libcurl (older than 7.80) cannot tell "
		         "the address a request goes to");
		curl_easy_cleanup(h);
		return CURLE_ABORTED_BY_CALLBACK;
	}
#endif
	headers = build_headers(req, &ok);
	if (ok && req->net->connect_to) {
		connect_to = curl_slist_append(NULL, req->net->connect_to);
		ok = connect_to != NULL;
	}
	rc = ok ? setup(h, req, headers, &body, &trace, &timing, &conn, connect_to, errbuf, ms)
	        : CURLE_OUT_OF_MEMORY;
	if (!rc) {
		timing.start = pt_now();
		rc = curl_easy_perform(h);
	}
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status) != CURLE_OK) {
		resp->status = 0;
	}
	if (curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &resp->http_version) != CURLE_OK) {
		resp->http_version = 0;
	}
	fill_location(h, resp);
	fill_timings(h, req, rc == CURLE_OK, &timing, conn.requests, &resp->t);
	/* An informational answer is not the answer: without a final status
	 * line, no status came (libcurl reports the 1xx). */
	if (timing.informational && !timing.final_status) {
		resp->informational = timing.informational;
		resp->status = 0;
	}
	resp->outcome = classify(rc, body.too_large);
	resp->redirect_limit = rc == CURLE_TOO_MANY_REDIRECTS;
	/* After redirects, the last URL decides whether a proxy was used. */
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
		last_url = effective;
	}
	pt_hints_fill(h, req->method, req->url, resp);
	pt_proxy_find(req->net, last_url, resp);
	pt_proxy_classify(h, rc, resp);
	/* libcurl also says "out of memory" when it rejects an oversized
	 * header: once connected, that is the server's fault. */
	if (rc == CURLE_OUT_OF_MEMORY && resp->t.reached[PT_PHASE_CONNECT]) {
		resp->outcome = PT_HTTP_PROTOCOL;
	}
	if (resp->outcome == PT_HTTP_RESPONSE && resp->body.failed) {
		resp->outcome = PT_HTTP_INTERNAL;
	}
	if (conn.refused) {
		resp->outcome = PT_HTTP_REFUSED; /* the message says why */
	} else if (rc &&
	           !((resp->outcome == PT_HTTP_CONNECT || resp->outcome == PT_HTTP_DNS) &&
	             family_mismatch(req, resp)) &&
	           !client_cert_refused(rc, &timing, resp)) {
		set_message(resp, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	if (req->net->tls.want_cert_expiry && !conn.chain_seen) {
		pt_certinfo_expiry(h, resp);
	}
	free_headers(headers);
	curl_slist_free_all(connect_to);
	curl_easy_cleanup(h);
	return rc;
}

/* libcurl 7.88 fails a request with a body over HTTP/2 when the server
 * answers before reading that body and then resets the stream (nginx's
 * `return` does): "Stream error in the HTTP/2 framing layer". The server
 * is fine; such a request is repeated once over HTTP/1.1, and the
 * response says so. */
void pt_http_perform(const struct pt_http_request *req, struct pt_http_response *resp)
{
	struct pt_net_options h1 = *req->net;
	struct pt_http_request again = *req;
	CURLcode rc = perform_once(req, resp);

	if (rc != CURLE_HTTP2_STREAM || req->net->http_version != 2 || !req->body ||
	    pt_remaining_ms(req->deadline) <= 0) {
		return;
	}
	pt_buf_wipe(&resp->body); /* a token endpoint's partial answer */
	h1.http_version = 11;
	again.net = &h1;
	perform_once(&again, resp);
	resp->h2_fallback = true;
}

void pt_http_response_free(struct pt_http_response *resp)
{
	pt_buf_free(&resp->body);
}
