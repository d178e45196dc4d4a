/* runrecord.h -- the record of the training run in progress, appended to
 * the run history file (history.h) when the run ends or is stopped.  The
 * engine keeps one; front ends read the file, never the record. */
#ifndef COLLABTUI_RUNRECORD_H
#define COLLABTUI_RUNRECORD_H

#include <stddef.h>

#include "eng.h"
#include "history.h"
#include "train.h"

struct run_record {
	char path[ENG_PATH_MAX];        /* the history file; "" keeps none */
	struct history_run *run;        /* the run in progress, NULL when none */
	struct history_run *last;       /* the run ended last (export's curves), or NULL */
	double start;                   /* clock_now() at its start */
};

/* Start recording a run of a (its settings) on the dataset called
 * dataset, loaded with split load_split ("" for none); a run already
 * recorded is dropped.  Without memory the run goes unrecorded. */
void run_record_begin(struct run_record *rr, const char *dataset,
		      const char *load_split, const struct eng_train_args *a);

/* Add an epoch's losses (from its report) to the run in progress. */
void run_record_epoch(struct run_record *rr, const struct eng_train_report *rep);

/* Mark the run in progress as diverged (ENG_EDIVERGED): the history
 * says so, and it has no final validation loss to rank it by. */
void run_record_diverged(struct run_record *rr);

/* Append the finished (or stopped) run to the file, when rr->path names
 * one, and keep it as rr->last.  0 (also when nothing was recorded or
 * there is no file), or -1 with the reason in err. */
int run_record_end(struct run_record *rr, char *err, size_t errlen);

/* Forget the run in progress without writing it. */
void run_record_drop(struct run_record *rr);

/* Forget the run ended last (the model it made is gone). */
void run_record_forget(struct run_record *rr);

#endif
