/* paths.c -- the XDG directories, the configuration file and the dataset
 * (see paths.h). */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int paths_user_file(enum paths_dir dir, const char *file, char *buf, size_t n)
{
	const char *xdg = getenv(dir == PATHS_CONFIG ? "XDG_CONFIG_HOME" : "XDG_DATA_HOME");
	const char *home = getenv("HOME");
	const char *under = dir == PATHS_CONFIG ? ".config" : ".local/share";
	int len = -1;

	if (n == 0)
		return -1;
	/* the XDG spec says a relative XDG_*_HOME is to be ignored */
	if (xdg && xdg[0] == '/')
		len = snprintf(buf, n, "%s/collabtui/%s", xdg, file);
	else if (home && home[0])
		len = snprintf(buf, n, "%s/%s/collabtui/%s", home, under, file);
	if (len < 0 || (size_t)len >= n) {
		buf[0] = '\0';
		return len < 0 ? -1 : -2;
	}
	return 0;
}

const char *paths_config_file(char *buf, size_t n)
{
	if (n == 0)
		return NULL;
	if (paths_user_file(PATHS_CONFIG, "config.yaml", buf, n) == 0 && is_file(buf))
		return buf;
	int len = snprintf(buf, n, "%s", COLLABTUI_DATADIR "/config.yaml");
	if (len > 0 && (size_t)len < n && is_file(buf))
		return buf;
	if (n < sizeof "config.yaml") {
		buf[0] = '\0';
		return NULL;
	}
	memcpy(buf, "config.yaml", sizeof "config.yaml");
	return buf;
}

int paths_find_data(const char *requested, char *buf, size_t n, char *err, size_t errlen)
{
	if (requested && requested[0]) {
		snprintf(buf, n, "%s", requested);
		return 0;
	}
	char user[1024];
	paths_user_file(PATHS_DATA, "ml-100k", user, sizeof user);
	const char *candidates[] = { "data/ml-100k", user };
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		if (candidates[i][0] && exists(candidates[i])) {
			snprintf(buf, n, "%s", candidates[i]);
			return 0;
		}
	}
	snprintf(err, errlen,
		 "no dataset found (looked in data/ml-100k%s%s).\n"
		 "  Get MovieLens 100K from GroupLens with `make data` in the source tree\n"
		 "  (or `sh data/fetch-ml100k.sh DIR`), or point at a copy with --data DIR\n"
		 "  or `data:` in config.yaml; --demo uses the built-in synthetic demo set.",
		 user[0] ? " and " : "", user);
	return -1;
}
