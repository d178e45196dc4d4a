/* test_paths.c -- app/paths.c: the XDG directories (an absolute XDG_*_HOME,
 * else HOME; a relative one ignored), the configuration file lookup and
 * the dataset search. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "paths.h"

#ifndef COLLABTUI_DATADIR
#define COLLABTUI_DATADIR "/usr/local/share/collabtui"
#endif

static void make_tmpdir(char *dir)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/collabtui-paths-XXXXXX", t && t[0] ? t : "/tmp");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* mkdir -p of dir/sub, and write dir/sub/config.yaml into file. */
static void make_config_in(const char *dir, const char *sub, char *file)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", dir, sub);
	cr_assert_eq(system(cmd), 0);
	snprintf(file, PATH_MAX, "%s/%s/config.yaml", dir, sub);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f, "%s: %s", file, strerror(errno));
	fputs("factors: 9\n", f);
	fclose(f);
}

/* What the lookup gives when no user file exists. */
static const char *fallback(void)
{
	struct stat st;
	const char *inst = COLLABTUI_DATADIR "/config.yaml";

	return stat(inst, &st) == 0 && S_ISREG(st.st_mode) ? inst : "config.yaml";
}

Test(paths, user_file_follows_xdg_then_home)
{
	char buf[256], small[8];

	setenv("XDG_CONFIG_HOME", "/xc", 1);
	setenv("XDG_DATA_HOME", "/xd", 1);
	setenv("HOME", "/home/u", 1);
	cr_assert_eq(paths_user_file(PATHS_CONFIG, "config.yaml", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "/xc/collabtui/config.yaml");
	cr_assert_eq(paths_user_file(PATHS_DATA, "ml-100k", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "/xd/collabtui/ml-100k");
	/* relative values are invalid and ignored, for both kinds */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	setenv("XDG_DATA_HOME", "rel", 1);
	cr_assert_eq(paths_user_file(PATHS_CONFIG, "themes", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "/home/u/.config/collabtui/themes");
	cr_assert_eq(paths_user_file(PATHS_DATA, "ml-100k", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "/home/u/.local/share/collabtui/ml-100k");
	cr_assert_eq(paths_user_file(PATHS_DATA, "ml-100k", small, sizeof small), -2);
	cr_assert_str_empty(small);
	unsetenv("HOME");
	cr_assert_eq(paths_user_file(PATHS_DATA, "ml-100k", buf, sizeof buf), -1);
	cr_assert_str_empty(buf);
}

Test(paths, config_file_prefers_xdg_config_home)
{
	char dir[PATH_MAX], file[PATH_MAX], buf[PATH_MAX];

	make_tmpdir(dir);
	make_config_in(dir, "collabtui", file);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("HOME", "/nonexistent", 1);
	cr_assert_str_eq(paths_config_file(buf, sizeof buf), file);
	remove_tree(dir);
}

Test(paths, config_file_uses_home_without_xdg)
{
	char dir[PATH_MAX], file[PATH_MAX], buf[PATH_MAX];

	make_tmpdir(dir);
	make_config_in(dir, ".config/collabtui", file);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	cr_assert_str_eq(paths_config_file(buf, sizeof buf), file);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	cr_assert_str_eq(paths_config_file(buf, sizeof buf), file);
	remove_tree(dir);
}

Test(paths, config_file_falls_back)
{
	char dir[PATH_MAX], buf[PATH_MAX], small[8];

	make_tmpdir(dir);
	setenv("XDG_CONFIG_HOME", dir, 1);     /* exists, but holds no file */
	cr_assert_str_eq(paths_config_file(buf, sizeof buf), fallback());
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	cr_assert_str_eq(paths_config_file(buf, sizeof buf), fallback());
	cr_assert_null(paths_config_file(small, sizeof small));
	cr_assert_null(paths_config_file(small, 0));
	remove_tree(dir);
}

/* A relative XDG_DATA_HOME used to be taken for the dataset search only. */
Test(paths, find_data_ignores_a_relative_xdg_data_home)
{
	char dir[PATH_MAX], old[PATH_MAX], buf[PATH_MAX], err[1024], cmd[PATH_MAX + 32];

	make_tmpdir(dir);
	cr_assert_not_null(getcwd(old, sizeof old));
	cr_assert_eq(chdir(dir), 0);
	snprintf(cmd, sizeof cmd, "mkdir -p rel/collabtui/ml-100k");
	cr_assert_eq(system(cmd), 0);
	setenv("XDG_DATA_HOME", "rel", 1);
	setenv("HOME", dir, 1);
	cr_assert_eq(paths_find_data("", buf, sizeof buf, err, sizeof err), -1, "%s", buf);
	cr_assert(strstr(err, ".local/share/collabtui/ml-100k"), "%s", err);
	setenv("XDG_DATA_HOME", dir, 1);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/collabtui/ml-100k'", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(paths_find_data("", buf, sizeof buf, err, sizeof err), 0, "%s", err);
	cr_assert(strstr(buf, "/collabtui/ml-100k"), "%s", buf);
	cr_assert_eq(paths_find_data("x/y", buf, sizeof buf, err, sizeof err), 0);
	cr_assert_str_eq(buf, "x/y");
	cr_assert_eq(chdir(old), 0);
	remove_tree(dir);
}
