/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The flow both plugins share: options, hard stop, check, output. */
#ifndef PT_PLUGIN_MAIN_H
#define PT_PLUGIN_MAIN_H

#include "plugin/run_config.h"

/* Runs the plugin and exits with its state: 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN. */
__attribute__((noreturn)) void pt_plugin_main(enum pt_endpoint endpoint, int argc, char **argv);

#endif
