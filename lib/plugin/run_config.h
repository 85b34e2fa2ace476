/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Everything a run needs, filled from the command line, --extra-opts
 * and the environment; one struct passed down the plugin layer. */
#ifndef PT_RUN_CONFIG_H
#define PT_RUN_CONFIG_H

#include "endpoint.h"
#include "range.h"
#include "secret.h"
#include "state.h"
#include "util/limits.h"

#include <stdbool.h>
#include <stddef.h>

enum pt_output_format {
	PT_FORMAT_NAGIOS,
	PT_FORMAT_JSON,
	PT_FORMAT_PROMETHEUS,
};

/* --expect-json=PATH=VALUE[,VALUE...] */
struct pt_expect {
	char *path;
	char **values;
	size_t nvalues;
};

/* Where a secret came from, which decides where it may be sent
 * (binding.h). The zero value is a bound one: a secret whose source was
 * not recorded stays bound. */
enum pt_secret_kind {
	PT_SECRET_FILE,         /* --client-secret-file, --api-key-file */
	PT_SECRET_ENVIRONMENT,  /* PRIOTICKET_CLIENT_SECRET, PRIOTICKET_API_KEY */
	PT_SECRET_INI,          /* client-secret = in an --extra-opts file */
	PT_SECRET_COMMAND_LINE, /* --client-secret: who wrote the command line wrote it */
};

struct pt_secret_source {
	enum pt_secret_kind kind;
	const char *where;                /* the file, the variable, where in the ini file */
	struct pt_secret_origins origins; /* named by the secret file */
};

struct pt_config {
	enum pt_endpoint endpoint;

	/* target */
	const char *environment;
	const char *hostname;
	long port; /* 0: the scheme's default */
	const char *api_version;
	const char *base_url;
	int ip_version; /* 0, 4 or 6 */
	const char *proxy;
	const char *noproxy;

	/* TLS */
	const char *ca_file;
	const char *ca_path;
	bool insecure;
	bool follow_redirects;
	int http_version;       /* 2: HTTP/2 over TLS; else HTTP/1.1 */
	const char *connect_to; /* HOST:PORT, or NULL */
	bool cert_check;
	long cert_warn_days;
	long cert_crit_days;

	/* authentication; the secrets are owned and wiped */
	const char *client_id;
	char *client_secret;
	const char *scope;
	const char *token_url;
	bool allow_http_token_url; /* a plain http:// token URL beside an https:// probe */
	bool token_body_form;      /* --token-body=form */
	char *api_key;
	struct pt_secret_source client_secret_from;
	struct pt_secret_source api_key_from;
	const char *token_cache_dir;
	bool no_token_cache;

	/* thresholds and states */
	struct pt_range warning;
	struct pt_range critical;
	double timeout;
	enum pt_state timeout_state;
	struct pt_expect expects[PT_EXPECT_MAX];
	size_t nexpects;

	int verbose;
	enum pt_output_format output_format;
};

void pt_config_init(struct pt_config *cfg, enum pt_endpoint endpoint);
void pt_config_free(struct pt_config *cfg);

#endif
