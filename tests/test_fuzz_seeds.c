/* test_fuzz_seeds.c -- the fuzz harnesses' seeds (tests/fuzz/NAME/) read
 * by their parsers in the normal suite.  A crash the fuzzer finds is kept
 * there as a seed (the history's "extremes" and "nan-seed-found": doubles
 * that were cast to int, finding 10 of issue 11), so under make check's
 * ASan+UBSan build this is its regression test, with or without clang.
 * Each file must merely be read without a sanitizer report: whether it is
 * accepted is the parser's own tests' business. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt.h"
#include "config.h"
#include "factors.h"
#include "history.h"
#include "npy.h"

/* Call read_one on every seed of tests/fuzz/name (found from
 * COLLABTUI_FIXTURES, BUILD/fixtures); returns how many there were. */
static int each_seed(const char *name, void (*read_one)(const char *path))
{
	const char *fx = getenv("COLLABTUI_FIXTURES");
	char dir[1024], path[1400];
	struct dirent *e;
	DIR *d;
	int n = 0;

	cr_assert(fx && *fx, "COLLABTUI_FIXTURES is not set");
	snprintf(dir, sizeof dir, "%s/../../tests/fuzz/%s", fx, name);
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		read_one(path);
		n++;
	}
	closedir(d);
	return n;
}

static void read_history(const char *path)
{
	struct history_run *runs = NULL;
	size_t n = 0;
	char err[1024];

	if (history_read(path, NULL, &runs, &n, err, sizeof err) == 0)
		history_sort_valid(runs, n);
	free(runs);
}

static void read_config(const char *path)
{
	struct cfg c = cfg_default();
	char err[1024];

	cfg_load(path, &c, err, sizeof err);
}

static void read_model(const char *path)
{
	char err[1024];

	model_free(ckpt_load(path, NULL, err, sizeof err));
}

Test(fuzz_seeds, history)
{
	cr_assert_geq(each_seed("history", read_history), 4);
}

Test(fuzz_seeds, config)
{
	cr_assert_geq(each_seed("config", read_config), 2);
}

Test(fuzz_seeds, model_files)
{
	cr_assert_geq(each_seed("ckpt", read_model), 3);
}

static void read_npy(const char *path)
{
	struct npy_array a;
	char err[1024];

	if (npy_read(path, &a, err, sizeof err) == 0)
		npy_free(&a);
}

static void read_factor_csv(const char *path)
{
	struct factors t;
	char err[1024];

	if (factors_read_csv(path, "id", &t, err, sizeof err) == 0)
		factors_free(&t);
}

/* A Spark part file's lines, each through the line parser. */
static void read_spark_lines(const char *path)
{
	FILE *f = fopen(path, "rb");
	char line[65536], why[512];
	float v[FACTORS_K_MAX];
	uint64_t id;

	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof line, f))
		factors_spark_line(line, strcspn(line, "\n"), &id, v, FACTORS_K_MAX, why,
				   sizeof why);
	fclose(f);
}

Test(fuzz_seeds, npy)
{
	cr_assert_geq(each_seed("npy", read_npy), 3);
}

Test(fuzz_seeds, factor_csv)
{
	cr_assert_geq(each_seed("factorcsv", read_factor_csv), 3);
}

Test(fuzz_seeds, spark_json)
{
	cr_assert_geq(each_seed("spark", read_spark_lines), 3);
}
