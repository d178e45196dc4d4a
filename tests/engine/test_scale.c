/* test_scale.c -- the large-data paths on 2.5 million synthetic ratings:
 * the loader's counts, the fast trainer (thread count and chunking change
 * no bit; far better than the global mean), the sampled fold-in prior
 * against the exact one, and the engine's queries on the trained model.
 *
 * 2.5M ratings is about the least that cuts a round of the fast trainer
 * into two steps (8 stripes of 250,000 training ratings), so the chunk
 * path is exercised.  Each test takes about 2.5 s, 5-7 s under ASan
 * (measured on the 2-vCPU machine while it was shared). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "eng.h"
#include "fasttrain.h"
#include "foldin.h"
#include "synth.h"
#include "testenv.h"
#include "testsink.h"

#define N_RATINGS 2500000
#define N_USERS 25000
#define N_ITEMS 6000

static char err[512];

static struct synth_cfg scale_cfg(void)
{
	struct synth_cfg c = synth_cfg_default();
	c.n_ratings = N_RATINGS;
	c.n_users = N_USERS;
	c.n_items = N_ITEMS;
	c.seed = 5;
	return c;
}

static void write_set(char *dir, size_t n)
{
	struct synth_cfg c = scale_cfg();
	testenv_tmpdir(dir, n);
	cr_assert_eq(synth_write(&c, dir, err, sizeof err), 0, "synth_write: %s", err);
}

/* Train a fresh dotbias model (k = 16, no y_range) for three epochs of
 * plain SGD on threads threads, steps_per_call steps per ftrain_step();
 * returns the last validation MSE and the model. */
static double fit(const struct ds *ds, const struct split *sp, int threads, long steps_per_call,
		  struct model **out, long *steps_per_epoch)
{
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.n_factors = 16;
	mc.use_y_range = 0;
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct eng_train_hp tc = ftrain_cfg_plain(3, 0.03, 0.02);
	tc.threads = threads;
	const struct rcols cols = ds_cols(ds);
	struct ftrain *t = ftrain_new(m, &cols, sp, &tc, 1,
				      err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	while (ftrain_step(t, steps_per_call, &rep) != TRAIN_DONE)
		;
	*steps_per_epoch = rep.n_batches;
	ftrain_free(t);
	*out = m;
	return rep.valid_loss;
}

/* The validation RMSE of predicting the training mean. */
static double mean_rmse(const struct ds *ds, const struct split *sp)
{
	const struct rcols cols = ds_cols(ds);
	double mean = 0.0, sse = 0.0;
	for (size_t j = 0; j < sp->n_train; j++)
		mean += rc_value(&cols, sp->train[j]);
	mean /= (double)sp->n_train;
	for (size_t j = 0; j < sp->n_valid; j++)
		sse += (rc_value(&cols, sp->valid[j]) - mean) * (rc_value(&cols, sp->valid[j]) - mean);
	return sqrt(sse / (double)sp->n_valid);
}

/* The prior of foldin.h computed over every user and rating. */
static void exact_prior(const struct model *m, const struct ds *ds, double *lambda_f,
			double *lambda_b)
{
	int k = m->cfg.n_factors;
	uint32_t nu = m->cfg.n_users;
	double mean[64] = {0}, vf = 0.0, vb = 0.0, s2 = 0.0;
	for (uint32_t u = 0; u < nu; u++) {
		for (int j = 0; j < k; j++)
			mean[j] += m->user_f[(size_t)u * k + j];
		mean[k] += m->user_b[u];
	}
	for (int j = 0; j <= k; j++)
		mean[j] /= nu;
	for (uint32_t u = 0; u < nu; u++) {
		for (int j = 0; j < k; j++) {
			double d = m->user_f[(size_t)u * k + j] - mean[j];
			vf += d * d;
		}
		vb += (m->user_b[u] - mean[k]) * (m->user_b[u] - mean[k]);
	}
	vf /= (double)nu * k;
	vb /= nu;
	const struct rcols cols = ds_cols(ds);
	for (size_t x = 0; x < ds_n_ratings(ds); x++) {
		double e = foldin_target(m, rc_item(&cols, x), rc_value(&cols, x)) - m->user_b[rc_user(&cols, x)];
		for (int j = 0; j < k; j++)
			e -= (double)m->user_f[(size_t)rc_user(&cols, x) * k + j] * m->item_f[(size_t)rc_item(&cols, x) * k + j];
		s2 += e * e;
	}
	s2 /= (double)ds_n_ratings(ds);
	*lambda_f = s2 / vf;
	*lambda_b = s2 / vb;
}

/* Loader counts; the trainer on 1 thread in whole epochs and on 2
 * threads one step per call gives the same bits, far better than the
 * global mean; the sampled prior is within a few percent of the exact. */
Test(scale, load_train_threads_and_prior, .timeout = 600)
{
	char dir[4096];
	write_set(dir, sizeof dir);
	struct ds_opts o = { .path = dir };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "ds_load: %s", err);
	cr_assert_eq(ds_n_ratings(ds), N_RATINGS);
	cr_assert_eq(ds_n_users(ds), N_USERS, "every user rates at least once");
	cr_assert_leq(ds_n_items(ds), N_ITEMS);
	cr_assert_gt(ds_n_items(ds), N_ITEMS * 9 / 10, "%u of %u items rated", ds_n_items(ds),
		     N_ITEMS);

	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);
	struct model *a, *b;
	long per_epoch_a, per_epoch_b;
	double one = fit(ds, &sp, 1, 1000000, &a, &per_epoch_a);
	double two = fit(ds, &sp, 2, 1, &b, &per_epoch_b);
	cr_log_info("valid MSE: 1 thread %.6f, 2 threads by steps %.6f; %ld steps an epoch", one,
		    two, per_epoch_a);
	cr_assert_gt(per_epoch_a, 8, "rounds are cut into steps at this size (%ld steps)",
		     per_epoch_a);
	cr_assert_eq(per_epoch_a, per_epoch_b);
	cr_assert_eq(one, two, "1 thread %.9f, 2 threads %.9f", one, two);
	cr_assert(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0,
		  "1 and 2 threads trained different models");
	double base = mean_rmse(ds, &sp), rmse = sqrt(one);
	cr_log_info("valid RMSE: global mean %.4f, trained %.4f", base, rmse);
	cr_assert_lt(rmse, 0.8 * base, "trained %.4f vs the global mean's %.4f", rmse, base);

	float mean[17];
	struct foldin_prior p = { .mean = mean };
	const struct rcols cols = ds_cols(ds);
	cr_assert_eq(foldin_prior_fit(a, &cols, &p), 0);
	double lf, lb;
	exact_prior(a, ds, &lf, &lb);
	cr_log_info("prior lambda_f %.3f (exact %.3f), lambda_b %.3f (exact %.3f)", p.lambda_f,
		    lf, p.lambda_b, lb);
	cr_assert_lt(fabs(p.lambda_f - lf), 0.05 * lf, "sampled %.3f, exact %.3f", p.lambda_f, lf);
	cr_assert_lt(fabs(p.lambda_b - lb), 0.05 * lb, "sampled %.3f, exact %.3f", p.lambda_b, lb);
	model_free(a);
	model_free(b);
	split_free(&sp);
	ds_free(ds);
	testenv_rmdir(dir);
}

static void handle(struct eng *e, struct sink *s, const struct eng_cmd *c)
{
	cr_assert_eq(eng_handle(e, c), 0);
	while (eng_busy(e))
		eng_work(e);
	const struct eng_evt *bad = sink_first(s, ENG_EVT_ERROR);
	cr_assert_null(bad, "engine error: %s", bad ? bad->u.error.msg : "");
}

/* Through the engine, as `collabtui train --trainer fast` and the
 * interface run it: loaded counts, three epochs on 2 threads, then the
 * queries answer sensibly on the large model. */
Test(scale, engine_trains_and_answers, .timeout = 600)
{
	char dir[ENG_PATH_MAX];
	write_set(dir, sizeof dir);
	static struct sink s;
	struct eng *e = eng_new(sink_collect, &s);
	cr_assert_not_null(e);

	struct eng_cmd ld = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	snprintf(ld.u.load.path, sizeof ld.u.load.path, "%s", dir);
	handle(e, &s, &ld);
	const struct eng_evt *got = sink_first(&s, ENG_EVT_LOADED);
	cr_assert_not_null(got);
	cr_assert_eq(got->u.summary.n_ratings, N_RATINGS);
	cr_assert_eq(got->u.summary.n_users, N_USERS);
	uint32_t n_items = got->u.summary.n_items;
	sink_release(&s);

	struct eng_cmd tr = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	tr.u.train.model = model_cfg_default();
	tr.u.train.model.n_factors = 16;
	tr.u.train.train = ftrain_cfg_plain(3, 0.03, 0.02);
	tr.u.train.train.threads = 2;
	tr.u.train.valid_pct = 0.1;
	tr.u.train.fast = 1;
	handle(e, &s, &tr);
	const struct eng_evt *done = sink_first(&s, ENG_EVT_TRAINED);
	cr_assert_not_null(done, "no TRAINED event");
	cr_log_info("engine: valid MSE %.4f after 3 epochs", done->u.train.report.valid_loss);
	cr_assert_lt(done->u.train.report.valid_loss, 0.6, "valid MSE %g (the mean's is about 1.1)",
		     done->u.train.report.valid_loss);
	sink_release(&s);

	/* a new user: ten items rated 5 and 1 alternately */
	struct eng_cmd rec = { .kind = ENG_CMD_RECOMMEND, .req_id = 3 };
	rec.u.recommend.top = 20;
	rec.u.recommend.n = 10;
	for (int j = 0; j < 10; j++)
		rec.u.recommend.r[j] = (struct eng_rating){ (uint32_t)(97 * j + 5), j % 2 ? 1.0f : 5.0f };
	handle(e, &s, &rec);
	const struct eng_recs *rs = &sink_first(&s, ENG_EVT_RECS)->u.recs;
	cr_assert_eq(rs->basis, ENG_RECS_FOLDIN);
	cr_assert_eq(rs->n, 20);
	cr_assert(rs->lambda_f > 0 && rs->lambda_b > 0);
	for (int j = 0; j < rs->n; j++) {
		cr_assert_lt(rs->e[j].idx, n_items);
		cr_assert(isfinite(rs->e[j].score));
		cr_assert(j == 0 || rs->e[j].score <= rs->e[j - 1].score, "best first");
		for (int r = 0; r < 10; r++)
			cr_assert_neq(rs->e[j].idx, rec.u.recommend.r[r].item, "a rated item came back");
		/* the reason is a movie rated 5 (at least the user's mean) */
		uint32_t because = rs->e[j].because;
		cr_assert(because % 97 == 5 && (because / 97) % 2 == 0, "reason %u", because);
	}
	sink_release(&s);

	struct eng_cmd sim = { .kind = ENG_CMD_SIMILAR, .req_id = 4 };
	sim.u.similar.index = 7;
	sim.u.similar.k = 10;
	handle(e, &s, &sim);
	const struct eng_similar *sm = &sink_first(&s, ENG_EVT_SIMILAR)->u.similar;
	cr_assert_eq(sm->n, 10);
	for (int j = 0; j < sm->n; j++) {
		cr_assert_neq(sm->e[j].idx, 7u, "the query item is left out");
		cr_assert(sm->e[j].score <= 1.0001f && sm->e[j].score >= -1.0001f);
		cr_assert(j == 0 || sm->e[j].score <= sm->e[j - 1].score);
	}
	sink_release(&s);

	struct eng_cmd bias = { .kind = ENG_CMD_BIAS_LIST, .req_id = 5 };
	bias.u.bias.top = 10;
	bias.u.bias.bottom = 10;
	bias.u.bias.min_ratings = 100;
	handle(e, &s, &bias);
	const struct eng_bias_list *bl = &sink_first(&s, ENG_EVT_BIAS_LIST)->u.bias_list;
	cr_assert_eq(bl->n_top, 10);
	cr_assert_eq(bl->n_bottom, 10);
	for (int j = 0; j < 20; j++)
		cr_assert_geq(bl->e[j].n_ratings, 100u);
	for (int j = 1; j < 10; j++) {
		cr_assert_leq(bl->e[j].score, bl->e[j - 1].score, "highest first");
		cr_assert_geq(bl->e[10 + j].score, bl->e[10 + j - 1].score, "lowest first");
	}
	cr_assert_gt(bl->e[9].score, bl->e[19].score, "the top beats the bottom");
	sink_release(&s);
	eng_free(e);
	testenv_rmdir(dir);
}
