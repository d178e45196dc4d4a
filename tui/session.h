/* session.h -- what the interface keeps between sessions: the last
 * trained model.  After each run that trained (not the nn model, which
 * answers no insight query) the engine saves the model, atomically, to
 * $XDG_DATA_HOME/collabtui/model-DATASET-ITEMKEY.ckpt (beside the run
 * history); when the same dataset is opened again with the same item
 * key (and --load names no model), it is loaded first, so last session's
 * recommendations, biases and map are there without retraining, and the
 * Training pane says when that model was trained.
 *
 * And what the panes showed: when the interface ends, the hyperparameters
 * shown, the focused pane and the movie list's order and search are
 * written, atomically, to session-DATASET-ITEMKEY.txt beside it, one
 * "KEY VALUE" a line (config.yaml's keys, `pane 1..7`, `sort N` in
 * movielist.h's order, `search TEXT`); when the dataset is in again they
 * are put back, and then --preset and every option given on the command
 * line are applied over them again, so the command line wins.  A line
 * this version does not know is skipped and named on the status line.
 */
#ifndef COLLABTUI_SESSION_H
#define COLLABTUI_SESSION_H

#include "state.h"

/* The model file of s's dataset and item key into buf; NULL when there is
 * no place for one (no XDG_DATA_HOME or HOME) or no dataset. */
const char *session_model_path(const struct state *s, char *buf, size_t n);

/* A run trained (state's train_ended): have the engine keep the model. */
void session_model_keep(struct state *s);

/* The dataset's catalogue is in: load last session's model, if any. */
void session_model_restore(struct state *s);

/* MODEL_LOADED for the restore's request: the model is the engine's now;
 * ask for what the panes show.  Returns the state's DIRTY_* bits. */
unsigned session_model_loaded(struct state *s, const struct eng_evt *ev);

/* A model came in (last session's, or --load's): the Hyperparameters
 * pane shows the values that trained it (runargs_from_model), with
 * --preset and the options given on the command line over them -- but
 * last session's model with last session's values restored keeps those,
 * as they were left.  The model is stale when the values shown make a
 * run differ from it.  0, or -1 when its values cannot be shown (the
 * pane keeps its own). */
int session_model_values(struct state *s, const struct eng_model_info *mi,
			 int last_session);

/* The file of what the panes showed, like session_model_path(). */
const char *session_view_path(const struct state *s, char *buf, size_t n);

/* Write what the panes show now (the interface is ending).  0 (also when
 * there is nowhere to write), or -1 with the reason in err. */
int session_view_save(const struct state *s, char *err, size_t n);

/* The dataset is in: put back what the panes showed last session, with
 * the command line's options over it (s->given). */
void session_view_restore(struct state *s);

#endif
