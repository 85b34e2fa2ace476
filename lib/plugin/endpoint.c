/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of the two plugins. */
#include "config.h"

#include "endpoint.h"

static const struct pt_endpoint_info endpoints[] = {
    [PT_ENDPOINT_PING] = {"ping", "PING", "/system/ping", "check_prioticket_ping"},
    [PT_ENDPOINT_STATUS] = {"status", "STATUS", "/system/status", "check_prioticket_status"},
};

const struct pt_endpoint_info *pt_endpoint_info(enum pt_endpoint endpoint)
{
	return &endpoints[endpoint == PT_ENDPOINT_STATUS ? PT_ENDPOINT_STATUS : PT_ENDPOINT_PING];
}
