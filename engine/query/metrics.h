/* metrics.h -- how good a model is on held-out ratings.
 *
 * Two families, as recommender papers and Surprise report them:
 *   error     MSE, RMSE and MAE of the predicted ratings, optionally
 *             clipped to the rating scale first (Surprise clips);
 *   ranking   for each user with at least one held-out rating >= a
 *             threshold (the "relevant" items), the top k items by score
 *             among those the user did not rate in training, then
 *             precision@k (hits / k), recall@k (hits / relevant), NDCG@k
 *             with binary gains (DCG / the ideal DCG of min(relevant, k)
 *             hits), MAP as Microsoft Recommenders' map_at_k (per user,
 *             the sum over hits of hits-so-far / rank, divided by the
 *             number of relevant items), each averaged over those users;
 *             catalogue coverage (distinct recommended items / all
 *             items), the mean popularity (training ratings) of the
 *             recommended items and the share of them among the 10%
 *             most-rated items.  A threshold of -INFINITY makes every
 *             held-out item relevant, as that library's benchmark does.
 *
 * Scores come from a callback over blocks of users, so the ranking code
 * does not depend on the model (tests feed it a fixed matrix);
 * metrics_model_scores is the callback for a struct model of any kind.
 * Nothing here prints; the functions are reentrant.
 */
#ifndef COLLABTUI_METRICS_H
#define COLLABTUI_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "split.h"

/* Error of predictions pred against truth (n each).  lo < hi clips each
 * prediction into [lo, hi] first; lo >= hi leaves them as they are. */
void metrics_error(const float *pred, const float *truth, size_t n, float lo,
		   float hi, struct eng_metrics_err *out);

/* Error of model m on the ratings idx[0..n) of c, clipped as
 * metrics_error. */
void metrics_model_error(const struct model *m, const struct rcols *c,
			 const uint32_t *idx, size_t n, float lo, float hi,
			 struct eng_metrics_err *out);

/* Users scored per callback: one sgemm of this many rows by the items
 * instead of one sgemv per user, which would stream the item factors
 * from memory once for every user. */
#define METRICS_SCORE_BLOCK 64

/* Fill out (n_users_block, n_items) row-major with the scores of users
 * u0 .. u0 + n_users_block - 1 for every item; higher is better. */
typedef void (*metrics_score_fn)(void *ctx, uint32_t u0, uint32_t n_users_block,
				 float *out);

/* The score callback for a struct model (ctx): the predicted rating
 * without y_range, whose sigmoid does not change the order.  A MODEL_NN
 * must have rows reserved (model_reserve) for its forward passes. */
void metrics_model_scores(void *model, uint32_t u0, uint32_t n_users_block, float *out);

struct metrics_rank_in {
	uint32_t n_users, n_items;
	struct rcols c;                 /* the dataset's ratings */
	const struct split *sp;         /* train: excluded from rankings; valid: held out */
	float relevant;                 /* a held-out rating >= this is relevant (4) */
	int k;                          /* list length (10) */
	metrics_score_fn score;
	void *score_ctx;
};

/* Catalogue coverage of the lists a model gives the dataset's own users:
 * the top k of the items a user has not rated, and the share of the
 * n_items that appear in at least one list.  The users are taken in
 * blocks of METRICS_SCORE_BLOCK consecutive ones (one score call each),
 * one block in every step: step 1 takes every user, a larger step bounds
 * the work on a big dataset.  The ratings are c's (their values are not
 * read).  0 with *coverage and *n_lists (the users
 * counted) set, or -1 when memory runs out or k < 1 or step < 1. */

struct metrics_cover_in {
	uint32_t n_users, n_items;
	struct rcols c;
	uint32_t step;
	int k;
	metrics_score_fn score;
	void *score_ctx;
};
int metrics_coverage(const struct metrics_cover_in *in, double *coverage,
		     uint32_t *n_lists);

/* Ranking metrics as described above.  0, or -1 when memory runs out or
 * k < 1.  With no user to rank, every mean is 0 and n_users is 0. */
int metrics_ranking(const struct metrics_rank_in *in, struct eng_metrics_rank *out);

#endif
