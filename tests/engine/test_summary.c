/* test_summary.c -- summary_compute on fixtures worked out by hand and on
 * the real ML-100K. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "dataset.h"
#include "summary.h"
#include "testenv.h"

static struct eng_summary sum;

static void summarise(const char *path, enum eng_format fmt)
{
	char err[512];
	struct ds_opts o = { .path = path, .format = fmt };
	struct ds *ds = ds_load(&o, err, sizeof err);

	cr_assert_not_null(ds, "%s", err);
	cr_assert_eq(summary_compute(ds, &sum), 0);
	ds_free(ds);   /* the summary holds no pointers into it */
}

Test(summary, ml100k_fixture)
{
	char p[4096];
	static const uint64_t counts[] = { 1, 1, 1, 2, 1 };

	summarise(testenv_fixture(p, sizeof p, "ml-100k"), ENG_FMT_AUTO);
	cr_assert_str_eq(sum.name, "ml-100k");
	cr_assert_str_eq(sum.format, "ml-100k");
	cr_assert_eq(sum.n_users, 3);
	cr_assert_eq(sum.n_items, 5);
	cr_assert_eq(sum.n_ratings, 6);
	cr_assert_float_eq(sum.density, 6.0 / 15.0, 1e-12);
	cr_assert_float_eq(sum.mean, 19.0 / 6.0, 1e-12);
	cr_assert_eq(sum.n_bins, 5);
	for (int k = 0; k < 5; k++) {
		cr_assert_eq(sum.bin_lo[k], (float)(k + 1));
		cr_assert_eq(sum.bin_count[k], counts[k], "bin %d", k);
	}
	cr_assert_eq(sum.user_min, 2);
	cr_assert_eq(sum.user_median, 2);
	cr_assert_eq(sum.user_max, 2);
	cr_assert_eq(sum.item_min, 1);
	cr_assert_eq(sum.item_median, 1);
	cr_assert_eq(sum.item_max, 2);
	cr_assert_eq(sum.n_top, 5);
	cr_assert_eq(sum.top_item[0], 0);
	cr_assert_eq(sum.top_count[0], 2);
	cr_assert_str_eq(sum.top_title[0], "Toy Story (1995)");
	cr_assert_eq(sum.top_item[1], 1);   /* ties: lower index first */
	cr_assert_str_eq(sum.top_title[1], "Mis\xc3\xa9rables, Les (1995)");
}

Test(summary, half_star_bins)
{
	char p[4096];
	static const float lo[] = { 0.5f, 2.5f, 4.0f, 5.0f };

	summarise(testenv_fixture(p, sizeof p, "ml-latest"), ENG_FMT_AUTO);
	cr_assert_eq(sum.n_bins, 4);
	for (int k = 0; k < 4; k++) {
		cr_assert_eq(sum.bin_lo[k], lo[k]);
		cr_assert_eq(sum.bin_count[k], 1);
	}
	cr_assert_eq(sum.rating_min, 0.5f);
	cr_assert_eq(sum.rating_max, 5.0f);
}

Test(summary, equal_width_bins_past_ten_values)
{
	static const char data[] = "1,1,0\n1,2,1\n1,3,2\n1,4,3\n1,5,4\n1,6,5\n"
	                           "1,7,6\n1,8,7\n1,9,8\n1,10,9\n1,11,10\n";
	char dir[4096], p[4096];

	testenv_tmpdir(dir, sizeof dir);
	summarise(testenv_write(p, sizeof p, dir, "r.csv", data, sizeof data - 1), ENG_FMT_AUTO);
	testenv_rmdir(dir);
	cr_assert_eq(sum.n_bins, ENG_RATING_BINS);
	for (int k = 0; k < ENG_RATING_BINS; k++) {
		cr_assert_float_eq(sum.bin_lo[k], (float)k, 1e-6);
		/* 10, the maximum, falls in the last bin */
		cr_assert_eq(sum.bin_count[k], k == ENG_RATING_BINS - 1 ? 2u : 1u, "bin %d", k);
	}
}

Test(summary, long_title_cut_on_a_character_boundary)
{
	static const char ratings[] = "userId,movieId,rating\n1,1,4\n";
	char movies[512], dir[4096], p[4096];
	int n = snprintf(movies, sizeof movies, "movieId,title,genres\n1,");

	/* 126 ASCII bytes, then a 2-byte character straddling byte 127 */
	memset(movies + n, 'a', 126);
	n += 126;
	n += snprintf(movies + n, sizeof movies - (size_t)n, "\xc3\xa9tail,Drama\n");
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(p, sizeof p, dir, "ratings.csv", ratings, sizeof ratings - 1);
	testenv_write(p, sizeof p, dir, "movies.csv", movies, (size_t)n);
	summarise(dir, ENG_FMT_AUTO);
	testenv_rmdir(dir);
	cr_assert_eq(sum.n_top, 1);
	cr_assert_eq(strlen(sum.top_title[0]), 126);
}

Test(summary, real_ml100k)
{
	char p[4096];
	static const uint64_t counts[] = { 6110, 11370, 27145, 34174, 21201 };

	summarise(testenv_dataset(p, sizeof p, "ml-100k"), ENG_FMT_AUTO);
	cr_assert_eq(sum.n_ratings, 100000);
	cr_assert_float_eq(sum.mean, 3.52986, 1e-5);
	cr_assert_eq(sum.n_bins, 5);
	for (int k = 0; k < 5; k++)
		cr_assert_eq(sum.bin_count[k], counts[k], "rating %d", k + 1);
	cr_assert_eq(sum.user_min, 20);
	cr_assert_eq(sum.item_min, 1);
	cr_assert_str_eq(sum.top_title[0], "Star Wars (1977)");
	cr_assert_eq(sum.top_count[0], 583);
	cr_assert_eq(sum.n_top, ENG_SUMMARY_TOP);
}

/* The mean is the sum of the ratings added in file order, divided by
 * their count, to the bit: on one-byte codes it comes from the count of
 * each code when every partial sum of that order is exact (half stars),
 * and from the ordered loop when not (tenths, thirds). */
static void mean_of(const char *text)
{
	char dir[512], p[700];
	const char *name;

	testenv_tmpdir(dir, sizeof dir);
	name = testenv_write(p, sizeof p, dir, "r.csv", text, strlen(text));
	char err[512];
	struct ds_opts o = { .path = name };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	cr_assert_gt(ds_n_values(ds), 0, "the values are coded");
	const struct rcols c = ds_cols(ds);
	double want = 0;
	for (size_t j = 0; j < c.n; j++)
		want += rc_value(&c, j);
	want /= (double)c.n;
	cr_assert_eq(summary_compute(ds, &sum), 0);
	cr_assert_eq(memcmp(&sum.mean, &want, sizeof want), 0, "%.17g, not %.17g", sum.mean,
		     want);
	ds_free(ds);
	testenv_rmdir(dir);
}

Test(summary, mean_is_the_ordered_sum_to_the_bit)
{
	static const char *const v[] = { "0.5", "4.5", "3", "0.1", "0.2", "3.3333", "9.999999",
					   "7.25", "0.000001" };
	char text[20000];
	size_t len = 0;

	/* half stars: exact */
	for (int j = 0; j < 500; j++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%d,%d,%s\n", j % 7, j % 5,
					v[j % 3]);
	mean_of(text);
	/* tenths and thirds: not */
	len = 0;
	for (int j = 0; j < 500; j++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%d,%d,%s\n", j % 7, j % 5,
					v[j * 7 % 9]);
	mean_of(text);
}
