/* Plugin states and the default mapping. */
#include "config.h"

#include "state.h"

#include <strings.h>

const char *pt_state_name(enum pt_state s)
{
	switch (s) {
	case PT_OK:
		return "OK";
	case PT_WARNING:
		return "WARNING";
	case PT_CRITICAL:
		return "CRITICAL";
	case PT_UNKNOWN:
		break;
	}
	return "UNKNOWN";
}

bool pt_state_parse(const char *text, enum pt_state *out)
{
	static const char *const names[] = {"ok", "warning", "critical", "unknown"};

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(text, names[i]) == 0 || (text[0] == '0' + i && text[1] == '\0')) {
			*out = (enum pt_state)i;
			return true;
		}
	}
	return false;
}

static int severity_alt(enum pt_state s)
{
	static const int rank[] = {[PT_OK] = 0, [PT_UNKNOWN] = 1, [PT_WARNING] = 2, [PT_CRITICAL] = 3};

	return rank[s];
}

enum pt_state pt_state_max_alt(enum pt_state a, enum pt_state b)
{
	return severity_alt(b) > severity_alt(a) ? b : a;
}

bool pt_http_is_auth_failure(long status)
{
	return status == 401 || status == 403;
}

enum pt_state pt_state_for_http(long status)
{
	if (status >= 200 && status < 300) {
		return PT_OK;
	}
	if (pt_http_is_auth_failure(status) || (status >= 500 && status < 600)) {
		return PT_CRITICAL;
	}
	if (status >= 100 && status < 500) {
		return PT_WARNING;
	}
	/* No status line, or a number HTTP does not define. */
	return PT_CRITICAL;
}
