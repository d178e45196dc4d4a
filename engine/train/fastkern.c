/* fastkern.c -- the fast trainer's per-rating kernels (see fastkern.h). */
#include "fastkern.h"

#include <math.h>

#include "optim.h"
#include "simd.h"
#if SIMD_HAVE_AVX2
#include <immintrin.h>
#endif

#define PREFETCH_AHEAD 4        /* ratings: the item row of this one is fetched */

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

kernel_fn fastkern_pick(enum kopt opt, int simd, int k)
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

int fastkern_state_width(enum kopt opt, int k)
{
	switch (opt) {
	case KOPT_SGD:    return 0;
	case KOPT_MOM:    return k + 1;
	case KOPT_ADAM:   return 2 * k + 4;
	case KOPT_ADAROW: return 1;
	}
	return 0;
}

void fastkern_state_start(enum kopt opt, float *state, size_t rows, int sw)
{
	size_t w = (size_t)sw;

	if (opt == KOPT_ADAROW)
		for (size_t r = 0; r < rows; r++)
			state[r * w] = 1.0f;
	if (opt == KOPT_ADAM)
		for (size_t r = 0; r < rows; r++)
			state[r * w + w - 2] = state[r * w + w - 1] = 1.0f;
}
