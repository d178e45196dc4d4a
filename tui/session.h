/* session.h -- what the interface keeps between sessions: the last
 * trained model.  After each run that trained (not the nn model, which
 * answers no insight query) the engine saves the model, atomically, to
 * $XDG_DATA_HOME/collabtui/model-DATASET-ITEMKEY.ckpt (beside the run
 * history); when the same dataset is opened again with the same item
 * key (and --load names no model), it is loaded first, so last session's
 * recommendations, biases and map are there without retraining, and the
 * Training pane says when that model was trained.
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

#endif
