/* sim.c -- cosine similarity over a factor matrix (see sim.h). */
#include "sim.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>

struct sim {
	const float *f;         /* (n, k) row-major, borrowed */
	uint32_t n;
	int k;
	float *inv;             /* (n) 1 / row length, 0 for a zero row; NULL until needed */
	float *scores;          /* (n) scratch for sim_nearest; NULL until needed */
};

struct sim *sim_new(const float *f, uint32_t n, int k)
{
	if (k < 1 || (size_t)n > SIZE_MAX / sizeof(float) / (size_t)k)
		return NULL;
	struct sim *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->f = f;
	s->n = n;
	s->k = k;
	return s;
}

void sim_free(struct sim *s)
{
	if (!s)
		return;
	free(s->inv);
	free(s->scores);
	free(s);
}

uint32_t sim_rows(const struct sim *s)
{
	return s->n;
}

int sim_dim(const struct sim *s)
{
	return s->k;
}

/* a . b over k floats, in double: embeddings are small (~0.1) and k may
 * be large.  Four partial sums, so the additions do not wait on each
 * other (one chain of k dependent adds made the pass over 59,000 rows
 * take 4 ms). */
static double dot(const float *a, const float *b, int k)
{
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	int j = 0;

	for (; j + 4 <= k; j += 4) {
		s0 += (double)a[j] * b[j];
		s1 += (double)a[j + 1] * b[j + 1];
		s2 += (double)a[j + 2] * b[j + 2];
		s3 += (double)a[j + 3] * b[j + 3];
	}
	for (; j < k; j++)
		s0 += (double)a[j] * b[j];
	return (s0 + s1) + (s2 + s3);
}

static const float *row(const struct sim *s, uint32_t i)
{
	return s->f + (size_t)i * (size_t)s->k;
}

float sim_cos(const struct sim *s, uint32_t i, uint32_t j)
{
	const float *a = row(s, i), *b = row(s, j);
	double aa = dot(a, a, s->k), bb = dot(b, b, s->k);

	return aa > 0.0 && bb > 0.0 ? (float)(dot(a, b, s->k) / sqrt(aa * bb)) : 0.0f;
}

/* The inverse row lengths and the scratch row, on first use. */
static int need_lengths(struct sim *s)
{
	if (s->inv)
		return 0;
	float *inv = malloc(((size_t)s->n + 1) * sizeof *inv);
	s->scores = malloc(((size_t)s->n + 1) * sizeof *s->scores);
	if (!inv || !s->scores) {
		free(inv);
		free(s->scores);
		s->scores = NULL;
		return -1;
	}
	for (uint32_t i = 0; i < s->n; i++) {
		double ss = dot(row(s, i), row(s, i), s->k);
		inv[i] = ss > 0.0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
	}
	s->inv = inv;
	return 0;
}

int sim_scores(struct sim *s, uint32_t i, float *out)
{
	if (need_lengths(s) != 0)
		return -1;
	/* out (n) = f (n, k) . f[i] (k), then each row's and the query's
	 * lengths divided out */
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)s->n, s->k, 1.0f, s->f, s->k,
		    row(s, i), 1, 0.0f, out, 1);
	float qi = s->inv[i];
	for (uint32_t j = 0; j < s->n; j++)
		out[j] *= s->inv[j] * qi;
	return 0;
}

size_t sim_nearest(struct sim *s, uint32_t i, size_t k, struct rank_pick *out)
{
	if (need_lengths(s) != 0)
		return (size_t)-1;
	sim_scores(s, i, s->scores);
	struct rank_topk t;
	rank_topk_init(&t, out, k);
	for (uint32_t j = 0; j < s->n; j++)
		if (j != i)
			rank_topk_push(&t, j, s->scores[j]);
	return rank_topk_finish(&t);
}
