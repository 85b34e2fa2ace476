/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The certificate subcheck: --certificate on the verified chain's
 * earliest expiry. */
#include "config.h"

#include "judge.h"
#include "judge_parts.h"

#include <stdio.h>
#include <time.h>

long pt_cert_days_left(const struct pt_http_response *h)
{
	double left = difftime(h->cert_expiry, time(NULL));

	return (long)(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
}

/* --certificate: the earliest expiry of the verified chain, the trust
 * anchor included (certinfo.c says why). */
void pt_judge_certificate(const struct pt_config *cfg, const struct pt_http_response *h,
                          struct pt_subchecks *l)
{
	const enum pt_subcheck_kind k = PT_SUBCHECK_CERTIFICATE;
	char cn[PT_SUMMARY_TEXT_MAX + 8];
	char which[192];
	long days;

	if (!h->cert_expiry_known) {
		if (h->outcome == PT_HTTP_RESPONSE || h->outcome == PT_HTTP_TOO_LARGE) {
			pt_judge_found(l, cfg, k, "certificate", PT_FOUND_CERT_UNREADABLE,
			               "cannot read the server certificate's expiry date");
		} else {
			pt_subcheck_skip(l, k, "certificate", "no server certificate was received");
		}
		return;
	}
	pt_judge_shown(h->cert_subject, cn, sizeof(cn));
	if (h->cert_index > 0) {
		snprintf(which, sizeof(which), "CN \"%s\", %d of %d in the chain%s", cn[0] ? cn : "?",
		         h->cert_index + 1, h->cert_count, h->cert_anchor ? " (the trust anchor)" : "");
	} else {
		snprintf(which, sizeof(which), "CN \"%s\"", cn[0] ? cn : "?");
	}
	days = pt_cert_days_left(h);
	if (days < cfg->cert_crit_days) {
		pt_judge_found(l, cfg, k, "certificate", PT_FOUND_CERT_CRITICAL,
		               "certificate expires in %ld days (critical below %ld): %s", days,
		               cfg->cert_crit_days, which);
	} else if (days < cfg->cert_warn_days) {
		pt_judge_found(l, cfg, k, "certificate", PT_FOUND_CERT_WARNING,
		               "certificate expires in %ld days (warning below %ld): %s", days,
		               cfg->cert_warn_days, which);
	} else {
		pt_judge_found(l, cfg, k, "certificate", PT_FOUND_CERT_OK,
		               "certificate expires in %ld days: %s", days, which);
	}
}
