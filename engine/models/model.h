/* model.h -- the chapter's latent factor models and their gradients.
 *
 * Two models, with fastai's semantics (collab.py, EmbeddingDotBias):
 *   ENG_MODEL_DOT      pred = sum_k U[u,k] I[i,k]
 *   ENG_MODEL_DOTBIAS  pred = sum_k U[u,k] I[i,k] + ub[u] + ib[i]
 * either optionally squashed by sigmoid_range: lo + (hi - lo) * sigmoid(x).
 * A third, ENG_MODEL_NN, is the chapter's neural network (EmbeddingNN); embnn.h
 * describes it and its own layout of the flat array, and the functions
 * below hand it over to embnn.c (user_f .. item_b are NULL for it).
 *
 * All parameters live in one allocation (llm.c style) so that the
 * optimiser, checkpointing and zeroing are each one loop over a flat array.
 * The named views point into it:
 *   user_f  (n_users, k) row-major
 *   item_f  (n_items, k) row-major
 *   user_b  (n_users)           NULL for ENG_MODEL_DOT
 *   item_b  (n_items)           NULL for ENG_MODEL_DOT
 * A gradient buffer has the same layout (model_grad_view gives its views).
 */
#ifndef COLLABTUI_MODEL_H
#define COLLABTUI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "rcols.h"

#include "pool.h"
#include "rng.h"

struct model {
	struct eng_model_hp cfg;
	size_t n_params;
	float *params;          /* (n_params) owns the memory */
	float *user_f;          /* (n_users, k) */
	float *item_f;          /* (n_items, k) */
	float *user_b;          /* (n_users) or NULL */
	float *item_b;          /* (n_items) or NULL */
	/* ENG_MODEL_NN: the network (views, activations); NULL otherwise.  Its
	 * BatchNorm running statistics follow the n_params parameters in
	 * params: n_buffers floats that are saved but not trained. */
	struct embnn *nn;
	size_t n_buffers;
};

/* Defaults: ENG_MODEL_DOTBIAS, k = 50, y_range (0, 5.5) as collab_learner. */
struct eng_model_hp model_cfg_default(void);

/* Returns NULL when the configuration is acceptable, else a sentence saying
 * which field is wrong and why (liblinear's check_parameter style). */
const char *model_cfg_check(const struct eng_model_hp *cfg);

const char *model_kind_name(enum eng_model_kind kind);

/* Allocate a model with every parameter zero.  Returns NULL (and a message
 * in err) when cfg is invalid or memory runs out. */
struct model *model_new(const struct eng_model_hp *cfg, char *err, size_t errlen);

/* Release a model; NULL is accepted. */
void model_free(struct model *m);

/* Number of trainable floats the configuration has (overflow-checked: 0
 * if the count does not fit in size_t).  ENG_MODEL_NN's running statistics
 * are not counted (see n_buffers). */
size_t model_param_count(const struct eng_model_hp *cfg);

/* Make room for mini-batches of up to n ratings in model_loss_grad (the
 * network's activations; other kinds need none).  0, or -1 when memory
 * runs out.  Call it before a training loop, which then allocates nothing. */
int model_reserve(struct model *m, size_t n);

/* fastai's embedding initialisation: every parameter is 0.01 times a
 * standard normal wrapped into (-2, 2) by fmod (fastai's trunc_normal_). */
void model_init(struct model *m, struct rng *r);

/* model_init() on pool's threads: the same parameters to the bit, and r
 * left where model_init() leaves it (the stream is walked ahead once on
 * this thread to find where each part starts).  A 25M-rating model's 11M
 * parameters take 0.3-0.5 s on one thread (cos and log of each normal). */
void model_init_pool(struct model *m, struct rng *r, struct pool *pool);

/* Keep only users [0, n_users) (n_users <= cfg.n_users): the item factors
 * and biases move down in place and the views follow; the allocation is
 * not shrunk.  For a model trained with extra users appended last (the
 * engine's "you").  Not for ENG_MODEL_NN, whose widths depend on n_users. */
void model_keep_users(struct model *m, uint32_t n_users);

/* Point the views of a gradient buffer laid out like m->params. */
void model_grad_view(const struct model *m, float *grad, float **user_f,
		     float **item_f, float **user_b, float **item_b);

/* Predicted rating of user u for item i (indices must be in range).
 * ENG_MODEL_NN predicts in evaluation mode, using its activations as scratch:
 * like every function here, not for two threads at once. */
float model_predict(const struct model *m, uint32_t u, uint32_t i);

/* Mean squared error over n ratings, and (when grad is not NULL) its
 * gradient with respect to every parameter ADDED into grad (same layout as
 * m->params, caller zeroes it).  The mean is over the n ratings, as
 * MSELossFlat over a mini-batch.  ENG_MODEL_NN runs in training mode when
 * grad is given (batch statistics and dropout; its running statistics
 * move; n must be 2..the reserved size) and in evaluation mode without. */
double model_loss_grad(const struct model *m, const uint32_t *users,
		       const uint32_t *items, const float *ratings, size_t n,
		       float *grad);

/* The index of m's first parameter (ENG_MODEL_NN's running statistics
 * included) that is NaN or infinite, or n_params + n_buffers when every
 * one is finite: a diverged model, which predicts nothing useful. */
size_t model_first_non_finite(const struct model *m);

/* Mean squared error of an index subset: ratings idx[0..n) of c. */
double model_mse_idx(const struct model *m, const struct rcols *c,
		     const uint32_t *idx, size_t n);

#endif
