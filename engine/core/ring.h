/* ring.h -- a lock-free single-producer single-consumer ring of fixed-size
 * messages, the pipe between the UI thread and the engine thread.
 *
 * Exactly one thread may push and exactly one (other) thread may pop; the
 * two never wait for each other and never take a lock.  A message is
 * copied in and copied out whole, so nothing in the ring points into the
 * other thread's memory.
 *
 * Capacity.  ring_new() rounds the capacity up to a power of two, so a
 * slot is found by masking a counter instead of a division.
 *
 * Full and empty.  The producer's and the consumer's counters run freely
 * (they are never reset and wrap modulo 2^32), and head - tail is the
 * number of queued messages, correct across the wrap because unsigned
 * arithmetic is modulo 2^32.  Empty is head == tail, full is
 * head - tail == capacity: every slot is usable, none is kept empty.  This
 * is why the capacity is limited to 2^31 (RING_CAP_MAX): the difference
 * must stay below 2^32 to be unambiguous.
 *
 * Waking.  The ring never blocks and cannot wake a sleeping thread; a user
 * that wants to sleep pairs it with a doorbell of its own (engthread.c
 * uses eventfds).
 */
#ifndef COLLABTUI_RING_H
#define COLLABTUI_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_CAP_MAX (UINT32_C(1) << 31)

/* Whether n is a power of two, as a constant expression, for a
 * static_assert on a compile-time capacity. */
#define RING_IS_POW2(n) ((n) != 0 && ((n) & ((n) - 1)) == 0)

struct ring;

/* A new empty ring of `capacity` messages of elem_size bytes each; the
 * capacity is rounded up to the next power of two (ring_capacity() tells
 * the result).  elem_size must be at least 1 and capacity between 1 and
 * RING_CAP_MAX: anything else is a programmer error (assert).  Returns
 * NULL when memory runs out, or when elem_size * capacity overflows. */
struct ring *ring_new(size_t elem_size, uint32_t capacity);

/* As ring_new(), with both counters starting at `start` instead of 0.
 * Behaviour is identical for every start; it exists so that a test can
 * put the counters just below UINT32_MAX and watch them wrap, which
 * would otherwise take 2^32 messages. */
struct ring *ring_new_at(size_t elem_size, uint32_t capacity, uint32_t start);

/* Release a ring and any messages still in it (the ring only copies
 * bytes, so a message owning memory must be drained by the caller first).
 * NULL is accepted.  Neither thread may use the ring afterwards. */
void ring_free(struct ring *r);

/* The number of slots, a power of two (the rounded-up capacity). */
uint32_t ring_capacity(const struct ring *r);

/* Producer only.  Copy elem_size bytes from msg into the ring: 0, or -1
 * when the ring is full (nothing is copied; try again later).  The result
 * must be checked: a full ring is an ordinary event, not an error. */
__attribute__((warn_unused_result))
int ring_push(struct ring *r, const void *msg);

/* Consumer only.  Copy the oldest message into out (elem_size bytes) and
 * free its slot: 1, or 0 when the ring is empty (out is untouched). */
int ring_pop(struct ring *r, void *out);

#endif
