/* als.h -- alternating least squares for the biased dot-product model.
 *
 * The model is fastai's EmbeddingDotBias without y_range:
 *     pred(u, i) = W[u] . V[i] + bu[u] + bi[i]
 * where bi also carries the global mean (the model has no separate global
 * bias), so the result is an ordinary ENG_MODEL_DOTBIAS model and every query
 * that works on the SGD-trained one works on it.
 *
 * A sweep is two half-steps.  With the item side fixed, each user's
 * (k + 1)-vector x = [W[u], bu[u]] minimises the ridge problem
 *     sum_{i rated by u} (r_ui - bi[i] - [V[i], 1] . x)^2 + |P (x - m)|^2
 * whose normal equations (X^T X + P) x = X^T y + P m are formed with one
 * ssyrk and one sgemv over the gathered rows X = [V[i], 1] and solved with
 * LAPACK's Cholesky (sposv).  Then the roles swap.  P is diag(reg, ...,
 * reg, reg_bias); the prior mean m is 0 except that item biases shrink
 * towards the training mean rather than towards 0.  Rows are independent,
 * so each half-step runs in parallel over the engine's pool, and its
 * result does not depend on the number of threads.
 *
 * The half-step kernel (als_half) is shared with the Gibbs sampler
 * (bpmf.c), which draws x from the same Gaussian instead of taking its mean.
 */
#ifndef COLLABTUI_ALS_H
#define COLLABTUI_ALS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "pool.h"
#include "rng.h"
#include "split.h"

/* The training ratings grouped by user and by item (compressed rows).
 * Row r of a side has neighbours idx[ptr[r] .. ptr[r+1]) rated val[...]. */
struct als_side {
	uint32_t n_rows;
	uint32_t *ptr;          /* (n_rows + 1) */
	uint32_t *idx;          /* (n_train) the other side's indices */
	float *val;             /* (n_train) ratings */
	uint32_t max_deg;       /* the longest row */
};

struct als_csr {
	struct als_side by_user;        /* neighbours are items */
	struct als_side by_item;        /* neighbours are users */
};

/* Group the training ratings sp->train of c.
 * 0, or -1 when memory runs out (out is then empty). */
int als_csr_build(struct als_csr *out, uint32_t n_users, uint32_t n_items,
		  const struct rcols *c, const struct split *sp);

/* Release the arrays; an empty csr is fine. */
void als_csr_free(struct als_csr *c);

/* One half-step over a side, for the pool.  The solved row vector is
 * [f[r], b[r]] (k + 1 values); the fixed side contributes rows
 * [other_f[j], 1] and subtracts other_b[j] from each rating. */
struct als_half {
	const struct als_side *side;
	int k;
	const float *other_f;   /* (n_other, k) fixed factors */
	const float *other_b;   /* (n_other) fixed biases */
	/* NULL, or (side->n_rows, k): a fixed part of each solved row's
	 * factors (SVD++'s implicit term), subtracted from its ratings as
	 * offset[r] . other_f[j]. */
	const float *offset;
	float *f;               /* (side->n_rows, k) solved factors */
	float *b;               /* (side->n_rows) solved biases */
	float noise_prec;       /* alpha: weight of the data term (1 for ALS) */
	const float *prior_prec;/* (k + 1) diagonal of P */
	const float *prior_mean;/* (k + 1) m */
	int sample;             /* 0: the mean (ALS); 1: a draw from the posterior */
	uint64_t seed;          /* sample: row r draws from a stream of (seed, r) */
	float *work;            /* per part: als_half_work_floats() floats */
	int bad_rows;           /* set when some system was not positive definite */
};

/* Solve A x = rhs for symmetric positive definite A (n, n), whose upper
 * triangle is read in row-major order; x holds rhs on entry and the
 * solution on exit, and A is overwritten by its Cholesky factor.  With a
 * seed, x then becomes a draw from N(solution, A^-1) instead, using z (n)
 * as scratch.  Returns 0, or LAPACK's info > 0 when A is not positive
 * definite. */
int als_gauss_solve(int n, float *A, float *x, float *z, const uint64_t *seed);

/* Floats of scratch space one pool part needs for a side. */
size_t als_half_work_floats(const struct als_side *side, int k);

/* pool_fn: solve rows part, part + n_parts, ... of h (a struct als_half *
 * whose work points to n_parts consecutive scratch blocks). */
void als_half_part(void *h, int part, int n_parts);

struct als_cfg {
	int k;                  /* factors */
	float reg;              /* ridge weight on the factors */
	float reg_bias;         /* ridge weight on the biases */
	int threads;
	uint64_t seed;          /* initial factors */
};

struct als;

/* Prepare to fit m (a ENG_MODEL_DOTBIAS model without y_range, which the
 * solver borrows, as it does the ratings c and the split).  The
 * factors start as small Gaussians from cfg->seed, the user biases at 0
 * and the item biases at the training mean.  Returns NULL with a message
 * in err for an unsuitable model, a bad setting or no memory. */
struct als *als_new(struct model *m, const struct rcols *c, const struct split *sp,
		    const struct als_cfg *cfg, char *err, size_t errlen);

/* Release the solver (not the model); NULL is accepted. */
void als_free(struct als *a);

/* One sweep: users, then items.  Returns the training MSE after it;
 * -1 if some normal equations could not be solved (they always can with
 * reg > 0). */
double als_sweep(struct als *a);

#endif
