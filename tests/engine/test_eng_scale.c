/* test_eng_scale.c -- the engine's long steps, driven synchronously: a
 * load reports progress and can be cancelled through the cancel hook
 * (leaving the dataset there was, or none), a STOP while a run is being
 * prepared keeps the model there was, the fast trainer reports progress
 * in the middle of an epoch, and the validation passes cut into steps
 * (fast trainer and mini-batch trainer) give the one-pass MSE. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset.h"
#include "eng.h"
#include "fasttrain.h"
#include "fit.h"
#include "model.h"
#include "synth.h"
#include "testenv.h"
#include "testsink.h"

static char err[512];

static struct eng_cmd load_cmd(uint32_t req, const char *path)
{
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = req };
	snprintf(c.u.load.path, sizeof c.u.load.path, "%s", path);
	return c;
}

static struct eng_cmd fixture_load(uint32_t req)
{
	char p[ENG_PATH_MAX];
	return load_cmd(req, testenv_fixture(p, sizeof p, "ml-100k"));
}

static struct eng_cmd train_cmd(uint32_t req, int epochs, int fast)
{
	struct eng_cmd c = { .kind = ENG_CMD_TRAIN, .req_id = req };
	c.u.train.model = model_cfg_default();
	c.u.train.model.n_factors = fast ? 16 : 3;
	c.u.train.train = train_cfg_default();
	c.u.train.train.epochs = epochs;
	c.u.train.train.bs = fast ? 64 : 2;
	c.u.train.train.lr = fast ? 0.01 : 5e-3;
	c.u.train.valid_pct = fast ? 0.1 : 0.2;
	c.u.train.fast = fast;
	return c;
}

/* A synthetic MovieLens-shaped set of n ratings in a fresh directory. */
static void synth(char *dir, size_t len, uint64_t n, uint32_t users, uint32_t items)
{
	struct synth_cfg c = synth_cfg_default();
	c.n_ratings = n;
	c.n_users = users;
	c.n_items = items;
	c.seed = 7;
	testenv_tmpdir(dir, len);
	cr_assert_eq(synth_write(&c, dir, err, sizeof err), 0, "%s", err);
}

/* The same, loaded straight (ds_load). */
static struct ds *synth_loaded(char *dir, size_t len, uint64_t n, uint32_t users,
			       uint32_t items)
{
	synth(dir, len, n, users, items);
	struct ds_opts o = { .path = dir };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	return ds;
}

/* Cancel hooks: at once, and "a load that takes its time" (the first
 * call sleeps 150 ms, so the next reports progress; never cancels). */
static int cancel_now(void *ctx)
{
	(void)ctx;
	return 1;
}

static int slow_first_call(void *ctx)
{
	int *calls = ctx;
	if ((*calls)++ == 0)
		usleep(150000);
	return 0;
}

Test(eng_scale, cancelled_load_keeps_the_dataset_there_was)
{
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = fixture_load(1);
	cr_assert_eq(eng_handle(e, &c), 0);
	sink_release(&s);

	eng_set_cancel(e, cancel_now, NULL);
	c = fixture_load(2);
	cr_assert_eq(eng_handle(e, &c), ENG_ECANCELED);
	cr_assert_eq(s.n, 1, "STOPPED only, no LOADED, CATALOG or ERROR");
	cr_assert_eq(s.ev[0].kind, ENG_EVT_STOPPED);
	cr_assert_eq(s.ev[0].req_id, 2);
	sink_release(&s);
	/* the first dataset answers still */
	struct eng_cmd d = { .kind = ENG_CMD_ITEM_DETAIL, .req_id = 3, .u.item = 0 };
	cr_assert_eq(eng_handle(e, &d), 0);
	cr_assert_eq(sink_first(&s, ENG_EVT_ITEM_DETAIL)->u.detail.n_ratings, 2);
	sink_release(&s);
	eng_free(e);
}

Test(eng_scale, cancelled_first_load_leaves_no_dataset)
{
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	eng_set_cancel(e, cancel_now, NULL);
	struct eng_cmd c = fixture_load(1);
	cr_assert_eq(eng_handle(e, &c), ENG_ECANCELED);
	cr_assert_not_null(sink_first(&s, ENG_EVT_STOPPED));
	sink_release(&s);
	c = train_cmd(2, 1, 0);
	cr_assert_eq(eng_handle(e, &c), ENG_ESTATE);
	cr_assert(strstr(s.ev[0].u.error.msg, "no dataset"), "%s", s.ev[0].u.error.msg);
	cr_assert(!eng_busy(e));
	sink_release(&s);
	eng_free(e);
}

Test(eng_scale, a_long_load_reports_progress_before_loaded)
{
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	int calls = 0;
	eng_set_cancel(e, slow_first_call, &calls);
	struct eng_cmd c = fixture_load(4);
	cr_assert_eq(eng_handle(e, &c), 0);
	cr_assert_geq(calls, 2);
	const struct eng_evt *p = sink_first(&s, ENG_EVT_LOAD_PROGRESS);
	cr_assert_not_null(p, "a load past 100 ms reports progress");
	cr_assert_eq(p->req_id, 4);
	cr_assert(p->u.load.phase >= ENG_LOAD_READ && p->u.load.phase <= ENG_LOAD_SUMMARY);
	cr_assert_geq(p->u.load.seconds, 0.1);
	cr_assert_leq(p->u.load.done, p->u.load.total);
	cr_assert_lt(p - s.ev, sink_first(&s, ENG_EVT_LOADED) - s.ev, "progress comes first");
	sink_release(&s);
	eng_free(e);
}

Test(eng_scale, stop_while_preparing_keeps_the_model_there_was)
{
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = fixture_load(1);
	cr_assert_eq(eng_handle(e, &c), 0);
	sink_release(&s);

	/* no model yet: a run stopped before it began leaves none */
	struct eng_cmd stop = { .kind = ENG_CMD_STOP, .req_id = 3 };
	c = train_cmd(2, 3, 0);
	cr_assert_eq(eng_handle(e, &c), 0);
	cr_assert_eq(eng_handle(e, &stop), 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, ENG_EVT_STOPPED);
	cr_assert_eq(s.ev[0].req_id, 3);
	while (eng_busy(e))
		eng_work(e);
	cr_assert_null(sink_first(&s, ENG_EVT_TRAIN_START), "the run never began");
	struct eng_cmd save = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 4 };
	snprintf(save.u.path, sizeof save.u.path, "/nonexistent/m.clbt");
	cr_assert_eq(eng_handle(e, &save), ENG_ESTATE, "no model to save");
	sink_release(&s);

	/* a trained model stays through a stopped preparation */
	c = train_cmd(5, 2, 0);
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	cr_assert_not_null(sink_first(&s, ENG_EVT_TRAINED));
	sink_release(&s);
	c = train_cmd(6, 2, 0);
	cr_assert_eq(eng_handle(e, &c), 0);
	cr_assert_eq(eng_handle(e, &stop), 0);
	char dir[512];
	testenv_tmpdir(dir, sizeof dir);
	snprintf(save.u.path, sizeof save.u.path, "%s/m.clbt", dir);
	cr_assert_eq(eng_handle(e, &save), 0, "the model trained before is still there");
	/* and the next run starts once the stopped one is wound up */
	c = train_cmd(7, 1, 0);
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	cr_assert_not_null(sink_first(&s, ENG_EVT_TRAINED));
	cr_assert_eq(sink_first(&s, ENG_EVT_TRAINED)->req_id, 7);
	sink_release(&s);
	testenv_rmdir(dir);
	eng_free(e);
}

/* With a pause between chunks longer than the progress interval, a chunk
 * that ends mid-epoch is followed by PROGRESS from inside the epoch: on
 * 1M ratings an epoch is 8 rounds of ~110k ratings, one a chunk. */
Test(eng_scale, fast_trainer_reports_progress_mid_epoch, .timeout = 120)
{
	char dir[512];
	synth(dir, sizeof dir, 1000000, 10000, 4000);
	static struct sink s;
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = load_cmd(1, dir);
	cr_assert_eq(eng_handle(e, &c), 0);
	sink_release(&s);
	c = train_cmd(2, 2, 1);
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e)) {
		eng_work(e);
		usleep(120000);
	}
	int mid = 0, epochs = 0;
	long n_batches = sink_first(&s, ENG_EVT_TRAIN_START)->u.train.report.n_batches;
	cr_assert_geq(n_batches, 8);
	for (int i = 0; i < s.n; i++) {
		const struct eng_train_report *r = &s.ev[i].u.train.report;
		if (s.ev[i].kind == ENG_EVT_PROGRESS && r->batch > 0 && r->batch < n_batches) {
			mid++;
			cr_assert(isfinite(r->smooth_loss) && r->smooth_loss > 0);
		}
		epochs += s.ev[i].kind == ENG_EVT_EPOCH;
	}
	cr_assert_geq(mid, 2, "PROGRESS events inside the epochs");
	cr_assert_eq(epochs, 2);
	cr_assert_not_null(sink_first(&s, ENG_EVT_TRAINED));
	sink_release(&s);
	eng_free(e);
	testenv_rmdir(dir);
}

/* A model of k factors for ds, and a random split of it. */
static struct model *fresh_model(const struct ds *ds, int k, double valid_pct,
				 struct split *sp)
{
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.n_factors = k;
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	cr_assert_eq(split_random(ds_n_ratings(ds), valid_pct, 1, sp), 0);
	return m;
}

/* The validation MSE a trainer reported is the model's, computed in one
 * pass here. */
static void assert_valid_mse(const struct model *m, const struct ds *ds,
			     const struct split *sp, double got)
{
	const struct rcols cols = ds_cols(ds);
	double want = model_mse_idx(m, &cols, sp->valid,
				    sp->n_valid);
	cr_assert_lt(fabs(got - want), 1e-9 * want, "steps %.12f, one pass %.12f", got, want);
}

/* Steps of the fast trainer's validation pass after the last round: some
 * calls return TRAIN_MORE at batch == n_batches, and the MSE they add up
 * to is the model's on the validation ratings. */
Test(eng_scale, fast_validation_in_steps_gives_the_mse, .timeout = 120)
{
	char dir[512];
	struct ds *ds = synth_loaded(dir, sizeof dir, 1000000, 10000, 4000);
	struct split sp;
	/* 500k validation ratings: more than one step's 400k */
	struct model *m = fresh_model(ds, 8, 0.5, &sp);
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 1;
	tc.lr = 0.01;
	const struct rcols cols = ds_cols(ds);
	struct ftrain *t = ftrain_new(m, &cols, &sp, &tc, 1,
				      err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	enum train_status st;
	int validating = 0;
	while ((st = ftrain_step(t, 1, &rep)) == TRAIN_MORE)
		validating += rep.batch == rep.n_batches;
	cr_assert_eq(st, TRAIN_DONE);
	cr_assert_geq(validating, 1, "the pass over 500k ratings takes more than one step");
	assert_valid_mse(m, ds, &sp, rep.valid_loss);
	ftrain_free(t);
	model_free(m);
	split_free(&sp);
	ds_free(ds);
	testenv_rmdir(dir);
}

/* The mini-batch trainer on 300k ratings: a validation set of 60k in
 * one step, and of 150k (valid_pct 0.5) in three, both the model's MSE. */
Test(eng_scale, minibatch_validation_in_steps_gives_the_mse, .timeout = 120)
{
	char dir[512];
	struct ds *ds = synth_loaded(dir, sizeof dir, 300000, 3000, 1000);
	for (int k = 0; k < 2; k++) {
		struct split sp;
		struct model *m = fresh_model(ds, 4, k ? 0.5 : 0.2, &sp);
		struct eng_train_hp tc = train_cfg_default();
		tc.epochs = 1;
		tc.bs = 4096;
		const struct rcols cols = ds_cols(ds);
		struct fit *t = fit_new(m, &cols, &sp,
					      &tc, 1, err, sizeof err);
		cr_assert_not_null(t, "%s", err);
		struct eng_train_report rep;
		enum train_status st;
		int validating = 0;
		while ((st = fit_step(t, 1, &rep)) == TRAIN_MORE)
			validating += rep.batch == rep.n_batches;
		cr_assert_eq(st, TRAIN_DONE);
		cr_assert_eq(validating, k ? 2 : 0, "steps of 65536 validation ratings");
		assert_valid_mse(m, ds, &sp, rep.valid_loss);
		fit_free(t);
		model_free(m);
		split_free(&sp);
	}
	ds_free(ds);
	testenv_rmdir(dir);
}

/* Ratings of `users` x `items`, every pair once, the value from salt. */
static void write_grid(const char *path, int users, int items, int salt)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	for (int u = 0; u < users; u++)
		for (int i = 0; i < items; i++)
			fprintf(f, "%d,%d,%d\n", u, i, (u * salt + i * (salt + 2)) % 5 + 1);
	cr_assert_eq(fclose(f), 0);
}

/* The validation MSE of a fast run on the loaded set, with your ratings
 * of the first n_mine movies, all `mine` stars (none with n_mine 0). */
static double fast_run_with(struct eng *e, struct sink *s, int n_mine, float mine)
{
	struct eng_cmd c = train_cmd(20, 2, 1);
	c.u.train.n_mine = n_mine;
	for (int j = 0; j < n_mine; j++)
		c.u.train.mine[j] = (struct eng_rating){ .item = (uint32_t)j, .rating = mine };
	sink_release(s);
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	const struct eng_evt *t = sink_last(s, ENG_EVT_TRAINED);
	cr_assert_not_null(t);
	return t->u.train.report.valid_loss;
}

static double fast_run(struct eng *e, struct sink *s)
{
	return fast_run_with(e, s, 0, 0.0f);
}

/* The engine keeps a fast run's block layout for the next run with the
 * same split, factors and seed; a new dataset must drop it.  Two sets of
 * the very same shape (so the split and the layout's key are the same)
 * with other ratings: after the first, the second trains as it does in a
 * fresh engine. */
Test(eng_scale, a_new_dataset_drops_the_kept_block_layout)
{
	char dir[512], a[600], b[600];
	testenv_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.csv", dir);
	snprintf(b, sizeof b, "%s/b.csv", dir);
	write_grid(a, 60, 40, 3);
	write_grid(b, 60, 40, 7);
	static struct sink s;
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = load_cmd(1, a);
	cr_assert_eq(eng_handle(e, &c), 0);
	double on_a = fast_run(e, &s);
	cr_assert_eq(fast_run(e, &s), on_a, "again on a: the kept layout, the same run");
	c = load_cmd(3, b);
	sink_release(&s);
	cr_assert_eq(eng_handle(e, &c), 0);
	double after_a = fast_run(e, &s);
	eng_free(e);
	sink_release(&s);

	e = eng_new(sink_collect, &s);
	cr_assert_eq(eng_handle(e, &c), 0);
	double fresh = fast_run(e, &s);
	eng_free(e);
	sink_release(&s);
	cr_assert_neq(on_a, fresh, "the two sets train differently");
	cr_assert_eq(after_a, fresh, "b after a %.9f, b alone %.9f", after_a, fresh);
	testenv_rmdir(dir);
}

/* A run with your ratings trains on copies of the columns with yours
 * appended: its layout must not serve the next such run, whose ratings
 * of yours may differ in value only (the same shape, the same split). */
Test(eng_scale, runs_with_your_ratings_lay_them_out_afresh)
{
	char dir[512], a[600];
	testenv_tmpdir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.csv", dir);
	write_grid(a, 60, 40, 3);
	struct eng_cmd c = load_cmd(1, a);
	static struct sink s;
	struct eng *e = eng_new(sink_collect, &s);
	cr_assert_eq(eng_handle(e, &c), 0);
	double loved = fast_run_with(e, &s, 20, 5.0f);
	double hated_after = fast_run_with(e, &s, 20, 1.0f);
	eng_free(e);
	sink_release(&s);

	e = eng_new(sink_collect, &s);
	cr_assert_eq(eng_handle(e, &c), 0);
	double hated = fast_run_with(e, &s, 20, 1.0f);
	eng_free(e);
	sink_release(&s);
	cr_assert_neq(loved, hated, "your ratings change the run");
	cr_assert_eq(hated_after, hated, "after another run with yours %.9f, alone %.9f",
		     hated_after, hated);
	testenv_rmdir(dir);
}
