/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where --extra-opts looks for its ini file when none is named: the
 * monitoring-plugins' search (lib/parse_ini.c). */
#include "config.h"

#include "ini.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const ini_names[] = {
    "monitoring-plugins.ini",
    "plugins.ini",
    "nagios-plugins.ini",
};

static const char *const ini_paths[] = {
    "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
    "/usr/local/etc/monitoring-plugins.ini",
    "/etc/monitoring-plugins/monitoring-plugins.ini",
    "/etc/monitoring-plugins.ini",
    "/etc/nagios/plugins.ini",
    "/usr/local/nagios/etc/plugins.ini",
    "/usr/local/etc/nagios/plugins.ini",
    "/etc/opt/nagios/plugins.ini",
    "/etc/nagios-plugins.ini",
    "/usr/local/etc/nagios-plugins.ini",
    "/etc/opt/nagios-plugins.ini",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static char *join(const char *dir, size_t dirlen, const char *name)
{
	size_t namelen = strlen(name);
	char *p = malloc(dirlen + 1 + namelen + 1);

	if (!p) {
		return NULL;
	}
	memcpy(p, dir, dirlen);
	p[dirlen] = '/';
	memcpy(p + dirlen + 1, name, namelen + 1);
	return p;
}

const char *pt_ini_system_path(size_t i)
{
	return i < COUNT(ini_paths) ? ini_paths[i] : NULL;
}

char *pt_ini_default_file(void)
{
	const char *env = getenv("MP_CONFIG_FILE");
	const char *p;
	size_t i;

	if (env && *env && exists(env)) {
		return strdup(env);
	}
	env = getenv("NAGIOS_CONFIG_PATH");
	for (p = env; p && *p;) {
		size_t n = strcspn(p, ":");

		for (i = 0; n > 0 && i < COUNT(ini_names); i++) {
			char *path = join(p, n, ini_names[i]);

			if (!path) {
				return NULL;
			}
			if (exists(path)) {
				return path;
			}
			free(path);
		}
		p += n;
		if (*p == ':') {
			p++;
		}
	}
	for (i = 0; i < COUNT(ini_paths); i++) {
		if (exists(ini_paths[i])) {
			return strdup(ini_paths[i]);
		}
	}
	return NULL;
}
