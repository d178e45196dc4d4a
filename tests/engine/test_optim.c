/* test_optim.c -- fastai's Adam and SGD: one step by hand, and many steps
 * of the two-pass implementation against the textbook loop. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "optim.h"
#include "rng.h"

Test(optim, adam_two_steps_by_hand)
{
	struct optim_cfg c = optim_cfg_default(ENG_OPTIM_ADAM);
	c.wd = 0.1f;
	struct optim *o = optim_new(&c, 1, 1);
	float p = 1.0f, g = 0.5f;
	struct optim_span all = { 0, 1 };
	optim_step(o, &p, &g, &all, 1, 0.1f, 0.9f);
	/* p = 1*(1 - 0.1*0.1) - 0.1/(1-0.9) * 0.05 / (sqrt(0.0025/0.01) + 1e-5) */
	cr_assert_float_eq(p, 0.99 - 0.05 / (0.5 + 1e-5), 1e-6);
	cr_assert_eq(g, 0.0f, "the gradient is cleared");
	g = -0.2f;
	optim_step(o, &p, &g, &all, 1, 0.1f, 0.9f);
	/* m = 0.045 - 0.02 = 0.025, v = 0.002475 + 0.0004 = 0.002875,
	 * debias 1 - 0.81 = 0.19 and 1 - 0.9801 = 0.0199 */
	double p1 = 0.99 - 0.05 / (0.5 + 1e-5);
	double want = p1 * 0.99 - 0.1 / 0.19 * 0.025 / (sqrt(0.002875 / 0.0199) + 1e-5);
	cr_assert_float_eq(p, want, 1e-6, "got %.9f want %.9f", p, want);
	optim_free(o);
}

Test(optim, sgd_momentum_by_hand)
{
	struct optim_cfg c = optim_cfg_default(ENG_OPTIM_SGD);
	c.wd = 0.5f;
	struct optim *o = optim_new(&c, 1, 1);
	float p = 2.0f, g = 1.0f;
	struct optim_span all = { 0, 1 };
	optim_step(o, &p, &g, &all, 1, 0.1f, 0.9f);
	/* p = 2*(1-0.05) - 0.1*1 = 1.8 */
	cr_assert_float_eq(p, 1.8f, 1e-6f);
	g = 0.0f;
	optim_step(o, &p, &g, NULL, 0, 0.1f, 0.9f);
	/* untouched: m = 0.9, p = 1.8*0.95 - 0.09 = 1.62 */
	cr_assert_float_eq(p, 1.62f, 1e-6f);
	optim_free(o);
}

/* The textbook loops of fastai's Adam and SGD, in double precision. */
struct ref {
	double *p, *m, *v;
	long step;
};

static void ref_step(struct ref *r, enum eng_optim kind, const float *g, size_t n,
		     double lr, double mom, double wd)
{
	r->step++;
	for (size_t i = 0; i < n; i++) {
		r->p[i] *= 1.0 - lr * wd;
		if (kind == ENG_OPTIM_SGD) {
			r->m[i] = mom * r->m[i] + g[i];
			r->p[i] -= lr * r->m[i];
			continue;
		}
		r->m[i] = mom * r->m[i] + (1.0 - mom) * g[i];
		r->v[i] = 0.99 * r->v[i] + 0.01 * (double)g[i] * g[i];
		double db1 = 1.0 - pow(mom, (double)r->step), db2 = 1.0 - pow(0.99, (double)r->step);
		r->p[i] -= lr / db1 * r->m[i] / (sqrt(r->v[i] / db2) + 1e-5);
	}
}

/* 300 steps on 3 rows of 37 floats + a tail of 5, with a random subset
 * of rows touched each step and momentum following a schedule. */
static void check_against_reference(enum eng_optim kind, int threads)
{
	enum { ROWS = 3, K = 37, TAIL = 5, NP = ROWS * K + TAIL };
	struct optim_cfg c = optim_cfg_default(kind);
	c.wd = 0.05f;
	struct optim *o = optim_new(&c, NP, threads);
	cr_assert_not_null(o);
	float p[NP], g[NP] = {0}, gcopy[NP];
	struct ref r = { calloc(NP, sizeof(double)), calloc(NP, sizeof(double)),
			 calloc(NP, sizeof(double)), 0 };
	struct rng rng;
	rng_seed(&rng, 3);
	for (int i = 0; i < NP; i++)
		r.p[i] = p[i] = (float)rng_normal(&rng);
	for (int t = 0; t < 300; t++) {
		struct optim_span spans[ROWS + 1];
		size_t ns = 0;
		for (int q = 0; q < ROWS; q++) {
			if (rng_uniform(&rng) < 0.4) {
				spans[ns++] = (struct optim_span){ (size_t)q * K, K };
				for (int j = 0; j < K; j++)
					g[q * K + j] = (float)(0.1 * rng_normal(&rng));
			}
		}
		spans[ns++] = (struct optim_span){ ROWS * K, TAIL };
		for (int j = 0; j < TAIL; j++)
			g[ROWS * K + j] = (float)(0.01 * rng_normal(&rng));
		double lr = 1e-3 + 4e-3 * sin(t * 0.01), mom = 0.85 + 0.1 * cos(t * 0.02);
		if (t % 97 == 50)
			mom = 0.0;      /* forgets the momentum: the scales reset */
		for (int i = 0; i < NP; i++)
			gcopy[i] = g[i];
		ref_step(&r, kind, gcopy, NP, lr, mom, 0.05);
		optim_step(o, p, g, spans, ns, (float)lr, (float)mom);
		for (int i = 0; i < NP; i++)
			cr_assert_eq(g[i], 0.0f, "gradient %d not cleared", i);
	}
	for (int i = 0; i < NP; i++)
		cr_expect(fabs(p[i] - r.p[i]) < 2e-5 * (1.0 + fabs(r.p[i])),
			  "param %d: %.8f vs reference %.8f", i, (double)p[i], r.p[i]);
	free(r.p);
	free(r.m);
	free(r.v);
	optim_free(o);
}

Test(optim, adam_matches_textbook_loop) { check_against_reference(ENG_OPTIM_ADAM, 1); }
Test(optim, sgd_matches_textbook_loop) { check_against_reference(ENG_OPTIM_SGD, 1); }
Test(optim, adam_two_threads_matches) { check_against_reference(ENG_OPTIM_ADAM, 2); }

Test(optim, threads_give_identical_bits)
{
	enum { NP = 1000 };
	float a[NP], b[NP], ga[NP], gb[NP];
	struct rng rng;
	rng_seed(&rng, 9);
	for (int i = 0; i < NP; i++)
		a[i] = b[i] = (float)rng_normal(&rng);
	struct optim_cfg c = optim_cfg_default(ENG_OPTIM_ADAM);
	c.wd = 0.1f;
	struct optim *o1 = optim_new(&c, NP, 1), *o2 = optim_new(&c, NP, 2);
	struct optim_span span = { 100, 50 };
	for (int t = 0; t < 50; t++) {
		for (int i = 0; i < NP; i++)
			ga[i] = gb[i] = 0.0f;
		for (int i = 100; i < 150; i++)
			ga[i] = gb[i] = (float)rng_normal(&rng);
		optim_step(o1, a, ga, &span, 1, 1e-2f, 0.9f);
		optim_step(o2, b, gb, &span, 1, 1e-2f, 0.9f);
	}
	for (int i = 0; i < NP; i++)
		cr_assert_eq(a[i], b[i], "param %d differs between 1 and 2 threads", i);
	optim_free(o1);
	optim_free(o2);
}

/* optim_no_decay: parameters in the range step without weight decay,
 * the rest with it, for both kernels and across thread slices. */
static void check_no_decay(enum eng_optim kind, int threads)
{
	enum { NP = 100, LO = 37, LEN = 41 };
	struct optim_cfg c = optim_cfg_default(kind);
	c.wd = 0.5f;
	struct optim *o = optim_new(&c, NP, threads);
	cr_assert_not_null(o);
	optim_no_decay(o, LO, LEN);
	float p[NP], g[NP] = {0};
	for (int i = 0; i < NP; i++)
		p[i] = 1.0f;
	/* no gradient, no momentum yet: only weight decay moves p */
	optim_step(o, p, g, NULL, 0, 0.1f, 0.9f);
	for (int i = 0; i < NP; i++) {
		float want = i >= LO && i < LO + LEN ? 1.0f : 0.95f;
		cr_assert_float_eq(p[i], want, 1e-6f, "param %d: %g, want %g", i, p[i], want);
	}
	optim_free(o);
}

Test(optim, no_decay_range_adam) { check_no_decay(ENG_OPTIM_ADAM, 1); }
Test(optim, no_decay_range_sgd) { check_no_decay(ENG_OPTIM_SGD, 1); }
Test(optim, no_decay_range_two_threads) { check_no_decay(ENG_OPTIM_ADAM, 2); }
