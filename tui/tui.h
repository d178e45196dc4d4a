/* tui.h -- the terminal interface's entry point.  This header includes no
 * curses header, so main.c can call it and stay curses-free. */
#ifndef COLLABTUI_TUI_H
#define COLLABTUI_TUI_H

#include "opts.h"

/* Run the interactive interface with the settings in o (dataset, the
 * hyperparameters it starts with, theme, chart style, keys, --trace).
 * Loads the dataset on an engine thread and returns when the user quits
 * or a signal ends it, with the terminal restored.  Returns the process
 * exit status: 0, 1 on a runtime failure, 2 on bad settings (a theme or
 * key binding that does not exist, no dataset found). */
int tui_run(const struct opts *o);

#endif
