/* test_fasttrain.c -- the fast trainer: thread count does not change the
 * result, the AVX2 kernel agrees with the portable one, chunks and stop
 * work; momentum and Adam learn, and momentum 0 is plain SGD to the bit.
 * The large-data paths are in test_scale.c. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fasttrain.h"
#include "train.h"
#include "synth.h"
#include "testenv.h"

static char err[512];

static struct ds *load(const char *path)
{
	struct ds_opts o = { .path = path };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "ds_load(%s): %s", path, err);
	return ds;
}

static struct ds *synth(char *dir, size_t n, uint64_t ratings, uint32_t users, uint32_t items)
{
	struct synth_cfg c = synth_cfg_default();
	c.n_ratings = ratings;
	c.n_users = users;
	c.n_items = items;
	c.seed = 3;
	testenv_tmpdir(dir, n);
	cr_assert_eq(synth_write(&c, dir, err, sizeof err), 0, "%s", err);
	return load(dir);
}

/* Train a fresh model on ds (80/20 split, seed 1) with tc, the AVX2
 * kernel when simd is set, through the momentum kernel when velocity is;
 * returns the last report's validation MSE and leaves the model in *out
 * when asked. */
static double fit_cfg(const struct ds *ds, const struct eng_train_hp *tc, int simd, int velocity,
		      int y_range, struct model **out)
{
	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.use_y_range = y_range;
	struct model *m = model_new(&mc, err, sizeof err);
	const struct rcols cols = ds_cols(ds);
	struct ftrain *t = ftrain_new(m, &cols, &sp, tc, 1,
				      err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	ftrain_use_simd(t, simd);
	if (velocity)
		cr_assert_eq(ftrain_use_velocity(t), 0);
	struct eng_train_report rep;
	while (ftrain_step(t, 3, &rep) != TRAIN_DONE)
		;
	ftrain_free(t);
	split_free(&sp);
	if (out)
		*out = m;
	else
		model_free(m);
	return rep.valid_loss;
}

/* Plain SGD at lr 0.02, wd 0.05 for `epochs` epochs with `threads`. */
static double fit(const struct ds *ds, int threads, int simd, int epochs, int y_range,
		  struct model **out)
{
	struct eng_train_hp tc = ftrain_cfg_plain(epochs, 0.02, 0.05);
	tc.threads = threads;
	return fit_cfg(ds, &tc, simd, 0, y_range, out);
}

/* The largest absolute difference between two models' parameters. */
static double max_diff(const struct model *a, const struct model *b)
{
	double worst = 0.0;
	for (size_t j = 0; j < a->n_params; j++)
		worst = fmax(worst, fabs((double)a->params[j] - b->params[j]));
	return worst;
}

static struct ds *ml100k(void)
{
	char p[4096];
	return load(testenv_dataset(p, sizeof p, "ml-100k"));
}

/* Blocks of a round share no rows, so threads cannot change a bit. */
Test(fasttrain, threads_give_the_same_model_on_ml100k)
{
	struct ds *ds = ml100k();
	struct model *a, *b;
	double one = fit(ds, 1, 1, 10, 1, &a), two = fit(ds, 2, 1, 10, 1, &b);
	cr_log_info("valid MSE: 1 thread %.6f, 2 threads %.6f", one, two);
	cr_assert_eq(one, two, "1 thread %.9f, 2 threads %.9f", one, two);
	cr_assert(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0);
	cr_assert_lt(one, 0.95, "valid MSE %.4f after 10 epochs", one);
	model_free(a);
	model_free(b);
	ds_free(ds);
}

/* AVX2+FMA vs portable: the same arithmetic up to rounding (FMA, the dot
 * product's summation order), which leaves the validation MSE after 10
 * epochs within 1e-3 and every parameter close. */
Test(fasttrain, simd_kernel_matches_portable)
{
	struct ds *ds = ml100k();
	struct model *a, *b;
	double vec = fit(ds, 1, 1, 10, 0, &a), port = fit(ds, 1, 0, 10, 0, &b);
	cr_log_info("valid MSE: simd %.6f, portable %.6f", vec, port);
	cr_assert_lt(fabs(vec - port), 1e-3, "simd %.6f, portable %.6f", vec, port);
	double worst = max_diff(a, b);
	cr_log_info("largest parameter difference %g", worst);
	cr_assert_lt(worst, 0.05, "largest parameter difference %g", worst);
	model_free(a);
	model_free(b);
	ds_free(ds);
}

/* Momentum 0 through the momentum kernel (velocity kept and read back)
 * is plain SGD to the bit, in both kernels: v = 0 v + d is d exactly. */
Test(fasttrain, momentum_zero_is_plain_sgd)
{
	char dir[4096];
	struct ds *ds = synth(dir, sizeof dir, 50000, 1000, 500);
	struct eng_train_hp tc = ftrain_cfg_plain(3, 0.02, 0.05);
	for (int simd = 0; simd <= 1; simd++) {
		struct model *a, *b;
		double plain = fit_cfg(ds, &tc, simd, 0, 1, &a), vel = fit_cfg(ds, &tc, simd, 1, 1, &b);
		cr_assert_eq(plain, vel, "simd %d: plain %.9f, velocity %.9f", simd, plain, vel);
		cr_assert(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0,
			  "simd %d: parameters differ by up to %g", simd, max_diff(a, b));
		model_free(a);
		model_free(b);
	}
	ds_free(ds);
	testenv_rmdir(dir);
}

/* A planted rank-4 problem with little noise: 60,000 ratings. */
static struct ds *planted(char *dir, size_t n)
{
	struct synth_cfg c = synth_cfg_default();
	c.n_ratings = 60000;
	c.n_users = 600;
	c.n_items = 400;
	c.n_factors = 4;
	c.noise = 0.1;
	c.seed = 11;
	testenv_tmpdir(dir, n);
	cr_assert_eq(synth_write(&c, dir, err, sizeof err), 0, "%s", err);
	return load(dir);
}

/* The RMSE of predicting the training mean for every validation rating
 * (the split of fit_cfg). */
static double mean_rmse(const struct ds *ds)
{
	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);
	const struct rcols cols = ds_cols(ds);
	double mean = 0.0, sse = 0.0;
	for (size_t j = 0; j < sp.n_train; j++)
		mean += rc_value(&cols, sp.train[j]);
	mean /= (double)sp.n_train;
	for (size_t j = 0; j < sp.n_valid; j++)
		sse += (rc_value(&cols, sp.valid[j]) - mean) * (rc_value(&cols, sp.valid[j]) - mean);
	double rmse = sqrt(sse / (double)sp.n_valid);
	split_free(&sp);
	return rmse;
}

/* Momentum 0.9 at a tenth of plain SGD's rate (the same step in the
 * long run) and Adam both learn the planted model: validation RMSE far
 * below the mean's, and each at least as good as plain SGD's. */
Test(fasttrain, momentum_and_adam_recover_a_planted_model)
{
	char dir[4096];
	struct ds *ds = planted(dir, sizeof dir);
	double base = mean_rmse(ds);
	struct eng_train_hp sgd = ftrain_cfg_plain(12, 0.02, 0.01), mom = sgd, adam = sgd;
	struct eng_train_hp ada = sgd;
	mom.mom = 0.9;
	mom.lr = 0.002;
	adam.opt = ENG_OPTIM_ADAM;
	adam.lr = 0.003;
	ada.opt = ENG_OPTIM_ADAROW;
	ada.lr = 0.05;
	double r_sgd = sqrt(fit_cfg(ds, &sgd, 1, 0, 0, NULL));
	double r_mom = sqrt(fit_cfg(ds, &mom, 1, 0, 0, NULL));
	double r_adam = sqrt(fit_cfg(ds, &adam, 1, 0, 0, NULL));
	double r_ada = sqrt(fit_cfg(ds, &ada, 1, 0, 0, NULL));
	cr_log_info("valid RMSE: mean %.4f, sgd %.4f, momentum %.4f, adam %.4f, adarow %.4f",
		    base, r_sgd, r_mom, r_adam, r_ada);
	cr_assert_lt(r_mom, 0.5 * base, "momentum %.4f vs the mean's %.4f", r_mom, base);
	cr_assert_lt(r_adam, 0.5 * base, "adam %.4f vs the mean's %.4f", r_adam, base);
	cr_assert_lt(r_ada, 0.5 * base, "adarow %.4f vs the mean's %.4f", r_ada, base);
	cr_assert_lt(r_mom, r_sgd + 0.01, "momentum %.4f, plain %.4f", r_mom, r_sgd);
	ds_free(ds);
	testenv_rmdir(dir);
}

/* The AVX2 kernels of momentum, Adam and the per-row adaptive rates
 * agree with the portable ones to float rounding (FMA, summation order,
 * the square roots and divisions). */
Test(fasttrain, simd_matches_portable_for_momentum_and_adam)
{
	char dir[4096];
	struct ds *ds = planted(dir, sizeof dir);
	struct eng_train_hp mom = ftrain_cfg_plain(5, 0.002, 0.01), adam = mom, ada = mom;
	mom.mom = 0.9;
	adam.opt = ENG_OPTIM_ADAM;
	adam.lr = 0.003;
	ada.opt = ENG_OPTIM_ADAROW;
	ada.lr = 0.05;
	const struct eng_train_hp *cfgs[] = { &mom, &adam, &ada };
	const char *names[] = { "momentum", "adam", "adarow" };
	for (int c = 0; c < 3; c++) {
		struct model *a, *b;
		double vec = fit_cfg(ds, cfgs[c], 1, 0, 1, &a), port = fit_cfg(ds, cfgs[c], 0, 0, 1, &b);
		double worst = max_diff(a, b);
		cr_log_info("%s: valid MSE simd %.6f, portable %.6f, largest difference %g",
			    names[c], vec, port, worst);
		cr_assert_lt(fabs(vec - port), 1e-3, "simd %.6f, portable %.6f", vec, port);
		cr_assert_lt(worst, 0.02, "largest parameter difference %g", worst);
		model_free(a);
		model_free(b);
	}
	ds_free(ds);
	testenv_rmdir(dir);
}

/* Chunks: one step per call (40,000 training ratings make 8 rounds of
 * one step each), n_batches steps an epoch; freeing a trainer
 * mid-epoch (a stop) is fine. */
Test(fasttrain, steps_are_chunks)
{
	char dir[4096];
	struct ds *ds = synth(dir, sizeof dir, 50000, 1000, 500);
	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.kind = ENG_MODEL_DOT;
	struct model *m = model_new(&mc, err, sizeof err);
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 2;
	tc.lr = 0.01;
	const struct rcols cols = ds_cols(ds);
	struct ftrain *t = ftrain_new(m, &cols, &sp, &tc, 1,
				      err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	cr_assert_eq(ftrain_step(t, 0, &rep), TRAIN_MORE);
	cr_assert_geq(rep.n_batches, 8);
	long n = rep.n_batches;
	for (long r = 1; r < n; r++) {
		cr_assert_eq(ftrain_step(t, 1, &rep), TRAIN_MORE);
		cr_assert_eq(rep.batch, r);
		cr_assert(rep.smooth_loss > 0.0 && isfinite(rep.smooth_loss));
	}
	cr_assert_eq(ftrain_step(t, 1, &rep), TRAIN_EPOCH_END);
	cr_assert(isfinite(rep.valid_loss) && rep.valid_loss > 0.0);
	cr_assert_eq(ftrain_step(t, 2, &rep), TRAIN_MORE);
	ftrain_free(t);
	model_free(m);
	split_free(&sp);
	ds_free(ds);
	testenv_rmdir(dir);
}

/* A bitmap split (what the engine gives the fast trainer) places the
 * same ratings in the same order as the index split it stands for: the
 * same model to the bit. */
/* A fresh model of mc trained by tc on columns c split by sp; its
 * last validation MSE in *mse. */
static struct model *train_on(const struct rcols *c, const struct split *sp,
			      const struct eng_model_hp *mc, const struct eng_train_hp *tc,
			      double *mse)
{
	struct model *m = model_new(mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct ftrain *t = ftrain_new(m, c, sp, tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	while (ftrain_step(t, 5, &rep) != TRAIN_DONE)
		;
	*mse = rep.valid_loss;
	ftrain_free(t);
	return m;
}

static void assert_same_models(struct model *m[2], const double mse[2])
{
	cr_assert_eq(mse[0], mse[1], "%.9f against %.9f", mse[0], mse[1]);
	cr_assert(memcmp(m[0]->params, m[1]->params, m[0]->n_params * sizeof(float)) == 0);
	model_free(m[0]);
	model_free(m[1]);
}

Test(fasttrain, bitmap_split_trains_the_same_model)
{
	struct ds *ds = ml100k();
	struct eng_train_hp tc = ftrain_cfg_plain(3, 0.02, 0.05);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	const struct rcols cols = ds_cols(ds);
	struct model *m[2];
	double mse[2];
	for (int b = 0; b < 2; b++) {
		struct split sp;
		cr_assert_eq((b ? split_random_bits : split_random)(ds_n_ratings(ds), 0.2, 1, &sp), 0);
		m[b] = train_on(&cols, &sp, &mc, &tc, &mse[b]);
		split_free(&sp);
	}
	assert_same_models(m, mse);
	ds_free(ds);
}

/* The dataset's one-byte value codes (rcols.h) become the grid's codes
 * as they are; plain float columns of the same ratings get theirs from
 * the layout's own table.  Either way, the same model to the bit. */
Test(fasttrain, coded_and_float_columns_train_the_same_model)
{
	struct ds *ds = ml100k();
	const struct rcols coded = ds_cols(ds);
	size_t n = ds_n_ratings(ds);
	cr_assert_not_null(coded.code, "ML-100K's ratings are stored as codes");
	uint32_t *u = malloc(n * sizeof *u), *i = malloc(n * sizeof *i);
	float *v = malloc(n * sizeof *v);
	cr_assert(u && i && v);
	for (size_t j = 0; j < n; j++) {
		u[j] = rc_user(&coded, j);
		i[j] = rc_item(&coded, j);
		v[j] = rc_value(&coded, j);
	}
	const struct rcols plain = rcols_plain(n, u, i, v);
	struct eng_train_hp tc = ftrain_cfg_plain(3, 0.02, 0.05);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	struct split sp;
	cr_assert_eq(split_random_bits(n, 0.2, 1, &sp), 0);
	struct model *m[2];
	double mse[2];
	m[0] = train_on(&coded, &sp, &mc, &tc, &mse[0]);
	m[1] = train_on(&plain, &sp, &mc, &tc, &mse[1]);
	assert_same_models(m, mse);
	split_free(&sp);
	free(u);
	free(i);
	free(v);
	ds_free(ds);
}

/* One fast run leaves its block layout in the view's keep; the next run
 * with the same split, factors and seed trains on it as it is, and gets
 * the model a fresh layout gives, to the bit.  Another split of the same
 * size, or other factors, does not fit. */
Test(fasttrain, a_kept_layout_serves_the_next_run_that_fits)
{
	struct ds *ds = ml100k();
	size_t n = ds_n_ratings(ds);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	struct split sp;
	cr_assert_eq(split_random_bits(n, 0.2, 1, &sp), 0);
	struct blocks keep = {0};
	struct ratings_view v = { .c = ds_cols(ds), .sp = &sp, .keep = &keep };
	struct eng_train_hp tc = ftrain_cfg_plain(2, 0.02, 0.05);
	struct eng_train_report rep;
	struct model *m[2];
	double mse[2];

	m[0] = model_new(&mc, err, sizeof err);
	struct trainer *t = trainer_new(&fast_trainer_ops, m[0], &v, &tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	trainer_free(t);
	model_free(m[0]);
	cr_assert_not_null(keep.recs, "the run left its layout");
	const struct rec *made = keep.recs;

	/* tuning wd: the layout is taken, then left again */
	tc.wd = 0.04;
	m[0] = model_new(&mc, err, sizeof err);
	t = trainer_new(&fast_trainer_ops, m[0], &v, &tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	cr_assert_null(keep.recs, "the run took the kept layout");
	while (trainer_step(t, 5, &rep) != TRAIN_DONE)
		;
	mse[0] = rep.valid_loss;
	trainer_free(t);
	cr_assert_eq(keep.recs, made, "and left it again");
	m[1] = train_on(&v.c, &sp, &mc, &tc, &mse[1]);
	assert_same_models(m, mse);

	const struct blocks_src src = { .c = &v.c, .sp = &sp, .n_users = mc.n_users,
					.n_items = mc.n_items };
	cr_assert(blocks_fits(&keep, &src, mc.n_factors, tc.seed));
	cr_assert_not(blocks_fits(&keep, &src, 20, tc.seed), "other factors");
	cr_assert_not(blocks_fits(&keep, &src, mc.n_factors, tc.seed + 1), "another seed");
	struct split other;
	cr_assert_eq(split_random_bits(n, 0.2, 2, &other), 0);
	cr_assert_eq(other.n_train, sp.n_train);
	const struct blocks_src osrc = { .c = &v.c, .sp = &other, .n_users = mc.n_users,
					 .n_items = mc.n_items };
	cr_assert_not(blocks_fits(&keep, &osrc, mc.n_factors, tc.seed), "another split");

	/* a run that does not fit frees the kept layout and leaves its own */
	mc.n_factors = 20;
	m[0] = model_new(&mc, err, sizeof err);
	t = trainer_new(&fast_trainer_ops, m[0], &v, &tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	cr_assert_null(keep.recs);
	trainer_free(t);
	model_free(m[0]);
	cr_assert_eq(keep.key.k, 20);
	blocks_free(&keep);
	split_free(&other);
	split_free(&sp);
	ds_free(ds);
}

/* LIBMF's per-row adaptive rates keep the grid's promise: the same model
 * to the bit on 1 and 2 threads; and a row's rate shrinks as its squared
 * gradients add up, so a rate far too large for plain SGD still learns. */
Test(fasttrain, adarow_is_thread_free_and_tames_a_large_rate)
{
	struct ds *ds = ml100k();
	struct eng_train_hp ada = ftrain_cfg_plain(5, 0.1, 0.02), sgd = ada;
	ada.opt = ENG_OPTIM_ADAROW;
	struct model *a, *b;
	ada.threads = 1;
	double one = fit_cfg(ds, &ada, 1, 0, 1, &a);
	ada.threads = 2;
	double two = fit_cfg(ds, &ada, 1, 0, 1, &b);
	cr_assert_eq(one, two, "1 thread %.9f, 2 threads %.9f", one, two);
	cr_assert(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0);
	double plain = fit_cfg(ds, &sgd, 1, 0, 1, NULL);
	cr_log_info("valid MSE at lr 0.1: adarow %.4f, plain SGD %.4f", one, plain);
	cr_assert_lt(one, 0.95, "adarow valid MSE %.4f", one);
	cr_assert_lt(one, plain, "adarow %.4f, plain SGD %.4f", one, plain);
	model_free(a);
	model_free(b);
	ds_free(ds);
}

/* The validation MSE a run reports is the model's own over the held-out
 * ratings (model_predict(), summed here in a plain loop), for a bitmap
 * split and an index split alike: the pass reads the ratings in place,
 * in ranges of storage order and batches of set bits, and must take each
 * held-out rating once, up to the last one of a count that is no multiple
 * of 64 and spans several ranges. */
Test(fasttrain, validation_is_the_models_mse_over_the_held_out_ratings)
{
	char dir[4096];
	struct ds *ds = synth(dir, sizeof dir, 150001, 2000, 800);
	size_t n = ds_n_ratings(ds);
	const struct rcols cols = ds_cols(ds);
	struct eng_train_hp tc = ftrain_cfg_plain(2, 0.02, 0.05);
	tc.threads = 2;
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.use_y_range = 1;
	cr_assert_eq(n % 64 != 0 && n > 2 * 65536, 1);
	for (int bits = 0; bits < 2; bits++) {
		struct split sp;
		cr_assert_eq((bits ? split_random_bits : split_random)(n, 0.2, 1, &sp), 0);
		struct model *m = model_new(&mc, err, sizeof err);
		struct ftrain *t = ftrain_new(m, &cols, &sp, &tc, 1, err, sizeof err);
		cr_assert_not_null(t, "%s", err);
		struct eng_train_report rep;
		while (ftrain_step(t, 5, &rep) != TRAIN_DONE)
			;
		double sse = 0.0;
		size_t held = 0;
		for (size_t x = 0; x < n; x++) {
			int valid = bits ? split_bit(&sp, x) : 0;
			if (!valid)
				continue;
			double e = (double)rc_value(&cols, x) - model_predict(m, rc_user(&cols, x), rc_item(&cols, x));
			sse += e * e;
			held++;
		}
		if (!bits)
			for (size_t j = 0; j < sp.n_valid; j++, held++) {
				uint32_t x = sp.valid[j];
				double e = (double)rc_value(&cols, x) - model_predict(m, rc_user(&cols, x), rc_item(&cols, x));
				sse += e * e;
			}
		cr_assert_eq(held, sp.n_valid);
		double mse = sse / (double)held;
		cr_assert(fabs(rep.valid_loss - mse) <= 1e-5 * mse,
			  "%s split: reported %.9f, the model's %.9f", bits ? "bitmap" : "index",
			  rep.valid_loss, mse);
		ftrain_free(t);
		model_free(m);
		split_free(&sp);
	}
	ds_free(ds);
	testenv_rmdir(dir);
}
