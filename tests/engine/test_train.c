/* test_train.c -- the fit loop on a planted low-rank problem: it learns,
 * it is deterministic for a seed, and threads do not change its numbers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"
#include "fit.h"

/* ratings = clamp(1..5) of a rank-2 model with biases, every pair rated */
struct planted {
	uint32_t u[60 * 40], i[60 * 40];
	float r[60 * 40];
	size_t n;
};

static void plant(struct planted *p)
{
	struct rng g;
	rng_seed(&g, 11);
	double a[60][2], b[40][2], ub[60], ib[40];
	for (int u = 0; u < 60; u++) {
		a[u][0] = rng_normal(&g);
		a[u][1] = rng_normal(&g);
		ub[u] = 0.5 * rng_normal(&g);
	}
	for (int i = 0; i < 40; i++) {
		b[i][0] = rng_normal(&g);
		b[i][1] = rng_normal(&g);
		ib[i] = 0.5 * rng_normal(&g);
	}
	p->n = 0;
	for (int u = 0; u < 60; u++)
		for (int i = 0; i < 40; i++) {
			double x = 3.0 + 0.6 * (a[u][0] * b[i][0] + a[u][1] * b[i][1]) + ub[u] + ib[i];
			p->u[p->n] = (uint32_t)u;
			p->i[p->n] = (uint32_t)i;
			p->r[p->n] = (float)fmin(5.0, fmax(1.0, x));
			p->n++;
		}
}

struct run {
	double valid[20];
	int epochs;
	float params_sum;
};

static struct run fit(const struct planted *p, struct eng_train_hp tc, int k, enum eng_model_kind kind)
{
	struct eng_model_hp mc = model_cfg_default();
	mc.kind = kind;
	mc.n_users = 60;
	mc.n_items = 40;
	mc.n_factors = k;
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct split sp;
	cr_assert_eq(split_random(p->n, 0.2, 5, &sp), 0);
	struct fit *t = fit_new(m, &(const struct rcols){ .n = p->n, .user32 = p->u, .item32 = p->i, .real = p->r },
				&sp, &tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct run out = {0};
	struct eng_train_report rep;
	enum train_status st;
	do {
		st = fit_step(t, 7, &rep);
		cr_assert_eq(rep.n_batches, (long)(sp.n_train / (size_t)tc.bs),
			     "the last partial batch is dropped");
		if (st != TRAIN_MORE)
			out.valid[out.epochs++] = rep.valid_loss;
	} while (st != TRAIN_DONE);
	cr_assert_eq(fit_step(t, 5, &rep), TRAIN_DONE, "done stays done");
	for (size_t j = 0; j < m->n_params; j++)
		out.params_sum += m->params[j];
	fit_free(t);
	split_free(&sp);
	model_free(m);
	return out;
}

static double variance(const struct planted *p)
{
	double s = 0, s2 = 0;
	for (size_t j = 0; j < p->n; j++) {
		s += p->r[j];
		s2 += (double)p->r[j] * p->r[j];
	}
	return s2 / p->n - (s / p->n) * (s / p->n);
}

Test(train, learns_planted_structure)
{
	struct planted p;
	plant(&p);
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 12;
	tc.bs = 32;
	tc.lr = 3e-2;
	tc.wd = 0.01;
	struct run r = fit(&p, tc, 8, ENG_MODEL_DOTBIAS);
	cr_assert_eq(r.epochs, 12);
	double base = variance(&p);
	cr_log_info("rating variance %.3f, valid MSE after training %.3f", base, r.valid[11]);
	cr_assert(r.valid[11] < 0.35 * base, "valid MSE %.3f vs variance %.3f", r.valid[11], base);
	cr_assert(r.valid[11] < r.valid[0]);
}

Test(train, sgd_and_constant_schedule_learn)
{
	struct planted p;
	plant(&p);
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 15;
	tc.bs = 16;
	tc.lr = 0.1;
	tc.wd = 0.0;
	tc.opt = ENG_OPTIM_SGD;
	tc.sched = ENG_SCHED_CONSTANT;
	tc.mom = 0.9;
	struct run r = fit(&p, tc, 8, ENG_MODEL_DOTBIAS);
	cr_assert(r.valid[14] < 0.6 * variance(&p), "valid MSE %.3f", r.valid[14]);
}

Test(train, same_seed_same_numbers)
{
	struct planted p;
	plant(&p);
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 3;
	struct run a = fit(&p, tc, 4, ENG_MODEL_DOT);
	struct run b = fit(&p, tc, 4, ENG_MODEL_DOT);
	cr_assert_eq(memcmp(a.valid, b.valid, sizeof a.valid), 0);
	cr_assert_eq(a.params_sum, b.params_sum);
	tc.seed = 43;
	struct run c = fit(&p, tc, 4, ENG_MODEL_DOT);
	cr_assert_neq(a.params_sum, c.params_sum, "another seed, other numbers");
}

Test(train, threads_do_not_change_the_numbers)
{
	struct planted p;
	plant(&p);
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 2;
	struct run a = fit(&p, tc, 6, ENG_MODEL_DOTBIAS);
	tc.threads = 2;
	struct run b = fit(&p, tc, 6, ENG_MODEL_DOTBIAS);
	cr_assert_eq(memcmp(a.valid, b.valid, sizeof a.valid), 0);
	cr_assert_eq(a.params_sum, b.params_sum);
}

Test(train, refuses_bad_settings)
{
	struct planted p;
	plant(&p);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = 60;
	mc.n_items = 40;
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	struct split sp;
	split_random(p.n, 0.2, 1, &sp);
	struct eng_train_hp tc = train_cfg_default();
	tc.bs = 5000;
	cr_assert_null(fit_new(m, &(const struct rcols){ .n = p.n, .user32 = p.u, .item32 = p.i, .real = p.r },
			       &sp, &tc, 1, err, sizeof err));
	cr_assert(strstr(err, "fewer than one batch") != NULL, "%s", err);
	tc = train_cfg_default();
	tc.lr = -1;
	cr_assert_null(fit_new(m, &(const struct rcols){ .n = p.n, .user32 = p.u, .item32 = p.i, .real = p.r },
			       &sp, &tc, 1, err, sizeof err));
	cr_assert(strstr(err, "learning rate") != NULL, "%s", err);
	split_free(&sp);
	model_free(m);
}

Test(split, random_is_a_seeded_partition)
{
	struct split a, b;
	cr_assert_eq(split_random(1000, 0.2, 7, &a), 0);
	cr_assert_eq(a.n_valid, 200);
	cr_assert_eq(a.n_train, 800);
	unsigned char seen[1000] = {0};
	for (size_t j = 0; j < a.n_train; j++)
		seen[a.train[j]]++;
	for (size_t j = 0; j < a.n_valid; j++)
		seen[a.valid[j]]++;
	for (int j = 0; j < 1000; j++)
		cr_assert_eq(seen[j], 1, "index %d appears %d times", j, seen[j]);
	cr_assert_eq(split_random(1000, 0.2, 7, &b), 0);
	cr_assert_eq(memcmp(a.valid, b.valid, 200 * sizeof(uint32_t)), 0);
	split_free(&b);
	cr_assert_eq(split_random(1000, 0.2, 8, &b), 0);
	cr_assert_neq(memcmp(a.valid, b.valid, 200 * sizeof(uint32_t)), 0);
	split_free(&a);
	split_free(&b);
	cr_assert_eq(split_random(10, 1.0, 1, &a), -1);
	cr_assert_eq(split_prefix(10, 7, &a), 0);
	cr_assert_eq(a.n_train, 7);
	cr_assert_eq(a.valid[0], 7);
	split_free(&a);
}
