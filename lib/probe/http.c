/* One HTTP request with libcurl. */
#include "config.h"

#include "http.h"
#include "clock.h"

#include <curl/curl.h>
#ifdef HAVE_LIBSSL
#	include <openssl/ssl.h>
#endif
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct body_sink {
	struct pt_buf *body;
	size_t max;
	bool too_large;
	CURL *handle;
};

struct trace_sink {
	struct pt_buf *out;
};

/* What the connection negotiated, caught while it is still open. */
struct conn_sink {
	CURL *handle;
	struct pt_http_response *resp;
};

bool pt_http_global_init(void)
{
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

const char *pt_http_outcome_name(enum pt_http_outcome o)
{
	switch (o) {
	case PT_HTTP_RESPONSE:
		return "response";
	case PT_HTTP_TIMEOUT:
		return "timeout";
	case PT_HTTP_DNS:
		return "name resolution failed";
	case PT_HTTP_CONNECT:
		return "connection failed";
	case PT_HTTP_TLS:
		return "TLS failure";
	case PT_HTTP_PROXY:
		return "proxy failure";
	case PT_HTTP_TOO_LARGE:
		return "response too large";
	case PT_HTTP_PROTOCOL:
		return "bad HTTP response";
	case PT_HTTP_INTERNAL:
		return "internal error";
	}
	return "unknown";
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

/* Appends one trace line with anything that could carry a secret (the
 * Authorization header, every key= query parameter) replaced. The line
 * is not NUL-terminated. */
static void trace_line(struct pt_buf *out, const char *dir, const char *line, size_t len)
{
	static const char auth[] = "authorization:";
	size_t i = 0;
	size_t from = 0;

	if (len >= sizeof(auth) - 1 && strncasecmp(line, auth, sizeof(auth) - 1) == 0) {
		pt_buf_printf(out, "%s Authorization: <redacted>\n", dir);
		return;
	}
	pt_buf_printf(out, "%s ", dir);
	while (i + 4 <= len) {
		if ((line[i] == '?' || line[i] == '&') && i + 5 <= len &&
		    memcmp(line + i + 1, "key=", 4) == 0) {
			size_t end = i + 5;

			while (end < len && line[end] != '&' && line[end] != ' ' && line[end] != '#') {
				end++;
			}
			pt_buf_append(out, line + from, i + 5 - from);
			pt_buf_puts(out, "<redacted>");
			from = end;
			i = end;
			continue;
		}
		i++;
	}
	pt_buf_append(out, line + from, len - from);
	pt_buf_puts(out, "\n");
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	struct trace_sink *sink = userp;
	const char *dir;
	size_t start = 0;

	(void)h;
	if (type == CURLINFO_HEADER_OUT) {
		dir = ">";
	} else if (type == CURLINFO_HEADER_IN) {
		dir = "<";
	} else {
		return 0;
	}
	while (start < size) {
		size_t end = start;

		while (end < size && data[end] != '\n' && data[end] != '\r') {
			end++;
		}
		if (end > start) {
			trace_line(sink->out, dir, data + start, end - start);
		}
		start = end + 1;
	}
	return 0;
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

static double secs(CURL *h, CURLINFO what)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(h, what, &us) != CURLE_OK || us < 0) {
		return 0;
	}
	return (double)us / 1e6;
}

/* A transfer that failed stopped in the phase after the last one it
 * finished: that phase gets the rest of the time, so that the phases
 * still add up to the total. */
static void charge_remainder(struct pt_timings *t, bool tls_used)
{
	double used = 0;
	int next = 0;

	for (int i = 0; i < PT_PHASE_COUNT; i++) {
		if (t->reached[i]) {
			used += t->phase[i];
			next = i + 1;
		}
	}
	if (next == PT_PHASE_TLS && !tls_used) {
		next = PT_PHASE_PROCESSING;
	}
	if (next >= PT_PHASE_COUNT) {
		return;
	}
	t->phase[next] = t->total > used ? t->total - used : 0;
	t->reached[next] = true;
}

/* libcurl reports absolute marks since the start; turn them into deltas
 * that add up to the total. A mark of 0 means the phase was not reached
 * (the TLS mark is also 0 on plain HTTP). */
static void fill_timings(CURL *h, bool tls_used, bool complete, struct pt_timings *t)
{
	double dns = secs(h, CURLINFO_NAMELOOKUP_TIME_T);
	double tcp = secs(h, CURLINFO_CONNECT_TIME_T);
	double tls = secs(h, CURLINFO_APPCONNECT_TIME_T);
	double first = secs(h, CURLINFO_STARTTRANSFER_TIME_T);
	double total = secs(h, CURLINFO_TOTAL_TIME_T);
	double ready;

	memset(t, 0, sizeof(*t));
	t->total = total;
	t->phase[PT_PHASE_RESOLVE] = dns;
	t->reached[PT_PHASE_RESOLVE] = dns > 0 || tcp > 0;
	if (tcp > 0) {
		t->phase[PT_PHASE_CONNECT] = tcp - dns;
		t->reached[PT_PHASE_CONNECT] = true;
	}
	if (tls > 0) {
		t->phase[PT_PHASE_TLS] = tls - tcp;
		t->reached[PT_PHASE_TLS] = true;
	}
	ready = tls > 0 ? tls : tcp;
	if (first > 0) {
		t->phase[PT_PHASE_PROCESSING] = first - ready;
		t->phase[PT_PHASE_TRANSFER] = total - first;
		t->reached[PT_PHASE_PROCESSING] = true;
		t->reached[PT_PHASE_TRANSFER] = true;
	}
	for (int i = 0; i < PT_PHASE_COUNT; i++) {
		if (t->phase[i] < 0) {
			t->phase[i] = 0;
		}
	}
	if (!complete) {
		charge_remainder(t, tls_used);
	}
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
static void pt_http_cert_expiry(CURL *h, struct pt_http_response *resp)
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

#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
/* Called once the connection is up and before the request goes out:
 * the TLS session is only reachable while the connection is open. */
static int on_connected(void *userp, char *primary_ip, char *local_ip, int primary_port,
                        int local_port)
{
	struct conn_sink *sink = userp;
	const struct curl_tlssessioninfo *info = NULL;

	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
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
	}
#	endif
	return CURL_PREREQFUNC_OK;
}
#endif

static void http_version(CURL *h, struct pt_http_response *resp)
{
	long v = 0;
	const char *text = "";

	if (curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &v) != CURLE_OK) {
		return;
	}
	switch (v) {
	case CURL_HTTP_VERSION_1_0:
		text = "1.0";
		break;
	case CURL_HTTP_VERSION_1_1:
		text = "1.1";
		break;
	case CURL_HTTP_VERSION_2_0:
		text = "2";
		break;
	case CURL_HTTP_VERSION_3:
		text = "3";
		break;
	default:
		break;
	}
	snprintf(resp->http_version, sizeof(resp->http_version), "%s", text);
}

/* Facts read after the transfer: version, the proxy's CONNECT answer,
 * an unfollowed redirect's target. */
static void connection_facts(CURL *h, const struct pt_http_request *req,
                             struct pt_http_response *resp)
{
	char *location = NULL;

	http_version(h, resp);
	if (curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &resp->connect_status) != CURLE_OK) {
		resp->connect_status = 0;
	}
	if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
		snprintf(resp->location, sizeof(resp->location), "%s", location);
	}
	/* A CONNECT the proxy did not grant never reached the target. */
	if (resp->outcome != PT_HTTP_RESPONSE && resp->connect_status >= 300) {
		resp->outcome = PT_HTTP_PROXY;
	}
	if (resp->outcome == PT_HTTP_CONNECT && req->net->proxy && !req->net->noproxy) {
		resp->outcome = PT_HTTP_PROXY;
	}
	if (req->net->tls.want_cert_expiry) {
		pt_http_cert_expiry(h, resp);
	}
}

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
	char auth[4200];
	int n;

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
		n = snprintf(auth, sizeof(auth), "Authorization: Bearer %s", req->bearer);
		if (n < 0 || (size_t)n >= sizeof(auth)) {
			*ok = false;
			return list;
		}
		next = curl_slist_append(list, auth);
		pt_wipe(auth, sizeof(auth));
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
                      struct body_sink *body, struct trace_sink *trace, struct conn_sink *conn,
                      char *errbuf, long ms)
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
		SET(CURLOPT_DEBUGFUNCTION, on_debug);
		SET(CURLOPT_DEBUGDATA, trace);
		SET(CURLOPT_VERBOSE, 1L);
	}
	if (!rc) {
		rc = set_trust(h, &net->tls);
	}
#undef SET
	return rc;
}

void pt_http_perform(const struct pt_http_request *req, struct pt_http_response *resp)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct body_sink body = {&resp->body, req->net->max_body, false, NULL};
	struct trace_sink trace = {req->trace};
	struct conn_sink conn = {NULL, resp};
	struct curl_slist *headers;
	CURL *h;
	CURLcode rc;
	long ms;
	bool ok;

	memset(resp, 0, sizeof(*resp));
	ms = pt_remaining_ms(req->deadline);
	if (ms <= 0) {
		resp->outcome = PT_HTTP_TIMEOUT;
		snprintf(resp->message, sizeof(resp->message), "no time left for the request");
		return;
	}
	h = curl_easy_init();
	if (!h) {
		resp->outcome = PT_HTTP_INTERNAL;
		snprintf(resp->message, sizeof(resp->message), "curl_easy_init failed");
		return;
	}
	body.handle = h;
	conn.handle = h;
	headers = build_headers(req, &ok);
	rc = ok ? setup(h, req, headers, &body, &trace, &conn, errbuf, ms) : CURLE_OUT_OF_MEMORY;
	if (!rc) {
		rc = curl_easy_perform(h);
	}
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status) != CURLE_OK) {
		resp->status = 0;
	}
	fill_timings(h, is_https(req->url), rc == CURLE_OK, &resp->t);
	resp->outcome = classify(rc, body.too_large);
	/* libcurl also says "out of memory" when it rejects an oversized
	 * header: once connected, that is the server's fault. */
	if (rc == CURLE_OUT_OF_MEMORY && resp->t.reached[PT_PHASE_CONNECT]) {
		resp->outcome = PT_HTTP_PROTOCOL;
	}
	if (resp->outcome == PT_HTTP_RESPONSE && resp->body.failed) {
		resp->outcome = PT_HTTP_INTERNAL;
	}
	if (rc) {
		snprintf(resp->message, sizeof(resp->message), "%s",
		         errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	connection_facts(h, req, resp);
	free_headers(headers);
	curl_easy_cleanup(h);
}

void pt_http_response_free(struct pt_http_response *resp)
{
	pt_buf_free(&resp->body);
}
