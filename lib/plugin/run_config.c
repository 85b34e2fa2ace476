/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The run's configuration. */
#include "config.h"

#include "run_config.h"
#include "secret.h"
#include "util/limits.h"

#include <stdlib.h>
#include <string.h>

void pt_config_init(struct pt_config *cfg, enum pt_endpoint endpoint)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->endpoint = endpoint;
	cfg->environment = "production";
	cfg->api_version = PT_DEFAULT_API_VERSION;
	cfg->timeout = PT_DEFAULT_TIMEOUT_SECONDS;
	cfg->timeout_state = PT_CRITICAL;
}

void pt_config_free(struct pt_config *cfg)
{
	pt_secret_free(cfg->client_secret);
	pt_secret_free(cfg->api_key);
	cfg->client_secret = NULL;
	cfg->api_key = NULL;
	for (size_t i = 0; i < cfg->nexpects; i++) {
		free(cfg->expects[i].path);
		for (size_t j = 0; j < cfg->expects[i].nvalues; j++) {
			free(cfg->expects[i].values[j]);
		}
		free(cfg->expects[i].values);
	}
	cfg->nexpects = 0;
}
