/* bench_load.c -- the loader alone: ds_load() of one dataset, timed.
 *
 *   bench_load PATH [REPS]     (a dataset directory or ratings file)
 *
 * Prints the median wall time of REPS loads (default 3) and the process's
 * peak resident memory after them, which is the peak of one load: each
 * load is freed before the next.  `collabtui summary` adds the summary
 * and the catalogue on top; this is the loader's own share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "dataset.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_load PATH [REPS]\n");
		return 2;
	}
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	if (reps < 1 || reps > 100)
		reps = 3;
	double t[100];
	size_t n = 0;
	for (int r = 0; r < reps; r++) {
		struct ds_opts o = { .path = argv[1] };
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
	bench_sort(t, (size_t)reps);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double med = reps % 2 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
	printf("load %zu ratings: median %.3f s of %d, %.3g ratings/s, peak RSS %.1f MiB\n",
	       n, med, reps, (double)n / med, (double)ru.ru_maxrss / 1024.0);
	return 0;
}
