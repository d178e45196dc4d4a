/* help.c -- the `?` overlay (see help.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "help.h"

#include <string.h>

int help_lines(void)
{
	return ACT_COUNT - 1;
}

/* The overlay's rows of text at this screen size. */
static int help_rows(void)
{
	return LINES - 4 - 2;
}

int help_max_scroll(void)
{
	int m = help_lines() - help_rows();

	return m > 0 ? m : 0;
}

void help_draw(const struct panel_env *env, int scroll)
{
	int w = COLS - 8 < 76 ? COLS - 8 : 76, h = LINES - 4;
	struct panel box;
	char keys[64];

	if (w < 30 || h < 5)
		return;
	memset(&box, 0, sizeof box);
	box.x = (COLS - w) / 2;
	box.y = 2;
	box.w = w;
	box.h = h;
	box.title = "Keys";
	panel_box(env, box.x, box.y, w, h, ROLE_BORDER_FOCUS);
	int rows = h - 2;
	if (scroll > help_max_scroll())
		scroll = help_max_scroll();
	attrset(theme_attr(env->th, ROLE_TITLE_FOCUS));
	mvaddstr(box.y, box.x + 2, help_max_scroll() > 0 ?
		 " Keys (j/k PgDn/PgUp scroll, any other key closes) " :
		 " Keys (any key closes) ");
	/* what is out of view, on the border */
	int below = help_lines() - scroll - rows;
	attrset(theme_attr(env->th, ROLE_WARN));
	if (scroll > 0)
		mvprintw(box.y, box.x + w - 16, " %s %d above ",
			 env->unicode ? "\u2191" : "^", scroll);
	if (below > 0)
		mvprintw(box.y + h - 1, box.x + w - 24, " %s %d more below ",
			 env->unicode ? "\u2193" : "v", below);
	for (int r = 0; r < rows; r++) {
		int a = 1 + scroll + r;

		if (a >= ACT_COUNT)
			break;
		keys_describe(env->km, (enum keys_action)a, keys, sizeof keys);
		panel_printf(&box, env, r, 1, ROLE_STATUS_KEY, "%-14s", keys);
		panel_printf(&box, env, r, 16, ROLE_NORMAL, "%s",
			     keys_action_desc((enum keys_action)a));
	}
}
