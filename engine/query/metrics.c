/* metrics.c -- error and ranking metrics (see metrics.h). */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "als.h"
#include "embnn.h"
#include "rank.h"


void metrics_error(const float *pred, const float *truth, size_t n, float lo,
		   float hi, struct eng_metrics_err *out)
{
	double se = 0.0, ae = 0.0;
	for (size_t j = 0; j < n; j++) {
		float p = pred[j];
		if (lo < hi)
			p = p < lo ? lo : p > hi ? hi : p;
		double d = (double)p - truth[j];
		se += d * d;
		ae += fabs(d);
	}
	out->n = n;
	out->mse = n ? se / (double)n : 0.0;
	out->rmse = sqrt(out->mse);
	out->mae = n ? ae / (double)n : 0.0;
}

void metrics_model_error(const struct model *m, const struct rcols *c,
			 const uint32_t *idx, size_t n, float lo, float hi,
			 struct eng_metrics_err *out)
{
	/* one rating at a time, so no buffer: the sums are metrics_error's */
	double se = 0.0, ae = 0.0;
	for (size_t j = 0; j < n; j++) {
		uint32_t t = idx[j];
		float p = model_predict(m, rc_user(c, t), rc_item(c, t)), r = rc_value(c, t);
		struct eng_metrics_err one;
		metrics_error(&p, &r, 1, lo, hi, &one);
		se += one.mse;
		ae += one.mae;
	}
	out->n = n;
	out->mse = n ? se / (double)n : 0.0;
	out->rmse = sqrt(out->mse);
	out->mae = n ? ae / (double)n : 0.0;
}

void metrics_model_scores(void *model, uint32_t u0, uint32_t nb, float *out)
{
	const struct model *m = model;
	if (m->nn) {
		embnn_scores(m->nn, u0, nb, out);
		return;
	}
	int k = m->cfg.n_factors;
	int ni = (int)m->cfg.n_items;
	/* out (nb, n_items) = user_f[u0 ..] (nb, k) . item_f^T (k, n_items) */
	for (uint32_t r = 0; r < nb; r++)
		for (int i = 0; i < ni; i++)
			out[(size_t)r * ni + i] = m->item_b ? m->item_b[i] : 0.0f;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nb, ni, k, 1.0f,
		    m->user_f + (size_t)u0 * k, k, m->item_f, k, 1.0f, out, ni);
}

/* Scores are compared within a user only, so a per-user term (the user
 * bias, y_range's monotone sigmoid) never changes a ranking. */
static double dcg_at(int pos)
{
	return 1.0 / log2((double)pos + 2.0);      /* pos is 0-based */
}

struct by_count { uint32_t n, idx; };

/* Most ratings first, then the lower index. */
static int cmp_by_count(const void *a, const void *b)
{
	const struct by_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* popular[i] = 1 for the ceil(10%) items with the most training ratings
 * pop[] (ties by index), as the recommendations' pop_share counts them. */
static int mark_popular(const uint32_t *pop, size_t ni, unsigned char *popular)
{
	struct by_count *order = malloc((ni ? ni : 1) * sizeof *order);
	if (!order)
		return -1;
	for (size_t i = 0; i < ni; i++)
		order[i] = (struct by_count){ pop[i], (uint32_t)i };
	qsort(order, ni, sizeof *order, cmp_by_count);
	size_t n_pop = (size_t)ceil(0.1 * (double)ni);
	for (size_t j = 0; j < n_pop && j < ni; j++)
		popular[order[j].idx] = 1;
	free(order);
	return 0;
}

/* The k best of one user's scores s (n_items) among the items whose
 * mark is not 1 (rated in training), best first into top; returns how
 * many. */
static size_t top_unmarked(const float *s, uint32_t n_items, const unsigned char *mark,
			   struct rank_pick *top, size_t k)
{
	struct rank_topk sel;
	rank_topk_init(&sel, top, k);
	for (uint32_t i = 0; i < n_items; i++)
		if (mark[i] != 1)
			rank_topk_push(&sel, i, s[i]);
	return rank_topk_finish(&sel);
}

int metrics_ranking(const struct metrics_rank_in *in, struct eng_metrics_rank *out)
{
	memset(out, 0, sizeof *out);
	if (in->k < 1)
		return -1;
	struct split held = { .train = in->sp->valid, .n_train = in->sp->n_valid };
	struct als_csr train, valid;
	size_t k = (size_t)in->k, ni = in->n_items;
	float *scores = malloc((size_t)METRICS_SCORE_BLOCK * ni * sizeof *scores);
	unsigned char *mark = calloc(ni ? ni : 1, 1);   /* 1 train, 2 relevant */
	unsigned char *shown = calloc(ni ? ni : 1, 1);  /* ever recommended */
	unsigned char *popular = calloc(ni ? ni : 1, 1);
	uint32_t *pop = calloc(ni ? ni : 1, sizeof *pop);
	struct rank_pick *top = malloc(k * sizeof *top);
	int rc_t = als_csr_build(&train, in->n_users, in->n_items, &in->c, in->sp);
	int rc_v = als_csr_build(&valid, in->n_users, in->n_items, &in->c, &held);
	int rc = -1;
	if (!scores || !mark || !shown || !popular || !pop || !top || rc_t || rc_v)
		goto done;
	for (size_t j = 0; j < in->sp->n_train; j++)
		pop[rc_item(&in->c, in->sp->train[j])]++;
	if (mark_popular(pop, ni, popular) != 0)
		goto done;

	double sum_p = 0.0, sum_r = 0.0, sum_n = 0.0, sum_ap = 0.0, sum_pop = 0.0;
	size_t n_recs = 0, n_popular = 0;
	for (uint32_t u0 = 0; u0 < in->n_users; u0 += METRICS_SCORE_BLOCK) {
		uint32_t nb = in->n_users - u0 < METRICS_SCORE_BLOCK ? in->n_users - u0
								     : METRICS_SCORE_BLOCK;
		in->score(in->score_ctx, u0, nb, scores);
		for (uint32_t b = 0; b < nb; b++) {
			uint32_t u = u0 + b;
			const struct als_side *v = &valid.by_user, *t = &train.by_user;
			size_t n_rel = 0;
			for (uint32_t j = v->ptr[u]; j < v->ptr[u + 1]; j++)
				if (v->val[j] >= in->relevant && mark[v->idx[j]] != 2) {
					mark[v->idx[j]] = 2;
					n_rel++;
				}
			for (uint32_t j = t->ptr[u]; j < t->ptr[u + 1]; j++)
				mark[t->idx[j]] = 1;
			if (n_rel > 0) {
				size_t got = top_unmarked(scores + (size_t)b * ni, in->n_items,
							  mark, top, k);
				double hits = 0.0, dcg = 0.0, idcg = 0.0, ap = 0.0;
				for (size_t p = 0; p < got; p++) {
					shown[top[p].idx] = 1;
					sum_pop += pop[top[p].idx];
					n_popular += popular[top[p].idx];
					if (mark[top[p].idx] == 2) {
						hits += 1.0;
						dcg += dcg_at((int)p);
						ap += hits / (double)(p + 1);
					}
				}
				for (size_t p = 0; p < n_rel && p < k; p++)
					idcg += dcg_at((int)p);
				n_recs += got;
				sum_p += hits / (double)k;
				sum_r += hits / (double)n_rel;
				sum_n += dcg / idcg;
				sum_ap += ap / (double)n_rel;
				out->n_users++;
			}
			for (uint32_t j = v->ptr[u]; j < v->ptr[u + 1]; j++)
				mark[v->idx[j]] = 0;
			for (uint32_t j = t->ptr[u]; j < t->ptr[u + 1]; j++)
				mark[t->idx[j]] = 0;
		}
	}
	if (out->n_users) {
		out->precision = sum_p / out->n_users;
		out->recall = sum_r / out->n_users;
		out->ndcg = sum_n / out->n_users;
		out->map = sum_ap / out->n_users;
	}
	size_t n_shown = 0;
	for (size_t i = 0; i < ni; i++)
		n_shown += shown[i];
	out->coverage = ni ? (double)n_shown / (double)ni : 0.0;
	out->popularity = n_recs ? sum_pop / (double)n_recs : 0.0;
	out->pop_share = n_recs ? (double)n_popular / (double)n_recs : 0.0;
	rc = 0;
done:
	if (!rc_t)
		als_csr_free(&train);
	if (!rc_v)
		als_csr_free(&valid);
	free(scores);
	free(mark);
	free(shown);
	free(popular);
	free(pop);
	free(top);
	return rc;
}

/* The users and items of ratings [lo, lo + RC_CHUNK) of c, fewer at its
 * end, into b (the values are not read); how many. */
static size_t ids_chunk(const struct rcols *c, size_t lo, struct rc_chunk *b)
{
	size_t m = c->n - lo < RC_CHUNK ? c->n - lo : RC_CHUNK;

	rc_users(c, lo, m, b->user);
	rc_items(c, lo, m, b->item);
	return m;
}

int metrics_coverage(const struct metrics_cover_in *in, double *coverage,
		     uint32_t *n_lists)
{
	*coverage = 0.0;
	*n_lists = 0;
	if (in->k < 1 || in->step < 1)
		return -1;
	/* the sample: blocks of consecutive users, one block in every step,
	 * so each block is one sgemm (one user at a time took 3 s at 59,000
	 * items) */
	uint64_t span = (uint64_t)in->step * METRICS_SCORE_BLOCK;
	size_t ni = in->n_items, k = (size_t)in->k;
	uint32_t *ptr = calloc((size_t)in->n_users + 1, sizeof *ptr);
	uint32_t *rated = NULL;
	float *scores = malloc((size_t)METRICS_SCORE_BLOCK * (ni ? ni : 1) * sizeof *scores);
	unsigned char *mark = calloc(ni ? ni : 1, 1);
	unsigned char *shown = calloc(ni ? ni : 1, 1);
	struct rank_pick *top = malloc(k * sizeof *top);
	struct rc_chunk *ch = malloc(sizeof *ch);
	int rc = -1;
	if (!ptr || !scores || !mark || !shown || !top || !ch)
		goto done;
	/* the sampled users' rated items, grouped by user (a counting sort;
	 * ptr is indexed by user, empty for the users left out) */
#define SAMPLED(u) ((u) < in->n_users && (uint64_t)(u) % span < METRICS_SCORE_BLOCK)
	for (size_t lo = 0; lo < in->c.n; lo += RC_CHUNK)
		for (size_t j = 0, m = ids_chunk(&in->c, lo, ch); j < m; j++)
			if (SAMPLED(ch->user[j]))
				ptr[ch->user[j] + 1]++;
	for (uint32_t u = 0; u < in->n_users; u++)
		ptr[u + 1] += ptr[u];
	rated = malloc(((size_t)ptr[in->n_users] ? ptr[in->n_users] : 1) * sizeof *rated);
	if (!rated)
		goto done;
	for (size_t lo = 0; lo < in->c.n; lo += RC_CHUNK)
		for (size_t j = 0, m = ids_chunk(&in->c, lo, ch); j < m; j++)
			if (SAMPLED(ch->user[j]))
				rated[ptr[ch->user[j]]++] = ch->item[j];
	/* the fill moved each start to the next user's: shift back */
	for (uint32_t u = in->n_users; u > 0; u--)
		ptr[u] = ptr[u - 1];
	ptr[0] = 0;
#undef SAMPLED

	for (uint64_t u0 = 0; u0 < in->n_users; u0 += span) {
		uint32_t nb = in->n_users - u0 < METRICS_SCORE_BLOCK ? (uint32_t)(in->n_users - u0)
							     : METRICS_SCORE_BLOCK;
		in->score(in->score_ctx, (uint32_t)u0, nb, scores);
		for (uint32_t b = 0; b < nb; b++) {
			uint32_t u = (uint32_t)u0 + b;
			for (uint32_t j = ptr[u]; j < ptr[u + 1]; j++)
				mark[rated[j]] = 1;
			size_t got = top_unmarked(scores + (size_t)b * ni, in->n_items, mark,
						  top, k);
			for (size_t p = 0; p < got; p++)
				shown[top[p].idx] = 1;
			for (uint32_t j = ptr[u]; j < ptr[u + 1]; j++)
				mark[rated[j]] = 0;
		}
		*n_lists += nb;
	}
	size_t n_shown = 0;
	for (size_t i = 0; i < ni; i++)
		n_shown += shown[i];
	*coverage = ni ? (double)n_shown / (double)ni : 0.0;
	rc = 0;
done:
	free(ptr);
	free(rated);
	free(scores);
	free(mark);
	free(shown);
	free(top);
	free(ch);
	if (rc)
		*n_lists = 0;
	return rc;
}
