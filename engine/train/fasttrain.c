/* fasttrain.c -- per-rating SGD over a block grid (see fasttrain.h). */
#include "fasttrain.h"
#include "clock.h"
#include "dot.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hugemem.h"
#include "pool.h"
#include "rng.h"
#include "simd.h"
#if SIMD_HAVE_AVX2
#include <immintrin.h>
#endif

#define STRIPE_BYTES (512 << 10) /* factor rows of one item stripe: about half an L2 */
#define STEP_RATINGS 200000     /* target ratings per step (one chunk) */
#define VALID_STEP 400000       /* validation ratings a step walks at least */
#define PREFETCH_AHEAD 4        /* ratings: the item row of this one is fetched */
#define NB_MIN 8                /* stripes at least, and their multiple */
#define STEP_BLOCKS 4           /* a step's blocks: a multiple of this, for 1, 2, 4 threads */
#define NB_MAX 4096
#define STRIPE_MAX 65536        /* rows a stripe may hold: u16 offsets */

#define VALUES_MAX 65536       /* distinct rating values the codes can name */


/* One training rating inside its block: row offsets within the block's
 * user and item stripes, and the rating as an index into the trainer's
 * table of distinct values (MovieLens has ten), so a rating costs 6 bytes. */
struct rec {
	uint16_t u, i, r;
};

/* The update the kernels make; see fasttrain.h for the formulas. */
enum kopt {
	KOPT_SGD,               /* plain: no state */
	KOPT_MOM,               /* state row: velocity (k), bias velocity */
	KOPT_ADAM,              /* state row: m (k), v (k), bias m, bias v,
				 * then the products of beta1 and beta2 so far */
	KOPT_ADAROW,            /* state row: G, the row's summed mean squared
				 * gradient (LIBMF's per-row adaptive rate) */
};

/* What the kernel needs for one block. */
struct kargs {
	float *pf, *qf;         /* first row of the user / item stripe, (rows, k) */
	float *pb, *qb;         /* biases of those rows, NULL for ENG_MODEL_DOT */
	float *ps, *qs;         /* optimiser state of those rows, (rows, sw) */
	const float *value;     /* rating of each code */
	int k, sw;              /* factors, state floats per row */
	float lr, wd, mom;      /* mom: SGD's momentum, Adam's beta1 */
	int squash;             /* sigmoid_range(lo, hi) */
	float lo, span;         /* lo, hi - lo */
};

typedef double (*kernel_fn)(const struct kargs *a, const struct rec *rec, size_t n);

struct ftrain {
	struct model *m;
	const uint32_t *users, *items;
	const float *ratings;
	const struct split *sp;
	struct eng_train_hp cfg;
	struct sched sched;
	struct rng rng;
	struct pool *pool;
	enum kopt opt;
	int simd;               /* the AVX2 kernels are in use */
	kernel_fn kernel;

	uint32_t nb;            /* stripes per side */
	uint32_t parts;         /* steps per round */
	uint32_t *ucut, *icut;  /* (nb + 1) stripe s = rows [cut[s], cut[s+1]) */
	size_t *start;          /* (nb * nb + 1) block (a, b) = recs[start[a*nb+b] ..) */
	struct rec *recs;       /* (n_train) grouped by block */
	float *value;           /* (n_values) the distinct ratings, by code */
	uint32_t n_values;
	int32_t *slot;          /* (2 * VALUES_MAX) hash of value -> code, -1 empty; setup only */
	uint32_t *shift;        /* (nb) this epoch's item stripe of user stripe a, round 0 */
	uint32_t *order;        /* (nb) this epoch's round order */
	double *block_loss;     /* (nb) squared errors of the round's blocks, by user stripe */
	float *ustate, *istate; /* (n_users, sw), (n_items, sw) optimiser state; NULL for SGD */
	/* The validation ratings sit in the same grid, grouped by user
	 * within each block, so the validation pass too reads an item
	 * stripe from L2 while the users stream past. */
	size_t *vstart;         /* (nb * nb + 1) as start */
	struct rec *vrecs;      /* (n_valid) grouped by block */
	double *valid_sse;      /* (nb) squared errors by user stripe */
	/* The pass is cut into steps of whole user stripes (VALID_STEP
	 * ratings or more), so an epoch's end is a chunk like a step: on 25M
	 * ratings the whole pass takes 0.15 s, too long to leave a STOP or a
	 * query waiting. */
	uint32_t valid_a;       /* user stripes validated so far this pass */

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
 * The kernels: one update per rating of one block.  All return the
 * block's sum of squared errors (taken before each step).  Each is one
 * inline body instantiated per optimiser, so the per-element work has no
 * branches.
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

/* Adam's per-row step scalars after one more touch: the products of
 * beta1 and beta2 move on, then s = lr / (1 - beta1^t) and
 * c = 1 / sqrt(1 - beta2^t) undo the averages' bias towards 0. */
static inline void adam_row(float *prod, float lr, float mom, float *s, float *c)
{
	prod[0] *= mom;
	prod[1] *= OPTIM_ADAM_SQR_MOM;
	*s = lr / (1.0f - prod[0]);
	*c = 1.0f / sqrtf(1.0f - prod[1]);
}

/* One scalar parameter x with ascent direction d; its state is st[i]
 * (and Adam's second moment st[i2]); st is NULL for plain SGD. */
static inline float update1(enum kopt opt, float x, float d, float *st, size_t i, size_t i2,
			    float lr, float mom, float s, float c)
{
	switch (opt) {
	case KOPT_SGD:
		return x + lr * d;
	case KOPT_MOM:
		st[i] = mom * st[i] + d;
		return x + lr * st[i];
	case KOPT_ADAM:
		st[i] = mom * st[i] + (1.0f - mom) * d;
		st[i2] = OPTIM_ADAM_SQR_MOM * st[i2] + (1.0f - OPTIM_ADAM_SQR_MOM) * d * d;
		return x + s * st[i] / (sqrtf(st[i2]) * c + OPTIM_ADAM_EPS);
	case KOPT_ADAROW:
		return x + s * d;
	}
	return x;
}

static inline __attribute__((always_inline))
double portable_body(const struct kargs *a, const struct rec *rec, size_t n, const enum kopt opt)
{
	const int k = a->k, sw = a->sw;
	const float lr = a->lr, wd = a->wd, mom = a->mom;
	float sp = 0.0f, cp = 0.0f, sq = 0.0f, cq = 0.0f;
	double sse = 0.0;

	for (size_t j = 0; j < n; j++) {
		float *p = a->pf + (size_t)rec[j].u * k, *q = a->qf + (size_t)rec[j].i * k;
		float *ps = opt == KOPT_SGD ? NULL : a->ps + (size_t)rec[j].u * sw;
		float *qs = opt == KOPT_SGD ? NULL : a->qs + (size_t)rec[j].i * sw;
		float x = 0.0f;

		for (int f = 0; f < k; f++)
			x += p[f] * q[f];
		if (a->pb)
			x += a->pb[rec[j].u] + a->qb[rec[j].i];
		float g = grad_term(a, x, a->value[rec[j].r], &sse);
		float gp2 = 0.0f, gq2 = 0.0f;   /* KOPT_ADAROW: the rows' squared gradients */
		if (opt == KOPT_ADAM) {
			adam_row(ps + 2 * k + 2, lr, mom, &sp, &cp);
			adam_row(qs + 2 * k + 2, lr, mom, &sq, &cq);
		}
		if (opt == KOPT_ADAROW) {
			sp = lr / sqrtf(ps[0]);
			sq = lr / sqrtf(qs[0]);
		}
		for (int f = 0; f < k; f++) {
			float pv = p[f], qv = q[f];
			float dp = g * qv - wd * pv, dq = g * pv - wd * qv;
			if (opt == KOPT_ADAROW) {
				gp2 += dp * dp;
				gq2 += dq * dq;
			}
			p[f] = update1(opt, pv, dp, ps, f, k + f, lr, mom, sp, cp);
			q[f] = update1(opt, qv, dq, qs, f, k + f, lr, mom, sq, cq);
		}
		if (opt == KOPT_ADAROW) {
			ps[0] += gp2 / (float)k;
			qs[0] += gq2 / (float)k;
		}
		if (a->pb) {
			float *bu = a->pb + rec[j].u, *bi = a->qb + rec[j].i;
			size_t o = opt == KOPT_ADAM ? 2 * (size_t)k : (size_t)k;
			*bu = update1(opt, *bu, g - wd * *bu, ps, o, o + 1, lr, mom, sp, cp);
			*bi = update1(opt, *bi, g - wd * *bi, qs, o, o + 1, lr, mom, sq, cq);
		}
	}
	return sse;
}

static double portable_sgd(const struct kargs *a, const struct rec *rec, size_t n)
{
	return portable_body(a, rec, n, KOPT_SGD);
}

static double portable_mom(const struct kargs *a, const struct rec *rec, size_t n)
{
	return portable_body(a, rec, n, KOPT_MOM);
}

static double portable_adam(const struct kargs *a, const struct rec *rec, size_t n)
{
	return portable_body(a, rec, n, KOPT_ADAM);
}

static double portable_adarow(const struct kargs *a, const struct rec *rec, size_t n)
{
	return portable_body(a, rec, n, KOPT_ADAROW);
}

#if SIMD_HAVE_AVX2
/* The parameters of one side on 8 lanes: the factors x, the partner's
 * factors y (read before either changes) and the state at st (the second
 * moment k floats further for Adam); x is stepped and the state kept. */
struct lane8 {
	__m256 x, y, s1, s2;
};

/* The constants of one rating's update. */
struct kvec {
	__m256 g, lr, wd, mom, c1, b2, c2, eps;
	__m256 sp, cp, sq, cq;  /* Adam's per-row scalars */
};

__attribute__((target("avx2,fma")))
static inline __attribute__((always_inline))
__m256 step8(const enum kopt opt, __m256 x, __m256 y, __m256 *s1, __m256 *s2,
	     const struct kvec *v, __m256 s, __m256 c)
{
	/* ascent direction g y - wd x, as the portable kernel rounds it */
	__m256 d = _mm256_fmsub_ps(v->g, y, _mm256_mul_ps(v->wd, x));

	switch (opt) {
	case KOPT_SGD:
		return _mm256_fmadd_ps(v->lr, d, x);
	case KOPT_MOM:
		*s1 = _mm256_fmadd_ps(v->mom, *s1, d);
		return _mm256_fmadd_ps(v->lr, *s1, x);
	case KOPT_ADAM:
		*s1 = _mm256_fmadd_ps(v->mom, *s1, _mm256_mul_ps(v->c1, d));
		*s2 = _mm256_fmadd_ps(v->b2, *s2, _mm256_mul_ps(_mm256_mul_ps(v->c2, d), d));
		__m256 den = _mm256_fmadd_ps(_mm256_sqrt_ps(*s2), c, v->eps);
		return _mm256_fmadd_ps(s, _mm256_div_ps(*s1, den), x);
	case KOPT_ADAROW:
		/* s1 brings back the lanes' squared gradients */
		*s1 = _mm256_mul_ps(d, d);
		return _mm256_fmadd_ps(s, d, x);
	}
	return x;
}

/* Lanes [f, f + 8) of one rating's two rows: factors, and state (the
 * second moment k floats further on for Adam). */
struct lanes {
	__m256 p, q, ps1, ps2, qs1, qs2;
};

__attribute__((target("avx2,fma")))
static inline __attribute__((always_inline))
void lanes_load(const enum kopt opt, struct lanes *l, const float *p, const float *q,
		const float *ps, const float *qs, int k, int f)
{
	l->p = _mm256_loadu_ps(p + f);
	l->q = _mm256_loadu_ps(q + f);
	l->ps1 = l->ps2 = l->qs1 = l->qs2 = _mm256_setzero_ps();
	if (opt == KOPT_MOM || opt == KOPT_ADAM) {
		l->ps1 = _mm256_loadu_ps(ps + f);
		l->qs1 = _mm256_loadu_ps(qs + f);
	}
	if (opt == KOPT_ADAM) {
		l->ps2 = _mm256_loadu_ps(ps + k + f);
		l->qs2 = _mm256_loadu_ps(qs + k + f);
	}
}

/* Step the lanes as loaded and store them back at f. */
__attribute__((target("avx2,fma")))
static inline __attribute__((always_inline))
void lanes_step(const enum kopt opt, struct lanes *l, float *p, float *q, float *ps,
		float *qs, int k, int f, const struct kvec *v)
{
	_mm256_storeu_ps(p + f, step8(opt, l->p, l->q, &l->ps1, &l->ps2, v, v->sp, v->cp));
	_mm256_storeu_ps(q + f, step8(opt, l->q, l->p, &l->qs1, &l->qs2, v, v->sq, v->cq));
	if (opt == KOPT_MOM || opt == KOPT_ADAM) {
		_mm256_storeu_ps(ps + f, l->ps1);
		_mm256_storeu_ps(qs + f, l->qs1);
	}
	if (opt == KOPT_ADAM) {
		_mm256_storeu_ps(ps + k + f, l->ps2);
		_mm256_storeu_ps(qs + k + f, l->qs2);
	}
}

/* The sum of the 8 lanes. */
__attribute__((target("avx2,fma")))
static inline __attribute__((always_inline))
float hsum8(__m256 acc)
{
	__m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
	h = _mm_add_ps(h, _mm_movehl_ps(h, h));
	h = _mm_add_ss(h, _mm_movehdup_ps(h));
	return _mm_cvtss_f32(h);
}

__attribute__((target("avx2,fma")))
static inline __attribute__((always_inline))
double avx2_body(const struct kargs *a, const struct rec *rec, size_t n, const enum kopt opt)
{
	/* Factors [k8, k) come from one more vector at kt = k - 8 that
	 * overlaps the last full one (k >= 8 here): every lane of it is
	 * computed from the values read before any store, so the lanes both
	 * vectors hold get the same bits from either, and no scalar tail or
	 * masked store (slow on AMD) lengthens the chain between ratings. */
	const int k = a->k, k8 = k & ~7, kt = k - 8, tail = k8 < k, sw = a->sw;
	const __m256 dot_mask = _mm256_castsi256_ps(_mm256_cmpgt_epi32(
		_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(k8 - kt - 1)));
	const float lr = a->lr, wd = a->wd, mom = a->mom;
	struct kvec v = {
		.lr = _mm256_set1_ps(lr), .wd = _mm256_set1_ps(wd), .mom = _mm256_set1_ps(mom),
		.c1 = _mm256_set1_ps(1.0f - mom), .b2 = _mm256_set1_ps(OPTIM_ADAM_SQR_MOM),
		.c2 = _mm256_set1_ps(1.0f - OPTIM_ADAM_SQR_MOM), .eps = _mm256_set1_ps(OPTIM_ADAM_EPS),
	};
	float sp = 0.0f, cp = 0.0f, sq = 0.0f, cq = 0.0f;
	double sse = 0.0;

	for (size_t j = 0; j < n; j++) {
		float *p = a->pf + (size_t)rec[j].u * k, *q = a->qf + (size_t)rec[j].i * k;
		float *ps = opt == KOPT_SGD ? NULL : a->ps + (size_t)rec[j].u * sw;
		float *qs = opt == KOPT_SGD ? NULL : a->qs + (size_t)rec[j].i * sw;
		/* two accumulators halve the FMA latency chain of the dot */
		__m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
		int f;

		/* The user rows come in order (blocks are sorted by user);
		 * the item row of a rating a few ahead is asked for now. */
		if (j + PREFETCH_AHEAD < n) {
			const char *nq = (const char *)(a->qf + (size_t)rec[j + PREFETCH_AHEAD].i * k);
			for (int c = 0; c < k * 4; c += 64)
				_mm_prefetch(nq + c, _MM_HINT_T0);
			if (opt != KOPT_SGD) {
				const char *ns = (const char *)(a->qs + (size_t)rec[j + PREFETCH_AHEAD].i * sw);
				for (int c = 0; c < sw * 4; c += 64)
					_mm_prefetch(ns + c, _MM_HINT_T0);
			}
		}
		for (f = 0; f + 16 <= k8; f += 16) {
			acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + f), _mm256_loadu_ps(q + f), acc0);
			acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(p + f + 8), _mm256_loadu_ps(q + f + 8), acc1);
		}
		if (f < k8)
			acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + f), _mm256_loadu_ps(q + f), acc0);
		struct lanes tl;
		if (tail) {
			lanes_load(opt, &tl, p, q, ps, qs, k, kt);
			acc1 = _mm256_fmadd_ps(_mm256_and_ps(tl.p, dot_mask), tl.q, acc1);
		}
		float x = hsum8(_mm256_add_ps(acc0, acc1));
		if (a->pb)
			x += a->pb[rec[j].u] + a->qb[rec[j].i];
		float g = grad_term(a, x, a->value[rec[j].r], &sse);
		v.g = _mm256_set1_ps(g);
		if (opt == KOPT_ADAM) {
			adam_row(ps + 2 * k + 2, lr, mom, &sp, &cp);
			adam_row(qs + 2 * k + 2, lr, mom, &sq, &cq);
			v.sp = _mm256_set1_ps(sp);
			v.cp = _mm256_set1_ps(cp);
			v.sq = _mm256_set1_ps(sq);
			v.cq = _mm256_set1_ps(cq);
		}
		if (opt == KOPT_ADAROW) {
			v.sp = _mm256_set1_ps(sp = lr / sqrtf(ps[0]));
			v.sq = _mm256_set1_ps(sq = lr / sqrtf(qs[0]));
		}
		__m256 gp2 = _mm256_setzero_ps(), gq2 = _mm256_setzero_ps();
		for (f = 0; f < k8; f += 8) {
			struct lanes l;
			lanes_load(opt, &l, p, q, ps, qs, k, f);
			lanes_step(opt, &l, p, q, ps, qs, k, f, &v);
			if (opt == KOPT_ADAROW) {
				gp2 = _mm256_add_ps(gp2, l.ps1);
				gq2 = _mm256_add_ps(gq2, l.qs1);
			}
		}
		if (tail) {
			lanes_step(opt, &tl, p, q, ps, qs, k, kt, &v);
			if (opt == KOPT_ADAROW) {
				/* only the lanes past k8: the others were counted */
				gp2 = _mm256_add_ps(gp2, _mm256_and_ps(tl.ps1, dot_mask));
				gq2 = _mm256_add_ps(gq2, _mm256_and_ps(tl.qs1, dot_mask));
			}
		}
		if (opt == KOPT_ADAROW) {
			ps[0] += hsum8(gp2) / (float)k;
			qs[0] += hsum8(gq2) / (float)k;
		}
		if (a->pb) {
			float *bu = a->pb + rec[j].u, *bi = a->qb + rec[j].i;
			size_t o = opt == KOPT_ADAM ? 2 * (size_t)k : (size_t)k;
			*bu = update1(opt, *bu, g - wd * *bu, ps, o, o + 1, lr, mom, sp, cp);
			*bi = update1(opt, *bi, g - wd * *bi, qs, o, o + 1, lr, mom, sq, cq);
		}
	}
	return sse;
}

__attribute__((target("avx2,fma")))
static double avx2_sgd(const struct kargs *a, const struct rec *rec, size_t n)
{
	return avx2_body(a, rec, n, KOPT_SGD);
}

__attribute__((target("avx2,fma")))
static double avx2_mom(const struct kargs *a, const struct rec *rec, size_t n)
{
	return avx2_body(a, rec, n, KOPT_MOM);
}

__attribute__((target("avx2,fma")))
static double avx2_adam(const struct kargs *a, const struct rec *rec, size_t n)
{
	return avx2_body(a, rec, n, KOPT_ADAM);
}

__attribute__((target("avx2,fma")))
static double avx2_adarow(const struct kargs *a, const struct rec *rec, size_t n)
{
	return avx2_body(a, rec, n, KOPT_ADAROW);
}
#endif

/* The kernel for opt: the AVX2 one when simd is set and k allows it. */
static kernel_fn pick_kernel(enum kopt opt, int simd, int k)
{
#if SIMD_HAVE_AVX2
	static const kernel_fn avx2[] = { avx2_sgd, avx2_mom, avx2_adam, avx2_adarow };
	if (simd && k >= 8)
		return avx2[opt];
#else
	(void)simd;
	(void)k;
#endif
	static const kernel_fn portable[] = { portable_sgd, portable_mom, portable_adam,
					      portable_adarow };
	return portable[opt];
}

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

/* The code of rating v: its index in t->value, added when new and add is
 * set; -1 when VALUES_MAX distinct values are taken (or, without add,
 * when v has none).  An open-addressing hash on the float's bits
 * (2 * VALUES_MAX slots), so any data stays fast; without add it only
 * reads, and threads may share it. */
static int code_of(struct ftrain *t, float v, int add)
{
	uint32_t bits, mask = 2 * VALUES_MAX - 1;

	memcpy(&bits, &v, sizeof bits);
	for (uint32_t h = (uint32_t)((bits * 0x9E3779B97F4A7C15ull) >> 47) & mask;; h = (h + 1) & mask) {
		int32_t c = t->slot[h];

		if (c >= 0 && memcmp(&t->value[c], &v, sizeof v) == 0)
			return c;
		if (c < 0) {
			if (!add || t->n_values == VALUES_MAX)
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

/* Sort the block's n ratings by user with a stable counting sort
 * (count has room for the user stripe's rows + 1, tmp for n ratings).
 * With interleave set, the two halves then alternate: one user's
 * consecutive ratings form a chain through the row each one stores and
 * the next one reads; with every other rating from the other half the
 * CPU runs two chains at once, and the user rows still come as two
 * ordered streams.  (Measured on 25M ratings, k = 50: 25% less CPU time
 * than one stream; four streams were no better.) */
static void group_by_user(struct rec *r, size_t n, uint32_t rows, uint32_t *count,
			  struct rec *tmp, int interleave)
{
	memset(count, 0, (rows + 1) * sizeof *count);
	for (size_t j = 0; j < n; j++)
		count[r[j].u + 1]++;
	for (uint32_t u = 0; u < rows; u++)
		count[u + 1] += count[u];
	for (size_t j = 0; j < n; j++)
		tmp[count[r[j].u]++] = r[j];
	if (!interleave) {
		memcpy(r, tmp, n * sizeof *r);
		return;
	}
	size_t half = n / 2, o = 0;
	for (size_t j = 0; j < half; j++) {
		r[o++] = tmp[j];
		r[o++] = tmp[half + j];
	}
	if (n % 2)
		r[o] = tmp[n - 1];
}

static void shuffle(struct rng *rng, struct rec *r, size_t n)
{
	for (size_t j = n; j > 1; j--) {
		size_t s = (size_t)rng_below(rng, j);
		struct rec x = r[j - 1];
		r[j - 1] = r[s];
		r[s] = x;
	}
}

/* Stripes per side for n items of k factors: enough that an item
 * stripe's rows take at most STRIPE_BYTES (they stay in L2 while the
 * block's users stream past), a multiple of NB_MIN. */
static uint32_t stripes_for(uint32_t n_items, int k)
{
	size_t bytes = (size_t)n_items * (size_t)k * sizeof(float);
	size_t nb = (bytes + STRIPE_BYTES - 1) / STRIPE_BYTES;

	nb = (nb + NB_MIN - 1) / NB_MIN * NB_MIN;
	return nb < NB_MIN ? NB_MIN : nb > NB_MAX ? NB_MAX : (uint32_t)nb;
}

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

/* Bit x of a bitmap over the ratings. */
static int bit(const uint64_t *set, size_t x)
{
	return set[x / 64] >> (x % 64) & 1;
}

/* The set of n indices as a bitmap over 0..*n_all-1, *n_all the largest
 * index + 1.  NULL when memory runs out. */
static uint64_t *bitmap(const uint32_t *idx, size_t n, size_t *n_all)
{
	size_t all = 0;
	for (size_t j = 0; j < n; j++)
		all = idx[j] >= all ? (size_t)idx[j] + 1 : all;
	uint64_t *set = calloc(all / 64 + 1, sizeof *set);
	if (set)
		for (size_t j = 0; j < n; j++)
			set[idx[j] / 64] |= 1ull << (idx[j] % 64);
	*n_all = all;
	return set;
}

/* The most ratings a block of start holds. */
static size_t biggest_block(const size_t *start, size_t nbb)
{
	size_t big = 0;
	for (size_t b = 0; b < nbb; b++)
		big = start[b + 1] - start[b] > big ? start[b + 1] - start[b] : big;
	return big;
}

/* Laying the ratings out, on the pool's threads.  The ratings are cut
 * into LAYOUT_CHUNKS ranges of storage order, a number that does not
 * depend on the threads: each range counts its ratings per block, the
 * counts become each range's place inside each block, then each range
 * writes its ratings there.  Within a block the ratings stay in storage
 * order, whatever the thread count.  Then each block is shuffled (from
 * a generator seeded by the run's seed and the block's index) and grouped
 * by user, blocks taken in any order by any thread. */
#define LAYOUT_CHUNKS 8
#define LAYOUT_COUNTS_MAX (64u << 20) /* bytes of per-range counts, else one range */

struct layout {
	struct ftrain *t;
	const uint64_t *train_set, *valid_set;
	int train_bit;                  /* a training rating's bit in train_set */
	size_t n_train_all, n_valid_all; /* each set's bitmap covers this many */
	size_t n_all;                   /* the larger */
	const uint32_t *ublock, *iblock; /* stripe of each user, item */
	int chunks;
	size_t *tpos, *vpos;            /* (chunks, nb * nb) counts, then places */
	uint64_t block_seed;
	uint32_t widest;                /* rows of the widest user stripe */
	size_t big;                     /* ratings of the biggest block */
	atomic_uint next;               /* next chunk or block to take */
	atomic_int failed;              /* a part ran out of memory */
};

static int is_train(const struct layout *L, size_t x)
{
	return x < L->n_train_all && bit(L->train_set, x) == L->train_bit;
}

static int is_valid(const struct layout *L, size_t x)
{
	return x < L->n_valid_all && bit(L->valid_set, x);
}

/* Block of rating x. */
static size_t block_of(const struct layout *L, size_t x)
{
	const struct ftrain *t = L->t;
	return (size_t)L->ublock[t->users[x]] * t->nb + L->iblock[t->items[x]];
}

static void chunk_range(const struct layout *L, unsigned c, size_t *lo, size_t *hi)
{
	*lo = L->n_all * c / (unsigned)L->chunks;
	*hi = L->n_all * (c + 1) / (unsigned)L->chunks;
}

/* A pool part of the counting pass: chunks' ratings per block. */
static void layout_count(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	size_t nbb = (size_t)L->t->nb * L->t->nb, lo, hi;
	unsigned c;

	(void)part;
	(void)n_parts;
	while ((c = atomic_fetch_add_explicit(&L->next, 1, memory_order_relaxed)) <
	       (unsigned)L->chunks) {
		size_t *tc = L->tpos + c * nbb, *vc = L->vpos + c * nbb;

		chunk_range(L, c, &lo, &hi);
		for (size_t x = lo; x < hi; x++) {
			if (is_train(L, x))
				tc[block_of(L, x)]++;
			else if (is_valid(L, x))
				vc[block_of(L, x)]++;
		}
	}
}

/* One rating as its block stores it. */
static struct rec rec_of(const struct layout *L, size_t x, int code)
{
	const struct ftrain *t = L->t;
	uint32_t u = t->users[x], i = t->items[x];
	return (struct rec){ (uint16_t)(u - t->ucut[L->ublock[u]]),
			     (uint16_t)(i - t->icut[L->iblock[i]]), (uint16_t)code };
}

/* A pool part of the placing pass: chunks' ratings into their blocks. */
static void layout_place(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	struct ftrain *t = L->t;
	size_t nbb = (size_t)t->nb * t->nb, lo, hi;
	unsigned c;

	(void)part;
	(void)n_parts;
	while ((c = atomic_fetch_add_explicit(&L->next, 1, memory_order_relaxed)) <
	       (unsigned)L->chunks) {
		size_t *tp = L->tpos + c * nbb, *vp = L->vpos + c * nbb;
		float last = NAN;
		int code = -1;

		chunk_range(L, c, &lo, &hi);
		for (size_t x = lo; x < hi; x++) {
			int tr = is_train(L, x);
			if (!tr && !is_valid(L, x))
				continue;
			/* ratings repeat a handful of values: one lookup a run */
			if (!(t->ratings[x] == last))
				code = code_of(t, last = t->ratings[x], 0);
			size_t b = block_of(L, x);
			if (tr)
				t->recs[tp[b]++] = rec_of(L, x, code);
			else
				t->vrecs[vp[b]++] = rec_of(L, x, code);
		}
	}
}

/* A pool part of the ordering: blocks shuffled and grouped by user. */
static void layout_order(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	struct ftrain *t = L->t;
	size_t nbb = (size_t)t->nb * t->nb;
	uint32_t *ucnt = malloc(((size_t)L->widest + 1) * sizeof *ucnt);
	struct rec *tmp = malloc((L->big + 1) * sizeof *tmp);
	unsigned b;

	(void)part;
	(void)n_parts;
	if (!ucnt || !tmp) {
		atomic_store(&L->failed, 1);
		free(ucnt);
		free(tmp);
		return;
	}
	while ((b = atomic_fetch_add_explicit(&L->next, 1, memory_order_relaxed)) < nbb) {
		uint32_t a = b / t->nb, rows = t->ucut[a + 1] - t->ucut[a];
		struct rng r;

		rng_seed(&r, L->block_seed ^ (0x9E3779B97F4A7C15ull * (b + 1)));
		shuffle(&r, t->recs + t->start[b], t->start[b + 1] - t->start[b]);
		group_by_user(t->recs + t->start[b], t->start[b + 1] - t->start[b], rows, ucnt,
			      tmp, 1);
		group_by_user(t->vrecs + t->vstart[b], t->vstart[b + 1] - t->vstart[b], rows, ucnt,
			      tmp, 0);
	}
	free(ucnt);
	free(tmp);
}

/* Each range's count of each block becomes its first place there; start
 * gets the blocks' starts.  0, or -1 without memory. */
static int places(const struct layout *L, size_t *pos, size_t **start, struct rec **recs)
{
	size_t nbb = (size_t)L->t->nb * L->t->nb, at = 0;

	*start = malloc((nbb + 1) * sizeof **start);
	if (!*start)
		return -1;
	for (size_t b = 0; b < nbb; b++) {
		(*start)[b] = at;
		for (int c = 0; c < L->chunks; c++) {
			size_t n = pos[(size_t)c * nbb + b];
			pos[(size_t)c * nbb + b] = at;
			at += n;
		}
	}
	(*start)[nbb] = at;
	*recs = malloc((at ? at : 1) * sizeof **recs);
	hugemem_advise(*recs, (at ? at : 1) * sizeof **recs);
	return *recs ? 0 : -1;
}

/* The codes of every rating either set takes, in storage order (one
 * thread: the table grows).  NULL, or why not. */
static const char *code_ratings(struct ftrain *t, const struct layout *L)
{
	float last = NAN;

	for (size_t x = 0; x < L->n_all; x++)
		if (!(t->ratings[x] == last) && (is_train(L, x) || is_valid(L, x))) {
			if (code_of(t, last = t->ratings[x], 1) < 0)
				return "the fast trainer takes at most 65536 distinct rating values";
		}
	return NULL;
}

/* Place the training and validation ratings block by block and order
 * each block (see struct layout).  NULL on success, else why not. */
static const char *lay_out(struct ftrain *t, struct layout *L)
{
	const char *oom = "out of memory preparing the fast trainer", *why;
	size_t nbb = (size_t)t->nb * t->nb;

	if ((why = code_ratings(t, L)))
		return why;
	L->chunks = nbb * LAYOUT_CHUNKS * sizeof(size_t) <= LAYOUT_COUNTS_MAX ? LAYOUT_CHUNKS : 1;
	L->tpos = calloc(nbb * (size_t)L->chunks, sizeof *L->tpos);
	L->vpos = calloc(nbb * (size_t)L->chunks, sizeof *L->vpos);
	if (!L->tpos || !L->vpos)
		return oom;
	atomic_store(&L->next, 0);
	pool_run(t->pool, layout_count, L);
	if (places(L, L->tpos, &t->start, &t->recs) || places(L, L->vpos, &t->vstart, &t->vrecs))
		return oom;
	atomic_store(&L->next, 0);
	pool_run(t->pool, layout_place, L);
	size_t big = biggest_block(t->start, nbb), vbig = biggest_block(t->vstart, nbb);
	L->big = big > vbig ? big : vbig;
	atomic_store(&L->next, 0);
	atomic_init(&L->failed, 0);
	pool_run(t->pool, layout_order, L);
	return atomic_load(&L->failed) ? oom : NULL;
}

/* Choose nb and the cuts, then lay the training and validation ratings
 * out block by block.  NULL on success, else why not. */
static const char *build_grid(struct ftrain *t)
{
	const char *why = "out of memory preparing the fast trainer";
	const struct split *sp = t->sp;
	uint32_t nu = t->m->cfg.n_users, ni = t->m->cfg.n_items;
	uint32_t *ucount = calloc(nu, sizeof *ucount), *icount = calloc(ni, sizeof *icount);
	uint32_t *ublock = NULL, *iblock = NULL;
	size_t n = sp->n_train;
	/* The passes below walk all ratings in storage order, taking those
	 * of one side of the split: going through sp->train (a random
	 * permutation) would miss the cache on every rating.  A bitmap split
	 * is used as it is: training ratings are its clear bits. */
	uint64_t *in_train = NULL, *in_valid = NULL;
	struct layout L = { .t = t, .train_bit = 1,
			    .block_seed = t->cfg.seed ^ 0xb10cb10cb10cb10cULL };

	if (sp->valid_bits) {
		L.train_set = L.valid_set = sp->valid_bits;
		L.n_train_all = L.n_valid_all = sp->n_all;
		L.train_bit = 0;
	} else {
		L.train_set = in_train = bitmap(sp->train, n, &L.n_train_all);
		L.valid_set = in_valid = bitmap(sp->valid, sp->n_valid, &L.n_valid_all);
	}
	L.n_all = L.n_train_all > L.n_valid_all ? L.n_train_all : L.n_valid_all;
	if (!ucount || !icount || !L.train_set || !L.valid_set || codes_init(t))
		goto out;
	for (size_t x = 0; x < L.n_train_all; x++)
		if (is_train(&L, x)) {
			ucount[t->users[x]]++;
			icount[t->items[x]]++;
		}
	uint32_t nb = stripes_for(ni, t->m->cfg.n_factors), widest;
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
		if ((widest = cut_stripes(ucount, nu, n, nb, t->ucut)) <= STRIPE_MAX &&
		    cut_stripes(icount, ni, n, nb, t->icut) <= STRIPE_MAX)
			break;
	}
	t->nb = nb;
	L.widest = widest;
	t->parts = steps_per_round(nb, n);
	/* Per-row stripe tables: one lookup per rating in the passes. */
	L.ublock = ublock = malloc(nu * sizeof *ublock);
	L.iblock = iblock = malloc(ni * sizeof *iblock);
	t->shift = malloc(nb * sizeof *t->shift);
	t->order = malloc(nb * sizeof *t->order);
	t->block_loss = malloc(nb * sizeof *t->block_loss);
	t->valid_sse = malloc(nb * sizeof *t->valid_sse);
	if (!ublock || !iblock || !t->shift || !t->order || !t->block_loss || !t->valid_sse)
		goto out;
	for (uint32_t r = 0; r < nu; r++)
		ublock[r] = stripe_of(t->ucut, nb, r);
	for (uint32_t r = 0; r < ni; r++)
		iblock[r] = stripe_of(t->icut, nb, r);
	why = lay_out(t, &L);
out:
	free(t->slot);
	t->slot = NULL;
	free(L.tpos);
	free(L.vpos);
	free(ucount);
	free(icount);
	free(ublock);
	free(iblock);
	free(in_train);
	free(in_valid);
	return why;
}

/* ---------------------------------------------------------------------
 * Training
 */

/* Optimiser state: zero averages, and Adam's products of betas at 1. */
static int state_init(struct ftrain *t)
{
	const struct model *m = t->m;
	int k = m->cfg.n_factors;

	free(t->ustate);
	free(t->istate);
	t->ustate = t->istate = NULL;
	t->ka.sw = t->opt == KOPT_MOM ? k + 1 : t->opt == KOPT_ADAM ? 2 * k + 4
		: t->opt == KOPT_ADAROW ? 1 : 0;
	if (t->opt == KOPT_SGD)
		return 0;
	size_t sw = (size_t)t->ka.sw;
	t->ustate = calloc((size_t)m->cfg.n_users * sw, sizeof(float));
	t->istate = calloc((size_t)m->cfg.n_items * sw, sizeof(float));
	if (!t->ustate || !t->istate)
		return -1;
	if (t->opt == KOPT_ADAROW) {
		/* LIBMF's G starts at 1: the first steps are lr's */
		for (size_t r = 0; r < m->cfg.n_users; r++)
			t->ustate[r] = 1.0f;
		for (size_t r = 0; r < m->cfg.n_items; r++)
			t->istate[r] = 1.0f;
	}
	if (t->opt == KOPT_ADAM) {
		for (size_t r = 0; r < m->cfg.n_users; r++)
			t->ustate[r * sw + sw - 2] = t->ustate[r * sw + sw - 1] = 1.0f;
		for (size_t r = 0; r < m->cfg.n_items; r++)
			t->istate[r * sw + sw - 2] = t->istate[r * sw + sw - 1] = 1.0f;
	}
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

struct ftrain *ftrain_new(struct model *m, const uint32_t *users,
			  const uint32_t *items, const float *ratings,
			  const struct split *sp, const struct eng_train_hp *cfg,
			  int init, char *err, size_t errlen)
{
	if (train_check(cfg, sp, err, errlen) != 0)
		return NULL;
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
	t->pool = pool_new(cfg->threads);
	if (!t->pool)
		goto oom;
	const char *why = build_grid(t);
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
	t->kernel = pick_kernel(t->opt, t->simd, t->ka.k);
	if (cfg->sched == ENG_SCHED_ONE_CYCLE)
		t->sched = sched_one_cycle(cfg->lr, (long)t->nb * t->parts * cfg->epochs);
	else
		t->sched = (struct sched){ .kind = ENG_SCHED_CONSTANT, .lr_max = cfg->lr,
					   .mom_hi = cfg->mom };
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
	free(t->ustate);
	free(t->istate);
	free(t->vstart);
	free(t->vrecs);
	free(t->valid_sse);
	free(t);
}

double ftrain_valid_seconds(const struct ftrain *t)
{
	return t->valid_seconds;
}

int ftrain_use_simd(struct ftrain *t, int on)
{
	t->simd = on && simd_has_avx2_fma();
	t->kernel = pick_kernel(t->opt, t->simd, t->ka.k);
	return t->simd;
}

int ftrain_use_velocity(struct ftrain *t)
{
	if (t->opt != KOPT_SGD)
		return 0;
	t->opt = KOPT_MOM;
	if (state_init(t))
		return -1;
	t->kernel = pick_kernel(t->opt, t->simd, t->ka.k);
	return 0;
}

/* Fisher-Yates over 0..n-1. */
static void permutation(struct rng *r, uint32_t *a, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		a[j] = j;
	rng_shuffle_u32(r, a, n);
}

/* The squared errors of block (a, b)'s n validation ratings r.  The
 * prediction is model_predict()'s for the dot models, with the dot
 * product of dot.h: model_predict()'s one chain of k dependent additions
 * per rating made this pass take nearly as long as the training pass. */
static double valid_block(const struct ftrain *t, uint32_t a, uint32_t b, const struct rec *r,
			  size_t n)
{
	const struct model *m = t->m;
	const struct kargs *ka = &t->ka;
	const int k = ka->k;
	const float *pf = m->user_f + (size_t)t->ucut[a] * k, *qf = m->item_f + (size_t)t->icut[b] * k;
	double sse = 0.0;

	for (size_t j = 0; j < n; j++) {
		const float *p = pf + (size_t)r[j].u * k, *q = qf + (size_t)r[j].i * k;
		float x = dot_f32(p, q, k);
		if (m->user_b)
			x += m->user_b[t->ucut[a] + r[j].u] + m->item_b[t->icut[b] + r[j].i];
		if (ka->squash)
			x = ka->lo + ka->span / (1.0f + expf(-x));
		double e = (double)t->value[r[j].r] - x;
		sse += e * e;
	}
	return sse;
}

/* A pool part of the validation pass: whole user stripes, each one's
 * blocks in order. */
static void valid_part(void *ctx, int part, int n_parts)
{
	struct ftrain *t = ctx;
	uint32_t nb = t->nb, a;

	(void)part;
	(void)n_parts;
	while ((a = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed)) < t->a_end) {
		double sse = 0.0;

		for (uint32_t b = 0; b < nb; b++) {
			size_t blk = (size_t)a * nb + b;
			sse += valid_block(t, a, b, t->vrecs + t->vstart[blk],
					   t->vstart[blk + 1] - t->vstart[blk]);
		}
		t->valid_sse[a] = sse;
	}
}

/* One step of the validation pass, on every thread: the next user
 * stripes up to VALID_STEP ratings.  Returns 1 when the pass is through,
 * with the MSE in *mse, summed by stripe in a fixed order so independent
 * of the threads' number. */
static int valid_step(struct ftrain *t, double *mse)
{
	uint32_t nb = t->nb, a1 = t->valid_a;
	size_t n = 0;
	double v0 = clock_now();

	while (a1 < nb && n < VALID_STEP) {
		n += t->vstart[(size_t)(a1 + 1) * nb] - t->vstart[(size_t)a1 * nb];
		a1++;
	}
	t->a_end = a1;
	atomic_store_explicit(&t->next, t->valid_a, memory_order_relaxed);
	pool_run(t->pool, valid_part, t);
	t->valid_a = a1;
	t->valid_run += clock_now() - v0;
	if (a1 < nb)
		return 0;
	double sse = 0.0;

	for (uint32_t a = 0; a < nb; a++)
		sse += t->valid_sse[a];
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

	rep->batch = (long)t->nb * t->parts;
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
	return (t->shift[a] + t->round_shift) % t->nb;
}

/* A pool part: take the step's user stripes until none is left, running
 * each one's block of this round. */
static void run_part(void *ctx, int part, int n_parts)
{
	struct ftrain *t = ctx;
	const struct model *m = t->m;
	size_t k = (size_t)m->cfg.n_factors, sw = (size_t)t->ka.sw;
	uint32_t nb = t->nb, a;

	(void)part;
	(void)n_parts;
	while ((a = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed)) < t->a_end) {
		uint32_t b = partner(t, a);
		size_t blk = (size_t)a * nb + b;
		struct kargs ka = t->ka;

		ka.pf = m->user_f + (size_t)t->ucut[a] * k;
		ka.qf = m->item_f + (size_t)t->icut[b] * k;
		ka.pb = m->user_b ? m->user_b + t->ucut[a] : NULL;
		ka.qb = m->item_b ? m->item_b + t->icut[b] : NULL;
		ka.ps = t->ustate ? t->ustate + (size_t)t->ucut[a] * sw : NULL;
		ka.qs = t->istate ? t->istate + (size_t)t->icut[b] * sw : NULL;
		ka.value = t->value;
		t->block_loss[a] = t->kernel(&ka, t->recs + t->start[blk],
					     t->start[blk + 1] - t->start[blk]);
	}
}

/* One step: the blocks of user stripes [a0, a1) of the current round. */
static void run_step(struct ftrain *t)
{
	uint32_t a0 = (uint32_t)((size_t)t->nb * (size_t)t->part / t->parts);
	uint32_t a1 = (uint32_t)((size_t)t->nb * (size_t)(t->part + 1) / t->parts);
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
		size_t blk = (size_t)a * t->nb + partner(t, a);

		t->step_sse += t->block_loss[a];
		t->step_n += t->start[blk + 1] - t->start[blk];
	}
	t->epoch_sse += t->step_sse;
	t->epoch_n += t->step_n;
}

enum train_status ftrain_step(struct ftrain *t, long max_steps, struct eng_train_report *rep)
{
	rep->n_batches = (long)t->nb * t->parts;
	rep->epoch = t->epoch;
	if (t->done)
		return TRAIN_DONE;
	if (t->round == (long)t->nb && max_steps > 0)
		return epoch_end(t, rep);
	for (long c = 0; c < max_steps; c++) {
		if (t->round == 0 && t->part == 0) {
			permutation(&t->rng, t->shift, t->nb);
			permutation(&t->rng, t->order, t->nb);
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
		rep->mom = t->opt == KOPT_SGD ? 0.0 : t->ka.mom;
		rep->batch = t->round * t->parts + t->part;
		rep->batch_loss = t->step_n ? t->step_sse / (double)t->step_n : 0.0;
		rep->smooth_loss = t->epoch_n ? t->epoch_sse / (double)t->epoch_n : 0.0;
		if (t->round < (long)t->nb)
			continue;
		return epoch_end(t, rep);
	}
	return TRAIN_MORE;
}

/* ---- as a trainer_ops (train.h) ---- */

static void *ftrain_open(struct model *m, const struct ratings_view *v,
			 const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	return ftrain_new(m, v->users, v->items, v->ratings, v->sp, cfg, init, err, errlen);
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
