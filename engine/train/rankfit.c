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
	float *work;                    /* iALS: 3 k per pool part */
};

/* Mean of (1 - score)^2 over the ratings idx[0..n): how well the model
 * reproduces "watched". */
static double implicit_loss(const struct model *m, const struct ratings_view *v,
			    const uint32_t *idx, size_t n)
{
	double se = 0.0;
	for (size_t j = 0; j < n; j++) {
		double d = 1.0 - model_predict(m, v->users[idx[j]], v->items[idx[j]]);
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
		X[(size_t)f->v.users[r] * (size_t)ni + f->v.items[r]] = 1.0f;
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
		m->item_b[f->v.items[f->v.sp->train[j]]] += 1.0f;
}

/* ---- implicit ALS ---- */

struct ials_half {
	const struct als_side *side;
	int k;
	float alpha;
	const float *other;     /* (n_other, k) fixed factors */
	const float *gram;      /* (k, k) other^T other + reg I */
	float *f;               /* (side->n_rows, k) solved, warm-started */
	float *work;            /* 3 k per part */
};

/* Conjugate gradient on one row's normal equations, from its value. */
static void ials_row(const struct ials_half *h, uint32_t r, float *w)
{
	int k = h->k;
	const struct als_side *s = h->side;
	float *x = h->f + (size_t)r * k, *res = w, *p = w + k, *ap = w + 2 * k;
	float conf = 1.0f + h->alpha;
	/* res = b - A x, with b = conf sum y, A = gram + alpha sum y y^T */
	cblas_ssymv(CblasRowMajor, CblasUpper, k, -1.0f, h->gram, k, x, 1, 0.0f, res, 1);
	for (uint32_t j = s->ptr[r]; j < s->ptr[r + 1]; j++) {
		const float *y = h->other + (size_t)s->idx[j] * k;
		float c = conf - h->alpha * cblas_sdot(k, y, 1, x, 1);
		cblas_saxpy(k, c, y, 1, res, 1);
	}
	memcpy(p, res, (size_t)k * sizeof *p);
	float rs_old = cblas_sdot(k, res, 1, res, 1);
	for (int it = 0; it < IALS_CG_STEPS && rs_old > 1e-20f; it++) {
		cblas_ssymv(CblasRowMajor, CblasUpper, k, 1.0f, h->gram, k, p, 1, 0.0f, ap, 1);
		for (uint32_t j = s->ptr[r]; j < s->ptr[r + 1]; j++) {
			const float *y = h->other + (size_t)s->idx[j] * k;
			cblas_saxpy(k, h->alpha * cblas_sdot(k, y, 1, p, 1), y, 1, ap, 1);
		}
		float pap = cblas_sdot(k, p, 1, ap, 1);
		if (!(pap > 0.0f))
			break;
		float a = rs_old / pap;
		cblas_saxpy(k, a, p, 1, x, 1);
		cblas_saxpy(k, -a, ap, 1, res, 1);
		float rs_new = cblas_sdot(k, res, 1, res, 1);
		cblas_sscal(k, rs_new / rs_old, p, 1);
		cblas_saxpy(k, 1.0f, res, 1, p, 1);
		rs_old = rs_new;
	}
}

static void ials_part(void *ctx, int part, int n_parts)
{
	const struct ials_half *h = ctx;
	float *w = h->work + (size_t)part * 3 * (size_t)h->k;
	for (uint32_t r = (uint32_t)part; r < h->side->n_rows; r += (uint32_t)n_parts)
		ials_row(h, r, w);
}

static void ials_half_step(struct rankfit *f, const struct als_side *side,
			   const float *other, uint32_t n_other, float *solved)
{
	int k = f->m->cfg.n_factors;
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, (int)n_other, 1.0f, other, k,
		    0.0f, f->gram, k);
	for (int i = 0; i < k; i++)
		f->gram[(size_t)i * k + i] += (float)f->lambda;
	struct ials_half h = {
		.side = side, .k = k, .alpha = f->alpha, .other = other, .gram = f->gram,
		.f = solved, .work = f->work,
	};
	pool_run(f->pool, ials_part, &h);
}

static int ials_prepare(struct rankfit *f, uint64_t seed, int threads)
{
	struct model *m = f->m;
	int k = m->cfg.n_factors;
	if (als_csr_build(&f->csr, m->cfg.n_users, m->cfg.n_items, f->v.users, f->v.items,
			  f->v.ratings, f->v.sp) != 0)
		return -1;
	f->have_csr = 1;
	f->pool = pool_new(threads);
	f->gram = malloc((size_t)k * (size_t)k * sizeof *f->gram);
	f->work = malloc((size_t)threads * 3 * (size_t)k * sizeof *f->work);
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
	double loss = ok && f->algo != ENG_FIT_POP
		? implicit_loss(m, &f->v, sp->train, sp->n_train) : ok ? 0.0 : NAN;
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
