/* test_demo.c -- the built-in demo set (synthdemo.h): the same bytes every
 * time, MovieLens 100K's shape, and a planted truth that the chapter's
 * model finds: item biases ranked as the planted quality, neighbours of
 * one genre, principal components along the planted taste axes, and a
 * one-genre fan recommended that genre. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fit.h"
#include "foldin.h"
#include "model.h"
#include "pca.h"
#include "sim.h"
#include "split.h"
#include "synthdemo.h"

/* Movies with fewer ratings than this are left out of the checks on
 * learned factors: with a handful of ratings, weight decay rightly keeps
 * a movie near the average (the chapter's --min-ratings does the same). */
#define WELL_RATED 20

static struct ds *load_demo(enum eng_item_key key)
{
	char err[256];
	struct ds_opts o = { .format = ENG_FMT_DEMO, .item_key = key };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	return ds;
}

/* ---- the set itself ---------------------------------------------------- */

Test(demo, same_bytes_every_time)
{
	struct synth_demo a, b;
	char err[64];
	cr_assert_eq(synth_demo_make(&a, err, sizeof err), 0);
	cr_assert_eq(synth_demo_make(&b, err, sizeof err), 0);
	cr_assert_eq(a.n_ratings, b.n_ratings);
	cr_assert_eq(memcmp(a.user, b.user, a.n_ratings * sizeof *a.user), 0);
	cr_assert_eq(memcmp(a.item, b.item, a.n_ratings * sizeof *a.item), 0);
	cr_assert_eq(memcmp(a.rating, b.rating, a.n_ratings * sizeof *a.rating), 0);
	cr_assert_eq(memcmp(a.quality, b.quality, a.n_items * sizeof *a.quality), 0);
	cr_assert_eq(memcmp(a.genre, b.genre, a.n_items), 0);
	cr_assert_eq(memcmp(a.favourite, b.favourite, a.n_users), 0);
	synth_demo_free(&a);
	synth_demo_free(&b);
	/* and through the loader, titles included */
	struct ds *x = load_demo(ENG_ITEM_KEY_ID), *y = load_demo(ENG_ITEM_KEY_ID);
	const struct rcols cx = ds_cols(x), cy = ds_cols(y);
	for (size_t j = 0; j < ds_n_ratings(x); j++)
		cr_assert_eq(rc_value(&cx, j), rc_value(&cy, j));
	for (uint32_t k = 0; k < ds_n_items(x); k++)
		cr_assert_str_eq(ds_item_title(x, k), ds_item_title(y, k));
	ds_free(x);
	ds_free(y);
}

Test(demo, is_movielens_100k_shaped_and_labelled)
{
	struct ds *ds = load_demo(ENG_ITEM_KEY_ID);
	cr_assert_str_eq(ds_name(ds), "demo (synthetic)");
	cr_assert_str_eq(ds_format_name(ds_format(ds)), "demo");
	cr_assert_eq(ds_n_users(ds), 1000);
	cr_assert_eq(ds_n_items(ds), 1700, "every movie has ratings");
	cr_assert_eq(ds_n_ratings(ds), 100000);
	cr_assert_eq(ds_rating_min(ds), 1.0f);
	cr_assert_eq(ds_rating_max(ds), 5.0f);
	cr_assert_eq(ds_half_stars(ds), 0);
	const struct rcols cols = ds_cols(ds);
	size_t count[6] = { 0 };
	for (size_t j = 0; j < ds_n_ratings(ds); j++) {
		cr_assert(rc_value(&cols, j) == floorf(rc_value(&cols, j)) && rc_value(&cols, j) >= 1.0f && rc_value(&cols, j) <= 5.0f, "rating %g", rc_value(&cols, j));
		count[(int)rc_value(&cols, j)]++;
	}
	/* every star is used, the middle most, as in ML-100K */
	for (int s = 1; s <= 5; s++)
		cr_assert_gt(count[s], 1000, "%d stars: %zu", s, count[s]);
	cr_assert_gt(count[3] + count[4], count[1] + count[2] + count[5]);
	/* power-law popularity: the most-rated movie has many times the median */
	uint32_t *per = calloc(ds_n_items(ds), sizeof *per);
	for (size_t j = 0; j < ds_n_ratings(ds); j++)
		per[rc_item(&cols, j)]++;
	uint32_t most = 0, few = 0;
	for (uint32_t k = 0; k < ds_n_items(ds); k++) {
		most = per[k] > most ? per[k] : most;
		few += per[k] < WELL_RATED;
	}
	cr_assert_gt(most, 300, "most ratings of one movie: %u", most);
	cr_assert_gt(few, 50, "movies with few ratings: %u", few);
	free(per);
	/* titles "Words (YYYY)", all different; genres from the list */
	struct ds *by_title = load_demo(ENG_ITEM_KEY_TITLE);
	cr_assert_eq(ds_n_items(by_title), 1700, "no two movies share a title");
	ds_free(by_title);
	for (uint32_t k = 0; k < ds_n_items(ds); k++) {
		const char *t = ds_item_title(ds, k);
		size_t n = strlen(t);
		unsigned year;
		cr_assert(n > 7 && sscanf(t + n - 6, "(%4u)", &year) == 1 && year >= 1930 &&
			  year <= 1998, "title %s", t);
		cr_assert_neq(ds_item_genres(ds, k)[0], '\0');
	}
	ds_free(ds);
}

/* ---- what the chapter's model finds ------------------------------------ */

struct trained {
	struct ds *ds;
	struct synth_demo truth;
	struct model *m;
	struct split sp;
	uint32_t *n_rated;      /* (n_items) ratings per movie */
};

/* The chapter's model (dotbias, 50 factors, y_range 0..5.5, Adam, one
 * cycle, lr 5e-3, wd 0.1, bs 64), 5 epochs on a random 80%, seed 1. */
static void train_demo(struct trained *t)
{
	char err[256];
	t->ds = load_demo(ENG_ITEM_KEY_ID);
	cr_assert_eq(synth_demo_make(&t->truth, err, sizeof err), 0);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(t->ds);
	mc.n_items = ds_n_items(t->ds);
	t->m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(t->m, "%s", err);
	cr_assert_eq(split_random(ds_n_ratings(t->ds), 0.2, 1, &t->sp), 0);
	struct eng_train_hp tc = train_cfg_default();
	tc.seed = 1;
	const struct rcols cols = ds_cols(t->ds);
	struct fit *f = fit_new(t->m, &cols,
				&t->sp, &tc, 1, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	struct eng_train_report rep;
	while (fit_step(f, 1000000, &rep) != TRAIN_DONE)
		;
	cr_log_info("demo: valid MSE %.4f after %d epochs", rep.valid_loss, tc.epochs);
	fit_free(f);
	t->n_rated = calloc(mc.n_items, sizeof *t->n_rated);
	for (size_t j = 0; j < ds_n_ratings(t->ds); j++)
		t->n_rated[rc_item(&cols, j)]++;
}

static void trained_free(struct trained *t)
{
	free(t->n_rated);
	split_free(&t->sp);
	model_free(t->m);
	synth_demo_free(&t->truth);
	ds_free(t->ds);
}

/* The truth of dense item k: its movie id's slot. */
static uint32_t slot(const struct trained *t, uint32_t k)
{
	return (uint32_t)ds_item_id(t->ds, k) - 1;
}

/* Ranks 1..n of x (ties get their mean rank), into r. */
static void ranks(const double *x, size_t n, double *r)
{
	size_t *ord = malloc(n * sizeof *ord);
	for (size_t j = 0; j < n; j++)
		ord[j] = j;
	/* insertion sort: n is a few hundred */
	for (size_t j = 1; j < n; j++)
		for (size_t i = j; i > 0 && x[ord[i - 1]] > x[ord[i]]; i--) {
			size_t s = ord[i];
			ord[i] = ord[i - 1];
			ord[i - 1] = s;
		}
	for (size_t j = 0; j < n;) {
		size_t e = j;
		while (e + 1 < n && x[ord[e + 1]] == x[ord[j]])
			e++;
		for (size_t i = j; i <= e; i++)
			r[ord[i]] = (double)(j + e) / 2.0 + 1.0;
		j = e + 1;
	}
	free(ord);
}

/* Spearman's rank correlation of x and y. */
static double spearman(const double *x, const double *y, size_t n)
{
	double *rx = calloc(n, sizeof *rx), *ry = calloc(n, sizeof *ry);
	ranks(x, n, rx);
	ranks(y, n, ry);
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
	for (size_t j = 0; j < n; j++) {
		mx += rx[j] / n;
		my += ry[j] / n;
	}
	for (size_t j = 0; j < n; j++) {
		sxy += (rx[j] - mx) * (ry[j] - my);
		sxx += (rx[j] - mx) * (rx[j] - mx);
		syy += (ry[j] - my) * (ry[j] - my);
	}
	free(rx);
	free(ry);
	return sxy / sqrt(sxx * syy);
}

Test(demo_truth, learned_item_biases_rank_as_the_planted_quality, .timeout = 60)
{
	struct trained t;
	train_demo(&t);
	uint32_t n_items = ds_n_items(t.ds);
	double *learned = calloc(n_items, sizeof *learned);
	double *planted = calloc(n_items, sizeof *planted);
	size_t n = 0;
	for (uint32_t k = 0; k < n_items; k++)
		if (t.n_rated[k] >= WELL_RATED) {
			learned[n] = t.m->item_b[k];
			planted[n++] = t.truth.quality[slot(&t, k)];
		}
	double rho = spearman(learned, planted, n);
	cr_log_info("demo: Spearman(learned bias, planted quality) = %.3f over %zu movies", rho, n);
	cr_assert_gt(n, 1000);
	cr_assert_geq(rho, 0.9, "Spearman %.3f over %zu movies", rho, n);
	free(learned);
	free(planted);
	trained_free(&t);
}

/* Whether dense items a and b share a genre (primary or second). */
static int share_genre(const struct trained *t, uint32_t a, uint32_t b)
{
	uint32_t x = slot(t, a), y = slot(t, b);
	const uint8_t *g = t->truth.genre, *h = t->truth.genre2;
	return g[x] == g[y] || g[x] == h[y] || h[x] == g[y] || h[x] == h[y];
}

Test(demo_truth, nearest_neighbours_mostly_share_a_genre, .timeout = 60)
{
	struct trained t;
	train_demo(&t);
	uint32_t n_items = ds_n_items(t.ds);
	int k = t.m->cfg.n_factors;
	/* the 100 most-rated movies, each against the well-rated ones */
	uint32_t *well = malloc(n_items * sizeof *well), n_well = 0;
	for (uint32_t j = 0; j < n_items; j++)
		if (t.n_rated[j] >= WELL_RATED)
			well[n_well++] = j;
	float *f = malloc((size_t)n_well * k * sizeof *f);
	for (uint32_t j = 0; j < n_well; j++)
		memcpy(f + (size_t)j * k, t.m->item_f + (size_t)well[j] * k, k * sizeof *f);
	struct sim *s = sim_new(f, n_well, k);
	cr_assert_not_null(s);
	enum { QUERIES = 100, NEIGHBOURS = 10 };
	/* indices into well[], most rated first */
	uint32_t top[QUERIES];
	char *taken = calloc(n_well, 1);
	for (int q = 0; q < QUERIES; q++) {
		uint32_t best = UINT32_MAX;
		for (uint32_t j = 0; j < n_well; j++)
			if (!taken[j] && (best == UINT32_MAX ||
					  t.n_rated[well[j]] > t.n_rated[well[best]]))
				best = j;
		top[q] = best;
		taken[best] = 1;
	}
	/* how often a random well-rated pair shares a genre: the baseline */
	double chance = 0;
	for (uint32_t a = 0; a < n_well; a += 7)
		for (uint32_t b = 1; b < n_well; b += 11)
			chance += share_genre(&t, well[a], well[b]);
	chance /= (double)((n_well + 6) / 7) * ((n_well - 1 + 10) / 11);
	size_t shared = 0;
	for (int q = 0; q < QUERIES; q++) {
		struct rank_pick nb[NEIGHBOURS];
		cr_assert_eq(sim_nearest(s, top[q], NEIGHBOURS, nb), NEIGHBOURS);
		for (int j = 0; j < NEIGHBOURS; j++)
			shared += share_genre(&t, well[top[q]], well[nb[j].idx]);
	}
	double share = (double)shared / (QUERIES * NEIGHBOURS);
	cr_log_info("demo: %.0f%% of the top-10 neighbours of the 100 most-rated movies share a genre "
		    "(%.0f%% of random pairs)", 100 * share, 100 * chance);
	cr_assert_gt(share, 0.5, "neighbours sharing a genre: %.2f", share);
	cr_assert_gt(share, 2 * chance, "%.2f against %.2f by chance", share, chance);
	sim_free(s);
	free(taken);
	free(f);
	free(well);
	trained_free(&t);
}

/* The mean loading on planted taste axis `axis` of the primary genres of
 * the `ends` movies at the top (sign +1) or bottom (-1) of a component. */
static double end_loading(const struct trained *t, const uint32_t *rows, const float *coord,
			  uint32_t n, int ends, int sign, int axis)
{
	char *taken = calloc(n, 1);
	double sum = 0;
	for (int e = 0; e < ends; e++) {
		uint32_t best = UINT32_MAX;
		for (uint32_t j = 0; j < n; j++)
			if (!taken[j] && (best == UINT32_MAX || sign * coord[j] > sign * coord[best]))
				best = j;
		taken[best] = 1;
		sum += synth_demo_loading(axis, t->truth.genre[slot(t, rows[best])]);
	}
	free(taken);
	return sum / ends;
}

/* The correlation of x and y (n floats and doubles). */
static double correlation(const float *x, const double *y, uint32_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
	for (uint32_t j = 0; j < n; j++) {
		mx += x[j] / (double)n;
		my += y[j] / (double)n;
	}
	for (uint32_t j = 0; j < n; j++) {
		sxy += (x[j] - mx) * (y[j] - my);
		sxx += (x[j] - mx) * (x[j] - mx);
		syy += (y[j] - my) * (y[j] - my);
	}
	return sxy / sqrt(sxx * syy);
}

/* As in the book, where the first component runs from acclaimed classics
 * to popular films, one of the first components is the movies' quality;
 * the others are the planted taste axes, each found by a component of its
 * own whose two ends hold the genres at the axis's two ends. */
Test(demo_truth, first_principal_components_separate_genres, .timeout = 60)
{
	enum { COMPONENTS = 3, ENDS = 30 };
	struct trained t;
	train_demo(&t);
	uint32_t n_items = ds_n_items(t.ds);
	int k = t.m->cfg.n_factors;
	uint32_t *rows = malloc(n_items * sizeof *rows), n = 0;
	for (uint32_t j = 0; j < n_items; j++)
		if (t.n_rated[j] >= WELL_RATED)
			rows[n++] = j;
	struct pca p;
	cr_assert_eq(pca_fit(t.m->item_f, rows, n, k, &p), 0);
	float *coord = malloc(COMPONENTS * (size_t)n * sizeof *coord), cc[COMPONENTS];
	double *quality = malloc(n * sizeof *quality);
	for (uint32_t j = 0; j < n; j++) {
		pca_project(&p, t.m->item_f + (size_t)rows[j] * k, COMPONENTS, cc);
		for (int c = 0; c < COMPONENTS; c++)
			coord[(size_t)c * n + j] = cc[c];
		quality[j] = t.truth.quality[slot(&t, rows[j])];
	}
	int quality_pc = -1, axis_pc[SYNTH_DEMO_AXES] = { -1, -1 };
	for (int c = 0; c < COMPONENTS; c++) {
		const float *x = coord + (size_t)c * n;
		double r = correlation(x, quality, n), gap[SYNTH_DEMO_AXES];
		for (int a = 0; a < SYNTH_DEMO_AXES; a++) {
			gap[a] = fabs(end_loading(&t, rows, x, n, ENDS, 1, a) -
				      end_loading(&t, rows, x, n, ENDS, -1, a));
			if (gap[a] > 0.8 && axis_pc[a] < 0)
				axis_pc[a] = c;
		}
		if (fabs(r) > 0.8 && quality_pc < 0)
			quality_pc = c;
		cr_log_info("demo: PC%d (%.0f%% of the variance): correlation with quality %+.2f; "
			    "the %d movies at its ends differ by %.2f in their genres' loading on "
			    "taste axis 1, %.2f on axis 2", c + 1, 100 * p.share[c], r, ENDS,
			    gap[0], gap[1]);
	}
	cr_assert_geq(quality_pc, 0, "no component among the first %d is the quality", COMPONENTS);
	for (int a = 0; a < SYNTH_DEMO_AXES; a++)
		cr_assert_geq(axis_pc[a], 0, "no component among the first %d separates the "
			      "genres of taste axis %d", COMPONENTS, a + 1);
	cr_assert(axis_pc[0] != axis_pc[1] && axis_pc[0] != quality_pc &&
		  axis_pc[1] != quality_pc, "one component for each: quality PC%d, axes PC%d, PC%d",
		  quality_pc + 1, axis_pc[0] + 1, axis_pc[1] + 1);
	pca_done(&p);
	free(quality);
	free(coord);
	free(rows);
	trained_free(&t);
}

/* Whether dense item j has genre g (primary or second). */
static int has_genre(const struct trained *t, uint32_t j, int g)
{
	uint32_t x = slot(t, j);
	return t->truth.genre[x] == g || t->truth.genre2[x] == g;
}

/* A new user who gives 5 stars to the 20 most-rated films of one genre
 * and 1 star to the 20 most-rated films of none, folded in as `recommend`
 * does: at least half of their top 10 is that genre, whose films are 3 to
 * 9% of the catalogue.  (A Sci-Fi fan gets 3 Sci-Fi films and action and
 * thrillers, the genres on Sci-Fi's end of its taste axis; with fewer
 * ratings the fold-in's prior, one variance for all 50 factors, keeps a
 * new user closer to the average user, whose top 10 is the best films of
 * any genre.) */
Test(demo_truth, a_one_genre_fan_is_recommended_that_genre, .timeout = 60)
{
	enum { LIKED = 20, PANNED = 20, TOP = 10 };
	static const char *const genres[] = { "Horror", "Romance", "Children" };
	struct trained t;
	train_demo(&t);
	uint32_t n_items = ds_n_items(t.ds);
	float mean[51], w[51], *score = malloc(n_items * sizeof *score);
	struct foldin_prior prior = { .mean = mean };
	const struct rcols cols = ds_cols(t.ds);
	cr_assert_eq(foldin_prior_fit(t.m, &cols, &prior), 0);
	char *taken = malloc(n_items);
	for (size_t q = 0; q < sizeof genres / sizeof genres[0]; q++) {
		int g = 0;
		while (strcmp(synth_demo_genre_name(g), genres[q]) != 0)
			g++;
		uint32_t items[LIKED + PANNED];
		float stars[LIKED + PANNED];
		memset(taken, 0, n_items);
		for (int r = 0; r < LIKED + PANNED; r++) {
			uint32_t best = UINT32_MAX;
			for (uint32_t j = 0; j < n_items; j++)
				if (!taken[j] && has_genre(&t, j, g) == (r < LIKED) &&
				    (best == UINT32_MAX || t.n_rated[j] > t.n_rated[best]))
					best = j;
			taken[best] = 1;
			items[r] = best;
			stars[r] = r < LIKED ? 5.0f : 1.0f;
		}
		cr_assert_eq(foldin_solve(t.m, &prior, items, stars, LIKED + PANNED, w), 0);
		foldin_score(t.m, w, score);
		struct rank_pick top[TOP];
		size_t n = foldin_top(score, n_items, items, LIKED + PANNED, NULL, NULL, 0, TOP,
				      top, NULL);
		cr_assert_eq(n, TOP);
		int hits = 0;
		for (int j = 0; j < TOP; j++)
			hits += has_genre(&t, top[j].idx, g);
		cr_log_info("demo: a %s fan: %d of the top %d recommendations are %s", genres[q],
			    hits, TOP, genres[q]);
		cr_assert_geq(hits, TOP / 2, "a %s fan gets %d of %d %s films", genres[q], hits, TOP,
			      genres[q]);
	}
	free(taken);
	free(score);
	trained_free(&t);
}
