/* eng.h -- the engine: the one object that owns datasets, models and
 * training, and with msg.h (the commands and events it exchanges) the
 * only engine header a front end includes.
 *
 * The engine is driven by commands and reports through events.  Both are
 * plain structs copied by value (msg.h), so the TUI can pass them through
 * lock-free rings between its own thread and an engine thread, while the
 * headless CLI calls the engine directly:
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

#include "msg.h"

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

/* Release a catalogue received in ENG_EVT_CATALOG; NULL is accepted. */
void eng_catalog_free(struct eng_catalog *c);

/* Release biases received in ENG_EVT_BIASES; NULL is accepted. */
void eng_biases_free(struct eng_biases *b);

/* Release a PCA received in ENG_EVT_PCA; NULL is accepted. */
void eng_pca_free(struct eng_pca *p);

/* Free what an event owns (a catalogue, biases or a PCA); other events own
 * nothing.  For a receiver that drops an event unread. */
void eng_evt_release(struct eng_evt *ev);

/* ---- settings: defaults ---------------------------------------------
 *
 * What a front end starts from to fill a TRAIN from its own settings.
 * The words of the settings (config.yaml's, the command line's) are the
 * front ends' business: app/vocab.h.
 */

/* collab_learner's model: ENG_MODEL_DOTBIAS, k = 50, y_range (0, 5.5),
 * no NN layers; n_users and n_items are 0 (TRAIN fills them in). */
struct eng_model_hp eng_model_hp_default(void);

/* The chapter's run: ENG_FIT_SGD, 5 epochs, bs 64, lr 5e-3, wd 0.1, Adam,
 * one-cycle, momentum 0.9 (under a constant schedule), seed 42, one
 * optimiser thread. */
struct eng_train_hp eng_train_hp_default(void);

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
