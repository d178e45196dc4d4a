/* fastkern.h -- the fast trainer's kernels: one update per rating of one
 * block of the grid (blocks.h), for each optimiser, portable and
 * AVX2+FMA.  fasttrain.h gives the formulas; the trainer (fasttrain.c)
 * schedules the blocks and hands each kernel the rows of its stripes.
 */
#ifndef COLLABTUI_FASTKERN_H
#define COLLABTUI_FASTKERN_H

#include <stddef.h>

#include "blocks.h"

/* The update a kernel makes; see fasttrain.h for the formulas. */
enum kopt {
	KOPT_SGD,               /* plain: no state */
	KOPT_MOM,               /* state row: velocity (k), bias velocity */
	KOPT_ADAM,              /* state row: m (k), v (k), bias m, bias v,
				 * then the products of beta1 and beta2 so far */
	KOPT_ADAROW,            /* state row: G, the row's summed mean squared
				 * gradient (LIBMF's per-row adaptive rate) */
};

/* What the kernel needs for one block. */
struct kargs {
	float *pf, *qf;         /* first row of the user / item stripe, (rows, k) */
	float *pb, *qb;         /* biases of those rows, NULL for ENG_MODEL_DOT */
	float *ps, *qs;         /* optimiser state of those rows, (rows, sw) */
	const float *value;     /* rating of each code */
	int k, sw;              /* factors, state floats per row */
	float lr, wd, mom;      /* mom: SGD's momentum, Adam's beta1 */
	int squash;             /* sigmoid_range(lo, hi) */
	float lo, span;         /* lo, hi - lo */
};

typedef double (*kernel_fn)(const struct kargs *a, const struct rec *rec, size_t n);

/* The kernel for opt: the AVX2 one when simd is set and k allows it
 * (k >= 8), else the portable one; they agree to float rounding. */
kernel_fn fastkern_pick(enum kopt opt, int simd, int k);

/* Floats of optimiser state a row takes under opt with k factors (0 for
 * plain SGD, which keeps none). */
int fastkern_state_width(enum kopt opt, int k);

/* Start rows of state, sw floats each (fastkern_state_width), from
 * zeros: Adam's products of betas at 1, adarow's G at 1 (LIBMF's: the
 * first steps are lr's); the averages stay 0. */
void fastkern_state_start(enum kopt opt, float *state, size_t rows, int sw);

#endif
