/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The -vvv trace: request and answer headers, with every credential and
 * URL secret redacted. */
#include "config.h"

#include "trace.h"
#include "util/redact.h"

#include <string.h>
#include <strings.h>

/* Headers whose value is a credential, in either direction: the plugin's
 * own Authorization (Basic or Bearer), a proxy's Basic credentials, and
 * cookies should a server or a redirect bring any. */
static bool credential_header(const char *line, size_t len)
{
	static const char *const names[] = {"authorization", "proxy-authorization", "cookie",
	                                    "set-cookie",    "set-cookie2",         "x-api-key"};
	size_t name = 0;

	while (name < len && line[name] != ':') {
		name++;
	}
	if (name == len) {
		return false;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == name && strncasecmp(line, names[i], name) == 0) {
			return true;
		}
	}
	return false;
}

/* Appends one trace line with anything that could carry a secret
 * replaced: the value of a credential header (its name is kept), and in
 * every other line the userinfo and query values of each URL (the
 * request line's ?key=, a Location). The line is not NUL-terminated. */
static void trace_line(struct pt_buf *out, const char *dir, const char *line, size_t len)
{
	pt_buf_printf(out, "%s ", dir);
	if (credential_header(line, len)) {
		pt_buf_append(out, line, (size_t)((const char *)memchr(line, ':', len) - line));
		pt_buf_puts(out, ": " PT_REDACTED "\n");
		return;
	}
	pt_redact_text(out, line, len);
	pt_buf_puts(out, "\n");
}

int pt_trace_on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	struct pt_trace_sink *sink = userp;
	const char *dir;
	size_t start = 0;

	(void)h;
	/* Headers only: CURLINFO_TEXT (libcurl's own remarks, which name
	 * proxies and URLs) and the data are never traced. */
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
