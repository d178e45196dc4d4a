/* test_trainer.c -- struct trainer, the one interface over fit, fast, ALS
 * and BPMF (train.h): which kind a setting picks, the checks every kind
 * shares, and that a kind driven through the interface computes exactly
 * what it computes when called directly. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "fasttrain.h"
#include "fit.h"
#include "split.h"
#include "testmath.h"
#include "train.h"

#define NU TESTMATH_PLANT_USERS
#define NI TESTMATH_PLANT_ITEMS

/* The planted problem with a seeded 80/20 split, viewed as a trainer sees it. */
struct problem {
	struct testmath_planted pl;
	struct split sp;
	struct ratings_view v;
};

static void make_problem(struct problem *p)
{
	testmath_plant(&p->pl, 5);
	cr_assert_eq(split_random(p->pl.n, 0.2, 9, &p->sp), 0);
	p->v = (struct ratings_view){ .c = rcols_plain(p->pl.n, p->pl.u, p->pl.i, p->pl.r),
				      .sp = &p->sp };
}

static struct model *new_model(int k)
{
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = NU, .n_items = NI,
				.n_factors = k, .use_y_range = 0 };
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert(m, "%s", err);
	return m;
}

static struct eng_train_hp cfg_of(enum eng_fit algo, int epochs)
{
	struct eng_train_hp tc = train_cfg_default();
	tc.algo = algo;
	tc.epochs = epochs;
	tc.bs = 32;
	tc.lr = 0.01;
	tc.wd = 0.1;
	return tc;
}

Test(trainer, the_setting_picks_the_kind)
{
	struct eng_train_hp tc = cfg_of(ENG_FIT_SGD, 1);
	cr_assert_eq(trainer_ops_for(&tc, 0), &fit_trainer_ops);
	cr_assert_eq(trainer_ops_for(&tc, 1), &fast_trainer_ops);
	tc.algo = ENG_FIT_ALS;
	cr_assert_eq(trainer_ops_for(&tc, 0), &als_trainer_ops);
	cr_assert_eq(trainer_ops_for(&tc, 1), &als_trainer_ops, "ALS has one trainer");
	tc.algo = ENG_FIT_BPMF;
	cr_assert_eq(trainer_ops_for(&tc, 0), &bpmf_trainer_ops);
	cr_assert_str_eq(fit_trainer_ops.name, "fit");
	cr_assert_str_eq(fast_trainer_ops.name, "fast");
	cr_assert_str_eq(als_trainer_ops.name, "als");
	cr_assert_str_eq(bpmf_trainer_ops.name, "bpmf");
}

/* The checks of trainer_new() hold for every kind alike. */
Test(trainer, every_kind_shares_the_checks)
{
	static struct problem p;
	make_problem(&p);
	const struct trainer_ops *kinds[] = { &fit_trainer_ops, &fast_trainer_ops,
					      &als_trainer_ops, &bpmf_trainer_ops };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct model *m = new_model(4);
		char err[256] = "";
		struct eng_train_hp tc = cfg_of(ENG_FIT_SGD, 2);
		tc.threads = 0;
		cr_assert_null(trainer_new(kinds[k], m, &p.v, &tc, 1, err, sizeof err));
		cr_assert_str_eq(err, "threads must be between 1 and 256", "%s: %s",
				 kinds[k]->name, err);
		tc = cfg_of(ENG_FIT_SGD, 2);
		struct split none = p.sp;
		none.n_train = 0;
		struct ratings_view v = p.v;
		v.sp = &none;
		err[0] = 0;
		cr_assert_null(trainer_new(kinds[k], m, &v, &tc, 1, err, sizeof err));
		cr_assert_str_eq(err, "the training set is empty", "%s: %s", kinds[k]->name, err);
		model_free(m);
	}
	split_free(&p.sp);
}

/* Driven through the interface, fit computes bit for bit what fit_step()
 * computes, and takes a new schedule; the solvers have none to replace. */
Test(trainer, fit_through_the_interface_is_fit)
{
	static struct problem p;
	make_problem(&p);
	struct eng_train_hp tc = cfg_of(ENG_FIT_SGD, 3);
	char err[256];
	struct model *a = new_model(3), *b = new_model(3);
	struct fit *direct = fit_new(a, &p.v.c, &p.sp, &tc, 1, err, sizeof err);
	cr_assert(direct, "%s", err);
	struct trainer *t = trainer_new(&fit_trainer_ops, b, &p.v, &tc, 1, err, sizeof err);
	cr_assert(t, "%s", err);
	cr_assert_str_eq(trainer_name(t), "fit");
	struct eng_train_report ra, rb;
	enum train_status sa, sb;
	do {
		sa = fit_step(direct, 5, &ra);
		sb = trainer_step(t, 5, &rb);
		cr_assert_eq(sa, sb);
		cr_assert_eq(ra.batch_loss, rb.batch_loss, "epoch %d batch %ld", ra.epoch, ra.batch);
	} while (sa != TRAIN_DONE);
	cr_assert_eq(ra.valid_loss, rb.valid_loss);
	cr_assert_eq(memcmp(a->params, b->params, a->n_params * sizeof(float)), 0);
	struct sched s = sched_exp(1e-5, 1.0, 0.9, 10);
	cr_assert_eq(trainer_set_sched(t, &s), 0);
	fit_free(direct);
	trainer_free(t);
	model_free(a);
	model_free(b);

	/* ALS: one sweep a step, each step an epoch, a validation loss each */
	tc = cfg_of(ENG_FIT_ALS, 3);
	struct model *m = new_model(3);
	t = trainer_new(&als_trainer_ops, m, &p.v, &tc, 1, err, sizeof err);
	cr_assert(t, "%s", err);
	cr_assert_eq(trainer_set_sched(t, &s), -1, "ALS has no schedule to replace");
	cr_assert_eq(trainer_step(t, 0, &ra), TRAIN_MORE, "0 steps only fill the report");
	cr_assert_eq(ra.n_batches, 1);
	cr_assert_eq(trainer_step(t, 1, &ra), TRAIN_EPOCH_END);
	cr_assert_eq(ra.epoch, 0);
	cr_assert(isfinite(ra.valid_loss) && ra.valid_loss < 1.0, "valid %g", ra.valid_loss);
	cr_assert_eq(trainer_step(t, 1, &ra), TRAIN_EPOCH_END);
	cr_assert_eq(trainer_step(t, 1, &ra), TRAIN_DONE);
	cr_assert_eq(trainer_step(t, 1, &rb), TRAIN_DONE, "done stays done");
	trainer_free(t);
	trainer_free(NULL);
	model_free(m);
	split_free(&p.sp);
}

/* A stand-in kind whose steps hand back the values a test plants: the
 * divergence watch belongs to the interface, so it holds for any kind. */
struct planted {
	struct model *m;
	int steps, nan_at;              /* step number whose loss is NaN (0: none) */
	int poison_at;                  /* epoch end that leaves a NaN weight (0: none) */
};

static struct planted planted_state;

static void *planted_open(struct model *m, const struct ratings_view *v,
			  const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	(void)v, (void)cfg, (void)init, (void)err, (void)errlen;
	planted_state.m = m;
	planted_state.steps = 0;
	return &planted_state;
}

/* Two batches an epoch, endless epochs. */
static enum train_status planted_step(void *self, long max_steps, struct eng_train_report *rep)
{
	struct planted *p = self;
	rep->n_batches = 2;
	for (long s = 0; s < max_steps; s++) {
		p->steps++;
		rep->epoch = (p->steps - 1) / 2;
		rep->batch = (p->steps - 1) % 2 + 1;
		rep->batch_loss = p->steps == p->nan_at ? NAN : 1.0;
		if (rep->batch < 2)
			continue;
		rep->train_loss = rep->valid_loss = 1.0;
		if (p->steps / 2 == p->poison_at)
			p->m->params[p->m->n_params - 1] = INFINITY;   /* the last item bias */
		return TRAIN_EPOCH_END;
	}
	return TRAIN_MORE;
}

static void planted_free(void *self)
{
	(void)self;
}

static const struct trainer_ops planted_ops = {
	.name = "planted", .open = planted_open, .step = planted_step, .free = planted_free,
};

/* Step t one batch at a time until it reports something other than
 * MORE or EPOCH_END, at most 100 times; that status. */
static enum train_status run_until_end(struct trainer *t, struct eng_train_report *rep)
{
	for (int i = 0; i < 100; i++) {
		enum train_status st = trainer_step(t, 1, rep);
		if (st != TRAIN_MORE && st != TRAIN_EPOCH_END)
			return st;
	}
	return TRAIN_MORE;
}

/* A NaN loss is caught at its batch, a NaN weight at its epoch's end, for
 * any kind behind the interface; a diverged trainer stays diverged. */
Test(trainer, divergence_is_caught_for_any_kind)
{
	static struct problem p;
	make_problem(&p);
	struct eng_train_hp tc = cfg_of(ENG_FIT_SGD, 3);
	char err[256];
	struct eng_train_report rep = {0};

	struct model *m = new_model(2);
	planted_state = (struct planted){ .nan_at = 5 };
	struct trainer *t = trainer_new(&planted_ops, m, &p.v, &tc, 1, err, sizeof err);
	cr_assert(t, "%s", err);
	cr_assert_eq(run_until_end(t, &rep), TRAIN_DIVERGED);
	cr_assert_eq(rep.epoch, 2, "the fifth batch is epoch 2's first");
	cr_assert_eq(rep.batch, 1);
	cr_assert_eq(trainer_step(t, 1, &rep), TRAIN_DIVERGED, "diverged stays diverged");
	cr_assert_eq(planted_state.steps, 5, "and does nothing more");
	trainer_free(t);

	/* finite losses, an infinite weight: seen at that epoch's end */
	planted_state = (struct planted){ .poison_at = 2 };
	t = trainer_new(&planted_ops, m, &p.v, &tc, 1, err, sizeof err);
	cr_assert(t, "%s", err);
	cr_assert_eq(run_until_end(t, &rep), TRAIN_DIVERGED);
	cr_assert_eq(rep.epoch, 1);
	cr_assert_eq(rep.batch, 2);
	trainer_free(t);
	model_free(m);
	split_free(&p.sp);
}

/* The real kinds with lr 1e30: fit and the fast trainer diverge within
 * the first epoch and say so. */
Test(trainer, a_huge_lr_diverges_in_fit_and_fast)
{
	static struct problem p;
	make_problem(&p);
	const struct trainer_ops *kinds[] = { &fit_trainer_ops, &fast_trainer_ops };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct eng_train_hp tc = cfg_of(ENG_FIT_SGD, 3);
		tc.lr = 1e30;
		tc.wd = 0;
		char err[256];
		struct eng_train_report rep = {0};
		struct model *m = new_model(3);
		struct trainer *t = trainer_new(kinds[k], m, &p.v, &tc, 1, err, sizeof err);
		cr_assert(t, "%s", err);
		cr_assert_eq(run_until_end(t, &rep), TRAIN_DIVERGED, "%s", kinds[k]->name);
		cr_assert_eq(rep.epoch, 0, "%s", kinds[k]->name);
		cr_assert_lt(model_first_non_finite(m), m->n_params, "%s", kinds[k]->name);
		trainer_free(t);
		model_free(m);
	}
	split_free(&p.sp);
}
