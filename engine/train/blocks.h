/* blocks.h -- the fast trainer's ratings laid out on LIBMF's grid.
 *
 * Users and items are each cut into nb stripes of consecutive indices
 * holding about equally many training ratings, giving nb x nb blocks; nb
 * is chosen so an item stripe's k factors fit in about half an L2 cache
 * (a multiple of 8, doubled until no stripe has more than 65536 rows).
 * The training ratings are copied into the grid block by block, each
 * rating as its row offsets inside its block's stripes and a code for its
 * value (6 bytes; a dataset's one-byte codes, rcols.h, as they are).  Each
 * block is shuffled from a generator seeded by the seed and the block's
 * index, then grouped by user with its two halves interleaved
 * (fasttrain.h says why).  The layout runs on a pool's
 * threads and is the same for any thread count.  The validation ratings
 * are not copied: the trainer reads them where they are.
 */
#ifndef COLLABTUI_BLOCKS_H
#define COLLABTUI_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "pool.h"
#include "rcols.h"
#include "split.h"

/* One rating inside its block: row offsets within the block's user and
 * item stripes, and the rating as an index into the table of distinct
 * values (MovieLens has ten). */
struct rec {
	uint16_t u, i, r;
};

struct blocks {
	uint32_t nb;            /* stripes per side */
	uint32_t *ucut, *icut;  /* (nb + 1) stripe s = rows [cut[s], cut[s+1]) */
	size_t *start;          /* (nb * nb + 1) block (a, b) = recs[start[a*nb+b] ..) */
	struct rec *recs;       /* (n_train) grouped by block */
	float *value;           /* (n_values) the distinct ratings, by code */
	uint32_t n_values;
	struct blocks_key {     /* what the layout was made from (blocks_fits);
				 * all 0 until the layout is whole */
		size_t n_ratings, n_train;
		uint32_t n_users, n_items;
		int k;
		uint64_t seed, split; /* the shuffle's seed; a hash of the split */
	} key;
};

/* The ratings blocks_build() reads: c, of n_users and n_items rows, the
 * sides split by sp (an index or bitmap split). */
struct blocks_src {
	const struct rcols *c;
	const struct split *sp;
	uint32_t n_users, n_items;
};

/* Lay src out on the grid for k factors, shuffling with seed, on pool's
 * threads.  NULL on success, else why not (memory, more than 65536
 * distinct values, a grid that cannot hold the rows); g is then partly
 * filled, and blocks_free() releases it either way. */
const char *blocks_build(struct blocks *g, const struct blocks_src *src, int k,
			 uint64_t seed, struct pool *pool);

/* Whether g, made by blocks_build(), is the layout blocks_build() would
 * make of src for k and seed, so a later run can train on it as it is.
 * It compares the shapes, the seed and a hash of the split's sides (a
 * pass over the split, ~1 ms at 25M), not the ratings themselves: the
 * holder of a kept layout drops it when the ratings change. */
int blocks_fits(const struct blocks *g, const struct blocks_src *src, int k, uint64_t seed);

/* The set of n indices as a bitmap over 0..*n_all-1, *n_all the largest
 * index + 1 (an index split's side as a bitmap split holds it).  NULL when
 * memory runs out. */
uint64_t *blocks_bitmap(const uint32_t *idx, size_t n, size_t *n_all);

/* Release what blocks_build() allocated; a zeroed g is accepted. */
void blocks_free(struct blocks *g);

#endif
