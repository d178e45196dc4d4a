/* headless.h -- the commands that run without a terminal UI: they drive
 * the engine directly on this thread and print its events as text. */
#ifndef COLLABTUI_HEADLESS_H
#define COLLABTUI_HEADLESS_H

#include "eng.h"
#include "exitcode.h"
#include "opts.h"

/* Whether `name` is a headless command. */
int headless_has(const char *name);

/* Run o->command, printing results on stdout and errors on stderr.
 * Returns the process exit status. */
int headless_run(const struct opts *o);

#endif
