/* foldin.h -- fold a new user into a trained model from a few ratings.
 *
 * The item factors Q (n_items, k) and item biases b are frozen; the new
 * user's weights w = (u (k), c) -- embedding, then bias for ENG_MODEL_DOTBIAS --
 * are the ridge regression
 *
 *     minimise  sum_j (x_j . w - z_j)^2 + (w - mu)' L (w - mu)
 *     x_j = (Q[i_j], 1),   L = diag(lambda_f .. lambda_f, lambda_b)
 *
 * solved in closed form, (X'X + L) w = X'z + L mu, by Cholesky (LAPACK
 * sposv) on the (k+1, k+1) normal equations.  The targets follow the
 * model's output: with sigmoid_range(lo, hi) the model is linear before
 * the sigmoid, so z_j = logit((r_j - lo) / (hi - lo)) - b[i_j], with the
 * fraction clamped to [FOLDIN_P_MIN, 1 - FOLDIN_P_MIN] so that a rating at
 * or beyond the range's ends stays finite; without y_range z_j = r_j - b[i_j].
 * ENG_MODEL_DOT has no biases, so w is u alone (k weights).
 *
 * The prior (mu, L) is empirical Bayes from the trained model, not a
 * constant to tune: mu is the mean trained user, and lambda = s2 / v, where
 * s2 is the mean squared residual of the training ratings in the fitting
 * space and v the variance of the trained users' factors (lambda_f) or
 * biases (lambda_b).  That is the MAP estimate of a user drawn from the
 * population training produced, so it scales with whatever weight decay,
 * factor count and y_range the model was trained with: a strong weight
 * decay gives small user vectors, hence a small v and a firm prior.  With
 * no ratings the new user is the average user; with many, the data win.
 */
#ifndef COLLABTUI_FOLDIN_H
#define COLLABTUI_FOLDIN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "rank.h"
#include "sim.h"

#define FOLDIN_P_MIN 0.005f
#define FOLDIN_PRIOR_USERS 16384
#define FOLDIN_PRIOR_RATINGS 16384

/* The ridge prior.  mean has foldin_dim(m) entries. */
struct foldin_prior {
	float lambda_f;         /* on each factor's distance from its mean */
	float lambda_b;         /* on the bias's (unused for ENG_MODEL_DOT) */
	float *mean;            /* (k [+ 1]) owned by the caller */
};

/* Number of weights of a folded-in user: k, plus 1 with biases. */
int foldin_dim(const struct model *m);

/* The fitting-space target of rating r for item i (see above). */
float foldin_target(const struct model *m, uint32_t i, float r);

/* Estimate the prior from the trained model and the ratings cols it was
 * trained on; p->mean must point to foldin_dim(m) floats.
 * Beyond FOLDIN_PRIOR_USERS users and FOLDIN_PRIOR_RATINGS ratings the
 * estimates read about that many, in runs spread evenly over the indices
 * (the same ones every time): the engine refits the prior whenever the
 * model moves, and a pass over 25M ratings took 2.7 s where the sample
 * takes about a millisecond, with the lambdas within a few percent
 * (tests/test_scale.c).
 * Returns 0, or -1 when memory runs out; no ratings give lambdas of 1. */
int foldin_prior_fit(const struct model *m, const struct rcols *cols,
		     struct foldin_prior *p);

/* Solve for a new user's weights w (foldin_dim(m) floats) from n ratings
 * (items[j], ratings[j]).  Items must be in range.  Returns 0, -1 when
 * memory runs out, -2 when the system is not positive definite (only
 * possible with non-positive lambdas). */
int foldin_solve(const struct model *m, const struct foldin_prior *p,
		 const uint32_t *items, const float *ratings, size_t n, float *w);

/* Predicted rating of every item for weights w: out (n_items) = the
 * model's output, sigmoid_range included. */
void foldin_score(const struct model *m, const float *w, float *out);

/* The k best-scored items, leaving out the n_skip items in skip (the ones
 * the user rated), best first into out (k entries).  When item_sim is not
 * NULL, because[j] is the item of liked[0..n_liked) most similar (cosine)
 * to out[j] (UINT32_MAX when n_liked is 0): the reason given is a movie
 * the user liked, never one they panned.  Returns the number written, or
 * (size_t)-1 when memory runs out. */
size_t foldin_top(const float *scores, uint32_t n_items, const uint32_t *skip,
		  size_t n_skip, const struct sim *item_sim, const uint32_t *liked,
		  size_t n_liked, size_t k, struct rank_pick *out, uint32_t *because);

#endif
