/* lrfind.c -- fastai's learning-rate finder (see lrfind.h).
 *
 * The sweep is the ordinary trainer with its schedule replaced by the
 * exponential one, over the training ratings only: fastai's LRFinder
 * cancels validation, and so does a split with no validation side. */
#include "lrfind.h"
#include "fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* fastai's stop_div: the smoothed loss above this many times its minimum. */
#define DIVERGE_FACTOR 4.0

struct lrfind {
	struct fit *tr;
	struct split train_only;        /* sp's training side, no validation */
	int num_it, it;
	double best;                    /* lowest smoothed loss so far */
	enum lrfind_status status;
};

struct eng_lr_find_hp lrfind_cfg_default(void)
{
	struct eng_lr_find_hp c = { .start_lr = 1e-7, .end_lr = 10.0, .num_it = 100 };
	return c;
}

const char *lrfind_cfg_check(const struct eng_lr_find_hp *c)
{
	if (!(c->start_lr > 0.0 && isfinite(c->end_lr) && c->start_lr < c->end_lr))
		return "the learning-rate sweep needs 0 < start < end";
	if (c->num_it < 2 || c->num_it > LRFIND_MAX_IT)
		return "the learning-rate sweep takes 2 to 1000 batches";
	return NULL;
}

struct lrfind *lrfind_new(struct model *m, const struct rcols *c,
			  const struct split *sp, const struct eng_train_hp *tc,
			  const struct eng_lr_find_hp *cfg, char *err, size_t errlen)
{
	const char *why = lrfind_cfg_check(cfg);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	struct lrfind *f = calloc(1, sizeof *f);
	if (!f) {
		snprintf(err, errlen, "out of memory preparing the learning-rate finder");
		return NULL;
	}
	f->train_only = *sp;
	f->train_only.n_valid = 0;
	f->num_it = cfg->num_it;
	f->best = INFINITY;
	struct eng_train_hp hp = *tc;
	hp.algo = ENG_FIT_SGD;
	/* enough epochs for num_it batches, as fastai's lr_find computes */
	size_t per_epoch = tc->bs > 0 ? sp->n_train / (size_t)tc->bs : 0;
	hp.epochs = per_epoch ? (int)((size_t)cfg->num_it / per_epoch) + 1 : 1;
	f->tr = fit_new(m, c, &f->train_only, &hp, 1, err, errlen);
	if (!f->tr) {
		free(f);
		return NULL;
	}
	struct sched s = sched_exp(cfg->start_lr, cfg->end_lr, tc->mom, cfg->num_it);
	fit_set_sched(f->tr, &s);
	return f;
}

void lrfind_free(struct lrfind *f)
{
	if (!f)
		return;
	fit_free(f->tr);
	free(f);
}

enum lrfind_status lrfind_step(struct lrfind *f, struct lrfind_point *pt)
{
	if (f->status != LRFIND_MORE)
		return f->status;
	struct eng_train_report rep;
	/* on a big set an epoch's first steps only shuffle (fit_step) */
	while (fit_step(f->tr, 1, &rep) == TRAIN_MORE && rep.batch == 0)
		;
	f->it++;
	pt->lr = rep.lr;
	pt->loss = rep.smooth_loss;
	if (rep.smooth_loss < f->best)
		f->best = rep.smooth_loss;
	/* a NaN loss compares false everywhere: it must stop the sweep too */
	if (!isfinite(rep.smooth_loss) || rep.smooth_loss > DIVERGE_FACTOR * f->best)
		f->status = LRFIND_DIVERGED;
	else if (f->it >= f->num_it)
		f->status = LRFIND_DONE;
	return f->status;
}

/* fastai's valley over l[0..n): the longest decreasing subsequence's span
 * [start, end], then start + int(len/3) + int(len/6). */
static int valley(const double *l, int n, int *lds)
{
	int max_start = 0, max_end = 0;
	for (int i = 0; i < n; i++)
		lds[i] = 1;
	for (int i = 1; i < n; i++)
		for (int j = 0; j < i; j++) {
			if (l[i] < l[j] && lds[i] < lds[j] + 1)
				lds[i] = lds[j] + 1;
			if (lds[max_end] < lds[i]) {
				max_end = i;
				max_start = max_end - lds[max_end];
			}
		}
	double sections = (max_end - max_start) / 3.0;
	return max_start + (int)sections + (int)(sections / 2.0);
}

struct eng_lr_suggest lrfind_suggest(const struct lrfind_point *pts, int n,
				     int num_it)
{
	struct eng_lr_suggest s = { -1, -1 };
	int lo = num_it / 10, hi = n - 5;       /* fastai's [num_it//10:-5] */
	if (hi - lo < 2)
		return s;
	double loss[LRFIND_MAX_IT];
	int lds[LRFIND_MAX_IT];
	int m = hi - lo;
	for (int i = 0; i < m; i++)
		loss[i] = pts[lo + i].loss;
	s.valley = lo + valley(loss, m, lds);
	double best = INFINITY;
	for (int i = 0; i + 1 < m; i++) {
		double g = (loss[i + 1] - loss[i]) /
			   (log(pts[lo + i + 1].lr) - log(pts[lo + i].lr));
		if (g < best) {
			best = g;
			s.steep = lo + i;
		}
	}
	return s;
}
