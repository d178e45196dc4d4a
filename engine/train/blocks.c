/* blocks.c -- the fast trainer's ratings laid out on LIBMF's grid (see blocks.h). */
#include "blocks.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hugemem.h"
#include "rng.h"

#define STRIPE_BYTES (512 << 10) /* factor rows of one item stripe: about half an L2 */
#define NB_MIN 8                /* stripes at least, and their multiple */
#define NB_MAX 4096
#define STRIPE_MAX 65536        /* rows a stripe may hold: u16 offsets */
#define VALUES_MAX 65536        /* distinct rating values the codes can name */

/* Cut rows 0..n into nb stripes of about equal rating counts: stripe s
 * starts at the first row whose preceding rows hold s/nb of the ratings.
 * Returns the widest stripe. */
static uint32_t cut_stripes(const uint32_t *count, uint32_t n, size_t total, uint32_t nb,
			    uint32_t *cut)
{
	size_t cum = 0;
	uint32_t s = 1, widest = 0;

	cut[0] = 0;
	for (uint32_t r = 0; r < n && s < nb; r++) {
		cum += count[r];
		/* row r ends the stripe once the share s/nb is reached */
		while (s < nb && cum * nb >= (size_t)s * total)
			cut[s++] = r + 1;
	}
	while (s <= nb)
		cut[s++] = n;
	for (uint32_t j = 0; j < nb; j++)
		if (cut[j + 1] - cut[j] > widest)
			widest = cut[j + 1] - cut[j];
	return widest;
}

/* Stripe of row r: the last s with cut[s] <= r. */
static uint32_t stripe_of(const uint32_t *cut, uint32_t nb, uint32_t r)
{
	uint32_t lo = 0, hi = nb;

	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (cut[mid] <= r)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Sort the block's n ratings by user with a stable counting sort
 * (count has room for the user stripe's rows + 1, tmp for n ratings).
 * With interleave set, the two halves then alternate: one user's
 * consecutive ratings form a chain through the row each one stores and
 * the next one reads; with every other rating from the other half the
 * CPU runs two chains at once, and the user rows still come as two
 * ordered streams.  (Measured on 25M ratings, k = 50: 25% less CPU time
 * than one stream; four streams were no better.) */
static void group_by_user(struct rec *r, size_t n, uint32_t rows, uint32_t *count,
			  struct rec *tmp, int interleave)
{
	memset(count, 0, (rows + 1) * sizeof *count);
	for (size_t j = 0; j < n; j++)
		count[r[j].u + 1]++;
	for (uint32_t u = 0; u < rows; u++)
		count[u + 1] += count[u];
	for (size_t j = 0; j < n; j++)
		tmp[count[r[j].u]++] = r[j];
	if (!interleave) {
		memcpy(r, tmp, n * sizeof *r);
		return;
	}
	size_t half = n / 2, o = 0;
	for (size_t j = 0; j < half; j++) {
		r[o++] = tmp[j];
		r[o++] = tmp[half + j];
	}
	if (n % 2)
		r[o] = tmp[n - 1];
}

static void shuffle(struct rng *rng, struct rec *r, size_t n)
{
	for (size_t j = n; j > 1; j--) {
		size_t s = (size_t)rng_below(rng, j);
		struct rec x = r[j - 1];
		r[j - 1] = r[s];
		r[s] = x;
	}
}

/* Stripes per side for n items of k factors: enough that an item
 * stripe's rows take at most STRIPE_BYTES (they stay in L2 while the
 * block's users stream past), a multiple of NB_MIN. */
static uint32_t stripes_for(uint32_t n_items, int k)
{
	size_t bytes = (size_t)n_items * (size_t)k * sizeof(float);
	size_t nb = (bytes + STRIPE_BYTES - 1) / STRIPE_BYTES;

	nb = (nb + NB_MIN - 1) / NB_MIN * NB_MIN;
	return nb < NB_MIN ? NB_MIN : nb > NB_MAX ? NB_MAX : (uint32_t)nb;
}

/* Bit x of a bitmap over the ratings. */
static int bit(const uint64_t *set, size_t x)
{
	return set[x / 64] >> (x % 64) & 1;
}

uint64_t *blocks_bitmap(const uint32_t *idx, size_t n, size_t *n_all)
{
	size_t all = 0;
	for (size_t j = 0; j < n; j++)
		all = idx[j] >= all ? (size_t)idx[j] + 1 : all;
	uint64_t *set = calloc(all / 64 + 1, sizeof *set);
	if (set)
		for (size_t j = 0; j < n; j++)
			set[idx[j] / 64] |= 1ull << (idx[j] % 64);
	*n_all = all;
	return set;
}

/* The most ratings a block of start holds. */
static size_t biggest_block(const size_t *start, size_t nbb)
{
	size_t big = 0;
	for (size_t b = 0; b < nbb; b++)
		big = start[b + 1] - start[b] > big ? start[b + 1] - start[b] : big;
	return big;
}

/* Laying the ratings out, on the pool's threads.  The ratings are cut
 * into LAYOUT_CHUNKS ranges of storage order, a number that does not
 * depend on the threads: each range counts its ratings per block, the
 * counts become each range's place inside each block, then each range
 * writes its ratings there.  Within a block the ratings stay in storage
 * order, whatever the thread count.  Then each block is shuffled (from
 * a generator seeded by the run's seed and the block's index) and grouped
 * by user, blocks taken in any order by any thread. */
#define LAYOUT_CHUNKS 8
#define LAYOUT_COUNTS_MAX (64u << 20) /* bytes of per-range counts, else one range */

struct layout {
	struct blocks *g;
	const struct blocks_src *src;
	int32_t *slot;                  /* (2 * VALUES_MAX) hash of value -> code, -1 empty */
	const uint64_t *train_set;
	int train_bit;                  /* a training rating's bit in train_set */
	size_t n_all;                   /* train_set covers this many ratings */
	const uint32_t *ublock, *iblock; /* stripe of each user, item */
	int chunks;
	size_t *tpos;                   /* (chunks, nb * nb) counts, then places */
	uint32_t *rows;                 /* (threads, n_users + n_items) ratings per row */
	uint64_t block_seed;
	uint32_t widest;                /* rows of the widest user stripe */
	size_t big;                     /* ratings of the biggest block */
	atomic_uint next;               /* next chunk or block to take */
	atomic_int failed;              /* a part ran out of memory */
};

/* The code of rating v: its index in g->value, added when new and add is
 * set; -1 when VALUES_MAX distinct values are taken (or, without add,
 * when v has none).  An open-addressing hash on the float's bits
 * (2 * VALUES_MAX slots), so any data stays fast; without add it only
 * reads, and threads may share it. */
static int code_of(struct layout *L, float v, int add)
{
	struct blocks *g = L->g;
	uint32_t bits, mask = 2 * VALUES_MAX - 1;

	memcpy(&bits, &v, sizeof bits);
	for (uint32_t h = (uint32_t)((bits * 0x9E3779B97F4A7C15ull) >> 47) & mask;; h = (h + 1) & mask) {
		int32_t c = L->slot[h];

		if (c >= 0 && memcmp(&g->value[c], &v, sizeof v) == 0)
			return c;
		if (c < 0) {
			if (!add || g->n_values == VALUES_MAX)
				return -1;
			g->value[g->n_values] = v;
			L->slot[h] = (int32_t)g->n_values;
			return (int)g->n_values++;
		}
	}
}

static int codes_init(struct layout *L)
{
	struct blocks *g = L->g;

	g->value = malloc(VALUES_MAX * sizeof *g->value);
	L->slot = malloc(2 * VALUES_MAX * sizeof *L->slot);
	g->n_values = 0;
	if (!g->value || !L->slot)
		return -1;
	memset(L->slot, 0xFF, 2 * VALUES_MAX * sizeof *L->slot);
	return 0;
}

static int is_train(const struct layout *L, size_t x)
{
	return x < L->n_all && bit(L->train_set, x) == L->train_bit;
}

/* Block of a rating of user u and item i. */
static size_t block_of(const struct layout *L, uint32_t u, uint32_t i)
{
	return (size_t)L->ublock[u] * L->g->nb + L->iblock[i];
}

/* Claim the next chunk of the ratings for this thread: its number in *c
 * and its ratings [*lo, *hi); 0 when every chunk is taken. */
static int next_chunk(struct layout *L, unsigned *c, size_t *lo, size_t *hi)
{
	*c = atomic_fetch_add_explicit(&L->next, 1, memory_order_relaxed);
	if (*c >= (unsigned)L->chunks)
		return 0;
	*lo = L->n_all * *c / (unsigned)L->chunks;
	*hi = L->n_all * (*c + 1) / (unsigned)L->chunks;
	return 1;
}

/* A pool part of the row counts: chunks' training ratings per user and
 * item, into the part's own table of L->rows (summed after: whole
 * numbers, so the sum does not depend on the threads). */
static void layout_rows(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	const struct rcols *rc = L->src->c;
	const uint32_t nu = L->src->n_users;
	uint32_t *cnt = L->rows + (size_t)part * (nu + L->src->n_items);
	uint32_t us[RC_CHUNK], is[RC_CHUNK];
	size_t lo, hi;
	unsigned c;

	(void)n_parts;
	while (next_chunk(L, &c, &lo, &hi)) {
		for (size_t x0 = lo; x0 < hi; x0 += RC_CHUNK) {
			size_t m = hi - x0 < RC_CHUNK ? hi - x0 : RC_CHUNK;
			rc_users(rc, x0, m, us);
			rc_items(rc, x0, m, is);
			for (size_t j = 0; j < m; j++)
				if (is_train(L, x0 + j)) {
					cnt[us[j]]++;
					cnt[nu + is[j]]++;
				}
		}
	}
}

/* The training ratings of each user (ucount) and item (icount), counted
 * on the pool's threads.  0, or -1 without memory. */
static int count_rows(struct layout *L, struct pool *pool, uint32_t *ucount, uint32_t *icount)
{
	uint32_t nu = L->src->n_users, ni = L->src->n_items;
	size_t len = (size_t)nu + ni;
	int threads = pool_threads(pool);

	L->rows = calloc(len * (size_t)threads, sizeof *L->rows);
	if (!L->rows)
		return -1;
	L->chunks = LAYOUT_CHUNKS;
	atomic_store(&L->next, 0);
	pool_run(pool, layout_rows, L);
	for (int p = 0; p < threads; p++) {
		const uint32_t *cnt = L->rows + (size_t)p * len;
		for (uint32_t r = 0; r < nu; r++)
			ucount[r] += cnt[r];
		for (uint32_t r = 0; r < ni; r++)
			icount[r] += cnt[nu + r];
	}
	free(L->rows);
	L->rows = NULL;
	return 0;
}

/* A pool part of the counting pass: chunks' ratings per block. */
static void layout_count(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	size_t nbb = (size_t)L->g->nb * L->g->nb, lo, hi;
	uint32_t us[RC_CHUNK], is[RC_CHUNK];
	unsigned c;

	(void)part;
	(void)n_parts;
	while (next_chunk(L, &c, &lo, &hi)) {
		size_t *tc = L->tpos + c * nbb;

		for (size_t x0 = lo; x0 < hi; x0 += RC_CHUNK) {
			size_t m = hi - x0 < RC_CHUNK ? hi - x0 : RC_CHUNK;
			rc_users(L->src->c, x0, m, us);
			rc_items(L->src->c, x0, m, is);
			for (size_t j = 0; j < m; j++)
				if (is_train(L, x0 + j))
					tc[block_of(L, us[j], is[j])]++;
		}
	}
}

/* A rating of user u and item i as its block stores it. */
static struct rec rec_of(const struct layout *L, uint32_t u, uint32_t i, int code)
{
	const struct blocks *g = L->g;
	return (struct rec){ (uint16_t)(u - g->ucut[L->ublock[u]]),
			     (uint16_t)(i - g->icut[L->iblock[i]]), (uint16_t)code };
}

/* A pool part of the placing pass: chunks' ratings into their blocks. */
static void layout_place(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	struct blocks *g = L->g;
	const struct rcols *rc = L->src->c;
	size_t nbb = (size_t)g->nb * g->nb, lo, hi;
	uint32_t us[RC_CHUNK], is[RC_CHUNK];
	unsigned c;

	(void)part;
	(void)n_parts;
	while (next_chunk(L, &c, &lo, &hi)) {
		size_t *tp = L->tpos + c * nbb;
		float last = NAN;
		int code = -1;

		for (size_t x0 = lo; x0 < hi; x0 += RC_CHUNK) {
			size_t m = hi - x0 < RC_CHUNK ? hi - x0 : RC_CHUNK;
			rc_users(rc, x0, m, us);
			rc_items(rc, x0, m, is);
			for (size_t j = 0; j < m; j++) {
				if (!is_train(L, x0 + j))
					continue;
				if (rc->code) {
					code = rc->code[x0 + j];
				} else {
					/* ratings repeat a handful of values: one lookup a run */
					float v = rc->real[x0 + j];
					if (!(v == last))
						code = code_of(L, last = v, 0);
				}
				g->recs[tp[block_of(L, us[j], is[j])]++] = rec_of(L, us[j], is[j], code);
			}
		}
	}
}

/* A pool part of the ordering: blocks shuffled and grouped by user. */
static void layout_order(void *ctx, int part, int n_parts)
{
	struct layout *L = ctx;
	struct blocks *g = L->g;
	size_t nbb = (size_t)g->nb * g->nb;
	uint32_t *ucnt = malloc(((size_t)L->widest + 1) * sizeof *ucnt);
	struct rec *tmp = malloc((L->big + 1) * sizeof *tmp);
	unsigned b;

	(void)part;
	(void)n_parts;
	if (!ucnt || !tmp) {
		atomic_store(&L->failed, 1);
		free(ucnt);
		free(tmp);
		return;
	}
	while ((b = atomic_fetch_add_explicit(&L->next, 1, memory_order_relaxed)) < nbb) {
		uint32_t a = b / g->nb, rows = g->ucut[a + 1] - g->ucut[a];
		struct rng r;

		rng_seed(&r, L->block_seed ^ (0x9E3779B97F4A7C15ull * (b + 1)));
		shuffle(&r, g->recs + g->start[b], g->start[b + 1] - g->start[b]);
		group_by_user(g->recs + g->start[b], g->start[b + 1] - g->start[b], rows, ucnt,
			      tmp, 1);
	}
	free(ucnt);
	free(tmp);
}

/* Each range's count of each block becomes its first place there; start
 * gets the blocks' starts.  0, or -1 without memory. */
static int places(const struct layout *L, size_t *pos, size_t **start, struct rec **recs)
{
	size_t nbb = (size_t)L->g->nb * L->g->nb, at = 0;

	*start = malloc((nbb + 1) * sizeof **start);
	if (!*start)
		return -1;
	for (size_t b = 0; b < nbb; b++) {
		(*start)[b] = at;
		for (int c = 0; c < L->chunks; c++) {
			size_t n = pos[(size_t)c * nbb + b];
			pos[(size_t)c * nbb + b] = at;
			at += n;
		}
	}
	(*start)[nbb] = at;
	*recs = malloc((at ? at : 1) * sizeof **recs);
	hugemem_advise(*recs, (at ? at : 1) * sizeof **recs);
	return *recs ? 0 : -1;
}

/* The codes of every training rating.  Columns whose values are
 * already codes (rcols.h) lend theirs, table and all: nothing to walk.
 * Else the table is made in storage order (one thread: it grows).  NULL,
 * or why not. */
static const char *code_ratings(struct layout *L)
{
	const struct rcols *rc = L->src->c;
	float last = NAN;

	if (rc->code) {
		memcpy(L->g->value, rc->value, RCOLS_VALUES_MAX * sizeof *rc->value);
		L->g->n_values = RCOLS_VALUES_MAX;
		return NULL;
	}
	for (size_t x = 0; x < L->n_all; x++)
		if (!(rc->real[x] == last) && is_train(L, x)) {
			if (code_of(L, last = rc->real[x], 1) < 0)
				return "the fast trainer takes at most 65536 distinct rating values";
		}
	return NULL;
}

/* Place the training ratings block by block and order
 * each block (see struct layout).  NULL on success, else why not. */
static const char *lay_out(struct layout *L, struct pool *pool)
{
	const char *oom = "out of memory preparing the fast trainer", *why;
	struct blocks *g = L->g;
	size_t nbb = (size_t)g->nb * g->nb;

	if ((why = code_ratings(L)))
		return why;
	L->chunks = nbb * LAYOUT_CHUNKS * sizeof(size_t) <= LAYOUT_COUNTS_MAX ? LAYOUT_CHUNKS : 1;
	L->tpos = calloc(nbb * (size_t)L->chunks, sizeof *L->tpos);
	if (!L->tpos)
		return oom;
	atomic_store(&L->next, 0);
	pool_run(pool, layout_count, L);
	if (places(L, L->tpos, &g->start, &g->recs))
		return oom;
	atomic_store(&L->next, 0);
	pool_run(pool, layout_place, L);
	L->big = biggest_block(g->start, nbb);
	atomic_store(&L->next, 0);
	atomic_init(&L->failed, 0);
	pool_run(pool, layout_order, L);
	return atomic_load(&L->failed) ? oom : NULL;
}

/* What a layout of src for k and seed is made from (struct blocks_key). */
static struct blocks_key key_of(const struct blocks_src *src, int k, uint64_t seed)
{
	const struct split *sp = src->sp;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ sp->n_train;

	/* FNV-style over the words of the validation bitmap, or the
	 * training indices of an index split */
	if (sp->valid_bits)
		for (size_t w = 0; w < sp->n_all / 64 + 1; w++)
			h = (h ^ sp->valid_bits[w]) * 0x100000001B3ull;
	else
		for (size_t j = 0; j < sp->n_train; j++)
			h = (h ^ sp->train[j]) * 0x100000001B3ull;
	return (struct blocks_key){ .n_ratings = src->c->n, .n_train = sp->n_train,
				    .n_users = src->n_users, .n_items = src->n_items,
				    .k = k, .seed = seed, .split = h };
}

int blocks_fits(const struct blocks *g, const struct blocks_src *src, int k, uint64_t seed)
{
	struct blocks_key w = key_of(src, k, seed);
	const struct blocks_key *h = &g->key;

	return g->recs && h->n_ratings == w.n_ratings && h->n_train == w.n_train &&
	       h->n_users == w.n_users && h->n_items == w.n_items && h->k == w.k &&
	       h->seed == w.seed && h->split == w.split;
}

const char *blocks_build(struct blocks *g, const struct blocks_src *src, int k,
			 uint64_t seed, struct pool *pool)
{
	const char *why = "out of memory preparing the fast trainer";
	const struct split *sp = src->sp;
	uint32_t nu = src->n_users, ni = src->n_items;
	uint32_t *ucount = calloc(nu, sizeof *ucount), *icount = calloc(ni, sizeof *icount);
	uint32_t *ublock = NULL, *iblock = NULL;
	size_t n = sp->n_train;
	/* The passes below walk all ratings in storage order, taking those
	 * of one side of the split: going through sp->train (a random
	 * permutation) would miss the cache on every rating.  A bitmap split
	 * is used as it is: training ratings are its clear bits. */
	uint64_t *in_train = NULL;
	struct layout L = { .g = g, .src = src, .train_bit = 1,
			    .block_seed = seed ^ 0xb10cb10cb10cb10cULL };

	if (sp->valid_bits) {
		L.train_set = sp->valid_bits;
		L.n_all = sp->n_all;
		L.train_bit = 0;
	} else {
		L.train_set = in_train = blocks_bitmap(sp->train, n, &L.n_all);
	}
	if (!ucount || !icount || !L.train_set || codes_init(&L) ||
	    count_rows(&L, pool, ucount, icount))
		goto out;
	uint32_t nb = stripes_for(ni, k), widest;
	for (;; nb *= 2) {
		if (nb > NB_MAX) {
			why = "the fast trainer's grid cannot keep 65536 rows per stripe";
			goto out;
		}
		free(g->ucut);
		free(g->icut);
		g->ucut = malloc((nb + 1) * sizeof *g->ucut);
		g->icut = malloc((nb + 1) * sizeof *g->icut);
		if (!g->ucut || !g->icut)
			goto out;
		if ((widest = cut_stripes(ucount, nu, n, nb, g->ucut)) <= STRIPE_MAX &&
		    cut_stripes(icount, ni, n, nb, g->icut) <= STRIPE_MAX)
			break;
	}
	g->nb = nb;
	L.widest = widest;
	/* Per-row stripe tables: one lookup per rating in the passes. */
	L.ublock = ublock = malloc(nu * sizeof *ublock);
	L.iblock = iblock = malloc(ni * sizeof *iblock);
	if (!ublock || !iblock)
		goto out;
	for (uint32_t r = 0; r < nu; r++)
		ublock[r] = stripe_of(g->ucut, nb, r);
	for (uint32_t r = 0; r < ni; r++)
		iblock[r] = stripe_of(g->icut, nb, r);
	why = lay_out(&L, pool);
	if (!why)
		g->key = key_of(src, k, seed);   /* only a whole layout has one */
out:
	free(L.slot);
	free(L.tpos);
	free(ucount);
	free(icount);
	free(ublock);
	free(iblock);
	free(in_train);
	return why;
}

void blocks_free(struct blocks *g)
{
	free(g->ucut);
	free(g->icut);
	free(g->start);
	free(g->recs);
	free(g->value);
	*g = (struct blocks){0};
}
