/* rankfit.h -- the ranking models: fitted to what users watched, judged
 * by the order they put the unwatched items in.
 *
 * Every rating in the training set is a "watched" (implicit feedback,
 * whatever its value), and each model fills an ordinary ENG_MODEL_DOTBIAS
 * model without y_range, whose score u . i + bu + bi ranks the items:
 *
 *   EASE  (Steck 2019, "Embarrassingly Shallow Autoencoders")  With X the
 *         0/1 users x items matrix, B = argmin |X - XB|^2 + lambda |B|^2
 *         subject to diag(B) = 0 has the closed form P = (X^T X +
 *         lambda I)^-1, B[i][j] = -P[i][j] / P[j][j].  One Gram matrix
 *         (ssyrk), one Cholesky factorisation and inverse (spotrf,
 *         spotri).  The model has n_factors = n_items: user u's factors
 *         are X's row u and item j's are B's column j, so score(u, j) =
 *         sum_i X[u][i] B[i][j], and a new user folds in as one
 *         vector-matrix product.  wd is lambda.
 *   IALS  (Hu, Koren and Volinsky 2008)  Minimises sum over all (u, i) of
 *         c_ui (p_ui - x_u . y_i)^2 + reg (|x|^2 + |y|^2), p = 1 for a
 *         watched item and 0 otherwise, c = 1 + alpha for a watched item
 *         and 1 otherwise.  Each half-sweep solves every row's normal
 *         equations (Y^T Y + reg I + sum_watched alpha y y^T) x = (1 +
 *         alpha) sum_watched y with IALS_CG_STEPS steps of conjugate
 *         gradient from the row's previous value (Takacs, Pilaszy and
 *         Tikk 2011, as the implicit library does), over the engine's
 *         pool; Y^T Y is computed once per half-sweep, so a sweep costs
 *         O(ratings k + rows k^2).  wd is reg, alpha the confidence.
 *   POP   Most popular: bi is the item's number of training ratings and
 *         every other parameter 0, the baseline every ranking model must
 *         beat.
 *
 * The report's losses are the squared error of the scores against 1 over
 * the watched entries (training, then validation): an implicit model's
 * fit to what it was shown, not an error of ratings.
 */
#ifndef COLLABTUI_RANKFIT_H
#define COLLABTUI_RANKFIT_H

#include <stdint.h>

#include "train.h"

#define IALS_CG_STEPS 3

/* Whether algo is one of the ranking models (EASE, IALS, POP). */
int rankfit_is_ranking(enum eng_fit algo);

/* The model width algo needs for k factors over n_items items: n_items
 * for EASE, 1 for POP (no factors are used), else k. */
int rankfit_factors(enum eng_fit algo, int k, uint32_t n_items);

/* The largest catalogue EASE takes: its model holds two n_items-wide
 * matrices, and n_factors is at most 4096 (model.h). */
#define RANKFIT_EASE_MAX_ITEMS 4096

extern const struct trainer_ops ease_trainer_ops;
extern const struct trainer_ops ials_trainer_ops;
extern const struct trainer_ops pop_trainer_ops;

#endif
