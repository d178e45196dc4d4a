/* views.h -- the seven panes.  Each view_*_new() returns a pane (struct
 * panel first member of a view-private struct) to be released with
 * panel_free(); NULL when memory runs out. */
#ifndef COLLABTUI_VIEWS_H
#define COLLABTUI_VIEWS_H

#include "panel.h"

/* Dataset: name, counts, density, the rating histogram, ratings per user
 * and per item, the most-rated movies (from ENG_EVT_LOADED's summary). */
struct panel *view_dataset_new(void);

/* Training: the loss chart (train per batch, valid per epoch, older runs
 * dimmed, best epoch marked) over fastai's epoch table. */
struct panel *view_train_new(void);

/* Hyperparameters: edit in place, step with left/right. */
struct panel *view_params_new(void);

/* Movies: every movie; search, sort, details, your ratings, similar
 * movies, the most-loved and most-hated. */
struct panel *view_movies_new(void);

/* Recommendations: from your ratings (or the metadata form), with the
 * model's state and the popularity skew. */
struct panel *view_recs_new(void);

/* Map: the PCA scatter of the item embeddings. */
struct panel *view_map_new(void);

/* Runs: the past runs on the dataset from the run history; overlay one's
 * curve on the Training chart, restore its hyperparameters. */
struct panel *view_runs_new(void);

#endif
