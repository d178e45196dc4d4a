/* test_synth.c -- the synthetic MovieLens generator: deterministic, the
 * counts and rating scale asked for, skewed popularity, and planted
 * structure a trained model recovers. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fasttrain.h"
#include "synth.h"
#include "testenv.h"

static char err[512];

static struct synth_cfg small_cfg(void)
{
	struct synth_cfg c = synth_cfg_default();
	c.n_ratings = 200000;
	c.n_users = 2000;
	c.n_items = 1000;
	c.n_factors = 5;
	c.noise = 0.3;
	c.seed = 7;
	return c;
}

static struct ds *make(const struct synth_cfg *c, char *dir, size_t n)
{
	testenv_tmpdir(dir, n);
	cr_assert_eq(synth_write(c, dir, err, sizeof err), 0, "synth_write: %s", err);
	struct ds_opts o = { .path = dir };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "ds_load: %s", err);
	return ds;
}

/* The whole content of dir/name, NUL-terminated; *len its size. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	cr_assert_not_null(f, "cannot open %s", p);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *s = malloc(*len + 1);
	cr_assert_eq(fread(s, 1, *len, f), *len);
	s[*len] = '\0';
	fclose(f);
	return s;
}

Test(synth, deterministic_for_a_seed)
{
	struct synth_cfg c = small_cfg();
	char a[4096], b[4096], d[4096];
	c.n_ratings = 20000;
	ds_free(make(&c, a, sizeof a));
	ds_free(make(&c, b, sizeof b));
	c.seed = 8;
	ds_free(make(&c, d, sizeof d));
	size_t na, nb, nd;
	char *ra = slurp(a, "ratings.csv", &na), *rb = slurp(b, "ratings.csv", &nb);
	char *rd = slurp(d, "ratings.csv", &nd);
	cr_assert_eq(na, nb);
	cr_assert(memcmp(ra, rb, na) == 0, "same seed, different ratings.csv");
	cr_assert(na != nd || memcmp(ra, rd, na) != 0, "another seed gave the same file");
	cr_assert(strncmp(ra, "userId,movieId,rating,timestamp\n", 32) == 0);
	free(ra);
	free(rb);
	free(rd);
	char *ma = slurp(a, "movies.csv", &na), *mb = slurp(b, "movies.csv", &nb);
	cr_assert(na == nb && memcmp(ma, mb, na) == 0, "same seed, different movies.csv");
	free(ma);
	free(mb);
	testenv_rmdir(a);
	testenv_rmdir(b);
	testenv_rmdir(d);
}

Test(synth, counts_scale_and_skew)
{
	struct synth_cfg c = small_cfg();
	char dir[4096];
	struct ds *ds = make(&c, dir, sizeof dir);

	cr_assert_eq(ds_format(ds), ENG_FMT_MLCSV);
	cr_assert_eq(ds_n_ratings(ds), c.n_ratings);
	cr_assert_eq(ds_n_users(ds), c.n_users);
	cr_assert_leq(ds_n_items(ds), c.n_items);
	cr_assert_geq(ds_rating_min(ds), 0.5f);
	cr_assert_leq(ds_rating_max(ds), 5.0f);
	cr_assert(ds_half_stars(ds));
	cr_assert(strncmp(ds_item_title(ds, 0), "Synthetic movie ", 16) == 0,
		  "movies.csv's titles reach the items (got %s)", ds_item_title(ds, 0));

	/* Every rating a half star; no (user, item) pair twice. */
	const struct rcols cols = ds_cols(ds);
	uint32_t *icount = calloc(ds_n_items(ds), sizeof *icount);
	uint8_t *seen = calloc((size_t)c.n_users * c.n_items, 1);
	double sum = 0.0;
	for (size_t j = 0; j < ds_n_ratings(ds); j++) {
		cr_assert_eq(2.0f * rc_value(&cols, j), floorf(2.0f * rc_value(&cols, j)), "rating %g is not a half star", rc_value(&cols, j));
		size_t cell = (size_t)rc_user(&cols, j) * c.n_items + rc_item(&cols, j);
		cr_assert_eq(seen[cell], 0, "user %u rated item %u twice", rc_user(&cols, j), rc_item(&cols, j));
		seen[cell] = 1;
		icount[rc_item(&cols, j)]++;
		sum += rc_value(&cols, j);
	}
	double mean = sum / (double)ds_n_ratings(ds);
	cr_assert(mean > 3.0 && mean < 4.0, "mean rating %g", mean);

	/* Power-law popularity: the 10% most-rated items hold far more than
	 * 10% of the ratings (over 30%). */
	uint32_t n = ds_n_items(ds);
	for (uint32_t a = 1; a < n; a++)        /* insertion sort, descending */
		for (uint32_t b = a; b > 0 && icount[b] > icount[b - 1]; b--) {
			uint32_t t = icount[b];
			icount[b] = icount[b - 1];
			icount[b - 1] = t;
		}
	uint64_t top = 0;
	for (uint32_t a = 0; a < n / 10; a++)
		top += icount[a];
	cr_assert_gt((double)top / (double)ds_n_ratings(ds), 0.30,
		     "top 10%% of items hold only %.1f%% of ratings",
		     100.0 * (double)top / (double)ds_n_ratings(ds));
	free(icount);
	free(seen);
	ds_free(ds);
	testenv_rmdir(dir);
}

Test(synth, rejects_impossible_shapes)
{
	struct synth_cfg c = small_cfg();
	c.n_ratings = c.n_users - 1;
	cr_assert_not_null(synth_cfg_check(&c));
	c.n_ratings = (uint64_t)c.n_users * c.n_items;   /* more than half each */
	cr_assert_not_null(synth_cfg_check(&c));
	c = small_cfg();
	c.n_factors = 0;
	cr_assert_not_null(synth_cfg_check(&c));
	cr_assert_neq(synth_write(&c, "/nonexistent/dir/x", err, sizeof err), 0);
	cr_assert_null(synth_cfg_check(&(struct synth_cfg){ .n_ratings = 10, .n_users = 2,
		.n_items = 10, .n_factors = 1, .noise = 0 }));
}

/* The planted low-rank structure is learnable: a fast-trained model's
 * validation RMSE is far below the global mean's. */
Test(synth, planted_structure_is_recovered)
{
	struct synth_cfg c = small_cfg();
	char dir[4096];
	struct ds *ds = make(&c, dir, sizeof dir);
	struct split sp;
	cr_assert_eq(split_random(ds_n_ratings(ds), 0.2, 1, &sp), 0);

	double mean = 0.0, base = 0.0;
	const struct rcols cols = ds_cols(ds);
	for (size_t j = 0; j < sp.n_train; j++)
		mean += rc_value(&cols, sp.train[j]);
	mean /= (double)sp.n_train;
	for (size_t j = 0; j < sp.n_valid; j++)
		base += (rc_value(&cols, sp.valid[j]) - mean) * (rc_value(&cols, sp.valid[j]) - mean);
	base = sqrt(base / (double)sp.n_valid);

	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.n_factors = 10;
	mc.use_y_range = 0;
	struct model *m = model_new(&mc, err, sizeof err);
	struct eng_train_hp tc = ftrain_cfg_plain(15, 0.02, 0.02);
	struct ftrain *t = ftrain_new(m, &cols, &sp, &tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	while (ftrain_step(t, 100, &rep) != TRAIN_DONE)
		;
	double rmse = sqrt(rep.valid_loss);
	cr_log_info("global mean RMSE %.4f, trained %.4f", base, rmse);
	cr_assert_lt(rmse, 0.75 * base, "trained RMSE %.4f vs the global mean's %.4f", rmse, base);
	ftrain_free(t);
	model_free(m);
	split_free(&sp);
	ds_free(ds);
	testenv_rmdir(dir);
}
