/* cmd_eval.c -- `collabtui eval`: train on each fold of a split and report
 * the held-out metrics per fold, with their mean and standard deviation,
 * in the layout of Surprise's cross_validate.
 *
 * The folds: --cv u1-u5 (the canonical files), --cv K (a seeded K-fold
 * split of all ratings), else one fold: --split NAME or the random
 * valid_pct hold-out. */
#include "driver.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runargs.h"

#define EVAL_MAX_FOLDS 20
#define EVAL_K 10               /* precision@10 and friends */
#define EVAL_RELEVANT 4.0f      /* a held-out rating >= 4 is relevant */

enum { M_RMSE, M_MAE, M_PREC, M_RECALL, M_NDCG, M_COVER, M_POP, M_FIT, M_COUNT };

static const char *const row_name[M_COUNT] = {
	"RMSE (testset)", "MAE (testset)", "precision@10", "recall@10",
	"NDCG@10", "coverage", "popularity", "Fit time (s)",
};

struct collector {
	int err_code;
	int have_metrics;
	struct eng_metrics_err err;
	struct eng_metrics_rank rank;
};

static void on_event(void *ctx, const struct eng_evt *ev)
{
	struct collector *c = ctx;
	if (ev->kind == ENG_EVT_ERROR) {
		if (!c->err_code)
			c->err_code = ev->u.error.code;
		fprintf(stderr, "collabtui: %s\n", ev->u.error.msg);
	} else if (ev->kind == ENG_EVT_METRICS) {
		c->have_metrics = 1;
		c->err = ev->u.metrics.err;
		c->rank = ev->u.metrics.rank;
	}
	struct eng_evt owned = *ev;
	eng_evt_release(&owned);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parse --cv: 0 folds for none, -5 for u1-u5, else K in 2..EVAL_MAX_FOLDS. */
static int parse_cv(const char *cv, int *folds)
{
	if (cv[0] == '\0') {
		*folds = 0;
		return 0;
	}
	if (strcmp(cv, "u1-u5") == 0) {
		*folds = -5;
		return 0;
	}
	char *end;
	errno = 0;
	long k = strtol(cv, &end, 10);
	if (errno || *end || end == cv || k < 2 || k > EVAL_MAX_FOLDS)
		return -1;
	*folds = (int)k;
	return 0;
}

/* Train fold f and measure it into vals[.][f]; an exit status. */
static int run_fold(struct eng *e, struct collector *col, struct eng_cmd *load,
		    struct eng_cmd *train, int reload, double vals[M_COUNT][EVAL_MAX_FOLDS],
		    int f)
{
	if (reload && eng_handle(e, load) != 0)
		return EXIT_INPUT;
	double t0 = now_s();
	int rc = eng_handle(e, train);
	while (rc == 0 && eng_busy(e))
		eng_work(e);
	double fit = now_s() - t0;
	if (rc != 0 || col->err_code)
		return rc == ENG_EARG || col->err_code == ENG_EARG ? EXIT_INPUT : EXIT_RUNTIME;
	struct eng_cmd ev = { .kind = ENG_CMD_EVAL, .req_id = 10 };
	ev.u.eval = (struct eng_eval_args){ .k = EVAL_K, .relevant = EVAL_RELEVANT, .clip = 1 };
	col->have_metrics = 0;
	if (eng_handle(e, &ev) != 0 || !col->have_metrics)
		return EXIT_RUNTIME;
	vals[M_RMSE][f] = col->err.rmse;
	vals[M_MAE][f] = col->err.mae;
	vals[M_PREC][f] = col->rank.precision;
	vals[M_RECALL][f] = col->rank.recall;
	vals[M_NDCG][f] = col->rank.ndcg;
	vals[M_COVER][f] = col->rank.coverage;
	vals[M_POP][f] = col->rank.popularity;
	vals[M_FIT][f] = fit;
	return EXIT_OK;
}

static void print_table(const char *model, const char *how, int n,
			double vals[M_COUNT][EVAL_MAX_FOLDS])
{
	printf("Evaluating RMSE, MAE, precision@%d, recall@%d, NDCG@%d of %s on %d split(s) (%s).\n\n",
	       EVAL_K, EVAL_K, EVAL_K, model, n, how);
	printf("%-16s", "");
	for (int f = 0; f < n; f++)
		printf("Fold %-4d", f + 1);
	printf("Mean     Std\n");
	for (int m = 0; m < M_COUNT; m++) {
		double sum = 0.0, ss = 0.0;
		for (int f = 0; f < n; f++)
			sum += vals[m][f];
		double mean = sum / n;
		for (int f = 0; f < n; f++)
			ss += (vals[m][f] - mean) * (vals[m][f] - mean);
		/* popularity is a count of ratings, the rest are rates */
		const char *fmt = m == M_POP ? "%-9.1f" : m == M_FIT ? "%-9.2f" : "%-9.4f";
		printf("%-16s", row_name[m]);
		for (int f = 0; f < n; f++)
			printf(fmt, vals[m][f]);
		printf(fmt, mean);
		printf(m == M_POP ? "%.1f\n" : "%.4f\n", sqrt(ss / n));
	}
}

static int run(const struct opts *o)
{
	static const char *const canonical[5] = { "u1", "u2", "u3", "u4", "u5" };
	int folds;
	if (parse_cv(o->cv, &folds) != 0) {
		fprintf(stderr, "collabtui: --cv: expected u1-u5 or a number of folds 2..%d, "
			"got \"%s\"\n", EVAL_MAX_FOLDS, o->cv);
		return EXIT_INPUT;
	}
	if (folds != 0 && o->split[0]) {
		fprintf(stderr, "collabtui: --cv and --split both choose the split; give one\n");
		return EXIT_INPUT;
	}
	struct eng_cmd load = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	struct eng_cmd train = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	int st = runargs_build(o, &load.u.load, &train.u.train);
	if (st != EXIT_OK)
		return st;
	struct collector col = {0};
	struct eng *e = eng_new(on_event, &col);
	if (!e) {
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	runargs_keep_history(e);
	static double vals[M_COUNT][EVAL_MAX_FOLDS];
	int n = folds == 0 ? 1 : folds < 0 ? -folds : folds;
	char how[64];
	if (folds < 0)
		snprintf(how, sizeof how, "u1-u5");
	else if (folds > 0)
		snprintf(how, sizeof how, "%d-fold, seed %llu", folds,
			 (unsigned long long)train.u.train.train.seed);
	else if (o->split[0])
		snprintf(how, sizeof how, "%s.base / %s.test", o->split, o->split);
	else
		snprintf(how, sizeof how, "random %g hold-out", train.u.train.valid_pct);
	st = folds >= 0 && eng_handle(e, &load) != 0 ? EXIT_INPUT : EXIT_OK;
	for (int f = 0; f < n && st == EXIT_OK; f++) {
		if (folds < 0)
			snprintf(load.u.load.split, sizeof load.u.load.split, "%s", canonical[f]);
		train.u.train.folds = folds > 0 ? folds : 0;
		train.u.train.fold = f;
		st = run_fold(e, &col, &load, &train, folds < 0, vals, f);
	}
	eng_free(e);
	if (st == EXIT_OK)
		cli_label_demo(o);
	if (st == EXIT_OK)
		print_table(vocab_model_setting_word(o->cfg.model, o->cfg.fit), how, n, vals);
	return st;
}

const struct cmd_entry cmd_eval = {
	.name = "eval",
	.id = CMD_EVAL,
	.summary = "train and report RMSE, MAE, precision/recall/NDCG@10, per fold",
	.run = run,
};
