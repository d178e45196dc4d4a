/* runs.h -- `collabtui runs`: the run history of the current dataset as a
 * table (history.h keeps it). */
#ifndef COLLABTUI_RUNS_H
#define COLLABTUI_RUNS_H

#include "opts.h"

/* Print the runs recorded for the dataset o's settings name (by its base
 * name, as the history records it), oldest first or, with --sort valid,
 * best validation loss first.  Returns the process exit status. */
int runs_run(const struct opts *o);

#endif
