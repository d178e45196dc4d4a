/* test_metrics.c -- error and ranking metrics against hand-computed
 * values. */
#include <criterion/criterion.h>
#include <math.h>

#include "metrics.h"

Test(metrics, error_by_hand)
{
	const float pred[] = { 1, 2, 3 }, truth[] = { 2, 2, 5 };
	struct eng_metrics_err e;
	metrics_error(pred, truth, 3, 0, 0, &e);   /* errors -1, 0, -2 */
	cr_assert_eq(e.n, 3);
	cr_assert_float_eq(e.mse, 5.0 / 3.0, 1e-12);
	cr_assert_float_eq(e.rmse, sqrt(5.0 / 3.0), 1e-12);
	cr_assert_float_eq(e.mae, 1.0, 1e-12);
}

Test(metrics, error_clips_to_the_scale)
{
	const float pred[] = { 0.2f, 6.0f, 4.5f }, truth[] = { 1, 5, 4 };
	struct eng_metrics_err e;
	metrics_error(pred, truth, 3, 1, 5, &e);   /* errors 0, 0, 0.5 */
	cr_assert_float_eq(e.mse, 0.25 / 3.0, 1e-7);
	cr_assert_float_eq(e.mae, 0.5 / 3.0, 1e-7);
	metrics_error(pred, truth, 0, 1, 5, &e);
	cr_assert_eq(e.n, 0);
	cr_assert_eq(e.mse, 0.0);
}

/* Two users, five items.  User 0 rated item 0 in training; held out:
 * item 1 (5), item 3 (4) relevant, item 4 (2) not.  User 1 rated items
 * 1, 2, 3 in training and holds out item 0 (3): nothing relevant, so
 * user 1 is not ranked. */
static const uint32_t ru[] = { 0, 0, 0, 0, 1, 1, 1, 1 };
static const uint32_t ri[] = { 0, 1, 3, 4, 1, 2, 3, 0 };
static const float rr[] = { 4, 5, 4, 2, 3, 3, 3, 3 };
#define RCOLS { .n = 8, .user32 = ru, .item32 = ri, .real = rr }
static uint32_t train_idx[] = { 0, 4, 5, 6 }, valid_idx[] = { 1, 2, 3, 7 };

static const float score_mat[2][5] = {
	{ 9, 1, 8, 7, 6 },      /* user 0 without item 0: 2, 3, 4, 1 */
	{ 0, 0, 0, 0, 0 },
};

/* The scores of a (n, 5) matrix given as ctx. */
static void matrix_scores(void *ctx, uint32_t u0, uint32_t nb, float *out)
{
	const float (*mat)[5] = ctx;
	for (uint32_t b = 0; b < nb; b++)
		for (int i = 0; i < 5; i++)
			out[b * 5 + i] = mat[u0 + b][i];
}

Test(metrics, ranking_by_hand)
{
	struct split sp = { .train = train_idx, .n_train = 4, .valid = valid_idx, .n_valid = 4 };
	struct metrics_rank_in in = {
		.n_users = 2, .n_items = 5, .c = RCOLS,
		.sp = &sp, .relevant = 4.0f, .k = 2, .score = matrix_scores,
		.score_ctx = (void *)score_mat,
	};
	struct eng_metrics_rank m;
	cr_assert_eq(metrics_ranking(&in, &m), 0);
	/* user 0's top 2: items 2, 3; one hit (item 3) at position 2 */
	cr_assert_eq(m.n_users, 1);
	cr_assert_float_eq(m.precision, 0.5, 1e-12);
	cr_assert_float_eq(m.recall, 0.5, 1e-12);
	double dcg = 1.0 / log2(3.0), idcg = 1.0 + 1.0 / log2(3.0);
	cr_assert_float_eq(m.ndcg, dcg / idcg, 1e-12);
	cr_assert_float_eq(m.coverage, 2.0 / 5.0, 1e-12);
	/* items 2 and 3 each have one training rating (user 1's) */
	cr_assert_float_eq(m.popularity, 1.0, 1e-12);

	/* k = 4: the whole candidate list; both relevant items found */
	in.k = 4;
	cr_assert_eq(metrics_ranking(&in, &m), 0);
	cr_assert_float_eq(m.precision, 2.0 / 4.0, 1e-12);
	cr_assert_float_eq(m.recall, 1.0, 1e-12);
	/* hits at positions 2 and 4 */
	dcg = 1.0 / log2(3.0) + 1.0 / log2(5.0);
	cr_assert_float_eq(m.ndcg, dcg / idcg, 1e-12);
}

Test(metrics, ranking_with_nobody_to_rank)
{
	struct split sp = { .train = train_idx, .n_train = 4, .valid = valid_idx, .n_valid = 4 };
	struct metrics_rank_in in = {
		.n_users = 2, .n_items = 5, .c = RCOLS,
		.sp = &sp, .relevant = 6.0f, .k = 10, .score = matrix_scores,
		.score_ctx = (void *)score_mat,
	};
	struct eng_metrics_rank m;
	cr_assert_eq(metrics_ranking(&in, &m), 0);
	cr_assert_eq(m.n_users, 0);
	cr_assert_eq(m.ndcg, 0.0);
	in.k = 0;
	cr_assert_eq(metrics_ranking(&in, &m), -1);
}

Test(metrics, model_scores_rank_like_predictions)
{
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = 2, .n_items = 3, .n_factors = 2 };
	char err[128];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert(m, "%s", err);
	struct rng g;
	rng_seed(&g, 5);
	model_init(m, &g);
	for (size_t j = 0; j < m->n_params; j++)
		m->params[j] *= 100.0f;
	float s[2 * 3];
	metrics_model_scores(m, 0, 2, s);
	for (uint32_t u = 0; u < 2; u++)
		for (uint32_t i = 0; i < 3; i++)
			cr_assert_float_eq(s[u * 3 + i] + m->user_b[u], model_predict(m, u, i), 1e-4);
	model_free(m);
}

/* Microsoft Recommenders' benchmark: every held-out item relevant (a
 * threshold of -INFINITY), MAP as its map_at_k.  User 0's candidates in
 * score order are items 2, 3, 4, 1; relevant are 1, 3, 4 (ratings 5, 4,
 * 2), so at k = 3 the hits are at ranks 2 and 3.  User 1 trained on 1,
 * 2, 3 and holds out item 0: its list is items 0, 4 (scores 5, 3), a hit
 * at rank 1. */
static const float score_mat2[2][5] = {
	{ 9, 1, 8, 7, 6 },
	{ 5, 9, 9, 9, 3 },
};

Test(metrics, every_held_out_item_relevant_and_map_by_hand)
{
	struct split sp = { .train = train_idx, .n_train = 4, .valid = valid_idx, .n_valid = 4 };
	struct metrics_rank_in in = {
		.n_users = 2, .n_items = 5, .c = RCOLS,
		.sp = &sp, .relevant = -INFINITY, .k = 3, .score = matrix_scores,
		.score_ctx = (void *)score_mat2,
	};
	struct eng_metrics_rank m;
	cr_assert_eq(metrics_ranking(&in, &m), 0);
	cr_assert_eq(m.n_users, 2);
	/* precision: (2/3 + 1/3) / 2; recall: (2/3 + 1/1) / 2 */
	cr_assert_float_eq(m.precision, (2.0 / 3 + 1.0 / 3) / 2, 1e-12);
	cr_assert_float_eq(m.recall, (2.0 / 3 + 1.0) / 2, 1e-12);
	/* NDCG: user 0 hits at ranks 2, 3 of an ideal 3 hits; user 1 ideal */
	double d0 = 1 / log2(3.0) + 1 / log2(4.0), i0 = 1 + 1 / log2(3.0) + 1 / log2(4.0);
	cr_assert_float_eq(m.ndcg, (d0 / i0 + 1.0) / 2, 1e-12);
	/* MAP: user 0 (1/2 + 2/3) / 3 relevant; user 1 (1/1) / 1 */
	cr_assert_float_eq(m.map, ((1.0 / 2 + 2.0 / 3) / 3 + 1.0) / 2, 1e-12);
	/* shown: 2, 3, 4 and 0 of 5 items */
	cr_assert_float_eq(m.coverage, 4.0 / 5, 1e-12);
	/* The popular items are the ceil(10%) most-rated in training: of
	 * five, one.  Items 0, 1, 2, 3 have one training rating each and ties
	 * go to the lower index: item 0, one entry of the five listed. */
	cr_assert_float_eq(m.pop_share, 1.0 / 5, 1e-12);
}

/* Three users, five items: user 0 rated items 0 and 1, user 1 item 2,
 * user 2 nothing.  Top 2 of the unrated: user 0 items 4, 3; user 1 items
 * 0, 1; user 2 item 4, then item 0 (ties go to the lower index). */
static const uint32_t cu[] = { 0, 0, 1 }, ci[] = { 0, 1, 2 };
static const float cover_mat[3][5] = {
	{ 9, 8, 1, 2, 3 },
	{ 5, 4, 9, 1, 0 },
	{ 0, 0, 0, 0, 1 },
};

Test(metrics, coverage_by_hand)
{
	struct metrics_cover_in in = {
		.n_users = 3, .n_items = 5, .c = { .n = 3, .user32 = cu, .item32 = ci },
		.step = 1, .k = 2, .score = matrix_scores, .score_ctx = (void *)cover_mat,
	};
	double c;
	uint32_t n;
	cr_assert_eq(metrics_coverage(&in, &c, &n), 0);
	/* items 0, 1, 3, 4 are in some list; item 2 (user 0's best
	 * unrated is 4, user 1 rated it) in none */
	cr_assert_float_eq(c, 4.0 / 5.0, 1e-12);
	cr_assert_eq(n, 3);
	in.k = 0;
	cr_assert_eq(metrics_coverage(&in, &c, &n), -1);
	in.k = 2;
	in.step = 0;
	cr_assert_eq(metrics_coverage(&in, &c, &n), -1);
}

/* 200 users, 300 items, user u's best item is item u (all else 0). */
static void diagonal_scores(void *ctx, uint32_t u0, uint32_t nb, float *out)
{
	(void)ctx;
	for (uint32_t b = 0; b < nb; b++)
		for (uint32_t i = 0; i < 300; i++)
			out[b * 300 + i] = i == u0 + b ? 1.0f : 0.0f;
}

Test(metrics, coverage_of_a_sample_takes_whole_blocks)
{
	/* user 128 rated item 128: its list is then item 0 (ties go to the
	 * lower index), which user 0's list has already */
	const uint32_t u[] = { 128 }, it[] = { 128 };
	struct metrics_cover_in in = {
		.n_users = 200, .n_items = 300, .c = { .n = 1, .user32 = u, .item32 = it },
		.step = 1, .k = 1, .score = diagonal_scores,
	};
	double c;
	uint32_t n;
	cr_assert_eq(metrics_coverage(&in, &c, &n), 0);
	cr_assert_eq(n, 200);
	cr_assert_float_eq(c, 199.0 / 300.0, 1e-12);
	/* one block of METRICS_SCORE_BLOCK users in every two: users 0..63
	 * and 128..191 */
	in.step = 2;
	cr_assert_eq(metrics_coverage(&in, &c, &n), 0);
	cr_assert_eq(n, 2 * METRICS_SCORE_BLOCK);
	cr_assert_float_eq(c, (2.0 * METRICS_SCORE_BLOCK - 1.0) / 300.0, 1e-12);
	/* one in four: the first block only */
	in.step = 4;
	cr_assert_eq(metrics_coverage(&in, &c, &n), 0);
	cr_assert_eq(n, METRICS_SCORE_BLOCK);
	cr_assert_float_eq(c, (double)METRICS_SCORE_BLOCK / 300.0, 1e-12);
}
