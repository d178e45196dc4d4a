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
#include "opts.h"
#include "eng.h"
#include "runcurves.h"
#include "runmarks.h"
#include "history.h"
#include "movielist.h"
#include "myratings.h"
#include "params.h"

/* Which panes an event or action changed (bits). */
enum {
	DIRTY_DATASET = 1 << 0,
	DIRTY_TRAIN   = 1 << 1,
	DIRTY_PARAMS  = 1 << 2,
	DIRTY_MOVIES  = 1 << 3,
	DIRTY_STATUS  = 1 << 4,
	DIRTY_RECS    = 1 << 5,
	DIRTY_MAP     = 1 << 6,
	DIRTY_RUNS    = 1 << 7,
	DIRTY_ALL     = 0xFF,
};

#define STATE_RECS_TOP 20       /* recommendations asked for */
#define STATE_BIAS_N 20         /* most-loved and most-hated listed */
#define STATE_SIMILAR_K 15      /* similar movies listed */
#define STATE_PCA_TOP 500       /* most-rated movies on the map */
#define STATE_PCA_COMP 4        /* components asked for (if the model has them) */
/* Past runs the Runs pane holds: the newest ones on the dataset.  A record
 * is some 8 KB (a thousand losses each way), and a long session adds one
 * a run; older runs stay in the history file (`collabtui runs`). */
#define STATE_RUNS_MAX 200

/* One item's details (ENG_EVT_ITEM_DETAIL). */
struct state_detail {
	int valid;
	uint32_t item;
	uint32_t n_ratings;
	float mean;
	int n_bins;
	float bin_lo[ENG_RATING_BINS];
	uint32_t bin_count[ENG_RATING_BINS];
};

struct state {
	struct cfg cfg;                 /* the values the Params pane shows */
	struct backend *be;

	uint32_t next_req;
	uint32_t load_req, train_req, stop_req, detail_req;

	int loading;                    /* LOAD_DATA sent, no reply yet */
	char load_name[64];             /* the base name of what loads */
	int demo;                       /* what loads is the demo set (labelled so) */
	int demo_instead;               /* the demo, because no dataset was found */
	struct eng_load_progress load;  /* its last progress; phase 0: none yet */
	int loaded;
	struct eng_summary summary;     /* valid when loaded */
	struct params_range range;      /* the ratings' range, once loaded */

	int training;                   /* TRAIN sent, not yet ended */
	unsigned long n_progress;       /* PROGRESS and EPOCH events applied */
	int trained;                    /* a model exists */
	char model_path[1024];          /* --load: the model to load with the data */
	int stale;                      /* values changed since it was trained */
	struct run_curves *curves;
	struct movielist *movies;
	struct state_detail detail;

	char status[512];               /* the last message for the status line */
	int status_err;                 /* 1: status is an error */
	unsigned status_seq;            /* messages so far: a new one, even in
					 * the same words, is shown whole again */

	/* Your ratings, saved to mine_path after every change. */
	struct myratings mine;
	char mine_path[ENG_PATH_MAX];   /* "" when there is nowhere to save */
	int mine_keep;                  /* the file could not be read whole:
					 * never overwrite it */
	unsigned mine_note_seq;         /* status_seq of the message that said
					 * earlier files were merged */
	int has_meta;                   /* the dataset has age, gender, occupation */
	int trained_factors;            /* the model's k, for the PCA */
	uint32_t model_req;             /* LOAD_MODEL of last session's model */
	char model_when[40];            /* when that model was trained ("" for
					 * none, or one trained this session) */
	char model_loaded[120];         /* a loaded model's kind, epochs and
					 * valid loss ("" when trained here) */
	int view_restored;              /* the pane's values are last session's */

	/* The insight replies the panes show; each valid once its reply came. */
	uint32_t recs_req, bias_req, similar_req, pca_req, export_req;
	int recs_valid, recs_from_form;
	struct eng_recs recs;
	struct eng_meta_args form;      /* the last form sent (recs_from_form) */
	int bias_valid;
	uint32_t bias_min;              /* the loved/hated minimum of ratings */
	struct eng_bias_list bias;
	int similar_valid;
	uint32_t similar_item;
	struct eng_similar similar;
	struct eng_pca *pca;            /* owned; NULL until a reply */

	/* The learning-rate finder: its latest curve, which the Training
	 * pane draws instead of the runs while lr_shown. */
	uint32_t lr_req;
	int lr_running;                 /* LR_FIND sent, the sweep not ended */
	int lr_shown;                   /* from F until the next training */
	struct eng_lr_curve lr;

	/* The run history: the file the engine appends every run to (the
	 * TUI's runs like headless ones), and the past runs on this dataset
	 * that the Runs pane lists, newest first or best valid loss first. */
	char history_path[ENG_PATH_MAX];        /* "" when there is none */
	struct history_run *runs;       /* (n_runs of STATE_RUNS_MAX) owned */
	size_t n_runs;                  /* at most STATE_RUNS_MAX */
	size_t n_runs_file;             /* the dataset's runs in the file */
	int runs_by_valid;
	int overlay_on;                 /* a past run is on the Training chart: */
	struct history_run overlay;     /* this one (a copy: runs is reread) */
	struct run_marks *marks;        /* runs marked for comparing; NULL
					 * until the first mark (owned) */

	/* The session (session.h): what the command line set, which wins
	 * over the restored values (borrowed; NULL: nothing); the focused
	 * pane's number 1..7, which the screen keeps up to date; and a pane
	 * for the screen to focus, 0 for none. */
	const struct opts *given;
	int focus, focus_want;
};

/* Initialise s with the settings in cfg, talking to the engine through be
 * (borrowed).  0, or -1 when memory runs out. */
int state_init(struct state *s, const struct cfg *cfg, struct backend *be);

/* Release what s owns (not the backend). */
void state_done(struct state *s);

/* Apply one event, taking ownership of what it carries.  Returns the
 * DIRTY_* bits of the panes it changed. */
unsigned state_apply(struct state *s, struct eng_evt *ev);

/* Apply every event waiting in the backend; DIRTY_* bits. */
unsigned state_pump(struct state *s);

/* Ask for a dataset (path, format and item key from the settings); path
 * NULL asks for the built-in demo set (ENG_FMT_DEMO).  0, or -1 with the
 * reason in s->status. */
int state_load(struct state *s, const char *path, const char *split);

/* Train with the values in s->cfg (a new run in the history); with_me
 * adds your ratings to the training data as one more user ("retrain with
 * you included").  Refused while a run is going (stop it first), when the
 * y_range cannot reach the ratings, or with_me and no ratings.  0, or -1
 * with s->status. */
int state_train(struct state *s, int with_me);

/* Sweep the learning rate of a fresh model with the values in s->cfg
 * (fastai's lr_find, over cfg.lr_find's range), to be drawn in the
 * Training pane.  Refused while training or sweeping.  0, or -1 with
 * s->status. */
int state_lr_find(struct state *s);

/* Put the finder's suggestion (the valley) into the lr value.  0, or -1
 * with s->status when there is none yet. */
int state_lr_apply(struct state *s);

/* Ask the running training (or sweep, or load) to stop.  0, or -1 with
 * s->status. */
int state_stop(struct state *s);

/* Ask for item's details.  0, or -1 with s->status. */
int state_detail(struct state *s, uint32_t item);

/* A hyperparameter changed: the model (or the running job) no longer
 * matches the values shown. */
void state_param_changed(struct state *s);

/* Rate item (a NAN rating clears yours), save your ratings and ask for
 * new recommendations.  A rating outside the dataset's range is refused.
 * 0, or -1 with the reason in s->status; a save that fails is reported in
 * s->status too, but the rating stands (it is only in memory). */
int state_rate(struct state *s, uint32_t item, float rating);

/* Whether the dataset's ratings come in half stars (0.5, 1.5, ...). */
int state_half_stars(const struct state *s);

/* The half-star key on item: a whole rating gains half a star (3 -> 3.5),
 * a half one loses it again, no rating becomes the lowest half star.
 * Refused, with s->status, on datasets without half stars.  0 or -1. */
int state_rate_half(struct state *s, uint32_t item);

/* Ask for recommendations from your ratings (with none: the engine's
 * fallback, or the fold-in of an average user).  0, or -1 with s->status. */
int state_recommend(struct state *s);

/* Parse the first-recommendations form, "AGE GENDER OCCUPATION" ("34 F
 * engineer"), into *a.  0, or -1 with why. */
int state_parse_form(const char *text, struct eng_meta_args *a, char *why,
		     size_t n);

/* Send the form's text as ENG_CMD_RECOMMEND_META.  0, or -1 with
 * s->status. */
int state_recommend_form(struct state *s, const char *text);

/* Ask for the most-loved and most-hated movies among those with at least
 * min_ratings ratings.  0, or -1 with s->status. */
int state_bias_list(struct state *s, uint32_t min_ratings);

/* Ask for the movies most similar to item.  0, or -1 with s->status. */
int state_similar(struct state *s, uint32_t item);

/* Ask for the embedding map.  0, or -1 with s->status. */
int state_pca(struct state *s);

/* Load the model file at path once the dataset is in (--load: a model
 * trained here or written by `collabtui import`); the panes then show it
 * as after a run. */
void state_load_model(struct state *s, const char *path);

/* Export the current model as `collabtui export` does, into the data
 * directory's export/DATASET (made when missing); the status line says
 * where, or why not (no model yet, training running).  0, or -1. */
int state_export(struct state *s);

/* Have the engine append every training run to the history file (as
 * headless runs are), when there is a place for one.  0, or -1 when there
 * is none or the command could not be sent (runs then go unrecorded). */
int state_keep_history(struct state *s);

/* Send cmd to the engine under a new request id, into *req.  0, or -1
 * with s->status (the engine's queue is full). */
int state_send(struct state *s, struct eng_cmd *cmd, uint32_t *req);

/* Reread the past runs of the loaded dataset from the history file, in
 * the current order: the newest STATE_RUNS_MAX of them (n_runs_file says
 * how many the file has).  0, or -1 with s->status (the list is then
 * empty). */
int state_runs_reload(struct state *s);

/* Toggle the Runs order between newest first and best valid loss first
 * (rereading the file, so runs from other processes show up too). */
void state_runs_sort(struct state *s);

/* Whether runs[i] is the one overlaid on the Training chart. */
int state_runs_overlaid(const struct state *s, size_t i);

/* Overlay runs[i]'s per-epoch curve on the Training chart, replacing any
 * earlier overlay; when it is overlaid already, remove it.  0, or -1 with
 * s->status. */
int state_runs_overlay(struct state *s, size_t i);

/* Put runs[i]'s hyperparameters into the pane's values (the model goes
 * stale).  0, or -1 with s->status. */
int state_runs_restore(struct state *s, size_t i);

/* Apply the preset after the one the values hold (the first one when
 * they are custom), cyclically, as the Hyperparameters pane's preset row
 * steps.  0, or -1 with s->status when there are none or it is refused. */
int state_preset_next(struct state *s);

/* Set the status line's message (err: shown as an error). */
void state_message(struct state *s, int err, const char *msg);

#endif
