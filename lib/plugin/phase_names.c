/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The phase names, each written once: the labels are made from them. */
#include "config.h"

#include "phase_names.h"

/* Each name beside its PT_PHASE_* (auth last), so that a phase added or
 * moved in the probe layer cannot give another phase's name. */
/* clang-format off */
#define PHASES(X) \
	X(RESOLVE, resolve) \
	X(CONNECT, connect) \
	X(TLS, tls) \
	X(PROCESSING, processing) \
	X(TRANSFER, transfer) \
	X(AUTH, auth)
/* clang-format on */
#define NAME(e, p)  [PT_PHASE_##e] = #p,
#define LABEL(e, p) [PT_PHASE_##e] = "time_" #p,

static const char *const names[] = {PHASES(NAME)};
static const char *const labels[] = {PHASES(LABEL)};

_Static_assert(sizeof(names) / sizeof(names[0]) == PT_PHASE_AUTH + 1,
               "one name per phase of the probe layer, and auth");

const char *pt_phase_name(int phase)
{
	return phase >= 0 && phase <= PT_PHASE_AUTH ? names[phase] : "?";
}

const char *pt_phase_label(int phase)
{
	return phase >= 0 && phase <= PT_PHASE_AUTH ? labels[phase] : "?";
}
