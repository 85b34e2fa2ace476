/* Fuzzes the redaction of URLs and of text that quotes them
 * (pt_redact_url, pt_redact_text): libcurl's error texts and the header
 * lines of the -vvv trace, both partly server-made. The input is the
 * text, without a NUL after it.
 *
 * Invariants on pt_redact_url's output, read back independently:
 * - with "scheme://" in front, the authority (up to '/', '?' or '#')
 *   holds no '@' but the one of a leading "<redacted>@";
 * - every item of the query (between '?' and '#', split at '&' and ';')
 *   is "", "<redacted>", "name=" or "name=<redacted>";
 * - a fragment is "" or "<redacted>".
 * pt_redact_text: a well-formed buffer, and the same output as
 * pt_redact_url for a single word holding "://" at its scheme. */
#include "config.h"

#include "util/buf.h"
#include "util/redact.h"

#include "harness.h"

#define INPUT_MAX (16 * 1024)

static const char scheme_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789+.-";

static bool has_scheme(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ':') {
		n++;
	}
	if (n == 0 || n + 3 > len || memcmp(s + n, "://", 3) != 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0' || !strchr(scheme_chars, s[i])) {
			return false;
		}
	}
	return true;
}

static bool one_of(const char *s, size_t len, const char *set)
{
	for (size_t i = 0; i < len; i++) {
		if (strchr(set, s[i])) {
			return true;
		}
	}
	return false;
}

static void check_item(const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);

	if (eq) {
		size_t v = len - (size_t)(eq - s) - 1;

		FUZZ_CHECK(v == 0 || (v == strlen(PT_REDACTED) && memcmp(eq + 1, PT_REDACTED, v) == 0));
	} else {
		FUZZ_CHECK(len == 0 || (len == strlen(PT_REDACTED) && memcmp(s, PT_REDACTED, len) == 0));
	}
}

static void check_url(const char *in, size_t in_len, const char *out, size_t len)
{
	size_t i = 0;

	if (has_scheme(in, in_len)) {
		size_t start = (size_t)(strstr(out, "://") - out) + 3;
		size_t auth = strcspn(out + start, "/?#");
		const char *at = memchr(out + start, '@', auth);

		FUZZ_CHECK(strstr(out, "://") != NULL);
		if (at) {
			FUZZ_CHECK(strncmp(out + start, PT_REDACTED "@", strlen(PT_REDACTED) + 1) == 0);
			FUZZ_CHECK(memchr(at + 1, '@', auth - (size_t)(at + 1 - (out + start))) == NULL);
		}
		i = start + auth;
	}
	i += strcspn(out + i, "?#");
	if (i < len && out[i] == '?') {
		size_t end = i + 1 + strcspn(out + i + 1, "#");
		size_t p = i + 1;

		for (;;) {
			size_t item = strcspn(out + p, "&;#");

			if (p + item > end) {
				item = end - p;
			}
			check_item(out + p, item);
			p += item;
			if (p >= end) {
				break;
			}
			p++; /* the separator */
		}
		i = end;
	}
	if (i < len && out[i] == '#') {
		FUZZ_CHECK(strcmp(out + i + 1, "") == 0 || strcmp(out + i + 1, PT_REDACTED) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_buf url = {0};
	struct pt_buf text = {0};
	char *copy;

	if (size > INPUT_MAX) {
		return 0;
	}
	/* An exact-size copy: no NUL after it to lean on. */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);

	FUZZ_CHECK(pt_redact_url(&url, copy, size));
	FUZZ_CHECK(pt_redact_text(&text, copy, size));
	FUZZ_CHECK(!url.failed && !text.failed);
	/* A NUL in the input ends neither: the checks below read C strings. */
	if (!memchr(copy, '\0', size)) {
		FUZZ_CHECK(strlen(pt_buf_str(&url)) == url.len);
		FUZZ_CHECK(strlen(pt_buf_str(&text)) == text.len);
		check_url(copy, size, pt_buf_str(&url), url.len);
		/* One word that is a URL: pt_redact_text redacts it as a URL. */
		if (has_scheme(copy, size) && !one_of(copy, size, " \t\r\n'\"`<>")) {
			FUZZ_CHECK(text.len == url.len && memcmp(text.data, url.data, url.len) == 0);
		}
	}
	pt_buf_free(&url);
	pt_buf_free(&text);
	free(copy);
	return 0;
}
