/* cmd_insight.c -- the insight commands: `bias`, `similar`, `pca` and
 * `recommend`.  The driver loads the data and trains (or loads) a model;
 * each command's check turns its options into an engine command and
 * resolves what it names (a title, the ratings file, the user's metadata)
 * before any training starts, and its report sends the query and prints
 * the reply as aligned plain text on stdout (errors on stderr).  The four
 * share the ranked-row printer and the checks, hence one file. */
#include "driver.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <strings.h>

#include "myratings.h"
#include "occupation.h"

/* Defaults of the options left at -1. */
#define DEF_TOP 10
#define DEF_PCA_TOP 1000        /* the book maps the 1000 most-rated movies */
#define DEF_COMPONENTS 3
#define DEF_K 10
#define SHOW_MATCHES 20         /* ambiguous titles listed */

#define AGE_MAX 120

/* A command's query, built and checked before training. */
struct query {
	struct eng_cmd cmd;
	struct myratings mine;          /* recommend --ratings */
};

static int or_default(int v, int def)
{
	return v < 0 ? def : v;
}

/* What every insight command checks: a model it can read.  The nn model
 * has no factors or biases to inspect, so it is refused before training
 * it (a --load'ed one is refused by the engine, at no cost). */
static int check_model(struct cli_session *s)
{
	if (!s->o->load && s->train->model.kind == ENG_MODEL_NN)
		return cli_refuse("%s needs a dot or dotbias model: the nn model has no "
			      "biases and no factors to compare or fold a user into",
			      s->o->cmd->name);
	return EXIT_OK;
}

/* A count option within 1..max. */
static int check_range(const char *flag, int v, int max)
{
	if (v < 1 || v > max)
		return cli_refuse("%s: expected 1..%d, got %d", flag, max, v);
	return EXIT_OK;
}

static void print_ranked(const struct eng_catalog *cat, const struct eng_ranked *e,
			 int rank, const char *fmt_score)
{
	printf("%4d  ", rank);
	printf(fmt_score, e->score);
	if (isnan(e->mean))
		printf("     -");
	else
		printf("  %4.2f", e->mean);
	printf("  %5u  %s", e->n_ratings, cat->items[e->idx].title);
}

/* ---- bias ------------------------------------------------------------------ */

static int check_bias(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct opts *o = s->o;
	q->cmd = (struct eng_cmd){ .kind = ENG_CMD_BIAS_LIST, .req_id = 10 };
	q->cmd.u.bias.top = or_default(o->top, DEF_TOP);
	q->cmd.u.bias.bottom = or_default(o->bottom, DEF_TOP);
	q->cmd.u.bias.min_ratings = (uint32_t)or_default(o->min_ratings, 0);
	if (q->cmd.u.bias.top + q->cmd.u.bias.bottom > ENG_TOPN_MAX)
		return cli_refuse("--top and --bottom: together at most %d", ENG_TOPN_MAX);
	return check_model(s);
}

static int report_bias(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct eng_catalog *cat = s->cat;
	const struct eng_cmd *c = &q->cmd;
	int st = cli_ask(s, c);
	if (st != EXIT_OK)
		return st;
	const struct eng_bias_list *b = &s->reply->u.bias_list;
	char cond[64] = "";
	if (b->min_ratings)
		snprintf(cond, sizeof cond, " (movies with at least %u ratings)", b->min_ratings);
	for (int part = 0; part < 2; part++) {
		int n = part ? b->n_bottom : b->n_top, off = part ? b->n_top : 0;
		if (part ? c->u.bias.bottom == 0 : c->u.bias.top == 0)
			continue;
		if (part && c->u.bias.top)
			printf("\n");
		printf("%s item bias%s\n", part ? "Lowest" : "Highest", cond);
		printf("rank     bias  mean      n  title\n");
		for (int j = 0; j < n; j++) {
			print_ranked(cat, &b->e[off + j], j + 1, "%+7.3f");
			printf("\n");
		}
	}
	return EXIT_OK;
}

/* ---- similar ------------------------------------------------------------- */

static int check_similar(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct opts *o = s->o;
	if (!o->query || !*o->query)
		return cli_refuse("similar needs a title: collabtui similar \"TITLE\"");
	uint32_t m[SHOW_MATCHES];
	int nm;
	long it = myratings_find_title(s->cat, o->query, m, SHOW_MATCHES, &nm);
	if (it < 0) {
		char why[4096];
		myratings_title_error(s->cat, o->query, it, m, nm, SHOW_MATCHES, why, sizeof why);
		return cli_refuse("%s", why);
	}
	q->cmd = (struct eng_cmd){ .kind = ENG_CMD_SIMILAR, .req_id = 11 };
	q->cmd.u.similar.index = (uint32_t)it;
	q->cmd.u.similar.k = or_default(o->k, DEF_K);
	int st = check_range("-k/--k", q->cmd.u.similar.k, ENG_TOPN_MAX);
	return st != EXIT_OK ? st : check_model(s);
}

static int report_similar(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct eng_catalog *cat = s->cat;
	int st = cli_ask(s, &q->cmd);
	if (st != EXIT_OK)
		return st;
	const struct eng_similar *r = &s->reply->u.similar;
	printf("Movies similar to %s (cosine of the item factors)\n",
	       cat->items[q->cmd.u.similar.index].title);
	printf("rank   cosine  mean      n  title\n");
	for (int j = 0; j < r->n; j++) {
		print_ranked(cat, &r->e[j], j + 1, "%7.3f");
		printf("\n");
	}
	return EXIT_OK;
}

/* ---- pca ------------------------------------------------------------------- */

struct proj {
	float v;
	uint32_t item;
};

static int by_v_desc(const void *a, const void *b)
{
	const struct proj *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static int check_pca(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct opts *o = s->o;
	q->cmd = (struct eng_cmd){ .kind = ENG_CMD_PCA, .req_id = 12 };
	q->cmd.u.pca.top_n = (uint32_t)or_default(o->top, DEF_PCA_TOP);
	q->cmd.u.pca.n_comp = or_default(o->components, DEF_COMPONENTS);
	/* a loaded model's factors are known only to the engine */
	int k = o->load ? 1000000 : s->train->model.n_factors;
	if (q->cmd.u.pca.n_comp < 1 || q->cmd.u.pca.n_comp > k)
		return cli_refuse("--components: expected 1..%d (the factors), got %d", k,
			      q->cmd.u.pca.n_comp);
	return check_model(s);
}

static int report_pca(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct eng_catalog *cat = s->cat;
	int st = cli_ask(s, &q->cmd);
	if (st != EXIT_OK)
		return st;
	const struct eng_pca *p = s->reply->u.pca;
	struct proj *v = malloc((size_t)p->n * sizeof *v);
	if (!v) {
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	uint32_t per_end = (uint32_t)or_default(s->o->k, DEF_K);
	if (per_end > p->n / 2)
		per_end = p->n / 2;
	printf("PCA of the item factors of the %u most-rated movies\n", p->n);
	for (int comp = 0; comp < p->n_comp; comp++) {
		for (uint32_t j = 0; j < p->n; j++)
			v[j] = (struct proj){ p->proj[(size_t)j * p->n_comp + comp], p->items[j] };
		qsort(v, p->n, sizeof *v, by_v_desc);
		printf("\nPC%d  %.1f%% of the variance\n", comp + 1, 100.0 * p->share[comp]);
		printf("  high end\n");
		for (uint32_t j = 0; j < per_end; j++)
			printf("  %+7.3f  %s\n", v[j].v, cat->items[v[j].item].title);
		printf("  low end\n");
		for (uint32_t j = 0; j < per_end; j++) {
			const struct proj *r = &v[p->n - 1 - j];
			printf("  %+7.3f  %s\n", r->v, cat->items[r->item].title);
		}
	}
	free(v);
	return EXIT_OK;
}

/* ---- recommend ------------------------------------------------------------- */

/* --gender: one letter, M or F (ML-100K's and ML-1M's u.user). */
static int check_gender(const char *g)
{
	return (g[0] == 'M' || g[0] == 'F' || g[0] == 'm' || g[0] == 'f') && !g[1];
}

/* recommend's input: your ratings (read and resolved now, so a bad line
 * costs no training), or your age, gender and occupation. */
static int check_recommend(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct opts *o = s->o;
	int top = or_default(o->top, DEF_TOP);
	q->cmd = (struct eng_cmd){ .req_id = 13 };
	if (o->include_me && (!o->ratings || o->load))
		return cli_refuse("--include-me goes with recommend --ratings FILE, and trains "
			      "afresh (not with --load)");
	int st = check_range("--top", top, ENG_TOPN_MAX);
	if (st != EXIT_OK)
		return st;
	if (o->ratings) {
		char err[1200];
		int rc = myratings_load(&q->mine, o->ratings, s->cat, s->summary->rating_min,
					s->summary->rating_max, err, sizeof err);
		if (rc == 1)
			return cli_refuse("%s: %s", o->ratings, strerror(ENOENT));
		if (rc != 0)
			return cli_refuse("%s", err);
		if (q->mine.n == 0)
			return cli_refuse("%s: no ratings (expected lines title_or_id,rating)",
				      o->ratings);
		q->cmd.kind = ENG_CMD_RECOMMEND;
		q->cmd.u.recommend.top = top;
		q->cmd.u.recommend.n = q->mine.n;
		memcpy(q->cmd.u.recommend.r, q->mine.r, (size_t)q->mine.n * sizeof q->mine.r[0]);
		if (o->include_me) {
			/* Your ratings join training as one more user ("retrain
			 * with you included"); recommend answers from the row
			 * training learned for you (ENG_RECS_TRAINED). */
			s->train->n_mine = q->mine.n;
			memcpy(s->train->mine, q->mine.r, (size_t)q->mine.n * sizeof q->mine.r[0]);
		}
	} else if (o->age >= 0 || o->gender || o->occupation) {
		struct eng_meta_args *m = &q->cmd.u.meta;
		q->cmd.kind = ENG_CMD_RECOMMEND_META;
		m->top = top;
		m->age = or_default(o->age, 30);
		if (o->age >= 0 && (o->age < 1 || o->age > AGE_MAX))
			return cli_refuse("--age: expected 1..%d, got %d", AGE_MAX, o->age);
		if (o->gender && !check_gender(o->gender))
			return cli_refuse("--gender: expected M or F, got \"%s\"", o->gender);
		if (o->occupation && !occupation_known(o->occupation))
			return cli_refuse("--occupation: expected one of %s; got \"%s\"",
				      OCCUPATION_LIST, o->occupation);
		/* the datasets write M and F */
		snprintf(m->gender, sizeof m->gender, "%s", o->gender ? o->gender : "");
		m->gender[0] = (char)toupper((unsigned char)m->gender[0]);
		snprintf(m->occupation, sizeof m->occupation, "%s",
			 o->occupation ? o->occupation : "");
	} else {
		return cli_refuse("recommend needs --ratings FILE, or --age, --gender and "
			      "--occupation");
	}
	return check_model(s);
}

static int report_recommend(struct cli_session *s)
{
	struct query *q = s->ctx;
	const struct eng_catalog *cat = s->cat;
	const struct eng_meta_args *m = &q->cmd.u.meta;
	int st = cli_ask(s, &q->cmd);
	if (st != EXIT_OK)
		return st;
	const struct eng_recs *r = &s->reply->u.recs;
	if (r->basis == ENG_RECS_FOLDIN)
		printf("Recommendations from your %d ratings (folded in; ridge prior %.3g on "
		       "the factors, %.3g on the bias)\n", r->n_rated, r->lambda_f, r->lambda_b);
	else if (r->basis == ENG_RECS_TRAINED)
		printf("Recommendations from your %d ratings (trained in with the model "
		       "as one more user: your own row, no fold-in)\n", r->n_rated);
	else if (r->basis == ENG_RECS_META)
		printf("Recommendations for age %d, gender %s, occupation %s (from the "
		       "users' metadata)%s%s\n", m->age,
		       *m->gender ? m->gender : "?",
		       *m->occupation ? m->occupation : "?",
		       r->unknown & ENG_RECS_UNKNOWN_GENDER ? "; gender not recognised" : "",
		       r->unknown & ENG_RECS_UNKNOWN_OCCUPATION ? "; occupation not recognised" : "");
	else if (r->basis == ENG_RECS_RANKED)
		printf("Recommendations ranked by %s from your %d ratings (%d watched and "
		       "liked, folded in; %d below the scale's middle count as not for me)\n",
		       r->model, r->n_rated, r->n_liked, r->n_rated - r->n_liked);
	else
		printf("Recommendations by popularity (%s)\n", r->note);
	int ranked = r->basis == ENG_RECS_RANKED;
	printf(ranked ? "rank    score  mean      n  title\n" : "rank   rating  mean      n  title\n");
	for (int j = 0; j < r->n; j++) {
		print_ranked(cat, &r->e[j], j + 1, "%7.2f");
		if (r->e[j].because != UINT32_MAX)
			printf(ranked ? "  (most from your %s)" : "  (because you rated %s)",
			       cat->items[r->e[j].because].title);
		printf("\n");
	}
	printf("popularity: %.0f%% of these are among the 10%% most-rated movies\n",
	       100.0 * r->pop_share);
	if (r->coverage_lists)
		printf("coverage: the top-%d lists of %s%u users hold %.1f%% of the %u movies\n",
		       ENG_COVERAGE_K, r->coverage_lists < s->summary->n_users ? "a sample of " : "all ",
		       r->coverage_lists, 100.0 * r->coverage, cat->n_items);
	return EXIT_OK;
}

/* ---- the entries ------------------------------------------------------------- */

/* The insight commands print their results on stdout, so the epoch table
 * of a model they train first goes to stderr: progress stays visible and
 * the results stay parseable. */
static int drive(const struct opts *o, int (*check)(struct cli_session *),
		 int (*report)(struct cli_session *))
{
	static struct query q;          /* a RECOMMEND command is large */
	memset(&q, 0, sizeof q);
	return cli_drive(o, &(struct cli_job){ .work = CLI_MODEL, .table_on_stderr = 1,
					       .check = check, .report = report, .ctx = &q });
}

static int run_bias(const struct opts *o)
{
	return drive(o, check_bias, report_bias);
}

static int run_similar(const struct opts *o)
{
	return drive(o, check_similar, report_similar);
}

static int run_pca(const struct opts *o)
{
	return drive(o, check_pca, report_pca);
}

static int run_recommend(const struct opts *o)
{
	return drive(o, check_recommend, report_recommend);
}

const struct cmd_entry cmd_bias = {
	.name = "bias",
	.id = CMD_BIAS,
	.summary = "the movies with the highest and lowest learned bias",
	.run = run_bias,
};

const struct cmd_entry cmd_similar = {
	.name = "similar",
	.id = CMD_SIMILAR,
	.arg = "TITLE",
	.summary = "the movies whose embeddings are closest to TITLE's",
	.run = run_similar,
};

const struct cmd_entry cmd_pca = {
	.name = "pca",
	.id = CMD_PCA,
	.summary = "the movies at both ends of each principal component",
	.run = run_pca,
};

const struct cmd_entry cmd_recommend = {
	.name = "recommend",
	.id = CMD_RECOMMEND,
	.summary = "recommendations for you, from --ratings FILE, or from --age,\n"
		   "--gender and --occupation",
	.run = run_recommend,
};
