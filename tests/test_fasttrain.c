/* test_fasttrain.c -- the fast trainer: thread count does not change the
 * result, the AVX2 kernel agrees with the portable one, chunks and stop
 * work, the engine runs it, and a few million ratings go through. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "eng.h"
#include "fasttrain.h"
#include "synth.h"
#include "testenv.h"
#include "testsink.h"

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

/* Train a fresh model on ds (80/20 split, seed 1); returns the last
 * report's validation MSE and leaves the model in *out when asked. */
static double fit(const struct ds *ds, int threads, int simd, int epochs, int y_range,
		  struct model **out)
{
	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);
	struct model_cfg mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.use_y_range = y_range;
	struct model *m = model_new(&mc, err, sizeof err);
	struct train_cfg tc = train_cfg_default();
	tc.epochs = epochs;
	tc.lr = 0.02;
	tc.wd = 0.05;
	tc.threads = threads;
	struct ftrain *t = ftrain_new(m, ds_users(ds), ds_items(ds), ds_ratings(ds), &sp, &tc, 1,
				      err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	ftrain_use_simd(t, simd);
	struct train_report rep;
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
	double worst = 0.0;
	for (size_t j = 0; j < a->n_params; j++)
		worst = fmax(worst, fabs((double)a->params[j] - b->params[j]));
	cr_log_info("largest parameter difference %g", worst);
	cr_assert_lt(worst, 0.05, "largest parameter difference %g", worst);
	model_free(a);
	model_free(b);
	ds_free(ds);
}

/* Chunks: one round per call, n_batches rounds an epoch; freeing a
 * trainer mid-epoch (a stop) is fine. */
Test(fasttrain, rounds_are_chunks)
{
	char dir[4096];
	struct ds *ds = synth(dir, sizeof dir, 50000, 1000, 500);
	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);
	struct model_cfg mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.kind = MODEL_DOT;
	struct model *m = model_new(&mc, err, sizeof err);
	struct train_cfg tc = train_cfg_default();
	tc.epochs = 2;
	tc.lr = 0.01;
	struct ftrain *t = ftrain_new(m, ds_users(ds), ds_items(ds), ds_ratings(ds), &sp, &tc, 1,
				      err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct train_report rep;
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

/* Through the engine, as `collabtui train --trainer fast` runs it, on two
 * million synthetic ratings: the large-data path of make check. */
Test(fasttrain, engine_trains_two_million_ratings, .timeout = 600)
{
	char dir[ENG_PATH_MAX];
	struct synth_cfg c = synth_cfg_default();
	c.n_ratings = 2000000;
	c.n_users = 20000;
	c.n_items = 8000;
	testenv_tmpdir(dir, sizeof dir);
	cr_assert_eq(synth_write(&c, dir, err, sizeof err), 0, "%s", err);

	static struct sink s;
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd cmd = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	snprintf(cmd.u.load.path, sizeof cmd.u.load.path, "%s", dir);
	cr_assert_eq(eng_handle(e, &cmd), 0);
	const struct eng_evt *ld = sink_first(&s, ENG_EVT_LOADED);
	cr_assert_not_null(ld);
	cr_assert_eq(ld->u.summary.n_ratings, c.n_ratings);
	sink_release(&s);

	struct eng_cmd tr = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	tr.u.train.model = model_cfg_default();
	tr.u.train.model.n_factors = 16;
	tr.u.train.train = train_cfg_default();
	tr.u.train.train.epochs = 2;
	tr.u.train.train.lr = 0.01;
	tr.u.train.train.wd = 0.05;
	tr.u.train.train.threads = 2;
	tr.u.train.valid_pct = 0.1;
	tr.u.train.fast = 1;
	cr_assert_eq(eng_handle(e, &tr), 0);
	cr_assert(eng_busy(e));
	while (eng_busy(e))
		eng_work(e);
	const struct eng_evt *done = sink_first(&s, ENG_EVT_TRAINED);
	cr_assert_not_null(done, "no TRAINED event");
	cr_assert_lt(done->u.train.report.valid_loss, 1.0, "valid MSE %g",
		     done->u.train.report.valid_loss);
	sink_release(&s);
	eng_free(e);
	testenv_rmdir(dir);
}
