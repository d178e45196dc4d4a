/* test_cli_eval.c -- K-fold splits partition the ratings, `collabtui
 * eval` prints its per-fold table, presets are read (with placed errors)
 * and applied, and the u1-best preset's accuracy on the real u1 split. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "split.h"
#include "testcli.h"

Test(cv, kfold_partitions_the_ratings)
{
	enum { N = 103, K = 5 };
	int seen[N] = {0};
	for (int f = 0; f < K; f++) {
		struct split sp;
		cr_assert_eq(split_kfold(N, K, f, 42, &sp), 0);
		cr_assert_eq(sp.n_train + sp.n_valid, N);
		cr_assert(sp.n_valid == N / K || sp.n_valid == N / K + 1, "fold %d: %zu",
			  f, sp.n_valid);
		char in_valid[N] = {0};
		for (size_t j = 0; j < sp.n_valid; j++) {
			seen[sp.valid[j]]++;
			in_valid[sp.valid[j]] = 1;
		}
		for (size_t j = 0; j < sp.n_train; j++)
			cr_assert_not(in_valid[sp.train[j]], "fold %d: %u both sides", f,
				      sp.train[j]);
		split_free(&sp);
	}
	for (int i = 0; i < N; i++)
		cr_assert_eq(seen[i], 1, "rating %d validated %d times", i, seen[i]);
}

Test(cv, kfold_is_seeded_and_checks_arguments)
{
	struct split a, b, c;
	cr_assert_eq(split_kfold(50, 3, 1, 7, &a), 0);
	cr_assert_eq(split_kfold(50, 3, 1, 7, &b), 0);
	cr_assert_eq(split_kfold(50, 3, 1, 8, &c), 0);
	cr_assert_eq(memcmp(a.valid, b.valid, a.n_valid * sizeof *a.valid), 0);
	cr_assert_neq(memcmp(a.valid, c.valid, a.n_valid * sizeof *a.valid), 0);
	split_free(&a);
	split_free(&b);
	split_free(&c);
	cr_assert_eq(split_kfold(50, 1, 0, 7, &a), -1);
	cr_assert_eq(split_kfold(50, 3, 3, 7, &a), -1);
	cr_assert_eq(split_kfold(2, 3, 0, 7, &a), -1);
}

Test(cli_eval, kfold_table_on_the_fixture)
{
	char fx[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --cv 3 --model als --factors 2 --epochs 3 --wd 1", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "of als on 3 split(s) (3-fold, seed 42)"), "%s", r.out);
	cr_assert(strstr(r.out, "Fold 1   Fold 2   Fold 3   Mean     Std"), "%s", r.out);
	const char *rows[] = { "RMSE (testset)", "MAE (testset)", "precision@10", "recall@10",
			       "NDCG@10", "coverage", "popularity", "Fit time (s)" };
	for (size_t j = 0; j < sizeof rows / sizeof rows[0]; j++)
		cr_assert(strstr(r.out, rows[j]), "no %s row:\n%s", rows[j], r.out);
}

/* The nn model has no factors to rank by: its ranking metrics come from
 * forward passes (this crashed in the dot-product scorer before). */
Test(cli_eval, the_nn_model_is_ranked_too)
{
	char fx[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --cv 2 --model nn --layers 8 --epochs 2 --bs 2", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "of nn on 2 split(s)"), "%s", r.out);
	const char *p = strstr(r.out, "\nprecision@10");
	cr_assert(p, "%s", r.out);
	double fold1 = -1.0;
	cr_assert_eq(sscanf(p + strlen("\nprecision@10"), "%lf", &fold1), 1, "%s", r.out);
	cr_assert(fold1 >= 0.0 && fold1 <= 1.0, "precision@10 %g", fold1);
}

Test(cli_eval, rejects_bad_cv)
{
	char fx[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --cv 1", fx);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--cv"), "%s", r.err);
	cli_run(&r, NULL, "eval --data '%s' --cv 3 --split u1", fx);
	cr_assert_eq(r.status, 2);
}

/* Write text to DIR/config.yaml and load it over the defaults. */
static int load_text(const char *dir, const char *text, struct cfg *c, char *err, size_t n)
{
	char path[600];
	snprintf(path, sizeof path, "%s/config.yaml", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
	*c = cfg_default();
	return cfg_load(path, c, err, n);
}

Test(presets, read_and_applied_in_order)
{
	char dir[512], err[512];
	testenv_tmpdir(dir, sizeof dir);
	struct cfg c;
	cr_assert_eq(load_text(dir, "epochs: 7\npresets:\n  quick:\n    model: als\n"
			       "    wd: 3\n    y_range: [0.5, 5.5]\n  slow:\n    epochs: 90\n",
			       &c, err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.n_presets, 2);
	cr_assert_eq(c.epochs, 7, "presets apply only when asked");
	cr_assert_eq(cfg_preset_apply(&c, "quick", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.fit, VOCAB_FIT_ALS);
	cr_assert_eq(c.model, VOCAB_MODEL_DOTBIAS);
	cr_assert_float_eq(c.wd, 3.0, 1e-12);
	cr_assert_float_eq(c.y_range[0], 0.5, 1e-12);
	cr_assert_eq(c.epochs, 7);
	cr_assert_eq(cfg_preset_apply(&c, "fast", err, sizeof err), -1);
	cr_assert(strstr(err, "no preset 'fast'") && strstr(err, "quick, slow"), "%s", err);
	testenv_rmdir(dir);
}

Test(presets, errors_name_the_place)
{
	char dir[512], err[512];
	testenv_tmpdir(dir, sizeof dir);
	struct cfg c;
	cr_assert_eq(load_text(dir, "presets:\n  a:\n    wd: -1\n", &c, err, sizeof err), -1);
	cr_assert(strstr(err, "config.yaml:3:9: presets: a: wd must be"), "%s", err);
	cr_assert_eq(load_text(dir, "presets:\n  a:\n    theme: mono\n", &c, err, sizeof err), -1);
	cr_assert(strstr(err, ":3:5: presets: a: 'theme' is not a model or training"), "%s", err);
	cr_assert_eq(load_text(dir, "presets:\n  a: 3\n", &c, err, sizeof err), -1);
	cr_assert(strstr(err, ":2:6: presets: a: expected a mapping"), "%s", err);
	cr_assert_eq(load_text(dir, "presets:\n  a: {}\n  a: {}\n", &c, err, sizeof err), -1);
	cr_assert(strstr(err, ":3:3: presets: duplicate preset 'a'"), "%s", err);
	cr_assert_eq(load_text(dir, "presets:\n  a:\n    model: svd\n", &c, err, sizeof err), -1);
	cr_assert(strstr(err, ":3:12: model: expected one of dot|dotbias|nn|als|bpmf|ease|ials|pop, found 'svd'"), "%s", err);
	testenv_rmdir(dir);
}

Test(cli_eval, preset_option_overrides_file_and_is_overridden)
{
	char fx[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "eval --data '%s' --cv 2 --config /dev/null --preset x", fx);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--preset: no preset 'x'"), "%s", r.err);
}

/* The accuracy figure of the man page: the u1-best preset of the shipped
 * config.yaml on ML-100K's u1.base / u1.test (the slow test, ~25 s).
 * Seeds 1, 7 and 42 give 0.888 to 0.890, so 0.900 leaves room for the
 * float rounding of other compilers and BLAS builds. */
Test(cli_eval, u1_best_preset_accuracy, .timeout = 120)
{
	char ds[512], cfgpath[1024];
#if defined(__SANITIZE_ADDRESS__)
	/* 400 Gibbs sweeps under ASan take minutes: the figure is the
	 * optimised build's, checked in its run of the suite */
	cr_skip_test("accuracy is measured on the optimised build");
#endif
	testenv_dataset(ds, sizeof ds, "ml-100k");
	const char *fx = getenv("COLLABTUI_FIXTURES");
	cr_assert(fx);
	/* the shipped config.yaml sits two levels above the fixtures (BUILD/fixtures) */
	snprintf(cfgpath, sizeof cfgpath, "%s/../../config.yaml", fx);
	struct cli_result r;
	cli_run(&r, NULL, "eval --config '%s' --data '%s' --split u1 --preset u1-best",
		cfgpath, ds);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *row = strstr(r.out, "RMSE (testset)");
	cr_assert(row, "%s", r.out);
	double rmse = atof(row + strlen("RMSE (testset)"));
	cr_assert_leq(rmse, 0.900, "u1 RMSE %.4f", rmse);
}
