/* summary.h -- descriptive statistics of a loaded dataset.
 *
 * A plain value struct with no pointers into the dataset (titles are
 * copied), so it can travel through the engine's message queue as is.
 */
#ifndef COLLABTUI_SUMMARY_H
#define COLLABTUI_SUMMARY_H

#include <stdint.h>

#include "dataset.h"

#define ENG_RATING_BINS 10      /* rating histogram bins */
#define ENG_SUMMARY_TOP 10      /* most-rated items listed */
#define ENG_SUMMARY_TITLE_MAX 128 /* bytes kept of a title, cut on a UTF-8 boundary */

struct eng_summary {
	char name[64];
	char format[16];
	uint32_t n_users, n_items;
	uint64_t n_ratings;
	double density;                 /* n_ratings / (n_users * n_items) */
	double mean;                    /* mean rating */
	float rating_min, rating_max;
	/* One bin per distinct rating value when there are at most
	 * ENG_RATING_BINS of them (1..5, or 0.5..5 by halves), else equal-width
	 * bins over [rating_min, rating_max]; bin_lo is each bin's lower edge. */
	int n_bins;
	float bin_lo[ENG_RATING_BINS];
	uint64_t bin_count[ENG_RATING_BINS];
	/* Ratings per user and per item. */
	uint32_t user_min, user_median, user_max;
	uint32_t item_min, item_median, item_max;
	/* The most-rated items, most first. */
	int n_top;
	uint32_t top_item[ENG_SUMMARY_TOP];
	uint32_t top_count[ENG_SUMMARY_TOP];
	char top_title[ENG_SUMMARY_TOP][ENG_SUMMARY_TITLE_MAX];
};

/* Fill out from ds.  0 on success, -1 when memory runs out. */
int summary_compute(const struct ds *ds, struct eng_summary *out);

#endif
