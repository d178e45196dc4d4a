/* sim.c -- cosine similarity over a factor matrix (see sim.h). */
#include "sim.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>

#include "dot.h"

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

static const float *row(const struct sim *s, uint32_t i)
{
	return s->f + (size_t)i * (size_t)s->k;
}

float sim_cos(const struct sim *s, uint32_t i, uint32_t j)
{
	const float *a = row(s, i), *b = row(s, j);
	double aa = dot_f64(a, a, s->k), bb = dot_f64(b, b, s->k);

	return aa > 0.0 && bb > 0.0 ? (float)(dot_f64(a, b, s->k) / sqrt(aa * bb)) : 0.0f;
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
		double ss = dot_f64(row(s, i), row(s, i), s->k);
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
