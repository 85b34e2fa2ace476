/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The perfdata of a run: whatever was measured, on failure too. */
#include "config.h"

#include "run_perfdata.h"
#include "judge.h"
#include "perfdata.h"
#include "phase_names.h"

static void add_time(struct pt_report *r, const char *label, double v, const struct pt_config *cfg,
                     bool thresholds)
{
	struct pt_perf p = {
	    .label = label,
	    .value = v,
	    .uom = "s",
	    .decimals = 6,
	    .warn = thresholds ? &cfg->warning : NULL,
	    .crit = thresholds ? &cfg->critical : NULL,
	    .has_min = true,
	    .min = 0,
	    .has_max = true,
	    .max = cfg->timeout,
	};

	pt_report_perf(r, &p);
}

/* Perfdata for whatever was measured, on failure too: graphs without
 * gaps. */
void pt_run_perfdata(const struct pt_config *cfg, const struct pt_probe_result *res,
                     struct pt_report *r)
{
	const struct pt_http_response *h = &res->http;

	if (res->probed && h->outcome != PT_HTTP_INTERNAL) {
		add_time(r, "time", h->t.total, cfg, true);
		for (int i = 0; i < PT_PHASE_COUNT; i++) {
			if (h->t.reached[i]) {
				add_time(r, pt_phase_label(i), h->t.phase[i], cfg, false);
			}
		}
	}
	if (res->auth != PT_AUTH_ANONYMOUS) {
		add_time(r, pt_phase_label(PT_PHASE_AUTH), res->time_auth, cfg, false);
	}
	if (res->probed && h->outcome == PT_HTTP_RESPONSE) {
		struct pt_perf size = {
		    .label = "size",
		    .value = (double)h->body.len,
		    .uom = "B",
		    .has_min = true,
		};

		pt_report_perf(r, &size);
	}
	if (cfg->cert_check && res->probed && h->cert_expiry_known) {
		/* Alert below the limits: the ranges are "W:" and "C:". */
		struct pt_range warn = {
		    .start = (double)cfg->cert_warn_days, .end_infinite = true, .set = true};
		struct pt_range crit = {
		    .start = (double)cfg->cert_crit_days, .end_infinite = true, .set = true};
		struct pt_perf days = {
		    .label = "cert_days",
		    .value = (double)pt_cert_days_left(h),
		    .warn = &warn,
		    .crit = &crit,
		    .has_min = true,
		};

		pt_report_perf(r, &days);
	}
}
