/* fit.h -- fastai's fit loop, cut into resumable chunks.
 *
 * A fit runs fastai's loop over a model it borrows: every epoch the
 * training indices are reshuffled (sampling without replacement) and cut
 * into mini-batches of bs ratings (the last partial batch is dropped, as
 * fastai's training DataLoader does); each batch computes the MSE gradient
 * and takes one optimiser step with the learning rate and momentum the
 * schedule gives for that step.  At each epoch's end the validation MSE is
 * computed.
 *
 * fit_step() runs at most a given number of batches and returns, so the
 * engine can answer commands between chunks.  All memory is allocated by
 * fit_new(): nothing is allocated inside the loop.  The engine reaches it
 * through fit_trainer_ops (train.h); the learning-rate finder and the
 * tests call it directly.
 */
#ifndef COLLABTUI_FIT_H
#define COLLABTUI_FIT_H

#include "train.h"

struct fit;

/* Prepare to train m on the ratings c split by sp; the
 * trainer borrows all of them, which must outlive it.  With init set the
 * model is re-initialised from cfg->seed; without, training continues from
 * its current weights (the optimiser state always starts fresh).  Returns
 * NULL with a message in err when cfg is invalid, the training set is smaller than one batch, or memory
 * runs out. */
struct fit *fit_new(struct model *m, const struct rcols *c,
		    const struct split *sp, const struct eng_train_hp *cfg,
		    int init, char *err, size_t errlen);

/* Replace the learning-rate and momentum schedule from the next step on
 * (the learning-rate finder's exponential sweep). */
void fit_set_sched(struct fit *t, const struct sched *s);

/* Release a fit (not the model); NULL is accepted. */
void fit_free(struct fit *t);

/* Run up to max_batches mini-batches, stopping early at an epoch's end.
 * Fills rep and returns the status.  After TRAIN_DONE further calls return
 * TRAIN_DONE and do nothing. */
enum train_status fit_step(struct fit *t, long max_batches,
			   struct eng_train_report *rep);

#endif
