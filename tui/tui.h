/* tui.h -- the terminal interface's entry point.  This header includes no
 * curses header, so main.c can call it and stay curses-free. */
#ifndef COLLABTUI_TUI_H
#define COLLABTUI_TUI_H

#include "opts.h"

/* Run the interactive interface with the settings in o (dataset, the
 * hyperparameters it starts with, theme, chart style, keys, --trace).
 * Loads the dataset on an engine thread and returns when the user quits
 * or a signal ends it, with the terminal restored.  Returns the process
 * exit status (exitcode.h): 0, 1 on a runtime failure, 2 on bad settings
 * (a theme or key binding that does not exist, no dataset found, a TERM
 * that names no terminal), 128 + the signal that ended it. */
int tui_run(const struct opts *o);

/* The `tui` command (the default one): tui_run once stdin and stdout are
 * a terminal, else exit status 2 with the reason. */
extern const struct cmd_entry cmd_tui;

#endif
