/* synthdemo.h -- the built-in demo set: synth.c's MovieLens generator run
 * in memory with genres planted in its factors, and the truth it planted.
 *
 * The demo is what collabtui shows when it has no MovieLens to show: a
 * fixed, deterministic set shaped like MovieLens 100K (1,000 users, 1,700
 * movies, 100,000 whole-star ratings 1..5) made in a few milliseconds,
 * with no file.  It is loaded as the format ENG_FMT_DEMO (dataset.c), and
 * named SYNTH_DEMO_NAME everywhere it appears, so nobody mistakes it for
 * MovieLens.
 *
 * The generative model is synth.h's (power-law activity and popularity,
 * rating = base + user bias + item bias + p_u . q_i + noise), with the
 * factors given meaning instead of drawn at random:
 *   - every movie has a primary genre (drawn by SYNTH_DEMO_GENRES'
 *     frequencies) and, for some, a second one; its planted factor vector
 *     is 1 on the primary genre and 0.5 on the second;
 *   - every user has a taste for each genre: two shared taste axes
 *     (synth_demo_loading: action and thrills against romance and
 *     musicals; horror and crime against children's films) scaled by the
 *     user's position on them, plus a genre-by-genre part, plus a boost
 *     for one favourite genre;
 *   - every movie has a planted quality, its bias in stars, independent
 *     of its popularity, so "most loved" and "most hated" have a true
 *     answer.
 * Titles are made from word lists ("The Quiet Harbour (1987)"), each
 * (pattern, adjective, noun) used once, so titles are unique.
 *
 * The truth (quality, genres, favourites) is for tests; the engine uses
 * only the ratings, titles and genres.
 */
#ifndef COLLABTUI_SYNTHDEMO_H
#define COLLABTUI_SYNTHDEMO_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define SYNTH_DEMO_NAME ENG_DEMO_NAME
#define SYNTH_DEMO_GENRES 18
#define SYNTH_DEMO_AXES 2

/* The demo set and its planted truth.  Arrays indexed by id - 1 (user ids
 * 1..n_users, movie ids 1..n_items). */
struct synth_demo {
	uint32_t n_users, n_items;
	size_t n_ratings;
	uint32_t *user;         /* (n_ratings) user id, grouped by user in id order */
	uint32_t *item;         /* (n_ratings) movie id; a user's are distinct */
	float *rating;          /* (n_ratings) whole stars, 1..5 */
	float *quality;         /* (n_items) the planted movie bias, in stars */
	uint8_t *genre;         /* (n_items) primary genre, 0..SYNTH_DEMO_GENRES-1 */
	uint8_t *genre2;        /* (n_items) second genre; equal to genre when none */
	uint16_t *year;         /* (n_items) release year, in the title */
	uint16_t *name;         /* (n_items) the title's word combination */
	uint8_t *favourite;     /* (n_users) the genre the user likes best */
};

/* Generate the demo set into d (same bytes every time).  0, or -1 with
 * "out of memory" in err (d is then empty).  Never prints. */
int synth_demo_make(struct synth_demo *d, char *err, size_t errlen);

/* Release what synth_demo_make allocated; arrays taken over (set to NULL)
 * are skipped.  Accepts an empty d. */
void synth_demo_free(struct synth_demo *d);

/* Write movie j's (0-based) title, "The Quiet Harbour (1987)", into buf;
 * returns its length (snprintf's). */
int synth_demo_title(const struct synth_demo *d, uint32_t j, char *buf, size_t n);

/* Write movie j's genres joined with '|' ("Drama|Romance") into buf;
 * returns the length. */
int synth_demo_genres(const struct synth_demo *d, uint32_t j, char *buf, size_t n);

/* The name of genre g ("Action"), as in movies.csv. */
const char *synth_demo_genre_name(int g);

/* Genre g's loading on planted taste axis 0 or 1 (-1..1): users who like
 * one end of an axis dislike the other, so these axes are what a model's
 * first principal components should find. */
double synth_demo_loading(int axis, int g);

#endif
