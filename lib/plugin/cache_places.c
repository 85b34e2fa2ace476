/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the token cache may be when --token-cache does not say: the
 * monitoring-plugins convention, then the user's own directories. */
#include "config.h"

#include "cache_places.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef PT_STATE_DIR
#	define PT_STATE_DIR "/var/lib/monitoring-plugins"
#endif

/* The token cache's default directory follows the monitoring-plugins
 * convention (MP_STATE_PATH, else the configured state directory), then
 * the user's own cache directory (XDG), which the engine's user can
 * write when it cannot write the system state directory, or when
 * another user made its <euid>/ there first, and last a directory in
 * memory ($XDG_RUNTIME_DIR, else /dev/shm, a tmpfs every Linux mounts),
 * so that the runs still share their token and their failures. Engines
 * may start a plugin without HOME or XDG_CACHE_HOME: then the home
 * directory comes from the password database (as a shell's ~ does), so
 * that the cache, and its back-off, still work. Only absolute paths
 * count; passwd holds the password database's home for as long as the
 * run. */
struct pt_cache_places pt_cache_places_default(char *passwd, size_t len)
{
	const char *state = getenv("MP_STATE_PATH");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	struct pt_cache_places p = {PT_STATE_DIR, NULL, NULL, "/dev/shm", "/check_prioticket-"};

	if (state && state[0] == '/') {
		p.state_dir = state;
	}
	if (xdg && xdg[0] == '/') {
		p.user_base = xdg;
		p.user_sub = "/check_prioticket";
	} else {
		if (!home || !*home) {
			const struct passwd *pw = getpwuid(geteuid());
			int n = pw && pw->pw_dir ? snprintf(passwd, len, "%s", pw->pw_dir) : -1;

			home = n > 0 && (size_t)n < len ? passwd : NULL;
		}
		if (home && home[0] == '/') {
			p.user_base = home;
			p.user_sub = "/.cache/check_prioticket";
		}
	}
	/* The user's own directory in memory, where a session has one. */
	if (runtime && runtime[0] == '/') {
		p.memory_base = runtime;
	}
	return p;
}
