/* hist.h -- the training runs the Training pane shows: the current one
 * and the few before it (drawn dimmed), built from engine events.
 * Curses-free, fixed-size (no allocation after hist_new), so applying an
 * event and drawing a frame never touch the heap.
 *
 * Curve points are indexed by global batch / stride, where stride is the
 * engine's sampling step (struct eng_curve): a PROGRESS event that was
 * dropped on a full ring leaves a gap (NAN), nothing worse.
 */
#ifndef COLLABTUI_HIST_H
#define COLLABTUI_HIST_H

#include "eng.h"

#define HIST_RUNS 4             /* the current run and three before it */
#define HIST_EPOCHS 200         /* epoch rows kept per run */
#define HIST_PTS 1280           /* curve points kept per run (engine: ~1024) */

enum hist_state {
	HIST_WAITING = 0,       /* TRAIN sent, no TRAIN_START yet */
	HIST_RUNNING,
	HIST_DONE,
	HIST_STOPPED,
	HIST_FAILED,
	HIST_PAST,              /* a finished run read back from the history
				 * file: validation losses per epoch only */
};

struct hist_epoch {
	float train, valid;     /* losses; valid NAN without a validation set */
	float secs;
};

struct hist_run {
	char label[64];                 /* "lr 0.005 wd 0.1 k 50" */
	enum hist_state state;
	int planned_epochs;
	long n_batches;                 /* per epoch; 0 before TRAIN_START */
	long stride;                    /* batches per curve point; 0 unknown */
	int n_pts;                      /* points 0..n_pts-1 may be set */
	float smooth[HIST_PTS];         /* smoothed train loss; NAN = missing */
	float raw[HIST_PTS];            /* a raw batch loss near the point */
	int epoch;                      /* epoch in progress (0-based) */
	long batch;                     /* batches done in it */
	int n_epochs;                   /* finished epochs (rows) */
	struct hist_epoch ep[HIST_EPOCHS];
};

struct hist;

/* An empty history; NULL when memory runs out. */
struct hist *hist_new(void);

/* Release it; NULL is accepted. */
void hist_free(struct hist *h);

/* Begin a run (when TRAIN is sent): label describes its hyperparameters,
 * planned its epochs.  The oldest run is forgotten past HIST_RUNS. */
void hist_begin(struct hist *h, const char *label, int planned);

/* Show a past run (from the history file) behind the current one: its
 * training and validation losses per epoch (train[0..n), valid[0..n),
 * NAN where it had none), under label; its chart is the validation
 * curve, as it has no per-batch points.  It replaces an earlier past run, goes just before the current
 * run (so events keep feeding that one), and is forgotten like any older
 * run once HIST_RUNS newer ones exist. */
void hist_overlay(struct hist *h, const char *label, const float *train,
		  const float *valid, int n);

/* Remove the past run, if one is shown.  Returns 1 when there was one. */
int hist_overlay_clear(struct hist *h);

/* Feed a training event of the current run (TRAIN_START, PROGRESS, EPOCH,
 * TRAINED, STOPPED, ERROR); other kinds are ignored.  Returns 1 when the
 * run changed (the pane needs drawing). */
int hist_apply(struct hist *h, const struct eng_evt *ev);

/* Runs held (0..HIST_RUNS), and run i, oldest first: run(n-1) is the
 * current one.  NULL when i is out of range. */
int hist_count(const struct hist *h);
const struct hist_run *hist_run(const struct hist *h, int i);

/* The epoch with the lowest validation loss of r, or -1 when none has
 * one. */
int hist_best(const struct hist_run *r);

#endif
