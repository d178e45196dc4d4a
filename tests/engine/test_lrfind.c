/* test_lrfind.c -- the learning-rate finder: fastai's exponential sweep,
 * its stop on a diverging loss, suggestions that lie on the curve's
 * descending part, and `collabtui lr-find`'s range options reaching the
 * sweep. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "lrfind.h"
#include "testcli.h"

/* 4000 ratings of 50 users and 60 items from planted rank-2 factors. */
enum { NU = 50, NI = 60, NR = 4000 };
static uint32_t users[NR], items[NR];
static float ratings[NR];
#define COLS ((const struct rcols){ .n = NR, .user32 = users, .item32 = items, .real = ratings })

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
static enum lrfind_status sweep(enum eng_model_kind kind, int y_range,
				const struct eng_lr_find_hp *lc,
				struct lrfind_point *pts, int *n)
{
	make_data();
	struct eng_model_hp mc = model_cfg_default();
	mc.kind = kind;
	mc.n_users = NU;
	mc.n_items = NI;
	mc.n_factors = 4;
	mc.use_y_range = y_range;
	if (kind == ENG_MODEL_NN) {
		mc.n_layers = 1;
		mc.layers[0] = 8;
	}
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct split sp;
	cr_assert_eq(split_random(NR, 0.2, 1, &sp), 0);
	struct eng_train_hp tc = train_cfg_default();
	tc.bs = 64;
	tc.wd = 0.0;
	struct lrfind *f = lrfind_new(m, &COLS, &sp, &tc, lc, err, sizeof err);
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
	struct eng_lr_find_hp lc = lrfind_cfg_default();
	lc.end_lr = 1e-2;       /* low enough that nothing diverges */
	struct lrfind_point pts[LRFIND_MAX_IT + 1];
	int n;
	cr_assert_eq(sweep(ENG_MODEL_DOTBIAS, 1, &lc, pts, &n), LRFIND_DONE);
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
	struct eng_lr_find_hp lc = lrfind_cfg_default();
	lc.end_lr = 100.0;
	struct lrfind_point pts[LRFIND_MAX_IT + 1];
	int n;
	cr_assert_eq(sweep(ENG_MODEL_DOT, 0, &lc, pts, &n), LRFIND_DIVERGED);
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
	struct eng_lr_suggest s = lrfind_suggest(pts, n, num_it);
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
	struct eng_lr_suggest s = lrfind_suggest(pts, 100, 100);
	/* the descent runs over points 31..70: a third plus a sixth of the way */
	cr_assert(s.valley >= 45 && s.valley <= 55, "valley at %d", s.valley);
}

/* And on a real sweep of each model. */
static void check_real_sweep(enum eng_model_kind kind)
{
	struct eng_lr_find_hp lc = lrfind_cfg_default();
	struct lrfind_point pts[LRFIND_MAX_IT + 1];
	int n;
	sweep(kind, 1, &lc, pts, &n);
	check_valley(pts, n, lc.num_it);
}

Test(lrfind, suggestion_descends_dotbias) { check_real_sweep(ENG_MODEL_DOTBIAS); }
Test(lrfind, suggestion_descends_nn) { check_real_sweep(ENG_MODEL_NN); }

Test(lrfind, too_short_a_curve_has_no_suggestion)
{
	struct lrfind_point pts[8] = {0};
	struct eng_lr_suggest s = lrfind_suggest(pts, 8, 100);
	cr_assert_eq(s.valley, -1);
	cr_assert_eq(s.steep, -1);
}

Test(lrfind, bad_sweeps_are_refused)
{
	struct eng_lr_find_hp lc = lrfind_cfg_default();
	lc.start_lr = 1.0;
	lc.end_lr = 0.1;
	cr_assert_not_null(lrfind_cfg_check(&lc));
	lc = lrfind_cfg_default();
	lc.num_it = 1;
	cr_assert_not_null(lrfind_cfg_check(&lc));
	lc = lrfind_cfg_default();
	cr_assert_null(lrfind_cfg_check(&lc));
}

/* ---- collabtui lr-find ------------------------------------------------------ */

/* The lr column of lr-find's table in out, up to max rows; the row count. */
static int table_lrs(const char *out, double *lr, int max)
{
	int n = 0;

	cr_assert(strncmp(out, "lr ", 3) == 0, "no table header:\n%s", out);
	for (const char *l = strchr(out, '\n'); l && l[1] >= '0' && l[1] <= '9' && n < max;
	     l = strchr(l + 1, '\n'))
		lr[n++] = strtod(l + 1, NULL);
	return n;
}

/* Run `collabtui lr-find ARGS` on the tiny fixture (bs 1: it has 5
 * training ratings). */
__attribute__((format(printf, 3, 4)))
static void lr_find(struct cli_result *r, const char *dir, const char *fmt, ...)
{
	char fx[512], args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	testenv_fixture(fx, sizeof fx, "ml-100k");
	cli_run(r, dir, "lr-find --data '%s' --bs 1 %s", fx, args);
}

Test(lrfind_cli, range_options_reach_the_sweep)
{
	struct cli_result r;
	double lr[300];

	lr_find(&r, NULL, "--config /dev/null --start-lr 1e-4 --end-lr 1e-2 --num-it 12");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(table_lrs(r.out, lr, 300), 12, "%s", r.out);
	/* SchedExp: batch i at start * (end/start)^(i/num_it) */
	cr_assert_float_eq(lr[0], 1e-4, 1e-7, "%s", r.out);
	cr_assert_float_eq(lr[11], 1e-4 * pow(100.0, 11.0 / 12.0), 1e-5, "%s", r.out);
	cr_assert(strstr(r.out, "suggested lr: "), "%s", r.out);
	/* without them: fastai's 1e-7 to 10 in (at most) 100 batches */
	lr_find(&r, NULL, "--config /dev/null");
	cr_assert_eq(r.status, 0, "%s", r.err);
	int n = table_lrs(r.out, lr, 300);
	cr_assert(n >= 2 && n <= 100, "%d rows:\n%s", n, r.out);
	cr_assert_float_eq(lr[0], 1e-7, 1e-10, "%s", r.out);
	cr_assert_float_eq(lr[1], 1e-7 * pow(1e8, 1.0 / 100), 1e-9, "%s", r.out);
}

Test(lrfind_cli, config_file_sweep_and_options_over_it)
{
	char dir[512], cfgp[700];
	struct cli_result r;
	double lr[300];
	static const char yaml[] = "lr_find:\n  start: 1.0e-3\n  end: 0.1\n  num_it: 5\n";

	testenv_tmpdir(dir, sizeof dir);
	testenv_write(cfgp, sizeof cfgp, dir, "c.yaml", yaml, sizeof yaml - 1);
	lr_find(&r, dir, "--config '%s'", cfgp);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(table_lrs(r.out, lr, 300), 5, "%s", r.out);
	cr_assert_float_eq(lr[0], 1e-3, 1e-6, "%s", r.out);
	lr_find(&r, dir, "--config '%s' --num-it 7", cfgp);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(table_lrs(r.out, lr, 300), 7, "%s", r.out);
	cr_assert_float_eq(lr[6], 1e-3 * pow(100.0, 6.0 / 7.0), 1e-5, "%s", r.out);
	testenv_rmdir(dir);
}

Test(lrfind_cli, bad_ranges_are_refused)
{
	static const struct {
		const char *args, *msg;
	} cases[] = {
		{ "--start-lr 0", "--start-lr: lr_find start must be a positive number" },
		{ "--end-lr -1", "--end-lr: lr_find end must be a positive number" },
		{ "--end-lr abc", "--end-lr: expected a number, found 'abc'" },
		{ "--start-lr 1 --end-lr 0.5", "lr_find start must be less than lr_find end" },
		{ "--end-lr 1e-8", "lr_find start must be less than lr_find end" },
		{ "--num-it 1", "--num-it: lr_find num_it must be from 2 to 256" },
		{ "--num-it 257", "--num-it: lr_find num_it must be from 2 to 256" },
		{ "--num-it 2.5", "--num-it: expected an integer, found '2.5'" },
		{ "--trainer fast", "the lr finder sweeps fastai's trainer, not the fast one" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cli_result r;

		lr_find(&r, NULL, "--config /dev/null %s", cases[i].args);
		cr_assert_eq(r.status, 2, "%s: status %d\n%s", cases[i].args, r.status, r.err);
		cr_assert(strstr(r.err, cases[i].msg), "%s: %s", cases[i].args, r.err);
		cr_assert_eq(r.out[0], '\0', "%s: a table after all:\n%s", cases[i].args, r.out);
	}
	/* the order of the two ends does not matter */
	struct cli_result r;
	lr_find(&r, NULL, "--config /dev/null --start-lr 20 --end-lr 100 --num-it 3");
	cr_assert_eq(r.status, 0, "%s", r.err);
}
