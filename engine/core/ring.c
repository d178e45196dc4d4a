/* ring.c -- the SPSC ring of ring.h.
 *
 * Memory ordering, in pairs (each release store is read by one acquire
 * load on the other side):
 *   P1  push: copy the message into slot head & mask, then store head + 1
 *       with release, so the copy is visible before the new head is;
 *   C1  pop: load head with acquire (pairs with P1), so reading the slot
 *       sees the whole message;
 *   C2  pop: after copying the message out, store tail + 1 with release,
 *       so the read is finished before the slot is handed back;
 *   P2  push: load tail with acquire (pairs with C2) before reusing a
 *       slot, so the overwrite cannot overtake the consumer's read.
 * Nothing more is needed: there is one writer per counter, so no
 * read-modify-write, and no store-to-load ordering between the counters
 * (which is what would require seq_cst).  Each side reads its own counter
 * relaxed, since nobody else writes it.
 *
 * Each side keeps a private copy of the other's counter and reloads it
 * only when the copy says full (producer) or empty (consumer).  The copy
 * is never ahead of the real value, so it can only make the ring look
 * fuller or emptier than it is, never the reverse; it saves a cache-line
 * transfer on most calls.
 */
#include "ring.h"

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define RING_LINE 64

struct ring {
	/* Written once by ring_new_at, then only read: both threads can
	 * cache this line for good. */
	size_t elem_size;
	uint32_t mask;                  /* capacity - 1 */

	/* The producer's line: its counter and its view of the consumer's. */
	alignas(RING_LINE) _Atomic uint32_t head;       /* next slot to fill */
	uint32_t tail_cache;

	/* The consumer's line, so that pushing does not invalidate the
	 * line the consumer is spinning on, and vice versa. */
	alignas(RING_LINE) _Atomic uint32_t tail;       /* next slot to read */
	uint32_t head_cache;

	/* (capacity, elem_size) bytes, starting on a line of its own. */
	alignas(RING_LINE) unsigned char slots[];
};

static uint32_t round_pow2(uint32_t n)
{
	uint32_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

struct ring *ring_new_at(size_t elem_size, uint32_t capacity, uint32_t start)
{
	assert(elem_size >= 1);
	assert(capacity >= 1 && capacity <= RING_CAP_MAX);
	uint32_t cap = round_pow2(capacity);
	if (elem_size > (SIZE_MAX - sizeof(struct ring) - RING_LINE) / cap)
		return NULL;
	/* aligned_alloc wants a multiple of the alignment. */
	size_t bytes = sizeof(struct ring) + elem_size * cap;
	bytes = (bytes + RING_LINE - 1) / RING_LINE * RING_LINE;
	struct ring *r = aligned_alloc(RING_LINE, bytes);
	if (!r)
		return NULL;
	/* Touch every slot now: the memory is the ring's for its whole life,
	 * so a push never takes a page fault on the first lap, and the
	 * process's RSS is what it will be (an interface's RSS used to creep
	 * up by the ring's untouched pages for its first few hundred runs,
	 * which bench/bench_soak.sh cannot tell from a leak). */
	memset(r->slots, 0, elem_size * cap);
	r->elem_size = elem_size;
	r->mask = cap - 1;
	atomic_init(&r->head, start);
	r->tail_cache = start;
	atomic_init(&r->tail, start);
	r->head_cache = start;
	return r;
}

struct ring *ring_new(size_t elem_size, uint32_t capacity)
{
	return ring_new_at(elem_size, capacity, 0);
}

void ring_free(struct ring *r)
{
	free(r);
}

uint32_t ring_capacity(const struct ring *r)
{
	return r->mask + 1;
}

int ring_push(struct ring *r, const void *msg)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	/* head - tail is in [0, capacity]; above mask means full. */
	if (head - r->tail_cache > r->mask) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire); /* P2 */
		if (head - r->tail_cache > r->mask)
			return -1;
	}
	memcpy(r->slots + (size_t)(head & r->mask) * r->elem_size, msg, r->elem_size);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);        /* P1 */
	return 0;
}

int ring_pop(struct ring *r, void *out)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	if (tail == r->head_cache) {
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire); /* C1 */
		if (tail == r->head_cache)
			return 0;
	}
	memcpy(out, r->slots + (size_t)(tail & r->mask) * r->elem_size, r->elem_size);
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);        /* C2 */
	return 1;
}
