/* test_embnn.c -- the chapter's neural network: fastai's embedding sizes, the
 * training-mode gradient of every parameter against central finite
 * differences (embeddings, linear weights and bias, BatchNorm's gamma and
 * beta, through ReLU and dropout), BatchNorm's running statistics and
 * their precision, the evaluation mode, the initialisation, and which
 * parameters the trainer decays. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "model.h"
#include "embnn.h"
#include "split.h"
#include "fit.h"

/* 6 users, 7 items, a batch of 8 with repeated users and items. */
static const uint32_t U[] = { 0, 1, 5, 0, 2, 3, 4, 1 };
static const uint32_t I[] = { 4, 0, 2, 2, 1, 6, 3, 4 };
static const float R[] = { 4.0f, 1.0f, 3.5f, 5.0f, 2.0f, 3.0f, 4.5f, 2.5f };
#define N (sizeof U / sizeof U[0])

/* An nn of two hidden layers of h0 and h1 units, initialised from seed. */
static struct model *new_nn(uint32_t n_users, uint32_t n_items, int h0, int h1,
			    float emb_drop, float ps, uint64_t seed, struct rng *r)
{
	struct eng_model_hp c = model_cfg_default();
	c.kind = ENG_MODEL_NN;
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
	cr_assert_float_eq(model_mse_idx(m, &(const struct rcols){ .n = N, .user32 = U, .item32 = I, .real = R },
					 idx, N), sum / N, 1e-5);
	free(g);
	model_free(m);
}

/* Largest |p[j]| and the root mean square of len floats. */
static void spread(const float *p, size_t len, double *max_abs, double *rms)
{
	double m = 0.0, ss = 0.0;
	for (size_t j = 0; j < len; j++) {
		m = fmax(m, fabs((double)p[j]));
		ss += (double)p[j] * p[j];
	}
	*max_abs = m;
	*rms = sqrt(ss / (double)len);
}

/* nn.Linear's kaiming_uniform_(a=sqrt(5)): U(-b, b) with b = 1/sqrt(fan_in),
 * so the values reach close to b and their rms is b/sqrt(3). */
static void check_uniform(const float *p, size_t len, int fan_in, const char *what)
{
	double b = 1.0 / sqrt((double)fan_in), max_abs, rms;
	spread(p, len, &max_abs, &rms);
	cr_assert(max_abs <= b * (1.0 + 1e-6), "%s: %g beyond the bound %g", what, max_abs, b);
	if (len >= 1000) {
		cr_assert(max_abs > 0.98 * b, "%s: largest %g, bound %g", what, max_abs, b);
		cr_assert(fabs(rms * sqrt(3.0) / b - 1.0) < 0.05, "%s: rms %g, want %g",
			  what, rms, b / sqrt(3.0));
	}
}

/* fastai's initialisation: embeddings 0.01 * a normal wrapped into (-2, 2),
 * every Linear (bias included) nn.Linear's uniform, BatchNorm weight 1 and
 * bias 1e-3, fresh running statistics. */
Test(embnn, initialisation)
{
	struct rng r;
	struct model *m = new_nn(300, 400, 100, 50, 0.0f, 0.0f, 3, &r);
	struct embnn *n = m->nn;
	check_uniform(n->w[0], 100 * (size_t)n->d_in, n->d_in, "w[0]");
	check_uniform(n->w[1], 50 * 100, 100, "w[1]");
	check_uniform(n->w_out, 50, 50, "w_out");
	check_uniform(n->b_out, 1, 50, "b_out");
	cr_assert_neq(n->b_out[0], 0.0f, "the output bias is drawn too, not zeroed");
	for (int l = 0; l < 2; l++)
		for (int j = 0; j < n->width[l]; j++) {
			cr_assert_eq(n->gamma[l][j], 1.0f);
			cr_assert_eq(n->beta[l][j], 1e-3f);
			cr_assert_eq(n->run_var[l][j], 1.0f);
			cr_assert_eq(n->run_mean[l][j], 0.0f);
		}
	double max_abs, rms;
	size_t n_emb = 300 * (size_t)n->du + 400 * (size_t)n->di;
	spread(n->emb_u, n_emb, &max_abs, &rms);
	cr_assert(max_abs < 0.02, "embedding %g outside (-0.02, 0.02)", max_abs);
	/* the wrap moves the 4.6% beyond 2 sigma next to 0: E[x^2] = 0.745 std^2,
	 * where a plain normal gives std^2 and one clipped at 2 sigma 0.92 */
	cr_assert(rms > 0.0083 && rms < 0.0089, "embedding rms %g, want 0.0086", rms);
	model_free(m);
}

/* BatchNorm's batch mean is summed in double (PyTorch's CPU accumulation
 * type for float).  ReLU outputs far from 0 with a small spread make a
 * float sum of 256 rows drift by about 2 ulps of the mean (sometimes less
 * than half a ulp, hence 8 columns); summed in double, every stored mean
 * is the exact one, rounded once. */
Test(embnn, batch_statistics_in_double)
{
	enum { B = 256, H = 8 };
	struct rng r;
	struct model *m = new_nn(B, 1, H, 4, 0.0f, 0.0f, 5, &r);
	struct embnn *n = m->nn;
	cr_assert_geq(n->du, H);
	/* h[b][j] = user b's embedding value j */
	memset(n->w[0], 0, H * (size_t)n->d_in * sizeof(float));
	for (int j = 0; j < H; j++)
		n->w[0][(size_t)j * (size_t)n->d_in + (size_t)j] = 1.0f;
	uint32_t u[B], it[B];
	float rt[B];
	for (uint32_t b = 0; b < B; b++) {
		for (int j = 0; j < H; j++)
			n->emb_u[(size_t)b * (size_t)n->du + (size_t)j] =
				(float)(1000.0 + 700.0 * j + 0.05 * (j + 1) * rng_normal(&r));
		u[b] = b;
		it[b] = 0;
		rt[b] = 3.0f;
	}
	float *g = calloc(m->n_params, sizeof *g);
	model_loss_grad(m, u, it, rt, B, g);
	for (int j = 0; j < H; j++) {
		double sum = 0.0, ss = 0.0;
		for (size_t b = 0; b < B; b++)
			sum += n->h[0][b * H + (size_t)j];
		double mean = sum / B;
		for (size_t b = 0; b < B; b++)
			ss += (n->h[0][b * H + (size_t)j] - mean) * (n->h[0][b * H + (size_t)j] - mean);
		cr_expect_eq(n->mean[0][j], (float)mean, "unit %d: mean %.9g, want %.9g", j,
			     (double)n->mean[0][j], mean);
		double rstd = 1.0 / sqrt(ss / B + 1e-5);
		cr_expect_float_eq(n->rstd[0][j], rstd, 1e-5 * rstd, "unit %d", j);
	}
	free(g);
	model_free(m);
}

/* fastai's wd_bn_bias=False, through the trainer: one Adam step (the
 * first, so p moves by lr g / (|g| + eps)) decays the embeddings and the
 * Linear weights by 1 - lr wd, and leaves BatchNorm's weight and bias and
 * the output bias undecayed.  Rows the batch did not touch only decay. */
Test(embnn, weight_decay_skips_batchnorm_and_bias)
{
	const double lr = 0.01, wd = 1.0, eps = 1e-5;
	struct rng r;
	struct model *m = new_nn(8, 9, 6, 4, 0.0f, 0.0f, 7, &r);
	struct model *twin = new_nn(8, 9, 6, 4, 0.0f, 0.0f, 7, &r);
	size_t total = m->n_params + m->n_buffers;
	float *p0 = malloc(total * sizeof *p0);
	float *g = calloc(m->n_params, sizeof *g);
	memcpy(p0, m->params, total * sizeof *p0);
	memcpy(twin->params, m->params, total * sizeof *p0);
	model_loss_grad(twin, U, I, R, N, g);

	uint32_t all[N];
	for (uint32_t j = 0; j < N; j++)
		all[j] = j;
	struct split sp = { .train = all, .n_train = N, .valid = all, .n_valid = 0 };
	struct eng_train_hp tc = train_cfg_default();
	tc.bs = N;
	tc.lr = lr;
	tc.wd = wd;
	tc.sched = ENG_SCHED_CONSTANT;
	char err[128];
	struct fit *t = fit_new(m, &(const struct rcols){ .n = N, .user32 = U, .item32 = I, .real = R },
				&sp, &tc, 0, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	fit_step(t, 1, &rep);

	struct embnn *n = m->nn;
	size_t no_wd = (size_t)(n->gamma[0] - n->emb_u), untouched = 0;
	for (size_t i = 0; i < m->n_params; i++) {
		double decay = i < no_wd ? 1.0 - lr * wd : 1.0;
		double want = p0[i] * decay - lr * g[i] / (fabs(g[i]) + eps);
		cr_assert_float_eq(m->params[i], want, 2e-6, "param %zu (%s): %.7g, want %.7g",
				   i, i < no_wd ? "decayed" : "not decayed",
				   (double)m->params[i], want);
		untouched += g[i] == 0.0f && i < no_wd;
	}
	cr_assert(untouched > 0, "some embedding rows sit out the batch");
	fit_free(t);
	free(g);
	free(p0);
	model_free(twin);
	model_free(m);
}

Test(embnn, config_is_checked)
{
	struct eng_model_hp c = model_cfg_default();
	c.kind = ENG_MODEL_NN;
	c.n_users = 3;
	c.n_items = 3;
	cr_assert_not_null(model_cfg_check(&c), "no layers");
	c.n_layers = 1;
	c.layers[0] = 10;
	cr_assert_null(model_cfg_check(&c));
	c.ps = 1.0f;
	cr_assert_not_null(model_cfg_check(&c));
}

/* The ranking metrics' scores of an nn: every (user, item) of a block,
 * in forward passes cut at the reserved rows (5 here, so passes straddle
 * users), equal the network's output for that pair; with y_range the
 * order is the predictions' order. */
Test(embnn, scores_of_a_user_block)
{
	struct model *m = make(0.0f, 0.0f);
	cr_assert_eq(model_reserve(m, 5), 0);
	float out[3 * 7];
	metrics_model_scores(m, 2, 3, out);
	for (uint32_t u = 0; u < 3; u++)
		for (uint32_t i = 0; i < 7; i++) {
			float raw = out[u * 7 + i];
			float want = model_predict(m, 2 + u, i);     /* y_range (0, 5.5) */
			float squashed = 5.5f / (1.0f + expf(-raw));
			cr_assert_float_eq(squashed, want, 1e-5f, "user %u item %u: %g vs %g",
					   2 + u, i, squashed, want);
		}
	model_free(m);
}
