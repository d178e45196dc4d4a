/* clock.h -- the monotonic wall clock the engine times epochs and work
 * chunks with (and the benchmarks measure with). */
#ifndef COLLABTUI_CLOCK_H
#define COLLABTUI_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC: only differences mean anything. */
static inline double clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
