/* test_cli.c -- the collabtui binary end to end: options, exit statuses,
 * error messages, and the chapter's run on the real MovieLens 100K. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcli.h"

Test(cli, help_and_version)
{
	struct cli_result r;
	cli_run(&r, NULL, "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "usage: collabtui") && strstr(r.out, "--item-key"), "%s", r.out);
	cr_assert_str_empty(r.err);
	cli_run(&r, NULL, "train --help");
	cr_assert_eq(r.status, 0);
	cli_run(&r, NULL, "--version");
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out, "collabtui ", 10) == 0, "%s", r.out);
}

Test(cli, bad_usage_exits_2_with_a_reason)
{
	struct cli_result r;
	cli_run(&r, NULL, "train --frobnicate");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--frobnicate"), "%s", r.err);
	cli_run(&r, NULL, "train --lr abc");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--lr"), "%s", r.err);
	cli_run(&r, NULL, "train --factors");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--factors"), "%s", r.err);
	cli_run(&r, NULL, "train --mom 1");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--mom: mom must be at least 0 and less than 1"), "%s", r.err);
	cli_run(&r, NULL, "dance");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown command"), "%s", r.err);
	cli_run(&r, NULL, "train --data /nonexistent/dir");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "/nonexistent/dir"), "%s", r.err);
}

Test(cli, bad_data_names_file_and_line)
{
	char dir[512], path[600];
	testenv_tmpdir(dir, sizeof dir);
	const char bad[] = "1\t1\t5\t0\n1\t2\tfive\t0\n";
	testenv_write(path, sizeof path, dir, "u.data", bad, sizeof bad - 1);
	struct cli_result r;
	cli_run(&r, NULL, "train --data %s", dir);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "u.data") && strstr(r.err, ":2"), "%s", r.err);
	testenv_rmdir(dir);
}

/* Parse the epoch table; returns the number of rows. */
static int parse_table(const char *out, double *train, double *valid)
{
	cr_assert(strncmp(out, "epoch     train_loss  valid_loss  time\n", 39) == 0,
		  "header: %s", out);
	int rows = 0;
	const char *line = strchr(out, '\n') + 1;
	while (*line) {
		int ep, mm, ss;
		double t, v;
		cr_assert_eq(sscanf(line, "%d %lf %lf %d:%d", &ep, &t, &v, &mm, &ss), 5,
			     "row: %s", line);
		cr_assert_eq(ep, rows, "epochs are numbered from 0");
		train[rows] = t;
		valid[rows] = v;
		rows++;
		line = strchr(line, '\n');
		cr_assert_not_null(line);
		line++;
	}
	return rows;
}

#define CHAPTER "--item-key title --factors 50 --epochs 5 --lr 5e-3 --bs 64"

Test(cli, chapter_run_on_ml100k, .timeout = 120)
{
	char ml[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "train --data %s " CHAPTER " --wd 0.1 --seed 1", ml);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double train[8], valid[8];
	cr_assert_eq(parse_table(r.out, train, valid), 5);
	cr_log_info("valid MSE after 5 epochs: %.4f", valid[4]);
	cr_assert(valid[4] <= 0.83, "valid MSE %.4f > 0.83", valid[4]);
	cr_assert(train[4] < train[0]);
}

Test(cli, without_weight_decay_it_overfits, .timeout = 120)
{
	char ml[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "train --data %s " CHAPTER " --wd 0 --seed 1", ml);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double train[8], valid[8];
	cr_assert_eq(parse_table(r.out, train, valid), 5);
	double best = valid[0];
	int at = 0;
	for (int e = 1; e < 5; e++)
		if (valid[e] < best)
			best = valid[e], at = e;
	cr_log_info("wd 0: best valid %.4f at epoch %d, last %.4f, train %.4f",
		    best, at, valid[4], train[4]);
	cr_assert(at < 4, "the validation loss should bottom out before the end");
	cr_assert(valid[4] > best + 0.02, "and climb after: best %.4f last %.4f", best, valid[4]);
	cr_assert(valid[4] > 0.86, "the book ends near 0.905; got %.4f", valid[4]);
	cr_assert(train[4] < 0.5 * valid[4], "train loss far below valid: %.4f", train[4]);
}

Test(cli, summary_of_ml100k)
{
	char ml[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	struct cli_result r;
	cli_run(&r, NULL, "summary --data %s", ml);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "users         943\n"), "%s", r.out);
	cr_assert(strstr(r.out, "items         1682\n"), "%s", r.out);
	cr_assert(strstr(r.out, "ratings       100000\n"), "%s", r.out);
	cr_assert(strstr(r.out, "Star Wars (1977)"), "the most-rated movie: %s", r.out);
	cli_run(&r, NULL, "summary --data %s --item-key title", ml);
	cr_assert(strstr(r.out, "items         1664\n"), "%s", r.out);
}

Test(cli, save_then_load_and_refuse_corrupt, .timeout = 120)
{
	char ml[512], dir[512], model[600];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	testenv_tmpdir(dir, sizeof dir);
	snprintf(model, sizeof model, "%s/m.clbt", dir);
	struct cli_result r;
	cli_run(&r, NULL, "train --data %s --epochs 1 --factors 8 --save %s", ml, model);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double t1[4], v1[4];
	cr_assert_eq(parse_table(r.out, t1, v1), 1);

	/* continuing from the file starts where the first run ended */
	cli_run(&r, NULL, "train --data %s --epochs 1 --factors 8 --lr 1e-4 --load %s", ml, model);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double t2[4], v2[4];
	cr_assert_eq(parse_table(r.out, t2, v2), 1);
	cr_assert(fabs(v2[0] - v1[0]) < 0.05, "resumed valid %.4f vs saved %.4f", v2[0], v1[0]);

	/* a model of another shape or dataset is refused */
	cli_run(&r, NULL, "train --data %s --item-key title --epochs 1 --factors 8 --load %s", ml, model);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "items"), "%s", r.err);

	/* flip a byte in the middle: refused, with the reason */
	FILE *f = fopen(model, "r+b");
	cr_assert_not_null(f);
	fseek(f, 5000, SEEK_SET);
	int c = fgetc(f);
	fseek(f, 5000, SEEK_SET);
	fputc(c ^ 0x40, f);
	fclose(f);
	cli_run(&r, NULL, "train --data %s --epochs 1 --factors 8 --load %s", ml, model);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "checksum"), "%s", r.err);
	testenv_rmdir(dir);
}

/* A diverging run (lr 1e30) exits 1 saying where and what to try, saves
 * nothing, and `runs` lists it as diverged. */
Test(cli, a_diverging_run_exits_1_and_saves_nothing)
{
	char fix[512], dir[512], model[600];
	testenv_fixture(fix, sizeof fix, "ml-100k");
	testenv_tmpdir(dir, sizeof dir);
	snprintf(model, sizeof model, "%s/m.clbt", dir);
	struct cli_result r;
	cli_run(&r, dir, "train --data %s --lr 1e30 --wd 0 --factors 3 --bs 2 --save %s",
		fix, model);
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(strstr(r.err, "collabtui: diverged at epoch "), "%s", r.err);
	cr_assert(strstr(r.err, ": try a lower lr\n"), "%s", r.err);
	cr_assert_null(strstr(r.err, "save"), "no second complaint: %s", r.err);
	cr_assert_neq(access(model, F_OK), 0, "a diverged model was saved");
	cli_run(&r, dir, "runs --data %s", fix);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "1 run(s)"), "%s", r.out);
	cr_assert(strstr(r.out, " diverged "), "%s", r.out);
	testenv_rmdir(dir);
}
