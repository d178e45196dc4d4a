/* als.c -- alternating least squares with biases (see als.h). */
#include "als.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "lapack.h"
#include "pool.h"

struct als {
	struct model *m;
	struct rcols c;         /* the ratings, borrowed */
	const struct split *sp;
	struct als_cfg cfg;
	struct als_csr csr;
	struct pool *pool;
	float *prec;            /* (k + 1) the ridge weights: reg ... reg, reg_bias */
	float *mean_user;       /* (k + 1) prior mean of a user row: 0 */
	float *mean_item;       /* (k + 1) prior mean of an item row: 0 ..., mu */
	float *work;            /* (threads * work per part) */
};

/* ---- grouping the ratings ------------------------------------------------ */

/* One side's rows: by user (neighbours are items) or, with by_item, by
 * item. */
static int side_build(struct als_side *s, uint32_t n_rows, const struct rcols *c,
		      int by_item, const struct split *sp)
{
	s->n_rows = n_rows;
	s->ptr = calloc((size_t)n_rows + 1, sizeof *s->ptr);
	s->idx = malloc((sp->n_train + 1) * sizeof *s->idx);
	s->val = malloc((sp->n_train + 1) * sizeof *s->val);
	if (!s->ptr || !s->idx || !s->val)
		return -1;
	/* counting sort by row: ptr[r + 1] counts, then prefix sums */
	for (size_t j = 0; j < sp->n_train; j++) {
		uint32_t t = sp->train[j];
		s->ptr[(by_item ? rc_item(c, t) : rc_user(c, t)) + 1]++;
	}
	s->max_deg = 0;
	for (uint32_t r = 0; r < n_rows; r++) {
		if (s->ptr[r + 1] > s->max_deg)
			s->max_deg = s->ptr[r + 1];
		s->ptr[r + 1] += s->ptr[r];
	}
	uint32_t *fill = malloc(((size_t)n_rows + 1) * sizeof *fill);
	if (!fill)
		return -1;
	memcpy(fill, s->ptr, (size_t)n_rows * sizeof *fill);
	for (size_t j = 0; j < sp->n_train; j++) {
		uint32_t t = sp->train[j], u = rc_user(c, t), i = rc_item(c, t);
		uint32_t at = fill[by_item ? i : u]++;
		s->idx[at] = by_item ? u : i;
		s->val[at] = rc_value(c, t);
	}
	free(fill);
	return 0;
}

int als_csr_build(struct als_csr *out, uint32_t n_users, uint32_t n_items,
		  const struct rcols *c, const struct split *sp)
{
	memset(out, 0, sizeof *out);
	if (sp->n_train > UINT32_MAX ||
	    side_build(&out->by_user, n_users, c, 0, sp) != 0 ||
	    side_build(&out->by_item, n_items, c, 1, sp) != 0) {
		als_csr_free(out);
		return -1;
	}
	return 0;
}

static void side_free(struct als_side *s)
{
	free(s->ptr);
	free(s->idx);
	free(s->val);
}

void als_csr_free(struct als_csr *c)
{
	side_free(&c->by_user);
	side_free(&c->by_item);
	memset(c, 0, sizeof *c);
}

/* ---- the half-step kernel ------------------------------------------------ */

size_t als_half_work_floats(const struct als_side *side, int k)
{
	size_t k1 = (size_t)k + 1;
	/* X (deg, k + 1), y (deg), A (k + 1, k + 1), rhs and z (k + 1) */
	return (size_t)side->max_deg * (k1 + 1) + k1 * k1 + 2 * k1;
}

int als_gauss_solve(int n, float *A, float *x, float *z, const uint64_t *seed)
{
	int one = 1, info = 0;
	sposv_("L", &n, &one, A, &n, x, &n, &info, 1);
	if (info != 0 || !seed)
		return info;
	/* A now holds L with L L^T = the precision, so L^-T z for
	 * z ~ N(0, I) has the covariance A^-1. */
	struct rng g;
	rng_seed(&g, *seed);
	for (int d = 0; d < n; d++)
		z[d] = (float)rng_normal(&g);
	cblas_strsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, n, A, n, z, 1);
	for (int d = 0; d < n; d++)
		x[d] += z[d];
	return 0;
}

/* Solve (or sample) one row r of the side into h->f / h->b.  Returns 0,
 * or LAPACK's info > 0 when the system is not positive definite. */
static int solve_row(const struct als_half *h, uint32_t r, float *work)
{
	const struct als_side *s = h->side;
	int k = h->k, k1 = k + 1;
	uint32_t first = s->ptr[r];
	int n = (int)(s->ptr[r + 1] - first);
	float *X = work;                                /* (n, k + 1) row-major */
	float *y = X + (size_t)s->max_deg * (size_t)k1; /* (n) */
	float *A = y + s->max_deg;                      /* (k + 1, k + 1) */
	float *x = A + (size_t)k1 * k1;                 /* (k + 1) rhs, then the solution */
	float *z = x + k1;                              /* (k + 1) */

	for (int j = 0; j < n; j++) {
		uint32_t o = s->idx[first + j];
		memcpy(X + (size_t)j * k1, h->other_f + (size_t)o * k, (size_t)k * sizeof *X);
		X[(size_t)j * k1 + k] = 1.0f;
		y[j] = s->val[first + j] - h->other_b[o];
		if (h->offset)
			y[j] -= cblas_sdot(k, h->offset + (size_t)r * k, 1,
					   h->other_f + (size_t)o * k, 1);
	}
	/* A = alpha X^T X: the upper triangle, row-major, which is the lower
	 * triangle in LAPACK's column-major view. */
	if (n > 0) {
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k1, n, h->noise_prec,
			    X, k1, 0.0f, A, k1);
		cblas_sgemv(CblasRowMajor, CblasTrans, n, k1, h->noise_prec, X, k1,
			    y, 1, 0.0f, x, 1);
	} else {
		memset(A, 0, (size_t)k1 * k1 * sizeof *A);
		memset(x, 0, (size_t)k1 * sizeof *x);
	}
	for (int d = 0; d < k1; d++) {
		A[(size_t)d * k1 + d] += h->prior_prec[d];
		x[d] += h->prior_prec[d] * h->prior_mean[d];
	}
	uint64_t seed = h->seed ^ ((uint64_t)r * 0x9e3779b97f4a7c15ULL);
	int info = als_gauss_solve(k1, A, x, z, h->sample ? &seed : NULL);
	if (info != 0)
		return info;
	memcpy(h->f + (size_t)r * k, x, (size_t)k * sizeof *x);
	h->b[r] = x[k];
	return 0;
}

void als_half_part(void *ctx, int part, int n_parts)
{
	struct als_half *h = ctx;
	float *work = h->work + (size_t)part * als_half_work_floats(h->side, h->k);
	int bad = 0;
	/* strided rows spread the long ones over the parts */
	for (uint32_t r = (uint32_t)part; r < h->side->n_rows; r += (uint32_t)n_parts)
		bad |= solve_row(h, r, work) != 0;
	if (bad)
		__atomic_store_n(&h->bad_rows, 1, __ATOMIC_RELAXED);
}

/* ---- the solver -------------------------------------------------------- */

struct als *als_new(struct model *m, const struct rcols *c, const struct split *sp,
		    const struct als_cfg *cfg, char *err, size_t errlen)
{
	if (m->cfg.kind != ENG_MODEL_DOTBIAS || m->cfg.use_y_range) {
		snprintf(err, errlen, "ALS fits the dotbias model without y_range "
			 "(use --y-range none)");
		return NULL;
	}
	if (!(cfg->reg > 0.0f && cfg->reg_bias > 0.0f && isfinite(cfg->reg) &&
	      isfinite(cfg->reg_bias))) {
		snprintf(err, errlen, "ALS needs a positive regularisation (--wd)");
		return NULL;
	}
	const char *why = pool_threads_check(cfg->threads);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (cfg->k != m->cfg.n_factors) {
		snprintf(err, errlen, "ALS asked for %d factors of a %d-factor model",
			 cfg->k, m->cfg.n_factors);
		return NULL;
	}
	if (sp->n_train == 0) {
		snprintf(err, errlen, "ALS needs training ratings");
		return NULL;
	}
	struct als *a = calloc(1, sizeof *a);
	if (!a)
		goto oom;
	a->m = m;
	a->c = *c;
	a->sp = sp;
	a->cfg = *cfg;
	size_t k1 = (size_t)cfg->k + 1;
	if (als_csr_build(&a->csr, m->cfg.n_users, m->cfg.n_items, c, sp) != 0)
		goto oom;
	size_t wu = als_half_work_floats(&a->csr.by_user, cfg->k);
	size_t wi = als_half_work_floats(&a->csr.by_item, cfg->k);
	a->work = malloc((size_t)cfg->threads * (wu > wi ? wu : wi) * sizeof *a->work);
	a->prec = malloc(k1 * sizeof *a->prec);
	a->mean_user = calloc(k1, sizeof *a->mean_user);
	a->mean_item = calloc(k1, sizeof *a->mean_item);
	a->pool = pool_new(cfg->threads);
	if (!a->work || !a->prec || !a->mean_user || !a->mean_item || !a->pool)
		goto oom;

	double sum = 0.0;
	for (size_t j = 0; j < sp->n_train; j++)
		sum += rc_value(c, sp->train[j]);
	float mu = (float)(sum / (double)sp->n_train);
	for (size_t d = 0; d < k1; d++)
		a->prec[d] = cfg->reg;
	a->prec[k1 - 1] = cfg->reg_bias;
	a->mean_item[k1 - 1] = mu;

	/* Factors of scale 0.1: large enough that the first user half-step
	 * sees distinct item rows, small next to the ratings. */
	struct rng g;
	rng_seed(&g, cfg->seed);
	size_t nf = ((size_t)m->cfg.n_users + m->cfg.n_items) * (size_t)cfg->k;
	for (size_t j = 0; j < nf; j++)
		m->user_f[j] = (float)(0.1 * rng_normal(&g));
	for (uint32_t u = 0; u < m->cfg.n_users; u++)
		m->user_b[u] = 0.0f;
	for (uint32_t i = 0; i < m->cfg.n_items; i++)
		m->item_b[i] = mu;
	return a;
oom:
	als_free(a);
	snprintf(err, errlen, "out of memory preparing ALS");
	return NULL;
}

void als_free(struct als *a)
{
	if (!a)
		return;
	als_csr_free(&a->csr);
	pool_free(a->pool);
	free(a->work);
	free(a->prec);
	free(a->mean_user);
	free(a->mean_item);
	free(a);
}

double als_sweep(struct als *a)
{
	struct model *m = a->m;
	struct als_half h = {
		.side = &a->csr.by_user, .k = a->cfg.k,
		.other_f = m->item_f, .other_b = m->item_b,
		.f = m->user_f, .b = m->user_b,
		.noise_prec = 1.0f, .prior_prec = a->prec, .prior_mean = a->mean_user,
		.work = a->work,
	};
	pool_run(a->pool, als_half_part, &h);
	int bad = h.bad_rows;
	h.side = &a->csr.by_item;
	h.other_f = m->user_f;
	h.other_b = m->user_b;
	h.f = m->item_f;
	h.b = m->item_b;
	h.prior_mean = a->mean_item;
	h.bad_rows = 0;
	pool_run(a->pool, als_half_part, &h);
	if (bad || h.bad_rows)
		return -1.0;
	return model_mse_idx(m, &a->c, a->sp->train, a->sp->n_train);
}
