/* runrecord.c -- the run in progress, for the history file (see runrecord.h). */
#include "runrecord.h"
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model.h"

void run_record_begin(struct run_record *rr, const char *dataset,
		      const char *load_split, const struct eng_train_args *a)
{
	run_record_drop(rr);
	if (!(rr->run = calloc(1, sizeof *rr->run)))
		return;
	struct history_run *r = rr->run;
	time_t now = time(NULL);
	struct tm tm;
	strftime(r->time, sizeof r->time, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	snprintf(r->dataset, sizeof r->dataset, "%s", dataset);
	if (a->folds >= 2)
		snprintf(r->split, sizeof r->split, "fold %d/%d", a->fold + 1, a->folds);
	else if (load_split[0])
		snprintf(r->split, sizeof r->split, "%s", load_split);
	else
		snprintf(r->split, sizeof r->split, "random %g", a->valid_pct);
	snprintf(r->model, sizeof r->model, "%s", a->train.algo == ENG_FIT_SGD
		 ? model_kind_name(a->model.kind) : train_algo_name(a->train.algo));
	r->factors = a->model.n_factors;
	r->epochs = a->train.epochs;
	r->bs = a->train.bs;
	r->lr = a->train.lr;
	r->wd = a->train.wd;
	r->y_range_on = a->model.use_y_range;
	r->y_lo = a->model.y_lo;
	r->y_hi = a->model.y_hi;
	snprintf(r->optimizer, sizeof r->optimizer, "%s", optim_kind_name(a->train.opt));
	snprintf(r->schedule, sizeof r->schedule, "%s", sched_kind_name(a->train.sched));
	r->seed = a->train.seed;
	r->final_valid = NAN;
	rr->start = clock_now();
}

void run_record_epoch(struct run_record *rr, const struct eng_train_report *rep)
{
	struct history_run *r = rr->run;
	if (!r || r->n_losses == HISTORY_EPOCHS_MAX)
		return;
	r->train_loss[r->n_losses] = (float)rep->train_loss;
	r->valid_loss[r->n_losses++] = (float)rep->valid_loss;
	r->final_valid = rep->valid_loss;
}

void run_record_diverged(struct run_record *rr)
{
	if (!rr->run)
		return;
	rr->run->diverged = 1;
	rr->run->final_valid = NAN;
}

int run_record_end(struct run_record *rr, char *err, size_t errlen)
{
	if (!rr->run)
		return 0;
	rr->run->seconds = clock_now() - rr->start;
	int rc = rr->path[0] ? history_append(rr->path, rr->run, err, errlen) : 0;
	free(rr->last);
	rr->last = rr->run;
	rr->run = NULL;
	return rc;
}

void run_record_drop(struct run_record *rr)
{
	free(rr->run);
	rr->run = NULL;
}

void run_record_forget(struct run_record *rr)
{
	free(rr->last);
	rr->last = NULL;
}
