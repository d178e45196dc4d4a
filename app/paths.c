/* datadir.c -- locate the dataset (see paths.h). */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int paths_find_data(const char *requested, char *buf, size_t n, char *err, size_t errlen)
{
	if (requested && requested[0]) {
		snprintf(buf, n, "%s", requested);
		return 0;
	}
	char user[1024] = "";
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0])
		snprintf(user, sizeof user, "%s/collabtui/ml-100k", xdg);
	else if (home && home[0])
		snprintf(user, sizeof user, "%s/.local/share/collabtui/ml-100k", home);
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
		 "  or `data:` in config.yaml.",
		 user[0] ? " and " : "", user);
	return -1;
}
