/* test_cli_checks.c -- "check everything before any work": bad input to a
 * command that trains is refused with exit status 2 and its reason after
 * the data loads but before training starts (no epoch table, and fast,
 * although each run asks for 30 epochs); and the exit statuses of a bad
 * --load and of unknown commands and options. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testcli.h"

/* Enough epochs that a run which did start training would be slow. */
#define LONG "--epochs 30 --factors 8"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run `collabtui CMD --data ML-100K LONG REST` in dir and check it was
 * refused before training: status 2, `reason` on stderr, no epoch table
 * on either stream, and back within a few seconds. */
static void refused(const char *dir, const char *cmd, const char *rest, const char *reason)
{
	char ml[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	struct cli_result r;
	double t0 = now_s();
	cli_run(&r, dir, "%s --data %s %s %s", cmd, ml, LONG, rest);
	double secs = now_s() - t0;
	cr_log_info("%s %s: %.2f s: %s", cmd, rest, secs, r.err);
	cr_assert_eq(r.status, 2, "%s %s: status %d: %s", cmd, rest, r.status, r.err);
	cr_assert(strstr(r.err, reason), "%s %s: expected \"%s\" in: %s", cmd, rest, reason,
		  r.err);
	cr_assert(!strstr(r.err, "train_loss") && !strstr(r.out, "train_loss"),
		  "%s %s: training started:\n%s%s", cmd, rest, r.out, r.err);
	cr_assert_str_empty(r.out, "%s %s", cmd, rest);
	cr_assert_lt(secs, 10.0, "%s %s took %.1f s", cmd, rest, secs);
}

Test(cli_checks, insight_inputs_are_checked_before_training, .timeout = 120)
{
	char dir[512], path[600];
	testenv_tmpdir(dir, sizeof dir);
	static const char bad[] = "Star Wars (1977),5\nToy Story (1995),five\n";
	testenv_write(path, sizeof path, dir, "bad.csv", bad, sizeof bad - 1);
	static const char several[] = "Star,5\n";
	testenv_write(path, sizeof path, dir, "several.csv", several, sizeof several - 1);
	static const char empty[] = "title,rating\n# nothing yet\n";
	testenv_write(path, sizeof path, dir, "empty.csv", empty, sizeof empty - 1);

	refused(dir, "recommend", "", "recommend needs --ratings FILE");
	refused(dir, "recommend", "--ratings bad.csv", "bad.csv:2: the rating \"five\"");
	refused(dir, "recommend", "--ratings several.csv",
		"several.csv:1: \"Star\" matches");
	refused(dir, "recommend", "--ratings empty.csv", "empty.csv: no ratings");
	refused(dir, "recommend", "--ratings missing.csv", "missing.csv: No such file");
	refused(dir, "recommend", "--ratings bad.csv --include-me", "bad.csv:2:");
	refused(dir, "recommend", "--gender X", "--gender: expected M or F");
	refused(dir, "recommend", "--age 500", "--age: expected 1..120");
	refused(dir, "recommend", "--occupation 'two words'", "--occupation: expected one word");
	refused(dir, "recommend", "--age 30 --top 0", "--top: expected 1..100");
	refused(dir, "similar", "xyzzy", "no movie title contains \"xyzzy\"");
	refused(dir, "similar", "star", "\"star\" matches");
	refused(dir, "similar", "", "similar needs a title");
	refused(dir, "similar", "-k 0 'Star Wars (1977)'", "-k/--k: expected 1..100");
	refused(dir, "bias", "--top 60 --bottom 60", "together at most 100");
	refused(dir, "bias", "--model nn", "needs a dot or dotbias model");
	refused(dir, "pca", "--components 9", "--components: expected 1..8");
	testenv_rmdir(dir);
}

Test(cli_checks, save_folder_is_checked_before_training, .timeout = 120)
{
	char dir[512], path[600];
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "afile", "x", 1);
	refused(dir, "train", "--save no-such-dir/m.clbt", "no-such-dir does not exist");
	refused(dir, "train", "--save afile/m.clbt", "afile is not a folder");
	refused(dir, "train", "--save .", "that is a folder");
	refused(dir, "bias", "--save no-such-dir/m.clbt", "no-such-dir does not exist");
	testenv_rmdir(dir);
}

/* A model file that is missing or damaged is bad input: 2. */
Test(cli_checks, a_bad_model_file_is_bad_input, .timeout = 120)
{
	char dir[512], path[600];
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "junk.clbt", "not a model\n", 12);
	refused(dir, "train", "--load missing.clbt", "missing.clbt");
	refused(dir, "train", "--load junk.clbt", "junk.clbt");
	refused(dir, "bias", "--load junk.clbt", "junk.clbt");
	testenv_rmdir(dir);
}

Test(cli_checks, unknown_names_suggest_the_nearest)
{
	struct cli_result r;
	cli_run(&r, NULL, "trian");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown command \"trian\"; did you mean train?"), "%s", r.err);
	cli_run(&r, NULL, "recomend --help");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "did you mean recommend?"), "%s", r.err);
	cli_run(&r, NULL, "frobnicate");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown command") && !strstr(r.err, "did you mean"), "%s",
		  r.err);
	cli_run(&r, NULL, "train --factros 8");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown option --factros; did you mean --factors?"), "%s",
		  r.err);
}

Test(cli_checks, options_a_command_does_not_take_are_refused)
{
	struct cli_result r;
	cli_run(&r, NULL, "summary --epochs 3");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "summary does not take --epochs"), "%s", r.err);
	cli_run(&r, NULL, "train --top 3");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "train does not take --top (bias, pca and recommend do)"),
		  "%s", r.err);
	cli_run(&r, NULL, "synth --theme mono --out x");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "synth does not take --theme (tui does)"), "%s", r.err);
	cli_run(&r, NULL, "eval -k 3");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "eval does not take -k"), "%s", r.err);
}

Test(cli_checks, command_help_lists_only_its_options)
{
	struct cli_result r;
	cli_run(&r, NULL, "similar --help");
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out, "usage: collabtui similar TITLE [OPTIONS]\n", 41) == 0, "%s",
		  r.out);
	cr_assert(strstr(r.out, "-k, --k N") && strstr(r.out, "--load FILE"), "%s", r.out);
	cr_assert(!strstr(r.out, "--bottom") && !strstr(r.out, "--theme") &&
		  !strstr(r.out, "--noise"), "%s", r.out);
	cli_run(&r, NULL, "synth --help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "--out DIR") && strstr(r.out, "--ratings N") &&
		  !strstr(r.out, "--ratings FILE") && !strstr(r.out, "--epochs"), "%s", r.out);
	cli_run(&r, NULL, "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "--model dot|dotbias|nn|als|bpmf|ease|ials|pop") && strstr(r.out, "als, u1-best"),
		  "%s", r.out);
}
