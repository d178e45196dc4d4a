/* fasttrain.c -- per-rating SGD over a block grid (see fasttrain.h): the
 * schedule of blocks, epochs and validation; the per-rating kernels are
 * fastkern.c. */
#include "fasttrain.h"
#include "blocks.h"
#include "clock.h"
#include "dot.h"
#include "fastkern.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"
#include "rng.h"
#include "simd.h"

#define STEP_RATINGS 200000     /* target ratings per step (one chunk) */
#define VALID_STEP 400000       /* validation ratings a step walks at least */
#define VALID_RANGE 65536       /* ratings of storage order per range of the pass */
#define VALID_BATCH 1024        /* validation ratings gathered at a time (a multiple of 64) */
#define VALID_AHEAD 8           /* ratings: the item row of this one is fetched */
#define STEP_BLOCKS 4           /* a step's blocks: a multiple of this, for 1, 2, 4 threads */

struct ftrain {
	struct model *m;
	struct rcols c;         /* the ratings, borrowed */
	const struct split *sp;
	struct eng_train_hp cfg;
	struct sched sched;
	struct rng rng;
	struct pool *pool;
	enum kopt opt;
	int simd;               /* the AVX2 kernels are in use */
	kernel_fn kernel;

	struct blocks g;        /* the training ratings */
	struct blocks *keep;    /* where g goes when freed, or NULL (ratings_view) */
	uint32_t parts;         /* steps per round */
	uint32_t *shift;        /* (nb) this epoch's item stripe of user stripe a, round 0 */
	uint32_t *order;        /* (nb) this epoch's round order */
	double *block_loss;     /* (nb) squared errors of the round's blocks, by user stripe */
	float *ustate, *istate; /* (n_users, sw), (n_items, sw) optimiser state; NULL for SGD */
	/* The validation ratings are read where they are, in storage order
	 * (a copy in the grid took 6 bytes each, 29 MiB at 25M): ranges of
	 * VALID_RANGE ratings, each one's squared errors summed apart and the
	 * ranges added in order, so the MSE does not depend on the threads.
	 * The pass is cut into steps of whole ranges (VALID_STEP validation
	 * ratings or more), so an epoch's end is a chunk like a step: on 25M
	 * ratings the whole pass takes 0.15 s or more, too long to leave a
	 * STOP or a query waiting. */
	const uint64_t *vbits;  /* bit x set: rating x validates */
	uint64_t *own_vbits;    /* vbits made from an index split, else NULL */
	size_t n_pos;           /* vbits covers ratings 0..n_pos-1 */
	uint32_t n_ranges;      /* ceil(n_pos / VALID_RANGE) */
	double *valid_sse;      /* (n_ranges) squared errors by range */
	uint32_t valid_a;       /* ranges validated so far this pass */

	/* the step being run, shared with the pool's parts */
	atomic_uint next;       /* next user stripe to take */
	uint32_t a_end;         /* the step's user stripes end here */
	uint32_t round_shift;
	struct kargs ka;

	int epoch;
	long round, part, step; /* round in the epoch, step in the round, steps in all */
	double epoch_sse, step_sse;
	size_t epoch_n, step_n;         /* ratings those sums cover */
	double epoch_start;
	double valid_seconds;   /* the last validation pass */
	double valid_run;       /* the pass under way, so far */
	int done;
};

/* ---------------------------------------------------------------------
 * Training
 */

/* Steps per round of nb stripes (a multiple of STEP_BLOCKS) and n
 * training ratings: the fewest that keep a step within STEP_RATINGS, each
 * step a multiple of STEP_BLOCKS blocks.  A step ends with all its blocks
 * done; with 5 blocks, 2 threads spent a third of the step with one of
 * them waiting. */
static uint32_t steps_per_round(uint32_t nb, size_t n)
{
	size_t want = (n / nb + STEP_RATINGS - 1) / STEP_RATINGS;
	uint32_t groups = nb / STEP_BLOCKS;

	for (uint32_t p = 1; p < groups; p++)
		if (groups % p == 0 && p >= want)
			return p;
	return groups;
}

/* What the layout is made of. */
static struct blocks_src grid_src(const struct ftrain *t)
{
	return (struct blocks_src){ .c = &t->c, .sp = t->sp, .n_users = t->m->cfg.n_users,
				    .n_items = t->m->cfg.n_items };
}

/* Take the layout kept from an earlier run when it fits this one
 * (ratings_view's keep): 1 when taken. */
static int take_kept(struct ftrain *t)
{
	const struct blocks_src src = grid_src(t);

	if (!t->keep || !blocks_fits(t->keep, &src, t->m->cfg.n_factors, t->cfg.seed))
		return 0;
	t->g = *t->keep;
	*t->keep = (struct blocks){0};
	return 1;
}

/* Lay the ratings out (blocks.h) unless a kept layout was taken, and
 * size the per-stripe arrays.  NULL on success, else why not. */
static const char *grid(struct ftrain *t)
{
	const struct blocks_src src = grid_src(t);
	const char *why = NULL;

	if (!t->g.recs) {
		if (t->keep)
			blocks_free(t->keep);   /* its memory before the new one's */
		why = blocks_build(&t->g, &src, t->m->cfg.n_factors, t->cfg.seed, t->pool);
	}
	uint32_t nb = t->g.nb;

	if (why)
		return why;
	t->parts = steps_per_round(nb, t->sp->n_train);
	t->shift = malloc(nb * sizeof *t->shift);
	t->order = malloc(nb * sizeof *t->order);
	t->block_loss = malloc(nb * sizeof *t->block_loss);
	if (t->sp->valid_bits) {
		t->vbits = t->sp->valid_bits;
		t->n_pos = t->sp->n_all;
	} else {
		t->vbits = t->own_vbits = blocks_bitmap(t->sp->valid, t->sp->n_valid, &t->n_pos);
	}
	t->n_ranges = (uint32_t)((t->n_pos + VALID_RANGE - 1) / VALID_RANGE);
	t->valid_sse = malloc((t->n_ranges + 1) * sizeof *t->valid_sse);
	if (!t->shift || !t->order || !t->block_loss || !t->vbits || !t->valid_sse)
		return "out of memory preparing the fast trainer";
	return NULL;
}

/* A fresh optimiser state for every user and item row (fastkern.h). */
static int state_init(struct ftrain *t)
{
	const struct model *m = t->m;

	free(t->ustate);
	free(t->istate);
	t->ustate = t->istate = NULL;
	t->ka.sw = fastkern_state_width(t->opt, m->cfg.n_factors);
	if (t->ka.sw == 0)
		return 0;
	size_t sw = (size_t)t->ka.sw;
	t->ustate = calloc((size_t)m->cfg.n_users * sw, sizeof(float));
	t->istate = calloc((size_t)m->cfg.n_items * sw, sizeof(float));
	if (!t->ustate || !t->istate)
		return -1;
	fastkern_state_start(t->opt, t->ustate, m->cfg.n_users, t->ka.sw);
	fastkern_state_start(t->opt, t->istate, m->cfg.n_items, t->ka.sw);
	return 0;
}

struct eng_train_hp ftrain_cfg_plain(int epochs, double lr, double wd)
{
	struct eng_train_hp c = train_cfg_default();
	c.epochs = epochs;
	c.lr = lr;
	c.wd = wd;
	c.opt = ENG_OPTIM_SGD;
	c.mom = 0.0;
	c.sched = ENG_SCHED_CONSTANT;
	return c;
}

/* The initial weights, drawn on a thread of their own while the pool lays
 * the ratings out: the two share no memory, and the third thread fills
 * what the layout leaves of two cores (its passes wait on memory; the
 * draws, a cos and a log for each of 11M weights at 25M ratings, do
 * not).  25M ratings, 2 threads, TRAIN to the first update, three sets
 * of alternating runs at load ~2: medians 1.077 -> 0.892 s (9 runs),
 * 0.874 -> 0.919 s (9), 1.015 -> 0.889 s (15).  A kept layout leaves
 * nothing to overlap, and on one thread the weights come first
 * (model_init_pool, the same bits either way). */
struct drawing {
	pthread_t thread;
	struct model *m;
	struct rng r;
};

static void *draw_weights(void *arg)
{
	struct drawing *d = arg;

	model_init(d->m, &d->r);
	return NULL;
}

/* ftrain_new() with a place for the layout between runs (ratings_view's
 * keep), or NULL. */
static struct ftrain *ftrain_make(struct model *m, const struct rcols *c,
				  const struct split *sp, const struct eng_train_hp *cfg,
				  int init, struct blocks *keep, char *err, size_t errlen)
{
	if (train_check(cfg, sp, err, errlen) != 0)
		return NULL;
	struct ftrain *t = calloc(1, sizeof *t);
	if (!t)
		goto oom;
	t->keep = keep;
	t->m = m;
	t->c = *c;
	t->sp = sp;
	t->cfg = *cfg;
	t->pool = pool_new(cfg->threads);
	if (!t->pool)
		goto oom;
	/* Streams as the chapter's trainer: weights, then everything else. */
	struct drawing d = { .m = m };
	rng_seed(&d.r, cfg->seed);
	int kept = take_kept(t);
	int beside = init && !kept && cfg->threads > 1 &&
		     pthread_create(&d.thread, NULL, draw_weights, &d) == 0;
	if (init && !beside)
		model_init_pool(m, &d.r, t->pool);
	rng_seed(&t->rng, cfg->seed ^ 0xa5a5a5a5deadbeefULL);
	const char *why = grid(t);
	if (beside)
		pthread_join(d.thread, NULL);
	if (why) {
		ftrain_free(t);
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	t->ka = (struct kargs){
		.k = m->cfg.n_factors,
		.wd = (float)cfg->wd,
		.squash = m->cfg.use_y_range,
		.lo = m->cfg.y_lo,
		.span = m->cfg.y_hi - m->cfg.y_lo,
	};
	/* Plain SGD needs no velocity: momentum 0 under a constant rate is
	 * FPSGD's update, run without the state's memory traffic. */
	if (cfg->opt == ENG_OPTIM_ADAM)
		t->opt = KOPT_ADAM;
	else if (cfg->opt == ENG_OPTIM_ADAROW)
		t->opt = KOPT_ADAROW;
	else
		t->opt = cfg->sched == ENG_SCHED_ONE_CYCLE || cfg->mom > 0.0 ? KOPT_MOM : KOPT_SGD;
	if (state_init(t))
		goto oom;
	t->simd = simd_has_avx2_fma();
	t->kernel = fastkern_pick(t->opt, t->simd, t->ka.k);
	if (cfg->sched == ENG_SCHED_ONE_CYCLE)
		t->sched = sched_one_cycle(cfg->lr, (long)t->g.nb * t->parts * cfg->epochs);
	else
		t->sched = (struct sched){ .kind = ENG_SCHED_CONSTANT, .lr_max = cfg->lr,
					   .mom_hi = cfg->mom };
	return t;
oom:
	ftrain_free(t);
	snprintf(err, errlen, "out of memory preparing the fast trainer");
	return NULL;
}

struct ftrain *ftrain_new(struct model *m, const struct rcols *c,
			  const struct split *sp, const struct eng_train_hp *cfg,
			  int init, char *err, size_t errlen)
{
	return ftrain_make(m, c, sp, cfg, init, NULL, err, errlen);
}

void ftrain_free(struct ftrain *t)
{
	if (!t)
		return;
	pool_free(t->pool);
	if (t->keep && t->g.key.n_train) {     /* a whole layout (blocks_fits) */
		blocks_free(t->keep);
		*t->keep = t->g;
	} else {
		blocks_free(&t->g);
	}
	free(t->shift);
	free(t->order);
	free(t->block_loss);
	free(t->ustate);
	free(t->istate);
	free(t->valid_sse);
	free(t->own_vbits);
	free(t);
}

double ftrain_valid_seconds(const struct ftrain *t)
{
	return t->valid_seconds;
}

int ftrain_use_simd(struct ftrain *t, int on)
{
	t->simd = on && simd_has_avx2_fma();
	t->kernel = fastkern_pick(t->opt, t->simd, t->ka.k);
	return t->simd;
}

int ftrain_use_velocity(struct ftrain *t)
{
	if (t->opt != KOPT_SGD)
		return 0;
	t->opt = KOPT_MOM;
	if (state_init(t))
		return -1;
	t->kernel = fastkern_pick(t->opt, t->simd, t->ka.k);
	return 0;
}

/* Fisher-Yates over 0..n-1. */
static void permutation(struct rng *r, uint32_t *a, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		a[j] = j;
	rng_shuffle_u32(r, a, n);
}

/* The squared errors of the validation ratings among ratings [lo, hi)
 * of storage order.  The prediction is model_predict()'s for the dot
 * models, with the dot product of dot.h: model_predict()'s one chain of k
 * dependent additions per rating made this pass take nearly as long as
 * the training pass. */
static double valid_range(const struct ftrain *t, size_t lo, size_t hi)
{
	const struct model *m = t->m;
	const struct kargs *ka = &t->ka;
	const int k = ka->k;
	const size_t row = (size_t)k * sizeof(float);
	double sse = 0.0;
	/* The ratings of a batch of set bits, so that the item row of the
	 * rating VALID_AHEAD ahead can be fetched while this one is scored:
	 * in storage order the items come at random. */
	uint32_t x[VALID_BATCH], us[VALID_BATCH], is[VALID_BATCH];
	float rs[VALID_BATCH];

	for (size_t w = lo; w < hi;) {
		size_t n = 0;
		for (; w < hi && n + 64 <= VALID_BATCH; w += 64) {
			uint64_t bits = t->vbits[w / 64];
			if (hi - w < 64)
				bits &= (1ull << (hi - w)) - 1;
			for (; bits; bits &= bits - 1)
				x[n++] = (uint32_t)(w + (size_t)__builtin_ctzll(bits));
		}
		rc_gather(&t->c, x, n, us, is, rs);
		for (size_t j = 0; j < n; j++) {
			if (j + VALID_AHEAD < n) {
				const char *nq = (const char *)(m->item_f +
								(size_t)is[j + VALID_AHEAD] * k);
				for (size_t off = 0; off < row; off += 64)
					__builtin_prefetch(nq + off);
			}
			uint32_t u = us[j], i = is[j];
			float p = dot_f32(m->user_f + (size_t)u * k, m->item_f + (size_t)i * k, k);
			if (m->user_b)
				p += m->user_b[u] + m->item_b[i];
			if (ka->squash)
				p = ka->lo + ka->span / (1.0f + expf(-p));
			double e = (double)rs[j] - p;
			sse += e * e;
		}
	}
	return sse;
}

/* A pool part of the validation pass: whole ranges. */
static void valid_part(void *ctx, int part, int n_parts)
{
	struct ftrain *t = ctx;
	uint32_t c;

	(void)part;
	(void)n_parts;
	while ((c = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed)) < t->a_end) {
		size_t lo = (size_t)c * VALID_RANGE, hi = lo + VALID_RANGE;
		t->valid_sse[c] = valid_range(t, lo, hi < t->n_pos ? hi : t->n_pos);
	}
}

/* One step of the validation pass, on every thread: the next ranges, up
 * to about VALID_STEP validation ratings.  Returns 1 when the pass is
 * through, with the MSE in *mse, summed by range in a fixed order so
 * independent of the threads' number. */
static int valid_step(struct ftrain *t, double *mse)
{
	uint32_t a1 = t->valid_a;
	/* about n_valid / n_pos of a range's ratings validate */
	size_t per = (size_t)((double)VALID_RANGE * (double)t->sp->n_valid / (double)t->n_pos) + 1;
	size_t n = 0;
	double v0 = clock_now();

	while (a1 < t->n_ranges && n < VALID_STEP) {
		n += per;
		a1++;
	}
	t->a_end = a1;
	atomic_store_explicit(&t->next, t->valid_a, memory_order_relaxed);
	pool_run(t->pool, valid_part, t);
	t->valid_a = a1;
	t->valid_run += clock_now() - v0;
	if (a1 < t->n_ranges)
		return 0;
	double sse = 0.0;

	for (uint32_t c = 0; c < t->n_ranges; c++)
		sse += t->valid_sse[c];
	*mse = sse / (double)t->sp->n_valid;
	t->valid_seconds = t->valid_run;
	t->valid_run = 0.0;
	t->valid_a = 0;
	return 1;
}

/* An epoch's rounds are done: a step of its validation pass (TRAIN_MORE
 * while it goes on), then the report's epoch fields. */
static enum train_status epoch_end(struct ftrain *t, struct eng_train_report *rep)
{
	double mse = NAN;

	rep->batch = (long)t->g.nb * t->parts;
	if (t->sp->n_valid && !valid_step(t, &mse))
		return TRAIN_MORE;
	rep->train_loss = t->epoch_sse / (double)t->sp->n_train;
	rep->smooth_loss = rep->train_loss;
	rep->valid_loss = mse;
	rep->seconds = clock_now() - t->epoch_start;
	t->round = 0;
	t->epoch++;
	if (t->epoch >= t->cfg.epochs) {
		t->done = 1;
		return TRAIN_DONE;
	}
	return TRAIN_EPOCH_END;
}

/* Item stripe paired with user stripe a in the current round. */
static uint32_t partner(const struct ftrain *t, uint32_t a)
{
	return (t->shift[a] + t->round_shift) % t->g.nb;
}

/* A pool part: take the step's user stripes until none is left, running
 * each one's block of this round. */
static void run_part(void *ctx, int part, int n_parts)
{
	struct ftrain *t = ctx;
	const struct model *m = t->m;
	size_t k = (size_t)m->cfg.n_factors, sw = (size_t)t->ka.sw;
	uint32_t nb = t->g.nb, a;

	(void)part;
	(void)n_parts;
	while ((a = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed)) < t->a_end) {
		uint32_t b = partner(t, a);
		size_t blk = (size_t)a * nb + b;
		struct kargs ka = t->ka;

		ka.pf = m->user_f + (size_t)t->g.ucut[a] * k;
		ka.qf = m->item_f + (size_t)t->g.icut[b] * k;
		ka.pb = m->user_b ? m->user_b + t->g.ucut[a] : NULL;
		ka.qb = m->item_b ? m->item_b + t->g.icut[b] : NULL;
		ka.ps = t->ustate ? t->ustate + (size_t)t->g.ucut[a] * sw : NULL;
		ka.qs = t->istate ? t->istate + (size_t)t->g.icut[b] * sw : NULL;
		ka.value = t->g.value;
		t->block_loss[a] = t->kernel(&ka, t->g.recs + t->g.start[blk],
					     t->g.start[blk + 1] - t->g.start[blk]);
	}
}

/* One step: the blocks of user stripes [a0, a1) of the current round. */
static void run_step(struct ftrain *t)
{
	uint32_t a0 = (uint32_t)((size_t)t->g.nb * (size_t)t->part / t->parts);
	uint32_t a1 = (uint32_t)((size_t)t->g.nb * (size_t)(t->part + 1) / t->parts);
	double lr, mom;

	sched_at(&t->sched, t->step, &lr, &mom);
	t->ka.lr = (float)lr;
	t->ka.mom = (float)mom;
	t->round_shift = t->order[t->round];
	t->a_end = a1;
	atomic_store_explicit(&t->next, a0, memory_order_relaxed);
	pool_run(t->pool, run_part, t);
	/* Summed in stripe order, so the loss too is thread-count free. */
	t->step_sse = 0.0;
	t->step_n = 0;
	for (uint32_t a = a0; a < a1; a++) {
		size_t blk = (size_t)a * t->g.nb + partner(t, a);

		t->step_sse += t->block_loss[a];
		t->step_n += t->g.start[blk + 1] - t->g.start[blk];
	}
	t->epoch_sse += t->step_sse;
	t->epoch_n += t->step_n;
}

enum train_status ftrain_step(struct ftrain *t, long max_steps, struct eng_train_report *rep)
{
	rep->n_batches = (long)t->g.nb * t->parts;
	rep->epoch = t->epoch;
	if (t->done)
		return TRAIN_DONE;
	if (t->round == (long)t->g.nb && max_steps > 0)
		return epoch_end(t, rep);
	for (long c = 0; c < max_steps; c++) {
		if (t->round == 0 && t->part == 0) {
			permutation(&t->rng, t->shift, t->g.nb);
			permutation(&t->rng, t->order, t->g.nb);
			t->epoch_sse = 0.0;
			t->epoch_n = 0;
			t->epoch_start = clock_now();
		}
		run_step(t);
		t->step++;
		if (++t->part == (long)t->parts) {
			t->part = 0;
			t->round++;
		}
		rep->lr = t->ka.lr;
		/* plain SGD and adarow have no momentum, whatever the schedule says */
		rep->mom = t->opt == KOPT_SGD || t->opt == KOPT_ADAROW ? 0.0 : t->ka.mom;
		rep->batch = t->round * t->parts + t->part;
		rep->batch_loss = t->step_n ? t->step_sse / (double)t->step_n : 0.0;
		rep->smooth_loss = t->epoch_n ? t->epoch_sse / (double)t->epoch_n : 0.0;
		if (t->round < (long)t->g.nb)
			continue;
		return epoch_end(t, rep);
	}
	return TRAIN_MORE;
}

/* ---- as a trainer_ops (train.h) ---- */

static void *ftrain_open(struct model *m, const struct ratings_view *v,
			 const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	return ftrain_make(m, &v->c, v->sp, cfg, init, v->keep, err, errlen);
}

static enum train_status ftrain_ops_step(void *self, long max_steps,
					 struct eng_train_report *rep)
{
	return ftrain_step(self, max_steps, rep);
}

static void ftrain_ops_free(void *self)
{
	ftrain_free(self);
}

const struct trainer_ops fast_trainer_ops = {
	.name = "fast",
	.open = ftrain_open,
	.step = ftrain_ops_step,
	.free = ftrain_ops_free,
};
