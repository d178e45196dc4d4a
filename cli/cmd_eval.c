/* cmd_eval.c -- `collabtui eval`: train on each fold of a split and report
 * the held-out metrics per fold, with their mean and standard deviation,
 * in the layout of Surprise's cross_validate.
 *
 * The folds: --cv u1-u5 (the canonical files), --cv K (a seeded K-fold
 * split of all ratings), else one fold: --split NAME or the random
 * valid_pct hold-out.
 *
 * --protocol ranking is Microsoft Recommenders' top-10 benchmark instead:
 * per seed (--seeds N: seed, seed + 1, ...) a 75/25 split of each user's
 * ratings, every held-out item relevant whatever its rating, the items a
 * user trained on left out of their list, k = 10; precision, recall,
 * NDCG and MAP as that library defines them, with coverage, the lists'
 * share of the 10% most-rated items, and the fit time. */
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
#define RANK_SEEDS 5            /* --protocol ranking's default --seeds */
#define RANK_VALID 0.25         /* its per-user test share */

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

/* Run train, then EVAL under args: the metrics in col, the training's
 * wall time in *fit; an exit status. */
static int train_and_eval(struct eng *e, struct collector *col, struct eng_cmd *train,
			  const struct eng_eval_args *args, double *fit)
{
	double t0 = now_s();
	int rc = eng_handle(e, train);
	while (rc == 0 && eng_busy(e))
		eng_work(e);
	*fit = now_s() - t0;
	if (rc != 0 || col->err_code)
		return rc == ENG_EARG || col->err_code == ENG_EARG ? EXIT_INPUT : EXIT_RUNTIME;
	struct eng_cmd ev = { .kind = ENG_CMD_EVAL, .req_id = 10 };
	ev.u.eval = *args;
	col->have_metrics = 0;
	if (eng_handle(e, &ev) != 0 || !col->have_metrics)
		return EXIT_RUNTIME;
	return EXIT_OK;
}

/* Train fold f and measure it into vals[.][f]; an exit status. */
static int run_fold(struct eng *e, struct collector *col, struct eng_cmd *load,
		    struct eng_cmd *train, int reload, double vals[M_COUNT][EVAL_MAX_FOLDS],
		    int f)
{
	if (reload && eng_handle(e, load) != 0)
		return EXIT_INPUT;
	const struct eng_eval_args args = { .k = EVAL_K, .relevant = EVAL_RELEVANT, .clip = 1 };
	double fit;
	int st = train_and_eval(e, col, train, &args, &fit);
	if (st != EXIT_OK)
		return st;
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

/* A table: a header of columns "WORD first", "WORD first+1", ..., then
 * each row's value per column, their mean and standard deviation;
 * fmt_of(m) is row m's number format. */
static void print_rows(const char *word, uint64_t first, const char *const *names,
		       int row0, int n_rows, int n, double vals[][EVAL_MAX_FOLDS],
		       const char *(*fmt_of)(int m))
{
	printf("%-16s", "");
	for (int f = 0; f < n; f++)
		printf("%s %-4llu", word, (unsigned long long)(first + (uint64_t)f));
	printf("Mean     Std\n");
	for (int m = row0; m < n_rows; m++) {
		double sum = 0.0, ss = 0.0;
		for (int f = 0; f < n; f++)
			sum += vals[m][f];
		double mean = sum / n;
		for (int f = 0; f < n; f++)
			ss += (vals[m][f] - mean) * (vals[m][f] - mean);
		const char *fmt = fmt_of(m);
		printf("%-16s", names[m]);
		for (int f = 0; f < n; f++)
			printf(fmt, vals[m][f]);
		printf(fmt, mean);
		/* the deviation to the mean's precision, at least 4 places */
		printf(strstr(fmt, ".1f") ? "%.1f\n" : "%.4f\n", sqrt(ss / n));
	}
}

/* popularity is a count of ratings, the rest are rates */
static const char *fold_fmt(int m)
{
	return m == M_POP ? "%-9.1f" : m == M_FIT ? "%-9.2f" : "%-9.4f";
}

/* A ranking model's scores are not ratings: its table leaves out RMSE
 * and MAE (which would read as a very bad rating model) and says so. */
static void print_table(const char *model, int ranking, const char *how, int n,
			double vals[M_COUNT][EVAL_MAX_FOLDS])
{
	printf("Evaluating %sprecision@%d, recall@%d, NDCG@%d of %s on %d split(s) (%s).\n",
	       ranking ? "" : "RMSE, MAE, ", EVAL_K, EVAL_K, EVAL_K, model, n, how);
	if (ranking)
		printf("%s is a ranking model: its scores are not ratings, so there is no RMSE "
		       "or MAE;\n--protocol ranking is the benchmark's protocol for it.\n", model);
	printf("\n");
	print_rows("Fold", 1, row_name, ranking ? M_PREC : 0, M_COUNT, n, vals, fold_fmt);
}

/* The load and train commands of o's settings and an engine reporting to
 * col, with the run history kept: EXIT_OK with *e set, or an exit status. */
static int open_engine(const struct opts *o, struct eng_cmd *load, struct eng_cmd *train,
		       struct collector *col, struct eng **e)
{
	*load = (struct eng_cmd){ .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	*train = (struct eng_cmd){ .kind = ENG_CMD_TRAIN, .req_id = 2 };
	int st = runargs_build(o, &load->u.load, &train->u.train);
	if (st != EXIT_OK)
		return st;
	*e = eng_new(on_event, col);
	if (!*e) {
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	runargs_keep_history(*e);
	return EXIT_OK;
}

enum { R_PREC, R_RECALL, R_NDCG, R_MAP, R_COVER, R_POP, R_FIT, R_COUNT };

static const char *const rank_row_name[R_COUNT] = {
	"precision@10", "recall@10", "NDCG@10", "MAP", "coverage", "pop share",
	"Fit time (s)",
};

static const char *rank_fmt(int m)
{
	return m == R_FIT ? "%-9.2f" : "%-9.4f";
}

/* Train on seed f's per-user split and rank: vals[.][f]; an exit status. */
static int run_rank_seed(struct eng *e, struct collector *col, struct eng_cmd *train,
			 double vals[R_COUNT][EVAL_MAX_FOLDS], int f)
{
	/* every held-out item is relevant, whatever its rating */
	const struct eng_eval_args args = { .k = EVAL_K, .relevant = -INFINITY };
	double fit;
	int st = train_and_eval(e, col, train, &args, &fit);
	if (st != EXIT_OK)
		return st;
	vals[R_PREC][f] = col->rank.precision;
	vals[R_RECALL][f] = col->rank.recall;
	vals[R_NDCG][f] = col->rank.ndcg;
	vals[R_MAP][f] = col->rank.map;
	vals[R_COVER][f] = col->rank.coverage;
	vals[R_POP][f] = col->rank.pop_share;
	vals[R_FIT][f] = fit;
	return EXIT_OK;
}

static int run_ranking(const struct opts *o)
{
	int n = o->seeds < 0 ? RANK_SEEDS : o->seeds;
	if (n < 1 || n > EVAL_MAX_FOLDS) {
		fprintf(stderr, "collabtui: --seeds: expected 1..%d\n", EVAL_MAX_FOLDS);
		return EXIT_INPUT;
	}
	if (o->cv[0] || o->split[0]) {
		fprintf(stderr, "collabtui: --protocol ranking makes its own split; "
			"drop --cv and --split\n");
		return EXIT_INPUT;
	}
	struct eng_cmd load, train;
	struct collector col = {0};
	struct eng *e;
	int st = open_engine(o, &load, &train, &col, &e);
	if (st != EXIT_OK)
		return st;
	train.u.train.per_user = 1;
	train.u.train.valid_pct = RANK_VALID;
	uint64_t seed0 = train.u.train.train.seed;
	static double vals[R_COUNT][EVAL_MAX_FOLDS];
	st = eng_handle(e, &load) != 0 ? EXIT_INPUT : EXIT_OK;
	for (int f = 0; f < n && st == EXIT_OK; f++) {
		train.u.train.train.seed = seed0 + (uint64_t)f;
		st = run_rank_seed(e, &col, &train, vals, f);
	}
	eng_free(e);
	if (st != EXIT_OK)
		return st;
	cli_label_demo(o);
	printf("Ranking protocol (Microsoft Recommenders): %s, per-user 75/25 split, "
	       "seeds %llu..%llu,\nevery test item relevant, training items left out, "
	       "k = %d.\n\n", vocab_model_setting_word(o->cfg.model, o->cfg.fit),
	       (unsigned long long)seed0, (unsigned long long)(seed0 + (uint64_t)n - 1), EVAL_K);
	print_rows("Seed", seed0, rank_row_name, 0, R_COUNT, n, vals, rank_fmt);
	return EXIT_OK;
}

static int run(const struct opts *o)
{
	if (o->protocol_ranking)
		return run_ranking(o);
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
	struct eng_cmd load, train;
	struct collector col = {0};
	struct eng *e;
	int st = open_engine(o, &load, &train, &col, &e);
	if (st != EXIT_OK)
		return st;
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
		print_table(vocab_model_setting_word(o->cfg.model, o->cfg.fit),
			    o->cfg.fit == VOCAB_FIT_EASE || o->cfg.fit == VOCAB_FIT_IALS ||
			    o->cfg.fit == VOCAB_FIT_POP, how, n, vals);
	return st;
}

const struct cmd_entry cmd_eval = {
	.name = "eval",
	.id = CMD_EVAL,
	.summary = "train and report RMSE, MAE, precision/recall/NDCG@10, per fold",
	.run = run,
};
