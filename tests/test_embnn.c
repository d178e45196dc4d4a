/* test_embnn.c -- the chapter's neural network: fastai's embedding sizes, the
 * training-mode gradient of every parameter against central finite
 * differences (embeddings, linear weights and bias, BatchNorm's gamma and
 * beta, through ReLU and dropout), BatchNorm's running statistics, and the
 * evaluation mode. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "embnn.h"

/* 6 users, 7 items, a batch of 8 with repeated users and items. */
static const uint32_t U[] = { 0, 1, 5, 0, 2, 3, 4, 1 };
static const uint32_t I[] = { 4, 0, 2, 2, 1, 6, 3, 4 };
static const float R[] = { 4.0f, 1.0f, 3.5f, 5.0f, 2.0f, 3.0f, 4.5f, 2.5f };
#define N (sizeof U / sizeof U[0])

/* An nn of two hidden layers of h0 and h1 units, initialised from seed. */
static struct model *new_nn(uint32_t n_users, uint32_t n_items, int h0, int h1,
			    float emb_drop, float ps, uint64_t seed, struct rng *r)
{
	struct model_cfg c = model_cfg_default();
	c.kind = MODEL_NN;
	c.n_users = n_users;
	c.n_items = n_items;
	c.n_layers = 2;
	c.layers[0] = h0;
	c.layers[1] = h1;
	c.emb_drop = emb_drop;
	c.ps = ps;
	char err[128];
	struct model *m = model_new(&c, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	rng_seed(r, seed);
	model_init(m, r);
	return m;
}

static struct model *make(float emb_drop, float ps)
{
	struct rng r;
	struct model *m = new_nn(6, 7, 6, 4, emb_drop, ps, 11, &r);
	/* embeddings of 0.01 would put every ReLU input next to its kink;
	 * larger weights keep the finite differences on one side of it */
	for (size_t i = 0; i < m->n_params; i++)
		m->params[i] = (float)(0.7 * rng_normal(&r));
	return m;
}

/* Which ReLU units cut (output exactly 0) in the last forward pass. */
static unsigned long relu_pattern(const struct embnn *n)
{
	unsigned long bits = 0, b = 1;
	for (int l = 0; l < n->n_layers; l++)
		for (size_t j = 0; j < N * (size_t)n->width[l]; j++, b = b * 3 % 1000000007UL)
			if (n->h[l][j] == 0.0f)
				bits = (bits + b) % 1000000007UL;
	return bits;
}

/* The training-mode loss with the dropout stream rewound to `at`, so
 * every evaluation draws the same masks. */
static double train_loss(struct model *m, float *scratch, const struct rng *at)
{
	m->nn->drop_rng = *at;
	memset(scratch, 0, m->n_params * sizeof *scratch);
	return model_loss_grad(m, U, I, R, N, scratch);
}

static void check_gradient(float emb_drop, float ps)
{
	struct model *m = make(emb_drop, ps);
	struct embnn *n = m->nn;
	float *g = calloc(m->n_params, sizeof *g);
	float *scratch = calloc(m->n_params, sizeof *scratch);
	struct rng at = n->drop_rng;
	double loss = train_loss(m, g, &at);
	cr_assert(isfinite(loss) && loss > 0.0);
	unsigned long pattern = relu_pattern(n);
	double worst = 0.0;
	int skipped = 0;
	for (size_t i = 0; i < m->n_params; i++) {
		const float h = 2e-3f;
		float keep = m->params[i];
		m->params[i] = keep + h;
		double up = train_loss(m, scratch, &at);
		int same = relu_pattern(n) == pattern;
		m->params[i] = keep - h;
		double down = train_loss(m, scratch, &at);
		same = same && relu_pattern(n) == pattern;
		m->params[i] = keep;
		if (!same) {            /* a ReLU crossed its kink: no derivative */
			skipped++;
			continue;
		}
		double fd = (up - down) / (2.0 * h);
		double diff = fabs(fd - g[i]) / fmax(5e-2, fabs(fd));
		if (diff > worst)
			worst = diff;
		cr_expect(diff < 1e-2, "param %zu: analytic %g, finite difference %g",
			  i, (double)g[i], fd);
	}
	cr_assert(skipped < (int)m->n_params / 20, "%d of %zu parameters sit on a kink",
		  skipped, m->n_params);
	cr_log_info("largest relative gradient error %.2e (%d skipped)", worst, skipped);
	free(g);
	free(scratch);
	model_free(m);
}

Test(embnn, gradient_matches_finite_differences) { check_gradient(0.0f, 0.0f); }
Test(embnn, gradient_with_dropout) { check_gradient(0.1f, 0.25f); }

Test(embnn, fastai_embedding_sizes)
{
	/* ML-100K by title: 943 users, 1664 titles (fastai: 944 x 74, 1665 x 102) */
	cr_assert_eq(embnn_emb_size(943), 74);
	cr_assert_eq(embnn_emb_size(1664), 102);
	cr_assert_eq(embnn_emb_size(100000000), 600);
}

/* Every parameter after the embeddings gets a gradient from any batch;
 * the no-decay span is exactly gamma, beta and the output bias. */
Test(embnn, spans)
{
	struct model *m = make(0.0f, 0.0f);
	struct embnn *n = m->nn;
	struct optim_span d = embnn_dense_span(n), w = embnn_no_wd_span(n);
	size_t n_emb = 6 * (size_t)n->du + 7 * (size_t)n->di;
	cr_assert_eq(d.off, n_emb);
	cr_assert_eq(d.off + d.len, m->n_params);
	cr_assert_eq(w.len, 2 * (6 + 4) + 1);
	cr_assert_eq(w.off + w.len, m->n_params);
	struct optim_span r = embnn_row_span(n, 6 + 2);    /* item 2 */
	cr_assert_eq(r.off, 6 * (size_t)n->du + 2 * (size_t)n->di);
	cr_assert_eq(r.len, (size_t)n->di);
	cr_assert_eq(m->n_buffers, 2 * (6 + 4));
	model_free(m);
}

/* One training-mode pass from fresh statistics (mean 0, variance 1):
 * running = 0.9 * fresh + 0.1 * batch, the variance unbiased. */
Test(embnn, running_statistics_update)
{
	struct model *m = make(0.0f, 0.0f);
	struct embnn *n = m->nn;
	for (int l = 0; l < n->n_layers; l++)
		for (int j = 0; j < n->width[l]; j++) {
			n->run_mean[l][j] = 0.0f;
			n->run_var[l][j] = 1.0f;
		}
	float *g = calloc(m->n_params, sizeof *g);
	model_loss_grad(m, U, I, R, N, g);
	for (int l = 0; l < n->n_layers; l++)
		for (int j = 0; j < n->width[l]; j++) {
			double mean = 0.0, var = 0.0;
			for (size_t b = 0; b < N; b++)
				mean += n->h[l][b * (size_t)n->width[l] + (size_t)j];
			mean /= N;
			for (size_t b = 0; b < N; b++) {
				double d = n->h[l][b * (size_t)n->width[l] + (size_t)j] - mean;
				var += d * d;
			}
			var /= N - 1;
			cr_assert_float_eq(n->run_mean[l][j], 0.1 * mean, 1e-5);
			cr_assert_float_eq(n->run_var[l][j], 0.9 + 0.1 * var, 1e-4);
		}
	free(g);
	model_free(m);
}

/* With the running statistics set to a batch's own, evaluation mode
 * predicts what training mode computed for that batch. */
Test(embnn, eval_mode_uses_running_statistics)
{
	struct model *m = make(0.0f, 0.0f);
	struct embnn *n = m->nn;
	float *g = calloc(m->n_params, sizeof *g);
	model_loss_grad(m, U, I, R, N, g);
	float out[N];
	memcpy(out, n->out, sizeof out);
	for (int l = 0; l < n->n_layers; l++)
		for (int j = 0; j < n->width[l]; j++) {
			n->run_mean[l][j] = n->mean[l][j];
			n->run_var[l][j] = 1.0f / (n->rstd[l][j] * n->rstd[l][j]) - 1e-5f;
		}
	for (size_t b = 0; b < N; b++) {
		float want = 5.5f / (1.0f + expf(-out[b]));
		cr_assert_float_eq(model_predict(m, U[b], I[b]), want, 1e-4,
				   "row %zu", b);
	}
	/* and the evaluation loss is the mean over the same predictions */
	double sum = 0.0;
	for (size_t b = 0; b < N; b++) {
		double d = model_predict(m, U[b], I[b]) - R[b];
		sum += d * d;
	}
	cr_assert_float_eq(model_loss_grad(m, U, I, R, N, NULL), sum / N, 1e-5);
	uint32_t idx[N];
	for (uint32_t j = 0; j < N; j++)
		idx[j] = j;
	cr_assert_float_eq(model_mse_idx(m, U, I, R, idx, N), sum / N, 1e-5);
	free(g);
	model_free(m);
}

/* fastai's initialisation: BatchNorm weight 1, bias 1e-3, fresh running
 * statistics, linear weights within nn.Linear's kaiming-uniform bound. */
Test(embnn, initialisation)
{
	struct rng r;
	struct model *m = new_nn(30, 40, 100, 50, 0.0f, 0.0f, 3, &r);
	struct embnn *n = m->nn;
	float bound = 1.0f / sqrtf((float)n->d_in);
	for (size_t j = 0; j < 100 * (size_t)n->d_in; j++)
		cr_assert(fabsf(n->w[0][j]) <= bound);
	for (int j = 0; j < 50; j++) {
		cr_assert_eq(n->gamma[1][j], 1.0f);
		cr_assert_eq(n->beta[1][j], 1e-3f);
		cr_assert_eq(n->run_var[1][j], 1.0f);
		cr_assert_eq(n->run_mean[1][j], 0.0f);
	}
	for (size_t j = 0; j < 30 * (size_t)n->du; j++)
		cr_assert(fabsf(n->emb_u[j]) < 0.02f);
	model_free(m);
}

Test(embnn, config_is_checked)
{
	struct model_cfg c = model_cfg_default();
	c.kind = MODEL_NN;
	c.n_users = 3;
	c.n_items = 3;
	cr_assert_not_null(model_cfg_check(&c), "no layers");
	c.n_layers = 1;
	c.layers[0] = 10;
	cr_assert_null(model_cfg_check(&c));
	c.ps = 1.0f;
	cr_assert_not_null(model_cfg_check(&c));
}
