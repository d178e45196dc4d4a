/* bench_fasttrain.c -- the fast trainer's epoch time on one dataset.
 *
 *   bench_fasttrain PATH THREADS EPOCHS K OPT TASK DATASET
 *
 * Loads PATH, holds out a random 20% (seed 42), and trains a dotbias model
 * with k = K factors, without y_range, wd 0.05 (seed 1)
 * for EPOCHS epochs on THREADS threads, with OPT:
 *   sgd    plain SGD, lr 0.01, constant: FPSGD's update
 *   mom    SGD with momentum 0.9, lr 0.001 (the same steady step)
 *   adam   Adam, beta1 0.9, lr 0.002
 *   adarow LIBMF's per-row adaptive rates, lr 0.08, wd 0.02 (LIBMF's -l 0.02)
 * Prints one row of make bench's table (bench.h) named TASK and DATASET:
 * the median epoch time of the training pass alone (the validation pass
 * is timed apart, in the note), training ratings per second per thread,
 * the process's peak RSS, and in the note the median CPU time of an
 * epoch (every thread, validation included: more than the wall time when
 * the threads did run at once), the validation pass, the last validation
 * RMSE and the set-up time (the grid: placing and ordering the ratings).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "dataset.h"
#include "fasttrain.h"

#define EPOCHS_MAX 100

static int usage(void)
{
	fprintf(stderr, "usage: bench_fasttrain PATH THREADS EPOCHS K sgd|mom|adam|adarow TASK DATASET\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc != 8)
		return usage();
	int threads = atoi(argv[2]), epochs = atoi(argv[3]), k = atoi(argv[4]);
	const char *opt = argv[5];
	if (threads < 1 || epochs < 1 || epochs > EPOCHS_MAX || k < 1)
		return usage();
	struct eng_train_hp tc = ftrain_cfg_plain(epochs, 0.01, 0.05);
	tc.threads = threads;
	tc.seed = 1;
	if (strcmp(opt, "mom") == 0) {
		tc.mom = 0.9;
		tc.lr = 0.001;
	} else if (strcmp(opt, "adam") == 0) {
		tc.opt = ENG_OPTIM_ADAM;
		tc.mom = 0.9;
		tc.lr = 0.002;
	} else if (strcmp(opt, "adarow") == 0) {
		tc.opt = ENG_OPTIM_ADAROW;
		tc.lr = 0.08;
		tc.wd = 0.02;
	} else if (strcmp(opt, "sgd") != 0) {
		return usage();
	}
	char err[512];
	struct ds_opts o = { .path = argv[1] };
	struct ds *ds = ds_load(&o, err, sizeof err);
	if (!ds) {
		fprintf(stderr, "bench_fasttrain: %s\n", err);
		return 1;
	}
	struct split sp;
	if (split_random(ds_n_ratings(ds), 0.2, 42, &sp)) {
		fprintf(stderr, "bench_fasttrain: out of memory\n");
		return 1;
	}
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.n_factors = k;
	mc.use_y_range = 0;
	struct model *m = model_new(&mc, err, sizeof err);
	double t0 = clock_now();
	const struct rcols cols = ds_cols(ds);
	struct ftrain *t = m ? ftrain_new(m, &cols, &sp, &tc,
					  1, err, sizeof err) : NULL;
	double setup = clock_now() - t0;
	if (!t) {
		fprintf(stderr, "bench_fasttrain: %s\n", err);
		return 1;
	}
	double ep[EPOCHS_MAX], cpu[EPOCHS_MAX], valid = 0.0;
	struct eng_train_report rep;
	for (int e = 0; e < epochs; e++) {
		double c0 = bench_cpu_seconds();
		t0 = clock_now();
		while (ftrain_step(t, 1000000, &rep) == TRAIN_MORE)
			;
		valid = ftrain_valid_seconds(t);
		ep[e] = clock_now() - t0 - valid;
		cpu[e] = bench_cpu_seconds() - c0;
	}
	double med = bench_median(ep, (size_t)epochs);
	char a[32], b[32], note[192];
	snprintf(a, sizeof a, "%.3f s", med);
	snprintf(b, sizeof b, "%.3g r/s/thr", (double)sp.n_train / med / threads);
	snprintf(note, sizeof note,
		 "median of %d epochs of %zu ratings (CPU %.2f s with validation); validation "
		 "%.3f s, RMSE %.4f; set-up %.2f s",
		 epochs, sp.n_train, bench_median(cpu, (size_t)epochs), valid, sqrt(rep.valid_loss),
		 setup);
	bench_row(argv[6], argv[7], a, b, bench_peak_rss_mib(), note);
	ftrain_free(t);
	model_free(m);
	split_free(&sp);
	ds_free(ds);
	return 0;
}
