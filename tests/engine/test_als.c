/* test_als.c -- ALS's half-step against a direct dense solve of the same
 * ridge problem, its sweeps on a planted problem, and the Gibbs sampler's
 * reproducibility. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "als.h"
#include "bpmf.h"
#include "train.h"
#include "testmath.h"

/* 4 users x 3 items, 8 ratings (user 3 rated nothing: the prior alone). */
static const uint32_t tu[] = { 0, 0, 0, 1, 1, 2, 2, 2 };
static const uint32_t ti[] = { 0, 1, 2, 0, 2, 0, 1, 2 };
static const float tr[] = { 5, 3, 1, 4, 2, 1, 2, 5 };
#define TN 8
#define TCOLS ((const struct rcols){ .n = TN, .user32 = tu, .item32 = ti, .real = tr })

Test(als, half_step_matches_direct_solve)
{
	enum { K = 2, K1 = 3, NU = 4, NI = 3 };
	uint32_t all[TN];
	for (uint32_t j = 0; j < TN; j++)
		all[j] = j;
	struct split sp = { .train = all, .n_train = TN };
	struct als_csr csr;
	cr_assert_eq(als_csr_build(&csr, NU, NI, &TCOLS, &sp), 0);
	const float item_f[NI * K] = { 0.3f, -0.2f, 0.5f, 0.4f, -0.6f, 0.1f };
	const float item_b[NI] = { 3.2f, 2.9f, 3.1f };
	const float prec[K1] = { 0.7f, 0.7f, 0.2f }, mean[K1] = { 0, 0, 0.1f };
	float uf[NU * K], ub[NU];
	float *work = malloc(als_half_work_floats(&csr.by_user, K) * sizeof *work);
	struct als_half h = {
		.side = &csr.by_user, .k = K, .other_f = item_f, .other_b = item_b,
		.f = uf, .b = ub, .noise_prec = 1.5f, .prior_prec = prec,
		.prior_mean = mean, .work = work,
	};
	als_half_part(&h, 0, 1);
	cr_assert_eq(h.bad_rows, 0);

	for (uint32_t u = 0; u < NU; u++) {
		/* (alpha X^T X + P) x = alpha X^T y + P m, X rows [V[i], 1] */
		double M[K1 * K1] = {0}, v[K1] = {0};
		for (int j = 0; j < TN; j++) {
			if (tu[j] != u)
				continue;
			double x[K1] = { item_f[ti[j] * K], item_f[ti[j] * K + 1], 1.0 };
			double y = tr[j] - item_b[ti[j]];
			for (int a = 0; a < K1; a++) {
				v[a] += 1.5 * x[a] * y;
				for (int b = 0; b < K1; b++)
					M[a * K1 + b] += 1.5 * x[a] * x[b];
			}
		}
		for (int a = 0; a < K1; a++) {
			M[a * K1 + a] += prec[a];
			v[a] += prec[a] * mean[a];
		}
		testmath_solve(K1, M, v);
		cr_assert_float_eq(uf[u * K], v[0], 1e-4, "user %u factor 0", u);
		cr_assert_float_eq(uf[u * K + 1], v[1], 1e-4, "user %u factor 1", u);
		cr_assert_float_eq(ub[u], v[2], 1e-4, "user %u bias", u);
	}
	/* the user with no ratings gets the prior mean */
	cr_assert_float_eq(ub[3], 0.1f, 1e-6);
	free(work);
	als_csr_free(&csr);
}

Test(als, csr_groups_every_rating_once)
{
	uint32_t all[TN];
	for (uint32_t j = 0; j < TN; j++)
		all[j] = j;
	struct split sp = { .train = all, .n_train = TN };
	struct als_csr csr;
	cr_assert_eq(als_csr_build(&csr, 4, 3, &TCOLS, &sp), 0);
	cr_assert_eq(csr.by_user.ptr[4], TN);
	cr_assert_eq(csr.by_item.ptr[3], TN);
	cr_assert_eq(csr.by_user.max_deg, 3);
	cr_assert_eq(csr.by_user.ptr[3], csr.by_user.ptr[4], "user 3 has no ratings");
	for (uint32_t i = 0; i < 3; i++)
		for (uint32_t j = csr.by_item.ptr[i]; j < csr.by_item.ptr[i + 1]; j++) {
			uint32_t u = csr.by_item.idx[j];
			int found = 0;
			for (int t = 0; t < TN; t++)
				found |= tu[t] == u && ti[t] == i && tr[t] == csr.by_item.val[j];
			cr_assert(found, "item %u user %u", i, u);
		}
	als_csr_free(&csr);
}

/* Fit with the trainer (one sweep an epoch); returns the final valid MSE
 * and the model (caller frees). */
static double fit(const struct testmath_planted *p, enum eng_fit algo, int k, int epochs,
		  int threads, struct model **out)
{
	struct split sp;
	cr_assert_eq(split_random(p->n, 0.2, 3, &sp), 0);
	struct eng_train_hp tc = train_cfg_default();
	tc.algo = algo;
	tc.epochs = epochs;
	tc.wd = 0.5;
	tc.threads = threads;
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = 50, .n_items = 30,
				.n_factors = train_model_factors(&tc, k) };
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert(m, "%s", err);
	struct ratings_view v = { .c = rcols_plain(p->n, p->u, p->i, p->r), .sp = &sp };
	struct trainer *t = trainer_new(trainer_ops_for(&tc, 0), m, &v, &tc, 1, err, sizeof err);
	cr_assert(t, "%s", err);
	struct eng_train_report rep;
	double prev = INFINITY;
	enum train_status st;
	do {
		st = trainer_step(t, 1, &rep);
		if (algo == ENG_FIT_ALS) /* each sweep minimises; the loss settles */
			cr_assert_leq(rep.train_loss, prev * 1.05, "epoch %d", rep.epoch);
		prev = rep.train_loss;
	} while (st != TRAIN_DONE);
	trainer_free(t);
	split_free(&sp);
	*out = m;
	return rep.valid_loss;
}

Test(als, learns_planted_and_ignores_threads)
{
	static struct testmath_planted p;
	testmath_plant(&p, 7);
	struct model *a, *b;
	double va = fit(&p, ENG_FIT_ALS, 2, 10, 1, &a);
	double vb = fit(&p, ENG_FIT_ALS, 2, 10, 3, &b);
	cr_assert_lt(va, 0.05, "valid MSE %g (noise variance 0.01)", va);
	cr_assert_eq(va, vb);
	cr_assert_eq(memcmp(a->params, b->params, a->n_params * sizeof(float)), 0,
		     "threads changed the result");
	model_free(a);
	model_free(b);
}

Test(als, rejects_y_range)
{
	static struct testmath_planted p;
	testmath_plant(&p, 7);
	struct split sp;
	cr_assert_eq(split_random(p.n, 0.2, 3, &sp), 0);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = 50;
	mc.n_items = 30;
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	struct als_cfg ac = { .k = mc.n_factors, .reg = 1, .reg_bias = 1, .threads = 1 };
	cr_assert_null(als_new(m, &(const struct rcols){ .n = p.n, .user32 = p.u, .item32 = p.i, .real = p.r },
			       &sp, &ac, err, sizeof err));
	cr_assert(strstr(err, "y_range"), "%s", err);
	model_free(m);
	split_free(&sp);
}

Test(bpmf, learns_planted_and_is_reproducible)
{
	static struct testmath_planted p;
	testmath_plant(&p, 7);
	struct model *a, *b;
	double va = fit(&p, ENG_FIT_BPMF, 2, 40, 1, &a);
	double vb = fit(&p, ENG_FIT_BPMF, 2, 40, 2, &b);
	cr_assert_lt(va, 0.05, "valid MSE %g (noise variance 0.01)", va);
	cr_assert_eq(va, vb, "threads changed the samples");
	cr_assert_eq(a->cfg.n_factors, 2 * bpmf_kept(40));
	model_free(a);
	model_free(b);
}
