/* test_history.c -- the run history survives torn lines and a kill -9 in
 * the middle of writing, and `collabtui runs` lists what training
 * recorded. */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "history.h"
#include "testcli.h"

static void sample_run(struct history_run *r, const char *dataset, double valid)
{
	memset(r, 0, sizeof *r);
	snprintf(r->time, sizeof r->time, "2025-01-31T12:00:00Z");
	snprintf(r->dataset, sizeof r->dataset, "%s", dataset);
	snprintf(r->split, sizeof r->split, "u1");
	snprintf(r->model, sizeof r->model, "als");
	snprintf(r->optimizer, sizeof r->optimizer, "adam");
	snprintf(r->schedule, sizeof r->schedule, "one_cycle");
	r->factors = 20;
	r->epochs = 3;
	r->bs = 64;
	r->lr = 5e-3;
	r->wd = 12;
	r->y_range_on = 1;
	r->y_lo = 0.5;
	r->y_hi = 5.5;
	r->seed = 42;
	r->n_losses = 3;
	for (int j = 0; j < 3; j++) {
		r->train_loss[j] = 1.0f - 0.1f * (float)j;
		r->valid_loss[j] = j == 0 ? NAN : (float)valid;
	}
	r->final_valid = valid;
	r->seconds = 1.5;
}

static const char *hist_file(char *buf, size_t n, const char *dir)
{
	snprintf(buf, n, "%s/history.jsonl", dir);
	return buf;
}

Test(history, round_trip_and_filter)
{
	char dir[512], path[600], err[256];
	testenv_tmpdir(dir, sizeof dir);
	hist_file(path, sizeof path, dir);
	struct history_run a, b;
	sample_run(&a, "ml-100k", 0.81);
	sample_run(&b, "we\"ird", 0.9);
	cr_assert_eq(history_append(path, &a, err, sizeof err), 0, "%s", err);
	cr_assert_eq(history_append(path, &b, err, sizeof err), 0, "%s", err);
	struct history_run *v;
	size_t n;
	cr_assert_eq(history_read(path, NULL, &v, &n, err, sizeof err), 0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(v[0].dataset, "ml-100k");
	cr_assert_str_eq(v[1].dataset, "we?ird", "quotes are replaced");
	cr_assert_eq(v[0].factors, 20);
	cr_assert_eq(v[0].seed, 42);
	cr_assert_float_eq(v[0].wd, 12.0, 1e-9);
	cr_assert(v[0].y_range_on);
	cr_assert_float_eq(v[0].y_lo, 0.5, 1e-9);
	cr_assert_eq(v[0].n_losses, 3);
	cr_assert(isnan(v[0].valid_loss[0]), "NaN is written as null");
	cr_assert_float_eq(v[0].valid_loss[2], 0.81f, 1e-6);
	cr_assert_float_eq(v[0].final_valid, 0.81, 1e-9);
	free(v);
	cr_assert_eq(history_read(path, "ml-100k", &v, &n, err, sizeof err), 0);
	cr_assert_eq(n, 1);
	free(v);
	testenv_rmdir(dir);
}

/* A good record's line (as the writer writes it), to edit. */
static void good_line(char *buf, size_t n, const struct history_run *r)
{
	char dir[512], path[600], err[256];
	testenv_tmpdir(dir, sizeof dir);
	hist_file(path, sizeof path, dir);
	cr_assert_eq(history_append(path, r, err, sizeof err), 0, "%s", err);
	cli_slurp(path, buf, n);
	buf[strcspn(buf, "\n")] = '\0';
	testenv_rmdir(dir);
}

/* line with the text after "\"key\":" up to the next ',' (or ']' / '}'
 * for the last value) replaced by value, into out. */
static void with_field(char *out, size_t n, const char *line, const char *key,
		       const char *value)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(line, pat);
	cr_assert_not_null(p, "%s not in %s", pat, line);
	p += strlen(pat);
	const char *end = p;
	if (*end == '[' || *end == '"')
		end = strchr(end + 1, *end == '[' ? ']' : '"') + 1;
	else
		end += strcspn(end, ",}");
	snprintf(out, n, "%.*s%s%s", (int)(p - line), line, value, end);
}

/* Every field is range-checked: a record with a value its type cannot
 * hold (which the reader used to cast to int or float, undefined
 * behaviour), or that the table cannot show, is skipped, not shown as
 * -2147483648 or 0. */
Test(history, out_of_range_fields_skip_the_record)
{
	static char line[65536], bad[65536];
	struct history_run r, got;
	sample_run(&r, "ml-100k", 0.81);
	good_line(line, sizeof line, &r);
	cr_assert_eq(history_parse(line, &got), 0, "the unedited line: %s", line);

	char digits300[302];
	memset(digits300, '9', 300);
	digits300[300] = '\0';
	const struct { const char *key, *value; } cases[] = {
		{ "factors", "2147483648" }, { "factors", "1e10" }, { "factors", "-5" },
		{ "factors", "0" }, { "factors", "20.5" }, { "factors", "null" },
		{ "epochs", "-2147483649" }, { "epochs", digits300 },
		{ "bs", "99999999999999999999" }, { "bs", "6.4e1" },
		{ "seed", "18446744073709551621" },        /* 2^64 + 5 */
		{ "seed", "-1" }, { "seed", "4.2e1" }, { "seed", digits300 },
		{ "lr", "0" }, { "lr", "-1e-3" }, { "lr", "1e999" },
		{ "lr", "nan" }, { "lr", "inf" }, { "lr", "0x10" },
		{ "wd", "-0.1" }, { "wd", "null" },
		{ "seconds", digits300 }, { "seconds", "-1" }, { "seconds", "2e9" },
		{ "final_valid", "-0.5" }, { "final_valid", digits300 },
		{ "train_loss", "[1,2,1e39]" }, { "valid_loss", "[null,-1,0.81]" },
		{ "train_loss", "[1,2,3,]" }, { "train_loss", "[1,2]" },
		{ "y_range", "[5.5,0.5]" }, { "y_range", "[0,1e39]" }, { "y_range", "[0]" },
		{ "y_range", "7" },
		{ "time", "\"yesterday\"" }, { "model", "\"als\x1b]0;pwned\x07\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		with_field(bad, sizeof bad, line, cases[i].key, cases[i].value);
		cr_assert_neq(history_parse(bad, &got), 0, "%s: %.60s accepted", cases[i].key,
			      cases[i].value);
	}
	/* values at the edges of their ranges are kept */
	with_field(bad, sizeof bad, line, "seed", "18446744073709551615");
	cr_assert_eq(history_parse(bad, &got), 0, "%s", bad);
	cr_assert_eq(got.seed, UINT64_MAX, "read exactly, not through a double");
	with_field(bad, sizeof bad, line, "factors", "2147483647");
	cr_assert_eq(history_parse(bad, &got), 0, "%s", bad);
	cr_assert_eq(got.factors, 2147483647);
}

/* A record of more than HISTORY_EPOCHS_MAX losses keeps the first ones
 * (the header says later epochs are left out): it used to be dropped. */
Test(history, more_losses_than_kept_keeps_the_first)
{
	static char line[65536], buf[65536];
	struct history_run r, got;
	sample_run(&r, "ml-100k", 0.81);
	good_line(line, sizeof line, &r);
	char *train = buf, *valid = buf + sizeof buf / 2;
	size_t n = 0, m = 0;
	int total = HISTORY_EPOCHS_MAX + 234;
	n += (size_t)snprintf(train + n, 32, "[");
	m += (size_t)snprintf(valid + m, 32, "[");
	for (int j = 0; j < total; j++) {
		n += (size_t)snprintf(train + n, 32, "%s%d", j ? "," : "", j);
		m += (size_t)snprintf(valid + m, 32, "%s%s", j ? "," : "", j % 2 ? "null" : "0.5");
	}
	snprintf(train + n, 32, "]");
	snprintf(valid + m, 32, "]");
	static char edited[131072], edited2[131072];
	with_field(edited, sizeof edited, line, "train_loss", train);
	with_field(edited2, sizeof edited2, edited, "valid_loss", valid);
	cr_assert_eq(history_parse(edited2, &got), 0, "a long record is kept");
	cr_assert_eq(got.n_losses, HISTORY_EPOCHS_MAX);
	cr_assert_eq(got.train_loss[0], 0.0f);
	cr_assert_eq(got.train_loss[HISTORY_EPOCHS_MAX - 1], (float)(HISTORY_EPOCHS_MAX - 1));
	cr_assert(isnan(got.valid_loss[1]));
	cr_assert_float_eq(got.final_valid, 0.81, 1e-9);
	cr_assert_eq(got.factors, 20);
}

Test(history, missing_file_is_empty)
{
	struct history_run *v;
	size_t n = 7;
	char err[128];
	cr_assert_eq(history_read("/nonexistent/history.jsonl", NULL, &v, &n, err, sizeof err), 0);
	cr_assert_eq(n, 0);
}

Test(history, torn_last_line_is_skipped_and_repaired)
{
	char dir[512], path[600], err[256];
	testenv_tmpdir(dir, sizeof dir);
	hist_file(path, sizeof path, dir);
	struct history_run a;
	sample_run(&a, "ml-100k", 0.81);
	cr_assert_eq(history_append(path, &a, err, sizeof err), 0, "%s", err);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	off_t one = st.st_size;
	cr_assert_eq(history_append(path, &a, err, sizeof err), 0, "%s", err);
	/* cut the second line in the middle, as a crash would */
	cr_assert_eq(truncate(path, one + (off_t)(one / 2)), 0);
	struct history_run *v;
	size_t n;
	cr_assert_eq(history_read(path, NULL, &v, &n, err, sizeof err), 0);
	cr_assert_eq(n, 1, "the torn line is skipped");
	free(v);
	/* the next append starts on a fresh line: both good records read */
	sample_run(&a, "ml-100k", 0.7);
	cr_assert_eq(history_append(path, &a, err, sizeof err), 0, "%s", err);
	cr_assert_eq(history_read(path, NULL, &v, &n, err, sizeof err), 0);
	cr_assert_eq(n, 2);
	cr_assert_float_eq(v[1].final_valid, 0.7, 1e-9);
	free(v);
	testenv_rmdir(dir);
}

Test(history, survives_kill_during_writes)
{
	char dir[512], path[600], err[256];
	testenv_tmpdir(dir, sizeof dir);
	hist_file(path, sizeof path, dir);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct history_run r;
		sample_run(&r, "ml-100k", 0.8);
		r.n_losses = HISTORY_EPOCHS_MAX;        /* long lines: ~20 KB */
		for (;;)
			history_append(path, &r, err, sizeof err);
	}
	struct stat st;
	for (int t = 0; t < 2000; t++) {        /* until a few lines are there */
		if (stat(path, &st) == 0 && st.st_size > 200000)
			break;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* count the complete lines on disk */
	FILE *f = fopen(path, "r");
	cr_assert(f);
	size_t lines = 0;
	for (int c; (c = fgetc(f)) != EOF;)
		lines += c == '\n';
	fclose(f);
	cr_assert_gt(lines, 0);
	struct history_run *v;
	size_t n;
	cr_assert_eq(history_read(path, NULL, &v, &n, err, sizeof err), 0, "%s", err);
	cr_assert_eq(n, lines, "every complete line parses");
	for (size_t j = 0; j < n; j++)
		cr_assert_eq(v[j].n_losses, HISTORY_EPOCHS_MAX);
	free(v);
	testenv_rmdir(dir);
}

/* The valid column (the one before the last) of row `row` of the table. */
static double row_valid(const char *out, int row)
{
	char tag[16], line[256];
	snprintf(tag, sizeof tag, "\n%-4d", row);
	const char *p = strstr(out, tag);
	cr_assert(p, "no row %d:\n%s", row, out);
	const char *end = strchr(p + 1, '\n');
	size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
	cr_assert_lt(n, sizeof line);
	memcpy(line, p + 1, n);
	line[n] = '\0';
	*strrchr(line, ' ') = '\0';            /* drop secs */
	while (line[strlen(line) - 1] == ' ')
		line[strlen(line) - 1] = '\0';
	return atof(strrchr(line, ' ') + 1);
}

Test(history, runs_lists_training_runs_sorted)
{
	char fx[512], dir[512];
	testenv_fixture(fx, sizeof fx, "ml-100k");
	testenv_tmpdir(dir, sizeof dir);
	struct cli_result r;
	cli_run(&r, dir, "train --data '%s' --model als --factors 2 --epochs 2 --wd 1 --valid-pct 0.4", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_run(&r, dir, "train --data '%s' --model als --factors 2 --epochs 2 --wd 50 --valid-pct 0.4", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_run(&r, dir, "runs --data '%s' --sort valid", fx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "2 run(s) on ml-100k"), "%s", r.out);
	/* each run keeps its # (oldest first); the better one is listed first */
	double v1 = row_valid(r.out, 1), v2 = row_valid(r.out, 2);
	const char *first = v1 < v2 ? "\n1   " : "\n2   ", *second = v1 < v2 ? "\n2   " : "\n1   ";
	cr_assert_neq(v1, v2);
	cr_assert_lt(strstr(r.out, first), strstr(r.out, second), "sorted by valid:\n%s", r.out);
	cli_run(&r, dir, "runs --data '%s' --sort nope", fx);
	cr_assert_eq(r.status, 2);
	testenv_rmdir(dir);
}

/* The interface's read: only the newest `keep` records of the dataset,
 * oldest first, in an array of that size, and how many the file holds. */
Test(history, read_newest_keeps_the_last_records)
{
	char dir[512], path[600], err[256];
	testenv_tmpdir(dir, sizeof dir);
	hist_file(path, sizeof path, dir);
	struct history_run r;
	for (int i = 0; i < 10; i++) {
		sample_run(&r, i % 2 ? "other" : "ml-100k", 0.5 + 0.01 * i);
		cr_assert_eq(history_append(path, &r, err, sizeof err), 0, "%s", err);
	}
	struct history_run *v;
	size_t n, total;
	/* ml-100k's runs are i = 0, 2, 4, 6, 8; the newest three 4, 6, 8 */
	cr_assert_eq(history_read_newest(path, "ml-100k", 3, &v, &n, &total, err, sizeof err),
		     0, "%s", err);
	cr_assert_eq(n, 3);
	cr_assert_eq(total, 5);
	cr_assert_float_eq(v[0].final_valid, 0.54, 1e-9);
	cr_assert_float_eq(v[1].final_valid, 0.56, 1e-9);
	cr_assert_float_eq(v[2].final_valid, 0.58, 1e-9);
	free(v);
	/* room for more than there are: all of them, in order */
	cr_assert_eq(history_read_newest(path, "ml-100k", 8, &v, &n, &total, err, sizeof err), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(total, 5);
	cr_assert_float_eq(v[0].final_valid, 0.50, 1e-9);
	cr_assert_float_eq(v[4].final_valid, 0.58, 1e-9);
	free(v);
	/* exactly keep of them: no rotation */
	cr_assert_eq(history_read_newest(path, "other", 5, &v, &n, NULL, err, sizeof err), 0);
	cr_assert_eq(n, 5);
	cr_assert_float_eq(v[0].final_valid, 0.51, 1e-9);
	cr_assert_float_eq(v[4].final_valid, 0.59, 1e-9);
	free(v);
	/* into the caller's ring, every rotation: the newest keep, in order */
	for (size_t keep = 1; keep <= 6; keep++) {
		struct history_run buf[6];

		cr_assert_eq(history_read_newest_into(path, "ml-100k", buf, keep, &n, &total,
						      err, sizeof err), 0, "%s", err);
		cr_assert_eq(n, keep < 5 ? keep : 5);
		cr_assert_eq(total, 5);
		for (size_t i = 0; i < n; i++)
			cr_assert_float_eq(buf[i].final_valid, 0.50 + 0.02 * (double)(5 - n + i), 1e-9,
					   "keep %zu: record %zu is %g", keep, i, buf[i].final_valid);
	}
	/* none of that dataset */
	cr_assert_eq(history_read_newest(path, "none", 3, &v, &n, &total, err, sizeof err), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(total, 0);
	cr_assert_null(v);
	testenv_rmdir(dir);
}
