/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One check: probe, judge, report. */
#include "config.h"

#include "check.h"
#include "app_reference.h"
#include "binding.h"
#include "cache_places.h"
#include "facts.h"
#include "judge.h"
#include "long_output.h"
#include "output.h"
#include "report.h"
#include "run_perfdata.h"
#include "sanitize.h"
#include "target.h"
#include "probe/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run that ends before any request, in the chosen format. */
static enum pt_state fail_early(const struct pt_config *cfg, const struct pt_output_target *who,
                                struct pt_target *target, enum pt_finding f, const char *why,
                                struct pt_buf *out)
{
	struct pt_verdict v = pt_verdict_of(f, cfg->timeout_state);
	struct pt_report report;

	memset(&report, 0, sizeof(report));
	pt_report_fail(&report, v.state, v.reason, why);
	pt_report_finish(&report);
	pt_output_render(cfg->output_format, who, &report, out);
	pt_target_free(target);
	pt_report_free(&report);
	return v.state;
}

enum pt_state pt_check_run(const struct pt_config *cfg, double started, struct pt_buf *out)
{
	struct pt_report report;
	struct pt_output_target who = {cfg->endpoint, pt_target_environment_label(cfg)};
	struct pt_target target;
	struct pt_probe_result res;
	struct pt_buf trace = {0};
	char reference[40];
	char store[3][96];
	const char *headers[5];
	char agent[64];
	char connect_to[600];
	char passwd_home[512];
	const char *json_paths[PT_EXPECT_MAX];
	struct pt_bindings bindings;
	struct pt_buf why = {0};
	enum pt_state state;

	if (!pt_target_build(cfg, &target)) {
		return fail_early(cfg, &who, &target, PT_FOUND_INTERNAL,
		                  "cannot build the URL (out of memory?)", out);
	}
	/* --connect-to redirects the base URL's host and port only: a token
	 * endpoint elsewhere is reached as its own name says. */
	if (cfg->connect_to && !pt_probe_connect_to_entry(pt_buf_str(&target.base), cfg->connect_to,
	                                                  connect_to, sizeof(connect_to))) {
		return fail_early(cfg, &who, &target, PT_FOUND_BAD_ARGUMENTS,
		                  "cannot use --connect-to with this URL", out);
	}
	/* A secret that may not go where the options point: nothing is sent. */
	if (!pt_binding_check(cfg, &target, &bindings, &why)) {
		state = fail_early(cfg, &who, &target, PT_FOUND_NOT_SENT, pt_buf_str(&why), out);
		pt_buf_free(&why);
		return state;
	}
	memset(&report, 0, sizeof(report));
	pt_app_reference(reference, sizeof(reference));
	pt_request_headers(reference, store, headers);
	for (size_t i = 0; i < cfg->nexpects; i++) {
		json_paths[i] = cfg->expects[i].path;
	}
	snprintf(agent, sizeof(agent), "%s/%s", PACKAGE_NAME, PACKAGE_VERSION);
	struct pt_probe_config pc = {
	    .url = pt_buf_str(&target.probe),
	    .token_url = cfg->client_id ? pt_buf_str(&target.token) : NULL,
	    .client_id = cfg->client_id,
	    .client_secret = cfg->client_secret,
	    .scope = cfg->scope,
	    .token_body = cfg->token_body_form ? PT_TOKEN_BODY_FORM : PT_TOKEN_BODY_JSON,
	    .headers = headers,
	    .json_paths = json_paths,
	    .njson_paths = cfg->nexpects,
	    .net =
	        {
	            .ip_version = cfg->ip_version,
	            .proxy = cfg->proxy,
	            .noproxy = cfg->noproxy,
	            .tls = {cfg->ca_file, cfg->ca_path, cfg->insecure, cfg->cert_check},
	            .user_agent = agent,
	            .max_body = PT_MAX_BODY,
	            .follow_redirects = cfg->follow_redirects,
	            .http_version = cfg->http_version,
	            .connect_to = cfg->connect_to ? connect_to : NULL,
	        },
	    .deadline = started + cfg->timeout,
	    .trace = cfg->verbose >= 3 ? &trace : NULL,
	    .token_loopback_only = bindings.token_loopback_only,
	    .probe_loopback_only = bindings.probe_loopback_only,
	    .use_cache = !cfg->no_token_cache,
	    .cache_dir = cfg->token_cache_dir,
	    .cache_places = pt_cache_places_default(passwd_home, sizeof(passwd_home)),
	};

	if (!pt_probe_global_init()) {
		struct pt_verdict v = pt_verdict_of(PT_FOUND_INTERNAL, cfg->timeout_state);

		pt_report_fail(&report, v.state, v.reason, "cannot initialise libcurl");
	} else {
		pt_probe_run(&pc, &res);
		pt_long_output(cfg, &target, &res, reference, &report);
		pt_facts_fill(cfg, &target, &res, reference, &report);
		pt_judge(cfg, &res, &report);
		pt_run_perfdata(cfg, &res, &report);
		pt_probe_result_free(&res);
		pt_probe_global_cleanup();
	}
	if (trace.len) {
		pt_buf_puts(&report.details, "Trace:\n");
		pt_sanitize_lines(&report.details, trace.data, trace.len);
	}
	pt_report_finish(&report);
	pt_output_render(cfg->output_format, &who, &report, out);
	state = report.state;
	pt_buf_free(&trace);
	pt_target_free(&target);
	pt_report_free(&report);
	return state;
}
