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

/* The algorithm a --model name selects: "als", "bpmf", or ENG_FIT_SGD for
 * "dot", "dotbias" and "nn".  0 on success, -1 for another name. */
int train_algo_parse(const char *model_name, enum eng_fit *out);
const char *train_algo_name(enum eng_fit a);

/* The model's n_factors for k factors under c: k, except for BPMF, whose
 * model holds k factors for each sample kept (bpmf.h). */
int train_model_factors(const struct eng_train_hp *c, int k);

/* The chapter's run: 5 epochs, bs 64, lr 5e-3, wd 0.1, Adam, one-cycle. */
struct eng_train_hp train_cfg_default(void);

/* NULL when acceptable, else a sentence naming the bad field. */
const char *train_cfg_check(const struct eng_train_hp *cfg);

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
 * Fills rep (msg.h says which fields are current when) and returns the
 * status.  After TRAIN_DONE further calls return TRAIN_DONE and do
 * nothing. */
enum train_status train_step(struct trainer *t, long max_batches,
			     struct eng_train_report *rep);

#endif
