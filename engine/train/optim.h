/* optim.h -- fastai's optimisers over a flat parameter array.
 *
 * Adam as fastai's Adam(): decoupled weight decay p *= 1 - lr*wd, dampened
 * averages g_avg = mom*g_avg + (1-mom)*g and s_avg = sqr_mom*s_avg +
 * (1-sqr_mom)*g^2, per-step debiasing with the *current* mom, then
 * p -= lr/(1-mom^t) * g_avg / (sqrt(s_avg/(1-sqr_mom^t)) + eps).
 * SGD as fastai's SGD(): decoupled weight decay, undampened momentum
 * g_avg = mom*g_avg + g, p -= lr*g_avg (plain SGD when mom = 0).
 *
 * Every parameter steps every batch (fastai's embeddings have dense
 * gradients), so weight decay and momentum reach rows the batch did not
 * touch, exactly as in the chapter.  That makes the step a stream over all
 * parameters, the trainer's hot spot on small data.  To keep it cheap the
 * step runs in two passes: a dense kernel that steps every parameter as if
 * its gradient were zero, then a sparse pass over the spans the batch
 * touched that turns their update into the one with the gradient.  Adam's
 * squared average is kept as its square root, so the dense pass needs no
 * sqrt (it decays by sqrt(sqr_mom)); only touched elements take one.
 * Both rewrites are exact in real arithmetic and differ from the textbook
 * loop only by float rounding.
 */
#ifndef COLLABTUI_OPTIM_H
#define COLLABTUI_OPTIM_H

/* Adam's second-moment decay (beta2) and epsilon: fastai's defaults, for
 * every trainer that runs Adam. */
#define OPTIM_ADAM_SQR_MOM 0.99f
#define OPTIM_ADAM_EPS 1e-5f

#include <stddef.h>

#include "msg.h"

struct optim_cfg {
	enum eng_optim kind;
	float sqr_mom;          /* Adam's beta2; fastai 0.99 */
	float eps;              /* Adam's eps; fastai 1e-5 */
	float wd;               /* decoupled weight decay */
};

struct optim;

/* fastai's defaults for a kind (wd 0; the trainer sets the user's wd). */
struct optim_cfg optim_cfg_default(enum eng_optim kind);

const char *optim_kind_name(enum eng_optim kind);

/* A run of parameters [off, off + len) whose gradient may be non-zero. */
struct optim_span {
	size_t off, len;
};

/* State for n parameters; the dense pass is split over n_threads threads
 * (1 = the calling thread only; the result does not depend on it).  NULL
 * when memory or threads run out. */
struct optim *optim_new(const struct optim_cfg *cfg, size_t n, int n_threads);
void optim_free(struct optim *o);

/* Exempt parameters [off, off + len) from weight decay (fastai's
 * wd_bn_bias=False puts BatchNorm parameters and biases in a parameter
 * group with wd 0).  One range; a later call replaces it, len 0 clears it.
 * The range must lie inside the n parameters. */
void optim_no_decay(struct optim *o, size_t off, size_t len);

/* Forget all averages and the step count (a fresh optimiser). */
void optim_reset(struct optim *o);

/* One step over all parameters with learning rate lr and momentum mom
 * (Adam's beta1).  The gradient grad (laid out like params) is non-zero at
 * most inside the n_spans spans, which must not overlap; the rest of grad
 * is never read.  The spans' gradient is cleared, ready for the next batch. */
void optim_step(struct optim *o, float *params, float *grad,
		const struct optim_span *spans, size_t n_spans, float lr,
		float mom);

#endif
