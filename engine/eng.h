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
 * Events go to the emit callback given to eng_new(), on the thread that
 * called eng_handle()/eng_work().  The engine never prints, never exits and
 * never touches the terminal.  Every event carries the req_id of the
 * command that caused it, so a front end can drop stale replies.
 */
#ifndef COLLABTUI_ENG_H
#define COLLABTUI_ENG_H

#include <stdint.h>

#include "dataset.h"
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
};

enum eng_cmd_kind {
	ENG_CMD_LOAD_DATA = 1,  /* load a dataset; replies LOADED with its summary */
	ENG_CMD_TRAIN,          /* start training; EPOCH per epoch, then TRAINED */
	ENG_CMD_STOP,           /* stop training after the current batch; STOPPED */
	ENG_CMD_SAVE_MODEL,     /* write the model; SAVED */
	ENG_CMD_LOAD_MODEL,     /* read a model for the loaded dataset; MODEL_LOADED */
};

struct eng_load_args {
	char path[ENG_PATH_MAX];
	enum ds_format format;
	enum ds_item_key item_key;
	char split[8];          /* "" or "u1".."u5", "ua", "ub" */
};

struct eng_train_args {
	struct model_cfg model; /* n_users/n_items are filled in by the engine */
	struct train_cfg train;
	double valid_pct;       /* random hold-out, unless the dataset has a split */
	int resume;             /* start from the current model, not a fresh init */
};

struct eng_cmd {
	enum eng_cmd_kind kind;
	uint32_t req_id;
	union {
		struct eng_load_args load;
		struct eng_train_args train;
		char path[ENG_PATH_MAX];        /* SAVE_MODEL, LOAD_MODEL */
	} u;
};

enum eng_evt_kind {
	ENG_EVT_LOADED = 1,     /* u.summary */
	ENG_EVT_TRAIN_START,    /* u.report: n_batches set; training began */
	ENG_EVT_PROGRESS,       /* u.report, at most every ENG_PROGRESS_MS */
	ENG_EVT_EPOCH,          /* u.report with the epoch's losses and time */
	ENG_EVT_TRAINED,        /* u.report of the last epoch; training ended */
	ENG_EVT_STOPPED,        /* training stopped early by ENG_CMD_STOP */
	ENG_EVT_SAVED,
	ENG_EVT_MODEL_LOADED,
	ENG_EVT_ERROR,          /* u.error */
};

#define ENG_PROGRESS_MS 100

struct eng_evt {
	enum eng_evt_kind kind;
	uint32_t req_id;
	union {
		struct summary summary;
		struct train_report report;
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

/* Carry out one command.  Quick commands finish inside the call; TRAIN
 * only prepares the job, which eng_work() then advances.  Returns 0, or the
 * negative enum eng_err also reported as an ERROR event. */
int eng_handle(struct eng *e, const struct eng_cmd *cmd);

/* Whether a job (training) is in progress. */
int eng_busy(const struct eng *e);

/* Advance the current job by one chunk of about 10 ms of work, emitting
 * PROGRESS / EPOCH / TRAINED events as they happen.  Does nothing when idle. */
void eng_work(struct eng *e);

/* A short English description of an enum eng_err code. */
const char *eng_strerror(int code);

#endif
