/* pool.h -- a tiny fork-join thread pool for the trainer's data-parallel
 * loops.
 *
 * pool_run() runs fn(ctx, part, n_parts) once for every part 0..n-1, part 0
 * on the calling thread, and returns when all parts are done.  It is built
 * for very short jobs issued thousands of times a second (one optimiser
 * step is ~20 us), so idle workers spin briefly on an atomic generation
 * counter before sleeping on a condition variable; a pool that is not
 * running jobs costs no CPU.
 *
 * Only one thread may call pool_run() on a given pool (the engine thread).
 */
#ifndef COLLABTUI_POOL_H
#define COLLABTUI_POOL_H

typedef void (*pool_fn)(void *ctx, int part, int n_parts);

struct pool;

/* A pool of n_threads threads including the caller (n_threads - 1
 * workers).  n_threads <= 1 gives a pool that runs everything inline.
 * Returns NULL when threads cannot be created. */
struct pool *pool_new(int n_threads);

/* The most threads a trainer may ask for. */
#define POOL_THREADS_MAX 256

/* NULL when n_threads is a thread count a trainer may ask for (1 to
 * POOL_THREADS_MAX), else the sentence that says so: the one check every
 * trainer's settings go through. */
const char *pool_threads_check(int n_threads);

/* Stop and join the workers; NULL is accepted. */
void pool_free(struct pool *p);

int pool_threads(const struct pool *p);

/* Run fn over all parts and wait for them. */
void pool_run(struct pool *p, pool_fn fn, void *ctx);

#endif
