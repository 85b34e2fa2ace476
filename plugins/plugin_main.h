/* The flow both plugins share: options, hard stop, check, output. */
#ifndef PT_PLUGIN_MAIN_H
#define PT_PLUGIN_MAIN_H

#include "plugin/run_config.h"

/* Returns the exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
int pt_plugin_main(enum pt_endpoint endpoint, int argc, char **argv);

#endif
