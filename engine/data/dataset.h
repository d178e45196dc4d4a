/* dataset.h -- a ratings dataset loaded into compact, dense arrays.
 *
 * The loader reads MovieLens 100K (u.data, u.item, u.user, u.genre),
 * MovieLens 1M/10M (ratings.dat, movies.dat, "::"-separated), MovieLens
 * 20M/25M/latest (ratings.csv, movies.csv) and a generic
 * user,item,rating[,timestamp] CSV or TSV file, or makes the built-in
 * demo set (synthdemo.h) in memory.  Users and items are
 * remapped to dense indices 0..n-1, assigned in increasing order of the
 * original id (or of the title, bytewise, with ENG_ITEM_KEY_TITLE), which is the
 * order fastai's sorted categories give.  Ratings are stored as three
 * parallel columns (struct of arrays, no per-rating allocation), each as
 * narrow as its values allow (rcols.h): users and items in 16 bits when
 * there are at most 65536 of them, 24 up to 2^24, else 32, and the value
 * as a one-byte code into a table of the distinct values when there are
 * at most 256 of them, else a float -- 5 bytes a rating for ML-100K, 6 for
 * MovieLens-25M (where it was 12), 12 at worst.  Titles are
 * UTF-8 (u.item's Latin-1 is converted at load).
 *
 * Duplicate (user, item) pairs are kept as separate observations, exactly
 * as fastai's DataLoaders keep duplicate rows; this matters with
 * ENG_ITEM_KEY_TITLE, where two ids with one title merge into one item.
 *
 * A loaded dataset is immutable; every accessor is safe to call from any
 * thread that holds the pointer.
 */
#ifndef COLLABTUI_DATASET_H
#define COLLABTUI_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "rcols.h"

/* Progress of a long load: done of total bytes of the ratings file being
 * read (total 0 when unknown).  Called about once per MiB, on the
 * loading thread, and after that between the steps that follow the
 * parsing, with done == total (the bytes read).  Returning non-zero
 * cancels the load: ds_load() then fails with "NAME: loading cancelled". */
typedef int (*ds_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct ds_opts {
	const char *path;          /* a directory, or a ratings file for CSV/TSV */
	enum eng_format format;
	enum eng_item_key item_key;
	/* Canonical ML-100K split ("u1".."u5", "ua", "ub") or NULL.  When set,
	 * NAME.base is read as the training ratings and NAME.test as the
	 * validation ratings instead of u.data; see ds_n_train(). */
	const char *split;
	/* Threads that parse a ratings file of 8 MiB or more: 1 for one, 0
	 * or more than 1 for two (the most it uses).  The ratings, and the
	 * line an error names, are the same either way. */
	int threads;
	/* Bytes from which a ratings file is parsed on two threads; 0 for
	 * 8 MiB.  When set, the worker also parses every window's second half
	 * (the loading thread would otherwise take it when the worker is
	 * late): the fuzzers set 1, so that their small inputs take that
	 * path and must load as they do on one thread. */
	size_t two_threads_from;
	ds_progress_fn progress;   /* NULL: no progress reports */
	void *progress_ctx;        /* passed back to progress */
};

struct ds;

/* Load a dataset.  On failure returns NULL and writes a one-line message
 * into err (file, line number and what was expected, when the problem is
 * in a file).  Never prints, never exits.
 *
 * opts->path is a directory (the format is then detected from u.data,
 * ratings.dat or ratings.csv in it) or a ratings file (u.data,
 * ratings.dat and ratings.csv by name; any other file is generic CSV, or
 * TSV when its first line has a tab).  Companion files (u.item, u.genre,
 * u.user, movies.dat, movies.csv) are read from the same directory when
 * present; a malformed one fails the load like a malformed ratings file.
 * Accepted ratings: 1..5 for ML-100K, 0.5..5 for ratings.dat/.csv, 0..10
 * for generic files; ids 0..UINT32_MAX; lines up to 64 KiB; CRLF line
 * ends and a UTF-8 byte order mark.  Generic files and ratings.csv may
 * start with a header line, recognised by a non-numeric rating column.
 * Quoted CSV fields may not span lines.
 *
 * With opts->format ENG_FMT_DEMO no file is read and the path may be
 * NULL: the ratings, titles and genres are the built-in demo set's
 * (synthdemo.h), named ENG_DEMO_NAME, and a split is refused. */
struct ds *ds_load(const struct ds_opts *opts, char *err, size_t errlen);

/* Release a dataset; NULL is accepted. */
void ds_free(struct ds *ds);

const char *ds_format_name(enum eng_format f);

/* A short name for the dataset (the directory's or file's base name). */
const char *ds_name(const struct ds *ds);
enum eng_format ds_format(const struct ds *ds);

uint32_t ds_n_users(const struct ds *ds);
uint32_t ds_n_items(const struct ds *ds);
size_t   ds_n_ratings(const struct ds *ds);

/* The ratings as columns of ds_n_ratings() entries (rcols.h): user
 * index, item index, rating value, read with rc_user(), rc_item() and
 * rc_value().  They live as long as the dataset. */
struct rcols ds_cols(const struct ds *ds);

/* How many distinct values the one-byte value column names; 0 when there
 * are more than RCOLS_VALUES_MAX and the values are kept as floats. */
int ds_n_values(const struct ds *ds);

/* With a canonical split, ratings [0, n_train) came from NAME.base and
 * [n_train, n) from NAME.test.  Without one, returns 0. */
size_t ds_n_train(const struct ds *ds);

/* Smallest and largest rating seen, and whether any is a half star. */
float ds_rating_min(const struct ds *ds);
float ds_rating_max(const struct ds *ds);
int   ds_half_stars(const struct ds *ds);

/* How many ratings each user (n_users entries) and each item (n_items)
 * has, counted as the ids were made dense.  They live as long as the
 * dataset. */
const uint32_t *ds_user_ratings(const struct ds *ds);
const uint32_t *ds_item_ratings(const struct ds *ds);

/* Original ids of a dense user/item index (for ENG_ITEM_KEY_TITLE items, the
 * smallest movie id that carries the title). */
uint64_t ds_user_id(const struct ds *ds, uint32_t user);
uint64_t ds_item_id(const struct ds *ds, uint32_t item);

/* UTF-8 title of an item ("item <id>" when the dataset has no titles for
 * it) and its genres joined with '|' ("" when unknown).  The strings live
 * as long as the dataset. */
const char *ds_item_title(const struct ds *ds, uint32_t item);
const char *ds_item_genres(const struct ds *ds, uint32_t item);

/* User metadata from ML-100K's u.user; 0 / "" when the dataset has none. */
int ds_has_user_meta(const struct ds *ds);
int ds_user_age(const struct ds *ds, uint32_t user);
const char *ds_user_gender(const struct ds *ds, uint32_t user);
const char *ds_user_occupation(const struct ds *ds, uint32_t user);

#endif
