/* runcurves.h -- the training runs the Training pane shows: the current one
 * and the few before it (drawn dimmed), built from engine events.
 * Curses-free, fixed-size (no allocation after curves_new), so applying an
 * event and drawing a frame never touch the heap.
 *
 * Curve points are indexed by global batch / stride, where stride is the
 * engine's sampling step (struct eng_curve): a PROGRESS event that was
 * dropped on a full ring leaves a gap (NAN), nothing worse.
 */
#ifndef COLLABTUI_RUNCURVES_H
#define COLLABTUI_RUNCURVES_H

#include "eng.h"

#define CURVES_RUNS 4             /* the current run and three before it */
#define CURVES_EPOCHS 200         /* epoch rows kept per run */
#define CURVES_PTS 1280           /* curve points kept per run (engine: ~1024) */

enum curve_state {
	CURVES_WAITING = 0,       /* TRAIN sent, no TRAIN_START yet */
	CURVES_RUNNING,
	CURVES_DONE,
	CURVES_STOPPED,
	CURVES_FAILED,
	CURVES_DIVERGED,          /* ended by ENG_EDIVERGED: NaN or infinite */
	CURVES_PAST,              /* a finished run read back from the history
				 * file: validation losses per epoch only */
};

struct curve_epoch {
	float train, valid;     /* losses; valid NAN without a validation set */
	float secs;
};

struct curve_run {
	char label[64];                 /* "lr 0.005 wd 0.1 k 50" */
	enum curve_state state;
	int planned_epochs;
	long n_batches;                 /* per epoch; 0 before TRAIN_START */
	long stride;                    /* batches per curve point; 0 unknown */
	int n_pts;                      /* points 0..n_pts-1 may be set */
	float smooth[CURVES_PTS];         /* smoothed train loss; NAN = missing */
	float raw[CURVES_PTS];            /* a raw batch loss near the point */
	int epoch;                      /* epoch in progress (0-based) */
	long batch;                     /* batches done in it */
	int n_epochs;                   /* finished epochs (rows) */
	struct curve_epoch ep[CURVES_EPOCHS];
};

struct run_curves;

/* An empty history; NULL when memory runs out. */
struct run_curves *curves_new(void);

/* Release it; NULL is accepted. */
void curves_free(struct run_curves *h);

/* Begin a run (when TRAIN is sent): label describes its hyperparameters,
 * planned its epochs.  The oldest run is forgotten past CURVES_RUNS. */
void curves_begin(struct run_curves *h, const char *label, int planned);

/* Show a past run (from the history file) behind the current one: its
 * training and validation losses per epoch (train[0..n), valid[0..n),
 * NAN where it had none), under label; its chart is the validation
 * curve, as it has no per-batch points.  It replaces an earlier past run, goes just before the current
 * run (so events keep feeding that one), and is forgotten like any older
 * run once CURVES_RUNS newer ones exist. */
void curves_overlay(struct run_curves *h, const char *label, const float *train,
		  const float *valid, int n);

/* Remove the past run, if one is shown.  Returns 1 when there was one. */
int curves_overlay_clear(struct run_curves *h);

/* Feed a training event of the current run (TRAIN_START, PROGRESS, EPOCH,
 * TRAINED, STOPPED, ERROR); other kinds are ignored.  Returns 1 when the
 * run changed (the pane needs drawing). */
int curves_apply(struct run_curves *h, const struct eng_evt *ev);

/* Runs held (0..CURVES_RUNS), and run i, oldest first: run(n-1) is the
 * current one.  NULL when i is out of range. */
int curves_count(const struct run_curves *h);
const struct curve_run *curves_run(const struct run_curves *h, int i);

/* The epoch with the lowest validation loss of r, or -1 when none has
 * one. */
int curves_best(const struct curve_run *r);

/* Overfitting, as the chapter shows it: the epoch (0-based, as fastai's
 * table counts) from which validation loss has stayed above its lowest
 * while training loss kept falling, up to the last finished epoch, and
 * ends more than CURVES_OVERFIT_RISE (relative) above it; -1 otherwise. */
#define CURVES_OVERFIT_RISE 0.005
int curves_overfit_since(const struct curve_run *r);

#endif
