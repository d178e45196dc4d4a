/* optim.c -- fastai's Adam and SGD over one flat parameter array.
 *
 * See optim.h for the two passes.  Notation per element, with
 * d = 1 - lr*wd, r = sqrt(v), h = sqrt(sqr_mom), s = lr/(1-mom^t) and
 * c = 1/sqrt(1-sqr_mom^t).
 *
 * Adam keeps m and r lazily scaled: the arrays hold m~ and r~ with
 * m = M*m~ and r = H*r~ for two scalars M and H.  A step with zero
 * gradient then only multiplies M by mom and H by h, and the dense pass
 * reads m~ and r~ without writing them back:
 *   dense     p = d*p - (s*M) * m~ / ((H*c) * r~ + eps)
 *   touched   before it, fold the gradient in:
 *             m~ += (1-mom)/M * g,   r~ = sqrt(r~^2 + (1-sqr_mom)/H^2 * g^2)
 * which is the textbook update in real arithmetic.  When M or H gets small
 * (or mom is 0) the scales are multiplied into the arrays and reset to 1.
 * SGD, off the hot path, is kept plain:
 *   dense     m = mom*m,  p = d*p - lr*m
 *   touched   after it:   m += g,  p -= lr*g
 * The dense kernels are branch-free and vectorise; an AVX2 kernel is picked
 * at run time while the default build stays plain x86-64.
 */
#include "optim.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#include "simd.h"
#if SIMD_HAVE_AVX2
#include <immintrin.h>
#endif


struct optim {
	struct optim_cfg cfg;
	size_t n;
	long step;              /* steps taken, for Adam's debiasing */
	float *avg;             /* (n) Adam's m~ (see above), SGD's momentum buffer */
	float *rms;             /* (n) Adam's r~, sqrt(v) / H; NULL for SGD */
	size_t no_wd_lo, no_wd_hi;      /* parameters exempt from weight decay */
	double m_scale, r_scale;        /* Adam's M and H */
	struct pool *pool;
	int use_avx2;           /* the CPU has AVX2 and FMA (checked once) */
};

/* One step's scalars, shared by the parts of the pool. */
struct step_job {
	struct optim *o;
	float *p;
	float decay, mom, lr;   /* d, mom, lr (SGD) */
	float num;              /* Adam: s*M */
	float den;              /* Adam: H*c */
	float m_by, r_by;       /* rescale pass: multiply m~, r~ by these */
};

/* Fold the scales into the arrays once they drop below this: it keeps m~
 * and r~ (and r~^2 in the fold) far inside float range. */
#define SCALE_FLOOR 1e-12

struct optim_cfg optim_cfg_default(enum eng_optim kind)
{
	struct optim_cfg c = { .kind = kind, .sqr_mom = OPTIM_ADAM_SQR_MOM, .eps = OPTIM_ADAM_EPS, .wd = 0.0f };
	return c;
}

const char *optim_kind_name(enum eng_optim kind)
{
	return kind == ENG_OPTIM_SGD ? "sgd" : kind == ENG_OPTIM_ADAROW ? "adarow" : "adam";
}

static float *alloc_floats(size_t n)
{
	void *p = NULL;
	if (n == 0 || n > SIZE_MAX / sizeof(float) ||
	    posix_memalign(&p, 64, n * sizeof(float)) != 0)
		return NULL;
	return p;
}

struct optim *optim_new(const struct optim_cfg *cfg, size_t n, int n_threads)
{
	struct optim *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->cfg = *cfg;
	o->n = n;
	o->avg = alloc_floats(n);
	if (cfg->kind == ENG_OPTIM_ADAM)
		o->rms = alloc_floats(n);
	o->pool = pool_new(n_threads);
	o->use_avx2 = simd_has_avx2_fma();
	if (!o->avg || (cfg->kind == ENG_OPTIM_ADAM && !o->rms) || !o->pool) {
		optim_free(o);
		return NULL;
	}
	optim_reset(o);
	return o;
}

void optim_no_decay(struct optim *o, size_t off, size_t len)
{
	o->no_wd_lo = off < o->n ? off : o->n;
	o->no_wd_hi = len <= o->n - o->no_wd_lo ? o->no_wd_lo + len : o->n;
}

void optim_free(struct optim *o)
{
	if (!o)
		return;
	free(o->avg);
	free(o->rms);
	pool_free(o->pool);
	free(o);
}

void optim_reset(struct optim *o)
{
	o->step = 0;
	o->m_scale = 1.0;
	o->r_scale = 1.0;
	memset(o->avg, 0, o->n * sizeof(float));
	if (o->rms)
		memset(o->rms, 0, o->n * sizeof(float));
}

/* Portable dense Adam pass: IEEE division, bit-reproducible anywhere. */
static void adam_dense_c(float *restrict p, const float *restrict m,
			 const float *restrict r, size_t n, const struct step_job *j)
{
	float d = j->decay, num = j->num, den = j->den, eps = j->o->cfg.eps;
	for (size_t i = 0; i < n; i++)
		p[i] = p[i] * d - num * m[i] / (r[i] * den + eps);
}

#if SIMD_HAVE_AVX2
/* The same pass with AVX2+FMA.  The division, the pass's bottleneck, is
 * replaced by the reciprocal estimate refined by one Newton step, which is
 * within 2 ulp of IEEE division: a rounding difference, not a different
 * algorithm. */
__attribute__((target("avx2,fma")))
static void adam_dense_avx2(float *restrict p, const float *restrict m,
			    const float *restrict r, size_t n, const struct step_job *j)
{
	const __m256 d = _mm256_set1_ps(j->decay), num = _mm256_set1_ps(j->num);
	const __m256 dn = _mm256_set1_ps(j->den), eps = _mm256_set1_ps(j->o->cfg.eps);
	const __m256 one = _mm256_set1_ps(1.0f);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256 den = _mm256_fmadd_ps(_mm256_loadu_ps(r + i), dn, eps);
		__m256 x = _mm256_rcp_ps(den);
		x = _mm256_fmadd_ps(x, _mm256_fnmadd_ps(den, x, one), x);
		__m256 upd = _mm256_mul_ps(_mm256_mul_ps(num, _mm256_loadu_ps(m + i)), x);
		_mm256_storeu_ps(p + i, _mm256_fmsub_ps(_mm256_loadu_ps(p + i), d, upd));
	}
	adam_dense_c(p + i, m + i, r + i, n - i, j);
}
#endif

static void adam_dense(float *restrict p, const float *restrict m,
		       const float *restrict r, size_t n, const struct step_job *j)
{
#if SIMD_HAVE_AVX2
	if (j->o->use_avx2) {
		adam_dense_avx2(p, m, r, n, j);
		return;
	}
#endif
	adam_dense_c(p, m, r, n, j);
}

SIMD_CLONES
static void sgd_dense(float *restrict p, float *restrict m, size_t n,
		      const struct step_job *j)
{
	float d = j->decay, mom = j->mom, lr = j->lr;
	for (size_t i = 0; i < n; i++) {
		float mi = mom * m[i];
		m[i] = mi;
		p[i] = p[i] * d - lr * mi;
	}
}

/* Part `part` of n_parts of [0, n), cut on 16-float boundaries so that
 * parts never share a cache line. */
static void slice(size_t n, int part, int n_parts, size_t *lo, size_t *hi)
{
	size_t blocks = (n + 15) / 16;
	*lo = blocks * (size_t)part / (size_t)n_parts * 16;
	*hi = blocks * (size_t)(part + 1) / (size_t)n_parts * 16;
	if (*hi > n)
		*hi = n;
	if (*lo > *hi)
		*lo = *hi;
}

/* The dense kernel over [lo, hi) with j's scalars. */
static void dense_range(const struct step_job *j, size_t lo, size_t hi)
{
	struct optim *o = j->o;
	if (lo >= hi)
		return;
	if (o->cfg.kind == ENG_OPTIM_ADAM)
		adam_dense(j->p + lo, o->avg + lo, o->rms + lo, hi - lo, j);
	else
		sgd_dense(j->p + lo, o->avg + lo, hi - lo, j);
}

/* A pool part of the dense pass: the slice before, inside and after the
 * range exempt from weight decay, the middle one with decay 1. */
static void dense_part(void *ctx, int part, int n_parts)
{
	const struct step_job *j = ctx;
	struct optim *o = j->o;
	size_t lo, hi;
	slice(o->n, part, n_parts, &lo, &hi);
	size_t a = o->no_wd_lo < lo ? lo : o->no_wd_lo > hi ? hi : o->no_wd_lo;
	size_t b = o->no_wd_hi < a ? a : o->no_wd_hi > hi ? hi : o->no_wd_hi;
	struct step_job keep = *j;
	keep.decay = 1.0f;
	dense_range(j, lo, a);
	dense_range(&keep, a, b);
	dense_range(j, b, hi);
}

/* A pool part of Adam's rescale pass: m~ *= m_by, r~ *= r_by. */
SIMD_CLONES
static void rescale_part(void *ctx, int part, int n_parts)
{
	const struct step_job *j = ctx;
	struct optim *o = j->o;
	size_t lo, hi;
	slice(o->n, part, n_parts, &lo, &hi);
	float mb = j->m_by, rb = j->r_by;
	for (size_t i = lo; i < hi; i++) {
		o->avg[i] *= mb;
		o->rms[i] *= rb;
	}
}

/* Adam: fold a span's gradient into m~ and r~ before the dense pass. */
SIMD_CLONES
static void adam_fold(float *restrict g, float *restrict m, float *restrict r,
		      size_t n, float a, float b)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i];
		m[i] += a * gi;
		r[i] = sqrtf(r[i] * r[i] + b * gi * gi);
		g[i] = 0.0f;
	}
}

/* SGD: add a span's gradient step after the dense pass. */
SIMD_CLONES
static void sgd_fix(float *restrict p, float *restrict g, float *restrict m,
		    size_t n, float lr)
{
	for (size_t i = 0; i < n; i++) {
		m[i] += g[i];
		p[i] -= lr * g[i];
		g[i] = 0.0f;
	}
}

/* Adam's scales for this step; folds them into the arrays first when
 * they would get too small (always when mom is 0). */
static void adam_scales(struct optim *o, float mom, double h)
{
	double m_scale = o->m_scale * mom, r_scale = o->r_scale * h;
	if (m_scale >= SCALE_FLOOR && r_scale >= SCALE_FLOOR) {
		o->m_scale = m_scale;
		o->r_scale = r_scale;
		return;
	}
	struct step_job j = { .o = o, .m_by = (float)o->m_scale, .r_by = (float)o->r_scale };
	/* mom = 0 forgets m entirely: m = 0*m + (1-0)*g */
	if (mom == 0.0f)
		j.m_by = 0.0f;
	pool_run(o->pool, rescale_part, &j);
	o->m_scale = mom == 0.0f ? 1.0 : mom;
	o->r_scale = h;
}

void optim_step(struct optim *o, float *params, float *grad,
		const struct optim_span *spans, size_t n_spans, float lr,
		float mom)
{
	o->step++;
	struct step_job j = {
		.o = o,
		.p = params,
		/* fastai applies decoupled weight decay before the step */
		.decay = 1.0f - lr * o->cfg.wd,
		.mom = mom,
		.lr = lr,
	};
	if (o->cfg.kind == ENG_OPTIM_SGD) {
		pool_run(o->pool, dense_part, &j);
		for (size_t k = 0; k < n_spans; k++) {
			size_t off = spans[k].off;
			sgd_fix(params + off, grad + off, o->avg + off, spans[k].len, lr);
		}
		return;
	}
	double h = sqrt((double)o->cfg.sqr_mom);
	adam_scales(o, mom, h);
	double M = o->m_scale, H = o->r_scale;
	float a = (float)((1.0 - mom) / M);
	float b = (float)((1.0 - o->cfg.sqr_mom) / (H * H));
	for (size_t k = 0; k < n_spans; k++) {
		size_t off = spans[k].off;
		adam_fold(grad + off, o->avg + off, o->rms + off, spans[k].len, a, b);
	}
	double db1 = 1.0 - pow(mom, (double)o->step);
	double db2 = 1.0 - pow(o->cfg.sqr_mom, (double)o->step);
	j.num = (float)(lr / db1 * M);
	j.den = (float)(H / sqrt(db2));
	pool_run(o->pool, dense_part, &j);
}
