/* train.h -- what every trainer shares: the checks of its settings (struct
 * eng_train_hp) and the report it fills (struct eng_train_report), both
 * defined in msg.h, and one interface over the four ways collabtui fits a
 * model.
 *
 *   fit      fastai's fit loop: mini-batches of an optimiser (fit.h)
 *   fast     the per-rating block trainer for large data (fasttrain.h)
 *   als      alternating least squares (als.h)
 *   bpmf     Bayesian MF by Gibbs sampling (bpmf.h)
 *   ease, ials, pop   the ranking models (rankfit.h)
 *
 * Each implementation exports a `const struct trainer_ops`; the engine
 * picks one with trainer_ops_for() and drives it through struct trainer,
 * never knowing which it runs.  A trainer borrows its model and a
 * read-only view of the ratings (LIBMF's mf_problem), cut into steps that
 * trainer_step() runs a few at a time, so the engine can answer commands
 * between them.  All memory is allocated when a trainer is made: nothing
 * is allocated inside the loop.
 */
#ifndef COLLABTUI_TRAIN_H
#define COLLABTUI_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "blocks.h"
#include "model.h"
#include "optim.h"
#include "rcols.h"
#include "schedule.h"
#include "split.h"

const char *train_algo_name(enum eng_fit a);

/* The model's n_factors for k factors under c: k, except for BPMF, whose
 * model holds k factors for each sample kept (bpmf.h). */
int train_model_factors(const struct eng_train_hp *c, int k);

/* The chapter's run: 5 epochs, bs 64, lr 5e-3, wd 0.1, Adam, one-cycle. */
struct eng_train_hp train_cfg_default(void);

/* NULL when acceptable, else a sentence naming the bad field. */
const char *train_cfg_check(const struct eng_train_hp *cfg);

/* The checks every trainer makes before it allocates anything: cfg is
 * acceptable (train_cfg_check) and sp has training ratings.  0, or -1
 * with the sentence in err. */
int train_check(const struct eng_train_hp *cfg, const struct split *sp, char *err,
		size_t errlen);

enum train_status {
	TRAIN_MORE = 0,         /* chunk done, the epoch goes on */
	TRAIN_EPOCH_END,        /* an epoch ended: the report's epoch fields are set */
	TRAIN_DONE,             /* the last epoch ended (epoch fields set) */
	TRAIN_DIVERGED,         /* trainer_step() only: a loss or a parameter
				 * is NaN or infinite; the report's epoch and
				 * batch say where, and the model is of no use */
};

/* The ratings a trainer fits, borrowed read-only for its whole life:
 * rating j is (rc_user(&c, j), rc_item(&c, j), rc_value(&c, j)) (rcols.h);
 * sp says which j train and which validate.
 *
 * keep, when not NULL, is the caller's place for what one run on these
 * very columns leaves the next (borrowed, like the rest, until the
 * trainer is freed): the fast trainer's block layout (blocks.h).  The
 * fast trainer takes the layout kept there when it fits the run
 * (blocks_fits: the same split, factors and seed), else frees it before
 * making its own, and leaves its own there when it is freed.  Other
 * trainers ignore it.  The caller empties it (blocks_free) whenever the
 * columns change. */
struct ratings_view {
	struct rcols c;
	const struct split *sp;
	struct blocks *keep;
};

/* One way of fitting a model.  Every function receives the `self` that
 * open() returned. */
struct trainer_ops {
	const char *name;               /* "fit", "fast", "als", "bpmf" */
	/* Prepare to train m on v under cfg (already checked by
	 * trainer_new()); with init set the model is re-initialised from
	 * cfg->seed, else training continues from its current weights.  NULL
	 * with a message in err when the trainer cannot take this model or
	 * these ratings, or memory runs out. */
	void *(*open)(struct model *m, const struct ratings_view *v,
		      const struct eng_train_hp *cfg, int init, char *err, size_t errlen);
	/* Run up to max_steps steps (0 only fills the report), stopping
	 * early at an epoch's end; fills rep (msg.h says which fields are
	 * current when) and returns the status.  After
	 * TRAIN_DONE further calls return TRAIN_DONE and do nothing. */
	enum train_status (*step)(void *self, long max_steps, struct eng_train_report *rep);
	/* Replace the learning-rate and momentum schedule from the next step
	 * on (the learning-rate finder's sweep); NULL for a trainer that has
	 * no such schedule. */
	void (*set_sched)(void *self, const struct sched *s);
	void (*free)(void *self);
};

extern const struct trainer_ops fit_trainer_ops;   /* fit.c */
extern const struct trainer_ops fast_trainer_ops;  /* fasttrain.c */
extern const struct trainer_ops als_trainer_ops;   /* train.c, over als.h */
extern const struct trainer_ops bpmf_trainer_ops;  /* train.c, over bpmf.h */

/* The trainer for cfg's algorithm: fastai's fit, or the fast trainer when
 * fast is set (SGD models only); the solvers have one each. */
const struct trainer_ops *trainer_ops_for(const struct eng_train_hp *cfg, int fast);

/* A trainer of any kind: its operations and their state. */
struct trainer;

/* Make a trainer of ops's kind for model m over the ratings v, all
 * borrowed until trainer_free().  train_check() runs first, for every
 * kind alike.
 * NULL with a message in err when the settings or the data do not suit
 * the trainer, or memory runs out. */
struct trainer *trainer_new(const struct trainer_ops *ops, struct model *m,
			    const struct ratings_view *v, const struct eng_train_hp *cfg,
			    int init, char *err, size_t errlen);

/* Advance the trainer by up to max_steps steps (see trainer_ops.step),
 * watching for divergence, the same way for every kind: after the steps
 * the last batch's loss must be finite (one isfinite, so the per-batch
 * cost is nil), and at an epoch's end its training loss, its validation
 * loss (when there is a validation set) and every parameter of the model
 * (one pass over them, an epoch's end only).  When one is NaN or infinite
 * it returns TRAIN_DIVERGED, with rep's epoch and batch where it was
 * seen, and so does every later call, which does nothing. */
enum train_status trainer_step(struct trainer *t, long max_steps,
			       struct eng_train_report *rep);

/* Replace its schedule (see trainer_ops.set_sched): 0, or -1 for a
 * trainer that has none (ALS, BPMF). */
int trainer_set_sched(struct trainer *t, const struct sched *s);

/* Its kind's name ("fit", "fast", "als", "bpmf"). */
const char *trainer_name(const struct trainer *t);

/* Release a trainer (not the model, not the ratings); NULL is accepted. */
void trainer_free(struct trainer *t);

#endif
