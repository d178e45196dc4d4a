/* rcols.h -- the ratings as the engine reads them: three columns, each
 * as narrow as its values allow.
 *
 * Rating j is (user j, item j, value j).  At 25 million ratings the
 * columns are most of the memory a run needs, so the dataset stores
 * each one as narrow as it can (dataset.h):
 *   user   32 bits;
 *   item   16 bits when every index fits (fewer than 65537 items; the
 *          MovieLens sets up to 25M), else 32;
 *   value  one byte, an index into a table of the distinct values, when
 *          there are at most RCOLS_VALUES_MAX of them (MovieLens has 5 or
 *          10), else the float itself.
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

/* Borrowed columns of n ratings; exactly one of item16/item32 and one of
 * code/real is set (with n == 0 they may all be NULL). */
struct rcols {
	size_t n;
	const uint32_t *user;   /* (n) dense user indices */
	const uint16_t *item16; /* (n) dense item indices, or NULL: see item32 */
	const uint32_t *item32; /* (n) */
	const uint8_t *code;    /* (n) index into value[], or NULL: see real */
	const float *value;     /* (RCOLS_VALUES_MAX) the rating each code stands for */
	const float *real;      /* (n) the ratings themselves */
};

static inline uint32_t rc_user(const struct rcols *c, size_t j)
{
	return c->user[j];
}

static inline uint32_t rc_item(const struct rcols *c, size_t j)
{
	return c->item16 ? c->item16[j] : c->item32[j];
}

static inline float rc_value(const struct rcols *c, size_t j)
{
	return c->code ? c->value[c->code[j]] : c->real[j];
}

/* Plain arrays of n ratings as columns (32-bit items, float values). */
static inline struct rcols rcols_plain(size_t n, const uint32_t *users,
				       const uint32_t *items, const float *ratings)
{
	struct rcols c = { .n = n, .user = users, .item32 = items, .real = ratings };
	return c;
}

#endif
