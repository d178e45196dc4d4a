/* test_model.c -- the models' MSE gradient against central finite
 * differences, for every model variant, and prediction by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* A small problem: 4 users, 5 items, k factors, a batch with a repeated
 * user and item so that gradient accumulation is exercised. */
static const uint32_t U[] = { 0, 1, 3, 0, 2, 3 };
static const uint32_t I[] = { 4, 0, 2, 2, 1, 2 };
static const float R[] = { 4.0f, 1.0f, 3.5f, 5.0f, 2.0f, 3.0f };
#define N (sizeof U / sizeof U[0])

static struct model *make(enum eng_model_kind kind, int y_range, int k)
{
	struct eng_model_hp c = model_cfg_default();
	c.kind = kind;
	c.n_users = 4;
	c.n_items = 5;
	c.n_factors = k;
	c.use_y_range = y_range;
	char err[128];
	struct model *m = model_new(&c, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	/* weights large enough that the sigmoid is away from its linear part */
	struct rng r;
	rng_seed(&r, 7);
	for (size_t i = 0; i < m->n_params; i++)
		m->params[i] = (float)(0.6 * rng_normal(&r));
	return m;
}

/* Compare the analytic gradient with (L(p+h) - L(p-h)) / 2h, computed in
 * float like the model, for every parameter. */
static void check_gradient(enum eng_model_kind kind, int y_range)
{
	struct model *m = make(kind, y_range, 5);
	float *g = calloc(m->n_params, sizeof *g);
	double loss = model_loss_grad(m, U, I, R, N, g);
	cr_assert(isfinite(loss) && loss > 0.0);
	double worst = 0.0;
	for (size_t i = 0; i < m->n_params; i++) {
		const float h = 1e-2f;
		float keep = m->params[i];
		m->params[i] = keep + h;
		double up = model_loss_grad(m, U, I, R, N, NULL);
		m->params[i] = keep - h;
		double down = model_loss_grad(m, U, I, R, N, NULL);
		m->params[i] = keep;
		double fd = (up - down) / (2.0 * h);
		double diff = fabs(fd - g[i]) / fmax(1e-2, fabs(fd));
		if (diff > worst)
			worst = diff;
		cr_expect(diff < 2e-3, "param %zu: analytic %g, finite difference %g",
			  i, (double)g[i], fd);
	}
	cr_log_info("largest relative gradient error %.2e", worst);
	free(g);
	model_free(m);
}

Test(model, gradient_dot) { check_gradient(ENG_MODEL_DOT, 0); }
Test(model, gradient_dot_y_range) { check_gradient(ENG_MODEL_DOT, 1); }
Test(model, gradient_dotbias) { check_gradient(ENG_MODEL_DOTBIAS, 0); }
Test(model, gradient_dotbias_y_range) { check_gradient(ENG_MODEL_DOTBIAS, 1); }

Test(model, gradient_accumulates_into_buffer)
{
	struct model *m = make(ENG_MODEL_DOTBIAS, 1, 3);
	float *g1 = calloc(m->n_params, sizeof *g1);
	float *g2 = calloc(m->n_params, sizeof *g2);
	model_loss_grad(m, U, I, R, N, g1);
	model_loss_grad(m, U, I, R, N, g2);
	model_loss_grad(m, U, I, R, N, g2);
	for (size_t i = 0; i < m->n_params; i++)
		cr_assert_float_eq(g2[i], 2.0f * g1[i], 1e-6f);
	free(g1);
	free(g2);
	model_free(m);
}

Test(model, predict_by_hand)
{
	struct eng_model_hp c = model_cfg_default();
	c.n_users = 1;
	c.n_items = 1;
	c.n_factors = 2;
	char err[128];
	struct model *m = model_new(&c, err, sizeof err);
	cr_assert_not_null(m);
	m->user_f[0] = 1.0f;
	m->user_f[1] = 2.0f;
	m->item_f[0] = 0.5f;
	m->item_f[1] = -0.25f;
	m->user_b[0] = 0.3f;
	m->item_b[0] = -0.1f;
	/* raw = 0.5 - 0.5 + 0.3 - 0.1 = 0.2; 5.5 * sigmoid(0.2) */
	cr_assert_float_eq(model_predict(m, 0, 0), 5.5 / (1.0 + exp(-0.2)), 1e-6);
	m->cfg.use_y_range = 0;
	cr_assert_float_eq(model_predict(m, 0, 0), 0.2f, 1e-6f);
	model_free(m);
}

Test(model, shapes_and_layout)
{
	struct model *m = make(ENG_MODEL_DOTBIAS, 1, 5);
	cr_assert_eq(m->n_params, (4 + 5) * 5 + 4 + 5);
	cr_assert_eq(m->item_f, m->user_f + 4 * 5);
	cr_assert_eq(m->user_b, m->item_f + 5 * 5);
	cr_assert_eq(m->item_b, m->user_b + 4);
	model_free(m);
	m = make(ENG_MODEL_DOT, 0, 5);
	cr_assert_eq(m->n_params, (4 + 5) * 5);
	cr_assert_null(m->user_b);
	model_free(m);
}

Test(model, bad_configs_refused)
{
	struct eng_model_hp c = model_cfg_default();
	c.n_users = 3;
	c.n_items = 3;
	char err[128];
	c.n_factors = 0;
	cr_assert_null(model_new(&c, err, sizeof err));
	cr_assert(strstr(err, "factors") != NULL, "%s", err);
	c.n_factors = 4;
	c.y_lo = 5.0f;
	c.y_hi = 1.0f;
	cr_assert_null(model_new(&c, err, sizeof err));
	cr_assert(strstr(err, "y_range") != NULL, "%s", err);
	c.use_y_range = 0;
	struct model *m = model_new(&c, err, sizeof err);
	cr_assert_not_null(m, "a reversed y_range is fine when it is off: %s", err);
	model_free(m);
}

Test(model, init_is_fastai_normal)
{
	struct eng_model_hp c = model_cfg_default();
	c.n_users = 400;
	c.n_items = 600;
	char err[128];
	struct model *m = model_new(&c, err, sizeof err);
	struct rng r;
	rng_seed(&r, 1);
	model_init(m, &r);
	double s = 0, s2 = 0, big = 0;
	for (size_t i = 0; i < m->n_params; i++) {
		s += m->params[i];
		s2 += (double)m->params[i] * m->params[i];
		big = fmax(big, fabs(m->params[i]));
	}
	double mean = s / m->n_params, sd = sqrt(s2 / m->n_params - mean * mean);
	cr_assert(fabs(mean) < 2e-4, "mean %g", mean);
	/* fmod(N(0,1), 2) has standard deviation 0.8659 (numerical integral) */
	cr_assert(fabs(sd - 0.008659) < 2e-4, "std %g", sd);
	cr_assert(big < 0.02, "wrapped into (-2, 2) standard deviations: max |w| %g", big);
	model_free(m);
}

/* Filled in parts on a pool, the parameters are model_init()'s to the
 * bit, and the stream ends where model_init() leaves it: (3001 + 1999)
 * rows of 50 factors and a bias are 255,000 parameters, three whole
 * parts and a short one. */
Test(model, init_on_a_pool_is_model_init_to_the_bit)
{
	struct eng_model_hp c = model_cfg_default();
	c.n_users = 3001;
	c.n_items = 1999;
	char err[128];
	struct model *want = model_new(&c, err, sizeof err);
	cr_assert_not_null(want, "%s", err);
	struct rng r0;
	rng_seed(&r0, 5);
	model_init(want, &r0);
	for (int threads = 1; threads <= 3; threads++) {
		struct model *m = model_new(&c, err, sizeof err);
		struct pool *pool = pool_new(threads);
		cr_assert(m && pool);
		struct rng r;
		rng_seed(&r, 5);
		model_init_pool(m, &r, pool);
		cr_assert(memcmp(m->params, want->params, m->n_params * sizeof(float)) == 0,
			  "%d threads", threads);
		cr_assert(memcmp(&r, &r0, sizeof r) == 0, "the stream where model_init leaves it");
		pool_free(pool);
		model_free(m);
	}
	model_free(want);
}

Test(model, keep_users_drops_the_last_rows_in_place)
{
	struct model *m = make(ENG_MODEL_DOTBIAS, 1, 3); /* 4 users, 5 items */
	float items[5 * 3], ib[5], ub[2], u0[3];
	memcpy(items, m->item_f, sizeof items);
	memcpy(ib, m->item_b, sizeof ib);
	memcpy(ub, m->user_b, sizeof ub);
	memcpy(u0, m->user_f, sizeof u0);
	float before = model_predict(m, 1, 2);
	model_keep_users(m, 2);
	cr_assert_eq(m->cfg.n_users, 2);
	cr_assert_eq(m->n_params, (2 + 5) * 3 + 2 + 5);
	cr_assert_eq(memcmp(m->item_f, items, sizeof items), 0);
	cr_assert_eq(memcmp(m->item_b, ib, sizeof ib), 0);
	cr_assert_eq(memcmp(m->user_b, ub, sizeof ub), 0);
	cr_assert_eq(memcmp(m->user_f, u0, sizeof u0), 0);
	cr_assert_eq(model_predict(m, 1, 2), before, "kept users predict as before");
	model_free(m);
}
