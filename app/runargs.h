/* runargs.h -- the one translation from settings (struct opts: config.yaml
 * and the command line) to the engine's LOAD_DATA and TRAIN arguments,
 * shared by both front ends. */
#ifndef COLLABTUI_RUNARGS_H
#define COLLABTUI_RUNARGS_H

#include "eng.h"
#include "opts.h"

/* Fill the LOAD_DATA and TRAIN arguments that o's settings ask for (the
 * data directory found, the split, the model and training settings) over
 * what the caller zeroed.  Returns EXIT_OK, or an exit status after
 * printing why on stderr. */
int runargs_build(const struct opts *o, struct eng_load_args *load,
		  struct eng_train_args *ta);

/* Have the engine append every training run to the history file
 * (history.h), when there is a place for it. */
void runargs_keep_history(struct eng *e);

#endif
