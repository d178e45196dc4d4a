/* test_lrfind.c -- the learning-rate finder: fastai's exponential sweep,
 * its stop on a diverging loss, and suggestions that lie on the curve's
 * descending part. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "lrfind.h"

/* 4000 ratings of 50 users and 60 items from planted rank-2 factors. */
enum { NU = 50, NI = 60, NR = 4000 };
static uint32_t users[NR], items[NR];
static float ratings[NR];

static void make_data(void)
{
	struct rng r;
	rng_seed(&r, 5);
	double pu[NU][2], qi[NI][2];
	for (int u = 0; u < NU; u++)
		for (int k = 0; k < 2; k++)
			pu[u][k] = rng_normal(&r);
	for (int i = 0; i < NI; i++)
		for (int k = 0; k < 2; k++)
			qi[i][k] = rng_normal(&r);
	for (int j = 0; j < NR; j++) {
		users[j] = (uint32_t)rng_below(&r, NU);
		items[j] = (uint32_t)rng_below(&r, NI);
		double v = 3.0 + pu[users[j]][0] * qi[items[j]][0] +
			   pu[users[j]][1] * qi[items[j]][1] + 0.1 * rng_normal(&r);
		ratings[j] = (float)fmin(5.0, fmax(1.0, v));
	}
}

/* Sweep a fresh model of kind over the data; returns the status and the
 * points in pts (*n of them). */
static enum lrfind_status sweep(enum model_kind kind, int y_range,
				const struct lrfind_cfg *lc,
				struct lrfind_point *pts, int *n)
{
	make_data();
	struct model_cfg mc = model_cfg_default();
	mc.kind = kind;
	mc.n_users = NU;
	mc.n_items = NI;
	mc.n_factors = 4;
	mc.use_y_range = y_range;
	if (kind == MODEL_NN) {
		mc.n_layers = 1;
		mc.layers[0] = 8;
	}
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct split sp;
	cr_assert_eq(split_random(NR, 0.2, 1, &sp), 0);
	struct train_cfg tc = train_cfg_default();
	tc.bs = 64;
	tc.wd = 0.0;
	struct lrfind *f = lrfind_new(m, users, items, ratings, &sp, &tc, lc, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	enum lrfind_status st;
	*n = 0;
	do
		st = lrfind_step(f, &pts[(*n)++]);
	while (st == LRFIND_MORE);
	cr_assert_eq(lrfind_step(f, &pts[*n]), st, "finished sweeps stay finished");
	lrfind_free(f);
	split_free(&sp);
	model_free(m);
	return st;
}

/* fastai's SchedExp: batch i uses start * (end/start)^(i/num_it). */
Test(lrfind, learning_rates_grow_exponentially)
{
	struct lrfind_cfg lc = lrfind_cfg_default();
	lc.end_lr = 1e-2;       /* low enough that nothing diverges */
	struct lrfind_point pts[LRFIND_MAX_IT + 1];
	int n;
	cr_assert_eq(sweep(MODEL_DOTBIAS, 1, &lc, pts, &n), LRFIND_DONE);
	cr_assert_eq(n, lc.num_it);
	for (int i = 0; i < n; i++) {
		double want = lc.start_lr * pow(lc.end_lr / lc.start_lr, (double)i / lc.num_it);
		cr_assert_float_eq(pts[i].lr, want, want * 1e-9, "batch %d", i);
	}
}

/* Without y_range a dot model's loss explodes at large learning rates:
 * the sweep stops early, on the first smoothed loss above 4x the least. */
Test(lrfind, stops_when_the_loss_diverges)
{
	struct lrfind_cfg lc = lrfind_cfg_default();
	lc.end_lr = 100.0;
	struct lrfind_point pts[LRFIND_MAX_IT + 1];
	int n;
	cr_assert_eq(sweep(MODEL_DOT, 0, &lc, pts, &n), LRFIND_DIVERGED);
	cr_assert_lt(n, lc.num_it);
	double best = INFINITY;
	for (int i = 0; i + 1 < n; i++) {
		best = fmin(best, pts[i].loss);
		cr_assert(pts[i].loss <= 4.0 * best, "point %d already diverged", i);
	}
	double last = pts[n - 1].loss;
	cr_assert(!isfinite(last) || last > 4.0 * fmin(best, last),
		  "the last point %g is not above 4 x %g", last, best);
}

/* The valley lies where the loss is still falling: below where the
 * trimmed curve starts, before the minimum. */
static void check_valley(const struct lrfind_point *pts, int n, int num_it)
{
	struct lrfind_suggest s = lrfind_suggest(pts, n, num_it);
	cr_assert_geq(s.valley, num_it / 10);
	cr_assert_lt(s.valley, n - 5);
	int lo = num_it / 10, at_min = lo;
	for (int i = lo; i < n - 5; i++)
		if (pts[i].loss < pts[at_min].loss)
			at_min = i;
	cr_assert_lt(s.valley, at_min, "valley %d is not before the minimum at %d",
		     s.valley, at_min);
	cr_assert_lt(pts[s.valley].loss, pts[lo].loss);
	cr_assert_gt(pts[s.valley].loss, pts[at_min].loss);
	cr_assert_geq(s.steep, lo);
	cr_assert_lt(s.steep, at_min);
}

/* A made-up curve: flat, then falling, a minimum, then rising. */
Test(lrfind, suggestion_on_a_synthetic_curve)
{
	struct lrfind_point pts[100];
	for (int i = 0; i < 100; i++) {
		pts[i].lr = 1e-7 * pow(1e8, i / 100.0);
		double x = i / 100.0;
		pts[i].loss = x < 0.3 ? 2.0 : x < 0.7 ? 2.0 - 3.0 * (x - 0.3) : 0.8 + 5.0 * (x - 0.7);
	}
	check_valley(pts, 100, 100);
	struct lrfind_suggest s = lrfind_suggest(pts, 100, 100);
	/* the descent runs over points 31..70: a third plus a sixth of the way */
	cr_assert(s.valley >= 45 && s.valley <= 55, "valley at %d", s.valley);
}

/* And on a real sweep of each model. */
static void check_real_sweep(enum model_kind kind)
{
	struct lrfind_cfg lc = lrfind_cfg_default();
	struct lrfind_point pts[LRFIND_MAX_IT + 1];
	int n;
	sweep(kind, 1, &lc, pts, &n);
	check_valley(pts, n, lc.num_it);
}

Test(lrfind, suggestion_descends_dotbias) { check_real_sweep(MODEL_DOTBIAS); }
Test(lrfind, suggestion_descends_nn) { check_real_sweep(MODEL_NN); }

Test(lrfind, too_short_a_curve_has_no_suggestion)
{
	struct lrfind_point pts[8] = {0};
	struct lrfind_suggest s = lrfind_suggest(pts, 8, 100);
	cr_assert_eq(s.valley, -1);
	cr_assert_eq(s.steep, -1);
}

Test(lrfind, bad_sweeps_are_refused)
{
	struct lrfind_cfg lc = lrfind_cfg_default();
	lc.start_lr = 1.0;
	lc.end_lr = 0.1;
	cr_assert_not_null(lrfind_cfg_check(&lc));
	lc = lrfind_cfg_default();
	lc.num_it = 1;
	cr_assert_not_null(lrfind_cfg_check(&lc));
	lc = lrfind_cfg_default();
	cr_assert_null(lrfind_cfg_check(&lc));
}
