/* fasttrain.h -- sparse per-rating SGD for the dot models at scale.
 *
 * The chapter's trainer (train.h) is fastai's fit: mini-batches and an
 * optimiser step over every parameter, faithful but far too slow for
 * MovieLens-25M.  This one trains the same struct model the way LIBMF
 * does: one SGD step per rating, touching only that rating's two rows,
 * with L2 regularisation applied at each touch:
 *   e = dL/dpred (through sigmoid_range when the model has a y_range)
 *   p_u += lr * (e q_i - wd p_u),   q_i += lr * (e p_u - wd q_i)
 *   b_u += lr * (e - wd b_u),       b_i += lr * (e - wd b_i)
 * The learning rate follows the train_cfg's schedule (one-cycle or
 * constant) per round, see below; bs, opt and mom do not apply.
 *
 * Scheduling (LIBMF's grid, made deterministic).  Users and items are each
 * cut into nb stripes of consecutive indices holding about equally many
 * ratings, giving nb x nb blocks.  An epoch is nb rounds; a round is nb
 * blocks no two of which share a user stripe or an item stripe, so threads
 * can take them in any order without ever writing the same row: results
 * are bit-identical for any thread count.  Each epoch draws a new set of
 * rounds and a new round order.  Ratings are shuffled once inside their
 * block; a block's rows fit in L2, which is what makes the pass
 * cache-friendly.  nb depends on the data only (about 200k ratings a
 * round, at least 8), so a round is a chunk of a few milliseconds.
 *
 * The inner kernel has an AVX2+FMA version chosen at run time and a
 * portable one; they agree to float rounding (FMA and summation order).
 */
#ifndef COLLABTUI_FASTTRAIN_H
#define COLLABTUI_FASTTRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "split.h"
#include "train.h"

struct ftrain;

/* Prepare to train m on the ratings (users, items, ratings) of sp's
 * training side, borrowed as in train_new(); with init set the model is
 * re-initialised from cfg->seed.  Uses cfg's epochs, lr, wd, sched, seed
 * and threads.  Copies the training ratings into the block layout (8 bytes
 * each).  NULL with a message in err when cfg is invalid, there are no
 * training ratings, or memory or threads run out. */
struct ftrain *ftrain_new(struct model *m, const uint32_t *users,
			  const uint32_t *items, const float *ratings,
			  const struct split *sp, const struct train_cfg *cfg,
			  int init, char *err, size_t errlen);

/* Release a trainer (not the model); NULL is accepted. */
void ftrain_free(struct ftrain *t);

/* Run up to max_rounds rounds (0 only fills the report), stopping early at
 * an epoch's end.  The report's batch counts rounds (n_batches per epoch),
 * batch_loss is the last round's training MSE, smooth_loss and train_loss
 * the epoch's so far (squared errors before each step), valid_loss the
 * validation MSE at an epoch's end.  Returns as train_step().
 * The validation pass at an epoch's end is cut into steps like the
 * rounds: the call that runs the last round also runs its first step, and
 * while the pass goes on each call (max_rounds > 0) runs one more step
 * and returns TRAIN_MORE with batch == n_batches, the rest of the report
 * untouched.  A small set (under 800,000 ratings) is validated at once. */
enum train_status ftrain_step(struct ftrain *t, long max_rounds,
			      struct train_report *rep);

/* Use the portable kernel even where AVX2 is available (on = 0), or the
 * best one (on = 1).  Returns 1 when the AVX2 kernel is now in use.  For
 * tests that compare the two. */
int ftrain_use_simd(struct ftrain *t, int on);

#endif
