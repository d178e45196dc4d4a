/* query.h -- the headless insight commands: `bias`, `similar`, `pca` and
 * `recommend`.  headless.c loads the data and trains (or loads) a model,
 * then hands the engine over; this module turns the options into engine
 * commands, resolves titles, reads the ratings file and prints the
 * replies as aligned plain text on stdout (errors on stderr). */
#ifndef COLLABTUI_QUERY_H
#define COLLABTUI_QUERY_H

#include "eng.h"
#include "opts.h"

/* Whether name is an insight command. */
int query_has(const char *name);

/* Run o->command on e, which holds a dataset and a model.  cat is the
 * dataset's catalogue and s its summary.  The engine's event sink must
 * copy each BIAS_LIST, SIMILAR, PCA or RECS event into *reply (taking
 * ownership of a PCA); query_run releases what it finds there.  Returns
 * the process exit status. */
int query_run(struct eng *e, const struct opts *o, const struct eng_catalog *cat,
	      const struct eng_summary *s, struct eng_evt *reply);

/* Read a ratings file (CSV lines `title_or_id,rating`, the format the TUI
 * saves) into a, resolving titles against cat and checking ratings against
 * the dataset's range in s.  Returns EXIT_OK, or EXIT_INPUT after printing
 * FILE:LINE and what was expected on stderr. */
int query_read_ratings(const char *path, const struct eng_catalog *cat,
		       const struct eng_summary *s, struct eng_recommend_args *a);


#endif
