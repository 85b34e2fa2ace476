/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The two plugins, one row per endpoint of the API. */
#ifndef PT_ENDPOINT_H
#define PT_ENDPOINT_H

enum pt_endpoint {
	PT_ENDPOINT_PING,
	PT_ENDPOINT_STATUS,
};

/* What tells the two plugins apart, one row per endpoint. */
struct pt_endpoint_info {
	const char *name;    /* "ping": --help, the Prometheus label */
	const char *service; /* "PING": the first output line */
	const char *path;    /* "/system/ping", after the base URL */
	const char *program; /* "check_prioticket_ping" */
};

const struct pt_endpoint_info *pt_endpoint_info(enum pt_endpoint endpoint);

#endif
