/* idmap.c -- dense id assignment: direct table or open-addressing hash. */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

#include "rcols.h"

/* Ids are read a block at a time into a buffer of this many. */
#define BLOCK 1024

/* Ids [lo, lo + n) of a column of width bytes each, as 32-bit ids. */
static void get_ids(const void *col, int width, size_t lo, size_t n, uint32_t *out)
{
	rc_ids(width == 4 ? col : NULL, width == 2 ? col : NULL, width == 3 ? col : NULL,
	       lo, n, out);
}

/* Fibonacci hashing: spreads consecutive ids, which MovieLens is full of,
 * across the table; the top bits of the product are the best mixed. */
static uint64_t bucket(const struct idmap *m, uint32_t id)
{
	return (uint64_t)id * 0x9E3779B97F4A7C15ull >> m->shift;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int build_direct(struct idmap *m, const void *col, int width, size_t n)
{
	size_t size = (size_t)m->max_id + 1;
	uint32_t k = 0, ids[BLOCK];

	m->slot = malloc(size * sizeof *m->slot);
	if (!m->slot)
		return -1;
	/* Mark the ids present, then number them in one increasing scan,
	 * which yields the sorted order without a sort. */
	memset(m->slot, 0xFF, size * sizeof *m->slot);
	for (size_t a = 0; a < n; a += BLOCK) {
		size_t b = n - a < BLOCK ? n - a : BLOCK;

		get_ids(col, width, a, b, ids);
		for (size_t i = 0; i < b; i++)
			m->slot[ids[i]] = 0;
	}
	for (size_t id = 0; id < size; id++)
		if (m->slot[id] == 0)
			k++;
	m->ids = malloc((k ? k : 1) * sizeof *m->ids);
	if (!m->ids)
		return -1;
	k = 0;
	for (size_t id = 0; id < size; id++)
		if (m->slot[id] == 0) {
			m->ids[k] = (uint32_t)id;
			m->slot[id] = k++;
		}
	m->n = k;
	return 0;
}

/* Bucket of id: where it is, or the empty bucket where it would go. */
static uint64_t probe(const struct idmap *m, uint32_t id)
{
	uint64_t b = bucket(m, id);

	while (m->slot[b] != IDMAP_NONE && m->key[b] != id)
		b = (b + 1) & m->mask;
	return b;
}

static int build_hash(struct idmap *m, const void *col, int width, size_t n)
{
	uint64_t size = 1u << 4;
	unsigned bits = 4;
	uint32_t k = 0, ids[BLOCK];

	/* Sized for all ids distinct: the hash is only chosen for sparse
	 * data, where that is close to the truth, and it never rehashes. */
	while (size < 2 * (uint64_t)n) {
		size <<= 1;
		bits++;
	}
	m->mask = size - 1;
	m->shift = 64 - bits;
	m->slot = malloc(size * sizeof *m->slot);
	m->key = malloc(size * sizeof *m->key);
	if (!m->slot || !m->key)
		return -1;
	memset(m->slot, 0xFF, size * sizeof *m->slot);
	/* ids doubles as the list of distinct keys, in arrival order first. */
	m->ids = malloc((n ? n : 1) * sizeof *m->ids);
	if (!m->ids)
		return -1;
	for (size_t a = 0; a < n; a += BLOCK) {
		size_t c = n - a < BLOCK ? n - a : BLOCK;

		get_ids(col, width, a, c, ids);
		for (size_t i = 0; i < c; i++) {
			uint64_t b = probe(m, ids[i]);

			if (m->slot[b] == IDMAP_NONE) {
				m->key[b] = ids[i];
				m->slot[b] = 0;
				m->ids[k++] = ids[i];
			}
		}
	}
	qsort(m->ids, k, sizeof *m->ids, cmp_u32);
	for (uint32_t i = 0; i < k; i++)
		m->slot[probe(m, m->ids[i])] = i;
	m->n = k;
	return 0;
}

int idmap_build(struct idmap *m, const void *col, int width, size_t n)
{
	uint32_t max = 0, ids[BLOCK];
	int rc;

	memset(m, 0, sizeof *m);
	for (size_t a = 0; a < n; a += BLOCK) {
		size_t b = n - a < BLOCK ? n - a : BLOCK;

		get_ids(col, width, a, b, ids);
		for (size_t i = 0; i < b; i++)
			max = ids[i] > max ? ids[i] : max;
	}
	m->max_id = max;
	/* The direct table costs 4 bytes per possible id; accept that while
	 * it is small in itself or next to the bytes the ratings take. */
	if (max < (1u << 20) || (uint64_t)max / 4 < n)
		rc = build_direct(m, col, width, n);
	else
		rc = build_hash(m, col, width, n);
	if (rc)
		idmap_free(m);
	return rc;
}

uint32_t idmap_get(const struct idmap *m, uint32_t id)
{
	if (!m->key)
		return id <= m->max_id ? m->slot[id] : IDMAP_NONE;
	return m->slot[probe(m, id)];
}

void idmap_remap(const struct idmap *m, uint32_t *a, size_t n)
{
	if (!m->key) {
		for (size_t i = 0; i < n; i++)
			a[i] = m->slot[a[i]];
	} else {
		for (size_t i = 0; i < n; i++)
			a[i] = m->slot[probe(m, a[i])];
	}
}

uint32_t *idmap_take_ids(struct idmap *m)
{
	uint32_t *ids = m->ids;

	m->ids = NULL;
	return ids;
}

void idmap_free(struct idmap *m)
{
	free(m->ids);
	free(m->slot);
	free(m->key);
	memset(m, 0, sizeof *m);
}

