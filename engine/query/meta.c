/* meta.c -- metadata to embedding regression for new users (see meta.h). */
#include "meta.h"

#include <cblas.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "foldin.h"
#include "lapack.h"

#define AGE_BUCKETS 7
/* ML-100K has 2 genders and 21 occupations; anything beyond these caps
 * (another dataset's free text) is treated as unknown. */
#define VOCAB_MAX 64

struct meta {
	int d;                          /* features */
	int out;                        /* outputs: foldin_dim of the model */
	int n_gender, n_occ;
	const char *gender[VOCAB_MAX];  /* borrowed from the dataset */
	const char *occ[VOCAB_MAX];
	float *wt;                      /* (out, d) row-major: W transposed */
};

static int age_bucket(int age)
{
	static const int upper[AGE_BUCKETS - 1] = { 18, 25, 35, 45, 50, 56 };
	int b = 0;
	while (b < AGE_BUCKETS - 1 && age >= upper[b])
		b++;
	return b;
}

/* Index of s in v[0..n) (case-insensitive), -1 if absent. */
static int find(const char *const *v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return i;
	return -1;
}

static void add_word(const char **v, int *n, const char *s)
{
	if (*s && *n < VOCAB_MAX && find(v, *n, s) < 0)
		v[(*n)++] = s;
}

/* The feature row of one user into f (d floats); returns the unknown bits. */
static int features(const struct meta *mt, int age, const char *gender,
		    const char *occ, float *f)
{
	memset(f, 0, (size_t)mt->d * sizeof *f);
	f[0] = 1.0f;
	int unknown = 0, g = find(mt->gender, mt->n_gender, gender);
	int o = find(mt->occ, mt->n_occ, occ);
	if (g >= 0)
		f[1 + g] = 1.0f;
	else
		unknown |= META_UNKNOWN_GENDER;
	if (o >= 0)
		f[1 + mt->n_gender + o] = 1.0f;
	else
		unknown |= META_UNKNOWN_OCCUPATION;
	f[1 + mt->n_gender + mt->n_occ + age_bucket(age)] = 1.0f;
	return unknown;
}

struct meta *meta_fit(const struct ds *ds, const struct model *m, const char **why)
{
	if (!ds_has_user_meta(ds)) {
		*why = "the dataset has no user metadata (age, gender, occupation)";
		return NULL;
	}
	*why = "out of memory fitting the metadata model";
	struct meta *mt = calloc(1, sizeof *mt);
	if (!mt)
		return NULL;
	uint32_t nu = ds_n_users(ds);
	for (uint32_t u = 0; u < nu; u++) {
		add_word(mt->gender, &mt->n_gender, ds_user_gender(ds, u));
		add_word(mt->occ, &mt->n_occ, ds_user_occupation(ds, u));
	}
	int d = mt->d = 1 + mt->n_gender + mt->n_occ + AGE_BUCKETS;
	int o = mt->out = foldin_dim(m), k = m->cfg.n_factors;
	size_t dd = (size_t)d;
	float *f = malloc((size_t)nu * dd * sizeof *f);         /* (n_users, d) features */
	float *y = malloc((size_t)nu * (size_t)o * sizeof *y);  /* (n_users, out) targets */
	float *a = calloc(dd * dd, sizeof *a);                  /* (d, d) */
	mt->wt = malloc((size_t)o * dd * sizeof *mt->wt);
	int info = -1;
	if (f && y && a && mt->wt) {
		for (uint32_t u = 0; u < nu; u++) {
			features(mt, ds_user_age(ds, u), ds_user_gender(ds, u),
				 ds_user_occupation(ds, u), f + u * dd);
			memcpy(y + (size_t)u * o, m->user_f + (size_t)u * k, (size_t)k * sizeof *y);
			if (o > k)
				y[(size_t)u * o + k] = m->user_b[u];
		}
		for (int j = 1; j < d; j++)     /* the intercept (j = 0) is free */
			a[(size_t)j * dd + j] = META_LAMBDA;
		/* a += F'F (upper);  wt (out, d) = Y' F, i.e. F'Y column-major */
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, d, (int)nu, 1.0f, f, d,
			    1.0f, a, d);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, o, d, (int)nu, 1.0f,
			    y, o, f, d, 0.0f, mt->wt, d);
		sposv_("L", &d, &o, a, &d, mt->wt, &d, &info, 1);
		if (info != 0)
			*why = "the metadata model's equations are singular";
	}
	free(f);
	free(y);
	free(a);
	if (info != 0) {
		meta_free(mt);
		return NULL;
	}
	return mt;
}

void meta_free(struct meta *mt)
{
	if (!mt)
		return;
	free(mt->wt);
	free(mt);
}

int meta_predict(const struct meta *mt, int age, const char *gender,
		 const char *occupation, float *w)
{
	float f[1 + 2 * VOCAB_MAX + AGE_BUCKETS];
	int unknown = features(mt, age, gender, occupation, f);
	/* w (out) = wt (out, d) . f (d) */
	cblas_sgemv(CblasRowMajor, CblasNoTrans, mt->out, mt->d, 1.0f, mt->wt, mt->d,
		    f, 1, 0.0f, w, 1);
	return unknown;
}
