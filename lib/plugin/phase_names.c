/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The phase names, each written once: the labels are made from them. */
#include "config.h"

#include "phase_names.h"

/* In the order of PT_PHASE_*, then auth. */
#define PHASES(X) X(resolve) X(connect) X(tls) X(processing) X(transfer) X(auth)
#define NAME(p)   #p,
#define LABEL(p)  "time_" #p,

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
