/* bench_ials.c -- implicit ALS's sweep time and memory on one dataset.
 *
 *   bench_ials PATH THREADS SWEEPS K TASK DATASET
 *
 * Loads PATH and fits the ials ranking model (rankfit.h) on every rating,
 * k = K factors, wd 50, alpha 6 (the ranking-best preset's), seed 1, for
 * SWEEPS sweeps on THREADS threads through the trainer interface.  Prints
 * one row of make bench's table (bench.h) named TASK and DATASET: the
 * median time of a sweep (users then items, three conjugate-gradient
 * steps per row, and the training loss over every rating), ratings per
 * second per thread, and the process's peak RSS (the dataset, both
 * compressed-row copies of the ratings and the model); the note has the
 * median CPU time of a sweep (every thread: on a loaded machine, what it
 * would take alone), the set-up time (the compressed rows) and the loss
 * after the last sweep.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "clock.h"
#include "dataset.h"
#include "rankfit.h"
#include "train.h"

#define SWEEPS_MAX 20

static int usage(void)
{
	fprintf(stderr, "usage: bench_ials PATH THREADS SWEEPS K TASK DATASET\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc != 7)
		return usage();
	int threads = atoi(argv[2]), sweeps = atoi(argv[3]), k = atoi(argv[4]);
	if (threads < 1 || sweeps < 1 || sweeps > SWEEPS_MAX || k < 1)
		return usage();
	char err[512];
	struct ds_opts o = { .path = argv[1] };
	struct ds *ds = ds_load(&o, err, sizeof err);
	struct split sp;
	if (!ds || split_prefix(ds_n_ratings(ds), ds_n_ratings(ds), &sp) != 0) {
		fprintf(stderr, "bench_ials: %s\n", ds ? "out of memory" : err);
		return 1;
	}
	struct eng_train_hp tc = train_cfg_default();
	tc.algo = ENG_FIT_IALS;
	tc.epochs = sweeps;
	tc.wd = 50.0;
	tc.alpha = 6.0;
	tc.threads = threads;
	tc.seed = 1;
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(ds);
	mc.n_items = ds_n_items(ds);
	mc.n_factors = k;
	mc.use_y_range = 0;
	struct model *m = model_new(&mc, err, sizeof err);
	struct ratings_view v = { .c = ds_cols(ds), .sp = &sp };
	double t0 = clock_now();
	struct trainer *t = m ? trainer_new(&ials_trainer_ops, m, &v, &tc, 1, err, sizeof err)
			      : NULL;
	double setup = clock_now() - t0;
	if (!t) {
		fprintf(stderr, "bench_ials: %s\n", err);
		return 1;
	}
	double sw[SWEEPS_MAX], cpu[SWEEPS_MAX];
	struct eng_train_report rep;
	for (int s = 0; s < sweeps; s++) {
		double c0 = bench_cpu_seconds();
		t0 = clock_now();
		trainer_step(t, 1, &rep);
		sw[s] = clock_now() - t0;
		cpu[s] = bench_cpu_seconds() - c0;
	}
	double med = bench_median(sw, (size_t)sweeps);
	char a[32], b[32], note[192];
	snprintf(a, sizeof a, "%.3f s", med);
	snprintf(b, sizeof b, "%.3g r/s/thr", (double)sp.n_train / med / threads);
	snprintf(note, sizeof note, "ials k %d, median of %d sweeps of %zu ratings (CPU "
		 "%.2f s), loss included; set-up %.2f s, loss %.4f", k, sweeps, sp.n_train,
		 bench_median(cpu, (size_t)sweeps), setup, rep.train_loss);
	bench_row(argv[5], argv[6], a, b, bench_peak_rss_mib(), note);
	trainer_free(t);
	model_free(m);
	split_free(&sp);
	ds_free(ds);
	return 0;
}
