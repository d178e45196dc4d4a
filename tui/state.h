/* state.h -- what the interface knows: the dataset summary, the values in
 * the hyperparameters pane, the training runs, the movie list, and which
 * requests are in flight.  Curses-free: engine events are applied here and
 * commands are built here, and the panes only read it, so the whole
 * event flow is testable against a fake backend.
 *
 * Replies are matched by req_id: an event whose request is no longer the
 * current one (a superseded training run, an old item detail) is dropped,
 * with anything it owns released.
 */
#ifndef COLLABTUI_STATE_H
#define COLLABTUI_STATE_H

#include <stdint.h>

#include "backend.h"
#include "config.h"
#include "eng.h"
#include "hist.h"
#include "movielist.h"
#include "params.h"

/* Which panes an event or action changed (bits). */
enum {
	DIRTY_DATASET = 1 << 0,
	DIRTY_TRAIN   = 1 << 1,
	DIRTY_PARAMS  = 1 << 2,
	DIRTY_MOVIES  = 1 << 3,
	DIRTY_STATUS  = 1 << 4,
	DIRTY_ALL     = 0x1F,
};

/* One item's details (ENG_EVT_ITEM_DETAIL). */
struct state_detail {
	int valid;
	uint32_t item;
	uint32_t n_ratings;
	float mean;
	int n_bins;
	float bin_lo[ENG_HIST_BINS];
	uint32_t bin_count[ENG_HIST_BINS];
};

struct state {
	struct cfg cfg;                 /* the values the Params pane shows */
	double mom;                     /* --mom, for the constant schedule */
	struct backend *be;

	uint32_t next_req;
	uint32_t load_req, train_req, stop_req, detail_req;

	int loading;                    /* LOAD_DATA sent, no reply yet */
	int loaded;
	struct summary summary;         /* valid when loaded */
	struct params_range range;      /* the ratings' range, once loaded */

	int training;                   /* TRAIN sent, not yet ended */
	int trained;                    /* a model exists */
	int stale;                      /* values changed since it was trained */
	struct hist *hist;
	struct movielist *movies;
	struct state_detail detail;

	char status[256];               /* the last message for the status line */
	int status_err;                 /* 1: status is an error */
};

/* Initialise s with the settings in cfg, talking to the engine through be
 * (borrowed).  0, or -1 when memory runs out. */
int state_init(struct state *s, const struct cfg *cfg, double mom,
	       struct backend *be);

/* Release what s owns (not the backend). */
void state_done(struct state *s);

/* Apply one event, taking ownership of what it carries.  Returns the
 * DIRTY_* bits of the panes it changed. */
unsigned state_apply(struct state *s, struct eng_evt *ev);

/* Apply every event waiting in the backend; DIRTY_* bits. */
unsigned state_pump(struct state *s);

/* Ask for a dataset (path, format and item key from the settings).
 * 0, or -1 with the reason in s->status. */
int state_load(struct state *s, const char *path, const char *split);

/* Train with the values in s->cfg (a new run in the history).  Refused
 * while a run is going (stop it first) or when the y_range cannot reach
 * the ratings.  0, or -1 with s->status. */
int state_train(struct state *s);

/* Ask the running training to stop.  0, or -1 with s->status. */
int state_stop(struct state *s);

/* Ask for item's details.  0, or -1 with s->status. */
int state_detail(struct state *s, uint32_t item);

/* A hyperparameter changed: the model (or the running job) no longer
 * matches the values shown. */
void state_param_changed(struct state *s);

/* Set the status line's message (err: shown as an error). */
void state_message(struct state *s, int err, const char *msg);

#endif
