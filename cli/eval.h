/* eval.h -- `collabtui eval`: train on each fold of a split and report the
 * held-out metrics per fold, with their mean and standard deviation, in
 * the layout of Surprise's cross_validate. */
#ifndef COLLABTUI_EVAL_H
#define COLLABTUI_EVAL_H

#include "opts.h"

/* The folds o asks for: --cv u1-u5 (the canonical files), --cv K (a
 * seeded K-fold split of all ratings), else one fold: --split NAME or the
 * random valid_pct hold-out.  Prints the table on stdout and errors on
 * stderr; returns the process exit status. */
int eval_run(const struct opts *o);

#endif
