/* bpmf.h -- Bayesian matrix factorisation with biases and SVD++'s
 * implicit feedback on both sides, by Gibbs sampling.
 *
 * The model is als.h's with Koren's implicit term added to each user and,
 * symmetrically ("flipped" SVD++), to each item:
 *     r_ui ~ N((W[u] + |N(u)|^-1/2 sum_{j in N(u)} Y[j])
 *              . (V[i] + |R(i)|^-1/2 sum_{v in R(i)} Z[v]) + bu[u] + bi[i],
 *              1/alpha)
 * where N(u) is the set of items u rated in training and R(i) the set of
 * users who rated i in training (which ones, not how), so users who watch
 * alike, and items watched by the same people, share factors.  On
 * ML-100K's u1 (k = 10, 400 sweeps) the user term takes RMSE from 0.910
 * to 0.903 and the item term on to 0.889.  Only the training ratings
 * define N and R: a user's or item's test ratings never enter them, as
 * knowing which pairs are in the test set would be leakage.  It has
 * the hierarchical priors of Rendle's libFM MCMC: every coordinate d of a
 * user row [W[u], bu[u]] is N(mu_d, 1/lambda_d), with mu_d ~ N(0,
 * 1/(gamma0 lambda_d)) and lambda_d ~ Gamma(a0, b0), and likewise for
 * items and the rows of Y and Z; alpha ~ Gamma(a0, b0).  Nothing is tuned
 * by hand: the regularisation is sampled from the data.
 *
 * A sweep draws the hyperparameters, then every user row from its Gaussian
 * conditional (the ALS normal equations with alpha and the priors, via
 * als_half with sampling on), the same for items, then each Y[j] in turn
 * and each Z[v] in turn (bpmf.c explains the bookkeeping), then alpha.
 * After the burn-in, each sweep's sample is kept.  The prediction is the
 * average over kept samples of each sample's prediction, which a single
 * dotbias model represents exactly: its k * S factors are the S samples'
 * factors side by side, each scaled by 1/sqrt(S) (a user's being W + its
 * implicit term, an item's V + its own), and its biases are the averages.
 * So the borrowed model always holds the posterior mean of the samples so
 * far (the current sample during burn-in), and every query works on it.
 */
#ifndef COLLABTUI_BPMF_H
#define COLLABTUI_BPMF_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "split.h"

/* The averaged model holds at most this many factors (k * samples kept),
 * the limit of model.h. */
#define BPMF_MAX_FACTORS 4096

struct bpmf_cfg {
	int k;                  /* factors of one sample */
	int sweeps;             /* samples drawn, burn-in included */
	int threads;
	uint64_t seed;
};

/* How many of sweeps are kept: the last three quarters (at least one);
 * the sweeps before them are burn-in. */
int bpmf_kept(int sweeps);

struct bpmf;

/* Prepare to sample for m, a ENG_MODEL_DOTBIAS model without y_range with
 * cfg->k * bpmf_kept(cfg->sweeps) <= BPMF_MAX_FACTORS factors, which the sampler borrows along with
 * the ratings c and the split.  NULL with a message in err for an
 * unsuitable model or setting, or when memory runs out. */
struct bpmf *bpmf_new(struct model *m, const struct rcols *c, const struct split *sp,
		      const struct bpmf_cfg *cfg, char *err, size_t errlen);

/* Release the sampler (not the model); NULL is accepted. */
void bpmf_free(struct bpmf *b);

/* Draw one sample and fold it into the model if past the burn-in.
 * Returns the sample's own training MSE, or -1 if a conditional could not
 * be factored (does not happen with positive precisions). */
double bpmf_sweep(struct bpmf *b);

#endif
