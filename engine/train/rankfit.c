/* rankfit.c -- EASE, implicit ALS and most-popular behind the trainer
 * interface (see rankfit.h). */
#include "rankfit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "als.h"
#include "clock.h"
#include "dot.h"
#include "lapack.h"
#include "pool.h"
#include "rng.h"

int rankfit_is_ranking(enum eng_fit algo)
{
	return algo == ENG_FIT_EASE || algo == ENG_FIT_IALS || algo == ENG_FIT_POP;
}

int rankfit_factors(enum eng_fit algo, int k, uint32_t n_items)
{
	if (algo == ENG_FIT_EASE)
		return (int)n_items;
	return algo == ENG_FIT_POP ? 1 : k;
}

struct rankfit {
	struct model *m;
	struct ratings_view v;
	enum eng_fit algo;
	int epochs, epoch, done;
	double lambda;                  /* EASE's lambda, iALS's reg */
	float alpha;                    /* iALS */
	struct als_csr csr;             /* iALS: the watched items, both ways */
	int have_csr;
	struct pool *pool;              /* iALS */
	float *gram;                    /* iALS: (k, k) Y^T Y + reg I */
	float *work;                    /* iALS: work_floats per pool part */
	size_t work_floats;             /* (3 + the longest row) k */
};

/* Mean of (1 - score)^2 over the ratings idx[0..n): how well the model
 * reproduces "watched". */
static double implicit_loss(const struct model *m, const struct ratings_view *v,
			    const uint32_t *idx, size_t n)
{
	double se = 0.0;
	for (size_t j = 0; j < n; j++) {
		double d = 1.0 - model_predict(m, rc_user(&v->c, idx[j]), rc_item(&v->c, idx[j]));
		se += d * d;
	}
	return n ? se / (double)n : NAN;
}

/* ---- EASE ---- */

static int ease_fit(struct rankfit *f)
{
	struct model *m = f->m;
	int ni = (int)m->cfg.n_items, nu = (int)m->cfg.n_users;
	float *X = m->user_f, *G = m->item_f;   /* (nu, ni) and (ni, ni) */
	memset(X, 0, (size_t)nu * (size_t)ni * sizeof *X);
	for (size_t j = 0; j < f->v.sp->n_train; j++) {
		uint32_t r = f->v.sp->train[j];
		X[(size_t)rc_user(&f->v.c, r) * (size_t)ni + rc_item(&f->v.c, r)] = 1.0f;
	}
	/* G = X^T X + lambda I, upper triangle in row-major order (= lower
	 * in LAPACK's column-major) */
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, ni, nu, 1.0f, X, ni, 0.0f, G, ni);
	for (int i = 0; i < ni; i++)
		G[(size_t)i * ni + i] += (float)f->lambda;
	int info = 0;
	spotrf_("L", &ni, G, &ni, &info, 1);
	if (info == 0)
		spotri_("L", &ni, G, &ni, &info, 1);
	if (info != 0)
		return -1;
	/* P is in the upper triangle: mirror it, then item j's factors are
	 * B's column j = P's row j / -P[j][j], with a zero diagonal */
	for (int i = 0; i < ni; i++)
		for (int j = i + 1; j < ni; j++)
			G[(size_t)j * ni + i] = G[(size_t)i * ni + j];
	for (int j = 0; j < ni; j++) {
		float *row = G + (size_t)j * ni;
		float s = -1.0f / row[j];
		for (int i = 0; i < ni; i++)
			row[i] *= s;
		row[j] = 0.0f;
	}
	return 0;
}

/* ---- most popular ---- */

static void pop_fit(struct rankfit *f)
{
	struct model *m = f->m;
	memset(m->params, 0, m->n_params * sizeof *m->params);
	for (size_t j = 0; j < f->v.sp->n_train; j++)
		m->item_b[rc_item(&f->v.c, f->v.sp->train[j])] += 1.0f;
}

/* ---- implicit ALS ---- */

struct ials_half {
	const struct als_side *side;
	int k;
	float alpha;
	const float *other;     /* (n_other, k) fixed factors */
	const float *gram;      /* (k, k) other^T other + reg I, both triangles */
	float *f;               /* (side->n_rows, k) solved, warm-started */
	float *work;            /* work_floats per part */
	size_t work_floats;
};

/* y += a x over k floats (a loop the compiler vectorises). */
static inline void axpy_k(int k, float a, const float *restrict x, float *restrict y)
{
	for (int j = 0; j < k; j++)
		y[j] += a * x[j];
}

/* Conjugate gradient on one row's normal equations, from its value.  The
 * row's watched items' factors are first copied together into w, so the
 * four passes over them (the residual, three steps) read a contiguous
 * block instead of gathering from the whole factor matrix each time.  The
 * k-long vector operations are inline loops: a BLAS call per watched item
 * costs more than the item's arithmetic, and OpenBLAS would start threads
 * of its own inside the pool's. */
static void ials_row(const struct ials_half *h, uint32_t r, float *w)
{
	int k = h->k;
	const struct als_side *s = h->side;
	uint32_t deg = s->ptr[r + 1] - s->ptr[r];
	float *x = h->f + (size_t)r * k, *res = w, *p = w + k, *ap = w + 2 * k;
	float *ys = w + 3 * k;                  /* (deg, k) */
	float conf = 1.0f + h->alpha;
	for (uint32_t t = 0; t < deg; t++)
		memcpy(ys + (size_t)t * k, h->other + (size_t)s->idx[s->ptr[r] + t] * k,
		       (size_t)k * sizeof *ys);
	/* res = b - A x, with b = conf sum y, A = gram + alpha sum y y^T */
	for (int i = 0; i < k; i++)
		res[i] = -dot_f32(h->gram + (size_t)i * k, x, k);
	for (uint32_t t = 0; t < deg; t++) {
		const float *y = ys + (size_t)t * k;
		axpy_k(k, conf - h->alpha * dot_f32(y, x, k), y, res);
	}
	memcpy(p, res, (size_t)k * sizeof *p);
	float rs_old = dot_f32(res, res, k);
	for (int it = 0; it < IALS_CG_STEPS && rs_old > 1e-20f; it++) {
		for (int i = 0; i < k; i++)
			ap[i] = dot_f32(h->gram + (size_t)i * k, p, k);
		for (uint32_t t = 0; t < deg; t++) {
			const float *y = ys + (size_t)t * k;
			axpy_k(k, h->alpha * dot_f32(y, p, k), y, ap);
		}
		float pap = dot_f32(p, ap, k);
		if (!(pap > 0.0f))
			break;
		float a = rs_old / pap;
		axpy_k(k, a, p, x);
		axpy_k(k, -a, ap, res);
		float rs_new = dot_f32(res, res, k);
		for (int j = 0; j < k; j++)
			p[j] = res[j] + rs_new / rs_old * p[j];
		rs_old = rs_new;
	}
}

static void ials_part(void *ctx, int part, int n_parts)
{
	const struct ials_half *h = ctx;
	float *w = h->work + (size_t)part * h->work_floats;
	for (uint32_t r = (uint32_t)part; r < h->side->n_rows; r += (uint32_t)n_parts)
		ials_row(h, r, w);
}

/* The training loss of iALS over the pool: part p sums rows p, p + n,
 * ... of the user side into sums[p]. */
struct ials_loss {
	const struct als_side *side;
	const float *uf, *itf;
	int k;
	double *sums;
};

static void ials_loss_part(void *ctx, int part, int n_parts)
{
	const struct ials_loss *l = ctx;
	double se = 0.0;
	for (uint32_t r = (uint32_t)part; r < l->side->n_rows; r += (uint32_t)n_parts)
		for (uint32_t j = l->side->ptr[r]; j < l->side->ptr[r + 1]; j++) {
			double d = 1.0 - dot_f32(l->uf + (size_t)r * l->k,
						 l->itf + (size_t)l->side->idx[j] * l->k, l->k);
			se += d * d;
		}
	l->sums[part] = se;
}

static double ials_train_loss(struct rankfit *f)
{
	double sums[POOL_THREADS_MAX];
	struct ials_loss l = { .side = &f->csr.by_user, .uf = f->m->user_f,
			       .itf = f->m->item_f, .k = f->m->cfg.n_factors, .sums = sums };
	pool_run(f->pool, ials_loss_part, &l);
	double se = 0.0;
	for (int p = 0; p < pool_threads(f->pool); p++)
		se += sums[p];
	size_t n = f->v.sp->n_train;
	return n ? se / (double)n : NAN;
}

static void ials_half_step(struct rankfit *f, const struct als_side *side,
			   const float *other, uint32_t n_other, float *solved)
{
	int k = f->m->cfg.n_factors;
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, (int)n_other, 1.0f, other, k,
		    0.0f, f->gram, k);
	for (int i = 0; i < k; i++) {
		f->gram[(size_t)i * k + i] += (float)f->lambda;
		for (int j = 0; j < i; j++)     /* the rows read it whole */
			f->gram[(size_t)i * k + j] = f->gram[(size_t)j * k + i];
	}
	struct ials_half h = {
		.side = side, .k = k, .alpha = f->alpha, .other = other, .gram = f->gram,
		.f = solved, .work = f->work, .work_floats = f->work_floats,
	};
	pool_run(f->pool, ials_part, &h);
}

static int ials_prepare(struct rankfit *f, uint64_t seed, int threads)
{
	struct model *m = f->m;
	int k = m->cfg.n_factors;
	if (als_csr_build(&f->csr, m->cfg.n_users, m->cfg.n_items, &f->v.c, f->v.sp) != 0)
		return -1;
	f->have_csr = 1;
	f->pool = pool_new(threads);
	f->gram = malloc((size_t)k * (size_t)k * sizeof *f->gram);
	uint32_t longest = f->csr.by_user.max_deg > f->csr.by_item.max_deg
		? f->csr.by_user.max_deg : f->csr.by_item.max_deg;
	f->work_floats = (3 + (size_t)longest) * (size_t)k;
	f->work = malloc((size_t)threads * f->work_floats * sizeof *f->work);
	if (!f->pool || !f->gram || !f->work)
		return -1;
	/* small random factors, as implicit starts; no biases */
	memset(m->params, 0, m->n_params * sizeof *m->params);
	struct rng r;
	rng_seed(&r, seed);
	size_t n = ((size_t)m->cfg.n_users + m->cfg.n_items) * (size_t)k;
	for (size_t j = 0; j < n; j++)       /* user_f and item_f are adjacent */
		m->user_f[j] = 0.01f * (float)rng_normal(&r);
	return 0;
}

/* ---- the trainer ---- */

static void rankfit_free(void *self)
{
	struct rankfit *f = self;
	if (!f)
		return;
	if (f->have_csr)
		als_csr_free(&f->csr);
	pool_free(f->pool);
	free(f->gram);
	free(f->work);
	free(f);
}

static void *rankfit_open(struct model *m, const struct ratings_view *v,
			  const struct eng_train_hp *cfg, enum eng_fit algo,
			  char *err, size_t errlen)
{
	if (m->cfg.kind != ENG_MODEL_DOTBIAS || m->cfg.use_y_range || m->nn) {
		snprintf(err, errlen, "%s fits the dotbias model without y_range",
			 train_algo_name(algo));
		return NULL;
	}
	if (algo == ENG_FIT_EASE && (uint32_t)m->cfg.n_factors != m->cfg.n_items) {
		snprintf(err, errlen, "ease needs a model as wide as the catalogue (%u factors)",
			 m->cfg.n_items);
		return NULL;
	}
	struct rankfit *f = calloc(1, sizeof *f);
	if (!f) {
		snprintf(err, errlen, "out of memory preparing the trainer");
		return NULL;
	}
	f->m = m;
	f->v = *v;
	f->algo = algo;
	f->epochs = algo == ENG_FIT_IALS ? cfg->epochs : 1;
	f->lambda = cfg->wd;
	f->alpha = (float)cfg->alpha;
	if (algo == ENG_FIT_IALS && (!(cfg->alpha >= 0.0) || cfg->wd <= 0.0)) {
		snprintf(err, errlen, "ials needs alpha >= 0 and wd (its ridge weight) > 0");
		free(f);
		return NULL;
	}
	if (algo == ENG_FIT_EASE && !(cfg->wd > 0.0)) {
		snprintf(err, errlen, "ease needs wd (its lambda) > 0");
		free(f);
		return NULL;
	}
	if (algo == ENG_FIT_IALS && ials_prepare(f, cfg->seed, cfg->threads) != 0) {
		snprintf(err, errlen, "out of memory preparing the trainer");
		rankfit_free(f);
		return NULL;
	}
	return f;
}

static void *ease_open(struct model *m, const struct ratings_view *v,
		       const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	(void)init;
	return rankfit_open(m, v, cfg, ENG_FIT_EASE, err, errlen);
}

static void *ials_open(struct model *m, const struct ratings_view *v,
		       const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	(void)init;
	return rankfit_open(m, v, cfg, ENG_FIT_IALS, err, errlen);
}

static void *pop_open(struct model *m, const struct ratings_view *v,
		      const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	(void)init;
	return rankfit_open(m, v, cfg, ENG_FIT_POP, err, errlen);
}

/* One fit (EASE, POP) or one sweep (iALS) a step, each an epoch. */
static enum train_status rankfit_step(void *self, long max_steps, struct eng_train_report *rep)
{
	struct rankfit *f = self;
	rep->n_batches = 1;
	rep->epoch = f->epoch;
	if (f->done)
		return TRAIN_DONE;
	if (max_steps <= 0)
		return TRAIN_MORE;
	double start = clock_now();
	int ok = 1;
	struct model *m = f->m;
	if (f->algo == ENG_FIT_EASE) {
		ok = ease_fit(f) == 0;
	} else if (f->algo == ENG_FIT_POP) {
		pop_fit(f);
	} else {
		ials_half_step(f, &f->csr.by_user, m->item_f, m->cfg.n_items, m->user_f);
		ials_half_step(f, &f->csr.by_item, m->user_f, m->cfg.n_users, m->item_f);
	}
	const struct split *sp = f->v.sp;
	double loss = !ok ? NAN : f->algo == ENG_FIT_POP ? 0.0
		: f->algo == ENG_FIT_IALS ? ials_train_loss(f)
		: implicit_loss(m, &f->v, sp->train, sp->n_train);
	rep->lr = rep->mom = 0.0;
	rep->batch = 1;
	rep->batch_loss = rep->smooth_loss = rep->train_loss = loss;
	rep->valid_loss = sp->n_valid && f->algo != ENG_FIT_POP
		? implicit_loss(m, &f->v, sp->valid, sp->n_valid) : sp->n_valid ? 0.0 : NAN;
	rep->seconds = clock_now() - start;
	f->epoch++;
	if (f->epoch >= f->epochs || !ok) {
		f->done = 1;
		return TRAIN_DONE;
	}
	return TRAIN_EPOCH_END;
}

const struct trainer_ops ease_trainer_ops = {
	.name = "ease", .open = ease_open, .step = rankfit_step, .free = rankfit_free,
};

const struct trainer_ops ials_trainer_ops = {
	.name = "ials", .open = ials_open, .step = rankfit_step, .free = rankfit_free,
};

const struct trainer_ops pop_trainer_ops = {
	.name = "pop", .open = pop_open, .step = rankfit_step, .free = rankfit_free,
};
