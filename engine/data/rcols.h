/* rcols.h -- the ratings as the engine reads them: three columns, each
 * as narrow as its values allow.
 *
 * Rating j is (user j, item j, value j).  At 25 million ratings the
 * columns are most of the memory a run needs, so the dataset stores
 * each one as narrow as it can (dataset.h):
 *   user, item  16 bits when every index fits (at most 65536 of them),
 *               24 bits when they fit that, else 32 (MovieLens-25M: users
 *               in 24, items in 16);
 *   value       one byte, an index into a table of the distinct values,
 *               when there are at most RCOLS_VALUES_MAX of them
 *               (MovieLens has 5 or 10), else the float itself.
 * A reader asks for a rating's fields through rc_user(), rc_item() and
 * rc_value(), which return exactly what was stored (the table holds the
 * very floats it replaced, bit for bit): no consumer knows or cares
 * which width it reads.  The branches on the width take the same way for
 * a whole loop, and the compiler hoists them out of it.
 *
 * rcols_plain() wraps three plain arrays (the user's own ratings joined
 * to a dataset's, a test's handful) in the same shape.
 */
#ifndef COLLABTUI_RCOLS_H
#define COLLABTUI_RCOLS_H

#include <stddef.h>
#include <stdint.h>

#define RCOLS_VALUES_MAX 256    /* distinct values a one-byte column can name */

/* Borrowed columns of n ratings: of the users' 32-, 16- and 24-bit
 * arrays exactly one is set, the same for the items, and one of code and
 * real (with n == 0 they may all be NULL). */
struct rcols {
	size_t n;
	const uint32_t *user32; /* (n) dense user indices, or NULL */
	const uint16_t *user16; /* (n) the same in 16 bits, or NULL */
	const uint8_t *user24;  /* (3 n) in 24 bits, little-endian, or NULL */
	const uint32_t *item32; /* (n) dense item indices, and so on */
	const uint16_t *item16;
	const uint8_t *item24;
	const uint8_t *code;    /* (n) index into value[], or NULL: see real */
	const float *value;     /* (RCOLS_VALUES_MAX) the rating each code stands for */
	const float *real;      /* (n) the ratings themselves */
};

/* Entry j of an id column, whichever width it has. */
static inline uint32_t rc_id(const uint32_t *w32, const uint16_t *w16, const uint8_t *w24,
			     size_t j)
{
	if (w32)
		return w32[j];
	if (w16)
		return w16[j];
	const uint8_t *p = w24 + 3 * j;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static inline uint32_t rc_user(const struct rcols *c, size_t j)
{
	return rc_id(c->user32, c->user16, c->user24, j);
}

static inline uint32_t rc_item(const struct rcols *c, size_t j)
{
	return rc_id(c->item32, c->item16, c->item24, j);
}

static inline float rc_value(const struct rcols *c, size_t j)
{
	return c->code ? c->value[c->code[j]] : c->real[j];
}

/* Entries [lo, lo + n) of an id column as 32-bit indices in out: a
 * loop over many ratings decodes them RC_CHUNK at a time into buffers of
 * its own and runs on plain arrays, one width test a chunk instead of
 * one an entry (the block layout's passes over 25M ratings took a third
 * more CPU time with rc_user() and rc_item() per rating). */
#define RC_CHUNK 2048

static inline void rc_ids(const uint32_t *w32, const uint16_t *w16, const uint8_t *w24,
			  size_t lo, size_t n, uint32_t *out)
{
	if (w32) {
		for (size_t j = 0; j < n; j++)
			out[j] = w32[lo + j];
	} else if (w16) {
		for (size_t j = 0; j < n; j++)
			out[j] = w16[lo + j];
	} else {
		const uint8_t *p = w24 + 3 * lo;
		for (size_t j = 0; j < n; j++, p += 3)
			out[j] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	}
}

static inline void rc_users(const struct rcols *c, size_t lo, size_t n, uint32_t *out)
{
	rc_ids(c->user32, c->user16, c->user24, lo, n, out);
}

static inline void rc_items(const struct rcols *c, size_t lo, size_t n, uint32_t *out)
{
	rc_ids(c->item32, c->item16, c->item24, lo, n, out);
}

static inline void rc_values(const struct rcols *c, size_t lo, size_t n, float *out)
{
	if (c->code) {
		for (size_t j = 0; j < n; j++)
			out[j] = c->value[c->code[lo + j]];
	} else {
		for (size_t j = 0; j < n; j++)
			out[j] = c->real[lo + j];
	}
}

/* Entries idx[0..n) of an id column into out. */
static inline void rc_gather_ids(const uint32_t *w32, const uint16_t *w16, const uint8_t *w24,
				 const uint32_t *idx, size_t n, uint32_t *out)
{
	if (w32) {
		for (size_t j = 0; j < n; j++)
			out[j] = w32[idx[j]];
	} else if (w16) {
		for (size_t j = 0; j < n; j++)
			out[j] = w16[idx[j]];
	} else {
		for (size_t j = 0; j < n; j++)
			out[j] = rc_id(NULL, NULL, w24, idx[j]);
	}
}

/* Ratings idx[0..n) of c into u, i and v (a scattered read: the width
 * tests once per call, not per rating). */
static inline void rc_gather(const struct rcols *c, const uint32_t *idx, size_t n,
			     uint32_t *u, uint32_t *i, float *v)
{
	rc_gather_ids(c->user32, c->user16, c->user24, idx, n, u);
	rc_gather_ids(c->item32, c->item16, c->item24, idx, n, i);
	if (c->code) {
		for (size_t j = 0; j < n; j++)
			v[j] = c->value[c->code[idx[j]]];
	} else {
		for (size_t j = 0; j < n; j++)
			v[j] = c->real[idx[j]];
	}
}

/* A chunk of ratings as plain arrays. */
struct rc_chunk {
	uint32_t user[RC_CHUNK], item[RC_CHUNK];
	float value[RC_CHUNK];
};

/* Ratings [lo, lo + RC_CHUNK) of c, fewer at its end, into b; returns
 * how many.  A pass over all of them:
 *   for (size_t lo = 0; lo < c.n; lo += RC_CHUNK)
 *           for (size_t j = 0, m = rc_chunk_get(&c, lo, &b); j < m; j++) ... */
static inline size_t rc_chunk_get(const struct rcols *c, size_t lo, struct rc_chunk *b)
{
	size_t m = c->n - lo < RC_CHUNK ? c->n - lo : RC_CHUNK;

	rc_users(c, lo, m, b->user);
	rc_items(c, lo, m, b->item);
	rc_values(c, lo, m, b->value);
	return m;
}

/* Plain arrays of n ratings as columns (32-bit ids, float values). */
static inline struct rcols rcols_plain(size_t n, const uint32_t *users,
				       const uint32_t *items, const float *ratings)
{
	struct rcols c = { .n = n, .user32 = users, .item32 = items, .real = ratings };
	return c;
}

#endif
