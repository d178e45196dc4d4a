/* bpmf.c -- Gibbs sampling for Bayesian biased MF (see bpmf.h). */
#include "bpmf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "als.h"
#include "pool.h"
#include "rng.h"

/* Vague hyperpriors, as libFM's defaults: Gamma(1, 1) precisions and a
 * prior mean worth one pseudo-observation. */
#define HYPER_A0 1.0
#define HYPER_B0 1.0
#define HYPER_GAMMA0 1.0

/* One side's state and its hyperparameters. */
struct side_state {
	uint32_t n;
	float *f;               /* (n, k) the current sample's factors */
	float *b;               /* (n) its biases */
	float *prec;            /* (k + 1) lambda_d */
	float *mean;            /* (k + 1) mu_d */
};

/* SVD++'s implicit feedback for one side, the "own" side: a row r's factors
 * in a prediction are f[r] + imp[r], imp[r] = |N(r)|^-1/2 sum_{j in N(r)}
 * Y[j] over the rows N(r) of the other side r met in training (for a user,
 * the items it rated; for an item, the users who rated it).  y holds Y,
 * one row per row of the other side (its bias column is unused). */
struct implicit {
	struct side_state y;
	float *imp;             /* (n_own, k) */
	float *eff;             /* (n_own, k) f + imp */
	float *gram;            /* (n_own, k, k) sum over r's neighbours of F[j] F[j]^T */
	float *resid;           /* (n_own, k) sum over r's neighbours of F[j] e_rj */
};

struct bpmf {
	struct model *m;
	const struct split *sp;
	struct bpmf_cfg cfg;
	int kept, burn_in;
	int sweep;              /* sweeps done */
	int n_kept;             /* samples folded into the model */
	struct als_csr csr;
	struct pool *pool;
	struct side_state user, item;
	/* SVD++'s implicit feedback on both sides: uimp for the users (Y
	 * indexed by item), iimp for the items (Z indexed by user). */
	struct implicit uimp, iimp;
	float *yscratch;        /* (k * k + 3 * k) the Y[j] or Z[u] solve */
	float alpha;            /* noise precision */
	struct rng g;           /* hyperparameter draws */
	float *work;            /* (threads * work per part) */
};

int bpmf_kept(int sweeps)
{
	return sweeps < 1 ? 1 : sweeps - sweeps / 4;
}

/* Gamma(shape, rate) by Marsaglia and Tsang's method; shape >= 1 here. */
static double gamma_draw(struct rng *g, double shape, double rate)
{
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = rng_normal(g), v = 1.0 + c * x;
		if (v <= 0.0)
			continue;
		v = v * v * v;
		double u = rng_uniform(g);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v / rate;
	}
}

static int side_alloc(struct side_state *s, uint32_t n, int k)
{
	s->n = n;
	s->f = malloc(((size_t)n * (size_t)k + 1) * sizeof *s->f);
	s->b = malloc(((size_t)n + 1) * sizeof *s->b);
	s->prec = malloc(((size_t)k + 1) * sizeof *s->prec);
	s->mean = malloc(((size_t)k + 1) * sizeof *s->mean);
	return s->f && s->b && s->prec && s->mean ? 0 : -1;
}

static void side_free(struct side_state *s)
{
	free(s->f);
	free(s->b);
	free(s->prec);
	free(s->mean);
}

/* Y starts at 0, so imp does too: the first sweeps are plain BPMF. */
static int implicit_alloc(struct implicit *im, uint32_t n_own, uint32_t n_other, int k)
{
	size_t n = n_own, kk = (size_t)k;
	if (side_alloc(&im->y, n_other, k) != 0)
		return -1;
	memset(im->y.f, 0, (size_t)n_other * kk * sizeof *im->y.f);
	memset(im->y.b, 0, (size_t)n_other * sizeof *im->y.b);
	for (int d = 0; d <= k; d++)
		im->y.prec[d] = 1.0f;
	im->imp = calloc(n * kk + 1, sizeof *im->imp);
	im->eff = calloc(n * kk + 1, sizeof *im->eff);
	im->gram = malloc((n * kk * kk + 1) * sizeof *im->gram);
	im->resid = malloc((n * kk + 1) * sizeof *im->resid);
	return im->imp && im->eff && im->gram && im->resid ? 0 : -1;
}

static void implicit_free(struct implicit *im)
{
	side_free(&im->y);
	free(im->imp);
	free(im->eff);
	free(im->gram);
	free(im->resid);
}

struct bpmf *bpmf_new(struct model *m, const struct rcols *c, const struct split *sp,
		      const struct bpmf_cfg *cfg, char *err, size_t errlen)
{
	int kept = bpmf_kept(cfg->sweeps);
	if (m->cfg.kind != ENG_MODEL_DOTBIAS || m->cfg.use_y_range) {
		snprintf(err, errlen, "BPMF fits the dotbias model without y_range "
			 "(use --y-range none)");
		return NULL;
	}
	if (cfg->k < 1 || cfg->k > BPMF_MAX_FACTORS / kept ||
	    m->cfg.n_factors != cfg->k * kept) {
		snprintf(err, errlen, "BPMF keeps %d samples of k factors in one model "
			 "of at most %d: k must be 1..%d (fewer factors or epochs)",
			 kept, BPMF_MAX_FACTORS, BPMF_MAX_FACTORS / kept);
		return NULL;
	}
	const char *why = pool_threads_check(cfg->threads);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (sp->n_train == 0) {
		snprintf(err, errlen, "BPMF needs training ratings");
		return NULL;
	}
	struct bpmf *b = calloc(1, sizeof *b);
	if (!b)
		goto oom;
	b->m = m;
	b->sp = sp;
	b->cfg = *cfg;
	b->kept = kept;
	b->burn_in = cfg->sweeps - kept;
	int k = cfg->k;
	size_t kk = (size_t)k;
	if (als_csr_build(&b->csr, m->cfg.n_users, m->cfg.n_items, c, sp) != 0 ||
	    side_alloc(&b->user, m->cfg.n_users, k) != 0 ||
	    side_alloc(&b->item, m->cfg.n_items, k) != 0 ||
	    implicit_alloc(&b->uimp, m->cfg.n_users, m->cfg.n_items, k) != 0 ||
	    implicit_alloc(&b->iimp, m->cfg.n_items, m->cfg.n_users, k) != 0)
		goto oom;
	b->yscratch = malloc((kk * kk + 3 * kk) * sizeof *b->yscratch);
	if (!b->yscratch)
		goto oom;
	size_t wu = als_half_work_floats(&b->csr.by_user, k);
	size_t wi = als_half_work_floats(&b->csr.by_item, k);
	b->work = malloc((size_t)cfg->threads * (wu > wi ? wu : wi) * sizeof *b->work);
	b->pool = pool_new(cfg->threads);
	if (!b->work || !b->pool)
		goto oom;

	double sum = 0.0;
	for (size_t j = 0; j < sp->n_train; j++)
		sum += rc_value(c, sp->train[j]);
	float mu = (float)(sum / (double)sp->n_train);
	rng_seed(&b->g, cfg->seed);
	for (size_t j = 0; j < (size_t)b->user.n * (size_t)k; j++)
		b->user.f[j] = (float)(0.1 * rng_normal(&b->g));
	for (size_t j = 0; j < (size_t)b->item.n * (size_t)k; j++)
		b->item.f[j] = (float)(0.1 * rng_normal(&b->g));
	for (uint32_t u = 0; u < b->user.n; u++)
		b->user.b[u] = 0.0f;
	for (uint32_t i = 0; i < b->item.n; i++)
		b->item.b[i] = mu;
	/* the first user half-step reads the items' eff, which is f while imp is 0 */
	memcpy(b->uimp.eff, b->user.f, (size_t)b->user.n * kk * sizeof *b->user.f);
	memcpy(b->iimp.eff, b->item.f, (size_t)b->item.n * kk * sizeof *b->item.f);
	b->alpha = 1.0f;
	for (int d = 0; d <= k; d++)
		b->user.prec[d] = b->item.prec[d] = 1.0f;
	return b;
oom:
	bpmf_free(b);
	snprintf(err, errlen, "out of memory preparing BPMF");
	return NULL;
}

void bpmf_free(struct bpmf *b)
{
	if (!b)
		return;
	als_csr_free(&b->csr);
	side_free(&b->user);
	side_free(&b->item);
	implicit_free(&b->uimp);
	implicit_free(&b->iimp);
	free(b->yscratch);
	pool_free(b->pool);
	free(b->work);
	free(b);
}

/* Coordinate d of row r: a factor, or (d == k) the bias. */
static inline float coord(const struct side_state *s, int k, uint32_t r, int d)
{
	return d < k ? s->f[(size_t)r * k + d] : s->b[r];
}

/* Draw mu_d, then lambda_d, from their conditionals given the rows. */
static void draw_hyper(struct bpmf *b, struct side_state *s)
{
	int k = b->cfg.k;
	double n = s->n;
	for (int d = 0; d <= k; d++) {
		double sum = 0.0;
		for (uint32_t r = 0; r < s->n; r++)
			sum += coord(s, k, r, d);
		double lam = s->prec[d];
		double mu = sum / (n + HYPER_GAMMA0) +
			    rng_normal(&b->g) / sqrt((n + HYPER_GAMMA0) * lam);
		double ss = HYPER_GAMMA0 * mu * mu;
		for (uint32_t r = 0; r < s->n; r++) {
			double e = coord(s, k, r, d) - mu;
			ss += e * e;
		}
		s->mean[d] = (float)mu;
		s->prec[d] = (float)gamma_draw(&b->g, HYPER_A0 + 0.5 * (n + 1.0),
					       HYPER_B0 + 0.5 * ss);
	}
}

/* Sum of squared training residuals of the current sample. */
static double sample_sse(const struct bpmf *b)
{
	const struct als_side *s = &b->csr.by_user;
	int k = b->cfg.k;
	double sse = 0.0;
	for (uint32_t u = 0; u < s->n_rows; u++) {
		const float *w = b->uimp.eff + (size_t)u * k;
		for (uint32_t j = s->ptr[u]; j < s->ptr[u + 1]; j++) {
			uint32_t i = s->idx[j];
			const float *v = b->iimp.eff + (size_t)i * k;
			float p = b->user.b[u] + b->item.b[i];
			for (int d = 0; d < k; d++)
				p += w[d] * v[d];
			double e = (double)s->val[j] - p;
			sse += e * e;
		}
	}
	return sse;
}

/* Write the sample's factors f (n, k) into slot `slot` of the model's factor rows
 * (stride K = k * kept), scaled, after scaling the earlier slots. */
static void fold_side(const struct bpmf *b, const float *f, uint32_t n,
		      float *mf, int slot, float old_scale, float new_scale)
{
	int k = b->cfg.k;
	size_t K = (size_t)b->m->cfg.n_factors;
	for (uint32_t r = 0; r < n; r++) {
		float *row = mf + (size_t)r * K;
		for (size_t j = 0; j < (size_t)slot * (size_t)k; j++)
			row[j] *= old_scale;
		for (int d = 0; d < k; d++)
			row[(size_t)slot * k + d] = new_scale * f[(size_t)r * k + d];
	}
}

/* mb = the running mean of c bias samples, the c-th being sb. */
static void fold_bias(float *mb, const float *sb, uint32_t n, int c)
{
	for (uint32_t r = 0; r < n; r++)
		mb[r] = c == 1 ? sb[r] : mb[r] + (sb[r] - mb[r]) / (float)c;
}

/* The model after this sweep: the running average of the kept samples,
 * or the current sample during burn-in. */
static void fold_in(struct bpmf *b)
{
	struct model *m = b->m;
	if (b->sweep <= b->burn_in) {
		fold_side(b, b->uimp.eff, b->user.n, m->user_f, 0, 1.0f, 1.0f);
		fold_side(b, b->iimp.eff, b->item.n, m->item_f, 0, 1.0f, 1.0f);
		fold_bias(m->user_b, b->user.b, b->user.n, 1);
		fold_bias(m->item_b, b->item.b, b->item.n, 1);
		return;
	}
	int c = ++b->n_kept;    /* the sample is the c-th kept, slot c - 1 */
	/* sum of c samples' dot products / c = dot of the slots each / sqrt(c) */
	float old_scale = (float)sqrt((double)(c - 1) / c), new_scale = (float)(1.0 / sqrt(c));
	fold_side(b, b->uimp.eff, b->user.n, m->user_f, c - 1, old_scale, new_scale);
	fold_side(b, b->iimp.eff, b->item.n, m->item_f, c - 1, old_scale, new_scale);
	fold_bias(m->user_b, b->user.b, b->user.n, c);
	fold_bias(m->item_b, b->item.b, b->item.n, c);
}

/* eff = f + imp for the n rows of a side. */
static void update_eff(struct implicit *im, const struct side_state *own, int k)
{
	size_t n = (size_t)own->n * (size_t)k;
	for (size_t j = 0; j < n; j++)
		im->eff[j] = own->f[j] + im->imp[j];
}

/* Per own row r: gram[r] = sum F[j] F[j]^T and resid[r] = sum F[j] e_rj
 * over r's training ratings, F the other side's effective factors and
 * e_rj the current residual. */
static void own_sums(struct implicit *im, const struct als_side *s, int k,
		     const float *own_b, const float *other_eff, const float *other_b)
{
	for (uint32_t r = 0; r < s->n_rows; r++) {
		float *G = im->gram + (size_t)r * k * k, *q = im->resid + (size_t)r * k;
		memset(G, 0, (size_t)k * k * sizeof *G);
		memset(q, 0, (size_t)k * sizeof *q);
		const float *w = im->eff + (size_t)r * k;
		for (uint32_t j = s->ptr[r]; j < s->ptr[r + 1]; j++) {
			uint32_t o = s->idx[j];
			const float *v = other_eff + (size_t)o * k;
			float e = s->val[j] - own_b[r] - other_b[o];
			for (int d = 0; d < k; d++)
				e -= w[d] * v[d];
			for (int d = 0; d < k; d++) {
				q[d] += e * v[d];
				for (int c = 0; c < k; c++)
					G[d * k + c] += v[d] * v[c];
			}
		}
	}
}

/* Draw every Y[j] in turn from its conditional; own is the CSR whose rows
 * are the own side, other the one whose rows are the other side (Y's
 * index).  Y[j] enters the prediction of every rating of every own row r
 * that met j, through c_r Y[j] . F[o] with c_r = |N(r)|^-1/2, so its
 * precision is alpha sum_r c_r^2 gram[r] + the prior's, and its mean
 * solves with alpha sum_r c_r (resid[r] + c_r gram[r] Y[j]) + the
 * prior's.  After each draw, resid and imp of those rows follow the
 * change, so the next Y row sees current residuals (a sequential Gibbs
 * scan). */
static int draw_implicit(struct bpmf *b, struct implicit *im, const struct als_side *own,
			 const struct als_side *other, uint64_t seed)
{
	int k = b->cfg.k;
	float *A = b->yscratch, *x = A + (size_t)k * k, *z = x + k, *delta = z + k;
	const float *lam = im->y.prec, *mu = im->y.mean;
	for (uint32_t j = 0; j < other->n_rows; j++) {
		float *y = im->y.f + (size_t)j * k;
		memset(A, 0, (size_t)k * k * sizeof *A);
		for (int d = 0; d < k; d++) {
			A[d * k + d] = lam[d];
			x[d] = lam[d] * mu[d];
		}
		for (uint32_t p = other->ptr[j]; p < other->ptr[j + 1]; p++) {
			uint32_t r = other->idx[p];
			float c = 1.0f / sqrtf((float)(own->ptr[r + 1] - own->ptr[r]));
			const float *G = im->gram + (size_t)r * k * k, *q = im->resid + (size_t)r * k;
			for (int d = 0; d < k; d++) {
				float gy = 0.0f;
				for (int e = 0; e < k; e++) {
					A[d * k + e] += b->alpha * c * c * G[d * k + e];
					gy += G[d * k + e] * y[e];
				}
				x[d] += b->alpha * c * (q[d] + c * gy);
			}
		}
		uint64_t s = seed ^ ((uint64_t)j * 0x9e3779b97f4a7c15ULL);
		if (als_gauss_solve(k, A, x, z, &s) != 0)
			return -1;
		for (int d = 0; d < k; d++) {
			delta[d] = x[d] - y[d];
			y[d] = x[d];
		}
		for (uint32_t p = other->ptr[j]; p < other->ptr[j + 1]; p++) {
			uint32_t r = other->idx[p];
			float c = 1.0f / sqrtf((float)(own->ptr[r + 1] - own->ptr[r]));
			const float *G = im->gram + (size_t)r * k * k;
			float *q = im->resid + (size_t)r * k, *ip = im->imp + (size_t)r * k;
			for (int d = 0; d < k; d++) {
				float gd = 0.0f;
				for (int e = 0; e < k; e++)
					gd += G[d * k + e] * delta[e];
				q[d] -= c * gd;
				ip[d] += c * delta[d];
			}
		}
	}
	return 0;
}

double bpmf_sweep(struct bpmf *b)
{
	int k = b->cfg.k;
	const struct als_side *byu = &b->csr.by_user, *byi = &b->csr.by_item;
	struct als_half h = {
		.side = byu, .k = k,
		.other_f = b->iimp.eff, .other_b = b->item.b, .offset = b->uimp.imp,
		.f = b->user.f, .b = b->user.b,
		.noise_prec = b->alpha, .sample = 1, .work = b->work,
	};
	uint64_t base = b->cfg.seed ^ ((uint64_t)b->sweep << 32);
	draw_hyper(b, &b->user);
	h.prior_prec = b->user.prec;
	h.prior_mean = b->user.mean;
	h.seed = rng_splitmix64(&base);
	pool_run(b->pool, als_half_part, &h);
	int bad = h.bad_rows;
	update_eff(&b->uimp, &b->user, k);

	draw_hyper(b, &b->item);
	h.side = byi;
	h.other_f = b->uimp.eff;
	h.other_b = b->user.b;
	h.offset = b->iimp.imp;
	h.f = b->item.f;
	h.b = b->item.b;
	h.prior_prec = b->item.prec;
	h.prior_mean = b->item.mean;
	h.seed = rng_splitmix64(&base);
	h.bad_rows = 0;
	pool_run(b->pool, als_half_part, &h);
	bad |= h.bad_rows;
	update_eff(&b->iimp, &b->item, k);

	/* the users' Y (indexed by item), then the items' Z (indexed by user) */
	draw_hyper(b, &b->uimp.y);
	own_sums(&b->uimp, byu, k, b->user.b, b->iimp.eff, b->item.b);
	bad |= draw_implicit(b, &b->uimp, byu, byi, rng_splitmix64(&base)) != 0;
	update_eff(&b->uimp, &b->user, k);

	draw_hyper(b, &b->iimp.y);
	own_sums(&b->iimp, byi, k, b->item.b, b->uimp.eff, b->user.b);
	bad |= draw_implicit(b, &b->iimp, byi, byu, rng_splitmix64(&base)) != 0;
	update_eff(&b->iimp, &b->item, k);

	double sse = sample_sse(b);
	b->alpha = (float)gamma_draw(&b->g, HYPER_A0 + 0.5 * (double)b->sp->n_train,
				     HYPER_B0 + 0.5 * sse);
	b->sweep++;
	fold_in(b);
	return bad ? -1.0 : sse / (double)b->sp->n_train;
}
