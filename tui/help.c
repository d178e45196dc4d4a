/* help.c -- the `?` overlay (see help.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "help.h"

#include <string.h>

int help_lines(void)
{
	return ACT_COUNT - 1;
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
	attrset(theme_attr(env->th, ROLE_TITLE_FOCUS));
	mvaddstr(box.y, box.x + 2, " Keys (any key closes) ");

	int rows = h - 2;
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
