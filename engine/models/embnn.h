/* embnn.h -- the chapter's neural network: fastai's EmbeddingNN (the
 * module is named after it: libnanomsg, which criterion links, owns nn_*).
 *
 * collab_learner(use_nn=True, layers=[100, 50], y_range=(0, 5.5)) builds a
 * TabularModel with two embeddings and no continuous inputs.  For a batch
 * of B (user, item) pairs:
 *
 *   x0 = dropout(concat(U[u], I[i]), emb_drop)         (B, D), D = du + di
 *   for each hidden layer l (LinBnDrop, lin_first):
 *       h  = relu(x W_l^T)            Linear without bias (B, H_l)
 *       y  = gamma_l * xhat + beta_l  BatchNorm1d of h
 *       x  = dropout(y, ps)
 *   out  = x w_out^T + b_out          the final Linear, with bias (B)
 *   pred = lo + (hi - lo) * sigmoid(out)   sigmoid_range, when y_range is set
 *
 * Embedding widths follow fastai's emb_sz_rule, min(600, round(1.6 *
 * n^0.56)), with n counting fastai's extra '#na#' category (n_rows + 1):
 * ML-100K by title gives 74 for the 943 users and 102 for the 1664 items.
 * We keep one embedding row per real user and item; '#na#' is never seen
 * in training, so leaving it out changes no prediction.
 *
 * Initialisation, as the PyTorch/fastai modules do it (no fastai code
 * re-initialises these layers: TabularModel and LinBnDrop leave the
 * modules' own reset_parameters in place):
 *   embeddings  0.01 * trunc_normal (fastai's Embedding, like model_init)
 *   W_l, w_out  U(-1/sqrt(fan_in), 1/sqrt(fan_in)): nn.Linear's
 *               kaiming_uniform_(a=sqrt(5))
 *   b_out       U(-1/sqrt(fan_in), 1/sqrt(fan_in)): nn.Linear's bias
 *   gamma, beta 1 and 1e-3 (fastai's BatchNorm(): bias.fill_(1e-3))
 *   running     mean 0, variance 1 (BatchNorm1d)
 *
 * BatchNorm1d as PyTorch: in training mode it normalises with the batch
 * mean and biased variance and updates the running statistics with
 * momentum 0.1 (running = 0.9 running + 0.1 batch, the variance unbiased);
 * in evaluation mode it uses the running statistics; eps 1e-5.  Dropout is
 * inverted (kept values scale by 1/(1-p)) and acts in training mode only.
 *
 * Memory.  The parameters live in the model's flat allocation (model.h),
 * in this order, so that what fastai exempts from weight decay
 * (wd_bn_bias=False: BatchNorm parameters and biases) is one contiguous
 * tail, and the BatchNorm running statistics, which are state but not
 * parameters, follow the parameters:
 *
 *   emb_u    (n_users, du)      \
 *   emb_i    (n_items, di)       | weight decay
 *   w[l]     (H_l, K_l)          |  K_0 = D, K_l = H_{l-1}; PyTorch's
 *   w_out    (H_last)           /   (out, in) row-major layout
 *   gamma[l] (H_l)              \
 *   beta[l]  (H_l)               | no weight decay
 *   b_out    (1)                /
 *   ---- n_params ends here; buffers, not trained: ----
 *   run_mean[l] (H_l)
 *   run_var[l]  (H_l)
 *
 * Activations for up to `cap` rows are allocated once (embnn_reserve); the
 * training loop allocates nothing.  They make an nn object single-threaded:
 * even its evaluation-mode functions write to them.
 */
#ifndef COLLABTUI_EMBNN_H
#define COLLABTUI_EMBNN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "optim.h"
#include "rng.h"

struct embnn {
	/* shape (from the struct eng_model_hp) */
	uint32_t n_users, n_items;
	int du, di, d_in;               /* embedding widths; D = du + di */
	int n_layers;                   /* L */
	int width[ENG_NN_LAYERS_MAX]; /* H_l */
	float emb_drop, ps;
	int use_y_range;
	float y_lo, y_hi;
	size_t n_params;                /* trainable floats */
	size_t n_buffers;               /* running statistics after them */

	/* parameter views into the model's flat allocation */
	float *emb_u;                   /* (n_users, du) */
	float *emb_i;                   /* (n_items, di) */
	float *w[ENG_NN_LAYERS_MAX];    /* (H_l, K_l) */
	float *w_out;                   /* (H_last) */
	float *gamma[ENG_NN_LAYERS_MAX];        /* (H_l) */
	float *beta[ENG_NN_LAYERS_MAX];         /* (H_l) */
	float *b_out;                   /* (1) */
	float *run_mean[ENG_NN_LAYERS_MAX];     /* (H_l) */
	float *run_var[ENG_NN_LAYERS_MAX];      /* (H_l) */

	/* activations, one allocation, for batches of up to cap rows */
	size_t cap;
	float *acts;                    /* owns the memory below */
	float *x0;                      /* (cap, D) embeddings, after dropout */
	float *mask0;                   /* (cap, D) emb_drop's scale, 0 or 1/(1-p) */
	float *h[ENG_NN_LAYERS_MAX];    /* (cap, H_l) relu(x W^T) */
	float *xhat[ENG_NN_LAYERS_MAX];         /* (cap, H_l) normalised h */
	float *y[ENG_NN_LAYERS_MAX];    /* (cap, H_l) BatchNorm out, after dropout */
	float *mask[ENG_NN_LAYERS_MAX];         /* (cap, H_l) ps's scale */
	float *mean[ENG_NN_LAYERS_MAX];         /* (H_l) this batch's mean */
	float *rstd[ENG_NN_LAYERS_MAX];         /* (H_l) 1/sqrt(var + eps) */
	float *out;                     /* (cap) raw output before sigmoid_range */
	float *dout;                    /* (cap) d loss / d out */
	float *ga, *gb;                 /* (cap, max(D, H_l)) activation gradients */
	float *colsum_a, *colsum_b;     /* (max H_l) BatchNorm backward sums */
	double *bn_sum;                 /* (max H_l) BatchNorm's batch sums, its own allocation */
	uint32_t *bu, *bi;              /* (cap) an evaluation chunk's pairs */

	struct rng drop_rng;            /* dropout masks */
};

/* fastai's emb_sz_rule for a table of n_rows real rows plus '#na#'. */
int embnn_emb_size(uint32_t n_rows);

/* Trainable floats of cfg (a ENG_MODEL_NN configuration), and in *n_buffers
 * the running statistics stored after them.  0 when the count overflows. */
size_t embnn_param_count(const struct eng_model_hp *cfg, size_t *n_buffers);

/* NULL when the ENG_MODEL_NN-only fields of cfg are acceptable, else why. */
const char *embnn_cfg_check(const struct eng_model_hp *cfg);

/* A network whose views point into params (embnn_param_count() + buffers
 * floats, owned by the caller), with activations for 256 rows.  NULL when
 * memory runs out. */
struct embnn *embnn_new(const struct eng_model_hp *cfg, float *params);

/* Release the activations and the struct (not the parameters); NULL is
 * accepted. */
void embnn_free(struct embnn *n);

/* Make room for batches of up to rows rows.  0, or -1 when memory runs
 * out (the old room is kept). */
int embnn_reserve(struct embnn *n, size_t rows);

/* Initialise every parameter and buffer as described above, and seed the
 * dropout stream, all from r. */
void embnn_init(struct embnn *n, struct rng *r);

/* Mean squared error of the batch (users, items, ratings), b rows.
 * With grad (laid out like the parameters) the network runs in training
 * mode -- batch statistics, dropout, running statistics updated -- and
 * the gradient of the loss is ADDED into grad; b must be 2..cap.
 * Without grad it runs in evaluation mode, any b, in chunks of cap. */
double embnn_loss_grad(struct embnn *n, const uint32_t *users, const uint32_t *items,
		    const float *ratings, size_t b, float *grad);

/* Evaluation-mode prediction of one pair. */
float embnn_predict(struct embnn *n, uint32_t u, uint32_t i);

/* Evaluation-mode scores of users u0 .. u0 + nb - 1 for every item into
 * out (nb, n_items) row-major: the network's output before y_range's
 * sigmoid, which is monotone and so ranks items alike.  Runs in chunks of
 * the reserved rows (embnn_reserve: at least 1). */
void embnn_scores(struct embnn *n, uint32_t u0, uint32_t nb, float *out);

/* Evaluation-mode MSE of ratings idx[0..count) of c. */
double embnn_mse_idx(struct embnn *n, const struct rcols *c, const uint32_t *idx,
		     size_t count);

/* The parameters of embedding row `row` (users first, then items). */
struct optim_span embnn_row_span(const struct embnn *n, size_t row);

/* Every parameter after the embeddings: each batch gives them a gradient. */
struct optim_span embnn_dense_span(const struct embnn *n);

/* The BatchNorm parameters and the output bias, exempt from weight decay. */
struct optim_span embnn_no_wd_span(const struct embnn *n);

#endif
