/* bench_queries.c -- how long the engine takes to answer the insight
 * queries on MovieLens 100K, after the chapter's training run.
 *
 *   bench_queries DATASETS      (the folder holding ml-100k/)
 *
 * Each query goes through eng_handle() as a front end sends it, reply
 * event included, with the caches warm (one untimed call first); the
 * first line shows the cold cost of the first recommendation after a
 * model change (normalised matrix and fold-in prior rebuilt).  Prints one
 * table line per query: median and 99th percentile of 1000 runs (PCA:
 * 100).  Targets (issue 4): 1 ms each, PCA 50 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "eng.h"

struct sink {
	int errors;
	int replies;
};

static void on_event(void *ctx, const struct eng_evt *ev)
{
	struct sink *s = ctx;
	if (ev->kind == ENG_EVT_ERROR) {
		fprintf(stderr, "bench_queries: %s\n", ev->u.error.msg);
		s->errors++;
	}
	s->replies++;
	struct eng_evt owned = *ev;
	eng_evt_release(&owned);
}

static void row(const char *task, const double *t, int n)
{
	double *v = malloc((size_t)n * sizeof *v);
	if (!v)
		exit(1);
	memcpy(v, t, (size_t)n * sizeof *v);
	bench_sort(v, (size_t)n);
	double med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
	int i99 = (int)(0.99 * (n - 1) + 0.5);
	char a[32], b[32];
	snprintf(a, sizeof a, "%.3f ms", med);
	snprintf(b, sizeof b, "p99 %.3f ms", v[i99]);
	printf("%-26s %-16s %12s %14s\n", task, "ml-100k", a, b);
	free(v);
}

/* Time n runs of cmd into t; exits when the engine reports an error. */
static void time_cmd(struct eng *e, struct sink *s, const struct eng_cmd *cmd,
		     double *t, int n)
{
	for (int i = 0; i < n; i++) {
		double t0 = (1e3 * clock_now());
		int rc = eng_handle(e, cmd);
		t[i] = (1e3 * clock_now()) - t0;
		if (rc != 0 || s->errors)
			exit(1);
	}
}

/* One table line: a warm-up call (which builds the caches), then n timed
 * runs. */
static void bench(struct eng *e, struct sink *s, const char *task,
		  const struct eng_cmd *cmd, int n)
{
	static double t[1000];
	time_cmd(e, s, cmd, t, 1);
	time_cmd(e, s, cmd, t, n);
	row(task, t, n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_queries DATASETS (the folder holding ml-100k/)\n");
		return 2;
	}
	struct sink s = {0};
	struct eng *e = eng_new(on_event, &s);
	if (!e)
		return 1;
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	snprintf(c.u.load.path, sizeof c.u.load.path, "%s/ml-100k", argv[1]);
	c.u.load.item_key = DS_KEY_TITLE;
	if (eng_handle(e, &c) != 0)
		return 1;
	/* the chapter's run: 50 factors, 5 epochs, lr 5e-3, wd 0.1, bs 64 */
	struct eng_cmd tr = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	tr.u.train.model = model_cfg_default();
	tr.u.train.train = train_cfg_default();
	tr.u.train.train.seed = 1;
	tr.u.train.valid_pct = 0.2;
	if (eng_handle(e, &tr) != 0)
		return 1;
	while (eng_busy(e))
		eng_work(e);

	enum { RUNS = 1000, PCA_RUNS = 100 };
	double t[1];
	printf("%-26s %-16s %12s %14s\n", "task", "dataset", "median", "p99");

	/* a new user with ten ratings: ten items spread over the index
	 * range, rated 5 and 1 alternately */
	struct eng_cmd rec = { .kind = ENG_CMD_RECOMMEND, .req_id = 3 };
	rec.u.recommend.top = 10;
	rec.u.recommend.n = 10;
	for (int j = 0; j < 10; j++)
		rec.u.recommend.r[j] = (struct eng_rating){ (uint32_t)(37 * j + 11), j % 2 ? 1.0f : 5.0f };
	time_cmd(e, &s, &rec, t, 1);
	row("recommend-10-cold", t, 1);
	bench(e, &s, "recommend-10-foldin-top10", &rec, RUNS);

	struct eng_cmd sim = { .kind = ENG_CMD_SIMILAR, .req_id = 4 };
	sim.u.similar.index = 1;
	sim.u.similar.k = 10;
	bench(e, &s, "similar-items-k10", &sim, RUNS);

	sim.u.similar.users = 1;
	bench(e, &s, "similar-users-k10", &sim, RUNS);

	struct eng_cmd bias = { .kind = ENG_CMD_BIAS_LIST, .req_id = 5 };
	bias.u.bias.top = 10;
	bias.u.bias.bottom = 10;
	bench(e, &s, "bias-top10-bottom10", &bias, RUNS);

	struct eng_cmd meta = { .kind = ENG_CMD_RECOMMEND_META, .req_id = 6 };
	meta.u.meta.top = 10;
	meta.u.meta.age = 25;
	snprintf(meta.u.meta.gender, sizeof meta.u.meta.gender, "M");
	snprintf(meta.u.meta.occupation, sizeof meta.u.meta.occupation, "engineer");
	bench(e, &s, "recommend-meta-top10", &meta, RUNS);

	struct eng_cmd pca = { .kind = ENG_CMD_PCA, .req_id = 7 };
	pca.u.pca.top_n = 0;
	pca.u.pca.n_comp = 2;
	bench(e, &s, "pca-all-items", &pca, PCA_RUNS);

	eng_free(e);
	return 0;
}
