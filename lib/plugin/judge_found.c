/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the judges (judge_*.c) share: a finding added as a subcheck with
 * the state table's verdict, text made fit for a subcheck, the hint for a
 * 404. */
#include "config.h"

#include "judge_parts.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct pt_subcheck *pt_judge_found(struct pt_subchecks *l, const struct pt_config *cfg,
                                   enum pt_subcheck_kind kind, const char *name, enum pt_finding f,
                                   const char *fmt, ...)
{
	struct pt_verdict v = pt_verdict_of(f, cfg->timeout_state);
	struct pt_subcheck *c;
	va_list ap;

	va_start(ap, fmt);
	c = pt_subcheck_vadd(l, kind, name, v.state, v.reason, fmt, ap);
	va_end(ap);
	return c;
}

bool pt_judge_is_2xx(long status)
{
	return pt_finding_of_status(status, false) == PT_FOUND_2XX;
}

void pt_judge_json_name(const char *path, char out[PT_JUDGE_JSON_NAME_MAX])
{
	snprintf(out, PT_JUDGE_JSON_NAME_MAX, "json:%s", path);
}

/* Server or user text, made fit for a subcheck's text. */
void pt_judge_shown(const char *raw, char *out, size_t len)
{
	struct pt_buf b = {0};

	pt_sanitize_append(&b, raw, strlen(raw),
	                   len - 1 < PT_SUMMARY_TEXT_MAX ? len - 1 : PT_SUMMARY_TEXT_MAX);
	snprintf(out, len, "%s", b.failed ? "?" : pt_buf_str(&b));
	pt_buf_free(&b);
}

/* A 404 from an API with two fixed paths: the base URL is wrong. Most
 * often it is the whole URL of an endpoint, which the plugin would
 * extend once more. */
const char *pt_judge_not_found_hint(const struct pt_config *cfg)
{
	static const enum pt_endpoint endpoints[] = {PT_ENDPOINT_PING, PT_ENDPOINT_STATUS};
	size_t n;

	if (!cfg->base_url) {
		return "(check --api-version, default " PT_DEFAULT_API_VERSION ", and --hostname)";
	}
	n = strlen(cfg->base_url);
	while (n > 0 && cfg->base_url[n - 1] == '/') {
		n--;
	}
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		const char *path = pt_endpoint_info(endpoints[i])->path;
		size_t e = strlen(path);

		if (n >= e && strncasecmp(cfg->base_url + n - e, path, e) == 0) {
			return "(--base-url must end at /distributor: the plugin adds /system/... itself)";
		}
	}
	return "(check --base-url: it ends in /VERSION/distributor, e.g. "
	       "https://HOST/" PT_DEFAULT_API_VERSION "/distributor)";
}
