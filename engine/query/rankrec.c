/* rankrec.c -- a new user folded into a ranking model (see rankrec.h). */
#include "rankrec.h"

#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "lapack.h"

struct rankrec {
	const struct model *m;
	enum eng_fit algo;
	float alpha;
	int k;
	float *gram;            /* iALS: (k, k) Y^T Y + reg I */
	float *chol;            /* iALS: (k, k) the last user's A, factored */
	float *w, *v;           /* iALS: (k) weights; scratch */
};

int rankrec_liked(float r, float lo, float hi)
{
	return r >= lo + 0.5f * (hi - lo);
}

struct rankrec *rankrec_new(const struct model *m, enum eng_fit algo, double reg,
			    double alpha)
{
	struct rankrec *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->m = m;
	r->algo = algo;
	r->alpha = (float)alpha;
	r->k = m->cfg.n_factors;
	if (algo != ENG_FIT_IALS)
		return r;
	size_t kk = (size_t)r->k * (size_t)r->k;
	r->gram = malloc(kk * sizeof *r->gram);
	r->chol = malloc(kk * sizeof *r->chol);
	r->w = malloc((size_t)r->k * sizeof *r->w);
	r->v = malloc((size_t)r->k * sizeof *r->v);
	if (!r->gram || !r->chol || !r->w || !r->v) {
		rankrec_free(r);
		return NULL;
	}
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, r->k, (int)m->cfg.n_items, 1.0f,
		    m->item_f, r->k, 0.0f, r->gram, r->k);
	for (int i = 0; i < r->k; i++)
		r->gram[(size_t)i * r->k + i] += (float)reg;
	return r;
}

void rankrec_free(struct rankrec *r)
{
	if (!r)
		return;
	free(r->gram);
	free(r->chol);
	free(r->w);
	free(r->v);
	free(r);
}

int rankrec_scores(struct rankrec *r, const uint32_t *liked, size_t n, float *scores)
{
	const struct model *m = r->m;
	uint32_t ni = m->cfg.n_items;
	int k = r->k;
	switch (r->algo) {
	case ENG_FIT_EASE:
		/* x . B: the sum of the liked movies' rows of B, which are
		 * column i of the item factors */
		for (uint32_t j = 0; j < ni; j++) {
			const float *b = m->item_f + (size_t)j * (size_t)k;
			float s = 0.0f;
			for (size_t t = 0; t < n; t++)
				s += b[liked[t]];
			scores[j] = s;
		}
		return 0;
	case ENG_FIT_IALS: {
		memcpy(r->chol, r->gram, (size_t)k * (size_t)k * sizeof *r->chol);
		memset(r->w, 0, (size_t)k * sizeof *r->w);
		for (size_t t = 0; t < n; t++) {
			const float *y = m->item_f + (size_t)liked[t] * (size_t)k;
			cblas_ssyr(CblasRowMajor, CblasUpper, k, r->alpha, y, 1, r->chol, k);
			cblas_saxpy(k, 1.0f + r->alpha, y, 1, r->w, 1);
		}
		int info = 0, one = 1;
		spotrf_("L", &k, r->chol, &k, &info, 1);
		if (info != 0)
			return -1;
		spotrs_("L", &k, &one, r->chol, &k, r->w, &k, &info, 1);
		if (info != 0)
			return -1;
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)ni, k, 1.0f, m->item_f, k, r->w, 1,
			    0.0f, scores, 1);
		return 0;
	}
	default:
		for (uint32_t j = 0; j < ni; j++)
			scores[j] = m->item_b[j];
		return 0;
	}
}

uint32_t rankrec_because(struct rankrec *r, const uint32_t *liked, size_t n, uint32_t j)
{
	const struct model *m = r->m;
	int k = r->k;
	const float *row = m->item_f + (size_t)j * (size_t)k;
	if (r->algo == ENG_FIT_POP || n == 0)
		return UINT32_MAX;
	if (r->algo == ENG_FIT_IALS) {
		/* v = A^-1 y_j; movie i's part is (1 + alpha) v . y_i */
		int info = 0, one = 1;
		memcpy(r->v, row, (size_t)k * sizeof *r->v);
		spotrs_("L", &k, &one, r->chol, &k, r->v, &k, &info, 1);
		if (info != 0)
			return UINT32_MAX;
	}
	uint32_t best = UINT32_MAX;
	float best_part = 0.0f;
	for (size_t t = 0; t < n; t++) {
		float part = r->algo == ENG_FIT_EASE ? row[liked[t]]
			: cblas_sdot(k, r->v, 1, m->item_f + (size_t)liked[t] * (size_t)k, 1);
		if (best == UINT32_MAX || part > best_part) {
			best = liked[t];
			best_part = part;
		}
	}
	return best;
}
