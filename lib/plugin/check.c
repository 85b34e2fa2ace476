/* One check: probe, judge, report. */
#include "config.h"

#include "check.h"
#include "binding.h"
#include "facts.h"
#include "judge.h"
#include "long_output.h"
#include "output.h"
#include "report.h"
#include "run_perfdata.h"
#include "sanitize.h"
#include "target.h"
#include "probe/probe.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#ifndef PT_STATE_DIR
#	define PT_STATE_DIR "/var/lib/monitoring-plugins"
#endif

/* The token cache's default directory follows the monitoring-plugins
 * convention (MP_STATE_PATH, else the configured state directory), then
 * the user's own cache directory (XDG), which the engine's user can
 * write when it cannot write the system state directory, or when
 * another user made its <euid>/ there first, and last a directory in
 * memory ($XDG_RUNTIME_DIR, else /dev/shm, a tmpfs every Linux mounts),
 * so that the runs still share their token and their failures. Engines
 * may start a plugin without HOME or XDG_CACHE_HOME: then the home
 * directory comes from the password database (as a shell's ~ does), so
 * that the cache, and its back-off, still work. Only absolute paths
 * count; passwd holds the password database's home for as long as the
 * run. */
static struct pt_cache_places cache_places(char *passwd, size_t len)
{
	const char *state = getenv("MP_STATE_PATH");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	struct pt_cache_places p = {PT_STATE_DIR, NULL, NULL, "/dev/shm", "/check_prioticket-"};

	if (state && state[0] == '/') {
		p.state_dir = state;
	}
	if (xdg && xdg[0] == '/') {
		p.user_base = xdg;
		p.user_sub = "/check_prioticket";
	} else {
		if (!home || !*home) {
			const struct passwd *pw = getpwuid(geteuid());
			int n = pw && pw->pw_dir ? snprintf(passwd, len, "%s", pw->pw_dir) : -1;

			home = n > 0 && (size_t)n < len ? passwd : NULL;
		}
		if (home && home[0] == '/') {
			p.user_base = home;
			p.user_sub = "/.cache/check_prioticket";
		}
	}
	/* The user's own directory in memory, where a session has one. */
	if (runtime && runtime[0] == '/') {
		p.memory_base = runtime;
	}
	return p;
}

/* A fresh id per run, sent as App-Reference so that Prioticket's
 * support can find this very request. UUID version 4 layout. */
static void app_reference(char *out, size_t len)
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* Unique enough without the entropy pool: time and pid. */
		struct timespec ts = {0};
		pid_t pid = getpid();

		clock_gettime(CLOCK_REALTIME, &ts);
		memset(r, 0, sizeof(r));
		memcpy(r, &ts.tv_sec, 4);
		memcpy(r + 4, &ts.tv_nsec, 4);
		memcpy(r + 8, &pid, sizeof(pid) < 8 ? sizeof(pid) : 8);
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
	         r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	         r[14], r[15]);
}

static void request_headers(const char *reference, char store[3][96], const char *hdrs[5])
{
	snprintf(store[0], sizeof(store[0]), "App-Name: %s", PACKAGE_NAME);
	snprintf(store[1], sizeof(store[1]), "App-Version: %s", PACKAGE_VERSION);
	snprintf(store[2], sizeof(store[2]), "App-Reference: %s", reference);
	hdrs[0] = "Accept: application/json";
	hdrs[1] = store[0];
	hdrs[2] = store[1];
	hdrs[3] = store[2];
	hdrs[4] = NULL;
}

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
	app_reference(reference, sizeof(reference));
	request_headers(reference, store, headers);
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
	    .cache_places = cache_places(passwd_home, sizeof(passwd_home)),
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
