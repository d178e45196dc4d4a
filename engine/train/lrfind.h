/* lrfind.h -- fastai's learning-rate finder (Learner.lr_find).
 *
 * Train a freshly initialised model for up to num_it mini-batches while the
 * learning rate grows exponentially from start_lr to end_lr (fastai's
 * SchedExp: lr_i = start * (end/start)^(i/num_it)), with constant momentum
 * (fastai's plain fit: Adam's 0.9, or --mom) and the run's weight decay.
 * After each batch the smoothed training loss (beta 0.98, debiased, as
 * fastai's Recorder) becomes one point of the curve.  The sweep stops after
 * num_it batches, or as soon as the smoothed loss exceeds 4 times the
 * lowest seen so far (fastai's stop_div) or stops being a finite number.
 *
 * Suggestions, computed as fastai does on the curve without its first
 * num_it/10 and last 5 points:
 *   valley  fastai's default: the longest run over which the loss keeps
 *           falling (the longest decreasing subsequence), and within it the
 *           point a third plus a sixth of the way down: still descending,
 *           short of the minimum, where training is fast but safe.
 *   steep   the point where the loss falls fastest per unit of log(lr).
 *
 * The caller owns the model; the finder re-initialises it from the train
 * configuration's seed and trains it, so pass a scratch copy, never the
 * model the user is keeping.  Nothing is allocated after lrfind_new().
 */
#ifndef COLLABTUI_LRFIND_H
#define COLLABTUI_LRFIND_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "split.h"
#include "train.h"

#define LRFIND_MAX_IT 1000      /* num_it's upper bound */

/* One point of the curve. */
struct lrfind_point {
	double lr;              /* the batch's learning rate */
	double loss;            /* smoothed training loss after it */
};

enum lrfind_status {
	LRFIND_MORE = 0,        /* a point was added; the sweep goes on */
	LRFIND_DONE,            /* the last point was added (num_it batches) */
	LRFIND_DIVERGED,        /* the last point was added and the loss diverged */
};

struct lrfind;

/* fastai's defaults: 1e-7 to 10 in 100 batches. */
struct eng_lr_find_hp lrfind_cfg_default(void);

/* NULL when acceptable, else a sentence naming the bad field. */
const char *lrfind_cfg_check(const struct eng_lr_find_hp *cfg);

/* Prepare a sweep of m over the training side of sp (the ratings c, as in
 * fit_new, all borrowed and outliving the finder), with tc's batch size,
 * optimiser, weight decay, momentum and seed; m is re-initialised.  NULL
 * with a message in err when a configuration is bad, the training set is
 * smaller than a batch, or memory runs out. */
struct lrfind *lrfind_new(struct model *m, const struct rcols *c,
			  const struct split *sp, const struct eng_train_hp *tc,
			  const struct eng_lr_find_hp *cfg, char *err, size_t errlen);

/* Release a finder (not the model); NULL is accepted. */
void lrfind_free(struct lrfind *f);

/* Train one mini-batch and append its point to the curve, stored in *pt.
 * After LRFIND_DONE or LRFIND_DIVERGED further calls do nothing and
 * return the same status. */
enum lrfind_status lrfind_step(struct lrfind *f, struct lrfind_point *pt);

/* The valley and steepest points of a curve of n points swept over num_it
 * batches (indices into pts; -1 when the trimmed curve is too short). */
struct eng_lr_suggest lrfind_suggest(const struct lrfind_point *pts, int n,
				     int num_it);

#endif
