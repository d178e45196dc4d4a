/* fasttrain.c -- per-rating SGD over a block grid (see fasttrain.h). */
#include "fasttrain.h"
#include "blocks.h"
#include "clock.h"
#include "dot.h"

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
#if SIMD_HAVE_AVX2
#include <immintrin.h>
#endif

#define STEP_RATINGS 200000     /* target ratings per step (one chunk) */
#define VALID_STEP 400000       /* validation ratings a step walks at least */
#define VALID_RANGE 65536       /* ratings of storage order per range of the pass */
#define VALID_BATCH 1024        /* validation ratings gathered at a time (a multiple of 64) */
#define VALID_AHEAD 8           /* ratings: the item row of this one is fetched */
#define PREFETCH_AHEAD 4        /* ratings: the item row of this one is fetched */
#define STEP_BLOCKS 4           /* a step's blocks: a multiple of this, for 1, 2, 4 threads */

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
	const float lr = a->lr, wd = a->wd, mom = a->mom, inv_k = 1.0f / (float)k;
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
			ps[0] += gp2 * inv_k;
			qs[0] += gq2 * inv_k;
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
		/* s1 sums the lanes' squared gradients: one FMA */
		*s1 = _mm256_fmadd_ps(d, d, *s1);
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
	const __m128 inv_k = _mm_set1_ps(1.0f / (float)k);
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
		__m128 g2 = _mm_setzero_ps();
		if (opt == KOPT_ADAROW) {
			/* both rows' G in one vector: one square root and one
			 * division for the two steps, off the chain's end */
			g2 = _mm_unpacklo_ps(_mm_load_ss(ps), _mm_load_ss(qs));
			__m128 st = _mm_div_ps(_mm256_castps256_ps128(v.lr),
					       _mm_sqrt_ps(_mm_movelh_ps(g2, g2)));
			v.sp = _mm256_broadcastss_ps(st);
			v.sq = _mm256_broadcastss_ps(_mm_movehdup_ps(st));
			sp = _mm_cvtss_f32(st);
			sq = _mm_cvtss_f32(_mm_movehdup_ps(st));
		}
		if (opt == KOPT_ADAROW) {
			/* Two sums of squares per row, alternate vectors: half
			 * the chain of dependent FMAs between G and the next
			 * rating's step. */
			__m256 ap0 = _mm256_setzero_ps(), ap1 = ap0, aq0 = ap0, aq1 = ap0;
			for (f = 0; f + 16 <= k8; f += 16) {
				struct lanes l, m;
				lanes_load(opt, &l, p, q, ps, qs, k, f);
				lanes_load(opt, &m, p, q, ps, qs, k, f + 8);
				l.ps1 = ap0;
				l.qs1 = aq0;
				m.ps1 = ap1;
				m.qs1 = aq1;
				lanes_step(opt, &l, p, q, ps, qs, k, f, &v);
				lanes_step(opt, &m, p, q, ps, qs, k, f + 8, &v);
				ap0 = l.ps1;
				aq0 = l.qs1;
				ap1 = m.ps1;
				aq1 = m.qs1;
			}
			if (f < k8) {
				struct lanes l;
				lanes_load(opt, &l, p, q, ps, qs, k, f);
				l.ps1 = ap0;
				l.qs1 = aq0;
				lanes_step(opt, &l, p, q, ps, qs, k, f, &v);
				ap0 = l.ps1;
				aq0 = l.qs1;
			}
			if (tail) {
				/* only the lanes past k8: the others were counted */
				lanes_step(opt, &tl, p, q, ps, qs, k, kt, &v);
				ap1 = _mm256_add_ps(ap1, _mm256_and_ps(tl.ps1, dot_mask));
				aq1 = _mm256_add_ps(aq1, _mm256_and_ps(tl.qs1, dot_mask));
			}
			__m256 h = _mm256_hadd_ps(_mm256_add_ps(ap0, ap1), _mm256_add_ps(aq0, aq1));
			__m128 h4 = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
			/* lanes 0, 1: the user row's and the item row's sums */
			g2 = _mm_add_ps(g2, _mm_mul_ps(_mm_hadd_ps(h4, h4), inv_k));
			_mm_store_ss(ps, g2);
			_mm_store_ss(qs, _mm_movehdup_ps(g2));
		} else {
			for (f = 0; f < k8; f += 8) {
				struct lanes l;
				lanes_load(opt, &l, p, q, ps, qs, k, f);
				lanes_step(opt, &l, p, q, ps, qs, k, f, &v);
			}
			if (tail)
				lanes_step(opt, &tl, p, q, ps, qs, k, kt, &v);
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
	t->kernel = pick_kernel(t->opt, t->simd, t->ka.k);
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
