/* model.c -- parameters, initialisation, prediction and the MSE gradient
 * of the dot-product models.  See model.h for the layout. */
#include "model.h"

#include "embnn.h"
#include "simd.h"

#include <assert.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eng_model_hp model_cfg_default(void)
{
	struct eng_model_hp c = {
		.kind = ENG_MODEL_DOTBIAS,
		.n_factors = 50,
		.use_y_range = 1,
		.y_lo = 0.0f,
		.y_hi = 5.5f,
	};
	return c;
}

const char *model_cfg_check(const struct eng_model_hp *cfg)
{
	if (cfg->kind != ENG_MODEL_DOT && cfg->kind != ENG_MODEL_DOTBIAS && cfg->kind != ENG_MODEL_NN)
		return "model must be dot, dotbias or nn";
	if (cfg->n_users == 0)
		return "the dataset has no users";
	if (cfg->n_items == 0)
		return "the dataset has no items";
	if (cfg->n_factors < 1 || cfg->n_factors > 4096)
		return "number of factors must be between 1 and 4096";
	if (cfg->use_y_range &&
	    !(isfinite(cfg->y_lo) && isfinite(cfg->y_hi) && cfg->y_lo < cfg->y_hi))
		return "y_range must be two finite numbers LO,HI with LO < HI";
	const char *why = cfg->kind == ENG_MODEL_NN ? embnn_cfg_check(cfg) : NULL;
	if (why)
		return why;
	if (model_param_count(cfg) == 0)
		return "the model is too large for this machine's address space";
	return NULL;
}

const char *model_kind_name(enum eng_model_kind kind)
{
	return kind == ENG_MODEL_DOT ? "dot" : kind == ENG_MODEL_NN ? "nn" : "dotbias";
}

size_t model_param_count(const struct eng_model_hp *cfg)
{
	size_t n_buffers;
	if (cfg->kind == ENG_MODEL_NN)
		return embnn_param_count(cfg, &n_buffers);
	size_t rows = (size_t)cfg->n_users + cfg->n_items;
	size_t per_row = (size_t)cfg->n_factors + (cfg->kind == ENG_MODEL_DOTBIAS);
	if (cfg->n_factors < 1 || rows == 0 || rows > SIZE_MAX / per_row ||
	    rows * per_row > SIZE_MAX / sizeof(float))
		return 0;
	return rows * per_row;
}

/* Point the four views into a buffer laid out as model.h describes. */
static void point_views(const struct eng_model_hp *c, float *base, float **uf,
			float **itf, float **ub, float **ib)
{
	size_t k = (size_t)c->n_factors;
	*uf = base;
	*itf = base + (size_t)c->n_users * k;
	if (c->kind == ENG_MODEL_DOTBIAS) {
		*ub = *itf + (size_t)c->n_items * k;
		*ib = *ub + c->n_users;
	} else {
		*ub = NULL;
		*ib = NULL;
	}
}

struct model *model_new(const struct eng_model_hp *cfg, char *err, size_t errlen)
{
	const char *why = model_cfg_check(cfg);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	struct model *m = calloc(1, sizeof *m);
	size_t n = model_param_count(cfg), n_buffers = 0;
	if (cfg->kind == ENG_MODEL_NN)
		embnn_param_count(cfg, &n_buffers);
	/* 64-byte alignment lets the optimiser's vector loop use aligned
	 * loads and keeps every row start cache-friendly. */
	void *p = NULL;
	if (!m || posix_memalign(&p, 64, (n + n_buffers) * sizeof(float)) != 0) {
		free(m);
		snprintf(err, errlen, "out of memory allocating %zu parameters", n);
		return NULL;
	}
	memset(p, 0, (n + n_buffers) * sizeof(float));
	m->cfg = *cfg;
	m->n_params = n;
	m->n_buffers = n_buffers;
	m->params = p;
	if (cfg->kind == ENG_MODEL_NN) {
		if (!(m->nn = embnn_new(cfg, m->params))) {
			model_free(m);
			snprintf(err, errlen, "out of memory allocating the network");
			return NULL;
		}
		return m;
	}
	point_views(cfg, m->params, &m->user_f, &m->item_f, &m->user_b, &m->item_b);
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	embnn_free(m->nn);
	free(m->params);
	free(m);
}

int model_reserve(struct model *m, size_t n)
{
	return m->nn ? embnn_reserve(m->nn, n) : 0;
}

/* fastai's trunc_normal_: x.normal_().fmod_(2).mul_(std), i.e. a
 * standard normal wrapped into (-2, 2), then scaled by std 0.01. */
static void init_params(float *p, size_t n, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)(0.01 * fmod(rng_normal(r), 2.0));
}

void model_init(struct model *m, struct rng *r)
{
	if (m->nn) {
		embnn_init(m->nn, r);
		return;
	}
	init_params(m->params, m->n_params, r);
}

#define INIT_CHUNK 65536 /* parameters a pool part fills at a time */

struct init_job {
	struct model *m;
	const struct rng *at;   /* (chunks) the stream where each chunk starts */
	size_t chunks;
	atomic_size_t next;     /* the next chunk to take */
};

/* The parameters of chunk c. */
static size_t chunk_len(const struct model *m, size_t c)
{
	size_t lo = c * INIT_CHUNK;
	return m->n_params - lo < INIT_CHUNK ? m->n_params - lo : INIT_CHUNK;
}

static void init_part(void *ctx, int part, int n_parts)
{
	struct init_job *j = ctx;
	size_t c;

	(void)part;
	(void)n_parts;
	while ((c = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed)) < j->chunks) {
		struct rng r = j->at[c];
		init_params(j->m->params + c * INIT_CHUNK, chunk_len(j->m, c), &r);
	}
}

void model_init_pool(struct model *m, struct rng *r, struct pool *pool)
{
	size_t chunks = (m->n_params + INIT_CHUNK - 1) / INIT_CHUNK;
	struct rng *at = NULL;

	if (!m->nn && chunks > 1 && pool_threads(pool) > 1)
		at = malloc(chunks * sizeof *at);
	if (!at) {
		model_init(m, r);
		return;
	}
	for (size_t c = 0; c < chunks; c++) {
		at[c] = *r;
		rng_skip(r, chunk_len(m, c) * RNG_NORMAL_DRAWS);
	}
	struct init_job j = { .m = m, .at = at, .chunks = chunks };
	atomic_init(&j.next, 0);
	pool_run(pool, init_part, &j);
	free(at);
}

void model_keep_users(struct model *m, uint32_t n_users)
{
	struct eng_model_hp c = m->cfg;
	assert(!m->nn);
	if (n_users >= c.n_users)
		return;
	size_t k = (size_t)c.n_factors;
	c.n_users = n_users;
	float *uf, *itf, *ub, *ib;
	point_views(&c, m->params, &uf, &itf, &ub, &ib);
	/* Front to back, every destination lies below its source, so memmove
	 * in this order never overwrites what is still to be moved. */
	memmove(itf, m->item_f, (size_t)c.n_items * k * sizeof(float));
	if (ub) {
		memmove(ub, m->user_b, (size_t)n_users * sizeof(float));
		memmove(ib, m->item_b, (size_t)c.n_items * sizeof(float));
	}
	m->cfg = c;
	m->n_params = model_param_count(&c);
	m->user_f = uf;
	m->item_f = itf;
	m->user_b = ub;
	m->item_b = ib;
}

void model_grad_view(const struct model *m, float *grad, float **user_f,
		     float **item_f, float **user_b, float **item_b)
{
	point_views(&m->cfg, grad, user_f, item_f, user_b, item_b);
}

/* The raw score before y_range. */
static inline float raw_score(const struct model *m, uint32_t u, uint32_t i)
{
	size_t k = (size_t)m->cfg.n_factors;
	const float *a = m->user_f + (size_t)u * k;
	const float *b = m->item_f + (size_t)i * k;
	/* Eight interleaved partial sums, added in a fixed order: the compiler
	 * turns this into vector code, and the result does not depend on it. */
	float acc[8] = {0};
	size_t j = 0;
	for (; j + 8 <= k; j += 8)
		for (int l = 0; l < 8; l++)
			acc[l] += a[j + l] * b[j + l];
	for (; j < k; j++)
		acc[0] += a[j] * b[j];
	float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) +
		  ((acc[2] + acc[6]) + (acc[3] + acc[7]));
	if (m->user_b)
		s += m->user_b[u] + m->item_b[i];
	return s;
}

static inline float sigmoidf(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

float model_predict(const struct model *m, uint32_t u, uint32_t i)
{
	if (m->nn)
		return embnn_predict(m->nn, u, i);
	float s = raw_score(m, u, i);
	if (m->cfg.use_y_range)
		s = m->cfg.y_lo + (m->cfg.y_hi - m->cfg.y_lo) * sigmoidf(s);
	return s;
}

/* The body of model_loss_grad, cloned for AVX2 (clang resolves clones of
 * static functions only). */
SIMD_CLONES
static double loss_grad(const struct model *m, const uint32_t *users,
			const uint32_t *items, const float *ratings, size_t n,
			float *grad)
{
	if (n == 0)
		return 0.0;
	size_t k = (size_t)m->cfg.n_factors;
	float range = m->cfg.y_hi - m->cfg.y_lo;
	float *gu = NULL, *gi = NULL, *gub = NULL, *gib = NULL;
	if (grad)
		model_grad_view(m, grad, &gu, &gi, &gub, &gib);
	double loss = 0.0;
	float scale = 2.0f / (float)n;   /* d/dpred of mean (pred - r)^2 */
	for (size_t b = 0; b < n; b++) {
		uint32_t u = users[b], i = items[b];
		float s = raw_score(m, u, i), pred = s, dpred_ds = 1.0f;
		if (m->cfg.use_y_range) {
			float sg = sigmoidf(s);
			pred = m->cfg.y_lo + range * sg;
			dpred_ds = range * sg * (1.0f - sg);
		}
		float diff = pred - ratings[b];
		loss += (double)diff * diff;
		if (!grad)
			continue;
		float g = scale * diff * dpred_ds;
		const float *pu = m->user_f + (size_t)u * k;
		const float *pi = m->item_f + (size_t)i * k;
		float *du = gu + (size_t)u * k, *di = gi + (size_t)i * k;
		for (size_t j = 0; j < k; j++) {
			du[j] += g * pi[j];
			di[j] += g * pu[j];
		}
		if (gub) {
			gub[u] += g;
			gib[i] += g;
		}
	}
	return loss / (double)n;
}

double model_loss_grad(const struct model *m, const uint32_t *users,
		       const uint32_t *items, const float *ratings, size_t n,
		       float *grad)
{
	if (m->nn)
		return embnn_loss_grad(m->nn, users, items, ratings, n, grad);
	return loss_grad(m, users, items, ratings, n, grad);
}

double model_mse_idx(const struct model *m, const struct rcols *c,
		     const uint32_t *idx, size_t n)
{
	if (m->nn)
		return embnn_mse_idx(m->nn, c, idx, n);
	if (n == 0)
		return 0.0;
	double sum = 0.0;
	for (size_t j = 0; j < n; j++) {
		uint32_t t = idx[j];
		double d = (double)model_predict(m, rc_user(c, t), rc_item(c, t)) - rc_value(c, t);
		sum += d * d;
	}
	return sum / (double)n;
}

size_t model_first_non_finite(const struct model *m)
{
	size_t total = m->n_params + m->n_buffers;
	for (size_t i = 0; i < total; i++)
		if (!isfinite(m->params[i]))
			return i;
	return total;
}
