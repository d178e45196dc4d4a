/* foldin.c -- ridge fold-in of a new user (see foldin.h). */
#include "foldin.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dot.h"
#include "lapack.h"

int foldin_dim(const struct model *m)
{
	return m->cfg.n_factors + (m->item_b ? 1 : 0);
}

float foldin_target(const struct model *m, uint32_t i, float r)
{
	float z = r;
	if (m->cfg.use_y_range) {
		float p = (r - m->cfg.y_lo) / (m->cfg.y_hi - m->cfg.y_lo);
		p = fminf(fmaxf(p, FOLDIN_P_MIN), 1.0f - FOLDIN_P_MIN);
		z = logf(p / (1.0f - p));
	}
	return m->item_b ? z - m->item_b[i] : z;
}

/* Guard a ratio of variances: a degenerate model (all users equal, or a
 * perfect fit) must still give a positive definite system. */
static float ratio(double s2, double v)
{
	if (!(v > 1e-12))
		return 1e6f;
	double l = s2 / v;
	return (float)(l < 1e-3 ? 1e-3 : l > 1e6 ? 1e6 : l);
}

/* The estimates below read a fixed sample when there is more than
 * `cap`: runs of SAMPLE_RUN consecutive indices spread evenly over
 * 0..n-1, the same ones every time, so they cost the same on 100K and
 * 25M ratings.  Runs rather than single picks, because single picks
 * missed the cache on all three rating arrays each (10 ms on 25M).
 * Index j of the sample, and the sample's size. */
#define SAMPLE_RUN 256
#define PREFETCH_AHEAD 8         /* sampled ratings */

static size_t sample_size(size_t n, size_t cap)
{
	return n <= cap ? n : cap / SAMPLE_RUN * SAMPLE_RUN;
}

static size_t sample_at(size_t j, size_t n, size_t size)
{
	if (size == n)
		return j;
	return j / SAMPLE_RUN * (n / (size / SAMPLE_RUN)) + j % SAMPLE_RUN;
}

int foldin_prior_fit(const struct model *m, const struct rcols *cols,
		     struct foldin_prior *p)
{
	size_t n = cols->n;
	int k = m->cfg.n_factors, d = foldin_dim(m);
	uint32_t nu = m->cfg.n_users;
	size_t su = sample_size(nu, FOLDIN_PRIOR_USERS), sr = sample_size(n, FOLDIN_PRIOR_RATINGS);
	/* mean and variance of the trained users, in double (tens of
	 * thousands of small numbers summed), one sum per weight so the
	 * additions do not wait on each other */
	double *sum = calloc(2 * (size_t)d, sizeof *sum);
	if (!sum)
		return -1;
	double *sq = sum + d;
	for (size_t s = 0; s < su; s++) {
		size_t u = sample_at(s, nu, su);
		for (int j = 0; j < k; j++)
			sum[j] += m->user_f[u * (size_t)k + (size_t)j];
		if (d > k)
			sum[k] += m->user_b[u];
	}
	for (int j = 0; j < d; j++)
		p->mean[j] = su ? (float)(sum[j] / (double)su) : 0.0f;
	for (size_t s = 0; s < su; s++) {
		size_t u = sample_at(s, nu, su);
		for (int j = 0; j < k; j++) {
			double dv = m->user_f[u * (size_t)k + (size_t)j] - p->mean[j];
			sq[j] += dv * dv;
		}
		if (d > k) {
			double dv = m->user_b[u] - p->mean[k];
			sq[k] += dv * dv;
		}
	}
	double sf = 0.0, sb = d > k ? sq[k] : 0.0;
	for (int j = 0; j < k; j++)
		sf += sq[j];
	free(sum);
	double vf = su ? sf / ((double)su * k) : 0.0, vb = su ? sb / (double)su : 0.0;
	double s2 = 0.0;
	for (size_t s = 0; s < sr; s++) {
		size_t r = sample_at(s, n, sr);
		uint32_t u = rc_user(cols, r), i = rc_item(cols, r);
		/* the item rows are random reads: ask for a later one's now,
		 * so several misses are in flight at once */
		if (s + PREFETCH_AHEAD < sr) {
			const float *ahead = m->item_f +
				(size_t)rc_item(cols, sample_at(s + PREFETCH_AHEAD, n, sr)) * k;
			for (int c = 0; c < k; c += 16)
				__builtin_prefetch(ahead + c);
		}
		const float *pu = m->user_f + (size_t)u * k, *qi = m->item_f + (size_t)i * k;
		float x = dot_f32(pu, qi, k);
		if (m->user_b)
			x += m->user_b[u];
		double e = foldin_target(m, i, rc_value(cols, r)) - x;
		s2 += e * e;
	}
	if (sr == 0) {
		p->lambda_f = p->lambda_b = 1.0f;
		return 0;
	}
	s2 /= (double)sr;
	p->lambda_f = ratio(s2, vf);
	p->lambda_b = d > k ? ratio(s2, vb) : 0.0f;
	return 0;
}

int foldin_solve(const struct model *m, const struct foldin_prior *p,
		 const uint32_t *items, const float *ratings, size_t n, float *w)
{
	int k = m->cfg.n_factors, d = foldin_dim(m);
	size_t dd = (size_t)d;
	float *x = malloc((n ? n : 1) * dd * sizeof *x);        /* (n, d) design rows */
	float *z = malloc((n ? n : 1) * sizeof *z);             /* (n) targets */
	float *a = malloc(dd * dd * sizeof *a);                 /* (d, d) normal matrix */
	if (!x || !z || !a) {
		free(x);
		free(z);
		free(a);
		return -1;
	}
	for (size_t j = 0; j < n; j++) {
		memcpy(x + j * dd, m->item_f + (size_t)items[j] * (size_t)k, (size_t)k * sizeof *x);
		if (d > k)
			x[j * dd + (size_t)k] = 1.0f;
		z[j] = foldin_target(m, items[j], ratings[j]);
	}
	/* a = L + X'X (upper triangle), w = L mu + X'z */
	memset(a, 0, dd * dd * sizeof *a);
	for (int j = 0; j < d; j++) {
		float l = j < k ? p->lambda_f : p->lambda_b;
		a[(size_t)j * dd + (size_t)j] = l;
		w[j] = l * p->mean[j];
	}
	if (n) {
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, d, (int)n, 1.0f, x, d,
			    1.0f, a, d);
		cblas_sgemv(CblasRowMajor, CblasTrans, (int)n, d, 1.0f, x, d, z, 1, 1.0f, w, 1);
	}
	int one = 1, info = 0;
	sposv_("L", &d, &one, a, &d, w, &d, &info, 1);
	free(x);
	free(z);
	free(a);
	return info == 0 ? 0 : -2;
}

void foldin_score(const struct model *m, const float *w, float *out)
{
	int k = m->cfg.n_factors;
	uint32_t n = m->cfg.n_items;
	/* out (n_items) = item_f (n_items, k) . u (k) */
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, k, 1.0f, m->item_f, k, w,
		    1, 0.0f, out, 1);
	float c = m->item_b ? w[k] : 0.0f;
	float lo = m->cfg.y_lo, range = m->cfg.y_hi - m->cfg.y_lo;
	for (uint32_t i = 0; i < n; i++) {
		float s = out[i] + c + (m->item_b ? m->item_b[i] : 0.0f);
		out[i] = m->cfg.use_y_range ? lo + range / (1.0f + expf(-s)) : s;
	}
}

static int is_skipped(uint32_t i, const uint32_t *skip, size_t n_skip)
{
	for (size_t j = 0; j < n_skip; j++)
		if (skip[j] == i)
			return 1;
	return 0;
}

size_t foldin_top(const float *scores, uint32_t n_items, const uint32_t *skip,
		  size_t n_skip, const struct sim *item_sim, const uint32_t *liked,
		  size_t n_liked, size_t k, struct rank_pick *out, uint32_t *because)
{
	/* The best k unrated items are among the best k + n_skip of all, so
	 * select those and filter: no per-item lookup in the n_items loop. */
	size_t cap = k + n_skip;
	struct rank_pick *buf = malloc((cap ? cap : 1) * sizeof *buf);
	if (!buf)
		return (size_t)-1;
	struct rank_topk t;
	rank_topk_init(&t, buf, cap);
	for (uint32_t i = 0; i < n_items; i++)
		rank_topk_push(&t, i, scores[i]);
	size_t got = rank_topk_finish(&t), n = 0;
	for (size_t j = 0; j < got && n < k; j++)
		if (!is_skipped(buf[j].idx, skip, n_skip))
			out[n++] = buf[j];
	free(buf);
	if (!item_sim)
		return n;
	/* "because you rated X": the liked item nearest each pick */
	for (size_t j = 0; j < n; j++) {
		float best = -INFINITY;
		because[j] = UINT32_MAX;
		for (size_t r = 0; r < n_liked; r++) {
			float c = sim_cos(item_sim, out[j].idx, liked[r]);
			if (c > best) {
				best = c;
				because[j] = liked[r];
			}
		}
	}
	return n;
}
