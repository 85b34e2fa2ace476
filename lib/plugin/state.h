/* Plugin states and the contract's default mapping from what the probe
 * saw to a state. */
#ifndef PT_STATE_H
#define PT_STATE_H

#include <stdbool.h>

enum pt_state {
	PT_OK = 0,
	PT_WARNING = 1,
	PT_CRITICAL = 2,
	PT_UNKNOWN = 3,
};

const char *pt_state_name(enum pt_state s);
/* Parses ok|warning|critical|unknown (any case) or 0-3. */
bool pt_state_parse(const char *text, enum pt_state *out);
/* The worse of two subcheck states in monitoring-plugins' max_state_alt
 * order: CRITICAL > WARNING > UNKNOWN > OK. A part that could not be
 * judged does not hide a part that is known to be broken. */
enum pt_state pt_state_max_alt(enum pt_state a, enum pt_state b);

/* The state an HTTP status gives before thresholds: 2xx OK; 429, other
 * 4xx, 1xx and 3xx WARNING; 401, 403 and 5xx CRITICAL. */
enum pt_state pt_state_for_http(long status);
/* 401 and 403: the credentials or the token were refused. */
bool pt_http_is_auth_failure(long status);

#endif
