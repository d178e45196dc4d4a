/* test_history_json.c -- the run history read through jansson: hostile
 * lines (deep nesting, huge numbers, NUL, invalid UTF-8, duplicate keys, a
 * 10 MB line) are skipped without a crash and the records around them
 * stay; a line an earlier collabtui wrote reads as it did; keys a newer
 * writer adds are ignored. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "testenv.h"

/* A line as collabtui 0.1.0 (the hand-written reader's) wrote it. */
#define OLD_LINE "{\"time\":\"2026-12-06T17:20:01Z\",\"dataset\":\"ml-100k\",\"split\":" \
	"\"random 0.2\",\"model\":\"dotbias\",\"factors\":50,\"epochs\":5,\"bs\":64,\"lr\":" \
	"0.005,\"wd\":0.1,\"y_range\":[0,5.5],\"optimizer\":\"adam\",\"schedule\":" \
	"\"one_cycle\",\"seed\":42,\"train_loss\":[0.92,0.85],\"valid_loss\":[0.9,null]," \
	"\"final_valid\":null,\"seconds\":3.250}"

Test(history_json, an_earlier_line_reads_as_before)
{
	struct history_run r;
	cr_assert_eq(history_parse(OLD_LINE, &r), 0);
	cr_assert_str_eq(r.split, "random 0.2");
	cr_assert_eq(r.factors, 50);
	cr_assert_eq(r.seed, 42);
	cr_assert_eq(r.n_losses, 2);
	cr_assert_eq(r.train_loss[1], 0.85f);
	cr_assert(isnan(r.valid_loss[1]));
	cr_assert(isnan(r.final_valid));
	cr_assert_eq(r.y_range_on, 1);
	cr_assert_eq(r.y_hi, 5.5);
	cr_assert_eq(r.seconds, 3.25);
	cr_assert_eq(r.diverged, 0);
	/* a newer writer's extra key is no reason to drop the run */
	char line[1024];
	snprintf(line, sizeof line, "%.*s,\"item_key\":\"title\"}", (int)strlen(OLD_LINE) - 1,
		 OLD_LINE);
	cr_assert_eq(history_parse(line, &r), 0, "%s", line);
	/* a key twice is not a record */
	snprintf(line, sizeof line, "%.*s,\"factors\":7}", (int)strlen(OLD_LINE) - 1, OLD_LINE);
	cr_assert_neq(history_parse(line, &r), 0);
}

Test(history_json, hostile_lines_are_skipped_and_the_rest_read)
{
	char dir[512], path[600], err[512];
	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/history.jsonl", dir);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fprintf(f, "%s\n", OLD_LINE);
	for (int j = 0; j < 200000; j++)                /* nesting far past jansson's limit */
		fputc('[', f);
	fputc('\n', f);
	fprintf(f, "{\"seed\":1e999999}\n");
	fwrite("{\"time\":\"x\0y\"}\n", 1, 15, f);          /* a NUL inside */
	fprintf(f, "{\"dataset\":\"\xff\xfe\"}\n");
	fputc('{', f);
	for (int j = 0; j < 10 * 1000 * 1000; j++)     /* a 10 MB line */
		fputc(' ', f);
	fprintf(f, "}\n%s\n", OLD_LINE);
	cr_assert_eq(fclose(f), 0);
	struct history_run *v = NULL;
	size_t n = 0;
	cr_assert_eq(history_read(path, NULL, &v, &n, err, sizeof err), 0, "%s", err);
	cr_assert_eq(n, 2, "the two good records around the hostile ones");
	cr_assert_eq(v[1].factors, 50);
	free(v);
	testenv_rmdir(dir);
}
