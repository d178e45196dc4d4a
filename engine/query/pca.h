/* pca.h -- principal components of a set of embedding rows.
 *
 * The chapter's map of the movies: centre the chosen rows of an (n, k)
 * factor matrix, form the k x k covariance with BLAS ssyrk, and
 * diagonalise it with LAPACK ssyevd.  Components come out ordered by the
 * variance they explain, largest first.  An eigenvector's sign is
 * arbitrary, so each is flipped to make its largest-magnitude entry
 * positive (the first such entry on a tie): the same model always gives
 * the same picture, not a mirror image of it.
 *
 * struct pca is filled by pca_fit() and released by pca_done(); its fields
 * are read-only for everyone else.
 */
#ifndef COLLABTUI_PCA_H
#define COLLABTUI_PCA_H

#include <stddef.h>
#include <stdint.h>

struct pca {
	int k;                  /* dimension of the rows */
	float *mean;            /* (k) the centre that was subtracted */
	float *comp;            /* (k, k) row-major: row c is component c, unit length */
	float *var;             /* (k) variance along each component, descending */
	float *share;           /* (k) var / total variance (sums to 1; 0s if total is 0) */
};

/* Fit on rows rows[0..n) of x, (n_rows_x, k) row-major; rows NULL means
 * the first n rows.  n >= 2.  Returns 0, -1 when memory runs out, or -2
 * when LAPACK fails (which a symmetric matrix of finite numbers does not
 * do); out is then left empty (safe to pca_done). */
int pca_fit(const float *x, const uint32_t *rows, uint32_t n, int k, struct pca *out);

/* Release what pca_fit allocated; the struct is zeroed.  NULL-safe fields. */
void pca_done(struct pca *p);

/* Coordinates of one row on the first n_comp components: out[c] =
 * (row - mean) . comp[c]. */
void pca_project(const struct pca *p, const float *row, int n_comp, float *out);

#endif
