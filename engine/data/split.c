/* split.c -- training / validation index sets (see split.h). */
#include "split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hugemem.h"
#include "rng.h"

static int alloc_split(size_t n_train, size_t n_valid, struct split *out)
{
	/* +1 so that an empty side still gets a pointer we can free */
	*out = (struct split){0};
	out->train = malloc((n_train + 1) * sizeof(uint32_t));
	out->valid = malloc((n_valid + 1) * sizeof(uint32_t));
	out->n_train = n_train;
	out->n_valid = n_valid;
	if (!out->train || !out->valid) {
		split_free(out);
		return -1;
	}
	return 0;
}

#define SHUFFLE_AHEAD 32 /* swaps whose far slot is fetched ahead of time */

/* rng_shuffle_u32(r, a, n), the same swaps in the same order, with the
 * far slot of each swap fetched SHUFFLE_AHEAD swaps early: the draws do
 * not depend on the array, so they are made ahead, and 25M ratings'
 * swaps, each a cache miss, overlap instead of following one another.
 * It stops once a[head..n) are final (head >= 1): a[0..head) then hold
 * the very values a whole shuffle leaves there, in some other order. */
static void shuffle_prefetched(struct rng *r, uint32_t *a, size_t n, size_t head)
{
	size_t ahead[SHUFFLE_AHEAD], draw = n; /* the swap of draw is drawn next */

	for (size_t d = 0; d < SHUFFLE_AHEAD && draw > head; d++, draw--) {
		ahead[d] = (size_t)rng_below(r, draw);
		__builtin_prefetch(a + ahead[d], 1);
	}
	for (size_t i = n; i > head; i--) {
		size_t slot = (n - i) % SHUFFLE_AHEAD, j = ahead[slot];

		if (draw > head) {
			ahead[slot] = (size_t)rng_below(r, draw--);
			__builtin_prefetch(a + ahead[slot], 1);
		}
		uint32_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* A seeded random permutation of 0..n-1 (free() it); NULL without memory.
 * With head > 1 only its entries from head on are in their places, and
 * the first head hold the rest in some order (shuffle_prefetched). */
static uint32_t *permutation_from(size_t n, uint64_t seed, size_t head)
{
	uint32_t *perm = malloc((n + 1) * sizeof *perm);
	if (!perm)
		return NULL;
	hugemem_advise(perm, (n + 1) * sizeof *perm);
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	struct rng r;
	rng_seed(&r, seed);
	shuffle_prefetched(&r, perm, n, head > 1 ? head : 1);
	return perm;
}

static uint32_t *permutation(size_t n, uint64_t seed)
{
	return permutation_from(n, seed, 1);
}

/* The seed split_random() shuffles with. */
#define RANDOM_SEED(seed) ((seed) ^ 0x5eed5b17ULL)

int split_random(size_t n, double valid_pct, uint64_t seed, struct split *out)
{
	if (!(valid_pct >= 0.0 && valid_pct < 1.0) || n > UINT32_MAX) {
		*out = (struct split){0};
		return -1;
	}
	/* fastai's RandomSplitter: cut = int(valid_pct * n) */
	size_t n_valid = (size_t)(valid_pct * (double)n);
	if (alloc_split(n - n_valid, n_valid, out) != 0)
		return -1;
	uint32_t *perm = permutation(n, RANDOM_SEED(seed));
	if (!perm) {
		split_free(out);
		return -1;
	}
	for (size_t i = 0; i < n_valid; i++)
		out->valid[i] = perm[i];
	for (size_t i = n_valid; i < n; i++)
		out->train[i - n_valid] = perm[i];
	free(perm);
	return 0;
}

int split_kfold(size_t n, int k, int fold, uint64_t seed, struct split *out)
{
	if (k < 2 || (size_t)k > n || fold < 0 || fold >= k || n > UINT32_MAX) {
		*out = (struct split){0};
		return -1;
	}
	size_t lo = n * (size_t)fold / (size_t)k, hi = n * ((size_t)fold + 1) / (size_t)k;
	if (alloc_split(n - (hi - lo), hi - lo, out) != 0)
		return -1;
	uint32_t *perm = permutation(n, seed ^ 0xf01d5b17ULL);
	if (!perm) {
		split_free(out);
		return -1;
	}
	size_t t = 0;
	for (size_t i = 0; i < n; i++) {
		if (i >= lo && i < hi)
			out->valid[i - lo] = perm[i];
		else
			out->train[t++] = perm[i];
	}
	free(perm);
	return 0;
}

int split_per_user(const struct rcols *c, uint32_t n_users, double valid_pct,
		   uint64_t seed, struct split *out)
{
	size_t n = c->n;
	*out = (struct split){0};
	if (!(valid_pct >= 0.0 && valid_pct < 1.0) || n > UINT32_MAX)
		return -1;
	uint32_t *perm = permutation(n, seed ^ 0x57a7b17eULL);
	uint32_t *start = calloc((size_t)n_users + 1, sizeof *start);
	uint32_t *by_user = malloc((n + 1) * sizeof *by_user);
	int rc = -1;
	if (!perm || !start || !by_user)
		goto done;
	for (size_t j = 0; j < n; j++) {
		if (rc_user(c, j) >= n_users)
			goto done;
		start[rc_user(c, j) + 1]++;
	}
	for (uint32_t u = 0; u < n_users; u++)
		start[u + 1] += start[u];
	/* a stable bucket sort of the shuffled indices: each user's ratings
	 * in a random order, users one after another */
	uint32_t *fill = malloc(((size_t)n_users + 1) * sizeof *fill);
	if (!fill)
		goto done;
	memcpy(fill, start, ((size_t)n_users + 1) * sizeof *fill);
	for (size_t j = 0; j < n; j++)
		by_user[fill[rc_user(c, perm[j])]++] = perm[j];
	free(fill);
	/* Python's round(), as the library rounds: half to even */
	size_t n_train = 0;
	for (uint32_t u = 0; u < n_users; u++)
		n_train += (size_t)nearbyint((1.0 - valid_pct) * (start[u + 1] - start[u]));
	if (alloc_split(n_train, n - n_train, out) != 0)
		goto done;
	size_t t = 0, v = 0;
	for (uint32_t u = 0; u < n_users; u++) {
		uint32_t cnt = start[u + 1] - start[u];
		uint32_t keep = (uint32_t)nearbyint((1.0 - valid_pct) * cnt);
		for (uint32_t j = 0; j < cnt; j++) {
			uint32_t r = by_user[start[u] + j];
			if (j < keep)
				out->train[t++] = r;
			else
				out->valid[v++] = r;
		}
	}
	rc = 0;
done:
	free(perm);
	free(start);
	free(by_user);
	return rc;
}

int split_prefix(size_t n, size_t n_train, struct split *out)
{
	if (n_train > n || n > UINT32_MAX) {
		*out = (struct split){0};
		return -1;
	}
	if (alloc_split(n_train, n - n_train, out) != 0)
		return -1;
	for (size_t i = 0; i < n_train; i++)
		out->train[i] = (uint32_t)i;
	for (size_t i = n_train; i < n; i++)
		out->valid[i - n_train] = (uint32_t)i;
	return 0;
}

/* An empty bitmap split over n ratings; -1 without memory. */
static int alloc_bits(size_t n, struct split *out)
{
	*out = (struct split){ .n_all = n };
	out->valid_bits = calloc(n / 64 + 1, sizeof *out->valid_bits);
	return out->valid_bits ? 0 : -1;
}

int split_random_bits(size_t n, double valid_pct, uint64_t seed, struct split *out)
{
	if (!(valid_pct >= 0.0 && valid_pct < 1.0) || n > UINT32_MAX) {
		*out = (struct split){0};
		return -1;
	}
	size_t n_valid = (size_t)(valid_pct * (double)n);
	/* only which ratings validate matters, not their order: the swaps
	 * inside the first n_valid places are left out (a fifth of them) */
	uint32_t *perm = n_valid ? permutation_from(n, RANDOM_SEED(seed), n_valid) : NULL;
	if ((n_valid && !perm) || alloc_bits(n, out) != 0) {
		free(perm);
		split_free(out);
		return -1;
	}
	for (size_t i = 0; i < n_valid; i++)
		out->valid_bits[perm[i] / 64] |= 1ull << (perm[i] % 64);
	free(perm);
	out->n_valid = n_valid;
	out->n_train = n - n_valid;
	return 0;
}

/* Set the bits of idx[0..n) in bits; -1 when one is >= all or already set. */
static int mark_once(uint64_t *bits, const uint32_t *idx, size_t n, size_t all)
{
	for (size_t j = 0; j < n; j++) {
		uint64_t m = 1ull << (idx[j] % 64);

		if (idx[j] >= all || (bits[idx[j] / 64] & m))
			return -1;
		bits[idx[j] / 64] |= m;
	}
	return 0;
}

int split_copy_bits(const struct split *s, struct split *out)
{
	size_t n = s->valid_bits ? s->n_all : s->n_train + s->n_valid;

	if (alloc_bits(n, out) != 0)
		return -1;
	if (s->valid_bits)
		memcpy(out->valid_bits, s->valid_bits, (n / 64 + 1) * sizeof *out->valid_bits);
	else
		for (size_t j = 0; j < s->n_valid; j++)
			out->valid_bits[s->valid[j] / 64] |= 1ull << (s->valid[j] % 64);
	out->n_train = s->n_train;
	out->n_valid = s->n_valid;
	return 0;
}

int split_to_bits(struct split *s)
{
	struct split b;

	if (s->valid_bits)
		return 0;
	if (alloc_bits(s->n_train + s->n_valid, &b) != 0)
		return -1;
	/* every index once: the training ones are marked too, then cleared */
	if (mark_once(b.valid_bits, s->train, s->n_train, b.n_all) != 0 ||
	    mark_once(b.valid_bits, s->valid, s->n_valid, b.n_all) != 0) {
		split_free(&b);
		return -1;
	}
	for (size_t j = 0; j < s->n_train; j++)
		b.valid_bits[s->train[j] / 64] &= ~(1ull << (s->train[j] % 64));
	b.n_train = s->n_train;
	b.n_valid = s->n_valid;
	split_free(s);
	*s = b;
	return 0;
}

int split_bits_grow(struct split *s, size_t m)
{
	size_t n = s->n_all + m;
	uint64_t *bits = realloc(s->valid_bits, (n / 64 + 1) * sizeof *bits);

	if (!bits)
		return -1;
	s->valid_bits = bits;
	for (size_t j = s->n_all; j < n; j++)
		bits[j / 64] &= ~(1ull << (j % 64));
	s->n_all = n;
	s->n_train += m;
	return 0;
}

int split_expand(struct split *s)
{
	struct split x;

	if (!s->valid_bits)
		return 0;
	if (alloc_split(s->n_train, s->n_valid, &x) != 0)
		return -1;
	size_t t = 0, v = 0;
	for (size_t j = 0; j < s->n_all; j++) {
		if (split_bit(s, j))
			x.valid[v++] = (uint32_t)j;
		else
			x.train[t++] = (uint32_t)j;
	}
	split_free(s);
	*s = x;
	return 0;
}

void split_free(struct split *s)
{
	free(s->train);
	free(s->valid);
	free(s->valid_bits);
	*s = (struct split){0};
}
