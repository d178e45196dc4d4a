/* bench_scale.c -- a whole fast-trainer run at scale through the engine,
 * as the interface and `collabtui train` drive it.
 *
 *   bench_scale DIR EPOCHS THREADS DATASET
 *
 * Loads DIR's ratings.csv (LOAD_DATA), then sends TRAIN: the fast
 * trainer, dotbias k = 50 without y_range, plain SGD lr 0.01, wd 0.05,
 * constant rate, a random 20% held out, seed 1, for EPOCHS epochs on
 * THREADS threads, and waits for the run to end.  Prints two rows of make
 * bench's table (bench.h), both named after DATASET:
 *   scale-first-update   from TRAIN to the first PROGRESS event: the
 *                        preparation (split, model, block layout) and
 *                        the first step; the load is not included
 *   scale-run-peak-rss   the process's peak RSS over load + split +
 *                        EPOCHS epochs with their validation passes (in
 *                        the median column too), with the last
 *                        validation RMSE and the whole run's time
 *   scale-first-update-again  then TRAIN again with wd 0.04 instead of
 *                        0.05, as one tunes: the same split, factors and
 *                        seed, so the run trains on the first one's block
 *                        layout; TRAIN to its first PROGRESS
 * Issue 15's targets: 1.5 s and 350 MiB on the 25M set, 2 threads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_eng.h"
#include "eng.h"
#include "fasttrain.h"

struct sink {
	int errors;
	double first_progress;  /* clock_now() of the first PROGRESS, 0 before */
	double valid_loss;      /* of the last epoch */
};

static void on_event(void *ctx, const struct eng_evt *ev)
{
	struct sink *s = ctx;
	if (ev->kind == ENG_EVT_ERROR) {
		fprintf(stderr, "bench_scale: %s\n", ev->u.error.msg);
		s->errors++;
	}
	if (ev->kind == ENG_EVT_PROGRESS && s->first_progress == 0.0)
		s->first_progress = clock_now();
	if (ev->kind == ENG_EVT_EPOCH || ev->kind == ENG_EVT_TRAINED)
		s->valid_loss = ev->u.train.report.valid_loss;
	struct eng_evt owned = *ev;
	eng_evt_release(&owned);
}

int main(int argc, char **argv)
{
	if (argc != 5 || atoi(argv[2]) < 1 || atoi(argv[3]) < 1) {
		fprintf(stderr, "usage: bench_scale DIR EPOCHS THREADS DATASET\n");
		return 2;
	}
	int epochs = atoi(argv[2]), threads = atoi(argv[3]);
	struct sink s = {0};
	struct eng *e = eng_new(on_event, &s);
	if (!e)
		return 1;
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	snprintf(c.u.load.path, sizeof c.u.load.path, "%s", argv[1]);
	bench_run_until_idle(e, &s.errors, &c);

	struct eng_cmd tr = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	tr.u.train.model = model_cfg_default();
	tr.u.train.model.use_y_range = 0;
	tr.u.train.train = ftrain_cfg_plain(epochs, 0.01, 0.05);
	tr.u.train.train.seed = 1;
	tr.u.train.train.threads = threads;
	tr.u.train.valid_pct = 0.2;
	tr.u.train.fast = 1;
	double t0 = clock_now();
	bench_run_until_idle(e, &s.errors, &tr);
	double run = clock_now() - t0, first = s.first_progress - t0;
	double rss = bench_peak_rss_mib(), valid_loss = s.valid_loss;

	tr.req_id = 3;
	tr.u.train.train = ftrain_cfg_plain(1, 0.01, 0.04);
	tr.u.train.train.seed = 1;
	tr.u.train.train.threads = threads;
	s.first_progress = 0.0;
	double t1 = clock_now();
	bench_run_until_idle(e, &s.errors, &tr);
	double again = s.first_progress - t1;
	eng_free(e);

	char a[32], note[192];
	snprintf(a, sizeof a, "%.3f s", first);
	snprintf(note, sizeof note, "TRAIN to the first progress event, %d threads: split, "
		 "model, block layout, first step (load excluded)", threads);
	bench_row("scale-first-update", argv[4], a, "-", -1, note);
	snprintf(a, sizeof a, "%.0f MiB", rss);
	snprintf(note, sizeof note, "load + split + %d epochs + validation, %d threads; "
		 "RMSE %.4f, run %.2f s (LIBMF 341 MiB)", epochs, threads, sqrt(valid_loss), run);
	bench_row("scale-run-peak-rss", argv[4], a, "-", rss, note);
	snprintf(a, sizeof a, "%.3f s", again);
	snprintf(note, sizeof note, "TRAIN again with another wd, %d threads: split, model, "
		 "the first run's block layout, first step", threads);
	bench_row("scale-first-update-again", argv[4], a, "-", -1, note);
	return 0;
}
