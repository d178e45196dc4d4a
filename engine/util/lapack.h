/* lapack.h -- the LAPACK routines the engine calls, declared by hand.
 *
 * OpenBLAS exports LAPACK's Fortran symbols, but Debian's libopenblas-dev
 * ships no lapacke.h, so the prototypes are written here once.  Fortran
 * passes everything by reference, matrices are column-major, and each
 * CHARACTER argument adds a hidden length argument at the end (size_t
 * with gfortran >= 8).  Callers handing in a row-major symmetric matrix
 * can pass it as is: its upper triangle in row-major order is the lower
 * triangle in column-major order.
 */
#ifndef COLLABTUI_LAPACK_H
#define COLLABTUI_LAPACK_H

#include <stddef.h>

/* Solve A X = B for symmetric positive definite A (n, n) by Cholesky;
 * B (n, nrhs) is overwritten by X and A by its factor.  info > 0: A is not
 * positive definite. */
void sposv_(const char *uplo, const int *n, const int *nrhs, float *a,
	    const int *lda, float *b, const int *ldb, int *info, size_t uplo_len);

/* The Cholesky factor of symmetric positive definite A (n, n), in place
 * (the uplo triangle).  info > 0: A is not positive definite. */
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info,
	     size_t uplo_len);

/* The inverse of A from spotrf's factor, in place (the uplo triangle). */
void spotri_(const char *uplo, const int *n, float *a, const int *lda, int *info,
	     size_t uplo_len);

/* Solve A X = B (n, nrhs) with spotrf's factor of A; B becomes X. */
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a,
	     const int *lda, float *b, const int *ldb, int *info, size_t uplo_len);

/* Eigenvalues (ascending, into w) and, with jobz "V", eigenvectors
 * (overwriting a, one per column) of symmetric A (n, n); divide and
 * conquer.  lwork = liwork = -1 asks for the workspace sizes in work[0]
 * and iwork[0]. */
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a,
	     const int *lda, float *w, float *work, const int *lwork, int *iwork,
	     const int *liwork, int *info, size_t jobz_len, size_t uplo_len);

#endif
