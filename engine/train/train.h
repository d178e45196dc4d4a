/* train.h -- the mini-batch trainer, cut into resumable chunks.
 *
 * A trainer runs fastai's fit loop over a model it borrows: every epoch the
 * training indices are reshuffled (sampling without replacement) and cut
 * into mini-batches of bs ratings (the last partial batch is dropped, as
 * fastai's training DataLoader does); each batch computes the MSE gradient
 * and takes one optimiser step with the learning rate and momentum the
 * schedule gives for that step.  At each epoch's end the validation MSE is
 * computed.
 *
 * train_step() runs at most a given number of batches and returns, so the
 * engine can answer commands between chunks; the headless CLI simply calls
 * it until TRAIN_DONE.  All memory is allocated by train_new(): nothing is
 * allocated inside the loop.
 */
#ifndef COLLABTUI_TRAIN_H
#define COLLABTUI_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "optim.h"
#include "schedule.h"
#include "split.h"

/* How the model is fitted.  ALS and BPMF fit ENG_MODEL_DOTBIAS without
 * y_range; their "epoch" is one sweep over users and items, so their
 * reports have one batch per epoch. */
enum eng_fit {
	ENG_FIT_SGD = 0,        /* mini-batches of an optimiser (fastai's fit) */
	ENG_FIT_ALS,            /* alternating least squares (als.h); wd = its ridge weight */
	ENG_FIT_BPMF,           /* Bayesian MF by Gibbs sampling (bpmf.h) */
};

struct eng_train_hp {
	enum eng_fit algo;
	int epochs;
	int bs;                 /* mini-batch size */
	double lr;              /* lr_max for one-cycle */
	double wd;              /* decoupled weight decay */
	enum eng_optim opt;
	enum eng_sched sched;
	double mom;             /* momentum (Adam beta1) under ENG_SCHED_CONSTANT */
	uint64_t seed;          /* initialisation and shuffling */
	int threads;            /* optimiser threads; results do not depend on it */
};

/* The algorithm a --model name selects: "als", "bpmf", or ENG_FIT_SGD for
 * "dot" and "dotbias".  0 on success, -1 for another name. */
int train_algo_parse(const char *model_name, enum eng_fit *out);
const char *train_algo_name(enum eng_fit a);

/* The model's n_factors for k factors under c: k, except for BPMF, whose
 * model holds k factors for each sample kept (bpmf.h). */
int train_model_factors(const struct eng_train_hp *c, int k);

/* The chapter's run: 5 epochs, bs 64, lr 5e-3, wd 0.1, Adam, one-cycle. */
struct eng_train_hp train_cfg_default(void);

/* NULL when acceptable, else a sentence naming the bad field. */
const char *train_cfg_check(const struct eng_train_hp *cfg);

/* What train_step() reports.  The first block is current after every call;
 * the second is filled when an epoch has just ended. */
struct eng_train_report {
	int epoch;              /* 0-based epoch in progress (or just ended) */
	long batch;             /* batches done in this epoch */
	long n_batches;         /* batches per epoch */
	double lr, mom;         /* of the last step */
	double batch_loss;      /* MSE of the last batch */
	double smooth_loss;     /* fastai's smoothed training loss */

	double train_loss;      /* smoothed loss at the epoch's end */
	double valid_loss;      /* validation MSE; NAN without a validation set */
	double seconds;         /* wall time of the epoch, validation included */
};

enum train_status {
	TRAIN_MORE = 0,         /* chunk done, the epoch goes on */
	TRAIN_EPOCH_END,        /* an epoch ended: the report's epoch fields are set */
	TRAIN_DONE,             /* the last epoch ended (epoch fields set) */
};

struct trainer;

/* Prepare to train m on ratings (users, items, ratings) split by sp; the
 * trainer borrows all of them, which must outlive it.  With init set the
 * model is re-initialised from cfg->seed; without, training continues from
 * its current weights (the optimiser state always starts fresh).  Returns NULL with a message in err when
 * cfg is invalid, the training set is smaller than one batch, or memory
 * runs out. */
struct trainer *train_new(struct model *m, const uint32_t *users,
			  const uint32_t *items, const float *ratings,
			  const struct split *sp, const struct eng_train_hp *cfg,
			  int init, char *err, size_t errlen);

/* Replace the learning-rate and momentum schedule from the next step on
 * (the learning-rate finder's exponential sweep; SGD trainers only). */
void train_set_sched(struct trainer *t, const struct sched *s);

/* Release a trainer (not the model); NULL is accepted. */
void train_free(struct trainer *t);

/* Run up to max_batches mini-batches, stopping early at an epoch's end.
 * Fills rep and returns the status.  After TRAIN_DONE further calls return
 * TRAIN_DONE and do nothing. */
enum train_status train_step(struct trainer *t, long max_batches,
			     struct eng_train_report *rep);

#endif
