/* bench_load.c -- the loader alone: ds_load() of one dataset, timed.
 *
 *   bench_load PATH REPS TASK DATASET    (a dataset directory or ratings file,
 *                                         or :demo for the built-in demo set)
 *
 * Prints one row of make bench's table (bench.h): the median wall time of
 * REPS loads, ratings per second, and the process's peak resident memory
 * after them, which is the peak of one load: each load is freed before
 * the next.  `collabtui summary` adds the summary and the catalogue on
 * top; this is the loader's own share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "dataset.h"

#define REPS_MAX 100

int main(int argc, char **argv)
{
	int reps = argc == 5 ? atoi(argv[2]) : 0;
	if (reps < 1 || reps > REPS_MAX) {
		fprintf(stderr, "usage: bench_load PATH REPS TASK DATASET  (REPS 1..%d)\n", REPS_MAX);
		return 2;
	}
	double t[REPS_MAX];
	size_t n = 0;
	for (int r = 0; r < reps; r++) {
		struct ds_opts o = { .path = argv[1] };
		if (strcmp(argv[1], ":demo") == 0)
			o.format = ENG_FMT_DEMO;   /* generated, not read */
		char err[512];
		double t0 = clock_now();
		struct ds *ds = ds_load(&o, err, sizeof err);
		t[r] = clock_now() - t0;
		if (!ds) {
			fprintf(stderr, "bench_load: %s\n", err);
			return 1;
		}
		n = ds_n_ratings(ds);
		ds_free(ds);
	}
	double med = bench_median(t, (size_t)reps);
	char a[32], b[32], note[96];
	snprintf(a, sizeof a, "%.3f s", med);
	snprintf(b, sizeof b, "%.3g r/s", (double)n / med);
	snprintf(note, sizeof note, "ds_load() alone, median of %d; %zu ratings", reps, n);
	bench_row(argv[3], argv[4], a, b, bench_peak_rss_mib(), note);
	return 0;
}
