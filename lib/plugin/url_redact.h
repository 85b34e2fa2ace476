/* URLs as they may be shown: no userinfo, no query values. */
#ifndef PT_URL_REDACT_H
#define PT_URL_REDACT_H

#include "util/buf.h"

#include <stdbool.h>

/* Appends url with the userinfo ("user:pass@") removed and every query
 * value replaced by "<redacted>" (names kept: "?key=<redacted>"). The
 * result still needs sanitising before it is printed. */
bool pt_url_redact(const char *url, struct pt_buf *out);

#endif
