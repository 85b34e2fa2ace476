/* What a run measured and where its token came from. */
#ifndef PT_DETAILS_H
#define PT_DETAILS_H

#include "report.h"
#include "run_config.h"
#include "target.h"
#include "probe/probe.h"

/* Perfdata for whatever was measured, on failure too. */
void pt_details_perfdata(const struct pt_config *cfg, const struct pt_probe_result *res,
                         struct pt_report *r);
/* URL, HTTP status, token source, App-Reference; more with -v. */
void pt_details_long_output(const struct pt_config *cfg, const struct pt_target *t,
                            const struct pt_probe_result *res, const char *reference,
                            struct pt_report *r);

/* The request's facts for the machine outputs (report.h, struct
 * pt_facts): redacted URL, status, versions, timings, token source. */
void pt_details_facts(const struct pt_config *cfg, const struct pt_target *t,
                      const struct pt_probe_result *res, const char *reference,
                      struct pt_report *r);

#endif
