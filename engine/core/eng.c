/* eng.c -- the engine object: dataset, split, model and trainer, driven by
 * commands and reporting through events (see eng.h). */
#include "eng.h"
#include "clock.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

/* OpenBLAS's pthreads build ends its thread pool with this (its fork
 * handler); weak, as other BLAS builds do not have it. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

#include "bpmf.h"
#include "ckpt.h"
#include "dataset.h"
#include "export.h"
#include "import.h"
#include "fasttrain.h"
#include "insight.h"
#include "load.h"
#include "lrfind.h"
#include "metrics.h"
#include "model.h"
#include "prep.h"
#include "rankfit.h"
#include "runrecord.h"
#include "split.h"
#include "summary.h"
#include "train.h"

/* How long one eng_work() call may run: short enough that a command
 * waiting in the queue is answered well within 50 ms. */
#define WORK_CHUNK_S 0.010

/* A whole run's loss curve has at most about this many points. */
#define CURVE_POINTS 1024

struct prep;

struct eng {
	eng_emit_fn emit;
	void *ctx;

	struct ds *ds;
	struct eng_load_args load;      /* how ds was loaded */
	struct eng_summary summary;     /* of ds; its histogram bins serve ITEM_DETAIL */

	struct split sp;                /* the split the model was trained on */
	/* The last fast run's block layout, for the next run with the same
	 * split, factors and seed (train.h's ratings_view.keep): tuning lr
	 * or wd at 25M then starts without the layout's ~0.5 s.  Lent to
	 * each run (one with your ratings frees it: prep.h); emptied when a
	 * new dataset loads. */
	struct blocks keep;
	struct model *model;
	struct eng_train_args targs;    /* the last training request */
	/* The ranking model the current model is (rankfit.h), with its ridge
	 * weight and confidence, for RECOMMEND's fold-in: from its training
	 * or its file's hparams; ENG_FIT_SGD for a rating model. */
	struct {
		enum eng_fit algo;
		double reg, alpha;
	} ranker;
	enum eng_fit fit;               /* what made the model: its run's fit,
					 * or its file's fit= (SGD without one) */
	int epochs_done;
	double valid_loss;

	/* You as training left you.  A run with your ratings (TRAIN's
	 * n_mine) trains one more user, whose row model_keep_users then drops
	 * so that the model keeps the dataset's shape for saving, exporting
	 * and comparing.  The row is kept here instead, with the ratings it
	 * learned from, so that a RECOMMEND with exactly those ratings is
	 * answered from what training learned (ENG_RECS_TRAINED), not from a
	 * fold-in; once the ratings differ the fold-in answers again.
	 * Forgotten whenever the model changes.  n 0: no such row. */
	struct {
		int n;
		struct eng_rating r[ENG_RATED_MAX];     /* (n) sorted by item */
		float *w;       /* (k [+ 1]) factors, then the bias with biases */
	} you;

	struct trainer *tr;             /* non-NULL while training (train.h) */
	/* A learning-rate sweep (non-NULL while it runs) of its own model. */
	struct lrfind *lrf;
	struct model *lrf_model;
	uint32_t lrf_req;
	struct lrfind_point lrf_pts[ENG_LR_PTS];       /* the curve, in double */
	struct eng_lr_curve lrf_curve;                 /* the curve, as sent */
	/* The run being prepared, or, once installed, what the run borrows
	 * (its split, the ratings with yours); a stopped preparation still
	 * running (see struct prep). */
	struct prep *prep, *abandoned;
	uint32_t train_req;
	double last_progress;
	long batches_done;              /* in this run, over all epochs */
	struct eng_train_report rep;    /* the last step's: a step that only
					 * validates leaves most of it as is */
	struct eng_curve curve;         /* points not yet sent */

	struct insight *ins;            /* the insight queries' caches */

	struct run_record record;       /* the run in progress, for the history file */

	int (*cancel)(void *ctx);       /* eng_set_cancel(): may a load go on? */
	void *cancel_ctx;
};

static void emit_simple(struct eng *e, enum eng_evt_kind kind, uint32_t req)
{
	struct eng_evt ev = { .kind = kind, .req_id = req };
	e->emit(e->ctx, &ev);
}

/* Emit a training event; PROGRESS, EPOCH and TRAINED carry (and clear)
 * the loss points gathered since the last one. */
static void emit_report(struct eng *e, enum eng_evt_kind kind,
			const struct eng_train_report *rep)
{
	struct eng_evt ev = { .kind = kind, .req_id = e->train_req };
	ev.u.train.report = *rep;
	if (kind != ENG_EVT_TRAIN_START) {
		ev.u.train.curve = e->curve;
		e->curve.first += e->curve.n * e->curve.stride;
		e->curve.n = 0;
	}
	e->emit(e->ctx, &ev);
}

__attribute__((format(printf, 4, 5)))
static int fail(struct eng *e, uint32_t req, int code, const char *fmt, ...)
{
	struct eng_evt ev = { .kind = ENG_EVT_ERROR, .req_id = req };
	ev.u.error.code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev.u.error.msg, sizeof ev.u.error.msg, fmt, ap);
	va_end(ap);
	e->emit(e->ctx, &ev);
	return code;
}

struct eng *eng_new(eng_emit_fn emit, void *ctx)
{
	struct eng *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->emit = emit;
	e->ctx = ctx;
	e->valid_loss = NAN;
	/* Our BLAS calls are small (one sgemv over the items, a k x k ssyrk),
	 * far below what OpenBLAS's threads pay off for, and its idle threads
	 * would spin on the core the trainer's own pool uses.  The pthreads
	 * build starts them when the library is loaded, before main(), and
	 * each spins ~0.1 s of CPU before it sleeps (a tenth of `summary` on
	 * 25M ratings): end them now, through the hook OpenBLAS exports for
	 * fork().  With one thread set, a BLAS call runs on the caller's and
	 * never starts them again. */
	openblas_set_num_threads(1);
	if (blas_thread_shutdown_)
		blas_thread_shutdown_();
	if (!(e->ins = insight_new())) {
		free(e);
		return NULL;
	}
	return e;
}

/* Let a preparation go: it stops at its next step, and eng_work() or
 * settle() frees what it made. */
static void abandon(struct eng *e)
{
	prep_give_up(e->prep);
	e->abandoned = e->prep;
	e->prep = NULL;
}

/* Wait for a stopped preparation to end and throw its work away: before
 * anything that could free or change what it reads. */
static void settle(struct eng *e)
{
	if (!e->abandoned)
		return;
	while (!prep_wait(e->abandoned, 1.0))
		;
	prep_free(e->abandoned);
	e->abandoned = NULL;
}

static int by_item(const void *a, const void *b)
{
	const struct eng_rating *x = a, *y = b;
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return (x->rating > y->rating) - (x->rating < y->rating);
}

static void forget_you(struct eng *e)
{
	free(e->you.w);
	e->you.w = NULL;
	e->you.n = 0;
}

/* Keep the row the run learned for "you" (user index n_users of the
 * model, about to be dropped) with the ratings it learned from.  A
 * ranking model's fold-in is its own (rankrec.h), so only rating models
 * keep one.  Without memory the row is simply not kept: recommendations
 * then fold you in, and say so. */
static void keep_you(struct eng *e, const struct prep *p)
{
	forget_you(e);
	const struct model *m = e->model;
	uint32_t me = ds_n_users(e->ds);
	if (rankfit_is_ranking(p->a.train.algo) || !m->user_f || m->cfg.n_users <= me)
		return;
	size_t k = (size_t)m->cfg.n_factors;
	if (!(e->you.w = malloc((k + 1) * sizeof *e->you.w)))
		return;
	memcpy(e->you.w, m->user_f + (size_t)me * k, k * sizeof *e->you.w);
	if (m->user_b)
		e->you.w[k] = m->user_b[me];
	e->you.n = p->a.n_mine;
	memcpy(e->you.r, p->a.mine, (size_t)p->a.n_mine * sizeof *e->you.r);
	qsort(e->you.r, (size_t)e->you.n, sizeof *e->you.r, by_item);
}

/* Whether RECOMMEND's ratings are the ones "you" was trained with, in
 * any order. */
static int same_as_you(const struct eng *e, const struct eng_recommend_args *a)
{
	if (!e->you.w || a->n != e->you.n || a->n < 0 || a->n > ENG_RATED_MAX)
		return 0;
	struct eng_rating r[ENG_RATED_MAX];
	memcpy(r, a->r, (size_t)a->n * sizeof *r);
	qsort(r, (size_t)a->n, sizeof *r, by_item);
	for (int j = 0; j < a->n; j++)
		if (r[j].item != e->you.r[j].item || r[j].rating != e->you.r[j].rating)
			return 0;
	return 1;
}

static void drop_training(struct eng *e)
{
	trainer_free(e->tr);
	e->tr = NULL;
	lrfind_free(e->lrf);
	e->lrf = NULL;
	model_free(e->lrf_model);
	e->lrf_model = NULL;
	struct prep *p = e->prep;
	e->prep = NULL;
	if (!p)
		return;
	if (!p->joined) {
		/* still preparing: the thread must end before its work is freed */
		e->prep = p;
		abandon(e);
		settle(e);
		return;
	}
	if (p->with_u && e->model) {
		keep_you(e, p);
		model_keep_users(e->model, ds_n_users(e->ds));  /* "you" leave */
	}
	if (p->kind == ENG_CMD_TRAIN) {
		/* the split the model was trained on, for EVAL */
		split_free(&e->sp);
		e->sp = p->sp;
		p->sp = (struct split){0};
	}
	prep_free(p);
}

static void drop_model(struct eng *e)
{
	drop_training(e);
	model_free(e->model);
	e->model = NULL;
	forget_you(e);
	e->ranker.algo = ENG_FIT_SGD;
	e->fit = ENG_FIT_SGD;
	insight_forget(e->ins, INSIGHT_MODEL);
	run_record_forget(&e->record);
	split_free(&e->sp);
	e->epochs_done = 0;
	e->valid_loss = NAN;
}

void eng_free(struct eng *e)
{
	if (!e)
		return;
	settle(e);
	drop_model(e);
	blocks_free(&e->keep);
	insight_free(e->ins);
	ds_free(e->ds);
	run_record_drop(&e->record);
	run_record_forget(&e->record);
	free(e);
}

/* Whether a job runs (or is being prepared): no other may start. */
static int running(const struct eng *e)
{
	return e->tr != NULL || e->lrf != NULL || e->prep != NULL;
}

int eng_busy(const struct eng *e)
{
	return running(e) || e->abandoned != NULL;
}

void eng_set_cancel(struct eng *e, int (*cancel)(void *ctx), void *ctx)
{
	e->cancel = cancel;
	e->cancel_ctx = ctx;
}

/* Send the current model's item biases (dotbias models only). */
static void emit_biases(struct eng *e, uint32_t req)
{
	if (!e->model || !e->model->item_b)
		return;
	uint32_t n = e->model->cfg.n_items;
	struct eng_biases *b = calloc(1, sizeof *b);
	float *v = b ? malloc(n * sizeof *v) : NULL;
	if (!v) {
		free(b);
		fail(e, req, ENG_ENOMEM, "out of memory copying the item biases");
		return;
	}
	memcpy(v, e->model->item_b, n * sizeof *v);
	b->n_items = n;
	b->item_bias = v;
	struct eng_evt ev = { .kind = ENG_EVT_BIASES, .req_id = req };
	ev.u.biases = b;
	e->emit(e->ctx, &ev);
}

/* One item's rating histogram, from the insight cache's per-item counts. */
static int do_item_detail(struct eng *e, const struct eng_cmd *c)
{
	if (!e->ds)
		return fail(e, c->req_id, ENG_ESTATE, "no dataset is loaded");
	struct eng_evt ev = { .kind = ENG_EVT_ITEM_DETAIL, .req_id = c->req_id };
	int n_bins = e->summary.n_bins < ENG_RATING_BINS ? e->summary.n_bins : ENG_RATING_BINS;
	char err[ENG_MSG_MAX];
	int rc = insight_item_detail(e->ins, e->ds, e->summary.bin_lo, n_bins, c->u.item,
				     &ev.u.detail, err, sizeof err);
	if (rc != 0)
		return fail(e, c->req_id, rc, "%s", err);
	e->emit(e->ctx, &ev);
	return 0;
}

static int do_load_data(struct eng *e, const struct eng_cmd *c)
{
	struct load_result r;
	char err[ENG_MSG_MAX];
	int rc = load_dataset(&c->u.load, c->req_id, e->emit, e->ctx, e->cancel, e->cancel_ctx,
			      &r, err, sizeof err);
	if (rc == ENG_ECANCELED) {
		/* nothing of the old state was touched: the previous dataset stays */
		emit_simple(e, ENG_EVT_STOPPED, c->req_id);
		return rc;
	}
	if (rc != 0)
		return fail(e, c->req_id, rc, "%s", err);
	/* A new dataset invalidates the model: its indices mean other things. */
	drop_model(e);
	insight_forget(e->ins, INSIGHT_DATA);
	/* The queries' per-item statistics now, not on the first query (a
	 * pass over the ratings); when memory runs out here the query
	 * tries again and says so.  A summary-only load leaves them to
	 * that first query. */
	if (!c->u.load.summary_only)
		insight_data(e->ins, r.ds);
	blocks_free(&e->keep);  /* laid out from the old ratings */
	ds_free(e->ds);
	e->ds = r.ds;
	e->load = c->u.load;
	e->summary = r.summary;
	struct eng_evt ev = { .kind = ENG_EVT_LOADED, .req_id = c->req_id };
	ev.u.summary = r.summary;
	e->emit(e->ctx, &ev);
	if (!r.cat)
		return 0;
	struct eng_evt cev = { .kind = ENG_EVT_CATALOG, .req_id = c->req_id };
	cev.u.catalog = r.cat;
	e->emit(e->ctx, &cev);
	return 0;
}

/* Complete the model's shape from the dataset (and fastai's layers for
 * an nn without any); NULL, or why it is not acceptable. */
static const char *model_shape(const struct eng *e, struct eng_model_hp *m)
{
	m->n_users = ds_n_users(e->ds);
	m->n_items = ds_n_items(e->ds);
	if (m->kind == ENG_MODEL_NN && m->n_layers == 0) {
		/* collab_learner(use_nn=True)'s layers=[100, 50] */
		m->n_layers = 2;
		m->layers[0] = 100;
		m->layers[1] = 50;
	}
	return model_cfg_check(m);
}

/* Start preparing a run (see prep.h): 0, or the failure reported. */
static int start_prep(struct eng *e, const struct eng_cmd *c, const struct eng_train_args *a,
		      const struct eng_model_hp *shape, struct model *m)
{
	char err[ENG_MSG_MAX];
	const struct eng_lr_find_hp *sweep = c->kind == ENG_CMD_LR_FIND ? &c->u.lr_find.sweep : NULL;
	/* e->sp is the split of the run e->targs asked for: both are the
	 * last installed TRAIN's */
	int have_split = e->sp.valid_bits || e->sp.train;
	struct prep_lend lend = {
		.keep = &e->keep,
		.split = have_split && prep_same_split(a, &e->targs) ? &e->sp : NULL,
	};
	struct prep *p = prep_start(c->kind, c->req_id, a, shape, sweep, e->ds, m, &lend,
				    err, sizeof err);
	if (!p)
		return fail(e, c->req_id, ENG_ENOMEM, "%s", err);
	e->prep = p;
	e->last_progress = clock_now();
	return 0;
}

/* The preparation has ended (joined): start the run it made, or report
 * why it could not. */
static void prep_install(struct eng *e)
{
	struct prep *p = e->prep;
	if (p->code != 0) {
		e->prep = NULL;
		fail(e, p->req, p->code, "%s", p->err);
		prep_free(p);
		return;
	}
	if (p->kind == ENG_CMD_LR_FIND) {
		e->lrf = p->lrf;
		e->lrf_model = p->m;
		p->lrf = NULL;
		p->m = NULL;
		e->lrf_req = p->req;
		e->lrf_curve = (struct eng_lr_curve){ .num_it = p->sweep.num_it,
						      .suggest = { -1, -1 } };
		e->last_progress = clock_now();
		return;
	}
	if (p->init) {
		/* the old model goes only now: until here queries used it */
		e->prep = NULL;
		drop_model(e);
		e->prep = p;
		e->model = p->m;
		p->m = NULL;
		e->epochs_done = 0;
		e->valid_loss = NAN;
	}
	forget_you(e);          /* a resumed model moves on without it */
	e->tr = p->tr;
	p->tr = NULL;
	e->targs = p->a;
	e->fit = p->a.train.algo;
	e->ranker.algo = rankfit_is_ranking(p->a.train.algo) ? p->a.train.algo : ENG_FIT_SGD;
	e->ranker.reg = p->a.train.wd;
	e->ranker.alpha = p->a.train.alpha;
	run_record_begin(&e->record, ds_name(e->ds), e->load.split, &e->targs);
	if (e->record.run)
		snprintf(e->record.run->item_key, sizeof e->record.run->item_key,
			 "%s", e->load.item_key == ENG_ITEM_KEY_TITLE ? "title" : "id");
	e->train_req = p->req;
	e->last_progress = clock_now();
	e->rep = (struct eng_train_report){0};
	trainer_step(e->tr, 0, &e->rep);       /* fills n_batches without training */
	long total = e->rep.n_batches * p->a.train.epochs;
	e->batches_done = 0;
	e->curve = (struct eng_curve){ .first = 0, .stride = 1 + (total - 1) / CURVE_POINTS };
	emit_report(e, ENG_EVT_TRAIN_START, &e->rep);
}

static int do_train(struct eng *e, const struct eng_cmd *c)
{
	struct eng_train_args a = c->u.train;
	if (!e->ds)
		return fail(e, c->req_id, ENG_ESTATE, "no dataset is loaded");
	if (running(e))
		return fail(e, c->req_id, ENG_ESTATE, "training is already running");
	if (!(a.valid_pct >= 0.0 && a.valid_pct < 1.0))
		return fail(e, c->req_id, ENG_EARG, "validation share must be in [0, 1)");
	const char *why = train_cfg_check(&a.train);
	if (why)
		return fail(e, c->req_id, ENG_EARG, "%s", why);
	if ((why = model_shape(e, &a.model)))
		return fail(e, c->req_id, ENG_EARG, "%s", why);
	if (a.n_mine < 0 || a.n_mine > ENG_RATED_MAX)
		return fail(e, c->req_id, ENG_EARG, "between 0 and %d of your ratings can join training",
			    ENG_RATED_MAX);
	for (int j = 0; j < a.n_mine; j++)
		if (a.mine[j].item >= a.model.n_items || !isfinite(a.mine[j].rating))
			return fail(e, c->req_id, ENG_EARG, "your rating %d is not a rating of "
				    "a movie of this dataset", j + 1);
	if (a.n_mine && a.model.kind == ENG_MODEL_NN)
		return fail(e, c->req_id, ENG_EARG, "training with your ratings needs a dot or "
			    "dotbias model: the nn model's embedding widths depend on the number of users");
	if (a.n_mine && a.resume)
		return fail(e, c->req_id, ENG_EARG, "training with your ratings starts afresh; "
			    "it cannot resume a model");
	/* the model trains with one more user, dropped again at the end */
	struct eng_model_hp shape = a.model;
	shape.n_users += a.n_mine > 0;
	shape.n_factors = train_model_factors(&a.train, a.model.n_factors);
	if (a.train.algo == ENG_FIT_EASE && a.model.n_items > RANKFIT_EASE_MAX_ITEMS)
		return fail(e, c->req_id, ENG_EARG, "ease solves an item x item system: at most "
			    "%d items (this dataset has %u); ials scales further",
			    RANKFIT_EASE_MAX_ITEMS, a.model.n_items);
	shape.n_factors = rankfit_factors(a.train.algo, shape.n_factors, a.model.n_items);
	if (a.resume && a.train.algo != ENG_FIT_SGD)
		return fail(e, c->req_id, ENG_EARG, "%s starts afresh; it cannot resume a model",
			    train_algo_name(a.train.algo));
	if (a.fast && (a.model.kind == ENG_MODEL_NN || a.train.algo != ENG_FIT_SGD))
		return fail(e, c->req_id, ENG_EARG, "the fast trainer fits the dot and dotbias models");
	if (a.train.opt == ENG_OPTIM_ADAROW && a.train.algo == ENG_FIT_SGD &&
	    (!a.fast || c->kind == ENG_CMD_LR_FIND))
		return fail(e, c->req_id, ENG_EARG, "the adarow optimiser is the fast trainer's, "
			    "and the learning-rate finder runs fastai's fit");
	if (a.resume) {
		if (!e->model)
			return fail(e, c->req_id, ENG_ESTATE, "there is no model to resume from");
		if (memcmp(&e->model->cfg, &a.model, sizeof a.model) != 0)
			return fail(e, c->req_id, ENG_EARG,
				    "the loaded model's shape (%s, %d factors) differs from the one asked for",
				    model_kind_name(e->model->cfg.kind), e->model->cfg.n_factors);
	}
	return start_prep(e, c, &a, &shape, a.resume ? e->model : NULL);
}

/* Start a learning-rate sweep of a fresh model (eng_lr_find_args). */
static int do_lr_find(struct eng *e, const struct eng_cmd *c)
{
	struct eng_lr_find_args a = c->u.lr_find;
	if (!e->ds)
		return fail(e, c->req_id, ENG_ESTATE, "no dataset is loaded");
	if (running(e))
		return fail(e, c->req_id, ENG_ESTATE, "training is already running");
	if (a.train.fast)
		return fail(e, c->req_id, ENG_EARG, "the lr finder sweeps fastai's "
			    "trainer, not the fast one");
	if (a.train.train.algo != ENG_FIT_SGD)
		return fail(e, c->req_id, ENG_EARG, "the learning-rate finder sweeps the "
			    "mini-batch trainer of the dot, dotbias and nn models");
	if (!(a.train.valid_pct >= 0.0 && a.train.valid_pct < 1.0))
		return fail(e, c->req_id, ENG_EARG, "validation share must be in [0, 1)");
	if (a.sweep.num_it > ENG_LR_PTS)
		return fail(e, c->req_id, ENG_EARG, "a learning-rate sweep has at most %d batches",
			    ENG_LR_PTS);
	const char *why = train_cfg_check(&a.train.train);
	if (!why)
		why = model_shape(e, &a.train.model);
	if (!why)
		why = lrfind_cfg_check(&a.sweep);
	if (why)
		return fail(e, c->req_id, ENG_EARG, "%s", why);
	return start_prep(e, c, &a.train, &a.train.model, NULL);
}

/* Advance the sweep by about WORK_CHUNK_S: LR_PROGRESS at most every
 * ENG_PROGRESS_MS, LR_FOUND (and the sweep's end) after its last batch. */
static void lr_work(struct eng *e)
{
	double start = clock_now();
	struct eng_lr_curve *cv = &e->lrf_curve;
	struct eng_evt ev = { .kind = ENG_EVT_LR_PROGRESS, .req_id = e->lrf_req };
	for (;;) {
		struct lrfind_point *pt = &e->lrf_pts[cv->n];
		enum lrfind_status st = lrfind_step(e->lrf, pt);
		cv->lr[cv->n] = (float)pt->lr;
		cv->loss[cv->n] = (float)pt->loss;
		cv->n++;
		double t = clock_now();
		if (st != LRFIND_MORE) {
			cv->diverged = st == LRFIND_DIVERGED;
			cv->suggest = lrfind_suggest(e->lrf_pts, cv->n, cv->num_it);
			ev.kind = ENG_EVT_LR_FOUND;
			ev.u.lr = *cv;
			drop_training(e);
			e->emit(e->ctx, &ev);
			return;
		}
		if (t - e->last_progress >= ENG_PROGRESS_MS * 1e-3) {
			ev.u.lr = *cv;
			e->emit(e->ctx, &ev);
			e->last_progress = t;
		}
		if (t - start >= WORK_CHUNK_S)
			return;
	}
}

/* What to try after a run of algo diverged. */
static const char *divergence_hint(enum eng_fit algo)
{
	switch (algo) {
	case ENG_FIT_SGD: break;
	case ENG_FIT_ALS: return "try a larger wd (the ridge weight)";
	case ENG_FIT_BPMF: return "try fewer factors or another seed";
	case ENG_FIT_EASE: return "try a larger wd (its lambda)";
	case ENG_FIT_IALS: return "try a larger wd (the ridge weight) or a smaller alpha";
	case ENG_FIT_POP: break;
	}
	return "try a lower lr";
}

/* The run diverged (trainer_step() said so, rep saying where): it ends
 * with an ERROR, not TRAINED.  The history records it as diverged, and
 * the model goes -- NaN predicts nothing, and must not be saved. */
static void end_diverged(struct eng *e, const struct eng_train_report *rep)
{
	char herr[ENG_MSG_MAX];
	uint32_t req = e->train_req;
	int epoch = rep->epoch;
	long batch = rep->batch;

	run_record_diverged(&e->record);
	int hrc = run_record_end(&e->record, herr, sizeof herr);
	drop_model(e);
	fail(e, req, ENG_EDIVERGED, "diverged at epoch %d, batch %ld: %s", epoch, batch,
	     divergence_hint(e->targs.train.algo));
	if (hrc != 0)
		fail(e, req, ENG_EIO, "run history not saved: %s", herr);
}

void eng_work(struct eng *e)
{
	if (e->abandoned) {
		/* a stopped preparation: free its work once it ends */
		if (prep_wait(e->abandoned, WORK_CHUNK_S)) {
			prep_free(e->abandoned);
			e->abandoned = NULL;
		}
		return;
	}
	if (e->prep && !e->prep->joined) {
		if (prep_wait(e->prep, WORK_CHUNK_S))
			prep_install(e);
		return;
	}
	if (!eng_busy(e))
		return;
	if (e->lrf) {
		lr_work(e);
		return;
	}
	double start = clock_now();
	struct eng_train_report *rep = &e->rep;
	/* every batch moves the model under the insight caches */
	insight_forget(e->ins, INSIGHT_MODEL);
	for (;;) {
		/* one batch at a time, so every stride-th smoothed loss is kept;
		 * a step may also be part of an epoch's validation pass (the
		 * fast trainer's), which adds no batch */
		enum train_status st = trainer_step(e->tr, 1, rep);
		long done = (long)rep->epoch * rep->n_batches + rep->batch;
		if (done > e->batches_done) {
			if (e->batches_done % e->curve.stride == 0)
				e->curve.loss[e->curve.n++] = (float)rep->smooth_loss;
			e->batches_done = done;
		}
		double t = clock_now();
		if (st == TRAIN_DIVERGED) {
			end_diverged(e, rep);
			return;
		}
		if (st != TRAIN_MORE) {
			e->epochs_done++;
			e->valid_loss = rep->valid_loss;
			emit_report(e, ENG_EVT_EPOCH, rep);
			run_record_epoch(&e->record, rep);
			if (st == TRAIN_DONE) {
				char herr[ENG_MSG_MAX];
				int hrc = run_record_end(&e->record, herr, sizeof herr);
				drop_training(e);
				emit_report(e, ENG_EVT_TRAINED, rep);
				emit_biases(e, e->train_req);
				if (hrc != 0)
					fail(e, e->train_req, ENG_EIO, "run history not saved: %s", herr);
			}
			e->last_progress = t;
			return;
		}
		/* the run's first step is shown at once: at scale the
		 * preparation already kept the user waiting */
		if (e->curve.n == ENG_LOSS_PTS || done == 1 ||
		    t - e->last_progress >= ENG_PROGRESS_MS * 1e-3) {
			emit_report(e, ENG_EVT_PROGRESS, rep);
			e->last_progress = t;
		}
		if (t - start >= WORK_CHUNK_S)
			return;
	}
}

static int do_save(struct eng *e, const struct eng_cmd *c)
{
	if (!e->model)
		return fail(e, c->req_id, ENG_ESTATE, "there is no trained model to save");
	if (running(e))
		return fail(e, c->req_id, ENG_ESTATE, "training is running; stop it or wait");
	struct ckpt_meta meta = {0};
	snprintf(meta.dataset, sizeof meta.dataset, "%s", ds_name(e->ds));
	meta.item_key = (int)e->load.item_key;
	meta.format = (int)ds_format(e->ds);
	meta.n_ratings = ds_n_ratings(e->ds);
	meta.epochs = (uint32_t)e->epochs_done;
	meta.valid_loss = e->valid_loss;
	meta.seed = e->targs.train.seed;
	const struct eng_train_hp *t = &e->targs.train;
	snprintf(meta.hparams, sizeof meta.hparams,
		 "opt=%s sched=%s lr=%g wd=%g bs=%d epochs=%d valid_pct=%g split=%s",
		 optim_kind_name(t->opt), sched_kind_name(t->sched), t->lr, t->wd,
		 t->bs, t->epochs, e->targs.valid_pct,
		 e->load.split[0] ? e->load.split : "random");
	if (t->epochs == 0)     /* IMPORT: trained elsewhere */
		snprintf(meta.hparams, sizeof meta.hparams, "imported: factors trained elsewhere");
	if (e->fit != ENG_FIT_SGD) {
		size_t used = strlen(meta.hparams);
		snprintf(meta.hparams + used, sizeof meta.hparams - used, " fit=%s alpha=%g",
			 train_algo_name(e->fit), e->targs.train.alpha);
	}
	char err[ENG_MSG_MAX];
	if (ckpt_save(c->u.path, e->model, &meta, err, sizeof err) != 0)
		return fail(e, c->req_id, ENG_EIO, "%s", err);
	emit_simple(e, ENG_EVT_SAVED, c->req_id);
	return 0;
}

/* What a model file's hparams say trained it: "opt=O sched=S lr=L wd=W
 * bs=B epochs=E valid_pct=V split=..." (do_save), then " fit=NAME
 * alpha=A" for a solver's model.  Words it does not know keep
 * eng_train_hp_default()'s values; *has_train is 0 without "lr=". */
static struct eng_train_hp train_from_hparams(const char *hp, double *valid_pct,
					      int *has_train)
{
	static const enum eng_fit algos[] = { ENG_FIT_ALS, ENG_FIT_BPMF, ENG_FIT_EASE,
					      ENG_FIT_IALS, ENG_FIT_POP };
	static const enum eng_optim opts[] = { ENG_OPTIM_SGD, ENG_OPTIM_ADAM, ENG_OPTIM_ADAROW };
	static const enum eng_sched scheds[] = { ENG_SCHED_ONE_CYCLE, ENG_SCHED_CONSTANT,
						 ENG_SCHED_EXP };
	struct eng_train_hp t = eng_train_hp_default();
	*has_train = 0;
	*valid_pct = 0.2;
	for (const char *w = hp; *w; w += strcspn(w, " "), w += strspn(w, " ")) {
		const char *eq = strchr(w, '=');
		size_t klen = eq ? (size_t)(eq - w) : 0, vlen;
		if (!eq || klen > strcspn(w, " "))
			continue;
		const char *v = eq + 1;
		vlen = strcspn(v, " ");
#define KEY(k) (klen == sizeof k - 1 && strncmp(w, k, klen) == 0)
#define WORD(name) (strlen(name) == vlen && strncmp(v, name, vlen) == 0)
		if (KEY("fit")) {
			for (size_t j = 0; j < sizeof algos / sizeof algos[0]; j++)
				if (WORD(train_algo_name(algos[j])))
					t.algo = algos[j];
		} else if (KEY("opt")) {
			for (size_t j = 0; j < sizeof opts / sizeof opts[0]; j++)
				if (WORD(optim_kind_name(opts[j])))
					t.opt = opts[j];
		} else if (KEY("sched")) {
			for (size_t j = 0; j < sizeof scheds / sizeof scheds[0]; j++)
				if (WORD(sched_kind_name(scheds[j])))
					t.sched = scheds[j];
		} else if (KEY("lr")) {
			t.lr = strtod(v, NULL);
			*has_train = 1;
		} else if (KEY("wd")) {
			t.wd = strtod(v, NULL);
		} else if (KEY("alpha")) {
			t.alpha = strtod(v, NULL);
		} else if (KEY("bs")) {
			t.bs = (int)strtol(v, NULL, 10);
		} else if (KEY("epochs")) {
			t.epochs = (int)strtol(v, NULL, 10);
		} else if (KEY("valid_pct")) {
			*valid_pct = strtod(v, NULL);
		}
#undef KEY
#undef WORD
	}
	return t;
}

static int do_load_model(struct eng *e, const struct eng_cmd *c)
{
	if (!e->ds)
		return fail(e, c->req_id, ENG_ESTATE, "load a dataset before a model");
	if (eng_busy(e))
		return fail(e, c->req_id, ENG_ESTATE, "training is running; stop it first");
	struct ckpt_meta meta;
	char err[ENG_MSG_MAX];
	struct model *m = ckpt_load(c->u.path, &meta, err, sizeof err);
	if (!m)
		return fail(e, c->req_id, ENG_EDATA, "%s", err);
	if (m->cfg.n_users != ds_n_users(e->ds) || m->cfg.n_items != ds_n_items(e->ds) ||
	    meta.item_key != (int)e->load.item_key) {
		int code = fail(e, c->req_id, ENG_EARG,
				"%s: the model was trained on %s (%u users, %u items, item key %s) "
				"but the loaded dataset %s has %u users and %u items by %s",
				c->u.path, meta.dataset, m->cfg.n_users, m->cfg.n_items,
				meta.item_key == ENG_ITEM_KEY_TITLE ? "title" : "id",
				ds_name(e->ds), ds_n_users(e->ds), ds_n_items(e->ds),
				e->load.item_key == ENG_ITEM_KEY_TITLE ? "title" : "id");
		model_free(m);
		return code;
	}
	drop_model(e);
	e->model = m;
	struct eng_evt ev = { .kind = ENG_EVT_MODEL_LOADED, .req_id = c->req_id };
	struct eng_model_info *mi = &ev.u.model_info;
	mi->shape = m->cfg;
	mi->train = train_from_hparams(meta.hparams, &mi->valid_pct, &mi->has_train);
	mi->train.seed = meta.seed;
	mi->n_factors = m->cfg.n_factors;
	if (mi->train.algo == ENG_FIT_EASE || mi->train.algo == ENG_FIT_POP)
		mi->n_factors = 0;
	else if (mi->train.algo == ENG_FIT_BPMF && bpmf_kept(mi->train.epochs) > 0 &&
		 m->cfg.n_factors % bpmf_kept(mi->train.epochs) == 0)
		mi->n_factors = m->cfg.n_factors / bpmf_kept(mi->train.epochs);
	mi->epochs_done = (int)meta.epochs;
	mi->valid_loss = meta.valid_loss;
	/* what trained it, as its run would have left it: a save of it says
	 * the same again */
	e->targs = (struct eng_train_args){ .model = m->cfg, .train = mi->train,
					    .valid_pct = mi->valid_pct };
	if (!mi->has_train)
		e->targs.train.epochs = 0;      /* a save says "imported" again */
	e->fit = mi->train.algo;
	e->ranker.algo = rankfit_is_ranking(e->fit) ? e->fit : ENG_FIT_SGD;
	e->ranker.reg = mi->train.wd;
	e->ranker.alpha = mi->train.alpha;
	e->epochs_done = (int)meta.epochs;
	e->valid_loss = meta.valid_loss;
	e->emit(e->ctx, &ev);
	emit_biases(e, c->req_id);
	return 0;
}

/* Factors trained elsewhere become the model, as a loaded one would. */
static int do_import(struct eng *e, const struct eng_cmd *c)
{
	if (!e->ds)
		return fail(e, c->req_id, ENG_ESTATE, "load a dataset before importing factors");
	if (eng_busy(e))
		return fail(e, c->req_id, ENG_ESTATE, "training is running; stop it first");
	char err[ENG_MSG_MAX];
	struct model *m = import_model(e->ds, e->load.item_key, &c->u.import, err, sizeof err);
	if (!m)
		return fail(e, c->req_id, ENG_EDATA, "%s", err);
	drop_model(e);
	e->model = m;
	e->targs = (struct eng_train_args){0};
	struct eng_evt ev = { .kind = ENG_EVT_IMPORTED, .req_id = c->req_id };
	ev.u.imported = (struct eng_imported){ m->cfg.kind, m->cfg.n_users, m->cfg.n_items,
					       m->cfg.n_factors };
	e->emit(e->ctx, &ev);
	emit_biases(e, c->req_id);
	return 0;
}

/* The model's embeddings, biases, PCA and a run's curves as files. */
static int do_export(struct eng *e, const struct eng_cmd *c)
{
	const struct eng_export_args *a = &c->u.export;
	if (!e->model || running(e))
		return fail(e, c->req_id, ENG_ESTATE, running(e) ? "training is running; stop "
			    "it or wait" : "there is no model to export: train or load one");
	if (e->model->nn)
		return fail(e, c->req_id, ENG_ESTATE, "the nn model has no embeddings of one "
			    "width to export: export a dot or dotbias model");
	char err[ENG_MSG_MAX + ENG_PATH_MAX];
	struct history_run *runs = NULL, *run = e->record.last;
	size_t n = 0;
	if (a->run) {
		if (!e->record.path[0])
			return fail(e, c->req_id, ENG_EARG, "run %u: no run history is kept", a->run);
		if (history_read(e->record.path, ds_name(e->ds), &runs, &n, err, sizeof err) != 0)
			return fail(e, c->req_id, ENG_EIO, "%s", err);
		if (a->run > n) {
			free(runs);
			return fail(e, c->req_id, ENG_EARG, "run %u: the history has %zu run(s) "
				    "on %s", a->run, n, ds_name(e->ds));
		}
		run = &runs[a->run - 1];
	}
	struct eng_evt ev = { .kind = ENG_EVT_EXPORTED, .req_id = c->req_id };
	int rc = export_model(a->dir, e->ds, e->load.item_key, e->model, e->ins, run,
			      &ev.u.exported, err, sizeof err);
	free(runs);
	if (rc != 0)
		return fail(e, c->req_id, rc, "%s", err);
	e->emit(e->ctx, &ev);
	return 0;
}

/* The model's error and ranking metrics on the split it trained with. */
static int do_eval(struct eng *e, const struct eng_cmd *c)
{
	const struct eng_eval_args *a = &c->u.eval;
	if (!e->model || !(e->sp.valid || e->sp.valid_bits) || running(e))
		return fail(e, c->req_id, ENG_ESTATE, "evaluation needs a trained model "
			    "and its validation set");
	if (e->targs.n_mine > 0)
		return fail(e, c->req_id, ENG_ESTATE, "a model trained with your ratings "
			    "is not evaluated (its split has ratings the dataset lacks)");
	if (a->k < 1 || a->k > ENG_TOPN_MAX)
		return fail(e, c->req_id, ENG_EARG, "the ranking length must be 1..%d",
			    ENG_TOPN_MAX);
	/* the metrics walk index lists: a fast run's bitmap split gets them */
	if (split_expand(&e->sp) != 0)
		return fail(e, c->req_id, ENG_ENOMEM, "out of memory listing the split");
	/* the nn scores items in forward passes of this many rows */
	if (model_reserve(e->model, 4096) != 0)
		return fail(e, c->req_id, ENG_ENOMEM, "out of memory scoring items");
	struct eng_evt ev = { .kind = ENG_EVT_METRICS, .req_id = c->req_id };
	const struct rcols rc = ds_cols(e->ds);
	float lo = a->clip ? ds_rating_min(e->ds) : 0.0f;
	float hi = a->clip ? ds_rating_max(e->ds) : 0.0f;
	metrics_model_error(e->model, &rc, e->sp.valid, e->sp.n_valid, lo, hi,
			    &ev.u.metrics.err);
	struct metrics_rank_in in = {
		.n_users = e->model->cfg.n_users, .n_items = e->model->cfg.n_items,
		.c = rc, .sp = &e->sp,
		.relevant = a->relevant, .k = a->k,
		.score = metrics_model_scores, .score_ctx = e->model,
	};
	if (metrics_ranking(&in, &ev.u.metrics.rank) != 0)
		return fail(e, c->req_id, ENG_ENOMEM, "out of memory ranking items");
	ev.u.metrics.k = a->k;
	e->emit(e->ctx, &ev);
	return 0;
}

/* What made the current model, for a list's reader: the solver's name,
 * else the model kind's; "" without a model. */
static const char *model_name(const struct eng *e)
{
	if (!e->model)
		return "";
	if (e->ranker.algo != ENG_FIT_SGD)
		return train_algo_name(e->ranker.algo);
	return model_kind_name(e->model->cfg.kind);
}

/* The insight queries: read-only on the model, answered at once. */
static int do_insight(struct eng *e, const struct eng_cmd *c)
{
	if (!e->ds)
		return fail(e, c->req_id, ENG_ESTATE, "no dataset is loaded");
	if (e->model && e->model->nn)
		return fail(e, c->req_id, ENG_ESTATE, "the nn model has no biases and no "
			    "factors to compare or fold a user into: this query needs a dot "
			    "or dotbias model");
	struct eng_evt ev = { .req_id = c->req_id };
	char err[ENG_MSG_MAX];
	int rc = ENG_EARG;
	switch (c->kind) {
	case ENG_CMD_BIAS_LIST:
		ev.kind = ENG_EVT_BIAS_LIST;
		rc = insight_bias(e->ins, e->ds, e->model, &c->u.bias, &ev.u.bias_list,
				  err, sizeof err);
		break;
	case ENG_CMD_SIMILAR:
		ev.kind = ENG_EVT_SIMILAR;
		rc = insight_similar(e->ins, e->ds, e->model, &c->u.similar, &ev.u.similar,
				     err, sizeof err);
		break;
	case ENG_CMD_PCA:
		ev.kind = ENG_EVT_PCA;
		rc = insight_pca(e->ins, e->ds, e->model, &c->u.pca, &ev.u.pca, err, sizeof err);
		break;
	case ENG_CMD_RECOMMEND:
		ev.kind = ENG_EVT_RECS;
		if (e->model && e->ranker.algo != ENG_FIT_SGD)
			rc = insight_recommend_ranked(e->ins, e->ds, e->model, e->ranker.algo,
						      e->ranker.reg, e->ranker.alpha,
						      &c->u.recommend, &ev.u.recs, err,
						      sizeof err);
		else if (e->model && same_as_you(e, &c->u.recommend))
			rc = insight_recommend_trained(e->ins, e->ds, e->model, e->you.w,
						       &c->u.recommend, &ev.u.recs, err,
						       sizeof err);
		else
			rc = insight_recommend(e->ins, e->ds, e->model, &c->u.recommend,
					       &ev.u.recs, err, sizeof err);
		if (rc == 0 && ev.u.recs.basis == ENG_RECS_FOLDIN && e->you.w)
			ev.u.recs.n_trained = e->you.n;
		snprintf(ev.u.recs.model, sizeof ev.u.recs.model, "%s", model_name(e));
		break;
	case ENG_CMD_RECOMMEND_META:
		ev.kind = ENG_EVT_RECS;
		rc = insight_recommend_meta(e->ins, e->ds, e->model, &c->u.meta, &ev.u.recs,
					    err, sizeof err);
		break;
	default:
		snprintf(err, sizeof err, "not an insight command");
		break;
	}
	if (rc != 0)
		return fail(e, c->req_id, rc, "%s", err);
	e->emit(e->ctx, &ev);
	return 0;
}

int eng_handle(struct eng *e, const struct eng_cmd *c)
{
	/* These free or replace the dataset or the model, which a stopped
	 * preparation may still be reading (and one runs at a time). */
	if (c->kind == ENG_CMD_LOAD_DATA || c->kind == ENG_CMD_TRAIN ||
	    c->kind == ENG_CMD_LR_FIND || c->kind == ENG_CMD_LOAD_MODEL ||
	    c->kind == ENG_CMD_IMPORT)
		settle(e);
	switch (c->kind) {
	case ENG_CMD_LOAD_DATA:
		if (eng_busy(e))
			return fail(e, c->req_id, ENG_ESTATE, "training is running; stop it first");
		return do_load_data(e, c);
	case ENG_CMD_TRAIN:
		return do_train(e, c);
	case ENG_CMD_STOP:
		if (e->prep && !e->prep->joined) {
			/* nothing began yet: let the preparation end unseen */
			abandon(e);
			emit_simple(e, ENG_EVT_STOPPED, c->req_id);
		} else if (running(e)) {
			char herr[ENG_MSG_MAX];
			int hrc = run_record_end(&e->record, herr, sizeof herr);
			drop_training(e);
			emit_simple(e, ENG_EVT_STOPPED, c->req_id);
			emit_biases(e, c->req_id);
			if (hrc != 0)
				fail(e, e->train_req, ENG_EIO, "run history not saved: %s", herr);
		}
		return 0;
	case ENG_CMD_SAVE_MODEL:
		return do_save(e, c);
	case ENG_CMD_LOAD_MODEL:
		return do_load_model(e, c);
	case ENG_CMD_ITEM_DETAIL:
		return do_item_detail(e, c);
	case ENG_CMD_BIAS_LIST:
	case ENG_CMD_SIMILAR:
	case ENG_CMD_PCA:
	case ENG_CMD_RECOMMEND:
	case ENG_CMD_RECOMMEND_META:
		return do_insight(e, c);
	case ENG_CMD_LR_FIND:
		return do_lr_find(e, c);
	case ENG_CMD_EVAL:
		return do_eval(e, c);
	case ENG_CMD_HISTORY:
		snprintf(e->record.path, sizeof e->record.path, "%s", c->u.path);
		return 0;
	case ENG_CMD_IMPORT:
		return do_import(e, c);
	case ENG_CMD_EXPORT:
		return do_export(e, c);
	}
	return fail(e, c->req_id, ENG_EARG, "unknown command %d", (int)c->kind);
}
