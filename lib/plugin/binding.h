/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a run's secrets may go. A secret read from a file, the
 * environment or an --extra-opts file (a client secret, its tokens, an
 * API key) is sent only to a Prioticket host over verified https, to an
 * origin its own secret file names, or to a loopback host at a loopback
 * address: whoever may set only the options (an engine's variables)
 * cannot send it elsewhere. --client-secret on the command line is its
 * writer's own choice, and is not bound. */
#ifndef PT_BINDING_H
#define PT_BINDING_H

#include "run_config.h"
#include "target.h"
#include "util/buf.h"

#include <stdbool.h>

/* What the requests need once connected (pt_http_request.loopback_only). */
struct pt_bindings {
	bool token_loopback_only;
	bool probe_loopback_only;
};

/* Judges every request that carries a bound secret, before anything is
 * sent. False with a one-line reason in why that says which secret, where
 * it came from, where it would have gone, and how to allow that. */
bool pt_binding_check(const struct pt_config *cfg, const struct pt_target *t,
                      struct pt_bindings *out, struct pt_buf *why);

#endif
