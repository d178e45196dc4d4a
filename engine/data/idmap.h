/* idmap.h -- map sparse 32-bit ids to dense indices 0..n-1 in id order.
 *
 * Built once from the ids as they appear in the ratings; the dense index
 * of an id is its rank among the distinct ids, which is the order fastai's
 * sorted categories give.  Two representations, chosen at build time:
 * a direct table indexed by id when the largest id is modest compared
 * with the data (MovieLens: ids up to a few hundred thousand), else an
 * open-addressing hash (linear probing, load <= 1/2), so that one huge id
 * in a small file costs no gigabyte table.
 */
#ifndef COLLABTUI_IDMAP_H
#define COLLABTUI_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#define IDMAP_NONE UINT32_MAX   /* idmap_get: id not present */

struct idmap {
	uint32_t n;         /* distinct ids */
	uint32_t *ids;      /* (n) dense index -> id, increasing */
	/* direct: slot[id] for id <= max_id; hash: key[]/slot[] of size mask+1,
	 * with slot IDMAP_NONE marking an empty bucket. */
	uint32_t *slot;
	uint32_t *key;      /* NULL for the direct table */
	uint64_t mask;
	unsigned shift;     /* 64 - log2(table size) */
	uint32_t max_id;
};

/* Build the map from the n ids of col, width bytes each as rcols.h
 * stores an id column (2, 3 or 4).  0 on success, -1 when memory runs
 * out (m is then empty and may be passed to idmap_free). */
int idmap_build(struct idmap *m, const void *col, int width, size_t n);

/* Dense index of id, or IDMAP_NONE. */
uint32_t idmap_get(const struct idmap *m, uint32_t id);

/* Replace every a[k] (each an id the map was built from) by its index. */
void idmap_remap(const struct idmap *m, uint32_t *a, size_t n);

/* Take ownership of the (n) dense-to-id array; idmap_free then leaves it. */
uint32_t *idmap_take_ids(struct idmap *m);

void idmap_free(struct idmap *m);

#endif
