/* test_dataset.c -- the loader on hand-written fixtures in every format,
 * on every kind of bad input, and on the real MovieLens copies. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvline.h"
#include "dataset.h"
#include "testenv.h"

static char err[512];

/* Load a path with the given options; fails the test on error. */
static struct ds *load_path(const char *path, enum eng_format fmt,
                            enum eng_item_key key, const char *split)
{
	struct ds_opts o = { .path = path, .format = fmt, .item_key = key, .split = split };
	struct ds *ds = ds_load(&o, err, sizeof err);

	cr_assert_not_null(ds, "ds_load(%s): %s", path, err);
	return ds;
}

static struct ds *load_fixture(const char *rel, enum eng_item_key key, const char *split)
{
	char p[4096];

	return load_path(testenv_fixture(p, sizeof p, rel), ENG_FMT_AUTO, key, split);
}

/* User, item and value of rating j, whatever widths the columns have. */
static uint32_t user_at(const struct ds *ds, size_t j)
{
	const struct rcols c = ds_cols(ds);
	return rc_user(&c, j);
}

static uint32_t item_at(const struct ds *ds, size_t j)
{
	const struct rcols c = ds_cols(ds);
	return rc_item(&c, j);
}

static float value_at(const struct ds *ds, size_t j)
{
	const struct rcols c = ds_cols(ds);
	return rc_value(&c, j);
}

/* The dense index whose title is t, or fail. */
static uint32_t item_titled(const struct ds *ds, const char *t)
{
	for (uint32_t k = 0; k < ds_n_items(ds); k++)
		if (strcmp(ds_item_title(ds, k), t) == 0)
			return k;
	cr_assert_fail("no item titled \"%s\"", t);
	return 0;
}

/* --- formats ------------------------------------------------------------ */

Test(dataset, ml100k_fixture)
{
	struct ds *ds = load_fixture("ml-100k", ENG_ITEM_KEY_ID, NULL);
	static const uint32_t users[] = { 0, 0, 1, 1, 2, 2 };
	static const uint32_t items[] = { 0, 1, 0, 2, 3, 4 };
	static const float ratings[] = { 5, 3, 4, 1, 2, 4 };

	cr_assert_eq(ds_format(ds), ENG_FMT_ML100K);
	cr_assert_str_eq(ds_name(ds), "ml-100k");
	cr_assert_eq(ds_n_users(ds), 3);
	cr_assert_eq(ds_n_items(ds), 5);
	cr_assert_eq(ds_n_ratings(ds), 6);
	cr_assert_eq(ds_n_train(ds), 0);
	for (int r = 0; r < 6; r++) {
		cr_assert_eq(user_at(ds, r), users[r], "rating %d", r);
		cr_assert_eq(item_at(ds, r), items[r], "rating %d", r);
		cr_assert_eq(value_at(ds, r), ratings[r], "rating %d", r);
	}
	cr_assert_eq(ds_user_id(ds, 2), 5);
	cr_assert_eq(ds_item_id(ds, 4), 7);
	/* byte 0xE9 in u.item became U+00E9 in UTF-8 */
	cr_assert_str_eq(ds_item_title(ds, 1), "Mis\xc3\xa9rables, Les (1995)");
	cr_assert_str_eq(ds_item_genres(ds, 1), "Drama|Musical");
	cr_assert_str_eq(ds_item_genres(ds, 0), "Animation|Children's|Comedy");
	cr_assert_str_eq(ds_item_title(ds, 4), "item 7");   /* not in u.item */
	cr_assert_str_eq(ds_item_genres(ds, 4), "");
	cr_assert(ds_has_user_meta(ds));
	cr_assert_eq(ds_user_age(ds, 2), 33);
	cr_assert_str_eq(ds_user_gender(ds, 2), "F");
	cr_assert_str_eq(ds_user_occupation(ds, 2), "educator");
	cr_assert_eq(ds_rating_min(ds), 1.0f);
	cr_assert_eq(ds_rating_max(ds), 5.0f);
	cr_assert_not(ds_half_stars(ds));
	ds_free(ds);
}

Test(dataset, ml100k_title_key_merges_equal_titles)
{
	struct ds *ds = load_fixture("ml-100k", ENG_ITEM_KEY_TITLE, NULL);
	uint32_t chasers;

	/* ids 3 and 4 are both "Chasers (1994)"; order is bytewise by title */
	cr_assert_eq(ds_n_items(ds), 4);
	cr_assert_str_eq(ds_item_title(ds, 0), "Chasers (1994)");
	cr_assert_str_eq(ds_item_title(ds, 1), "Mis\xc3\xa9rables, Les (1995)");
	cr_assert_str_eq(ds_item_title(ds, 2), "Toy Story (1995)");
	cr_assert_str_eq(ds_item_title(ds, 3), "item 7");
	chasers = item_titled(ds, "Chasers (1994)");
	cr_assert_eq(ds_item_id(ds, chasers), 3);   /* the smallest id */
	cr_assert_str_eq(ds_item_genres(ds, chasers), "Comedy");
	cr_assert_eq(item_at(ds, 3), chasers);       /* was id 3 */
	cr_assert_eq(item_at(ds, 4), chasers);       /* was id 4 */
	cr_assert_eq(item_at(ds, 0), 2);
	cr_assert_eq(ds_n_ratings(ds), 6);          /* duplicates are kept */
	ds_free(ds);
}

Test(dataset, ml100k_canonical_split)
{
	struct ds *ds = load_fixture("ml-100k", ENG_ITEM_KEY_ID, "u1");

	cr_assert_eq(ds_n_ratings(ds), 6);
	cr_assert_eq(ds_n_train(ds), 4);
	cr_assert_eq(item_at(ds, 5), 4);   /* u1.test's last line, item 7 */
	ds_free(ds);
}

Test(dataset, unknown_split_is_rejected)
{
	char p[4096];
	struct ds_opts o = { .path = testenv_fixture(p, sizeof p, "ml-100k"), .split = "u7" };

	cr_assert_null(ds_load(&o, err, sizeof err));
	cr_assert(strstr(err, "\"u7\"") && strstr(err, "expected u1"), "%s", err);
	o.path = testenv_fixture(p, sizeof p, "ml-latest");
	o.split = "u1";
	cr_assert_null(ds_load(&o, err, sizeof err));
	cr_assert(strstr(err, "ML-100K"), "%s", err);
}

Test(dataset, mldat_fixture)
{
	struct ds *ds = load_fixture("ml-1m", ENG_ITEM_KEY_ID, NULL);

	cr_assert_eq(ds_format(ds), ENG_FMT_MLDAT);
	cr_assert_eq(ds_n_users(ds), 3);
	cr_assert_eq(ds_n_items(ds), 3);
	cr_assert_eq(ds_n_ratings(ds), 4);
	cr_assert_eq(value_at(ds, 1), 3.5f);
	cr_assert_eq(ds_rating_min(ds), 0.5f);
	cr_assert(ds_half_stars(ds));
	/* Latin-1 title converted, UTF-8 title kept as is */
	cr_assert_str_eq(ds_item_title(ds, 1), "Cit\xc3\xa9 des enfants perdus, La (1995)");
	cr_assert_str_eq(ds_item_title(ds, 2), "Am\xc3\xa9lie (2001)");
	cr_assert_str_eq(ds_item_genres(ds, 0), "Animation|Children's|Comedy");
	cr_assert_not(ds_has_user_meta(ds));
	cr_assert_str_eq(ds_user_gender(ds, 0), "");
	ds_free(ds);
}

static void check_mlcsv(struct ds *ds)
{
	cr_assert_eq(ds_format(ds), ENG_FMT_MLCSV);
	cr_assert_eq(ds_n_users(ds), 2);
	cr_assert_eq(ds_n_items(ds), 3);
	cr_assert_eq(ds_n_ratings(ds), 4);
	cr_assert_eq(ds_user_id(ds, 1), 7);
	cr_assert_eq(ds_item_id(ds, 2), 7789);
	cr_assert_eq(value_at(ds, 1), 2.5f);
	cr_assert_eq(value_at(ds, 3), 0.5f);
	cr_assert(ds_half_stars(ds));
	cr_assert_str_eq(ds_item_title(ds, 1), "American President, The (1995)");
	cr_assert_str_eq(ds_item_title(ds, 2), "11'09\"01 - September 11 (2002)");
	cr_assert_str_eq(ds_item_genres(ds, 1), "Comedy|Drama|Romance");
	cr_assert_str_eq(ds_item_genres(ds, 0), "Adventure|Animation|Children|Comedy|Fantasy");
}

Test(dataset, mlcsv_fixture_directory_and_file)
{
	char p[4096];
	struct ds *ds = load_fixture("ml-latest", ENG_ITEM_KEY_ID, NULL);

	check_mlcsv(ds);
	cr_assert_str_eq(ds_name(ds), "ml-latest");
	ds_free(ds);
	/* the ratings file itself: movies.csv is found next to it */
	ds = load_path(testenv_fixture(p, sizeof p, "ml-latest/ratings.csv"), ENG_FMT_AUTO,
	               ENG_ITEM_KEY_ID, NULL);
	check_mlcsv(ds);
	ds_free(ds);
}

Test(dataset, generic_csv_without_header)
{
	struct ds *ds = load_fixture("generic/plain.csv", ENG_ITEM_KEY_ID, NULL);

	cr_assert_eq(ds_format(ds), ENG_FMT_CSV);
	cr_assert_str_eq(ds_name(ds), "plain.csv");
	cr_assert_eq(ds_n_ratings(ds), 3);
	cr_assert_eq(ds_n_users(ds), 2);
	cr_assert_eq(ds_n_items(ds), 2);
	cr_assert_eq(ds_item_id(ds, 1), UINT32_MAX);   /* through the hash map */
	cr_assert_eq(item_at(ds, 2), 1);
	cr_assert_str_eq(ds_item_title(ds, 1), "item 4294967295");
	cr_assert_eq(ds_rating_min(ds), 0.0f);
	cr_assert_eq(ds_rating_max(ds), 7.0f);
	ds_free(ds);
}

Test(dataset, generic_tsv_with_header)
{
	struct ds *ds = load_fixture("generic/header.tsv", ENG_ITEM_KEY_ID, NULL);

	cr_assert_eq(ds_format(ds), ENG_FMT_TSV);
	cr_assert_eq(ds_n_ratings(ds), 2);
	cr_assert_eq(ds_user_id(ds, 0), 1);
	cr_assert_eq(user_at(ds, 0), 1);
	cr_assert_eq(value_at(ds, 1), 2.0f);
	ds_free(ds);
}

/* ---- narrow columns (rcols.h) ----
 * Values are stored as one-byte codes into a table of the distinct
 * values while there are at most RCOLS_VALUES_MAX, else as floats; items
 * in 16 bits while every index fits.  Either way every rating must read
 * back as the very float the loader parsed. */

/* A generic CSV of n ratings, rating j = "user,item,value" from the
 * callbacks, loaded from a fresh directory (removed before returning). */
static struct ds *load_generated(size_t n, void (*line)(size_t j, char *buf, size_t len))
{
	char dir[4096], p[4096], buf[64];
	size_t cap = n * 48 + 1, len = 0;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	for (size_t j = 0; j < n; j++) {
		line(j, buf, sizeof buf);
		len += (size_t)snprintf(text + len, cap - len, "%s\n", buf);
	}
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(p, sizeof p, dir, "data.csv", text, len);
	free(text);
	struct ds *ds = load_path(p, ENG_FMT_AUTO, ENG_ITEM_KEY_ID, NULL);
	testenv_rmdir(dir);
	return ds;
}

/* Value j of the generated sets: j / 256 with 8 decimals, exact in both
 * float and double, 0 .. 10 over j = 0 .. 2560. */
static float gen_value(size_t j)
{
	return (float)((double)(j % 2561) / 256.0);
}

static size_t distinct_wanted;   /* how many distinct values line_values makes */

static void line_values(size_t j, char *buf, size_t len)
{
	/* values repeat in a shuffled order, so runs do not hide them */
	size_t v = (j * 7919) % distinct_wanted;
	snprintf(buf, len, "%zu,%zu,%.8f", j % 13, j % 17, (double)gen_value(v));
}

static void check_values(const struct ds *ds, int coded)
{
	const struct rcols c = ds_cols(ds);
	size_t n = ds_n_ratings(ds);

	cr_assert_eq(c.code != NULL, coded);
	cr_assert_eq(c.real != NULL, !coded);
	cr_assert_eq(ds_n_values(ds), coded ? (int)distinct_wanted : 0);
	for (size_t j = 0; j < n; j++) {
		float want = gen_value((j * 7919) % distinct_wanted), got = rc_value(&c, j);
		cr_assert_eq(memcmp(&want, &got, sizeof want), 0, "rating %zu: %.9g, not %.9g",
			     j, (double)got, (double)want);
	}
	if (coded)
		for (int k = 1; k < ds_n_values(ds); k++)
			cr_assert_lt(c.value[k - 1], c.value[k], "the table is ascending");
}

Test(dataset, values_one_byte_each_round_trip)
{
	distinct_wanted = 10;
	struct ds *ds = load_generated(1000, line_values);
	check_values(ds, 1);
	ds_free(ds);
	/* the most a byte can name */
	distinct_wanted = RCOLS_VALUES_MAX;
	ds = load_generated(3000, line_values);
	check_values(ds, 1);
	ds_free(ds);
}

Test(dataset, values_past_256_distinct_stay_floats)
{
	distinct_wanted = RCOLS_VALUES_MAX + 1;
	struct ds *ds = load_generated(3000, line_values);
	check_values(ds, 0);
	ds_free(ds);
	distinct_wanted = 2561;   /* every value 0 .. 10 in 1/256 steps */
	ds = load_generated(5000, line_values);
	check_values(ds, 0);
	ds_free(ds);
}

/* Texts that differ but parse to one float share its code; values a
 * nanounit apart that floats do tell apart keep theirs; 0 and 10, the
 * ends of the generic range, and the smallest step the parser reads. */
static const char *const hostile[] = {
	"1.000000001", "1.000000002", "1", "1.0", "0", "0.000000001", "0.000000002",
	"10", "9.999999999", "3.333333333", ".5", "5.", "0.1", "0.100000001",
};
#define N_HOSTILE (sizeof hostile / sizeof *hostile)

static void line_hostile(size_t j, char *buf, size_t len)
{
	snprintf(buf, len, "%zu,%zu,%s", j, j % 3, hostile[j % N_HOSTILE]);
}

Test(dataset, hostile_values_keep_their_bits)
{
	struct ds *ds = load_generated(4 * N_HOSTILE, line_hostile);
	const struct rcols c = ds_cols(ds);
	float seen[N_HOSTILE];
	int n_seen = 0;

	cr_assert_not_null(c.code);
	for (size_t j = 0; j < ds_n_ratings(ds); j++) {
		double want;
		const char *t = hostile[j % N_HOSTILE];
		cr_assert_eq(csv_decimal(t, strlen(t), &want), 0);
		float w = (float)want, got = rc_value(&c, j);
		cr_assert_eq(memcmp(&w, &got, sizeof w), 0, "%s read back as %.9g", t, (double)got);
		int k = 0;
		while (k < n_seen && memcmp(&seen[k], &w, sizeof w) != 0)
			k++;
		if (k == n_seen)
			seen[n_seen++] = w;
	}
	cr_assert_eq(ds_n_values(ds), n_seen, "one code per distinct float");
	ds_free(ds);
}

static uint32_t ids_wanted;
static int ids_are_items;

static void line_ids(size_t j, char *buf, size_t len)
{
	/* ids from 5 up, so the dense index is id - 5; the other side of
	 * each rating takes a few ids */
	size_t id = 5 + (j * 40503) % ids_wanted;
	if (ids_are_items)
		snprintf(buf, len, "%zu,%zu,4", j % 7, id);
	else
		snprintf(buf, len, "%zu,%zu,4", id, j % 7);
}

/* Users and items are 16 bits up to 65536 of them and 24 past that
 * (32 past 2^24, too big a file for a unit test); either way each rating
 * reads its own ids back. */
Test(dataset, ids_narrow_while_they_fit)
{
	for (ids_are_items = 0; ids_are_items < 2; ids_are_items++)
		for (int wide = 0; wide < 2; wide++) {
			ids_wanted = UINT16_MAX + 1u + (uint32_t)wide;
			struct ds *ds = load_generated(ids_wanted, line_ids);
			const struct rcols c = ds_cols(ds);
			const void *w16 = ids_are_items ? (const void *)c.item16 : (const void *)c.user16;
			const void *w24 = ids_are_items ? (const void *)c.item24 : (const void *)c.user24;
			const void *w32 = ids_are_items ? (const void *)c.item32 : (const void *)c.user32;
			cr_assert_eq(ids_are_items ? ds_n_items(ds) : ds_n_users(ds), ids_wanted);
			cr_assert_eq(w16 != NULL, !wide);
			cr_assert_eq(w24 != NULL, wide);
			cr_assert_null(w32);
			for (size_t j = 0; j < ds_n_ratings(ds); j++) {
				uint32_t want = (uint32_t)((j * 40503) % ids_wanted), other = (uint32_t)(j % 7);
				cr_assert_eq(rc_item(&c, j), ids_are_items ? want : other, "rating %zu", j);
				cr_assert_eq(rc_user(&c, j), ids_are_items ? other : want, "rating %zu", j);
			}
			cr_assert_eq(rc_value(&c, 0), 4.0f);
			ds_free(ds);
		}
}

/* Original ids past 24 bits: the parse keeps ids in 3 bytes until one
 * needs 4, then widens the column in place (here after more than one
 * block of ratings, and once for users, once for items); the dense
 * indices still follow the ids' order and name the originals. */
static void line_wide(size_t j, char *buf, size_t len)
{
	/* from rating 3000 on, every third user id and every fifth item id
	 * is past 2^24, the last of them the largest id there is */
	uint32_t u = (uint32_t)(j % 11), it = (uint32_t)(j % 17);
	if (j >= 3000 && j % 3 == 0)
		u = j == 3999 ? UINT32_MAX : (1u << 24) + (uint32_t)(j % 7);
	if (j >= 3500 && j % 5 == 0)
		it = (1u << 24) + (uint32_t)(j % 4);
	snprintf(buf, len, "%u,%u,%zu", u, it, 1 + j % 5);
}

Test(dataset, ids_past_24_bits_widen_the_parse)
{
	struct ds *ds = load_generated(4000, line_wide);
	char want[64];

	cr_assert_eq(ds_n_users(ds), 11 + 7 + 1);
	cr_assert_eq(ds_n_items(ds), 17 + 4);
	cr_assert_eq(ds_user_id(ds, 11), 1u << 24);
	cr_assert_eq(ds_user_id(ds, 18), UINT32_MAX);
	cr_assert_eq(ds_item_id(ds, 20), (1u << 24) + 3);
	for (size_t j = 0; j < 4000; j++) {
		line_wide(j, want, sizeof want);
		uint64_t u = ds_user_id(ds, user_at(ds, j)), it = ds_item_id(ds, item_at(ds, j));
		char got[64];
		snprintf(got, sizeof got, "%llu,%llu,%g", (unsigned long long)u,
			 (unsigned long long)it, (double)value_at(ds, j));
		cr_assert_str_eq(got, want, "rating %zu", j);
	}
	ds_free(ds);
}

/* Plain arrays through rcols_plain() read back as they are. */
Test(dataset, plain_columns)
{
	static const uint32_t u[] = { 70000, 0, UINT32_MAX }, it[] = { 3, 1u << 24, 9 };
	static const float r[] = { 0.5f, 1e-30f, 10.0f };
	const struct rcols c = rcols_plain(3, u, it, r);
	for (size_t j = 0; j < 3; j++) {
		cr_assert_eq(rc_user(&c, j), u[j]);
		cr_assert_eq(rc_item(&c, j), it[j]);
		cr_assert_eq(rc_value(&c, j), r[j]);
	}
}

Test(dataset, crlf_and_bom_accepted)
{
	struct ds *ds = load_fixture("generic/crlf_bom.csv", ENG_ITEM_KEY_ID, NULL);

	cr_assert_eq(ds_n_ratings(ds), 2);
	cr_assert_eq(ds_user_id(ds, 0), 1);
	cr_assert_eq(ds_user_id(ds, 1), 4);
	cr_assert_eq(value_at(ds, 1), 1.5f);
	ds_free(ds);
}

Test(dataset, forced_format)
{
	char p[4096];
	struct ds_opts o = { .path = testenv_fixture(p, sizeof p, "ml-100k"), .format = ENG_FMT_CSV };
	struct ds *ds;

	cr_assert_null(ds_load(&o, err, sizeof err));
	cr_assert(strstr(err, "not a directory"), "%s", err);
	/* u.data forced as generic TSV: same ratings, no titles */
	ds = load_path(testenv_fixture(p, sizeof p, "ml-100k/u.data"), ENG_FMT_TSV, ENG_ITEM_KEY_ID, NULL);
	cr_assert_eq(ds_n_ratings(ds), 6);
	cr_assert_str_eq(ds_item_title(ds, 0), "item 1");
	ds_free(ds);
}

/* --- bad input ------------------------------------------------------------ */

/* Arrays, not pointers: Criterion runs each case in a fresh process,
 * where the addresses of the parent's string literals mean nothing. */
struct bad_case {
	char file[16];          /* written into a fresh directory */
	char content[64];
	char expect[3][48];     /* all must appear in the message */
};

ParameterizedTestParameters(dataset, bad_input)
{
	static struct bad_case cases[] = {
		{ "ratings.csv", "userId,movieId,rating\n1,2,3\n1,3,x\n",
		  { "ratings.csv:3: ", "expected a rating between 0.5 and 5", "got \"x\"" } },
		{ "data.csv", "1,2,11\n", { "data.csv:1: ", "between 0 and 10", "\"11\"" } },
		{ "data.csv", "1,2,3\n1,2,-1\n", { "data.csv:2: ", "between 0 and 10", "\"-1\"" } },
		{ "data.csv", "1,2,3\n4,5,nan\n", { "data.csv:2: ", "expected a rating", "\"nan\"" } },
		{ "data.csv", "1,2,3\n4,5,inf\n", { "data.csv:2: ", "expected a rating", "\"inf\"" } },
		{ "data.csv", "1,2,3\n1,2,3.5x\n", { "data.csv:2: ", "expected a rating", "\"3.5x\"" } },
		/* decimal only: strtod would read these as 4 */
		{ "data.csv", "1,2,3\n1,3,0x4\n", { "data.csv:2: ", "expected a rating", "\"0x4\"" } },
		{ "data.csv", "1,2,3\n1,3,4e0\n", { "data.csv:2: ", "expected a rating", "\"4e0\"" } },
		{ "data.csv", "1,2,3\n1,2, 3\n", { "data.csv:2: ", "expected a rating", "\" 3\"" } },
		{ "data.csv", "4294967296,1,3\n", { "data.csv:1: ", "expected a user id", "\"4294967296\"" } },
		{ "data.csv", "1,1,3\n2,000000000000000000001,3\n",
		  { "data.csv:2: ", "expected an item id", "000000000000000000001" } },
		{ "data.csv", "1,2,3\n12a,2,3\n", { "data.csv:2: ", "expected a user id", "\"12a\"" } },
		{ "data.csv", "1,2,3\n-4,2,3\n", { "data.csv:2: ", "expected a user id", "\"-4\"" } },
		{ "data.csv", "1,2,3\n1,2\n", { "data.csv:2: ", "expected 3 or 4 ','-separated fields", "got 2" } },
		{ "data.csv", "1,2,3,4,5\n", { "data.csv:1: ", "expected 3 or 4", "got 5" } },
		{ "data.csv", "1,2,3,12x\n", { "data.csv:1: ", "expected a timestamp", "\"12x\"" } },
		{ "ratings.csv", "userId,movieId,rating\n1,\"2,3.0\n",
		  { "ratings.csv:2: ", "expected a closing quote", "" } },
		{ "ratings.csv", "userId,movieId,rating\n1,\"2\"x,3.0\n",
		  { "ratings.csv:2: ", "expected ',' after a closing quote", "" } },
		{ "data.csv", "", { "data.csv", "expected ratings", "empty" } },
		{ "data.csv", "user,item,rating\n\n", { "data.csv", "expected ratings", "found none" } },
		{ "u.data", "1\t2\t3\t4\n1\t2\t6\t5\n", { "u.data:2: ", "between 1 and 5", "\"6\"" } },
		{ "u.data", "user\titem\trating\n", { "u.data:1: ", "expected a user id", "\"user\"" } },
		{ "ratings.dat", "1::2::3::4\n1::2\n", { "ratings.dat:2: ", "expected 3 or 4 '::'-separated", "got 2" } },
		{ "ratings.dat", "1::2::3::4\n1::2::5.5::4\n",
		  { "ratings.dat:2: ", "expected a rating between 0.5 and 5", "\"5.5\"" } },
	};

	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, dataset, bad_input)
{
	char dir[4096], p[4096];
	struct ds_opts o = { .path = dir };

	testenv_tmpdir(dir, sizeof dir);
	testenv_write(p, sizeof p, dir, c->file, c->content, strlen(c->content));
	/* ML layouts are read from their directory, generic ones from the file */
	if (strcmp(c->file, "data.csv") == 0)
		o.path = p;
	cr_expect_null(ds_load(&o, err, sizeof err), "%s loaded", c->file);
	for (int k = 0; k < 3; k++)
		cr_expect(strstr(err, c->expect[k]) != NULL, "\"%s\" not in \"%s\"", c->expect[k], err);
	testenv_rmdir(dir);
}

Test(dataset, bad_movies_file_stops_the_load)
{
	static const char movies[] = "movieId,title,genres\n1,\"Toy Story (1995),Comedy\n";
	static const char ratings[] = "userId,movieId,rating\n1,1,4\n";
	char dir[4096], p[4096];
	struct ds_opts o = { .path = dir };

	testenv_tmpdir(dir, sizeof dir);
	testenv_write(p, sizeof p, dir, "ratings.csv", ratings, sizeof ratings - 1);
	testenv_write(p, sizeof p, dir, "movies.csv", movies, sizeof movies - 1);
	cr_expect_null(ds_load(&o, err, sizeof err));
	cr_expect(strstr(err, "movies.csv:2: expected a closing quote"), "%s", err);
	testenv_rmdir(dir);
}

/* A companion file that is there must hold records, as text, each movie
 * once: an empty u.item, a NUL byte in a title and a movie id listed twice
 * are refused with FILE:LINE and what was expected (they were accepted:
 * every movie untitled, a title cut at the NUL, the first entry winning). */
Test(dataset, companion_files_empty_nul_or_repeated_are_refused)
{
	static const char ratings[] = "1\t1\t4\t0\n2\t2\t3\t0\n";
	static const struct {
		char item[80];
		size_t len;             /* 0: strlen */
		char expect[2][64];
	} cases[] = {
		{ "", 0, { "u.item: empty: expected one record a line", "" } },
		{ "\n\n", 0, { "u.item: empty", "" } },
		{ "1|Toy Story (1995)|x||u\n2|Mis\0rables (1995)|x||u\n", 49,
		  { "u.item:2: a NUL byte at column 6: expected text", "" } },
		{ "1|Toy Story (1995)|x||u\n2|Heat (1995)|x||u\n1|Other (1995)|x||u\n", 0,
		  { "u.item:3: movie id 1 is listed a second time", "expected each movie once" } },
	};
	char dir[4096], p[4096];
	struct ds_opts o = { .path = dir };

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].item);

		cr_assert_eq(cases[i].len == 0 || cases[i].item[len - 1] == '\n', 1);
		testenv_tmpdir(dir, sizeof dir);
		testenv_write(p, sizeof p, dir, "u.data", ratings, sizeof ratings - 1);
		testenv_write(p, sizeof p, dir, "u.item", cases[i].item, len);
		cr_expect_null(ds_load(&o, err, sizeof err), "case %zu loaded", i);
		for (int k = 0; k < 2; k++)
			cr_expect(strstr(err, cases[i].expect[k]) != NULL, "case %zu: \"%s\" not in \"%s\"",
				  i, cases[i].expect[k], err);
		testenv_rmdir(dir);
	}
	/* an id repeated among movies nobody rated is not read: accepted */
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(p, sizeof p, dir, "u.data", ratings, sizeof ratings - 1);
	static const char unrated[] = "1|A (1995)|x||u\n2|B (1995)|x||u\n9|C|x||u\n9|D|x||u\n";
	testenv_write(p, sizeof p, dir, "u.item", unrated, sizeof unrated - 1);
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	cr_assert_str_eq(ds_item_title(ds, 0), "A (1995)");
	ds_free(ds);
	testenv_rmdir(dir);
}

/* The fast path (csv_rating_line, in one pass over a line) takes exactly
 * the lines the general path's rules accept, with the same numbers: random lines of digits with now and then a stray byte (0xFF
 * and bytes >= 0xFA among them), a '.', a missing or extra field, ids of
 * 1 to 11 digits, timestamps of 0 to 21, checked against csv_u32,
 * csv_decimal and csv_u64 on the fields. */
static uint64_t lcg = 1;

static unsigned rnd(unsigned n)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(lcg >> 33) % n;
}

static char rnd_byte(void)
{
	static const char odd[] = { 'x', ' ', '-', '+', '\r', '\0', (char)0xFA, (char)0xFF,
				    '/', ':', '.', '"' };
	return rnd(60) ? (char)('0' + rnd(10)) : odd[rnd(sizeof odd)];
}

static size_t rnd_field(char *p, unsigned max)
{
	unsigned n = rnd(4) ? 1 + rnd(max) : rnd(max + 2);

	for (unsigned k = 0; k < n; k++)
		p[k] = rnd_byte();
	return n;
}

Test(dataset, fast_path_reads_what_the_general_path_accepts)
{
	const struct csv_dialect comma = { ',', 0, 0 };
	char line[160];
	unsigned long taken = 0;

	for (int t = 0; t < 300000; t++) {
		size_t len = 0, start[6], n[6];
		int nf = 3 + (rnd(10) == 0) - (rnd(20) == 0) + (rnd(2) == 0);

		for (int k = 0; k < nf; k++) {
			if (k)
				line[len++] = ',';
			start[k] = len;
			len += rnd_field(line + len, k < 2 ? 11 : k == 2 ? 4 : 21);
			if (k == 2 && rnd(2)) {   /* a decimal part */
				line[len++] = '.';
				len += rnd_field(line + len, rnd(5) ? 2 : 11);
			}
			n[k] = len - start[k];
		}
		line[len] = '\n';
		memset(line + len + 1, rnd(2) ? '7' : 0, 8);   /* what follows is no line's */
		if (memchr(line, '\n', len))
			continue;   /* a stray byte could not be a '\n': not a line */
		uint32_t u, it;
		double v;
		uint64_t ts;
		int ok = nf >= 3 && nf <= 4 && n[0] <= 10 && n[1] <= 10 &&
			 csv_u32(line + start[0], n[0], &u) == 0 &&
			 csv_u32(line + start[1], n[1], &it) == 0 &&
			 csv_decimal(line + start[2], n[2], &v) == 0 &&
			 (nf == 3 || csv_u64(line + start[3], n[3], &ts) == 0);
		struct csv_rating r;
		const char *next = csv_rating_line(line, &comma, &r);
		cr_assert_eq(next != NULL, ok, "%.*s", (int)len, line);
		if (ok) {
			taken++;
			cr_assert_eq(next, line + len + 1);
			cr_assert(r.user == u && r.item == it && memcmp(&r.rating, &v, sizeof v) == 0,
				  "%.*s: %u,%u,%.17g", (int)len, line, r.user, r.item, r.rating);
		}
	}
	cr_assert_gt(taken, 50000, "too few good lines to mean anything: %lu", taken);
}

Test(dataset, over_long_line)
{
	char dir[4096], p[4096];
	size_t n = 70000;
	char *buf = malloc(n + 16);
	struct ds_opts o = { .path = p };

	testenv_tmpdir(dir, sizeof dir);
	strcpy(buf, "1,2,3\n1,2,");
	memset(buf + 10, '3', n - 11);
	buf[n - 1] = '\n';
	testenv_write(p, sizeof p, dir, "long.csv", buf, n);
	cr_expect_null(ds_load(&o, err, sizeof err));
	cr_expect(strstr(err, "long.csv:2: expected a line of at most 65536 bytes"), "%s", err);
	testenv_rmdir(dir);
	free(buf);
}

Test(dataset, missing_file)
{
	struct ds_opts o = { .path = "/nonexistent/collabtui/ratings.csv" };

	cr_assert_null(ds_load(&o, err, sizeof err));
	cr_assert(strstr(err, "/nonexistent/collabtui/ratings.csv"), "%s", err);
	cr_assert(strstr(err, "No such file"), "%s", err);
	cr_assert_null(ds_load(NULL, err, sizeof err));
}

Test(dataset, unreadable_file)
{
	static const char data[] = "1,2,3\n";
	char dir[4096], p[4096];
	struct ds_opts o = { .path = p };
	int as_root = geteuid() == 0;

	testenv_tmpdir(dir, sizeof dir);
	testenv_write(p, sizeof p, dir, "secret.csv", data, sizeof data - 1);
	cr_assert_eq(chmod(p, 0), 0);
	/* root reads anything: act as "nobody" while loading (the directory
	 * opened up so that the refusal is the file's own). */
	cr_assert_eq(chmod(dir, 0755), 0);
	if (as_root && seteuid(65534) != 0) {
		testenv_rmdir(dir);
		cr_skip_test("running as root and cannot drop privileges");
	}
	cr_expect_null(ds_load(&o, err, sizeof err));
	cr_expect(strstr(err, "secret.csv") && strstr(err, "Permission denied"), "%s", err);
	if (as_root)
		cr_assert_eq(seteuid(0), 0);
	testenv_rmdir(dir);
}

/* --- the real MovieLens copies --------------------------------------------- */

Test(dataset, real_ml100k)
{
	char p[4096];
	struct ds *ds = load_path(testenv_dataset(p, sizeof p, "ml-100k"), ENG_FMT_AUTO, ENG_ITEM_KEY_ID, NULL);
	uint32_t k;

	cr_expect_eq(ds_n_users(ds), 943);
	cr_expect_eq(ds_n_items(ds), 1682);
	cr_expect_eq(ds_n_ratings(ds), 100000);
	cr_assert_not(ds_half_stars(ds));
	cr_assert(ds_has_user_meta(ds));
	cr_assert_eq(ds_user_age(ds, 0), 24);
	cr_assert_str_eq(ds_user_occupation(ds, 0), "technician");
	k = item_titled(ds, "Mis\xc3\xa9rables, Les (1995)");
	cr_assert_eq(ds_item_id(ds, k), 543);
	cr_assert_str_eq(ds_item_genres(ds, k), "Drama|Musical");
	ds_free(ds);
	ds = load_path(p, ENG_FMT_AUTO, ENG_ITEM_KEY_TITLE, NULL);
	cr_expect_eq(ds_n_items(ds), 1664);
	cr_expect_eq(ds_n_ratings(ds), 100000);
	ds_free(ds);
}

Test(dataset, real_ml100k_split_u1)
{
	char p[4096];
	struct ds *ds = load_path(testenv_dataset(p, sizeof p, "ml-100k"), ENG_FMT_AUTO, ENG_ITEM_KEY_ID, "u1");

	cr_expect_eq(ds_n_train(ds), 80000);
	cr_expect_eq(ds_n_ratings(ds), 100000);
	cr_expect_eq(ds_n_users(ds), 943);
	ds_free(ds);
}

Test(dataset, real_ml_latest_small)
{
	char p[4096];
	struct ds *ds = load_path(testenv_dataset(p, sizeof p, "ml-latest-small"), ENG_FMT_AUTO,
	                          ENG_ITEM_KEY_ID, NULL);

	cr_assert_eq(ds_format(ds), ENG_FMT_MLCSV);
	/* GroupLens publishes 100,836 ratings by 610 users of 9,724 rated
	 * movies; the copy in shared/datasets is pinned by its SHA256SUMS.  The
	 * file's last line is "610,170875,3.0,...", and the largest rated movie
	 * id, 193609, sorts last among the items. */
	cr_expect_eq(ds_n_ratings(ds), 100836, "expected 100836 ratings, got %zu from %s/ratings.csv",
	             ds_n_ratings(ds), p);
	cr_expect_eq(ds_n_users(ds), 610);
	cr_expect_eq(ds_n_items(ds), 9724);
	uint32_t last = ds_n_items(ds) - 1;     /* the largest movie id sorts last */
	cr_expect_eq(ds_item_id(ds, last), 193609);
	cr_expect_str_eq(ds_item_title(ds, last), "Andrew Dice Clay: Dice Rules (1991)");
	cr_expect_eq(value_at(ds, ds_n_ratings(ds) - 1), 3.0f);
	cr_assert(ds_half_stars(ds));
	cr_assert_eq(ds_rating_min(ds), 0.5f);
	cr_assert_eq(ds_rating_max(ds), 5.0f);
	item_titled(ds, "American President, The (1995)");
	ds_free(ds);
}

/* A file big enough for the two-thread parse (each 1 MiB window's second
 * half on a worker), with lines only the general path reads (quoted
 * fields) in first halves, second halves and at window edges: every
 * rating comes back in the file's order; a bad line far in is named by
 * its own line number. */
#define BIG_LINES 1000000
static uint32_t big_user(size_t j) { return (uint32_t)(j % 5000); }
static uint32_t big_item(size_t j) { return (uint32_t)(j * 7 % 3000); }
static float big_value(size_t j) { return (float)(1 + j % 5); }

static void write_big(const char *path, size_t bad_at)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	for (size_t j = 0; j < BIG_LINES; j++) {
		if (j == bad_at)
			fprintf(f, "%u,%u,x\n", big_user(j), big_item(j));
		else if (j % 40009 == 3 || j % 87381 == 0 || j % 87381 == 43690)
			fprintf(f, "\"%u\",%u,%g\n", big_user(j), big_item(j), big_value(j));
		else
			fprintf(f, "%u,%u,%g\n", big_user(j), big_item(j), big_value(j));
	}
	cr_assert_eq(fclose(f), 0);
}

/* ds_user_ratings() and ds_item_ratings() are the columns' own counts. */
static void check_counts(const struct ds *ds)
{
	uint32_t nu = ds_n_users(ds), ni = ds_n_items(ds);
	uint32_t *cu = calloc(nu ? nu : 1, sizeof *cu), *ci = calloc(ni ? ni : 1, sizeof *ci);
	const uint32_t *u = ds_user_ratings(ds), *i = ds_item_ratings(ds);

	cr_assert(cu && ci && u && i);
	for (size_t j = 0; j < ds_n_ratings(ds); j++) {
		cu[user_at(ds, j)]++;
		ci[item_at(ds, j)]++;
	}
	for (uint32_t k = 0; k < nu; k++)
		cr_assert_eq(u[k], cu[k], "user %u: %u ratings, not %u", k, u[k], cu[k]);
	for (uint32_t k = 0; k < ni; k++)
		cr_assert_eq(i[k], ci[k], "item %u: %u ratings, not %u", k, i[k], ci[k]);
	free(cu);
	free(ci);
}

/* The counts per user and per item, made with the dense ids: also after
 * equal titles merge, on the demo set and on one or two threads. */
Test(dataset, ratings_per_user_and_item)
{
	struct ds *ds = load_fixture("ml-100k", ENG_ITEM_KEY_ID, NULL);
	check_counts(ds);
	ds_free(ds);
	ds = load_fixture("ml-100k", ENG_ITEM_KEY_TITLE, NULL);
	check_counts(ds);
	ds_free(ds);
	ds = load_fixture("ml-100k", ENG_ITEM_KEY_ID, "u1");
	check_counts(ds);
	ds_free(ds);
	struct ds_opts o = { .format = ENG_FMT_DEMO };
	ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	check_counts(ds);
	ds_free(ds);
	ids_are_items = 1;
	ids_wanted = UINT16_MAX + 2u;
	ds = load_generated(ids_wanted * 2, line_ids);
	check_counts(ds);
	ds_free(ds);
}

/* Load path with ds_opts.threads set; fails the test on error. */
static struct ds *load_threads(const char *path, int threads)
{
	struct ds_opts o = { .path = path, .threads = threads };
	struct ds *ds = ds_load(&o, err, sizeof err);

	cr_assert_not_null(ds, "ds_load(%s, threads %d): %s", path, threads, err);
	return ds;
}

/* The same columns, to the byte, whatever the parse's threads. */
static void assert_same_columns(const struct ds *a, const struct ds *b)
{
	const struct rcols x = ds_cols(a), y = ds_cols(b);
	size_t n = x.n;

	cr_assert_eq(x.n, y.n);
	cr_assert_eq(ds_n_users(a), ds_n_users(b));
	cr_assert_eq(ds_n_items(a), ds_n_items(b));
	cr_assert_eq(ds_n_values(a), ds_n_values(b));
	cr_assert(!x.user32 == !y.user32 && !x.user16 == !y.user16 && !x.user24 == !y.user24);
	cr_assert(!x.item32 == !y.item32 && !x.item16 == !y.item16 && !x.item24 == !y.item24);
	cr_assert(!x.code == !y.code);
	size_t uw = x.user32 ? 4 : x.user16 ? 2 : 3, iw = x.item32 ? 4 : x.item16 ? 2 : 3;
	const void *xu = x.user32 ? (const void *)x.user32 : x.user16 ? (const void *)x.user16 :
		(const void *)x.user24;
	const void *yu = y.user32 ? (const void *)y.user32 : y.user16 ? (const void *)y.user16 :
		(const void *)y.user24;
	const void *xi = x.item32 ? (const void *)x.item32 : x.item16 ? (const void *)x.item16 :
		(const void *)x.item24;
	const void *yi = y.item32 ? (const void *)y.item32 : y.item16 ? (const void *)y.item16 :
		(const void *)y.item24;
	cr_assert_eq(memcmp(xu, yu, n * uw), 0, "users differ");
	cr_assert_eq(memcmp(xi, yi, n * iw), 0, "items differ");
	if (x.code) {
		cr_assert_eq(memcmp(x.code, y.code, n), 0, "codes differ");
		cr_assert_eq(memcmp(x.value, y.value, (size_t)ds_n_values(a) * sizeof *x.value), 0);
	} else {
		cr_assert_eq(memcmp(x.real, y.real, n * sizeof *x.real), 0, "values differ");
	}
	for (uint32_t k = 0; k < ds_n_users(a); k++)
		cr_assert_eq(ds_user_id(a, k), ds_user_id(b, k));
	for (uint32_t k = 0; k < ds_n_items(a); k++)
		cr_assert_eq(ds_item_id(a, k), ds_item_id(b, k));
	cr_assert_eq(ds_rating_min(a), ds_rating_min(b));
	cr_assert_eq(ds_rating_max(a), ds_rating_max(b));
	cr_assert_eq(ds_half_stars(a), ds_half_stars(b));
}

Test(dataset, big_file_parsed_on_two_threads_in_order, .timeout = 120)
{
	char dir[512], path[600];
	struct stat st;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/big.csv", dir);
	write_big(path, (size_t)-1);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_gt(st.st_size, 8 << 20, "too small for two threads: %lld",
		     (long long)st.st_size);
	struct ds *ds = load_path(path, ENG_FMT_AUTO, ENG_ITEM_KEY_ID, NULL);
	cr_assert_eq(ds_n_ratings(ds), BIG_LINES);
	cr_assert_eq(ds_n_users(ds), 5000);
	cr_assert_eq(ds_n_items(ds), 3000);
	for (size_t j = 0; j < BIG_LINES; j++) {
		/* ids 0..n-1 all present: the dense index is the id */
		if (user_at(ds, j) != big_user(j) || item_at(ds, j) != big_item(j) ||
		    value_at(ds, j) != big_value(j))
			cr_assert_fail("rating %zu: %u,%u,%g", j, user_at(ds, j), item_at(ds, j),
				       (double)value_at(ds, j));
	}
	ds_free(ds);

	write_big(path, 700000);
	struct ds_opts o = { .path = path, .format = ENG_FMT_AUTO };
	cr_assert_null(ds_load(&o, err, sizeof err));
	cr_assert(strstr(err, "big.csv:700001:"), "%s", err);
	testenv_rmdir(dir);
}

/* ds_opts.threads 1 parses on one thread, anything else on two: the same
 * columns to the byte, also with an id past 24 bits (the columns widen
 * between two windows), a 257th value (the codes become floats) far
 * into the file, and user ids that rise through the file (the largest
 * then only in its last lines, which the worker parses). */
static size_t big_wide_at, big_many_at;
static int big_rising;

static void write_big_odd(const char *path)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	for (size_t j = 0; j < BIG_LINES; j++) {
		uint32_t u = big_rising ? (uint32_t)(j / 4) : big_user(j);
		if (j == big_wide_at)
			u = UINT32_MAX - 1;
		if (j >= big_many_at)   /* 1 + k / 256 for k past 256 distinct */
			fprintf(f, "%u,%u,%.8f\n", u, big_item(j), 1 + (double)(j % 300) / 256);
		else
			fprintf(f, "%u,%u,%g\n", u, big_item(j), big_value(j));
	}
	cr_assert_eq(fclose(f), 0);
}

Test(dataset, big_file_same_columns_on_one_and_two_threads, .timeout = 120)
{
	static const size_t at[][3] = {
		{ (size_t)-1, (size_t)-1, 0 }, { 600000, (size_t)-1, 0 }, { 300001, 800000, 0 },
		{ (size_t)-1, (size_t)-1, 1 },
	};
	char dir[512], path[600];

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/big.csv", dir);
	for (size_t c = 0; c < sizeof at / sizeof at[0]; c++) {
		big_wide_at = at[c][0];
		big_many_at = at[c][1];
		big_rising = (int)at[c][2];
		write_big_odd(path);
		struct ds *one = load_threads(path, 1), *two = load_threads(path, 2);
		struct ds *dflt = load_threads(path, 0);
		cr_assert_eq(ds_n_ratings(one), BIG_LINES);
		cr_assert_eq(ds_n_values(one) == 0, big_many_at != (size_t)-1);
		if (big_wide_at != (size_t)-1)
			cr_assert_eq(ds_user_id(one, user_at(one, big_wide_at)), UINT32_MAX - 1);
		assert_same_columns(one, two);
		assert_same_columns(one, dflt);
		check_counts(two);
		cr_assert_eq(memcmp(ds_user_ratings(one), ds_user_ratings(two),
				    ds_n_users(one) * sizeof(uint32_t)), 0);
		cr_assert_eq(memcmp(ds_item_ratings(one), ds_item_ratings(two),
				    ds_n_items(one) * sizeof(uint32_t)), 0);
		ds_free(one);
		ds_free(two);
		ds_free(dflt);
	}
	testenv_rmdir(dir);
}

/* A bad line is named by its own line number on one thread and on two,
 * wherever it falls: ten places 9000 lines apart cover more than a 1 MiB
 * window (about 87,000 of these lines), so some fall in a window's first
 * half, which the loading thread parses, and some in its second, which
 * the worker does. */
Test(dataset, big_file_error_named_by_its_line_on_either_half, .timeout = 120)
{
	char dir[512], path[600], want[64], one[512];

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/big.csv", dir);
	for (size_t k = 0; k < 10; k++) {
		size_t bad = 200000 + 9000 * k;
		write_big(path, bad);
		snprintf(want, sizeof want, "big.csv:%zu: expected a rating", bad + 1);
		for (int threads = 1; threads <= 2; threads++) {
			struct ds_opts o = { .path = path, .threads = threads };
			cr_assert_null(ds_load(&o, err, sizeof err));
			cr_assert(strstr(err, want), "threads %d: %s", threads, err);
			if (threads == 1)
				snprintf(one, sizeof one, "%s", err);
			else
				cr_assert_str_eq(err, one);
		}
	}
	testenv_rmdir(dir);
}
