/* test_eng.c -- the engine object driven synchronously: commands in,
 * events out, on the tiny ML-100K-format fixture. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eng.h"
#include "history.h"
#include "testenv.h"
#include "testsink.h"

/* An engine with the fixture loaded, as `collabtui summary` loads it
 * when summary_only is set. */
static struct eng *loaded_as(struct sink *s, int summary_only)
{
	struct eng *e = eng_new(sink_collect, s);
	cr_assert_not_null(e);
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 7 };
	testenv_fixture(c.u.load.path, sizeof c.u.load.path, "ml-100k");
	c.u.load.summary_only = summary_only;
	cr_assert_eq(eng_handle(e, &c), 0);
	return e;
}

static struct eng *loaded(struct sink *s)
{
	return loaded_as(s, 0);
}

static struct eng_cmd train_cmd(int epochs, int bs)
{
	struct eng_cmd c = { .kind = ENG_CMD_TRAIN, .req_id = 9 };
	c.u.train.model = eng_model_hp_default();
	c.u.train.model.n_factors = 3;
	c.u.train.train = eng_train_hp_default();
	c.u.train.train.epochs = epochs;
	c.u.train.train.bs = bs;
	c.u.train.valid_pct = 0.2;
	return c;
}

Test(eng, load_sends_summary_then_catalogue)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.ev[0].kind, ENG_EVT_LOADED);
	cr_assert_eq(s.ev[0].req_id, 7);
	cr_assert_eq(s.ev[0].u.summary.n_ratings, 6);
	cr_assert_eq(s.ev[1].kind, ENG_EVT_CATALOG);
	const struct eng_catalog *cat = s.ev[1].u.catalog;
	cr_assert_eq(cat->n_items, 5);
	cr_assert_str_eq(cat->items[0].title, "Toy Story (1995)");
	cr_assert_eq(cat->items[0].year, 1995);
	cr_assert_eq(cat->items[0].n_ratings, 2);
	cr_assert_float_eq(cat->items[0].mean, 4.5f, 1e-6f);
	cr_assert_str_eq(cat->items[1].title, "Misérables, Les (1995)");
	cr_assert_str_eq(cat->items[4].title, "item 7", "rated but not in u.item");
	cr_assert_eq(cat->items[4].year, 0);
	sink_release(&s);
	eng_free(e);
}

Test(eng, a_summary_only_load_sends_no_catalogue_and_queries_still_answer)
{
	struct sink s = {0};
	struct eng *e = loaded_as(&s, 1);
	cr_assert_eq(s.n, 1, "LOADED, no CATALOG");
	cr_assert_eq(s.ev[0].kind, ENG_EVT_LOADED);
	cr_assert_eq(s.ev[0].u.summary.n_ratings, 6);
	sink_release(&s);
	/* the per-item statistics are made by the first query that needs them */
	struct eng_cmd c = { .kind = ENG_CMD_ITEM_DETAIL, .req_id = 3, .u.item = 0 };
	cr_assert_eq(eng_handle(e, &c), 0);
	const struct eng_detail *d = &sink_first(&s, ENG_EVT_ITEM_DETAIL)->u.detail;
	cr_assert_eq(d->bin_count[3] + d->bin_count[4], 2, "Toy Story's 4 and 5");
	sink_release(&s);
	eng_free(e);
}

Test(eng, item_detail_histogram)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	struct eng_cmd c = { .kind = ENG_CMD_ITEM_DETAIL, .req_id = 3, .u.item = 0 };
	cr_assert_eq(eng_handle(e, &c), 0);
	const struct eng_detail *d = &sink_first(&s, ENG_EVT_ITEM_DETAIL)->u.detail;
	cr_assert_eq(d->n_ratings, 2);
	cr_assert_eq(d->n_bins, 5);
	cr_assert_eq(d->bin_lo[3], 4.0f);
	cr_assert_eq(d->bin_count[3], 1, "one 4-star rating");
	cr_assert_eq(d->bin_count[4], 1, "one 5-star rating");
	cr_assert_eq(d->bin_count[0] + d->bin_count[1] + d->bin_count[2], 0);
	s.n = 0;
	c.u.item = 99;
	cr_assert_eq(eng_handle(e, &c), ENG_EARG);
	cr_assert_eq(s.ev[0].kind, ENG_EVT_ERROR);
	cr_assert_eq(s.ev[0].req_id, 3);
	eng_free(e);
}

Test(eng, training_reports_epochs_curve_and_biases)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	struct eng_cmd c = train_cmd(3, 2);
	cr_assert_eq(eng_handle(e, &c), 0);
	cr_assert(eng_busy(e));
	while (eng_busy(e))
		eng_work(e);
	int epochs = 0, points = 0;
	long next = 0;
	for (int i = 0; i < s.n; i++) {
		const struct eng_evt *ev = &s.ev[i];
		cr_assert_eq(ev->req_id, 9);
		if (ev->kind == ENG_EVT_EPOCH)
			cr_assert_eq(ev->u.train.report.epoch, epochs++);
		if (ev->kind == ENG_EVT_PROGRESS || ev->kind == ENG_EVT_EPOCH ||
		    ev->kind == ENG_EVT_TRAINED) {
			const struct eng_curve *cv = &ev->u.train.curve;
			if (cv->n)
				cr_assert_eq(cv->first, next, "points follow on");
			next = cv->first + cv->n * cv->stride;
			points += cv->n;
			for (int p = 0; p < cv->n; p++)
				cr_assert(isfinite(cv->loss[p]) && cv->loss[p] > 0);
		}
	}
	cr_assert_eq(s.ev[0].kind, ENG_EVT_TRAIN_START);
	cr_assert_eq(s.ev[0].u.train.report.n_batches, 2, "5 training ratings, bs 2");
	cr_assert_eq(s.ev[1].kind, ENG_EVT_PROGRESS, "the first step is shown at once");
	cr_assert_eq(s.ev[1].u.train.report.epoch, 0);
	cr_assert_eq(s.ev[1].u.train.report.batch, 1);
	cr_assert_eq(epochs, 3);
	cr_assert_eq(points, 6, "one point per batch on a run this short");
	cr_assert_eq(s.ev[s.n - 2].kind, ENG_EVT_TRAINED);
	cr_assert_eq(s.ev[s.n - 1].kind, ENG_EVT_BIASES);
	cr_assert_eq(s.ev[s.n - 1].u.biases->n_items, 5);
	sink_release(&s);
	eng_free(e);
}

Test(eng, stop_ends_training)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	struct eng_cmd c = train_cmd(100000, 1);
	cr_assert_eq(eng_handle(e, &c), 0);
	/* the run is prepared on a thread of its own: wait till it trains */
	while (!sink_first(&s, ENG_EVT_TRAIN_START))
		eng_work(e);
	eng_work(e);
	cr_assert(eng_busy(e));
	struct eng_cmd again = train_cmd(1, 1);
	cr_assert_eq(eng_handle(e, &again), ENG_ESTATE, "one training at a time");
	struct eng_cmd stop = { .kind = ENG_CMD_STOP, .req_id = 11 };
	cr_assert_eq(eng_handle(e, &stop), 0);
	cr_assert(!eng_busy(e));
	cr_assert_not_null(sink_first(&s, ENG_EVT_STOPPED));
	cr_assert_eq(sink_first(&s, ENG_EVT_STOPPED)->req_id, 11);
	cr_assert_not_null(sink_first(&s, ENG_EVT_BIASES), "the stopped model's biases");
	sink_release(&s);
	eng_free(e);
}

Test(eng, errors_are_events_with_codes)
{
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = train_cmd(1, 1);
	cr_assert_eq(eng_handle(e, &c), ENG_ESTATE, "no dataset yet");
	struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 2 };
	strcpy(sv.u.path, "/tmp/never-written");
	cr_assert_eq(eng_handle(e, &sv), ENG_ESTATE);
	struct eng_cmd ld = { .kind = ENG_CMD_LOAD_DATA, .req_id = 4 };
	strcpy(ld.u.load.path, "/nonexistent/collabtui");
	cr_assert_eq(eng_handle(e, &ld), ENG_EDATA);
	cr_assert_eq(s.n, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(s.ev[i].kind, ENG_EVT_ERROR);
	cr_assert(strstr(s.ev[2].u.error.msg, "/nonexistent/collabtui"), "%s", s.ev[2].u.error.msg);
	cr_assert_str_eq(eng_strerror(ENG_EDATA), "invalid input data");
	eng_free(e);
}

/* A run that diverges (lr 1e30) ends with ENG_EDIVERGED saying where and
 * what to try, never TRAINED; the model is gone (nothing to save), and the
 * history records the run as diverged. */
Test(eng, a_diverging_run_is_an_error_and_leaves_no_model)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	char dir[256], hist[512];
	testenv_tmpdir(dir, sizeof dir);
	snprintf(hist, sizeof hist, "%s", testenv_in(dir, "history.jsonl"));
	struct eng_cmd h = { .kind = ENG_CMD_HISTORY };
	snprintf(h.u.path, sizeof h.u.path, "%s", hist);
	cr_assert_eq(eng_handle(e, &h), 0);

	struct eng_cmd c = train_cmd(5, 2);
	c.u.train.train.lr = 1e30;
	c.u.train.train.wd = 0;
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	const struct eng_evt *err = sink_first(&s, ENG_EVT_ERROR);
	cr_assert_not_null(err, "no error for a diverged run");
	cr_assert_eq(err->req_id, 9);
	cr_assert_eq(err->u.error.code, ENG_EDIVERGED);
	int epoch = -1;
	long batch = -1;
	char hint[64] = "";
	cr_assert_eq(sscanf(err->u.error.msg, "diverged at epoch %d, batch %ld: %63[^\n]",
			    &epoch, &batch, hint), 3, "%s", err->u.error.msg);
	cr_assert(epoch >= 0 && epoch < 5 && batch >= 1 && batch <= 2, "%s", err->u.error.msg);
	cr_assert_str_eq(hint, "try a lower lr");
	cr_assert_null(sink_first(&s, ENG_EVT_TRAINED));
	cr_assert_null(sink_first(&s, ENG_EVT_BIASES), "no biases of a NaN model");
	cr_assert_str_eq(eng_strerror(ENG_EDIVERGED), "training diverged");
	cr_assert_not(eng_busy(e));

	struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 12 };
	snprintf(sv.u.path, sizeof sv.u.path, "%s", testenv_in(dir, "m.ctm"));
	cr_assert_eq(eng_handle(e, &sv), ENG_ESTATE, "a diverged model is not saved");
	cr_assert_neq(access(sv.u.path, F_OK), 0);

	struct history_run *runs;
	size_t n;
	char herr[256];
	cr_assert_eq(history_read(hist, NULL, &runs, &n, herr, sizeof herr), 0, "%s", herr);
	cr_assert_eq(n, 1);
	cr_assert(runs[0].diverged, "recorded as diverged");
	cr_assert(isnan(runs[0].final_valid));
	cr_assert_eq(runs[0].n_losses, epoch, "the epochs before it");
	free(runs);
	sink_release(&s);
	eng_free(e);
	testenv_rmdir(dir);
}

/* Item biases after a short training run, with or without "you". */
static void biases_after(struct eng *e, struct sink *s, int n_mine, float *out)
{
	struct eng_cmd c = train_cmd(3, 2);
	c.u.train.n_mine = n_mine;
	for (int j = 0; j < n_mine; j++)
		c.u.train.mine[j] = (struct eng_rating){ .item = (uint32_t)j, .rating = 1.0f };
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	const struct eng_biases *b = sink_last(s, ENG_EVT_BIASES)->u.biases;
	cr_assert_eq(b->n_items, 5);
	memcpy(out, b->item_bias, 5 * sizeof *out);
	sink_release(s);
}

Test(eng, retrain_with_you_included)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	float without[5], with[5];
	biases_after(e, &s, 0, without);
	biases_after(e, &s, 3, with);
	cr_assert_neq(memcmp(without, with, sizeof with), 0,
		      "your three 1-star ratings moved the item biases");
	cr_assert_lt(with[0], without[0], "a 1-star rating pulls its movie's bias down");

	/* the saved model has the dataset's shape again */
	char dir[512], path[600];
	testenv_tmpdir(dir, sizeof dir);
	struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 5 };
	snprintf(path, sizeof path, "%s/m.clbt", dir);
	snprintf(sv.u.path, sizeof sv.u.path, "%s", path);
	cr_assert_eq(eng_handle(e, &sv), 0);
	struct eng_cmd lm = { .kind = ENG_CMD_LOAD_MODEL, .req_id = 6 };
	snprintf(lm.u.path, sizeof lm.u.path, "%s", path);
	cr_assert_eq(eng_handle(e, &lm), 0, "a model trained with you loads for the dataset");
	sink_release(&s);

	struct eng_cmd bad = train_cmd(1, 2);
	bad.u.train.n_mine = 1;
	bad.u.train.mine[0] = (struct eng_rating){ .item = 99, .rating = 4.0f };
	cr_assert_eq(eng_handle(e, &bad), ENG_EARG, "a rating of no movie");
	bad.u.train.mine[0].item = 0;
	bad.u.train.resume = 1;
	cr_assert_eq(eng_handle(e, &bad), ENG_EARG, "with you, training starts afresh");
	sink_release(&s);
	testenv_rmdir(dir);
	eng_free(e);
}

/* Save the model to DIR/m.clbt and load it back. */
static void save_and_load(struct eng *e, const char *dir)
{
	struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 5 };
	snprintf(sv.u.path, sizeof sv.u.path, "%s/m.clbt", dir);
	cr_assert_eq(eng_handle(e, &sv), 0);
	struct eng_cmd lm = { .kind = ENG_CMD_LOAD_MODEL, .req_id = 6 };
	snprintf(lm.u.path, sizeof lm.u.path, "%s/m.clbt", dir);
	cr_assert_eq(eng_handle(e, &lm), 0);
}

/* RECOMMEND's basis for the given ratings (r[j] for item j). */
static const struct eng_recs *recs_for(struct eng *e, struct sink *s, int n,
				       const float *r)
{
	struct eng_cmd c = { .kind = ENG_CMD_RECOMMEND, .req_id = 11 };
	c.u.recommend.top = 2;
	c.u.recommend.n = n;
	for (int j = 0; j < n; j++)     /* given last first: order is no matter */
		c.u.recommend.r[j] = (struct eng_rating){ .item = (uint32_t)(n - 1 - j),
							  .rating = r[n - 1 - j] };
	sink_release(s);
	cr_assert_eq(eng_handle(e, &c), 0);
	const struct eng_evt *ev = sink_first(s, ENG_EVT_RECS);
	cr_assert_not_null(ev, "RECOMMEND answered with RECS");
	return &ev->u.recs;
}

/* After training with you, recommendations for the same ratings come
 * from the row training learned for you; other ratings, a retrain
 * without you, or a loaded model fold you in again. */
Test(eng, recommend_from_the_row_trained_with_you)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	float without[5];
	biases_after(e, &s, 3, without);        /* trains items 0..2 at 1 star */
	const float ones[3] = { 1.0f, 1.0f, 1.0f }, other[3] = { 1.0f, 1.0f, 5.0f };
	const struct eng_recs *r = recs_for(e, &s, 3, ones);
	cr_assert_eq(r->basis, ENG_RECS_TRAINED);
	cr_assert_eq(r->n_rated, 3);
	cr_assert_eq(r->n, 2, "the two movies not rated");
	for (int j = 0; j < r->n; j++)
		cr_assert(r->e[j].idx >= 3 && isfinite(r->e[j].score));
	cr_assert_str_eq(r->model, "dotbias");
	float trained = r->e[0].score;
	sink_release(&s);

	r = recs_for(e, &s, 3, other);
	cr_assert_eq(r->basis, ENG_RECS_FOLDIN, "you rated since: folded in");
	cr_assert_eq(r->n_trained, 3, "and it says what training had");
	sink_release(&s);
	r = recs_for(e, &s, 2, ones);
	cr_assert_eq(r->basis, ENG_RECS_FOLDIN, "a rating cleared: folded in");
	sink_release(&s);
	r = recs_for(e, &s, 3, ones);
	cr_assert_eq(r->basis, ENG_RECS_TRAINED, "the same ratings again: the row is kept");
	cr_assert_float_eq(r->e[0].score, trained, 0.0f);
	sink_release(&s);

	char dir[512];
	testenv_tmpdir(dir, sizeof dir);
	save_and_load(e, dir);
	sink_release(&s);
	r = recs_for(e, &s, 3, ones);
	cr_assert_eq(r->basis, ENG_RECS_FOLDIN, "a loaded model has no row for you");
	cr_assert_eq(r->n_trained, 0);
	sink_release(&s);

	biases_after(e, &s, 3, without);
	biases_after(e, &s, 0, without);        /* a retrain without you */
	r = recs_for(e, &s, 3, ones);
	cr_assert_eq(r->basis, ENG_RECS_FOLDIN);
	cr_assert_eq(r->n_trained, 0, "the new model never had you");
	sink_release(&s);
	testenv_rmdir(dir);
	eng_free(e);
}

/* MODEL_LOADED says what trained the model: its shape and the settings
 * its file names, which a front end shows and trains with again. */
Test(eng, model_loaded_says_what_trained_it)
{
	struct sink s = {0};
	struct eng *e = loaded(&s);
	sink_release(&s);
	struct eng_cmd c = train_cmd(3, 2);
	c.u.train.model.kind = ENG_MODEL_DOT;
	c.u.train.model.use_y_range = 0;
	c.u.train.train.lr = 0.01;
	c.u.train.train.wd = 0.05;
	c.u.train.train.opt = ENG_OPTIM_SGD;
	c.u.train.train.sched = ENG_SCHED_CONSTANT;
	c.u.train.train.seed = 7;
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	sink_release(&s);
	char dir[512];
	testenv_tmpdir(dir, sizeof dir);
	save_and_load(e, dir);
	const struct eng_evt *ev = sink_first(&s, ENG_EVT_MODEL_LOADED);
	cr_assert_not_null(ev);
	const struct eng_model_info *mi = &ev->u.model_info;
	cr_assert_eq(mi->shape.kind, ENG_MODEL_DOT);
	cr_assert_eq(mi->shape.n_factors, 3);
	cr_assert_eq(mi->n_factors, 3);
	cr_assert_eq(mi->shape.use_y_range, 0);
	cr_assert_eq(mi->has_train, 1);
	cr_assert_eq(mi->train.algo, ENG_FIT_SGD);
	cr_assert_float_eq(mi->train.lr, 0.01, 1e-12);
	cr_assert_float_eq(mi->train.wd, 0.05, 1e-12);
	cr_assert_eq(mi->train.bs, 2);
	cr_assert_eq(mi->train.epochs, 3);
	cr_assert_eq(mi->train.opt, ENG_OPTIM_SGD);
	cr_assert_eq(mi->train.sched, ENG_SCHED_CONSTANT);
	cr_assert_eq(mi->train.seed, 7);
	cr_assert_float_eq(mi->valid_pct, 0.2, 1e-12);
	cr_assert_eq(mi->epochs_done, 3);
	cr_assert(isfinite(mi->valid_loss));
	sink_release(&s);

	/* a solver's model names its fit, so it loads as that again */
	c = train_cmd(2, 2);
	c.u.train.train.algo = ENG_FIT_ALS;
	c.u.train.model.use_y_range = 0;
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	sink_release(&s);
	save_and_load(e, dir);
	ev = sink_first(&s, ENG_EVT_MODEL_LOADED);
	cr_assert_not_null(ev);
	cr_assert_eq(ev->u.model_info.train.algo, ENG_FIT_ALS);
	cr_assert_eq(ev->u.model_info.n_factors, 3);
	sink_release(&s);
	testenv_rmdir(dir);
	eng_free(e);
}

/* ITEM_DETAIL answers from per-item counts kept by the engine: on the
 * real ML-100K every item's histogram is the one counted from u.data
 * directly, its bins add up to its ratings, and a new dataset brings new
 * counts. */
Test(eng, item_detail_matches_the_ratings_on_ml100k)
{
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	testenv_dataset(c.u.load.path, sizeof c.u.load.path, "ml-100k");
	cr_assert_eq(eng_handle(e, &c), 0);
	sink_release(&s);
	char p[4096];
	snprintf(p, sizeof p, "%s/u.data", c.u.load.path);
	FILE *f = fopen(p, "r");
	cr_assert(f, "%s", p);
	static uint32_t want[1683][5];
	unsigned u, it, r;
	unsigned long ts;
	while (fscanf(f, "%u %u %u %lu", &u, &it, &r, &ts) == 4)
		want[it][r - 1]++;
	fclose(f);
	/* ids 1..1682 are dense indices 0..1681 with the id key */
	for (uint32_t item = 0; item < 1682; item += 7) {
		s.n = 0;
		struct eng_cmd d = { .kind = ENG_CMD_ITEM_DETAIL, .req_id = 2, .u.item = item };
		cr_assert_eq(eng_handle(e, &d), 0);
		const struct eng_detail *det = &sink_first(&s, ENG_EVT_ITEM_DETAIL)->u.detail;
		cr_assert_eq(det->n_bins, 5);
		uint32_t sum = 0;
		double mean = 0.0;
		for (int b = 0; b < 5; b++) {
			cr_assert_eq(det->bin_count[b], want[item + 1][b], "item %u bin %d", item, b);
			sum += det->bin_count[b];
			mean += (b + 1.0) * det->bin_count[b];
		}
		cr_assert_eq(det->n_ratings, sum);
		cr_assert_float_eq(det->mean, (float)(mean / sum), 1e-5);
	}
	/* the tiny fixture: its item 0 has two ratings, not ML-100K's 452 */
	s.n = 0;
	testenv_fixture(c.u.load.path, sizeof c.u.load.path, "ml-100k");
	cr_assert_eq(eng_handle(e, &c), 0);
	sink_release(&s);
	s.n = 0;
	struct eng_cmd d = { .kind = ENG_CMD_ITEM_DETAIL, .req_id = 3, .u.item = 0 };
	cr_assert_eq(eng_handle(e, &d), 0);
	cr_assert_eq(sink_first(&s, ENG_EVT_ITEM_DETAIL)->u.detail.n_ratings, 2);
	eng_free(e);
}
