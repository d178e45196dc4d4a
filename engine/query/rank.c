/* rank.c -- bounded-heap top-K selection and bias rankings (see rank.h). */
#include "rank.h"

#include <math.h>

/* a ranks below b: lower score, or equal score and higher index */
static int worse(struct rank_pick a, struct rank_pick b)
{
	return a.score < b.score || (a.score == b.score && a.idx > b.idx);
}

static void swap(struct rank_pick *a, struct rank_pick *b)
{
	struct rank_pick t = *a;
	*a = *b;
	*b = t;
}

/* Restore the min-heap (worst at the root) below position i of v[0..n). */
static void sift_down(struct rank_pick *v, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && worse(v[l], v[m]))
			m = l;
		if (r < n && worse(v[r], v[m]))
			m = r;
		if (m == i)
			return;
		swap(&v[i], &v[m]);
		i = m;
	}
}

void rank_topk_init(struct rank_topk *t, struct rank_pick *buf, size_t cap)
{
	t->v = buf;
	t->n = 0;
	t->cap = cap;
}

void rank_topk_push(struct rank_topk *t, uint32_t idx, float score)
{
	struct rank_pick p = { idx, score };
	if (isnan(score) || t->cap == 0)
		return;
	if (t->n < t->cap) {
		size_t i = t->n++;
		t->v[i] = p;
		while (i > 0 && worse(t->v[i], t->v[(i - 1) / 2])) {
			swap(&t->v[i], &t->v[(i - 1) / 2]);
			i = (i - 1) / 2;
		}
	} else if (worse(t->v[0], p)) {
		t->v[0] = p;
		sift_down(t->v, t->n, 0);
	}
}

size_t rank_topk_finish(struct rank_topk *t)
{
	/* Heap sort in place: moving the worst to the end each time leaves
	 * the array best first. */
	for (size_t n = t->n; n > 1; n--) {
		swap(&t->v[0], &t->v[n - 1]);
		sift_down(t->v, n - 1, 0);
	}
	return t->n;
}

size_t rank_bias(const float *bias, const uint32_t *n_ratings, uint32_t n_items,
		 uint32_t min_ratings, int dir, size_t k, struct rank_pick *out)
{
	struct rank_topk t;
	rank_topk_init(&t, out, k);
	/* the lowest biases are the highest negated ones */
	float sign = dir < 0 ? -1.0f : 1.0f;
	for (uint32_t i = 0; i < n_items; i++)
		if (n_ratings[i] >= min_ratings)
			rank_topk_push(&t, i, sign * bias[i]);
	size_t n = rank_topk_finish(&t);
	for (size_t j = 0; j < n; j++)
		out[j].score *= sign;
	return n;
}
