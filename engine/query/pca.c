/* pca.c -- PCA by covariance eigen-decomposition (see pca.h). */
#include "pca.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lapack.h"

void pca_done(struct pca *p)
{
	free(p->mean);
	free(p->comp);
	free(p->var);
	free(p->share);
	memset(p, 0, sizeof *p);
}

/* Eigen-decompose the symmetric c (k, k) in place: eigenvalues ascending
 * into w, eigenvector j into row j of c.  0, -1 (memory) or -2 (LAPACK). */
static int eigen(float *c, int k, float *w)
{
	int lwork = -1, liwork = -1, info = 0, iw;
	float wq;
	/* row-major upper = column-major lower; the output's column-major
	 * columns are our rows */
	ssyevd_("V", "L", &k, c, &k, w, &wq, &lwork, &iw, &liwork, &info, 1, 1);
	if (info != 0)
		return -2;
	lwork = (int)wq + 1;
	liwork = iw;
	float *work = malloc((size_t)lwork * sizeof *work);
	int *iwork = malloc((size_t)liwork * sizeof *iwork);
	int rc = -1;
	if (work && iwork) {
		ssyevd_("V", "L", &k, c, &k, w, work, &lwork, iwork, &liwork, &info, 1, 1);
		rc = info == 0 ? 0 : -2;
	}
	free(work);
	free(iwork);
	return rc;
}

int pca_fit(const float *x, const uint32_t *rows, uint32_t n, int k, struct pca *out)
{
	memset(out, 0, sizeof *out);
	size_t kk = (size_t)k;
	float *xc = malloc((size_t)n * kk * sizeof *xc);       /* (n, k) centred rows */
	float *cov = malloc(kk * kk * sizeof *cov);             /* (k, k) */
	float *w = malloc(kk * sizeof *w);
	double *mean = calloc(kk, sizeof *mean);
	out->k = k;
	out->mean = malloc(kk * sizeof *out->mean);
	out->comp = malloc(kk * kk * sizeof *out->comp);
	out->var = malloc(kk * sizeof *out->var);
	out->share = malloc(kk * sizeof *out->share);
	int rc = -1;
	if (!xc || !cov || !w || !mean || !out->mean || !out->comp || !out->var || !out->share)
		goto done;

	for (uint32_t i = 0; i < n; i++) {
		const float *r = x + (size_t)(rows ? rows[i] : i) * kk;
		for (int j = 0; j < k; j++)
			mean[j] += r[j];
	}
	for (int j = 0; j < k; j++)
		out->mean[j] = (float)(mean[j] / n);
	for (uint32_t i = 0; i < n; i++) {
		const float *r = x + (size_t)(rows ? rows[i] : i) * kk;
		for (int j = 0; j < k; j++)
			xc[i * kk + j] = r[j] - out->mean[j];
	}
	/* cov (k, k) = xc^T xc / (n - 1); ssyrk fills the upper triangle */
	cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, (int)n,
		    1.0f / (float)(n - 1), xc, k, 0.0f, cov, k);
	if ((rc = eigen(cov, k, w)) != 0)
		goto done;

	double total = 0.0;
	for (int j = 0; j < k; j++)
		total += w[j] > 0.0f ? w[j] : 0.0f;
	for (int c = 0; c < k; c++) {
		int src = k - 1 - c;    /* ssyevd's order is ascending */
		const float *v = cov + (size_t)src * kk;
		int big = 0;
		for (int j = 1; j < k; j++)
			if (fabsf(v[j]) > fabsf(v[big]))
				big = j;
		float sign = v[big] < 0.0f ? -1.0f : 1.0f;
		for (int j = 0; j < k; j++)
			out->comp[(size_t)c * kk + j] = sign * v[j];
		/* rounding can leave the smallest eigenvalues slightly negative */
		out->var[c] = w[src] > 0.0f ? w[src] : 0.0f;
		out->share[c] = total > 0.0 ? (float)(out->var[c] / total) : 0.0f;
	}
	rc = 0;
done:
	free(xc);
	free(cov);
	free(w);
	free(mean);
	if (rc != 0)
		pca_done(out);
	return rc;
}

void pca_project(const struct pca *p, const float *row, int n_comp, float *out)
{
	for (int c = 0; c < n_comp; c++) {
		const float *v = p->comp + (size_t)c * (size_t)p->k;
		float s = 0.0f;
		for (int j = 0; j < p->k; j++)
			s += (row[j] - p->mean[j]) * v[j];
		out[c] = s;
	}
}
