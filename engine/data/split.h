/* split.h -- training / validation index sets over a dataset's ratings.
 *
 * split_random is fastai's RandomSplitter: a seeded permutation of all
 * rating indices whose first round(valid_pct * n) entries are the
 * validation set.  split_prefix serves the canonical ML-100K files, where
 * the loader put NAME.base before NAME.test.
 *
 * A split can instead be a bitmap over the ratings (valid_bits, one bit a
 * rating, set for validation; train and valid NULL): 1/32 of the index
 * arrays' memory, for the fast trainer at scale, which walks the ratings
 * in storage order anyway.  split_random_bits() makes the same validation
 * set as split_random() for the same arguments; split_expand() turns a
 * bitmap split back into index arrays for a consumer that needs them.
 */
#ifndef COLLABTUI_SPLIT_H
#define COLLABTUI_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "rcols.h"

struct split {
	uint32_t *train;        /* (n_train) rating indices */
	size_t n_train;
	uint32_t *valid;        /* (n_valid) rating indices */
	size_t n_valid;
	/* ((n_all + 63) / 64) bit j set: rating j validates, else it trains;
	 * NULL for an index split.  With it train and valid are NULL and
	 * n_train + n_valid == n_all. */
	uint64_t *valid_bits;
	size_t n_all;
};

/* Whether rating j (< n_all) validates under a bitmap split. */
static inline int split_bit(const struct split *s, size_t j)
{
	return (int)(s->valid_bits[j / 64] >> (j % 64) & 1);
}

/* 0 on success; -1 when valid_pct is outside [0, 1) or memory runs out
 * (out is then left empty). */
int split_random(size_t n, double valid_pct, uint64_t seed, struct split *out);

/* Fold `fold` of a seeded K-fold cross-validation (2 <= k <= n,
 * 0 <= fold < k): one permutation of the n ratings per seed, cut into k
 * consecutive parts of n/k or n/k + 1; part `fold` validates, the rest
 * train.  Over fold = 0..k-1 the validation sets partition 0..n-1.
 * 0, or -1 for bad arguments or no memory (out is then left empty). */
int split_kfold(size_t n, int k, int fold, uint64_t seed, struct split *out);

/* Microsoft Recommenders' python_stratified_split, by user: each user's
 * ratings (of c's, rc_user() < n_users) in a seeded random order, the first
 * round((1 - valid_pct) * count) of them train (rounding half to even, as
 * Python's round()), the rest validate; so every user with two or more
 * ratings is on both sides.  0, or -1 for a bad share, a user index out of
 * range or no memory (out is then left empty). */
int split_per_user(const struct rcols *c, uint32_t n_users, double valid_pct,
		   uint64_t seed, struct split *out);

/* Ratings [0, n_train) train, [n_train, n) validate.  0 or -1 as above. */
int split_prefix(size_t n, size_t n_train, struct split *out);

/* split_random()'s validation set as a bitmap split over n ratings (see
 * above): no index arrays, and the permutation it draws is freed before
 * it returns.  0, or -1 as split_random(). */
int split_random_bits(size_t n, double valid_pct, uint64_t seed, struct split *out);

/* Turn an index split whose indices cover 0..n_train+n_valid-1 once each
 * into a bitmap split (the arrays freed).  0, or -1 when memory runs out
 * or the indices are not such a cover (s is then unchanged). */
int split_to_bits(struct split *s);

/* A bitmap split of the same sides as s (a bitmap split, or an index
 * split covering 0..n_train+n_valid-1 once each): a copy of the bitmap,
 * or one made from s's validation indices.  0, or -1 when memory runs
 * out (out is then empty). */
int split_copy_bits(const struct split *s, struct split *out);

/* Append m training ratings n_all..n_all+m-1 to a bitmap split (your own
 * ratings, joined to the dataset's).  0, or -1 when memory runs out. */
int split_bits_grow(struct split *s, size_t m);

/* Give a bitmap split its index arrays, in increasing index order, and
 * drop the bitmap; an index split is left as it is.  0, or -1 when memory
 * runs out (s is then unchanged). */
int split_expand(struct split *s);

/* Release the index arrays or the bitmap; an empty or already freed split is fine. */
void split_free(struct split *s);

#endif
