/* meta.h -- the chapter's answer to the bootstrapping problem: guess a new
 * user's embedding and bias from their age, gender and occupation.
 *
 * meta_fit() regresses every trained user's weights (embedding, then bias
 * for ENG_MODEL_DOTBIAS: foldin_dim() numbers) on a one-hot description of
 * their metadata (ML-100K's u.user):
 *
 *     features (d) = 1 | gender one-hot | occupation one-hot | age bucket one-hot
 *     age buckets  = <18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+ (MovieLens 1M's)
 *
 * by ridge regression, (F'F + lambda I') W = F'Y, one Cholesky solve
 * (LAPACK sposv) with the k+1 outputs as right-hand sides.  The intercept
 * is not penalised, so a category shrinks towards the average user, and
 * lambda = META_LAMBDA counts as that many average users added to every
 * category: the 943 users split into 21 occupations leave some with 7
 * members, whose mean would otherwise be mostly noise.
 *
 * An unknown gender or occupation simply contributes nothing (the
 * prediction falls back to the other features).
 */
#ifndef COLLABTUI_META_H
#define COLLABTUI_META_H

#include <stddef.h>

#include "dataset.h"
#include "model.h"

#define META_LAMBDA 5.0f

struct meta;

/* Fit on every user of ds (which must have user metadata) against the
 * trained model m.  The result borrows ds's gender and occupation strings
 * and must not outlive ds.  NULL when ds has no metadata or memory runs
 * out (*why says which). */
struct meta *meta_fit(const struct ds *ds, const struct model *m, const char **why);

/* Release; NULL is accepted. */
void meta_free(struct meta *mt);

/* The predicted weights of a user of the given age, gender and occupation
 * (matched case-insensitively) into w (foldin_dim(m) floats).  Returns a
 * bit set of what was not recognised: META_UNKNOWN_GENDER,
 * META_UNKNOWN_OCCUPATION (0 when both were known). */
int meta_predict(const struct meta *mt, int age, const char *gender,
		 const char *occupation, float *w);

#define META_UNKNOWN_GENDER 1
#define META_UNKNOWN_OCCUPATION 2

#endif
