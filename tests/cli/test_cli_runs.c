/* test_cli_runs.c -- `collabtui runs` on a hand-written history: split,
 * item key and model per run, --sort valid ranking like with like only,
 * lr and wd hidden where the model ignores them, --compare printing runs
 * side by side with what differs marked, and all of it without the
 * dataset on disk. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testcli.h"

/* Four runs on "gone" (a dataset that is not there): two dotbias runs on
 * a random split, an als run on it, and a bpmf run on u1 whose lower loss
 * must not be ranked against them; the first predates item_key. */
static void write_history(const char *where)
{
	char path[700];

	snprintf(path, sizeof path, "%s/collabtui", where);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/collabtui/history.jsonl", where);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("{\"time\":\"2026-01-02T10:00:00Z\",\"dataset\":\"gone\",\"split\":\"random 0.2\","
	      "\"model\":\"dotbias\",\"factors\":50,\"epochs\":3,\"bs\":64,\"lr\":0.005,"
	      "\"wd\":0.1,\"y_range\":[0,5.5],\"optimizer\":\"adam\",\"schedule\":\"one-cycle\","
	      "\"seed\":42,\"train_loss\":[0.9,0.8,0.7],\"valid_loss\":[0.95,0.90,0.91],"
	      "\"final_valid\":0.91,\"seconds\":1.5}\n", f);
	fputs("{\"time\":\"2026-01-02T10:05:00Z\",\"dataset\":\"gone\",\"split\":\"random 0.2\","
	      "\"model\":\"dotbias\",\"item_key\":\"id\",\"factors\":50,\"epochs\":3,\"bs\":64,"
	      "\"lr\":0.01,\"wd\":0.1,\"y_range\":[0,5.5],\"optimizer\":\"adam\","
	      "\"schedule\":\"one-cycle\",\"seed\":42,\"train_loss\":[0.9,0.7,0.6],"
	      "\"valid_loss\":[0.93,0.88,0.87],\"final_valid\":0.87,\"seconds\":1.5}\n", f);
	fputs("{\"time\":\"2026-01-02T10:10:00Z\",\"dataset\":\"gone\",\"split\":\"u1\","
	      "\"model\":\"bpmf\",\"item_key\":\"id\",\"factors\":10,\"epochs\":400,\"bs\":64,"
	      "\"lr\":0.005,\"wd\":0.1,\"y_range\":null,\"optimizer\":\"adam\","
	      "\"schedule\":\"one-cycle\",\"seed\":42,\"train_loss\":[0.8],"
	      "\"valid_loss\":[0.79],\"final_valid\":0.79,\"seconds\":9}\n", f);
	fputs("{\"time\":\"2026-01-02T10:15:00Z\",\"dataset\":\"gone\",\"split\":\"random 0.2\","
	      "\"model\":\"als\",\"item_key\":\"id\",\"factors\":50,\"epochs\":15,\"bs\":64,"
	      "\"lr\":0.005,\"wd\":12,\"y_range\":null,\"optimizer\":\"adam\","
	      "\"schedule\":\"one-cycle\",\"seed\":42,\"train_loss\":[0.6],"
	      "\"valid_loss\":[0.89],\"final_valid\":0.89,\"seconds\":2}\n", f);
	fclose(f);
}

/* The line of out that starts with prefix, into line; 0 when none. */
static int line_of(const char *out, const char *prefix, char *line, size_t n)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, prefix, strlen(prefix)) == 0) {
			size_t len = strcspn(l, "\n");
			snprintf(line, n, "%.*s", (int)len, l);
			return 1;
		}
	return 0;
}

static char dir[512];            /* the scratch XDG_DATA_HOME of a test */

static void setup(void)
{
	testenv_tmpdir(dir, sizeof dir);
	write_history(dir);
}

static void teardown(void)
{
}

/* `collabtui runs --data DIR/gone ARGS` on the history above. */
static void runs(struct cli_result *r, const char *args)
{
	cli_run(r, dir, "runs --data '%s/gone' %s", dir, args);
}

TestSuite(cli_runs, .init = setup, .fini = teardown);

Test(cli_runs, lists_split_key_model_without_the_dataset)
{
	char line[512];
	struct cli_result r;

	runs(&r, "");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "4 run(s) on gone"), "%s", r.out);
	cr_assert(strstr(r.out, " split ") && strstr(r.out, " key "), "%s", r.out);
	/* bpmf uses neither lr nor wd, als no lr */
	cr_assert(line_of(r.out, "3   ", line, sizeof line), "%s", r.out);
	cr_assert(strstr(line, "bpmf     u1          id    10      400    -         -  "), "%s", line);
	cr_assert(line_of(r.out, "4   ", line, sizeof line));
	cr_assert(strstr(line, "als      random 0.2  id    50      15     -         12  "), "%s", line);
	/* the record from before item_key says it does not know */
	cr_assert(line_of(r.out, "1   ", line, sizeof line));
	cr_assert(strstr(line, "random 0.2  ?  "), "%s", line);
}

Test(cli_runs, sort_valid_ranks_like_with_like)
{
	struct cli_result r;

	runs(&r, "--sort valid");
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* random 0.2 with the key: 2 (0.87) before 4 (0.89); then the one
	 * without a key, then u1's bpmf apart though its loss is lowest */
	const char *two = strstr(r.out, "\n2 "), *four = strstr(r.out, "\n4 ");
	const char *one = strstr(r.out, "\n1 "), *three = strstr(r.out, "\n3 ");
	const char *apart = strstr(r.out, "-- split u1, item key id: not ranked");
	cr_assert(two && four && one && three && apart, "%s", r.out);
	cr_assert(two < four && apart < three, "%s", r.out);
}

Test(cli_runs, compare_prints_runs_side_by_side)
{
	char line[512];
	struct cli_result r;

	runs(&r, "--compare 1 2 4");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(line_of(r.out, "              #1", line, sizeof line), "%s", r.out);
	cr_assert(strstr(line, "#2") && strstr(line, "#4"), "%s", line);
	/* differences marked, agreements not, ignored values no difference */
	cr_assert(line_of(r.out, "* lr ", line, sizeof line), "%s", r.out);
	cr_assert(strstr(line, "0.005") && strstr(line, "0.01") && strstr(line, " -"), "%s", line);
	cr_assert(line_of(r.out, "  n_factors ", line, sizeof line), "%s", r.out);
	cr_assert(line_of(r.out, "  seed ", line, sizeof line), "%s", r.out);
	cr_assert(line_of(r.out, "* model ", line, sizeof line), "%s", r.out);
	/* the lowest final loss starred, and the best epoch named */
	cr_assert(line_of(r.out, "  final valid ", line, sizeof line), "%s", r.out);
	cr_assert(strstr(line, "0.870000 *"), "%s", line);
	cr_assert(line_of(r.out, "  best valid ", line, sizeof line), "%s", r.out);
	cr_assert(strstr(line, "0.900000 ep 1"), "%s", line);
	/* another split is flagged */
	runs(&r, "--compare 2,3");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "note: #2 and #3 were validated on different splits"), "%s", r.out);
	/* refused: a # that is not there, a single run */
	runs(&r, "--compare 1 9");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "no run #9: 4 run(s) on gone"), "%s", r.err);
	runs(&r, "--compare 1");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "give two runs or more"), "%s", r.err);
	runs(&r, "--compare x");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--compare: expected a run's #"), "%s", r.err);
}
