/* test_tui_theme.c -- a theme file that is not a regular file (a FIFO
 * where themes/NAME.yaml should be) is refused with its name and the
 * reason, instead of blocking the interface before it starts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testenv.h"
#include "theme.h"

Test(tui_theme, a_fifo_theme_is_refused_not_read, .timeout = 20)
{
	char dir[512], p[1024], err[1200];
	struct theme t;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(p, sizeof p, "%s/collabtui", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/collabtui/themes", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/collabtui/themes/piped.yaml", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	setenv("XDG_CONFIG_HOME", dir, 1);
	cr_assert_eq(theme_load(&t, "piped", err, sizeof err), -1);
	cr_assert(strstr(err, "piped.yaml: not a regular file (a FIFO)"), "%s", err);
	/* a theme that is nowhere is still "not found" */
	cr_assert_eq(theme_load(&t, "nowhere", err, sizeof err), -1);
	cr_assert(strstr(err, "theme 'nowhere' not found"), "%s", err);
	/* where it looked: XDG_CONFIG_HOME's directory, not ~/.config */
	snprintf(p, sizeof p, "themes/nowhere.yaml in %s/collabtui, the current", dir);
	cr_assert(strstr(err, p), "%s", err);
	cr_assert_null(strstr(err, "~/.config"), "%s", err);
	snprintf(p, sizeof p, "%s/collabtui/themes/piped.yaml", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/collabtui/themes", dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/collabtui", dir);
	rmdir(p);
	testenv_rmdir(dir);
}
