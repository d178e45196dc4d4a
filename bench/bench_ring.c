/* bench_ring.c -- throughput and latency of the SPSC ring (engine/core/ring.c).
 *
 *   bench_ring [REPS]
 *
 * Prints one row of make bench's table (bench.h) per measurement:
 *   ring-throughput-64B    a producer thread streams 64-byte messages to
 *                          the main thread; median wall time of REPS runs
 *                          (default 5) and messages per second
 *   ring-throughput-evt    the same with sizeof(struct eng_evt) messages,
 *                          what the engine thread sends the UI
 *   ring-latency-1way      half the round trip of one 64-byte message
 *                          bounced between two threads over two rings;
 *                          median and 99th percentile of many bounces
 * Both sides spin on a full or empty ring (yielding now and then, in case
 * the machine has fewer cores than threads), since the point is the
 * ring's own cost, not a doorbell's.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "eng.h"
#include "ring.h"

#define RING_SLOTS 1024
#define PINGPONG_SLOTS 64
#define LATENCY_WARMUP 10000
#define LATENCY_SAMPLES 200000
#define SPINS_BEFORE_YIELD 256

static void die(const char *what)
{
	fprintf(stderr, "bench_ring: %s\n", what);
	exit(1);
}

/* Spin on push until it succeeds. */
static void push_spin(struct ring *r, const void *msg)
{
	for (unsigned n = 1; ring_push(r, msg) != 0; n++)
		if (n % SPINS_BEFORE_YIELD == 0)
			sched_yield();
}

/* Spin on pop until it succeeds. */
static void pop_spin(struct ring *r, void *out)
{
	for (unsigned n = 1; !ring_pop(r, out); n++)
		if (n % SPINS_BEFORE_YIELD == 0)
			sched_yield();
}

/* ---- throughput --------------------------------------------------------- */

struct stream {
	struct ring *r;
	size_t elem;
	uint64_t n;
};

static void *stream_producer(void *arg)
{
	struct stream *s = arg;
	unsigned char *msg = calloc(1, s->elem);

	if (!msg)
		die("out of memory");
	for (uint64_t i = 0; i < s->n; i++) {
		memcpy(msg, &i, sizeof i);
		push_spin(s->r, msg);
	}
	free(msg);
	return NULL;
}

/* Seconds to move n messages of elem bytes from one thread to another. */
static double stream_once(size_t elem, uint64_t n)
{
	struct stream s = { .r = ring_new(elem, RING_SLOTS), .elem = elem, .n = n };
	unsigned char *msg = malloc(elem);
	pthread_t prod;
	uint64_t seq;

	if (!s.r || !msg)
		die("out of memory");
	double t0 = clock_now();
	if (pthread_create(&prod, NULL, stream_producer, &s) != 0)
		die("cannot create a thread");
	for (uint64_t i = 0; i < n; i++) {
		pop_spin(s.r, msg);
		memcpy(&seq, msg, sizeof seq);
		if (seq != i)
			die("messages out of order");
	}
	pthread_join(prod, NULL);
	double t = clock_now() - t0;
	free(msg);
	ring_free(s.r);
	return t;
}

static void throughput(const char *task, size_t elem, uint64_t n, int reps)
{
	double *t = malloc((size_t)reps * sizeof *t);
	char med[32], thr[32];

	if (!t)
		die("out of memory");
	for (int i = 0; i < reps; i++)
		t[i] = stream_once(elem, n);
	double m = bench_median(t, (size_t)reps);
	char note[96];
	snprintf(med, sizeof med, "%.3f s", m);
	snprintf(thr, sizeof thr, "%.3g msg/s", (double)n / m);
	snprintf(note, sizeof note, "%llu messages of %zu bytes, median of %d",
		 (unsigned long long)n, elem, reps);
	bench_row(task, "-", med, thr, -1.0, note);
	free(t);
}

/* ---- latency ------------------------------------------------------------ */

struct msg64 {
	uint64_t seq;
	unsigned char pad[56];
};

struct bounce {
	struct ring *ping, *pong;
	uint64_t n;
};

static void *bouncer(void *arg)
{
	struct bounce *b = arg;
	struct msg64 m;

	for (uint64_t i = 0; i < b->n; i++) {
		pop_spin(b->ping, &m);
		push_spin(b->pong, &m);
	}
	return NULL;
}

static void latency(const char *task)
{
	uint64_t n = LATENCY_WARMUP + LATENCY_SAMPLES;
	struct bounce b = {
		.ping = ring_new(sizeof(struct msg64), PINGPONG_SLOTS),
		.pong = ring_new(sizeof(struct msg64), PINGPONG_SLOTS),
		.n = n,
	};
	double *oneway = malloc(LATENCY_SAMPLES * sizeof *oneway);
	struct msg64 m = { 0 };
	pthread_t th;
	char med[32];

	if (!b.ping || !b.pong || !oneway)
		die("out of memory");
	if (pthread_create(&th, NULL, bouncer, &b) != 0)
		die("cannot create a thread");
	for (uint64_t i = 0; i < n; i++) {
		m.seq = i;
		double t0 = clock_now();
		push_spin(b.ping, &m);
		pop_spin(b.pong, &m);
		double rtt = clock_now() - t0;
		if (m.seq != i)
			die("bounce out of order");
		if (i >= LATENCY_WARMUP)
			oneway[i - LATENCY_WARMUP] = rtt / 2;
	}
	pthread_join(th, NULL);
	double half = bench_median(oneway, LATENCY_SAMPLES);
	char note[96];
	snprintf(med, sizeof med, "%.0f ns", half * 1e9);
	snprintf(note, sizeof note, "p99 %.0f ns, %d bounces of 64 bytes",
		 bench_quantile(oneway, LATENCY_SAMPLES, 0.99) * 1e9, LATENCY_SAMPLES);
	bench_row(task, "-", med, "-", -1.0, note);
	free(oneway);
	ring_free(b.ping);
	ring_free(b.pong);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;

	if (reps < 1)
		die("usage: bench_ring [REPS >= 1]");
	throughput("ring-throughput-64B", 64, 20000000, reps);
	throughput("ring-throughput-evt", sizeof(struct eng_evt), 2000000, reps);
	latency("ring-latency-1way");
	return 0;
}
