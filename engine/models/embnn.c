/* embnn.c -- fastai's EmbeddingNN: forward and backward over a mini-batch.
 *
 * Layer kernels first, as forward/backward pairs over raw float arrays
 * (outputs first, then inputs, then sizes); they allocate nothing, and
 * parameter gradients are accumulated with += into buffers the optimiser
 * clears, while activation gradients are scratch and overwritten.  Then
 * the network: layout, initialisation, and the training- and
 * evaluation-mode passes.  The matrix products go to OpenBLAS.
 *
 * Dimension letters: B rows of the batch, K a layer's input width, H its
 * output width, D = du + di the concatenated embeddings.
 */
#include "embnn.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#define BN_EPS 1e-5             /* BatchNorm1d's eps */
#define BN_MOMENTUM 0.1         /* BatchNorm1d's momentum */
#define BN_BETA_INIT 1e-3f      /* fastai's BatchNorm(): bias.fill_(1e-3) */
#define DEFAULT_CAP 256         /* rows of activations embnn_new provides */

/* ---- layer kernels ------------------------------------------------------ */

/* x (B, D): each row the user's then the item's embedding. */
static void embedding_forward(float *x, const float *emb_u, const float *emb_i,
			      const uint32_t *users, const uint32_t *items,
			      size_t B, int du, int di)
{
	size_t D = (size_t)du + (size_t)di;
	for (size_t b = 0; b < B; b++) {
		memcpy(x + b * D, emb_u + (size_t)users[b] * (size_t)du, (size_t)du * sizeof *x);
		memcpy(x + b * D + du, emb_i + (size_t)items[b] * (size_t)di, (size_t)di * sizeof *x);
	}
}

/* Scatter dx (B, D) into the embedding rows' gradients. */
static void embedding_backward(float *demb_u, float *demb_i, const float *dx,
			       const uint32_t *users, const uint32_t *items,
			       size_t B, int du, int di)
{
	size_t D = (size_t)du + (size_t)di;
	for (size_t b = 0; b < B; b++) {
		float *gu = demb_u + (size_t)users[b] * (size_t)du;
		float *gi = demb_i + (size_t)items[b] * (size_t)di;
		const float *d = dx + b * D;
		for (int j = 0; j < du; j++)
			gu[j] += d[j];
		for (int j = 0; j < di; j++)
			gi[j] += d[du + j];
	}
}

/* out (B, H) = inp (B, K) weight^T (weight (H, K)) [+ bias (H)]. */
static void linear_forward(float *out, const float *inp, const float *weight,
			   const float *bias, size_t B, int K, int H)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, H, K, 1.0f,
		    inp, K, weight, K, 0.0f, out, H);
	if (!bias)
		return;
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++)
			out[b * (size_t)H + (size_t)j] += bias[j];
}

/* dweight (H, K) += dout^T inp, dbias (H) += column sums of dout (when
 * not NULL), dinp (B, K) = dout weight (overwritten; skipped when NULL). */
static void linear_backward(float *dinp, float *dweight, float *dbias,
			    const float *dout, const float *inp,
			    const float *weight, size_t B, int K, int H)
{
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, K, (int)B, 1.0f,
		    dout, H, inp, K, 1.0f, dweight, K);
	if (dbias)
		for (size_t b = 0; b < B; b++)
			for (int j = 0; j < H; j++)
				dbias[j] += dout[b * (size_t)H + (size_t)j];
	if (dinp)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, K, H,
			    1.0f, dout, H, weight, K, 0.0f, dinp, K);
}

/* h (N) = max(h, 0), in place. */
static void relu_forward(float *h, size_t N)
{
	for (size_t j = 0; j < N; j++)
		h[j] = h[j] > 0.0f ? h[j] : 0.0f;
}

/* dh (N) *= [h > 0], where h is relu's output (0 exactly where it cut). */
static void relu_backward(float *dh, const float *h, size_t N)
{
	for (size_t j = 0; j < N; j++)
		dh[j] = h[j] > 0.0f ? dh[j] : 0.0f;
}

/* Training mode: normalise h (B, H) with the batch's mean and biased
 * variance into xhat, y = gamma xhat + beta; keep mean and rstd (H) for
 * the backward pass and move the running statistics (H) by momentum 0.1,
 * the variance unbiased (B / (B - 1)), as BatchNorm1d does.  B >= 2.
 * The mean is summed in double (sum, H, is scratch), as PyTorch's CPU
 * kernel sums it: ReLU outputs share a sign, and when they sit far from 0
 * a float sum drifts by a few ulps of the mean, an error the deviations
 * h - mean then carry in full.  The squared deviations, all positive and
 * free of that cancellation, are summed in float. */
static void batchnorm_forward_train(float *y, float *xhat, float *mean,
				    float *rstd, float *run_mean, float *run_var,
				    double *sum, const float *h, const float *gamma,
				    const float *beta, size_t B, int H)
{
	memset(sum, 0, (size_t)H * sizeof *sum);
	memset(rstd, 0, (size_t)H * sizeof *rstd);     /* holds the variance first */
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++)
			sum[j] += h[b * (size_t)H + (size_t)j];
	for (int j = 0; j < H; j++) {
		sum[j] /= (double)B;            /* now the mean */
		mean[j] = (float)sum[j];
	}
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++) {
			float d = h[b * (size_t)H + (size_t)j] - mean[j];
			rstd[j] += d * d;
		}
	for (int j = 0; j < H; j++) {
		double var = (double)rstd[j] / (double)B;
		run_mean[j] = (float)((1.0 - BN_MOMENTUM) * run_mean[j] + BN_MOMENTUM * sum[j]);
		run_var[j] = (float)((1.0 - BN_MOMENTUM) * run_var[j] +
				     BN_MOMENTUM * var * (double)B / (double)(B - 1));
		rstd[j] = (float)(1.0 / sqrt(var + BN_EPS));
	}
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++) {
			size_t o = b * (size_t)H + (size_t)j;
			xhat[o] = (h[o] - mean[j]) * rstd[j];
			y[o] = gamma[j] * xhat[o] + beta[j];
		}
}

/* Evaluation mode: y (B, H) from h with the running statistics; rstd (H)
 * is scratch. */
static void batchnorm_forward_eval(float *y, float *rstd, const float *h,
				   const float *run_mean, const float *run_var,
				   const float *gamma, const float *beta, size_t B,
				   int H)
{
	for (int j = 0; j < H; j++)
		rstd[j] = (float)(1.0 / sqrt(run_var[j] + BN_EPS));
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++) {
			size_t o = b * (size_t)H + (size_t)j;
			y[o] = gamma[j] * (h[o] - run_mean[j]) * rstd[j] + beta[j];
		}
}

/* Backward of the training-mode forward, in place: dy (B, H) becomes dh.
 * dgamma, dbeta (H) accumulate; sum_dy, sum_dyx (H) are scratch.  With
 * g = gamma dy:  dh = rstd (g - mean_b(g) - xhat mean_b(g xhat)). */
static void batchnorm_backward(float *dy, float *dgamma, float *dbeta,
			       float *sum_dy, float *sum_dyx, const float *xhat,
			       const float *rstd, const float *gamma, size_t B,
			       int H)
{
	memset(sum_dy, 0, (size_t)H * sizeof *sum_dy);
	memset(sum_dyx, 0, (size_t)H * sizeof *sum_dyx);
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++) {
			size_t o = b * (size_t)H + (size_t)j;
			sum_dy[j] += dy[o];
			sum_dyx[j] += dy[o] * xhat[o];
		}
	for (int j = 0; j < H; j++) {
		dbeta[j] += sum_dy[j];
		dgamma[j] += sum_dyx[j];
	}
	float inv_b = 1.0f / (float)B;
	for (size_t b = 0; b < B; b++)
		for (int j = 0; j < H; j++) {
			size_t o = b * (size_t)H + (size_t)j;
			dy[o] = rstd[j] * gamma[j] *
				(dy[o] - inv_b * sum_dy[j] - xhat[o] * inv_b * sum_dyx[j]);
		}
}

/* Draw an inverted-dropout mask (N): 0 with probability p, else 1/(1-p),
 * and apply it to x in place. */
static void dropout_forward(float *x, float *mask, struct rng *r, float p,
			    size_t N)
{
	float keep = 1.0f / (1.0f - p);
	for (size_t j = 0; j < N; j++) {
		mask[j] = rng_uniform(r) < (double)p ? 0.0f : keep;
		x[j] *= mask[j];
	}
}

/* dx (N) *= mask. */
static void dropout_backward(float *dx, const float *mask, size_t N)
{
	for (size_t j = 0; j < N; j++)
		dx[j] *= mask[j];
}

static inline float sigmoidf(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

/* The loss: MSE of sigmoid_range(out) (or out itself) against r (B),
 * and in dout (B), when not NULL, its derivative with respect to out. */
static double mse_sigmoid_range(float *dout, const float *out, const float *r,
				size_t B, int use_range, float lo, float hi)
{
	double loss = 0.0;
	float scale = 2.0f / (float)B;
	for (size_t b = 0; b < B; b++) {
		float pred = out[b], dpred = 1.0f;
		if (use_range) {
			float s = sigmoidf(out[b]);
			pred = lo + (hi - lo) * s;
			dpred = (hi - lo) * s * (1.0f - s);
		}
		float diff = pred - r[b];
		loss += (double)diff * diff;
		if (dout)
			dout[b] = scale * diff * dpred;
	}
	return loss / (double)B;
}

/* ---- shape and memory --------------------------------------------------- */

int embnn_emb_size(uint32_t n_rows)
{
	long v = lround(1.6 * pow((double)n_rows + 1.0, 0.56));
	return v < 600 ? (int)v : 600;
}

/* The input width of layer l. */
static int layer_in(const struct embnn *n, int l)
{
	return l == 0 ? n->d_in : n->width[l - 1];
}

size_t embnn_param_count(const struct eng_model_hp *c, size_t *n_buffers)
{
	size_t du = (size_t)embnn_emb_size(c->n_users), di = (size_t)embnn_emb_size(c->n_items);
	if (c->n_users > SIZE_MAX / 2 / du || c->n_items > SIZE_MAX / 2 / di)
		return 0;
	size_t n = (size_t)c->n_users * du + (size_t)c->n_items * di, buf = 0;
	size_t in = du + di;
	for (int l = 0; l < c->n_layers; l++) {
		size_t h = (size_t)c->layers[l];
		n += h * in + 2 * h;    /* w[l], gamma[l], beta[l] */
		buf += 2 * h;
		in = h;
	}
	n += in + 1;                    /* w_out, b_out */
	if (n > SIZE_MAX / sizeof(float) - buf)
		return 0;
	*n_buffers = buf;
	return n;
}

const char *embnn_cfg_check(const struct eng_model_hp *c)
{
	if (c->n_layers < 1 || c->n_layers > ENG_NN_LAYERS_MAX)
		return "the nn model needs 1 to 4 hidden layers";
	for (int l = 0; l < c->n_layers; l++)
		if (c->layers[l] < 1 || c->layers[l] > 4096)
			return "every hidden layer's width must be between 1 and 4096";
	if (!(c->emb_drop >= 0.0f && c->emb_drop < 1.0f))
		return "embedding dropout must be in [0, 1)";
	if (!(c->ps >= 0.0f && c->ps < 1.0f))
		return "hidden-layer dropout must be in [0, 1)";
	return NULL;
}

/* Point the parameter and buffer views (layout in nn.h). */
static void point_params(struct embnn *n, float *p)
{
	n->emb_u = p;
	p += (size_t)n->n_users * (size_t)n->du;
	n->emb_i = p;
	p += (size_t)n->n_items * (size_t)n->di;
	for (int l = 0; l < n->n_layers; l++) {
		n->w[l] = p;
		p += (size_t)n->width[l] * (size_t)layer_in(n, l);
	}
	n->w_out = p;
	p += n->width[n->n_layers - 1];
	for (int l = 0; l < n->n_layers; l++) {
		n->gamma[l] = p;
		p += n->width[l];
		n->beta[l] = p;
		p += n->width[l];
	}
	n->b_out = p++;
	for (int l = 0; l < n->n_layers; l++) {
		n->run_mean[l] = p;
		p += n->width[l];
		n->run_var[l] = p;
		p += n->width[l];
	}
}

/* The widest activation row: D or some H_l. */
static size_t widest(const struct embnn *n)
{
	size_t w = (size_t)n->d_in;
	for (int l = 0; l < n->n_layers; l++)
		if ((size_t)n->width[l] > w)
			w = (size_t)n->width[l];
	return w;
}

int embnn_reserve(struct embnn *n, size_t rows)
{
	if (rows <= n->cap)
		return 0;
	size_t D = (size_t)n->d_in, hsum = 0, W = widest(n);
	for (int l = 0; l < n->n_layers; l++)
		hsum += (size_t)n->width[l];
	/* per row: x0, mask0, 4 per hidden unit, out, dout, ga, gb, bu, bi */
	size_t per_row = 2 * D + 4 * hsum + 2 + 2 * W + 2;
	if (rows > (SIZE_MAX / sizeof(float) - 2 * W) / per_row)
		return -1;
	float *a = malloc((rows * per_row + 2 * hsum + 2 * W) * sizeof *a);
	if (!a)
		return -1;
	free(n->acts);
	n->acts = a;
	n->cap = rows;
	n->x0 = a;
	a += rows * D;
	n->mask0 = a;
	a += rows * D;
	for (int l = 0; l < n->n_layers; l++) {
		size_t h = (size_t)n->width[l];
		n->h[l] = a;
		a += rows * h;
		n->xhat[l] = a;
		a += rows * h;
		n->y[l] = a;
		a += rows * h;
		n->mask[l] = a;
		a += rows * h;
		n->mean[l] = a;
		a += h;
		n->rstd[l] = a;
		a += h;
	}
	n->out = a;
	a += rows;
	n->dout = a;
	a += rows;
	n->ga = a;
	a += rows * W;
	n->gb = a;
	a += rows * W;
	n->colsum_a = a;
	a += W;
	n->colsum_b = a;
	a += W;
	/* the index buffers share the float block: 32-bit either way */
	n->bu = (uint32_t *)(void *)a;
	a += rows;
	n->bi = (uint32_t *)(void *)a;
	return 0;
}

struct embnn *embnn_new(const struct eng_model_hp *c, float *params)
{
	struct embnn *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->n_users = c->n_users;
	n->n_items = c->n_items;
	n->du = embnn_emb_size(c->n_users);
	n->di = embnn_emb_size(c->n_items);
	n->d_in = n->du + n->di;
	n->n_layers = c->n_layers;
	memcpy(n->width, c->layers, sizeof n->width);
	n->emb_drop = c->emb_drop;
	n->ps = c->ps;
	n->use_y_range = c->use_y_range;
	n->y_lo = c->y_lo;
	n->y_hi = c->y_hi;
	n->n_params = embnn_param_count(c, &n->n_buffers);
	point_params(n, params);
	n->bn_sum = malloc(widest(n) * sizeof *n->bn_sum);
	if (!n->bn_sum || embnn_reserve(n, DEFAULT_CAP) != 0) {
		free(n->bn_sum);
		free(n);
		return NULL;
	}
	return n;
}

void embnn_free(struct embnn *n)
{
	if (!n)
		return;
	free(n->acts);
	free(n->bn_sum);
	free(n);
}

/* U(-bound, bound) for N floats. */
static void fill_uniform(float *p, size_t N, double bound, struct rng *r)
{
	for (size_t j = 0; j < N; j++)
		p[j] = (float)(bound * (2.0 * rng_uniform(r) - 1.0));
}

static void fill(float *p, size_t N, float v)
{
	for (size_t j = 0; j < N; j++)
		p[j] = v;
}

void embnn_init(struct embnn *n, struct rng *r)
{
	size_t n_emb = (size_t)n->n_users * (size_t)n->du + (size_t)n->n_items * (size_t)n->di;
	for (size_t j = 0; j < n_emb; j++)      /* emb_u and emb_i are adjacent */
		n->emb_u[j] = (float)(0.01 * fmod(rng_normal(r), 2.0));
	for (int l = 0; l < n->n_layers; l++) {
		int K = layer_in(n, l), H = n->width[l];
		fill_uniform(n->w[l], (size_t)H * (size_t)K, 1.0 / sqrt((double)K), r);
		fill(n->gamma[l], (size_t)H, 1.0f);
		fill(n->beta[l], (size_t)H, BN_BETA_INIT);
		fill(n->run_mean[l], (size_t)H, 0.0f);
		fill(n->run_var[l], (size_t)H, 1.0f);
	}
	int last = n->width[n->n_layers - 1];
	fill_uniform(n->w_out, (size_t)last, 1.0 / sqrt((double)last), r);
	fill_uniform(n->b_out, 1, 1.0 / sqrt((double)last), r);
	rng_seed(&n->drop_rng, rng_next(r));
}

/* ---- the network -------------------------------------------------------- */

/* Evaluation-mode forward of B <= cap rows into n->out. */
static void forward_eval(struct embnn *n, const uint32_t *users,
			 const uint32_t *items, size_t B)
{
	embedding_forward(n->x0, n->emb_u, n->emb_i, users, items, B, n->du, n->di);
	const float *x = n->x0;
	for (int l = 0; l < n->n_layers; l++) {
		int K = layer_in(n, l), H = n->width[l];
		linear_forward(n->h[l], x, n->w[l], NULL, B, K, H);
		relu_forward(n->h[l], B * (size_t)H);
		/* the backward pass's column sums are free in evaluation mode */
		batchnorm_forward_eval(n->y[l], n->colsum_a, n->h[l], n->run_mean[l],
				       n->run_var[l], n->gamma[l], n->beta[l], B, H);
		x = n->y[l];
	}
	linear_forward(n->out, x, n->w_out, n->b_out, B, n->width[n->n_layers - 1], 1);
}

/* Training-mode forward of B rows (2 <= B <= cap) into n->out, keeping
 * what the backward pass needs. */
static void forward_train(struct embnn *n, const uint32_t *users,
			  const uint32_t *items, size_t B)
{
	size_t D = (size_t)n->d_in;
	embedding_forward(n->x0, n->emb_u, n->emb_i, users, items, B, n->du, n->di);
	if (n->emb_drop > 0.0f)
		dropout_forward(n->x0, n->mask0, &n->drop_rng, n->emb_drop, B * D);
	const float *x = n->x0;
	for (int l = 0; l < n->n_layers; l++) {
		int K = layer_in(n, l), H = n->width[l];
		linear_forward(n->h[l], x, n->w[l], NULL, B, K, H);
		relu_forward(n->h[l], B * (size_t)H);
		batchnorm_forward_train(n->y[l], n->xhat[l], n->mean[l], n->rstd[l],
					n->run_mean[l], n->run_var[l], n->bn_sum,
					n->h[l], n->gamma[l], n->beta[l], B, H);
		if (n->ps > 0.0f)
			dropout_forward(n->y[l], n->mask[l], &n->drop_rng, n->ps, B * (size_t)H);
		x = n->y[l];
	}
	linear_forward(n->out, x, n->w_out, n->b_out, B, n->width[n->n_layers - 1], 1);
}

/* Backward from n->dout (B) into grad, after forward_train of the same
 * rows.  Gradient views mirror point_params() over grad. */
static void backward(struct embnn *n, float *grad, const uint32_t *users,
		     const uint32_t *items, size_t B)
{
	struct embnn g = *n;               /* only its parameter views are used */
	point_params(&g, grad);
	int L = n->n_layers, last = n->width[L - 1];
	float *da = n->ga, *db = n->gb;
	linear_backward(da, g.w_out, g.b_out, n->dout, n->y[L - 1], n->w_out, B, last, 1);
	for (int l = L - 1; l >= 0; l--) {
		int K = layer_in(n, l), H = n->width[l];
		size_t N = B * (size_t)H;
		if (n->ps > 0.0f)
			dropout_backward(da, n->mask[l], N);
		batchnorm_backward(da, g.gamma[l], g.beta[l], n->colsum_a, n->colsum_b,
				   n->xhat[l], n->rstd[l], n->gamma[l], B, H);
		relu_backward(da, n->h[l], N);
		const float *x = l == 0 ? n->x0 : n->y[l - 1];
		linear_backward(db, g.w[l], NULL, da, x, n->w[l], B, K, H);
		float *t = da;
		da = db;
		db = t;
	}
	if (n->emb_drop > 0.0f)
		dropout_backward(da, n->mask0, B * (size_t)n->d_in);
	embedding_backward(g.emb_u, g.emb_i, da, users, items, B, n->du, n->di);
}

double embnn_loss_grad(struct embnn *n, const uint32_t *users, const uint32_t *items,
		    const float *ratings, size_t b, float *grad)
{
	if (grad) {
		assert(b >= 2 && b <= n->cap);
		forward_train(n, users, items, b);
		double loss = mse_sigmoid_range(n->dout, n->out, ratings, b,
						n->use_y_range, n->y_lo, n->y_hi);
		backward(n, grad, users, items, b);
		return loss;
	}
	double sum = 0.0;
	for (size_t first = 0; first < b; first += n->cap) {
		size_t B = b - first < n->cap ? b - first : n->cap;
		forward_eval(n, users + first, items + first, B);
		sum += (double)B * mse_sigmoid_range(NULL, n->out, ratings + first, B,
						     n->use_y_range, n->y_lo, n->y_hi);
	}
	return b ? sum / (double)b : 0.0;
}

float embnn_predict(struct embnn *n, uint32_t u, uint32_t i)
{
	forward_eval(n, &u, &i, 1);
	float s = n->out[0];
	return n->use_y_range ? n->y_lo + (n->y_hi - n->y_lo) * sigmoidf(s) : s;
}

void embnn_scores(struct embnn *n, uint32_t u0, uint32_t nb, float *out)
{
	size_t ni = n->n_items, total = (size_t)nb * ni;
	for (size_t first = 0; first < total; first += n->cap) {
		size_t B = total - first < n->cap ? total - first : n->cap;
		for (size_t b = 0; b < B; b++) {
			n->bu[b] = u0 + (uint32_t)((first + b) / ni);
			n->bi[b] = (uint32_t)((first + b) % ni);
		}
		forward_eval(n, n->bu, n->bi, B);
		memcpy(out + first, n->out, B * sizeof *out);
	}
}

double embnn_mse_idx(struct embnn *n, const struct rcols *c, const uint32_t *idx,
		     size_t count)
{
	double sum = 0.0;
	for (size_t first = 0; first < count; first += n->cap) {
		size_t B = count - first < n->cap ? count - first : n->cap;
		for (size_t b = 0; b < B; b++) {
			n->bu[b] = rc_user(c, idx[first + b]);
			n->bi[b] = rc_item(c, idx[first + b]);
			/* dout is free in evaluation mode: the chunk's ratings */
			n->dout[b] = rc_value(c, idx[first + b]);
		}
		forward_eval(n, n->bu, n->bi, B);
		sum += (double)B * mse_sigmoid_range(NULL, n->out, n->dout, B,
						     n->use_y_range, n->y_lo, n->y_hi);
	}
	return count ? sum / (double)count : 0.0;
}

struct optim_span embnn_row_span(const struct embnn *n, size_t row)
{
	if (row < n->n_users)
		return (struct optim_span){ row * (size_t)n->du, (size_t)n->du };
	size_t base = (size_t)n->n_users * (size_t)n->du;
	return (struct optim_span){ base + (row - n->n_users) * (size_t)n->di, (size_t)n->di };
}

struct optim_span embnn_dense_span(const struct embnn *n)
{
	size_t off = (size_t)(n->w[0] - n->emb_u);
	return (struct optim_span){ off, n->n_params - off };
}

struct optim_span embnn_no_wd_span(const struct embnn *n)
{
	size_t off = (size_t)(n->gamma[0] - n->emb_u);
	return (struct optim_span){ off, n->n_params - off };
}
