/* sim.c -- cosine similarity over a normalised factor matrix (see sim.h). */
#include "sim.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>

struct sim {
	uint32_t n;
	int k;
	float *unit;            /* (n, k) row-major, rows of length 1 or 0 */
	float *scores;          /* (n) scratch for sim_nearest */
};

struct sim *sim_new(const float *f, uint32_t n, int k)
{
	if (k < 1 || (size_t)n > SIZE_MAX / sizeof(float) / (size_t)k)
		return NULL;
	struct sim *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->n = n;
	s->k = k;
	s->unit = malloc(((size_t)n * (size_t)k + 1) * sizeof *s->unit);
	s->scores = malloc(((size_t)n + 1) * sizeof *s->scores);
	if (!s->unit || !s->scores) {
		sim_free(s);
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		const float *x = f + (size_t)i * (size_t)k;
		float *y = s->unit + (size_t)i * (size_t)k;
		/* the norm in double: embeddings are small (~0.1) and k may be
		 * large, and this runs once per model */
		double ss = 0.0;
		for (int j = 0; j < k; j++)
			ss += (double)x[j] * x[j];
		float inv = ss > 0.0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
		for (int j = 0; j < k; j++)
			y[j] = x[j] * inv;
	}
	return s;
}

void sim_free(struct sim *s)
{
	if (!s)
		return;
	free(s->unit);
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

const float *sim_row(const struct sim *s, uint32_t i)
{
	return s->unit + (size_t)i * (size_t)s->k;
}

void sim_scores(const struct sim *s, uint32_t i, float *out)
{
	/* out (n) = unit (n, k) . unit[i] (k) */
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)s->n, s->k, 1.0f, s->unit,
		    s->k, sim_row(s, i), 1, 0.0f, out, 1);
}

size_t sim_nearest(struct sim *s, uint32_t i, size_t k, struct rank_pick *out)
{
	sim_scores(s, i, s->scores);
	struct rank_topk t;
	rank_topk_init(&t, out, k);
	for (uint32_t j = 0; j < s->n; j++)
		if (j != i)
			rank_topk_push(&t, j, s->scores[j]);
	return rank_topk_finish(&t);
}
