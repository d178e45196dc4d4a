/* pool.c -- fork-join pool with spin-then-sleep workers (see pool.h).
 *
 * Protocol: the caller publishes (fn, ctx) and bumps `gen` with release
 * order; a worker that sees a new generation (acquire) runs its part and
 * increments `done` with release; the caller waits until `done` reaches
 * the number of workers (acquire), so every write made by a part is
 * visible to the caller afterwards.  Workers that see no new generation
 * for SPIN_ROUNDS polls go to sleep on `cv`; the caller signals it only
 * when some worker is actually asleep (`sleepers`).
 */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* ~50-100 us of polling: longer than the gap between two optimiser steps,
 * far shorter than anything a person would notice as busy CPU. */
#define SPIN_ROUNDS 20000

struct pool {
	int n_threads;
	pthread_t *threads;
	pool_fn fn;
	void *ctx;
	alignas(64) atomic_uint gen;
	alignas(64) atomic_int done;
	alignas(64) atomic_int sleepers;
	atomic_bool quit;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct worker_arg {
	struct pool *p;
	int part;
};

static void *worker_main(void *arg_)
{
	struct worker_arg *arg = arg_;
	struct pool *p = arg->p;
	int part = arg->part;
	free(arg);
	unsigned seen = 0;
	for (;;) {
		unsigned g;
		int spins = 0;
		while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen) {
			if (++spins < SPIN_ROUNDS) {
				cpu_relax();
				continue;
			}
			pthread_mutex_lock(&p->mu);
			atomic_fetch_add_explicit(&p->sleepers, 1, memory_order_seq_cst);
			/* Re-check under the mutex: the caller bumps gen, then
			 * takes the mutex to signal, so no wake-up is lost. */
			while (atomic_load_explicit(&p->gen, memory_order_seq_cst) == seen)
				pthread_cond_wait(&p->cv, &p->mu);
			atomic_fetch_sub_explicit(&p->sleepers, 1, memory_order_relaxed);
			pthread_mutex_unlock(&p->mu);
			spins = 0;
		}
		seen = g;
		if (atomic_load_explicit(&p->quit, memory_order_acquire))
			return NULL;
		p->fn(p->ctx, part, p->n_threads);
		atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
	}
}

static void publish(struct pool *p)
{
	atomic_fetch_add_explicit(&p->gen, 1, memory_order_seq_cst);
	/* seq_cst pairs with the worker's seq_cst sleepers increment and gen
	 * re-check: either it sees the new gen or we see it as a sleeper. */
	if (atomic_load_explicit(&p->sleepers, memory_order_seq_cst) > 0) {
		pthread_mutex_lock(&p->mu);
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

struct pool *pool_new(int n_threads)
{
	struct pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->n_threads = 1;       /* counts the threads that exist so far */
	atomic_init(&p->gen, 0);
	atomic_init(&p->done, 0);
	atomic_init(&p->sleepers, 0);
	atomic_init(&p->quit, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (n_threads <= 1)
		return p;
	p->threads = calloc((size_t)n_threads, sizeof(pthread_t));
	if (!p->threads) {
		pool_free(p);
		return NULL;
	}
	for (int i = 1; i < n_threads; i++) {
		struct worker_arg *a = malloc(sizeof *a);
		if (a) {
			a->p = p;
			a->part = i;
		}
		if (!a || pthread_create(&p->threads[i], NULL, worker_main, a) != 0) {
			free(a);
			pool_free(p);   /* joins workers 1..i-1 */
			return NULL;
		}
		p->n_threads = i + 1;
	}
	return p;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	if (p->n_threads > 1) {
		atomic_store_explicit(&p->quit, 1, memory_order_release);
		publish(p);
		for (int i = 1; i < p->n_threads; i++)
			pthread_join(p->threads[i], NULL);
	}
	free(p->threads);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

int pool_threads(const struct pool *p)
{
	return p->n_threads;
}

void pool_run(struct pool *p, pool_fn fn, void *ctx)
{
	if (p->n_threads == 1) {
		fn(ctx, 0, 1);
		return;
	}
	p->fn = fn;
	p->ctx = ctx;
	atomic_store_explicit(&p->done, 0, memory_order_relaxed);
	publish(p);
	fn(ctx, 0, p->n_threads);
	int want = p->n_threads - 1;
	/* A worker that lost its CPU to another process would make a pure spin
	 * burn our whole time slice; yielding after a while hands it back. */
	for (int spins = 0; atomic_load_explicit(&p->done, memory_order_acquire) < want;)
		if (++spins < SPIN_ROUNDS)
			cpu_relax();
		else
			sched_yield();
}

const char *pool_threads_check(int n_threads)
{
	if (n_threads < 1 || n_threads > POOL_THREADS_MAX)
		return "threads must be between 1 and 256";
	return NULL;
}
