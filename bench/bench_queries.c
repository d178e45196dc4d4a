/* bench_queries.c -- how long the engine takes to answer the insight
 * queries, on MovieLens 100K or on a large synthetic set.
 *
 *   bench_queries ml-100k DATASETS   the chapter's run (title items, 5
 *                                    epochs of fastai's fit, seed 1) on
 *                                    DATASETS/ml-100k
 *   bench_queries synth DIR NAME     DIR's ratings.csv (collabtui synth),
 *                                    one epoch of the fast trainer: dotbias,
 *                                    k = 50, no y_range, plain SGD lr 0.01,
 *                                    wd 0.05, seed 1, 2 threads; NAME labels
 *                                    the rows
 *
 * Each query goes through eng_handle() as a front end sends it, reply
 * event included.  Two lines time one query each, cold:
 *   query-first-after-load   the first query on the loaded data (a
 *                            recommendation without a model, by shrunk
 *                            mean rating; the engine builds the per-item
 *                            statistics when it loads);
 *   query-first-after-train  the first recommendation after training (the
 *                            fold-in prior is estimated; the engine drops
 *                            it whenever the model moves, so this is also
 *                            the cost of a recommendation while training
 *                            runs).
 * The others run once (the note gives that first time: caches built),
 * then RUNS times: median, and the 99th percentile in the note.  Targets: ML-100K 1 ms each, PCA 50 ms;
 * item detail 0.1 ms at any size (the movie details view asks on every
 * cursor move);
 * query-recommend-ease and query-recommend-ials (ML-100K only) fold the
 * same ten ratings into a ranking model (rankrec.h; the 1s are "not for
 * me"): a new user's ranked list, 1 ms;
 * the 25M-shaped model 5 ms for recommend, similar and bias.  Rows are in
 * make bench's table format (bench.h); the peak RSS is the process's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_eng.h"
#include "eng.h"
#include "fasttrain.h"

#define RUNS 200
#define PCA_RUNS 20

struct sink {
	int errors;
};

static void on_event(void *ctx, const struct eng_evt *ev)
{
	struct sink *s = ctx;
	if (ev->kind == ENG_EVT_ERROR) {
		fprintf(stderr, "bench_queries: %s\n", ev->u.error.msg);
		s->errors++;
	}
	struct eng_evt owned = *ev;
	eng_evt_release(&owned);
}

static const char *dataset;     /* the rows' dataset column */

/* Time n runs of cmd into t (ms); exits when the engine reports an error. */
static void time_cmd(struct eng *e, struct sink *s, const struct eng_cmd *cmd,
		     double *t, int n)
{
	for (int i = 0; i < n; i++) {
		double t0 = clock_now();
		int rc = eng_handle(e, cmd);
		t[i] = 1e3 * (clock_now() - t0);
		if (rc != 0 || s->errors)
			exit(1);
	}
}

static void row_ms(const char *task, double ms, const char *note)
{
	char med[32];
	if (ms < 0.01)          /* a cached answer: microseconds tell more */
		snprintf(med, sizeof med, "%.2f us", 1e3 * ms);
	else
		snprintf(med, sizeof med, "%.3f ms", ms);
	bench_row(task, dataset, med, "-", bench_peak_rss_mib(), note);
}

/* One cold run. */
static void once(struct eng *e, struct sink *s, const char *task,
		 const struct eng_cmd *cmd, const char *note)
{
	double t;
	time_cmd(e, s, cmd, &t, 1);
	row_ms(task, t, note);
}

/* A first run (which builds the caches, timed for the note), then n
 * timed runs. */
static void warm(struct eng *e, struct sink *s, const char *task,
		 const struct eng_cmd *cmd, int n, const char *what)
{
	static double t[RUNS];
	char note[128];
	double first;
	time_cmd(e, s, cmd, &first, 1);
	time_cmd(e, s, cmd, t, n);
	double med = bench_median(t, (size_t)n);
	snprintf(note, sizeof note, "p99 %.3f ms, first %.3f ms, %d runs; %s",
		 bench_quantile(t, (size_t)n, 0.99), first, n, what);
	row_ms(task, med, note);
}

int main(int argc, char **argv)
{
	int synth = argc == 4 && strcmp(argv[1], "synth") == 0;
	if (!synth && !(argc == 3 && strcmp(argv[1], "ml-100k") == 0)) {
		fprintf(stderr, "usage: bench_queries ml-100k DATASETS | bench_queries synth DIR NAME\n");
		return 2;
	}
	struct sink s = {0};
	struct eng *e = eng_new(on_event, &s);
	if (!e)
		return 1;
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	if (synth) {
		dataset = argv[3];
		snprintf(c.u.load.path, sizeof c.u.load.path, "%s", argv[2]);
	} else {
		dataset = "ml-100k";
		snprintf(c.u.load.path, sizeof c.u.load.path, "%s/ml-100k", argv[2]);
		c.u.load.item_key = ENG_ITEM_KEY_TITLE;
	}
	bench_run_until_idle(e, &s.errors, &c);

	/* a new user with ten ratings: ten items spread over the index
	 * range, rated 5 and 1 alternately */
	struct eng_cmd rec = { .kind = ENG_CMD_RECOMMEND, .req_id = 3 };
	rec.u.recommend.top = 10;
	rec.u.recommend.n = 10;
	for (int j = 0; j < 10; j++)
		rec.u.recommend.r[j] = (struct eng_rating){ (uint32_t)(37 * j + 11), j % 2 ? 1.0f : 5.0f };
	once(e, &s, "query-first-after-load", &rec, "one run; no model yet: by shrunk mean rating");

	struct eng_cmd tr = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	tr.u.train.model = model_cfg_default();
	tr.u.train.train = synth ? ftrain_cfg_plain(1, 0.01, 0.05) : train_cfg_default();
	tr.u.train.train.seed = 1;
	tr.u.train.valid_pct = 0.2;
	if (synth) {
		tr.u.train.fast = 1;
		tr.u.train.model.use_y_range = 0;
		tr.u.train.train.threads = 2;
	}
	bench_run_until_idle(e, &s.errors, &tr);

	once(e, &s, "query-first-after-train", &rec, "one run; the fold-in prior estimated");
	warm(e, &s, "query-recommend-10", &rec, RUNS, "10 ratings: fold-in, score all, top 10");

	struct eng_cmd sim = { .kind = ENG_CMD_SIMILAR, .req_id = 4 };
	sim.u.similar.index = 1;
	sim.u.similar.k = 10;
	warm(e, &s, "query-similar-items-10", &sim, RUNS, "cosine with every item, top 10");
	sim.u.similar.users = 1;
	warm(e, &s, "query-similar-users-10", &sim, RUNS, "cosine with every user, top 10");

	struct eng_cmd bias = { .kind = ENG_CMD_BIAS_LIST, .req_id = 5 };
	bias.u.bias.top = 10;
	bias.u.bias.bottom = 10;
	warm(e, &s, "query-bias-10-10", &bias, RUNS, "highest and lowest 10 item biases");

	struct eng_cmd detail = { .kind = ENG_CMD_ITEM_DETAIL, .req_id = 8 };
	detail.u.item = 1;
	warm(e, &s, "query-item-detail", &detail, RUNS,
	     "one movie's rating histogram (a cursor move in the details view)");

	if (!synth) {
		struct eng_cmd meta = { .kind = ENG_CMD_RECOMMEND_META, .req_id = 6 };
		meta.u.meta.top = 10;
		meta.u.meta.age = 25;
		snprintf(meta.u.meta.gender, sizeof meta.u.meta.gender, "M");
		snprintf(meta.u.meta.occupation, sizeof meta.u.meta.occupation, "engineer");
		warm(e, &s, "query-recommend-meta-10", &meta, RUNS, "age, gender, occupation: top 10");
	}

	if (!synth) {
		/* the ranking models: the same ten ratings folded in at once
		 * (the five 1s are "not for me"), every item scored, top 10,
		 * each explained */
		tr.u.train.train.algo = ENG_FIT_EASE;
		tr.u.train.train.wd = 400;
		tr.u.train.model.use_y_range = 0;
		bench_run_until_idle(e, &s.errors, &tr);
		warm(e, &s, "query-recommend-ease", &rec, RUNS,
		     "ease: x.B, top 10, the liked movie behind each");
		tr.u.train.train.algo = ENG_FIT_IALS;
		tr.u.train.model.n_factors = 160;
		tr.u.train.train.epochs = 15;
		tr.u.train.train.wd = 50;
		tr.u.train.train.alpha = 6;
		tr.u.train.train.threads = 2;
		bench_run_until_idle(e, &s.errors, &tr);
		warm(e, &s, "query-recommend-ials", &rec, RUNS,
		     "ials k 160: one 160x160 solve, top 10, the liked movie behind each");
		tr.u.train.train = train_cfg_default();
		tr.u.train.train.seed = 1;
		tr.u.train.model = model_cfg_default();
		bench_run_until_idle(e, &s.errors, &tr);
	}

	struct eng_cmd pca = { .kind = ENG_CMD_PCA, .req_id = 7 };
	pca.u.pca.top_n = synth ? 1000 : 0;
	pca.u.pca.n_comp = 2;
	warm(e, &s, "query-pca", &pca, PCA_RUNS,
	     synth ? "the 1000 most-rated items" : "all items");

	eng_free(e);
	return 0;
}
