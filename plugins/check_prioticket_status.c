/* check_prioticket_status: is GET {base}/system/status of the Prioticket
 * Distributor API up, fast, and accepting our credentials? */
#include "config.h"

#include "plugin_main.h"
#include "plugin/cli.h"

int main(int argc, char **argv)
{
	pt_progname = pt_endpoint_info(PT_ENDPOINT_STATUS)->program;
	pt_plugin_main(PT_ENDPOINT_STATUS, argc, argv);
}
