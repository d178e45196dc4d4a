/* test_ring.c -- the SPSC ring: capacity rounding, full and empty, FIFO
 * order across the 2^32 counter wrap, and a two-thread stress run (also
 * meant to be run under -fsanitize=thread). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "ring.h"

Test(ring, capacity_rounds_up_to_a_power_of_two)
{
	static const uint32_t asked[] = { 1, 2, 3, 4, 5, 63, 64, 65, 1000, 1024, 1025 };
	static const uint32_t got[] = { 1, 2, 4, 4, 8, 64, 64, 128, 1024, 1024, 2048 };

	for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
		struct ring *r = ring_new(8, asked[i]);
		cr_assert_not_null(r);
		cr_expect_eq(ring_capacity(r), got[i], "capacity %u -> %u, expected %u",
			     asked[i], ring_capacity(r), got[i]);
		ring_free(r);
	}
}

Test(ring, the_largest_capacity_is_accepted_and_too_much_memory_is_null)
{
	/* 2^31 slots of 2^40 bytes overflow size_t: NULL, not a crash. */
	cr_expect_null(ring_new((size_t)1 << 40, RING_CAP_MAX));
	ring_free(NULL);
}

/* These tests pass by dying of assert(): its message would read as a
 * failure in a green run's log, so it goes to /dev/null. */
static void expected_abort(void)
{
	cr_assert_not_null(freopen("/dev/null", "w", stderr));
}

Test(ring, zero_capacity_is_a_programmer_error, .signal = SIGABRT)
{
	expected_abort();
	ring_free(ring_new(8, 0));
}

Test(ring, capacity_above_the_maximum_is_a_programmer_error, .signal = SIGABRT)
{
	expected_abort();
	ring_free(ring_new(8, RING_CAP_MAX + 1));
}

Test(ring, zero_element_size_is_a_programmer_error, .signal = SIGABRT)
{
	expected_abort();
	ring_free(ring_new(0, 8));
}

/* Fill r (of int messages) with cap values from `from`, check it is then
 * full, drain it checking the order, and check it is then empty. */
static void fill_and_drain(struct ring *r, int from)
{
	uint32_t cap = ring_capacity(r);
	int v;

	for (uint32_t i = 0; i < cap; i++) {
		v = from + (int)i;
		cr_assert_eq(ring_push(r, &v), 0, "push %u of %u failed", i, cap);
	}
	v = -1;
	cr_assert_eq(ring_push(r, &v), -1, "a full ring accepted a message");
	for (uint32_t i = 0; i < cap; i++) {
		cr_assert_eq(ring_pop(r, &v), 1);
		cr_assert_eq(v, from + (int)i, "FIFO order broken");
	}
	v = 12345;
	cr_assert_eq(ring_pop(r, &v), 0, "an empty ring gave a message");
	cr_assert_eq(v, 12345, "a failed pop wrote to out");
}

Test(ring, every_slot_is_usable_and_full_and_empty_are_reported)
{
	struct ring *r = ring_new(sizeof(int), 5);      /* 8 slots */
	int v;

	cr_assert_not_null(r);
	cr_assert_eq(ring_pop(r, &v), 0);
	fill_and_drain(r, 0);
	fill_and_drain(r, 100);
	ring_free(r);
}

Test(ring, a_single_slot_ring_alternates)
{
	struct ring *r = ring_new(sizeof(int), 1);
	int a = 7, b = 8, v;

	cr_assert_not_null(r);
	cr_assert_eq(ring_push(r, &a), 0);
	cr_assert_eq(ring_push(r, &b), -1);
	cr_assert_eq(ring_pop(r, &v), 1);
	cr_assert_eq(v, 7);
	cr_assert_eq(ring_push(r, &b), 0);
	cr_assert_eq(ring_pop(r, &v), 1);
	cr_assert_eq(v, 8);
	cr_assert_eq(ring_pop(r, &v), 0);
	ring_free(r);
}

Test(ring, counters_wrap_past_uint32_max)
{
	/* The counters start 3 below the wrap: every fill crosses it at a
	 * different occupancy and slot. */
	struct ring *r = ring_new_at(sizeof(int), 4, UINT32_MAX - 2);
	int v;

	cr_assert_not_null(r);
	for (int round = 0; round < 5; round++)
		fill_and_drain(r, round * 10);
	/* Interleaved single pushes and pops across the wrap, with the ring
	 * partly full (2 queued) all the while. */
	struct ring *s = ring_new_at(sizeof(int), 4, UINT32_MAX - 1);
	cr_assert_not_null(s);
	int next_in = 0, next_out = 0;
	for (int i = 0; i < 2; i++, next_in++)
		cr_assert_eq(ring_push(s, &next_in), 0);
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(ring_push(s, &next_in), 0);
		next_in++;
		cr_assert_eq(ring_pop(s, &v), 1);
		cr_assert_eq(v, next_out++);
	}
	ring_free(s);
	ring_free(r);
}

Test(ring, messages_are_copied_whole)
{
	/* An odd size, so slots are not word-aligned multiples. */
	struct blob { unsigned char b[37]; } in, out;
	struct ring *r = ring_new(sizeof in, 4);

	cr_assert_not_null(r);
	for (int k = 0; k < 10; k++) {
		for (size_t i = 0; i < sizeof in.b; i++)
			in.b[i] = (unsigned char)(k * 31 + (int)i);
		cr_assert_eq(ring_push(r, &in), 0);
		memset(&out, 0, sizeof out);
		cr_assert_eq(ring_pop(r, &out), 1);
		cr_assert_eq(memcmp(&in, &out, sizeof in), 0);
	}
	ring_free(r);
}

/* ---- two threads -------------------------------------------------------- */

#define STRESS_N 10000000UL

struct stress_msg {
	uint64_t seq;
	uint64_t value;         /* derived from seq; summed by both sides */
};

struct stress {
	struct ring *r;
	uint64_t n;
	uint64_t sent_sum;      /* producer's checksum, read after the join */
};

static uint64_t stress_value(uint64_t seq)
{
	/* splitmix64's finaliser: every bit depends on seq. */
	uint64_t z = seq + 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void *stress_producer(void *arg)
{
	struct stress *s = arg;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < s->n; i++) {
		struct stress_msg m = { .seq = i, .value = stress_value(i) };
		while (ring_push(s->r, &m) != 0)
			sched_yield();          /* two cores at most: let the consumer run */
		sum += m.value;
	}
	s->sent_sum = sum;
	return NULL;
}

Test(ring, two_threads_ten_million_messages_in_order, .timeout = 300)
{
	/* Start near the wrap, so the run crosses it under contention; a
	 * small ring, so both full and empty happen often. */
	struct stress s = {
		.r = ring_new_at(sizeof(struct stress_msg), 256, UINT32_MAX - STRESS_N / 2),
		.n = STRESS_N,
	};
	struct timespec t0, t1;
	pthread_t prod;
	struct stress_msg m;
	uint64_t sum = 0;

	cr_assert_not_null(s.r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(pthread_create(&prod, NULL, stress_producer, &s), 0);
	for (uint64_t i = 0; i < s.n; i++) {
		while (!ring_pop(s.r, &m))
			sched_yield();
		if (m.seq != i || m.value != stress_value(i))
			cr_assert_fail("message %lu: got seq %lu value %lx",
				       (unsigned long)i, (unsigned long)m.seq,
				       (unsigned long)m.value);
		sum += m.value;
	}
	cr_assert_eq(pthread_join(prod, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_eq(ring_pop(s.r, &m), 0, "a message beyond the last");
	cr_assert_eq(sum, s.sent_sum, "checksum differs");
	cr_log_info("%lu messages in %.3f s", (unsigned long)s.n,
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	ring_free(s.r);
}
