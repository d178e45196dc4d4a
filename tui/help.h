/* help.h -- the `?` overlay: every action of the keymap with its keys,
 * generated from the keymap table, so it cannot go out of date. */
#ifndef COLLABTUI_HELP_H
#define COLLABTUI_HELP_H

#include "panel.h"

/* Lines of help text (for scrolling). */
int help_lines(void);

/* The furthest the overlay scrolls at this screen size (0: it all fits). */
int help_max_scroll(void);

/* Draw the overlay centred on the screen, starting at line `scroll`. */
void help_draw(const struct panel_env *env, int scroll);

#endif
