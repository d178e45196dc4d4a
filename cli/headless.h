/* headless.h -- the commands that run without a terminal UI: they drive
 * the engine directly on this thread and print its events as text. */
#ifndef COLLABTUI_HEADLESS_H
#define COLLABTUI_HEADLESS_H

#include "eng.h"
#include "opts.h"

/* Exit statuses (see collabtui(1)). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,       /* a file could not be written, memory ran out */
	EXIT_INPUT = 2,         /* bad usage, options or input data */
	EXIT_INTERRUPTED = 130, /* Ctrl-C cancelled a load or stopped training
				 * (the shell's 128 + SIGINT) */
};

/* Fill the LOAD_DATA and TRAIN arguments that o's settings ask for (the
 * data directory found, the split, the model and training settings) over
 * what the caller zeroed.  Returns EXIT_OK, or an exit status after
 * printing why on stderr. */
int headless_args(const struct opts *o, struct eng_load_args *load,
		  struct eng_train_args *ta);

/* Have the engine append every training run to the history file
 * (history.h), when there is a place for it. */
void headless_keep_history(struct eng *e);

/* Whether `name` is a headless command. */
int headless_has(const char *name);

/* Run o->command, printing results on stdout and errors on stderr.
 * Returns the process exit status. */
int headless_run(const struct opts *o);

#endif
