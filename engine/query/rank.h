/* rank.h -- top-K selection, and items ranked by their learned bias.
 *
 * rank_topk keeps the K best of a stream of (index, score) pairs in a
 * bounded min-heap: O(n log K) time and no allocation, which beats sorting
 * all n when K is small (the usual case: ten movies out of thousands).
 * "Best" is the highest score; ties go to the lower index, so results are
 * the same on every run.  NaN scores are never kept.  The other insight
 * modules (sim, foldin) reuse it.
 */
#ifndef COLLABTUI_RANK_H
#define COLLABTUI_RANK_H

#include <stddef.h>
#include <stdint.h>

struct rank_pick {
	uint32_t idx;
	float score;
};

/* A bounded heap over caller-supplied storage (cap entries). */
struct rank_topk {
	struct rank_pick *v;
	size_t n, cap;
};

/* Start an empty selection of at most cap entries, stored in buf (which
 * must hold cap entries and outlive t). */
void rank_topk_init(struct rank_topk *t, struct rank_pick *buf, size_t cap);

/* Offer one candidate; it is kept if it beats the worst kept so far (or
 * there is room).  NaN scores are ignored. */
void rank_topk_push(struct rank_topk *t, uint32_t idx, float score);

/* Sort the kept entries best first (in t->v) and return how many there
 * are.  The heap is spent: push nothing more without rank_topk_init. */
size_t rank_topk_finish(struct rank_topk *t);

/* The k items with the highest (dir > 0) or lowest (dir < 0) bias among
 * those with at least min_ratings ratings, best first into out (k
 * entries; score = the bias).  bias and n_ratings have n_items entries.
 * Returns the number written (fewer than k when fewer items qualify). */
size_t rank_bias(const float *bias, const uint32_t *n_ratings, uint32_t n_items,
		 uint32_t min_ratings, int dir, size_t k, struct rank_pick *out);

#endif
