/* fit.c -- fastai's fit loop: mini-batches of an optimiser (see fit.h). */
#include "fit.h"
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embnn.h"
#include "pool.h"
#include "rng.h"

/* fastai's Recorder smooths the training loss with beta 0.98 (AvgSmoothLoss). */
#define SMOOTH_BETA 0.98

/* An epoch's start (copying, shuffling and gathering the training
 * ratings) and end (the validation pass) take about a second each on 25M
 * ratings, so fit_step() cuts them into steps like its batches: at most
 * PREP_STEP ratings copied, swapped or gathered, or VALID_STEP validation
 * ratings predicted, per step.  Smaller sets do it all in one step. */
#define PREP_STEP 250000
#define VALID_STEP 65536

struct fit {
	struct model *m;
	struct rcols c;         /* the ratings, borrowed */
	const struct split *sp;
	struct eng_train_hp cfg;
	struct optim *opt;
	struct sched sched;
	struct rng shuffle_rng;

	float *grad;            /* (n_params) cleared by each optimiser step */
	unsigned char *touched; /* (n_users + n_items) rows the batch touched */
	struct optim_span *spans; /* (4 * bs + 1) parameter runs with a gradient */
	uint32_t *rows;         /* (2 * bs) the touched rows, to clear the flags */
	uint32_t *order;        /* (n_train) this epoch's permutation */
	/* This epoch's training ratings in shuffled order, gathered once at
	 * the epoch's start: the per-step dense optimiser pass evicts the
	 * caches, so gathering per batch would miss on every rating. */
	uint32_t *eu, *ei;      /* (n_train) */
	float *er;              /* (n_train) */
	size_t ready;           /* of the epoch's 3 * n_train preparation steps:
				 * copy, shuffle, gather */
	size_t n_validated;     /* validation ratings done at the epoch's end */
	double valid_sum;       /* their MSE times their count, chunk by chunk */

	int epoch;
	long batch, n_batches, step;
	double smooth, smooth_w;        /* un-debiased average and 1 - beta^count */
	double epoch_start;
	int done;
};

/* A zeroed trainer that borrows the model, the ratings and the split;
 * NULL when memory runs out. */
static struct fit *fit_alloc(struct model *m, const struct rcols *c,
			     const struct split *sp, const struct eng_train_hp *cfg)
{
	struct fit *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->m = m;
	t->c = *c;
	t->sp = sp;
	t->cfg = *cfg;
	return t;
}

struct fit *fit_new(struct model *m, const struct rcols *c,
		    const struct split *sp, const struct eng_train_hp *cfg,
		    int init, char *err, size_t errlen)
{
	if (train_check(cfg, sp, err, errlen) != 0)
		return NULL;
	if (sp->n_train < (size_t)cfg->bs) {
		snprintf(err, errlen,
			 "the training set has %zu ratings, fewer than one batch of %d",
			 sp->n_train, cfg->bs);
		return NULL;
	}
	if (m->nn && cfg->bs < 2) {
		snprintf(err, errlen, "the nn model's BatchNorm needs batches of at least 2 ratings");
		return NULL;
	}
	struct fit *t = fit_alloc(m, c, sp, cfg);
	if (!t)
		goto oom;
	struct optim_cfg oc = optim_cfg_default(cfg->opt);
	oc.wd = (float)cfg->wd;
	size_t n_rows = (size_t)m->cfg.n_users + m->cfg.n_items;
	t->opt = optim_new(&oc, m->n_params, cfg->threads);
	t->grad = calloc(m->n_params, sizeof(float));
	t->touched = calloc(n_rows, 1);
	t->spans = malloc((4 * (size_t)cfg->bs + 1) * sizeof *t->spans);
	t->rows = malloc(2 * (size_t)cfg->bs * sizeof *t->rows);
	t->order = malloc(sp->n_train * sizeof(uint32_t));
	t->eu = malloc(sp->n_train * sizeof(uint32_t));
	t->ei = malloc(sp->n_train * sizeof(uint32_t));
	t->er = malloc(sp->n_train * sizeof(float));
	if (!t->opt || !t->grad || !t->touched || !t->spans || !t->rows || !t->order || !t->eu || !t->ei || !t->er ||
	    model_reserve(m, (size_t)cfg->bs) != 0)
		goto oom;
	if (m->nn) {
		/* fastai's wd_bn_bias=False */
		struct optim_span nd = embnn_no_wd_span(m->nn);
		optim_no_decay(t->opt, nd.off, nd.len);
	}

	t->n_batches = (long)(sp->n_train / (size_t)cfg->bs);
	if (cfg->sched == ENG_SCHED_ONE_CYCLE) {
		t->sched = sched_one_cycle(cfg->lr, t->n_batches * cfg->epochs);
	} else {
		t->sched = (struct sched){ .kind = ENG_SCHED_CONSTANT, .lr_max = cfg->lr,
					   .mom_hi = cfg->mom };
	}
	/* Two independent streams from one seed: weights, then shuffling. */
	struct rng init_rng;
	rng_seed(&init_rng, cfg->seed);
	if (init)
		model_init(m, &init_rng);
	rng_seed(&t->shuffle_rng, cfg->seed ^ 0xa5a5a5a5deadbeefULL);
	t->epoch = 0;
	t->batch = 0;
	return t;
oom:
	fit_free(t);
	snprintf(err, errlen, "out of memory preparing the trainer");
	return NULL;
}

void fit_set_sched(struct fit *t, const struct sched *s)
{
	t->sched = *s;
}

void fit_free(struct fit *t)
{
	if (!t)
		return;
	optim_free(t->opt);
	free(t->grad);
	free(t->touched);
	free(t->spans);
	free(t->rows);
	free(t->order);
	free(t->eu);
	free(t->ei);
	free(t->er);
	free(t);
}

/* A step of the epoch's preparation: 1 once the shuffled ratings are all
 * gathered. */
static int begin_epoch(struct fit *t)
{
	size_t n = t->sp->n_train, end = t->ready + PREP_STEP, x = t->ready;

	for (; x < n && x < end; x++)
		t->order[x] = t->sp->train[x];
	/* Fisher-Yates from the top down, i = n..2, exactly as
	 * rng_shuffle_u32 does it, so cutting it anywhere changes nothing */
	for (; x >= n && x < 2 * n && x < end; x++) {
		size_t i = 2 * n - x;
		if (i < 2)
			continue;
		size_t j = (size_t)rng_below(&t->shuffle_rng, i);
		uint32_t tmp = t->order[i - 1];
		t->order[i - 1] = t->order[j];
		t->order[j] = tmp;
	}
	for (; x >= 2 * n && x < 3 * n && x < end; x++) {
		uint32_t r = t->order[x - 2 * n];
		t->eu[x - 2 * n] = rc_user(&t->c, r);
		t->ei[x - 2 * n] = rc_item(&t->c, r);
		t->er[x - 2 * n] = rc_value(&t->c, r);
	}
	t->ready = x;
	if (x < 3 * n)
		return 0;
	t->epoch_start = clock_now();
	return 1;
}

/* A step of the validation pass: 1 with the MSE in *mse once it is
 * through.  Chunk MSEs are weighed by their counts, which rounds a little
 * differently from one pass; a set within one step gets the one pass. */
static int valid_step(struct fit *t, double *mse)
{
	size_t n = t->sp->n_valid, first = t->n_validated;
	size_t k = n - first < VALID_STEP ? n - first : VALID_STEP;
	double part = model_mse_idx(t->m, &t->c, t->sp->valid + first, k);

	if (k == n) {
		*mse = part;
		return 1;
	}
	t->valid_sum += part * (double)k;
	t->n_validated += k;
	if (t->n_validated < n)
		return 0;
	*mse = t->valid_sum / (double)n;
	t->n_validated = 0;
	t->valid_sum = 0.0;
	return 1;
}

/* The epoch's batches are done: a step of its validation pass (TRAIN_MORE
 * while it goes on), then the report's epoch fields. */
static enum train_status epoch_end(struct fit *t, struct eng_train_report *rep)
{
	double mse = NAN;

	rep->batch = t->batch;
	if (t->sp->n_valid && !valid_step(t, &mse))
		return TRAIN_MORE;
	rep->train_loss = t->smooth / t->smooth_w;
	rep->valid_loss = mse;
	rep->seconds = clock_now() - t->epoch_start;
	t->batch = 0;
	t->ready = 0;
	t->epoch++;
	if (t->epoch >= t->cfg.epochs) {
		t->done = 1;
		return TRAIN_DONE;
	}
	return TRAIN_EPOCH_END;
}

/* Parameter spans of one embedding row (global row index: users first,
 * then items) and, for ENG_MODEL_DOTBIAS, of its bias. */
static size_t add_row_spans(const struct model *m, size_t row, struct optim_span *sp)
{
	if (m->nn) {
		sp[0] = embnn_row_span(m->nn, row);
		return 1;
	}
	size_t k = (size_t)m->cfg.n_factors;
	sp[0] = (struct optim_span){ row * k, k };
	if (!m->user_b)
		return 1;
	/* the biases follow the factors: user_b then item_b, one per row */
	sp[1] = (struct optim_span){ (size_t)(m->user_b - m->params) + row, 1 };
	return 2;
}

static double run_batch(struct fit *t, struct eng_train_report *rep)
{
	size_t bs = (size_t)t->cfg.bs;
	size_t first = (size_t)t->batch * bs;
	const uint32_t *bu = t->eu + first, *bi = t->ei + first;
	const float *br = t->er + first;
	size_t n_users = t->m->cfg.n_users, n_spans = 0, n_rows = 0;
	for (size_t j = 0; j < bs; j++) {
		size_t rows[2] = { bu[j], n_users + bi[j] };
		for (int q = 0; q < 2; q++) {
			if (t->touched[rows[q]])
				continue;
			t->touched[rows[q]] = 1;
			t->rows[n_rows++] = (uint32_t)rows[q];
			n_spans += add_row_spans(t->m, rows[q], t->spans + n_spans);
		}
	}
	if (t->m->nn)   /* the layers after the embeddings: every batch */
		t->spans[n_spans++] = embnn_dense_span(t->m->nn);
	double lr, mom;
	sched_at(&t->sched, t->step, &lr, &mom);
	double loss = model_loss_grad(t->m, bu, bi, br, bs, t->grad);
	optim_step(t->opt, t->m->params, t->grad, t->spans, n_spans, (float)lr,
		   (float)mom);
	for (size_t q = 0; q < n_rows; q++)
		t->touched[t->rows[q]] = 0;
	rep->lr = lr;
	rep->mom = mom;
	return loss;
}

enum train_status fit_step(struct fit *t, long max_batches,
			   struct eng_train_report *rep)
{
	rep->n_batches = t->n_batches;
	rep->epoch = t->epoch;
	if (t->done)
		return TRAIN_DONE;
	if (t->batch == t->n_batches && max_batches > 0)
		return epoch_end(t, rep);
	for (long n = 0; n < max_batches; n++) {
		if (t->batch == 0 && !begin_epoch(t)) {
			rep->batch = 0;
			return TRAIN_MORE;
		}
		double loss = run_batch(t, rep);
		t->step++;
		t->batch++;
		t->smooth = SMOOTH_BETA * t->smooth + (1.0 - SMOOTH_BETA) * loss;
		t->smooth_w = SMOOTH_BETA * t->smooth_w + (1.0 - SMOOTH_BETA);
		rep->batch_loss = loss;
		rep->smooth_loss = t->smooth / t->smooth_w;
		rep->batch = t->batch;
		if (t->batch < t->n_batches)
			continue;
		return epoch_end(t, rep);
	}
	return TRAIN_MORE;
}

/* ---- as a trainer_ops (train.h) ---- */

static void *fit_open(struct model *m, const struct ratings_view *v,
		      const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	return fit_new(m, &v->c, v->sp, cfg, init, err, errlen);
}

static enum train_status fit_ops_step(void *self, long max_steps, struct eng_train_report *rep)
{
	return fit_step(self, max_steps, rep);
}

static void fit_ops_set_sched(void *self, const struct sched *s)
{
	fit_set_sched(self, s);
}

static void fit_ops_free(void *self)
{
	fit_free(self);
}

const struct trainer_ops fit_trainer_ops = {
	.name = "fit",
	.open = fit_open,
	.step = fit_ops_step,
	.set_sched = fit_ops_set_sched,
	.free = fit_ops_free,
};
