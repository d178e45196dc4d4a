/* schedule.h -- learning-rate and momentum schedules.
 *
 * ENG_SCHED_ONE_CYCLE is fastai's fit_one_cycle: over the first pct_start of
 * the steps lr rises from lr_max/div to lr_max and momentum falls from
 * mom_hi to mom_lo, both by cosine annealing; over the rest lr falls to
 * lr_max/div_final and momentum rises back to mom_hi.  The position of
 * step t of T is t/T, as fastai's ParamScheduler computes it before each
 * batch.  ENG_SCHED_CONSTANT holds lr_max and mom_hi.  ENG_SCHED_EXP is fastai's
 * SchedExp, the learning-rate finder's sweep: lr = lo * (lr_max/lo)^(t/T)
 * with lo = lr_max / div, momentum held at mom_hi.
 */
#ifndef COLLABTUI_SCHEDULE_H
#define COLLABTUI_SCHEDULE_H

#include "msg.h"

struct sched {
	enum eng_sched kind;
	double lr_max;
	double div;             /* fastai 25 */
	double div_final;       /* fastai 1e5 */
	double pct_start;       /* fastai 0.25 */
	double mom_hi, mom_lo;  /* fastai 0.95, 0.85 */
	long total_steps;
};

/* fastai's fit_one_cycle defaults for lr_max over total_steps. */
struct sched sched_one_cycle(double lr_max, long total_steps);

/* The exponential sweep from lr_lo to lr_hi over total_steps, momentum mom. */
struct sched sched_exp(double lr_lo, double lr_hi, double mom, long total_steps);

const char *sched_kind_name(enum eng_sched kind);

/* Learning rate and momentum for step t (0-based, t < total_steps). */
void sched_at(const struct sched *s, long t, double *lr, double *mom);

#endif
