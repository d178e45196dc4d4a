/* bench_fasttrain.c -- the fast trainer's epoch time on one dataset.
 *
 *   bench_fasttrain PATH [THREADS [EPOCHS [FACTORS]]]
 *
 * Loads PATH, holds out a random 20% (seed 42), and trains a dotbias model
 * without y_range (LIBMF's setting: lr 0.01, wd 0.05, constant rate) for
 * EPOCHS epochs (default 5) with k = FACTORS (default 50).  Validation is
 * timed apart from training: the epoch line is the SGD pass alone.
 * Prints the median epoch time, ratings per second per thread, the
 * validation pass's time, the last validation RMSE and the peak RSS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "dataset.h"
#include "fasttrain.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_fasttrain PATH [THREADS [EPOCHS [FACTORS]]]\n");
		return 2;
	}
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	int epochs = argc > 3 ? atoi(argv[3]) : 5;
	int k = argc > 4 ? atoi(argv[4]) : 50;
	if (epochs < 1 || epochs > 1000)
		epochs = 5;
	char err[512];
	struct ds_opts o = { .path = argv[1] };
	struct ds *ds = ds_load(&o, err, sizeof err);
	if (!ds) {
		fprintf(stderr, "bench_fasttrain: %s\n", err);
		return 1;
	}
	struct split sp, train_only;
	if (split_random(ds_n_ratings(ds), 0.2, 42, &sp)) {
		fprintf(stderr, "bench_fasttrain: out of memory\n");
		return 1;
	}
	train_only = sp;
	train_only.n_valid = 0;
	struct model_cfg mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.n_factors = k;
	mc.use_y_range = 0;
	struct model *m = model_new(&mc, err, sizeof err);
	struct train_cfg tc = train_cfg_default();
	tc.epochs = epochs;
	tc.lr = 0.01;
	tc.wd = 0.05;
	tc.sched = SCHED_CONSTANT;
	tc.opt = OPTIM_SGD;
	tc.mom = 0.0;
	tc.threads = threads;
	struct ftrain *t = m ? ftrain_new(m, ds_users(ds), ds_items(ds), ds_ratings(ds),
					  &train_only, &tc, 1, err, sizeof err) : NULL;
	if (!t) {
		fprintf(stderr, "bench_fasttrain: %s\n", err);
		return 1;
	}
	double ep[1000], valid_s = 0.0, mse = NAN;
	struct train_report rep;
	for (int e = 0; e < epochs; e++) {
		double t0 = clock_now();
		while (ftrain_step(t, 1000000, &rep) == TRAIN_MORE)
			;
		ep[e] = clock_now() - t0;
		t0 = clock_now();
		mse = model_mse_idx(m, ds_users(ds), ds_items(ds), ds_ratings(ds), sp.valid,
				    sp.n_valid);
		valid_s = clock_now() - t0;
	}
	bench_sort(ep, (size_t)epochs);
	double med = epochs % 2 ? ep[epochs / 2] : (ep[epochs / 2 - 1] + ep[epochs / 2]) / 2;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("fast trainer k=%d threads=%d: epoch median %.3f s of %d (%zu ratings, %.3g /s/thread), "
	       "validation %.3f s, valid RMSE %.4f, peak RSS %.1f MiB\n",
	       k, threads, med, epochs, sp.n_train, (double)sp.n_train / med / threads, valid_s,
	       sqrt(mse), (double)ru.ru_maxrss / 1024.0);
	ftrain_free(t);
	model_free(m);
	split_free(&sp);
	ds_free(ds);
	return 0;
}
