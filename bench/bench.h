/* bench.h -- what the benchmark programs share: the clock (engine/util/clock.h),
 * medians and percentiles of samples, the process's peak RSS, and the
 * line format of make bench's one table (bench/run.sh prints the header
 * and its own lines in the same columns: BENCH_ROW_FMT). */
#ifndef COLLABTUI_BENCH_H
#define COLLABTUI_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "clock.h"

/* task, dataset, median, throughput, peak RSS, note */
#define BENCH_ROW_FMT "%-26s %-14s %12s %18s %10s  %s\n"

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

/* The median of n > 0 samples, which end up sorted. */
static inline double bench_median(double *v, size_t n)
{
	bench_sort(v, n);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The q-quantile (0..1) of n > 0 sorted samples, nearest rank. */
static inline double bench_quantile(const double *v, size_t n, double q)
{
	return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

/* The process's peak resident memory so far, in MiB. */
static inline double bench_peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* CPU time (user + system, every thread) the process has used, in s. */
static inline double bench_cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
	       (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* One table line; median and throughput are preformatted ("-" for
 * none), rss_mib < 0 prints "-". */
static inline void bench_row(const char *task, const char *dataset, const char *median,
			     const char *throughput, double rss_mib, const char *note)
{
	char rss[32];
	if (rss_mib < 0)
		snprintf(rss, sizeof rss, "-");
	else
		snprintf(rss, sizeof rss, "%.0f MiB", rss_mib);
	printf(BENCH_ROW_FMT, task, dataset, median, throughput, rss, note);
	fflush(stdout);
}

#endif
