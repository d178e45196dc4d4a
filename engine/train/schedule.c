/* schedule.c -- fastai's one-cycle and constant schedules (see schedule.h). */
#include "schedule.h"

#include <math.h>
#include <string.h>

struct sched sched_one_cycle(double lr_max, long total_steps)
{
	struct sched s = {
		.kind = ENG_SCHED_ONE_CYCLE,
		.lr_max = lr_max,
		.div = 25.0,
		.div_final = 1e5,
		.pct_start = 0.25,
		.mom_hi = 0.95,
		.mom_lo = 0.85,
		.total_steps = total_steps,
	};
	return s;
}

struct sched sched_exp(double lr_lo, double lr_hi, double mom, long total_steps)
{
	struct sched s = {
		.kind = ENG_SCHED_EXP,
		.lr_max = lr_hi,
		.div = lr_hi / lr_lo,
		.mom_hi = mom,
		.total_steps = total_steps,
	};
	return s;
}

const char *sched_kind_name(enum eng_sched kind)
{
	return kind == ENG_SCHED_CONSTANT ? "constant" : kind == ENG_SCHED_EXP ? "exp" : "one-cycle";
}

/* fastai's SchedCos: start + (1 + cos(pi * (1 - pos))) * (end - start) / 2 */
static double sched_cos(double start, double end, double pos)
{
	return start + (1.0 + cos(M_PI * (1.0 - pos))) * (end - start) / 2.0;
}

void sched_at(const struct sched *s, long t, double *lr, double *mom)
{
	if (s->kind == ENG_SCHED_CONSTANT || s->total_steps <= 0) {
		*lr = s->lr_max;
		*mom = s->mom_hi;
		return;
	}
	double pos = (double)t / (double)s->total_steps;
	if (s->kind == ENG_SCHED_EXP) {
		*lr = s->lr_max / s->div * pow(s->div, pos);
		*mom = s->mom_hi;
		return;
	}
	if (pos < s->pct_start) {
		double p = pos / s->pct_start;
		*lr = sched_cos(s->lr_max / s->div, s->lr_max, p);
		*mom = sched_cos(s->mom_hi, s->mom_lo, p);
	} else {
		double p = (pos - s->pct_start) / (1.0 - s->pct_start);
		*lr = sched_cos(s->lr_max, s->lr_max / s->div_final, p);
		*mom = sched_cos(s->mom_lo, s->mom_hi, p);
	}
}
