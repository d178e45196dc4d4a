/* runmarks.h -- the past runs marked in the Runs pane for comparing, and
 * whether they are being compared: then the Runs pane shows them side by
 * side (app/runcompare.h's table) and the Training chart their valid
 * curves, each in a colour of its own.
 *
 * The marks are copies, so rereading the history (after every run) keeps
 * them; a run is recognised again by what it was (its time, dataset,
 * split, model and settings).  Curses-free; fixed size.
 */
#ifndef COLLABTUI_RUNMARKS_H
#define COLLABTUI_RUNMARKS_H

#include "history.h"

#define MARKS_MAX 4             /* the chart has a colour for each */

struct run_marks {
	struct history_run run[MARKS_MAX];
	int n;
	int comparing;          /* the compare view is on (n >= 2) */
};

/* The index of r among m's runs, or -1. */
int marks_find(const struct run_marks *m, const struct history_run *r);

/* Mark r (the marks are kept oldest first), or unmark it when marked.  Returns 1 (marked), 0 (unmarked) or
 * -1 (MARKS_MAX marked already).  Fewer than two left ends comparing. */
int marks_toggle(struct run_marks *m, const struct history_run *r);

#endif
