/* eng.h -- the engine: the one object that owns datasets, models and
 * training, and the only engine header a front end includes.
 *
 * The engine is driven by commands and reports through events.  Both are
 * plain structs copied by value (no pointers into engine memory), so the
 * TUI can pass them through lock-free rings between its own thread and an
 * engine thread, while the headless CLI calls the engine directly:
 *
 *     eng_handle(e, &cmd);            // may emit events, may start a job
 *     while (eng_busy(e))
 *             eng_work(e);            // one chunk of the job (~10 ms)
 *
 * LOAD_DATA is the one long command that runs inside eng_handle(): the
 * loader reads the file in one go, reporting LOAD_PROGRESS, and a front
 * end that wants to cancel it says so through eng_set_cancel().
 *
 * Events go to the emit callback given to eng_new(), on the thread that
 * called eng_handle()/eng_work().  The engine never prints, never exits and
 * never touches the terminal.  Every event carries the req_id of the
 * command that caused it, so a front end can drop stale replies.
 *
 * Bulk results (the item catalogue, the learned item biases, the PCA map)
 * are too big for a message: the engine allocates a fresh copy and the
 * event carries the pointer, handing ownership to the receiver, who frees
 * it with the matching *_free function.  The engine never touches it again.
 *
 * The insight queries (BIAS_LIST, SIMILAR, PCA, RECOMMEND*) read the
 * current model, even mid-training; what they derive from it (normalised
 * factor matrices, the fold-in prior, the metadata regression) is cached
 * in the engine and dropped whenever the model changes.
 *
 * The TUI runs the engine on a thread of its own (eng_thread_*, at the end
 * of this header); the messages then travel through two lock-free rings.
 */
#ifndef COLLABTUI_ENG_H
#define COLLABTUI_ENG_H

#include <stdint.h>

#include "dataset.h"
#include "lrfind.h"
#include "metrics.h"
#include "model.h"
#include "summary.h"
#include "train.h"

#define ENG_PATH_MAX 1024
#define ENG_MSG_MAX 512

/* Error codes carried by ENG_EVT_ERROR (negative, as the engine returns). */
enum eng_err {
	ENG_OK = 0,
	ENG_EARG = -1,          /* a bad option or hyperparameter */
	ENG_EDATA = -2,         /* bad input data: file, line, what was expected */
	ENG_EIO = -3,           /* a file could not be read or written */
	ENG_ENOMEM = -4,        /* out of memory */
	ENG_ESTATE = -5,        /* not possible now (no dataset, no model, busy) */
	ENG_ECANCELED = -6,     /* a load cancelled (eng_set_cancel); reported
				 * as STOPPED, not as an ERROR */
};

enum eng_cmd_kind {
	ENG_CMD_LOAD_DATA = 1,  /* load a dataset; LOAD_PROGRESS while it reads,
				 * then LOADED with its summary */
	ENG_CMD_TRAIN,          /* start training; TRAIN_START once the run is
				 * prepared, EPOCH per epoch, then TRAINED */
	ENG_CMD_STOP,           /* stop training after the current batch, or
				 * its preparation at once; STOPPED */
	ENG_CMD_SAVE_MODEL,     /* write the model; SAVED */
	ENG_CMD_LOAD_MODEL,     /* read a model for the loaded dataset; MODEL_LOADED */
	ENG_CMD_ITEM_DETAIL,    /* u.item: one item's rating histogram; ITEM_DETAIL */
	ENG_CMD_BIAS_LIST,      /* u.bias: items by learned bias; BIAS_LIST */
	ENG_CMD_SIMILAR,        /* u.similar: nearest items or users by cosine; SIMILAR */
	ENG_CMD_PCA,            /* u.pca: PCA of the item factors; PCA */
	ENG_CMD_RECOMMEND,      /* u.recommend: fold in a new user; RECS */
	ENG_CMD_RECOMMEND_META, /* u.meta: recommend from age, gender, occupation; RECS */
	ENG_CMD_EVAL,           /* u.eval: the model's metrics on the validation set; METRICS */
	ENG_CMD_HISTORY,        /* u.path: append each training run to this file
				 * (history.h), "" for none (the default); no reply */
	ENG_CMD_LR_FIND,        /* u.lr_find: learning-rate sweep of a fresh model;
				 * LR_PROGRESS, then LR_FOUND (STOP ends it: STOPPED) */
};

/* Fixed caps of the insight queries, so their replies fit in a message. */
#define ENG_TOPN_MAX 100        /* entries of a ranked list */
#define ENG_RATED_MAX 256       /* ratings of a RECOMMEND command */

struct eng_bias_args {
	int top, bottom;        /* how many highest and lowest; top + bottom <= ENG_TOPN_MAX */
	uint32_t min_ratings;   /* leave out items with fewer ratings */
};

struct eng_similar_args {
	int users;              /* 0: items, 1: users */
	uint32_t index;         /* the item (or user) to compare with */
	int k;                  /* 1..ENG_TOPN_MAX */
};

struct eng_pca_args {
	uint32_t top_n;         /* project the top_n most-rated items; 0: all */
	int n_comp;             /* components to project on, 1..k */
};

struct eng_rating {
	uint32_t item;
	float rating;
};

struct eng_recommend_args {
	int top;                /* 1..ENG_TOPN_MAX */
	int n;                  /* ratings in use, 0..ENG_RATED_MAX */
	struct eng_rating r[ENG_RATED_MAX];
};

struct eng_meta_args {
	int top;                /* 1..ENG_TOPN_MAX */
	int age;
	char gender[8];         /* "M", "F" in ML-100K */
	char occupation[32];    /* a u.occupation word: "engineer", "student", ... */
};

struct eng_load_args {
	char path[ENG_PATH_MAX];
	enum eng_format format;
	enum eng_item_key item_key;
	char split[8];          /* "" or "u1".."u5", "ua", "ub" */
};

struct eng_train_args {
	struct eng_model_hp model; /* n_users/n_items are filled in by the engine */
	struct eng_train_hp train;
	double valid_pct;       /* random hold-out, unless the dataset has a split */
	int resume;             /* start from the current model, not a fresh init */
	int fast;               /* the fast trainer (fasttrain.h), not fastai's fit */
	/* "Retrain with you included": when n_mine > 0, these ratings join the
	 * training set as one more user.  Their row is dropped when training
	 * ends, so the model keeps the dataset's shape; what stays is item
	 * factors and biases that learned from you too. */
	/* folds >= 2: validate on fold `fold` of a seeded K-fold split of
	 * the ratings (split_kfold) instead of a valid_pct hold-out. */
	int folds, fold;
	int n_mine;             /* 0..ENG_RATED_MAX */
	struct eng_rating mine[ENG_RATED_MAX];
};

struct eng_eval_args {
	int k;                  /* ranking list length, >= 1 (10) */
	float relevant;         /* held-out ratings >= this are relevant (4) */
	int clip;               /* clip predictions to the dataset's rating range */
};

/* LR_FIND: the settings of a TRAIN -- the model's shape, batch size,
 * optimiser, weight decay, momentum (held constant), seed and split; not
 * epochs, lr or schedule, which the sweep replaces; no resume, no "you" --
 * and the sweep (lrfind.h).  The engine's current model is not touched: a
 * fresh one of that shape is swept and thrown away. */
struct eng_lr_find_args {
	struct eng_train_args train;
	struct eng_lr_find_hp sweep;    /* num_it at most ENG_LR_PTS */
};

struct eng_cmd {
	enum eng_cmd_kind kind;
	uint32_t req_id;
	union {
		struct eng_load_args load;
		struct eng_train_args train;
		char path[ENG_PATH_MAX];        /* SAVE_MODEL, LOAD_MODEL */
		uint32_t item;                  /* ITEM_DETAIL */
		struct eng_bias_args bias;
		struct eng_similar_args similar;
		struct eng_pca_args pca;
		struct eng_recommend_args recommend;
		struct eng_meta_args meta;
		struct eng_eval_args eval;
		struct eng_lr_find_args lr_find;
	} u;
};

/* One item as the movie browser shows it; strings point into the
 * catalogue's own storage. */
struct eng_item {
	const char *title;      /* UTF-8 */
	const char *genres;     /* "A|B", "" when unknown */
	uint64_t id;            /* the dataset's own id (smallest one for a merged title) */
	int year;               /* from "(1995)" at the title's end; 0 if none */
	uint32_t n_ratings;     /* in the whole dataset */
	float mean;             /* mean rating; NAN with no ratings */
};

/* Every item of the loaded dataset, by dense item index. */
struct eng_catalog {
	uint32_t n_items;
	struct eng_item *items;         /* (n_items) */
	char *strings;                  /* storage of all titles and genres */
};

/* Release a catalogue received in ENG_EVT_CATALOG; NULL is accepted. */
void eng_catalog_free(struct eng_catalog *c);

/* The learned item biases of the current model, by item index. */
struct eng_biases {
	uint32_t n_items;
	float *item_bias;               /* (n_items) */
};

/* Release biases received in ENG_EVT_BIASES; NULL is accepted. */
void eng_biases_free(struct eng_biases *b);

/* The PCA of the item factors, for the embedding map. */
struct eng_pca {
	int k;                          /* factors (= components available) */
	int n_comp;                     /* components projected on */
	float *share;                   /* (k) share of variance per component, descending */
	uint32_t n;                     /* items projected */
	uint32_t *items;                /* (n) most-rated first */
	float *proj;                    /* (n, n_comp) row-major coordinates */
};

/* Release a PCA received in ENG_EVT_PCA; NULL is accepted. */
void eng_pca_free(struct eng_pca *p);

/* One entry of a ranked list: an item (or, for similar users, a user). */
struct eng_ranked {
	uint32_t idx;
	float score;            /* BIAS_LIST: bias; SIMILAR: cosine; RECS: predicted rating */
	float mean;             /* its mean rating in the dataset, NAN with none */
	uint32_t n_ratings;     /* its number of ratings */
	uint32_t because;       /* RECS from ratings: the rated item most similar
				 * to this one; UINT32_MAX otherwise */
};

struct eng_bias_list {
	uint32_t min_ratings;
	int n_top, n_bottom;    /* e[0..n_top) highest first, then n_bottom lowest first */
	struct eng_ranked e[ENG_TOPN_MAX];
};

struct eng_similar {
	int users;              /* 1 when the entries are users */
	uint32_t query;
	int n;
	struct eng_ranked e[ENG_TOPN_MAX];
};

enum eng_recs_basis {
	ENG_RECS_FOLDIN = 1,    /* the ratings folded in as a new user */
	ENG_RECS_META,          /* the user predicted from age, gender, occupation */
	ENG_RECS_POPULAR,       /* no trained model (or no metadata): items by
				 * their mean rating shrunk towards the global
				 * mean, which favours well-liked, much-rated ones */
};

#define ENG_RECS_UNKNOWN_GENDER 1       /* not a gender of the dataset */
#define ENG_RECS_UNKNOWN_OCCUPATION 2   /* not an occupation of the dataset */

struct eng_recs {
	enum eng_recs_basis basis;
	int n_rated;            /* ratings used (FOLDIN) */
	int unknown;            /* META: ENG_RECS_UNKNOWN_* bits */
	float lambda_f, lambda_b;/* FOLDIN: the ridge prior's weights (see foldin.h) */
	float pop_share;        /* share of e[] among the 10% most-rated items */
	char note[128];         /* POPULAR: why there was no better basis */
	int n;
	struct eng_ranked e[ENG_TOPN_MAX];
};

#define ENG_RATING_BINS 10
#define ENG_LOSS_PTS 64

/* One item's ratings, for the movie details view. */
struct eng_detail {
	uint32_t item;
	uint32_t n_ratings;
	float mean;             /* NAN with no ratings */
	int n_bins;             /* the dataset summary's histogram bins */
	float bin_lo[ENG_RATING_BINS];
	uint32_t bin_count[ENG_RATING_BINS];
};

/* PROGRESS's share of the loss curve: the smoothed training loss at
 * batches first, first + stride, ... (n points).  Points are taken every
 * `stride` batches, with the stride chosen so a whole run has at most
 * ~1024 of them. */
struct eng_curve {
	long first;             /* global batch index of loss[0] (0-based) */
	long stride;
	int n;
	float loss[ENG_LOSS_PTS];
};

enum eng_evt_kind {
	ENG_EVT_LOADED = 1,     /* u.summary */
	ENG_EVT_TRAIN_START,    /* u.train.report: n_batches set; training began */
	ENG_EVT_PROGRESS,       /* u.train, at most every ENG_PROGRESS_MS */
	ENG_EVT_EPOCH,          /* u.train with the epoch's losses and time */
	ENG_EVT_TRAINED,        /* u.train of the last epoch; training ended */
	ENG_EVT_STOPPED,        /* training (or its preparation, or a load)
				 * stopped early by ENG_CMD_STOP */
	ENG_EVT_SAVED,
	ENG_EVT_MODEL_LOADED,
	ENG_EVT_ERROR,          /* u.error */
	ENG_EVT_CATALOG,        /* u.catalog (owned by the receiver), after LOADED */
	ENG_EVT_BIASES,         /* u.biases (owned by the receiver): after a dotbias
				 * model is trained, stopped or loaded */
	ENG_EVT_ITEM_DETAIL,    /* u.detail */
	ENG_EVT_BIAS_LIST,      /* u.bias_list */
	ENG_EVT_SIMILAR,        /* u.similar */
	ENG_EVT_PCA,            /* u.pca (owned by the receiver) */
	ENG_EVT_RECS,           /* u.recs: reply to RECOMMEND and RECOMMEND_META */
	ENG_EVT_METRICS,        /* u.metrics: reply to EVAL */
	ENG_EVT_LR_PROGRESS,    /* u.lr: the sweep's curve so far, at most every
				 * ENG_PROGRESS_MS (droppable: the next has it all) */
	ENG_EVT_LR_FOUND,       /* u.lr: the whole curve and the suggestions */
	ENG_EVT_LOAD_PROGRESS,  /* u.load: how far LOAD_DATA is, at most every
				 * ENG_PROGRESS_MS and only once it has taken that
				 * long (droppable: the next says it all) */
};

#define ENG_PROGRESS_MS 100

/* The steps of a load, in order. */
enum eng_load_phase {
	ENG_LOAD_READ = 1,      /* parsing the ratings file: done of total bytes */
	ENG_LOAD_INDEX,         /* dense ids, titles and user data */
	ENG_LOAD_SUMMARY,       /* the summary and the item catalogue */
};

struct eng_load_progress {
	enum eng_load_phase phase;
	uint64_t done, total;   /* bytes of the ratings file; total 0 when unknown */
	double seconds;         /* since the load began */
};

#define ENG_LR_PTS 256          /* points of a learning-rate sweep */

/* A learning-rate sweep's curve: point j is (lr[j], smoothed loss[j]). */
struct eng_lr_curve {
	int num_it;             /* batches the sweep was asked for */
	int n;                  /* points so far */
	int diverged;           /* LR_FOUND: it stopped on a diverging loss */
	struct eng_lr_suggest suggest;  /* LR_FOUND: indices, -1 when none */
	float lr[ENG_LR_PTS];
	float loss[ENG_LR_PTS];
};

struct eng_evt {
	enum eng_evt_kind kind;
	uint32_t req_id;
	union {
		struct eng_summary summary;
		struct {
			struct eng_train_report report;
			struct eng_curve curve; /* PROGRESS, EPOCH, TRAINED only */
		} train;
		struct eng_catalog *catalog;
		struct eng_biases *biases;
		struct eng_detail detail;
		struct eng_bias_list bias_list;
		struct eng_similar similar;
		struct eng_pca *pca;
		struct eng_recs recs;
		struct eng_lr_curve lr;
		struct eng_load_progress load;
		struct {
			struct eng_metrics_err err;
			struct eng_metrics_rank rank;
			int k;
		} metrics;
		struct {
			int code;               /* enum eng_err */
			char msg[ENG_MSG_MAX];
		} error;
	} u;
};

typedef void (*eng_emit_fn)(void *ctx, const struct eng_evt *evt);

struct eng;

/* A new engine with no dataset.  emit receives every event; ctx is passed
 * back to it.  NULL when memory runs out. */
struct eng *eng_new(eng_emit_fn emit, void *ctx);

/* Release the engine and everything it owns; NULL is accepted. */
void eng_free(struct eng *e);

/* Carry out one command.  Quick commands (and LOAD_DATA) finish inside the
 * call; TRAIN and LR_FIND check their arguments and start a job, which
 * eng_work() then advances.  Returns 0, or the negative enum eng_err also
 * reported as an ERROR event (ENG_ECANCELED: see eng_set_cancel). */
int eng_handle(struct eng *e, const struct eng_cmd *cmd);

/* Whether eng_work() has work: a job (training, a sweep, a run being
 * prepared), or a stopped run's preparation still to be wound up. */
int eng_busy(const struct eng *e);

/* A way to cancel a load.  While LOAD_DATA runs inside eng_handle(), the
 * engine calls cancel(ctx) on the same thread every MiB read and between
 * the load's steps; a non-zero return abandons the load: everything it
 * read is freed, the dataset loaded before (if any) stays, STOPPED is sent
 * with the LOAD_DATA's req_id and eng_handle() returns ENG_ECANCELED.
 * NULL (the default) means loads run to their end. */
void eng_set_cancel(struct eng *e, int (*cancel)(void *ctx), void *ctx);

/* Advance the current job by one chunk of about 10 ms of work, emitting
 * PROGRESS / EPOCH / TRAINED events as they happen.  Does nothing when idle. */
void eng_work(struct eng *e);

/* A short English description of an enum eng_err code. */
const char *eng_strerror(int code);

/* Free what an event owns (a catalogue, biases or a PCA); other events own
 * nothing.  For a receiver that drops an event unread. */
void eng_evt_release(struct eng_evt *ev);

/* ---- the engine on its own thread ------------------------------------
 *
 * eng_thread_start() creates an engine and a thread that owns it.  The
 * caller (the UI thread) then talks to it only through two single-producer
 * single-consumer rings: commands in, events out.  Neither side blocks on
 * the other: a full command ring makes eng_thread_send() fail, and the
 * engine drops progress events (PROGRESS, LR_PROGRESS, LOAD_PROGRESS)
 * when the event ring is full (every other
 * event waits for room, so results, errors and ends of training are never
 * lost).  The engine thread sleeps when it has no command and no job; the
 * UI can sleep too, waking when eng_thread_fd() becomes readable.
 * Signals: the engine thread blocks every asynchronous signal, so SIGWINCH,
 * SIGINT and SIGTERM reach the UI thread only.
 * A STOP sent while a dataset loads cancels the load (eng_set_cancel), as
 * does eng_thread_stop().
 */
struct eng_thread;

/* Start the thread.  NULL (and a message in err) when it cannot start. */
struct eng_thread *eng_thread_start(char *err, size_t errlen);

/* Queue a command; 0, or -1 when the command ring is full (try later). */
int eng_thread_send(struct eng_thread *t, const struct eng_cmd *cmd);

/* Take the next event: 1 with *out filled, 0 when there is none. */
int eng_thread_poll(struct eng_thread *t, struct eng_evt *out);

/* A file descriptor that is readable while events are waiting, for
 * poll()/select() next to the terminal's input. */
int eng_thread_fd(const struct eng_thread *t);

/* Stop any job, join the thread, free the engine and every event still
 * queued; NULL is accepted. */
void eng_thread_stop(struct eng_thread *t);

#endif
