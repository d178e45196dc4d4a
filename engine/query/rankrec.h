/* rankrec.h -- a new user's list from a ranking model (rankfit.h): the
 * user folded in at once, and each recommendation explained by the rated
 * movie that contributed most to its score.
 *
 * Only what the user watched and did not pan is folded in: a rating below
 * the middle of the dataset's scale (rankrec_liked: under 3 on 1..5, under
 * 2.75 on 0.5..5) means "not for me", so it neither pulls similar movies
 * up nor, like every rated movie, appears in the list.
 *
 *   EASE  the user's factors are the 0/1 row x of the liked movies, so
 *         score(j) = sum_i x_i B[i][j]: one vector-matrix product, and
 *         movie i's part of it is B[i][j].
 *   IALS  one small solve: (Y^T Y + reg I + alpha sum y_i y_i^T) w =
 *         (1 + alpha) sum y_i over the liked movies i, then score(j) =
 *         y_j . w.  Movie i's part is (1 + alpha) y_j^T A^-1 y_i, so the
 *         parts sum to the score (Hu, Koren and Volinsky's explanation).
 *   POP   the item bias (training ratings); no movie explains it.
 */
#ifndef COLLABTUI_RANKREC_H
#define COLLABTUI_RANKREC_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Whether a rating r on the scale [lo, hi] counts as watched-and-liked. */
int rankrec_liked(float r, float lo, float hi);

struct rankrec;

/* A fold-in for model m, fitted by algo (ENG_FIT_EASE, _IALS or _POP)
 * with ridge weight reg and confidence alpha (iALS); it borrows m and
 * caches Y^T Y + reg I for iALS.  NULL when memory runs out. */
struct rankrec *rankrec_new(const struct model *m, enum eng_fit algo, double reg,
			    double alpha);

void rankrec_free(struct rankrec *r);

/* The scores (n_items) of a user who liked items liked[0..n); 0, or -1
 * when the iALS system could not be solved. */
int rankrec_scores(struct rankrec *r, const uint32_t *liked, size_t n, float *scores);

/* Of liked[0..n), the movie that contributed most to item j's score in
 * the last rankrec_scores(); UINT32_MAX for POP or no liked movie. */
uint32_t rankrec_because(struct rankrec *r, const uint32_t *liked, size_t n, uint32_t j);

#endif
