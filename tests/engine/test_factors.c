/* test_factors.c -- factor files from elsewhere: CSV with a header, .npy
 * with its ids, Spark's JSON lines; good files read exactly, bad ones are
 * refused with FILE:LINE, hostile JSON never crashes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factors.h"
#include "npy.h"
#include "testenv.h"

static char dir[512];

static void setup(void)
{
	testenv_tmpdir(dir, sizeof dir);
}

static void teardown(void)
{
	testenv_rmtree(dir);
}

TestSuite(factors, .init = setup, .fini = teardown);

/* Write dir/name; its path (testenv_in's rotating buffers). */
static const char *put(const char *name, const char *text)
{
	char p[1024];
	testenv_write(p, sizeof p, dir, name, text, strlen(text));
	return testenv_in(dir, name);
}

/* factors_read of path must fail with a message holding want. */
static void refused(const char *path, const char *key, const char *want)
{
	struct factors t;
	char err[1024] = "";
	cr_assert_eq(factors_read(path, "/nonexistent-ids", key, &t, err, sizeof err), -1,
		     "accepted; wanted %s", want);
	cr_assert(strstr(err, want), "message \"%s\" lacks \"%s\"", err, want);
	cr_assert_eq(t.n, 0);
}

Test(factors, csv_with_title_and_bias_columns)
{
	const char *p = put("items.csv", "id,title,f1,f2,bias\n"
			    "7,\"Heat, The (1995)\",0.5,-1.25,0.125\n"
			    "9,Other (2001),1e-3,2,-0.5\n");
	struct factors t;
	char err[512];
	cr_assert_eq(factors_read(p, NULL, "title", &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.k, 2);
	cr_assert_str_eq(t.keys[0], "Heat, The (1995)");
	cr_assert_eq(t.f[1], -1.25f);
	cr_assert_eq(t.f[2], 1e-3f);
	cr_assert_not_null(t.bias);
	cr_assert_eq(t.bias[1], -0.5f);
	char w[1200];
	cr_assert(strstr(factors_where(&t, 1, w, sizeof w), "items.csv:3"), "%s", w);
	factors_free(&t);
	/* by id: the same file, keyed by its id column */
	cr_assert_eq(factors_read(p, NULL, "id", &t, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(t.keys[1], "9");
	factors_free(&t);
}

Test(factors, csv_problems_name_the_line)
{
	refused(put("a.csv", "id,f1,f2\n1,0.5,0.5\n2,0.5,zz\n"), "id",
		"a.csv:3: a factor: expected a finite number");
	refused(put("b.csv", "id,f1,f2\n1,0.5\n"), "id", "b.csv:2: 2 fields, expected 3");
	refused(put("c.csv", "user,f1\n1,0.5\n"), "id", "c.csv:1: unexpected column \"user\"");
	refused(put("d.csv", "id,f1,f3\n1,0.5,1\n"), "id", "d.csv:1: unexpected column \"f3\"");
	refused(put("e.csv", "f1,f2\n0.5,1\n"), "id", "e.csv:1: expected a header with a "
		"column \"id\"");
	refused(put("f.csv", "id,f1\n1,inf\n"), "id", "f.csv:2");
	refused(put("g.csv", "id,f1\n1,1e39\n"), "id", "g.csv:2");
	refused(put("h.csv", "id,f1\n"), "id", "h.csv:2: no rows after the header");
	refused(put("i.csv", ""), "id", "i.csv:1: expected a header");
	refused(put("j.csv", "id,f1\n,0.5\n"), "id", "j.csv:2: an empty id");
}

Test(factors, npy_rows_take_their_keys_from_the_ids_file)
{
	char p[600], ids[600], err[1024];
	float v[4] = { 1, 2, 3, 4 };
	snprintf(p, sizeof p, "%s/u.npy", dir);
	cr_assert_eq(npy_write(p, v, 2, 2, 2, err, sizeof err), 0, "%s", err);
	snprintf(ids, sizeof ids, "%s", put("ids.txt", "5\n8\n"));
	struct factors t;
	cr_assert_eq(factors_read(p, ids, "id", &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.k, 2);
	cr_assert_str_eq(t.keys[1], "8");
	cr_assert_eq(t.f[3], 4.0f);
	cr_assert_null(t.bias);
	factors_free(&t);
	/* a 1-D array is a bias vector */
	cr_assert_eq(npy_write(p, v, 2, 1, 1, err, sizeof err), 0, "%s", err);
	cr_assert_eq(factors_read(p, ids, "id", &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.k, 0);
	cr_assert_eq(t.bias[1], 2.0f);
	factors_free(&t);
	/* ids and rows must agree */
	put("ids.txt", "5\n8\n9\n");
	cr_assert_eq(factors_read(p, ids, "id", &t, err, sizeof err), -1);
	cr_assert(strstr(err, "ids.txt:3: more ids than the 2 rows"), "%s", err);
	put("ids.txt", "5\n");
	cr_assert_eq(factors_read(p, ids, "id", &t, err, sizeof err), -1);
	cr_assert(strstr(err, "1 ids for the 2 rows"), "%s", err);
}

/* factors_spark_line must refuse line (len bytes; 0: strlen) and say why. */
static void spark_refused(const char *line, size_t len, const char *want)
{
	float f[8];
	uint64_t id;
	char why[512] = "";
	len = len ? len : strlen(line);
	cr_assert_eq(factors_spark_line(line, len, &id, f, 8, why, sizeof why), -1,
		     "accepted %.40s", line);
	cr_assert(strstr(why, want), "\"%s\" lacks \"%s\"", why, want);
}

Test(factors, spark_lines_and_hostile_json)
{
	float f[8];
	uint64_t id;
	char why[512];
	const char *ok = "{\"id\":123,\"features\":[0.5,-1,2.5e-3]}";
	cr_assert_eq(factors_spark_line(ok, strlen(ok), &id, f, 8, why, sizeof why), 3, "%s", why);
	cr_assert_eq(id, 123);
	cr_assert_eq(f[1], -1.0f);
	cr_assert_eq(f[2], 2.5e-3f);
	spark_refused("{\"id\":1,\"features\":[1],\"x\":0}", 0, "exactly \"id\" and \"features\"");
	spark_refused("{\"id\":1,\"id\":2,\"features\":[1]}", 0, "duplicate");
	spark_refused("{\"id\":-1,\"features\":[1]}", 0, "\"id\": expected a whole number");
	spark_refused("{\"id\":1.5,\"features\":[1]}", 0, "\"id\"");
	spark_refused("{\"id\":1,\"features\":[]}", 0, "array of 1..8 numbers");
	spark_refused("{\"id\":1,\"features\":[\"a\"]}", 0, "\"features\"[0]");
	spark_refused("{\"id\":1,\"features\":[1e39]}", 0, "float32's range");
	spark_refused("{\"id\":1,\"features\":[1e999]}", 0, "column");
	spark_refused("{\"id\":99999999999999999999999,\"features\":[1]}", 0, "column");
	spark_refused("{\"id\":1,\"features\":[1]}\0x", 25, "column");
	spark_refused("{\"id\":1,\"features\":[1],\"\xff\":2}", 0, "column");
	spark_refused("[1,2]", 0, "exactly");
	/* nesting far deeper than jansson's limit */
	size_t n = 100000;
	char *deep = malloc(n);
	memset(deep, '[', n);
	spark_refused(deep, n, "column");
	free(deep);
}

Test(factors, spark_directory_layout)
{
	char cmd[2600], d[600], err[2048];
	snprintf(d, sizeof d, "%s/uf", dir);
	snprintf(cmd, sizeof cmd, "mkdir '%s' && cd '%s' && : >_SUCCESS && printf x >._SUCCESS.crc"
		 " && printf '{\"id\":2,\"features\":[1,2]}\\n' >part-00001-a-c000.json"
		 " && printf '{\"id\":1,\"features\":[3,4]}\\n' >part-00000-a-c000.json"
		 " && printf x >.part-00000-a-c000.json.crc", d, d);
	cr_assert_eq(system(cmd), 0);
	struct factors t;
	cr_assert_eq(factors_read(d, NULL, "id", &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.k, 2);
	/* part files in name order */
	cr_assert_str_eq(t.keys[0], "1");
	cr_assert_eq(t.f[3], 2.0f);
	factors_free(&t);
	/* a different width on a later line */
	snprintf(cmd, sizeof cmd, "printf '{\"id\":2,\"features\":[1,2]}\\n{\"id\":3,"
		 "\"features\":[1]}\\n' >'%s/part-00001-a-c000.json'", d);
	cr_assert_eq(system(cmd), 0);
	refused(d, "id", "part-00001-a-c000.json:2: 1 features, expected 2");
	/* a 10 MB line: refused with its file and line, not read into memory whole */
	snprintf(cmd, sizeof cmd, "head -c 10000000 /dev/zero | tr '\\0' ' ' "
		 ">'%s/part-00001-a-c000.json'", d);
	cr_assert_eq(system(cmd), 0);
	refused(d, "id", "part-00001-a-c000.json:1:");
	/* something else in the directory */
	snprintf(cmd, sizeof cmd, "rm '%s/part-00001-a-c000.json' && : >'%s/notes.txt'", d, d);
	cr_assert_eq(system(cmd), 0);
	refused(d, "id", "unexpected file \"notes.txt\"");
}
