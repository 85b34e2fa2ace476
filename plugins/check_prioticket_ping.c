/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_prioticket_ping: is GET {base}/system/ping of the Prioticket
 * Distributor API up, fast, and accepting our credentials? */
#include "config.h"

#include "plugin_main.h"

int main(int argc, char **argv)
{
	pt_plugin_main(PT_ENDPOINT_PING, argc, argv);
}
