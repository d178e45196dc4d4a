/* bench.h -- what the benchmark programs share: the clock (engine/clock.h)
 * and sorting samples to read medians and percentiles off them. */
#ifndef COLLABTUI_BENCH_H
#define COLLABTUI_BENCH_H

#include <stdlib.h>

#include "clock.h"

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sort n samples ascending in place. */
static inline void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
}

#endif
