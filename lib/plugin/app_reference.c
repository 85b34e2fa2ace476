/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every request says of itself: App-Name, App-Version, and a fresh
 * App-Reference per run. */
#include "config.h"

#include "app_reference.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* A fresh id per run, sent as App-Reference so that Prioticket's
 * support can find this very request. UUID version 4 layout. */
void pt_app_reference(char *out, size_t len)
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* Unique enough without the entropy pool: time and pid. */
		struct timespec ts = {0};
		pid_t pid = getpid();

		(void)clock_gettime(CLOCK_REALTIME, &ts);
		memset(r, 0, sizeof(r));
		memcpy(r, &ts.tv_sec, 4);
		memcpy(r + 4, &ts.tv_nsec, 4);
		memcpy(r + 8, &pid, sizeof(pid) < 8 ? sizeof(pid) : 8);
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
	         r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	         r[14], r[15]);
}

void pt_request_headers(const char *reference, char store[3][96], const char *hdrs[5])
{
	snprintf(store[0], sizeof(store[0]), "App-Name: %s", PACKAGE_NAME);
	snprintf(store[1], sizeof(store[1]), "App-Version: %s", PACKAGE_VERSION);
	snprintf(store[2], sizeof(store[2]), "App-Reference: %s", reference);
	hdrs[0] = "Accept: application/json";
	hdrs[1] = store[0];
	hdrs[2] = store[1];
	hdrs[3] = store[2];
	hdrs[4] = NULL;
}
