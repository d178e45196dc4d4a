/* train.c -- the settings every trainer shares, and struct trainer: one
 * interface over fit, fast, ALS and BPMF (see train.h).  ALS and BPMF are
 * sweep-based solvers; their trainer_ops live here, where a sweep becomes
 * one step that ends an epoch. */
#include "train.h"
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "als.h"
#include "bpmf.h"
#include "pool.h"
#include "rankfit.h"

const char *train_algo_name(enum eng_fit a)
{
	switch (a) {
	case ENG_FIT_ALS: return "als";
	case ENG_FIT_BPMF: return "bpmf";
	case ENG_FIT_EASE: return "ease";
	case ENG_FIT_IALS: return "ials";
	case ENG_FIT_POP: return "pop";
	case ENG_FIT_SGD: break;
	}
	return "sgd";
}

int train_model_factors(const struct eng_train_hp *c, int k)
{
	if (c->algo != ENG_FIT_BPMF)
		return k;
	return k * bpmf_kept(c->epochs);
}

struct eng_train_hp train_cfg_default(void)
{
	struct eng_train_hp c = {
		.epochs = 5,
		.bs = 64,
		.lr = 5e-3,
		.wd = 0.1,
		.opt = ENG_OPTIM_ADAM,
		.sched = ENG_SCHED_ONE_CYCLE,
		.mom = 0.9,
		.seed = 42,
		.threads = 1,
	};
	return c;
}

const char *train_cfg_check(const struct eng_train_hp *c)
{
	if (c->epochs < 1 || c->epochs > 100000)
		return "epochs must be between 1 and 100000";
	if (c->bs < 1 || c->bs > (1 << 24))
		return "batch size must be between 1 and 16777216";
	if (!(c->lr > 0.0 && isfinite(c->lr)))
		return "learning rate must be a positive number";
	if (!(c->wd >= 0.0 && isfinite(c->wd)))
		return "weight decay must be zero or a positive number";
	/* the solvers use no lr: their wd is a ridge weight or lambda */
	if (c->algo == ENG_FIT_SGD && c->lr * c->wd >= 1.0)
		return "lr * wd must be below 1, or weight decay flips the weights' sign";
	const char *why = pool_threads_check(c->threads);
	if (why)
		return why;
	if (!(c->mom >= 0.0 && c->mom < 1.0))
		return "momentum must be in [0, 1)";
	return NULL;
}

int train_check(const struct eng_train_hp *cfg, const struct split *sp, char *err,
		size_t errlen)
{
	const char *why = train_cfg_check(cfg);
	if (!why && sp->n_train == 0)
		why = "the training set is empty";
	if (!why)
		return 0;
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* ---- struct trainer ---- */

struct trainer {
	const struct trainer_ops *ops;
	void *self;
	const struct model *m;          /* borrowed: watched for divergence */
	int has_valid;                  /* the split validates: valid_loss is not NAN */
	int diverged;                   /* trainer_step() saw a non-finite value */
};

const struct trainer_ops *trainer_ops_for(const struct eng_train_hp *cfg, int fast)
{
	switch (cfg->algo) {
	case ENG_FIT_ALS: return &als_trainer_ops;
	case ENG_FIT_BPMF: return &bpmf_trainer_ops;
	case ENG_FIT_EASE: return &ease_trainer_ops;
	case ENG_FIT_IALS: return &ials_trainer_ops;
	case ENG_FIT_POP: return &pop_trainer_ops;
	case ENG_FIT_SGD: break;
	}
	return fast ? &fast_trainer_ops : &fit_trainer_ops;
}

struct trainer *trainer_new(const struct trainer_ops *ops, struct model *m,
			    const struct ratings_view *v, const struct eng_train_hp *cfg,
			    int init, char *err, size_t errlen)
{
	if (train_check(cfg, v->sp, err, errlen) != 0)
		return NULL;
	struct trainer *t = malloc(sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory preparing the trainer");
		return NULL;
	}
	t->ops = ops;
	t->m = m;
	t->has_valid = v->sp->n_valid > 0;
	t->diverged = 0;
	if (!(t->self = ops->open(m, v, cfg, init, err, errlen))) {
		free(t);
		return NULL;
	}
	return t;
}

enum train_status trainer_step(struct trainer *t, long max_steps,
			       struct eng_train_report *rep)
{
	if (t->diverged)
		return TRAIN_DIVERGED;
	enum train_status st = t->ops->step(t->self, max_steps, rep);
	if (max_steps <= 0)
		return st;
	/* a NaN or infinite loss poisons every parameter it updates */
	int bad = !isfinite(rep->batch_loss);
	if (!bad && st != TRAIN_MORE)
		bad = !isfinite(rep->train_loss) ||
		      (t->has_valid && !isfinite(rep->valid_loss)) ||
		      model_first_non_finite(t->m) < t->m->n_params + t->m->n_buffers;
	if (!bad)
		return st;
	t->diverged = 1;
	return TRAIN_DIVERGED;
}

int trainer_set_sched(struct trainer *t, const struct sched *s)
{
	if (!t->ops->set_sched)
		return -1;
	t->ops->set_sched(t->self, s);
	return 0;
}

const char *trainer_name(const struct trainer *t)
{
	return t->ops->name;
}

void trainer_free(struct trainer *t)
{
	if (!t)
		return;
	t->ops->free(t->self);
	free(t);
}

/* ---- ALS and BPMF: one sweep a step, one step an epoch ----
 *
 * Both solvers set their own initial values, so they always start afresh
 * (init is ignored), and both are driven the same way: sweep, then the
 * validation MSE; only the solver and its sweep function differ. */

struct sweeper {
	struct model *m;
	struct ratings_view v;
	int epochs, epoch, done;
	void *solver;                   /* struct als or struct bpmf */
	double (*sweep)(void *solver);  /* training MSE, < 0 when it failed */
	void (*free)(void *solver);
};

static double als_sweep_fn(void *s) { return als_sweep(s); }
static void als_free_fn(void *s) { als_free(s); }
static double bpmf_sweep_fn(void *s) { return bpmf_sweep(s); }
static void bpmf_free_fn(void *s) { bpmf_free(s); }

static struct sweeper *sweeper_new(struct model *m, const struct ratings_view *v,
				   const struct eng_train_hp *cfg, char *err, size_t errlen)
{
	struct sweeper *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory preparing the trainer");
		return NULL;
	}
	s->m = m;
	s->v = *v;
	s->epochs = cfg->epochs;
	return s;
}

static void *als_open(struct model *m, const struct ratings_view *v,
		      const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	(void)init;
	struct sweeper *s = sweeper_new(m, v, cfg, err, errlen);
	if (!s)
		return NULL;
	struct als_cfg ac = {
		.k = m->cfg.n_factors, .reg = (float)cfg->wd,
		.reg_bias = (float)cfg->wd, .threads = cfg->threads,
		.seed = cfg->seed,
	};
	s->solver = als_new(m, &v->c, v->sp, &ac, err, errlen);
	s->sweep = als_sweep_fn;
	s->free = als_free_fn;
	if (!s->solver) {
		free(s);
		return NULL;
	}
	return s;
}

static void *bpmf_open(struct model *m, const struct ratings_view *v,
		       const struct eng_train_hp *cfg, int init, char *err, size_t errlen)
{
	(void)init;
	struct sweeper *s = sweeper_new(m, v, cfg, err, errlen);
	if (!s)
		return NULL;
	/* the model holds k factors for each kept sample */
	struct bpmf_cfg bc = {
		.k = m->cfg.n_factors / bpmf_kept(cfg->epochs),
		.sweeps = cfg->epochs, .threads = cfg->threads,
		.seed = cfg->seed,
	};
	s->solver = bpmf_new(m, &v->c, v->sp, &bc, err, errlen);
	s->sweep = bpmf_sweep_fn;
	s->free = bpmf_free_fn;
	if (!s->solver) {
		free(s);
		return NULL;
	}
	return s;
}

/* One sweep as one batch that ends an epoch. */
static enum train_status sweeper_step(void *self, long max_steps, struct eng_train_report *rep)
{
	struct sweeper *s = self;
	rep->n_batches = 1;
	rep->epoch = s->epoch;
	if (s->done)
		return TRAIN_DONE;
	if (max_steps <= 0)
		return TRAIN_MORE;
	double start = clock_now();
	double loss = s->sweep(s->solver);
	const struct split *sp = s->v.sp;
	rep->lr = rep->mom = 0.0;
	rep->batch = 1;
	rep->batch_loss = rep->smooth_loss = rep->train_loss = loss < 0 ? NAN : loss;
	rep->valid_loss = sp->n_valid
		? model_mse_idx(s->m, &s->v.c, sp->valid, sp->n_valid)
		: NAN;
	rep->seconds = clock_now() - start;
	s->epoch++;
	if (s->epoch >= s->epochs || loss < 0) {
		s->done = 1;
		return TRAIN_DONE;
	}
	return TRAIN_EPOCH_END;
}

static void sweeper_free(void *self)
{
	struct sweeper *s = self;
	if (!s)
		return;
	s->free(s->solver);
	free(s);
}

const struct trainer_ops als_trainer_ops = {
	.name = "als",
	.open = als_open,
	.step = sweeper_step,
	.free = sweeper_free,
};

const struct trainer_ops bpmf_trainer_ops = {
	.name = "bpmf",
	.open = bpmf_open,
	.step = sweeper_step,
	.free = sweeper_free,
};
