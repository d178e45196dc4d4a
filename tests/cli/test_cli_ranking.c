/* test_cli_ranking.c -- `collabtui eval --protocol ranking`: its table, and
 * on the real ML-100K a ranking model well ahead of most-popular. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcli.h"

/* The mean column of row `name` in the protocol's table, or -1. */
static double mean_of(const char *out, const char *name, int n_seeds)
{
	char key[64];
	snprintf(key, sizeof key, "\n%s", name);
	const char *p = strstr(out, key);
	if (!p)
		return -1.0;
	p += strlen(key);
	double v = -1.0;
	for (int j = 0; j <= n_seeds; j++) {
		char *end;
		v = strtod(p, &end);
		if (end == p)
			return -1.0;
		p = end;
	}
	return v;
}

Test(cli_ranking, table_on_the_fixture)
{
	char fx[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --protocol ranking --seeds 2 --model pop", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pop, per-user 75/25 split, seeds 42..43"), "%s", r.out);
	cr_assert(strstr(r.out, "Seed 42  Seed 43  Mean     Std"), "%s", r.out);
	const char *rows[] = { "precision@10", "recall@10", "NDCG@10", "MAP", "coverage",
			       "pop share", "Fit time (s)" };
	for (size_t j = 0; j < sizeof rows / sizeof rows[0]; j++)
		cr_assert_geq(mean_of(r.out, rows[j], 2), 0.0, "no %s row:\n%s", rows[j], r.out);
	cli_run(&r, NULL, "eval --data '%s' --protocol fancy", fx);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--protocol: expected ranking"), "%s", r.err);
	cli_run(&r, NULL, "eval --data '%s' --protocol ranking --cv 3", fx);
	cr_assert_eq(r.status, 2);
}

/* The rating protocol's table for a ranking model has no RMSE or MAE
 * (its scores are not ratings) and says where to look instead; a rating
 * model's keeps them. */
Test(cli_ranking, rating_eval_of_a_ranking_model_has_no_rmse)
{
	char fx[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --model pop", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.out, "RMSE (testset)"), "%s", r.out);
	cr_assert_null(strstr(r.out, "MAE (testset)"), "%s", r.out);
	cr_assert(strstr(r.out, "pop is a ranking model: its scores are not ratings"), "%s", r.out);
	cr_assert_geq(mean_of(r.out, "precision@10", 1), 0.0, "%s", r.out);
	cli_run(&r, NULL, "eval --data '%s' --epochs 1 --bs 2", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_geq(mean_of(r.out, "RMSE (testset)", 1), 0.0, "%s", r.out);
	cr_assert_null(strstr(r.out, "ranking model"), "%s", r.out);
}

/* The quality check (not a timing): on ML-100K, EASE and iALS rank far
 * better than the most popular items, which in turn beat the chapter's
 * rating model (Microsoft Recommenders' FastAI row is 0.130). */
Test(cli_ranking, ranking_models_beat_most_popular_on_ml100k, .timeout = 300)
{
	char ds[512];
	testenv_dataset(ds, sizeof ds, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --protocol ranking --seeds 1 --model pop", ds);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double pop = mean_of(r.out, "precision@10", 1);
	cr_assert(pop > 0.15 && pop < 0.30, "most-popular precision@10 %g", pop);
	/* most-popular recommends the popular items only */
	cr_assert_float_eq(mean_of(r.out, "pop share", 1), 1.0, 1e-9, "%s", r.out);
	cli_run(&r, NULL, "eval --data '%s' --protocol ranking --seeds 1 --model ease --wd 400",
		ds);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double ease = mean_of(r.out, "precision@10", 1);
	cr_assert_gt(ease, pop + 0.15, "ease %g vs most-popular %g", ease, pop);
	cr_assert_gt(mean_of(r.out, "NDCG@10", 1), 0.45, "%s", r.out);
	cli_run(&r, NULL, "eval --data '%s' --protocol ranking --seeds 1 --preset ranking-best",
		ds);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double ials = mean_of(r.out, "precision@10", 1);
	cr_assert_gt(ials, pop + 0.15, "ials %g vs most-popular %g", ials, pop);
}
