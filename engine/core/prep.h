/* prep.h -- preparing a training run or a learning-rate sweep on a
 * thread of its own, so the engine's thread stays free to answer commands.
 *
 * Before its first batch a run needs its split (a seeded permutation of
 * every rating), your ratings appended when you join it, a fresh model,
 * and its trainer, which for the fast trainer means laying every training
 * rating out block by block.  On 25M ratings that takes seconds, in loops
 * that cannot stop and resume (split_random, ftrain_new).  So it runs on a
 * preparation thread, and the engine's own thread stays free to answer
 * commands: eng_work() waits for it (prep_wait) a chunk at a time, then installs
 * what it made and sends TRAIN_START.  (A load, in contrast, reports its
 * progress as it goes and is cancelled from inside; see do_load_data.)
 *
 * Sharing.  The preparation reads the dataset and, when resuming, the
 * model; it writes only its struct prep, which the engine's thread reads
 * after `done` is set under the mutex.  Nothing frees or changes the
 * dataset or the model meanwhile: the commands that would are refused
 * while a job runs, and wait for a stopped preparation to end (settle).
 *
 * Stopping.  Nothing can interrupt a step of the preparation, so STOP
 * abandons it: STOPPED goes out at once, the model and dataset stay as
 * they were, the thread gives up between its steps (split, your ratings,
 * model, trainer), and its work is thrown away when it ends (eng_work
 * reaps it).
 */
#ifndef COLLABTUI_PREP_H
#define COLLABTUI_PREP_H

#include <pthread.h>
#include <stdatomic.h>

#include "dataset.h"
#include "eng.h"
#include "lrfind.h"
#include "model.h"
#include "split.h"
#include "train.h"

struct prep {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;                       /* under mu: prep_main has returned */
	int joined;                     /* engine thread only */
	/* Set when abandoned: the thread stops at its next step.  It orders
	 * nothing else (the join does), so relaxed is enough. */
	_Atomic int give_up;

	/* what to make (read-only while the thread runs) */
	enum eng_cmd_kind kind;         /* ENG_CMD_TRAIN or ENG_CMD_LR_FIND */
	uint32_t req;
	struct eng_train_args a;        /* model shape completed */
	struct eng_model_hp shape;         /* of a fresh model (one more user with you) */
	struct eng_lr_find_hp sweep;        /* LR_FIND */
	const struct ds *ds;
	struct model *m;                /* the model trained: a resumed one
					 * (borrowed) or a fresh one (owned until
					 * installed; made by the thread) */
	int init;                       /* fresh: m is made and initialised */
	struct prep_lend {
		/* The engine's block layout kept from its last fast run
		 * (train.h's ratings_view.keep): a fast run on the
		 * dataset's own ratings takes it or frees it; any other run
		 * frees it. */
		struct blocks *keep;
		/* The engine's last split, when this run's would be the
		 * same (prep_same_split), else NULL: a fast run copies its
		 * bitmap instead of drawing it again (25M ratings: 3 MiB
		 * copied, against 0.13 s and a 95 MiB permutation, which
		 * beside a kept layout would raise the peak). */
		const struct split *split;
	} lend;                         /* borrowed: the engine leaves both
					 * alone until the run ends */

	/* what the thread makes; the run borrows sp and with_* until it ends */
	struct split sp;
	/* With "you" included: the dataset's ratings plus yours (user index
	 * n_users); NULL otherwise. */
	uint32_t *with_u, *with_i;      /* (n_ratings + n_mine) */
	float *with_r;
	struct trainer *tr;             /* TRAIN: one of these two */
	struct lrfind *lrf;             /* LR_FIND */
	int code;                       /* 0, or an enum eng_err ... */
	char err[ENG_MSG_MAX];          /* ... and why */
};

/* Start preparing a run of kind (ENG_CMD_TRAIN or ENG_CMD_LR_FIND) for
 * request req with arguments a (the model's shape completed) on ds: a
 * fresh model of `shape` when m is NULL, else m, resumed (borrowed).
 * sweep is LR_FIND's (NULL for TRAIN).  Returns the preparation, whose
 * thread runs until prep_wait() says it ended; NULL with the reason in err
 * when memory runs out or the thread cannot start. */
struct prep *prep_start(enum eng_cmd_kind kind, uint32_t req,
			const struct eng_train_args *a, const struct eng_model_hp *shape,
			const struct eng_lr_find_hp *sweep, const struct ds *ds,
			struct model *m, const struct prep_lend *lend, char *err,
			size_t errlen);

/* Whether runs with arguments a and b on one dataset split it alike. */
int prep_same_split(const struct eng_train_args *a, const struct eng_train_args *b);

/* Wait up to `seconds` for the preparation thread to end; joins it and
 * returns 1 once it has (at once when it already had). */
int prep_wait(struct prep *p, double seconds);

/* Ask the thread to stop at its next step; what it made is thrown away
 * by prep_free() once prep_wait() has seen it end. */
void prep_give_up(struct prep *p);

/* Free a preparation whose thread has been joined, with whatever it
 * still holds (what the engine took over it has set to NULL); NULL is
 * accepted. */
void prep_free(struct prep *p);

#endif
