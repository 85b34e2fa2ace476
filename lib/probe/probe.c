/* A whole probe: token, then the endpoint. */
#include "config.h"

#include "probe.h"
#include "clock.h"

#include <string.h>

static bool get_token(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	struct pt_token_request req = {
		.token_url = cfg->token_url,
		.client_id = cfg->client_id,
		.client_secret = cfg->client_secret,
		.scope = cfg->scope,
		.headers = cfg->headers,
		.net = &cfg->net,
		.deadline = cfg->deadline,
		.trace = cfg->trace,
	};
	double start = pt_now();

	pt_token_result_clear(&res->token);
	pt_token_fetch(&req, &res->token);
	res->token_requested = true;
	res->auth = PT_AUTH_FETCHED;
	res->time_auth += pt_now() - start;
	return res->token.ok;
}

static void probe_once(const struct pt_probe_config *cfg, struct pt_probe_result *res,
		       const char *bearer)
{
	struct pt_http_request req = {
		.method = "GET",
		.url = cfg->url,
		.headers = cfg->headers,
		.bearer = bearer,
		.net = &cfg->net,
		.deadline = cfg->deadline,
		.trace = cfg->trace,
	};

	pt_http_response_free(&res->http);
	pt_http_perform(&req, &res->http);
	res->probed = true;
	memset(&res->error, 0, sizeof(res->error));
	if (res->http.outcome == PT_HTTP_RESPONSE &&
	    (res->http.status < 200 || res->http.status >= 300)) {
		pt_prio_error_parse(res->http.body.data, res->http.body.len, &res->error);
	}
}

void pt_probe_run(const struct pt_probe_config *cfg, struct pt_probe_result *res)
{
	memset(res, 0, sizeof(*res));
	res->auth = PT_AUTH_ANONYMOUS;
	if (cfg->token_url && !get_token(cfg, res)) {
		return;
	}
	probe_once(cfg, res, cfg->token_url ? res->token.token.access_token : NULL);
}

void pt_probe_result_free(struct pt_probe_result *res)
{
	pt_token_result_clear(&res->token);
	pt_http_response_free(&res->http);
}
