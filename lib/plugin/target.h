/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The URLs a run talks to, derived from the environment, host, port,
 * API version or base URL options. */
#ifndef PT_TARGET_H
#define PT_TARGET_H

#include "run_config.h"
#include "util/buf.h"

struct pt_target {
	struct pt_buf base;  /* https://host/v3.8/distributor */
	struct pt_buf probe; /* base + /system/ping, plus ?key= when a key is set */
	struct pt_buf token; /* token URL, plus ?key=; empty when anonymous */
	struct pt_buf shown; /* the probe URL without the key, for output */
	struct pt_buf token_shown;
	bool token_key; /* the token URL carries the API key too */
};

/* Whether environment is one of the names the table in target.c knows. */
bool pt_target_environment_known(const char *environment);

/* The environment a run targets, as machine outputs label it: its name,
 * "custom" when -H or -u chose the host, "unknown" when it is invalid. */
const char *pt_target_environment_label(const struct pt_config *cfg);

/* Fills out with the hosts of the Prioticket environments and a NULL
 * after them (n must leave room for it). */
void pt_target_prioticket_hosts(const char **out, size_t n);

bool pt_target_build(const struct pt_config *cfg, struct pt_target *t);
void pt_target_free(struct pt_target *t);

#endif
