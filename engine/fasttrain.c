/* fasttrain.c -- per-rating SGD over a block grid (see fasttrain.h). */
#include "fasttrain.h"
#include "clock.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"
#include "rng.h"
#include "simd.h"
#if SIMD_HAVE_AVX2
#include <immintrin.h>
#endif

#define ROUND_RATINGS 200000    /* target ratings per round (one chunk) */
#define NB_MIN 8                /* stripes at least: rounds for 8 threads */
#define NB_MAX 4096
#define STRIPE_MAX 65536        /* rows a stripe may hold: u16 offsets */

#define VALID_PARTS 64          /* validation sums, added in a fixed order */
#define VALID_STEP (4 * ROUND_RATINGS)  /* ratings a validation step walks */
#define VALUES_MAX 65536       /* distinct rating values the codes can name */

/* One training rating inside its block: row offsets within the block's
 * user and item stripes, and the rating as an index into the trainer's
 * table of distinct values (MovieLens has ten), so a rating costs 6 bytes. */
struct rec {
	uint16_t u, i, r;
};

/* What the kernel needs for one block. */
struct kargs {
	float *pf, *qf;         /* first row of the user / item stripe, (rows, k) */
	float *pb, *qb;         /* biases of those rows, NULL for MODEL_DOT */
	const float *value;     /* rating of each code */
	int k;
	float lr, wd;
	int squash;             /* sigmoid_range(lo, hi) */
	float lo, span;         /* lo, hi - lo */
};

struct ftrain {
	struct model *m;
	const uint32_t *users, *items;
	const float *ratings;
	const struct split *sp;
	struct train_cfg cfg;
	struct sched sched;
	struct rng rng;
	struct pool *pool;
	int simd;               /* the AVX2 kernel is in use */

	uint32_t nb;            /* stripes per side */
	uint32_t *ucut, *icut;  /* (nb + 1) stripe s = rows [cut[s], cut[s+1]) */
	size_t *start;          /* (nb * nb + 1) block (a, b) = recs[start[a*nb+b] ..) */
	struct rec *recs;       /* (n_train) grouped by block */
	float *value;           /* (n_values) the distinct ratings, by code */
	uint32_t n_values;
	int32_t *slot;          /* (2 * VALUES_MAX) hash of value -> code, -1 empty; setup only */
	uint32_t *shift;        /* (nb) this epoch's item stripe of user stripe a, round 0 */
	uint32_t *order;        /* (nb) this epoch's round order */
	double *block_loss;     /* (nb) squared errors of the round's blocks */
	/* Validation walks all ratings in storage order and takes those in
	 * this bitmap: sp->valid is a random permutation, and following it
	 * misses the cache on every rating. */
	uint64_t *in_valid;     /* (n_all / 64 + 1) bit x: rating x validates */
	size_t n_all;           /* ratings the bitmap spans */
	double valid_sse[VALID_PARTS];
	/* The pass is cut into steps of a few slices (VALID_STEP ratings), so
	 * an epoch's end is a chunk like a round: on 25M ratings the whole
	 * pass takes half a second. */
	int valid_lo, valid_hi;         /* slices done; the step's end */

	/* the round being run, shared with the pool's parts */
	atomic_uint next;       /* next user stripe to take */
	uint32_t round_shift;
	struct kargs ka;

	int epoch;
	long round, step;
	double epoch_sse, round_sse;
	size_t epoch_n, round_n;        /* ratings those sums cover */
	double epoch_start;
	int done;
};

/* ---------------------------------------------------------------------
 * The kernels: one SGD step per rating of one block.  Both return the
 * block's sum of squared errors (taken before each step).
 */

/* The error term and squared error of prediction x for rating r. */
static inline float grad_term(const struct kargs *a, float x, float r, double *sse)
{
	if (a->squash) {
		float s = 1.0f / (1.0f + expf(-x));
		float e = r - (a->lo + a->span * s);
		*sse += (double)e * e;
		return e * a->span * s * (1.0f - s);
	}
	float e = r - x;
	*sse += (double)e * e;
	return e;
}

static double block_portable(const struct kargs *a, const struct rec *rec, size_t n)
{
	const int k = a->k;
	const float lr = a->lr, wd = a->wd;
	double sse = 0.0;

	for (size_t j = 0; j < n; j++) {
		float *p = a->pf + (size_t)rec[j].u * k, *q = a->qf + (size_t)rec[j].i * k;
		float x = 0.0f;

		for (int f = 0; f < k; f++)
			x += p[f] * q[f];
		if (a->pb)
			x += a->pb[rec[j].u] + a->qb[rec[j].i];
		float g = grad_term(a, x, a->value[rec[j].r], &sse);
		for (int f = 0; f < k; f++) {
			float pv = p[f], qv = q[f];
			p[f] = pv + lr * (g * qv - wd * pv);
			q[f] = qv + lr * (g * pv - wd * qv);
		}
		if (a->pb) {
			float *bu = a->pb + rec[j].u, *bi = a->qb + rec[j].i;
			*bu += lr * (g - wd * *bu);
			*bi += lr * (g - wd * *bi);
		}
	}
	return sse;
}

#if SIMD_HAVE_AVX2
/* p + lr * (g q - wd p) and q + lr * (g p - wd q) on 8 lanes. */
__attribute__((target("avx2,fma")))
static inline void step8(__m256 *pv, __m256 *qv, __m256 vg, __m256 vlr, __m256 vwd)
{
	__m256 dp = _mm256_fmsub_ps(vg, *qv, _mm256_mul_ps(vwd, *pv));
	__m256 dq = _mm256_fmsub_ps(vg, *pv, _mm256_mul_ps(vwd, *qv));
	*pv = _mm256_fmadd_ps(vlr, dp, *pv);
	*qv = _mm256_fmadd_ps(vlr, dq, *qv);
}

__attribute__((target("avx2,fma")))
static double block_avx2(const struct kargs *a, const struct rec *rec, size_t n)
{
	const int k = a->k, k8 = k & ~7;
	const float lr = a->lr, wd = a->wd;
	const __m256 vlr = _mm256_set1_ps(lr), vwd = _mm256_set1_ps(wd);
	/* The k % 8 last factors go through masked loads and stores, so no
	 * scalar tail lengthens the chain from one rating to the next. */
	const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(k - k8),
						_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
	double sse = 0.0;

	for (size_t j = 0; j < n; j++) {
		float *p = a->pf + (size_t)rec[j].u * k, *q = a->qf + (size_t)rec[j].i * k;
		/* two accumulators halve the FMA latency chain of the dot */
		__m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
		int f;

		/* The next rating's rows are likely in L2 already; asking for
		 * them now hides what is left of the latency. */
		if (j + 1 < n) {
			const char *np = (const char *)(a->pf + (size_t)rec[j + 1].u * k);
			const char *nq = (const char *)(a->qf + (size_t)rec[j + 1].i * k);
			for (int c = 0; c < k * 4; c += 64) {
				_mm_prefetch(np + c, _MM_HINT_T0);
				_mm_prefetch(nq + c, _MM_HINT_T0);
			}
		}
		for (f = 0; f + 16 <= k8; f += 16) {
			acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + f), _mm256_loadu_ps(q + f), acc0);
			acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(p + f + 8), _mm256_loadu_ps(q + f + 8), acc1);
		}
		if (f < k8)
			acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + f), _mm256_loadu_ps(q + f), acc0);
		if (k8 < k)
			acc1 = _mm256_fmadd_ps(_mm256_maskload_ps(p + k8, tail),
					       _mm256_maskload_ps(q + k8, tail), acc1);
		__m256 acc = _mm256_add_ps(acc0, acc1);
		__m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
		h = _mm_add_ps(h, _mm_movehl_ps(h, h));
		h = _mm_add_ss(h, _mm_movehdup_ps(h));
		float x = _mm_cvtss_f32(h);
		if (a->pb)
			x += a->pb[rec[j].u] + a->qb[rec[j].i];
		float g = grad_term(a, x, a->value[rec[j].r], &sse);
		const __m256 vg = _mm256_set1_ps(g);
		for (f = 0; f < k8; f += 8) {
			__m256 pv = _mm256_loadu_ps(p + f), qv = _mm256_loadu_ps(q + f);
			step8(&pv, &qv, vg, vlr, vwd);
			_mm256_storeu_ps(p + f, pv);
			_mm256_storeu_ps(q + f, qv);
		}
		if (k8 < k) {
			__m256 pv = _mm256_maskload_ps(p + k8, tail), qv = _mm256_maskload_ps(q + k8, tail);
			step8(&pv, &qv, vg, vlr, vwd);
			_mm256_maskstore_ps(p + k8, tail, pv);
			_mm256_maskstore_ps(q + k8, tail, qv);
		}
		if (a->pb) {
			float *bu = a->pb + rec[j].u, *bi = a->qb + rec[j].i;
			*bu += lr * (g - wd * *bu);
			*bi += lr * (g - wd * *bi);
		}
	}
	return sse;
}
#endif

/* ---------------------------------------------------------------------
 * The grid
 */

/* Cut rows 0..n into nb stripes of about equal rating counts: stripe s
 * starts at the first row whose preceding rows hold s/nb of the ratings.
 * Returns the widest stripe. */
static uint32_t cut_stripes(const uint32_t *count, uint32_t n, size_t total, uint32_t nb,
			    uint32_t *cut)
{
	size_t cum = 0;
	uint32_t s = 1, widest = 0;

	cut[0] = 0;
	for (uint32_t r = 0; r < n && s < nb; r++) {
		cum += count[r];
		/* row r ends the stripe once the share s/nb is reached */
		while (s < nb && cum * nb >= (size_t)s * total)
			cut[s++] = r + 1;
	}
	while (s <= nb)
		cut[s++] = n;
	for (uint32_t j = 0; j < nb; j++)
		if (cut[j + 1] - cut[j] > widest)
			widest = cut[j + 1] - cut[j];
	return widest;
}

/* Stripe of row r: the last s with cut[s] <= r. */
static uint32_t stripe_of(const uint32_t *cut, uint32_t nb, uint32_t r)
{
	uint32_t lo = 0, hi = nb;

	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (cut[mid] <= r)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The code of rating v: its index in t->value, added when new; -1 when
 * VALUES_MAX distinct values are taken.  An open-addressing hash on the
 * float's bits (2 * VALUES_MAX slots), so any data stays fast. */
static int code_of(struct ftrain *t, float v)
{
	uint32_t bits, mask = 2 * VALUES_MAX - 1;

	memcpy(&bits, &v, sizeof bits);
	for (uint32_t h = (uint32_t)((bits * 0x9E3779B97F4A7C15ull) >> 47) & mask;; h = (h + 1) & mask) {
		int32_t c = t->slot[h];

		if (c >= 0 && memcmp(&t->value[c], &v, sizeof v) == 0)
			return c;
		if (c < 0) {
			if (t->n_values == VALUES_MAX)
				return -1;
			t->value[t->n_values] = v;
			t->slot[h] = (int32_t)t->n_values;
			return (int)t->n_values++;
		}
	}
}

static int codes_init(struct ftrain *t)
{
	t->value = malloc(VALUES_MAX * sizeof *t->value);
	t->slot = malloc(2 * VALUES_MAX * sizeof *t->slot);
	t->n_values = 0;
	if (!t->value || !t->slot)
		return -1;
	memset(t->slot, 0xFF, 2 * VALUES_MAX * sizeof *t->slot);
	return 0;
}

/* Choose nb and the cuts, then place the training ratings block by block
 * (a counting sort) and shuffle each block.  NULL on success, else why
 * not. */
static const char *build_grid(struct ftrain *t)
{
	const char *why = "out of memory preparing the fast trainer";
	const struct split *sp = t->sp;
	uint32_t nu = t->m->cfg.n_users, ni = t->m->cfg.n_items;
	uint32_t *ucount = calloc(nu, sizeof *ucount), *icount = calloc(ni, sizeof *icount);
	uint32_t *ublock = NULL, *iblock = NULL;
	size_t n = sp->n_train, *fill = NULL;
	size_t n_all = 0;
	uint64_t *in_train = NULL;

	/* The passes below walk all ratings in storage order, skipping the
	 * validation ones: going through sp->train (a random permutation)
	 * would miss the cache on every rating. */
	for (size_t j = 0; j < n; j++)
		n_all = sp->train[j] >= n_all ? (size_t)sp->train[j] + 1 : n_all;
	in_train = calloc(n_all / 64 + 1, sizeof *in_train);
	if (!ucount || !icount || !in_train || codes_init(t))
		goto out;
	for (size_t j = 0; j < n; j++)
		in_train[sp->train[j] / 64] |= 1ull << (sp->train[j] % 64);
	for (size_t x = 0; x < n_all; x++)
		if (in_train[x / 64] >> (x % 64) & 1) {
			ucount[t->users[x]]++;
			icount[t->items[x]]++;
		}
	uint32_t nb = (uint32_t)((n + ROUND_RATINGS - 1) / ROUND_RATINGS);
	nb = nb < NB_MIN ? NB_MIN : nb;
	for (;; nb *= 2) {
		if (nb > NB_MAX) {
			why = "the fast trainer's grid cannot keep 65536 rows per stripe";
			goto out;
		}
		free(t->ucut);
		free(t->icut);
		t->ucut = malloc((nb + 1) * sizeof *t->ucut);
		t->icut = malloc((nb + 1) * sizeof *t->icut);
		if (!t->ucut || !t->icut)
			goto out;
		if (cut_stripes(ucount, nu, n, nb, t->ucut) <= STRIPE_MAX &&
		    cut_stripes(icount, ni, n, nb, t->icut) <= STRIPE_MAX)
			break;
	}
	t->nb = nb;
	/* Per-row stripe tables: one lookup per rating in the two passes. */
	ublock = malloc(nu * sizeof *ublock);
	iblock = malloc(ni * sizeof *iblock);
	t->start = calloc((size_t)nb * nb + 1, sizeof *t->start);
	fill = malloc((size_t)nb * nb * sizeof *fill);
	t->recs = malloc((n ? n : 1) * sizeof *t->recs);
	t->shift = malloc(nb * sizeof *t->shift);
	t->order = malloc(nb * sizeof *t->order);
	t->block_loss = malloc(nb * sizeof *t->block_loss);
	if (!ublock || !iblock || !t->start || !fill || !t->recs || !t->shift || !t->order ||
	    !t->block_loss)
		goto out;
	for (uint32_t r = 0; r < nu; r++)
		ublock[r] = stripe_of(t->ucut, nb, r);
	for (uint32_t r = 0; r < ni; r++)
		iblock[r] = stripe_of(t->icut, nb, r);
	for (size_t x = 0; x < n_all; x++)
		if (in_train[x / 64] >> (x % 64) & 1)
			t->start[(size_t)ublock[t->users[x]] * nb + iblock[t->items[x]] + 1]++;
	for (size_t b = 0; b < (size_t)nb * nb; b++) {
		t->start[b + 1] += t->start[b];
		fill[b] = t->start[b];
	}
	for (size_t x = 0; x < n_all; x++) {
		if (!(in_train[x / 64] >> (x % 64) & 1))
			continue;
		uint32_t u = t->users[x], i = t->items[x], a = ublock[u], b = iblock[i];
		int code = code_of(t, t->ratings[x]);
		if (code < 0) {
			why = "the fast trainer takes at most 65536 distinct rating values";
			goto out;
		}
		t->recs[fill[(size_t)a * nb + b]++] = (struct rec){
			(uint16_t)(u - t->ucut[a]), (uint16_t)(i - t->icut[b]), (uint16_t)code
		};
	}
	/* One shuffle per block, for the whole run (as LIBMF does). */
	for (size_t b = 0; b < (size_t)nb * nb; b++) {
		struct rec *r = t->recs + t->start[b];
		for (size_t j = t->start[b + 1] - t->start[b]; j > 1; j--) {
			size_t s = (size_t)rng_below(&t->rng, j);
			struct rec tmp = r[j - 1];
			r[j - 1] = r[s];
			r[s] = tmp;
		}
	}
	why = NULL;
out:
	free(t->slot);
	t->slot = NULL;
	free(ucount);
	free(icount);
	free(ublock);
	free(iblock);
	free(fill);
	free(in_train);
	return why;
}

/* ---------------------------------------------------------------------
 * Training
 */

struct ftrain *ftrain_new(struct model *m, const uint32_t *users,
			  const uint32_t *items, const float *ratings,
			  const struct split *sp, const struct train_cfg *cfg,
			  int init, char *err, size_t errlen)
{
	const char *why = train_cfg_check(cfg);

	if (why) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (sp->n_train == 0) {
		snprintf(err, errlen, "the training set is empty");
		return NULL;
	}
	struct ftrain *t = calloc(1, sizeof *t);
	if (!t)
		goto oom;
	t->m = m;
	t->users = users;
	t->items = items;
	t->ratings = ratings;
	t->sp = sp;
	t->cfg = *cfg;
	/* Streams as the chapter's trainer: weights, then everything else. */
	struct rng init_rng;
	rng_seed(&init_rng, cfg->seed);
	if (init)
		model_init(m, &init_rng);
	rng_seed(&t->rng, cfg->seed ^ 0xa5a5a5a5deadbeefULL);
	if ((why = build_grid(t))) {
		ftrain_free(t);
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	for (size_t j = 0; j < sp->n_valid; j++)
		t->n_all = sp->valid[j] >= t->n_all ? (size_t)sp->valid[j] + 1 : t->n_all;
	t->in_valid = calloc(t->n_all / 64 + 1, sizeof *t->in_valid);
	if (!t->in_valid)
		goto oom;
	for (size_t j = 0; j < sp->n_valid; j++)
		t->in_valid[sp->valid[j] / 64] |= 1ull << (sp->valid[j] % 64);
	t->pool = pool_new(cfg->threads);
	if (!t->pool)
		goto oom;
	t->simd = simd_has_avx2_fma();
	if (cfg->sched == SCHED_ONE_CYCLE)
		t->sched = sched_one_cycle(cfg->lr, (long)t->nb * cfg->epochs);
	else
		t->sched = (struct sched){ .kind = SCHED_CONSTANT, .lr_max = cfg->lr,
					   .mom_hi = cfg->mom };
	t->ka = (struct kargs){
		.k = m->cfg.n_factors,
		.wd = (float)cfg->wd,
		.squash = m->cfg.use_y_range,
		.lo = m->cfg.y_lo,
		.span = m->cfg.y_hi - m->cfg.y_lo,
	};
	return t;
oom:
	ftrain_free(t);
	snprintf(err, errlen, "out of memory preparing the fast trainer");
	return NULL;
}

void ftrain_free(struct ftrain *t)
{
	if (!t)
		return;
	pool_free(t->pool);
	free(t->ucut);
	free(t->icut);
	free(t->start);
	free(t->recs);
	free(t->shift);
	free(t->order);
	free(t->block_loss);
	free(t->value);
	free(t->in_valid);
	free(t);
}

int ftrain_use_simd(struct ftrain *t, int on)
{
	t->simd = on && simd_has_avx2_fma();
	return t->simd;
}

/* Fisher-Yates over 0..n-1. */
static void permutation(struct rng *r, uint32_t *a, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		a[j] = j;
	rng_shuffle_u32(r, a, n);
}

/* A pool part of a validation step: its share of slices [valid_lo,
 * valid_hi) of the VALID_PARTS. */
static void valid_part(void *ctx, int part, int n_parts)
{
	struct ftrain *t = ctx;

	for (int s = t->valid_lo + part; s < t->valid_hi; s += n_parts) {
		size_t lo = t->n_all * (size_t)s / VALID_PARTS, hi = t->n_all * (size_t)(s + 1) / VALID_PARTS;
		double sse = 0.0;

		for (size_t x = lo; x < hi; x++)
			if (t->in_valid[x / 64] >> (x % 64) & 1) {
				double e = (double)t->ratings[x] - model_predict(t->m, t->users[x], t->items[x]);
				sse += e * e;
			}
		t->valid_sse[s] = sse;
	}
}

/* One step of the validation pass, on every thread; 1 when the pass is
 * through, with the MSE (independent of the thread count) in *mse. */
static int valid_step(struct ftrain *t, double *mse)
{
	size_t slice = t->n_all / VALID_PARTS + 1;
	int n = (int)((VALID_STEP + slice - 1) / slice);

	t->valid_hi = t->valid_lo + n < VALID_PARTS ? t->valid_lo + n : VALID_PARTS;
	pool_run(t->pool, valid_part, t);
	t->valid_lo = t->valid_hi;
	if (t->valid_lo < VALID_PARTS)
		return 0;
	double sse = 0.0;

	for (int s = 0; s < VALID_PARTS; s++)
		sse += t->valid_sse[s];
	*mse = sse / (double)t->sp->n_valid;
	t->valid_lo = 0;
	return 1;
}

/* An epoch's rounds are done: a step of its validation pass (TRAIN_MORE
 * while it goes on), then the report's epoch fields. */
static enum train_status epoch_end(struct ftrain *t, struct train_report *rep)
{
	double mse = NAN;

	rep->batch = t->round;
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

/* A pool part: take user stripes until the round has none left, running
 * each one's block of this round. */
static void run_part(void *ctx, int part, int n_parts)
{
	struct ftrain *t = ctx;
	const struct model *m = t->m;
	size_t k = (size_t)m->cfg.n_factors;
	uint32_t nb = t->nb, a;

	(void)part;
	(void)n_parts;
	while ((a = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed)) < nb) {
		uint32_t b = (t->shift[a] + t->round_shift) % nb;
		size_t blk = (size_t)a * nb + b;
		struct kargs ka = t->ka;

		ka.pf = m->user_f + (size_t)t->ucut[a] * k;
		ka.qf = m->item_f + (size_t)t->icut[b] * k;
		ka.pb = m->user_b ? m->user_b + t->ucut[a] : NULL;
		ka.qb = m->item_b ? m->item_b + t->icut[b] : NULL;
		ka.value = t->value;
		const struct rec *r = t->recs + t->start[blk];
		size_t n = t->start[blk + 1] - t->start[blk];
#if SIMD_HAVE_AVX2
		if (t->simd) {
			t->block_loss[a] = block_avx2(&ka, r, n);
			continue;
		}
#endif
		t->block_loss[a] = block_portable(&ka, r, n);
	}
}

static void run_round(struct ftrain *t)
{
	double lr, mom;

	sched_at(&t->sched, t->step, &lr, &mom);
	t->ka.lr = (float)lr;
	t->round_shift = t->order[t->round];
	atomic_store_explicit(&t->next, 0, memory_order_relaxed);
	pool_run(t->pool, run_part, t);
	/* Summed in stripe order, so the loss too is thread-count free. */
	t->round_sse = 0.0;
	t->round_n = 0;
	for (uint32_t a = 0; a < t->nb; a++) {
		size_t blk = (size_t)a * t->nb + (t->shift[a] + t->round_shift) % t->nb;

		t->round_sse += t->block_loss[a];
		t->round_n += t->start[blk + 1] - t->start[blk];
	}
	t->epoch_sse += t->round_sse;
	t->epoch_n += t->round_n;
}

enum train_status ftrain_step(struct ftrain *t, long max_rounds, struct train_report *rep)
{
	rep->n_batches = t->nb;
	rep->epoch = t->epoch;
	if (t->done)
		return TRAIN_DONE;
	if (t->round == (long)t->nb && max_rounds > 0)
		return epoch_end(t, rep);
	for (long c = 0; c < max_rounds; c++) {
		if (t->round == 0) {
			permutation(&t->rng, t->shift, t->nb);
			permutation(&t->rng, t->order, t->nb);
			t->epoch_sse = 0.0;
			t->epoch_n = 0;
			t->epoch_start = clock_now();
		}
		run_round(t);
		t->step++;
		t->round++;
		rep->lr = t->ka.lr;
		rep->mom = 0.0;
		rep->batch = t->round;
		rep->batch_loss = t->round_n ? t->round_sse / (double)t->round_n : 0.0;
		rep->smooth_loss = t->epoch_n ? t->epoch_sse / (double)t->epoch_n : 0.0;
		if (t->round < (long)t->nb)
			continue;
		return epoch_end(t, rep);
	}
	return TRAIN_MORE;
}
