/* fasttrain.h -- sparse per-rating SGD for the dot models at scale.
 *
 * The chapter's trainer (train.h) is fastai's fit: mini-batches and an
 * optimiser step over every parameter, faithful but far too slow for
 * MovieLens-25M.  This one trains the same struct model the way LIBMF
 * does: one update per rating, touching only that rating's two rows, for
 * LIBMF's objective (squared error plus L2 of weight wd on each row at
 * each of its ratings).  With e = dL/dpred (through sigmoid_range when
 * the model has a y_range), each factor and bias x of the two rows, with
 * y the other row's factor (1 for a bias), has the ascent direction
 *   d = e y - wd x
 * and the eng_train_hp's optimiser moves it:
 *   sgd, momentum 0 under a constant rate (plain SGD, the update of
 *   LIBMF's FPSGD paper; LIBMF 2 also scales each row's rate by the root
 *   of its summed squared gradients: adarow below):
 *       x += lr d
 *   sgd with momentum mom (lazy, per row, as TensorFlow's sparse
 *   momentum):
 *       v = mom v + d,  x += lr v
 *   adam (lazy, per row; fastai's sqr_mom 0.99 and eps 1e-5):
 *       m = mom m + (1 - mom) d,  s = 0.99 s + 0.01 d^2,
 *       x += lr / (1 - B1) * m / (sqrt(s / (1 - B2)) + eps)
 *   adarow (LIBMF 2's per-row adaptive rate; Chin, Zhuang, Juan, Lin
 *   2015), one number G per row, starting at 1:
 *       x += lr / sqrt(G) d  for the row's factors and bias, then
 *       G += (sum over the row's k factors of d^2) / k
 * The state (v, or m and s) belongs to the row and moves only when a
 * rating of that row is trained: a row's average runs over its own
 * ratings, not over the millions of steps between two of them, which
 * would decay it to nothing.  B1 and B2 are the products of the mom and
 * 0.99 the row has seen so far (Adam's bias correction, counted per row).
 * The L2 term sits inside d for every optimiser, so the fixed point, the
 * model the objective defines, does not depend on the optimiser; unlike
 * fastai's, weight decay is not decoupled.  lr and mom follow the
 * schedule (one-cycle or constant) per step, see below (adarow has no
 * momentum: the report's mom is 0, as for plain SGD); bs does not apply.
 * Under one-cycle adarow reaches LIBMF's accuracy on 25M ratings in 4
 * epochs, not 9 (the preset fast-adarow): the annealed end takes out the
 * noise a constant rate leaves.
 *
 * Scheduling (LIBMF's grid, made deterministic).  Users and items are each
 * cut into nb stripes of consecutive indices holding about equally many
 * ratings, giving nb x nb blocks; nb is chosen so an item stripe's
 * factors fit in about half an L2 cache.  An epoch is nb rounds; a round
 * is nb blocks no two of which share a user stripe or an item stripe, so
 * threads can take them in any order without ever writing the same row:
 * results are bit-identical for any thread count.  Each epoch draws a new
 * set of rounds and a new round order.  A block's ratings are shuffled
 * once, then grouped by user as LIBMF sorts its blocks (each user row is
 * read once per block, in address order), the two halves interleaved so
 * two users' update chains overlap.
 *
 * A step, the unit ftrain_step() counts and the report's "batch", is a
 * slice of a round: the blocks of a run of user stripes, at most about
 * 200,000 ratings when the round allows, a multiple of 4 blocks so that
 * 2 or 4 threads share it evenly.  Steps depend on the data only.
 *
 * The inner kernels (fastkern.h) have AVX2+FMA versions chosen at run
 * time (k >= 8) and portable ones; they agree to float rounding (FMA,
 * summation order).
 */
#ifndef COLLABTUI_FASTTRAIN_H
#define COLLABTUI_FASTTRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "split.h"
#include "train.h"

struct ftrain;

/* train_cfg_default() set for plain SGD (momentum 0, FPSGD's update) at
 * a constant rate lr, L2 weight wd, for epochs epochs. */
struct eng_train_hp ftrain_cfg_plain(int epochs, double lr, double wd);

/* Prepare to train m on the ratings c of sp's training side, borrowed as
 * in trainer_new(); with init set the model is
 * re-initialised from cfg->seed (the optimiser state always starts
 * fresh).  Uses cfg's epochs, lr, wd, opt, mom, sched, seed and threads.
 * sp may be an index split or a bitmap split (split.h), whose clear bits
 * train.  Copies the training ratings into the block layout (blocks.h, 6
 * bytes each) and reads the validation ratings where they are; the
 * optimiser state takes k + 1 floats per user and item for momentum,
 * 2k + 4 for Adam, 1 for adarow.  NULL with a message in err when cfg is invalid, there are no
 * training ratings, or memory or threads run out. */
struct ftrain *ftrain_new(struct model *m, const struct rcols *c,
			  const struct split *sp, const struct eng_train_hp *cfg,
			  int init, char *err, size_t errlen);

/* Release a trainer (not the model); NULL is accepted. */
void ftrain_free(struct ftrain *t);

/* Run up to max_steps steps (0 only fills the report), stopping early at
 * an epoch's end.  The report's batch counts steps (n_batches per epoch),
 * batch_loss is the last step's training MSE, smooth_loss and train_loss
 * the epoch's so far (squared errors before each step), valid_loss the
 * validation MSE at an epoch's end.  Returns as train_step().
 * The validation pass at an epoch's end is cut into steps too (ranges of
 * storage order, about 400,000 validation ratings or more): the call that runs the last round
 * also runs the pass's first step, and while the pass goes on each call
 * (max_steps > 0) runs one more and returns TRAIN_MORE with batch ==
 * n_batches, the rest of the report untouched.  A set with fewer
 * validation ratings is validated at once. */
enum train_status ftrain_step(struct ftrain *t, long max_steps,
			      struct eng_train_report *rep);

/* Wall time of the last validation pass, in seconds (0 before the
 * first; the time of its steps only, not of what ran between them).  The report's seconds include it; benchmarks time the
 * training pass apart. */
double ftrain_valid_seconds(const struct ftrain *t);

/* Use the portable kernel even where AVX2 is available (on = 0), or the
 * best one (on = 1).  Returns 1 when the AVX2 kernel is now in use.  For
 * tests that compare the two. */
int ftrain_use_simd(struct ftrain *t, int on);

/* Run plain SGD through the momentum kernel (velocities kept, momentum
 * 0), which must give the same bits.  0, or -1 when memory runs out.  For
 * tests. */
int ftrain_use_velocity(struct ftrain *t);

#endif
