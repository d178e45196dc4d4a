/* runcompare.h -- past training runs side by side: the table of the Runs
 * pane's compare view and of `collabtui runs --compare ID ID ...`, and
 * what each model makes of the hyperparameters, so that neither front end
 * shows an lr a solver never used.
 *
 * Curses-free and allocation-free: rows of fixed-size cells.
 */
#ifndef COLLABTUI_RUNCOMPARE_H
#define COLLABTUI_RUNCOMPARE_H

#include <stddef.h>

#include "history.h"

#define RUNCMP_MAX 8            /* runs compared at once */
#define RUNCMP_CELL 40

/* What a row of the table holds. */
enum runcmp_kind {
	RUNCMP_SETTING,         /* differs: the runs do not all agree */
	RUNCMP_LOSS,            /* best: the column with the lowest loss */
};

struct runcmp_row {
	const char *label;                      /* "model", "final valid" */
	enum runcmp_kind kind;
	char cell[RUNCMP_MAX][RUNCMP_CELL];     /* one per run; "-": not used */
	int differs;            /* a setting: not every run has the same */
	int best;               /* a loss: the run with the lowest, or -1 */
};

#define RUNCMP_ROWS 16

/* Whether a run of this model (the history's word: dot, dotbias, nn, als,
 * bpmf) used its learning rate, and its weight decay: als solves each
 * side exactly (wd is its ridge weight, lr unused); bpmf samples (neither). */
int runcmp_uses_lr(const char *model);
int runcmp_uses_wd(const char *model);

/* The lowest validation loss of r and its epoch in *epoch (from 0, as
 * fastai's table counts), or NAN and -1 when it has none. */
double runcmp_best_valid(const struct history_run *r, int *epoch);

/* The table of runs[0..n) (n <= RUNCMP_MAX) into rows: settings first
 * (when, model, split, item key, factors, epochs, bs, lr, wd, y_range,
 * optimiser, schedule, seed), then the losses (final train, final valid,
 * best valid) and the seconds.  Returns the number of rows. */
int runcmp_table(const struct history_run *const *runs, int n,
		 struct runcmp_row rows[RUNCMP_ROWS]);

/* Whether runs a and b can be ranked against each other by loss: the same
 * dataset, split and item key. */
int runcmp_comparable(const struct history_run *a, const struct history_run *b);

#endif
