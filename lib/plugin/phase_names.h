/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The probe's phases as every output names them: the long output's
 * "resolve", the perfdata label "time_resolve", the Prometheus label
 * phase="resolve", --help's list of labels. */
#ifndef PT_PHASE_NAMES_H
#define PT_PHASE_NAMES_H

#include "probe/probe.h"

/* Getting the token, before the probe's own phases (PT_PHASE_* of the
 * probe layer). */
#define PT_PHASE_AUTH PT_PHASE_COUNT

/* "resolve", "connect", "tls", "processing", "transfer", "auth". */
const char *pt_phase_name(int phase);
/* The perfdata label: "time_resolve", ..., "time_auth". */
const char *pt_phase_label(int phase);

#endif
