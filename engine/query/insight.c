/* insight.c -- bias lists, neighbours, PCA and new-user recommendations
 * over the engine's model, with their caches (see insight.h). */
#include "insight.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng.h"
#include "foldin.h"
#include "metrics.h"
#include "meta.h"
#include "pca.h"
#include "rank.h"
#include "rankrec.h"
#include "sim.h"

static_assert(ENG_RECS_UNKNOWN_GENDER == META_UNKNOWN_GENDER &&
	      ENG_RECS_UNKNOWN_OCCUPATION == META_UNKNOWN_OCCUPATION,
	      "eng.h reports meta.h's bits as they are");

/* The no-model fallback ranks items by (sum + P * global mean) / (n + P):
 * an item needs about P ratings before its own mean outweighs the global
 * one, so a single 5-star rating does not top the list. */
#define POPULAR_PRIOR 10.0

/* "Popular" for the skew figure: the 10% most-rated items. */
#define POPULAR_SHARE 0.10

struct insight {
	/* from the dataset */
	int have_data;
	uint32_t n_items, n_users;
	uint32_t *item_n;               /* (n_items) ratings per item */
	float *item_mean;               /* (n_items) NAN with none */
	uint32_t *user_n;               /* (n_users) */
	float *user_mean;               /* (n_users) */
	uint32_t *by_count;             /* (n_items) item indices, most-rated first */
	unsigned char *popular;         /* (n_items) 1 for the 10% most-rated */
	float *shrunk;                  /* (n_items) the fallback's item scores */
	/* Each item's ratings counted into the summary's histogram bins, built
	 * on the first ITEM_DETAIL, so the movie details view answers a
	 * cursor move without a pass over every rating. */
	uint32_t *item_bins;            /* (n_items, n_bins) row-major */
	int n_bins;
	float bin_lo[ENG_RATING_BINS];    /* (n_bins) lower edges, ascending */

	/* from the model */
	struct sim *item_sim, *user_sim;
	int have_prior;
	struct foldin_prior prior;      /* prior.mean: (foldin_dim) */
	struct meta *meta;
	const char *meta_why;           /* why meta is NULL after a failed fit */
	float *scores;                  /* (n_items) scratch */
	float *w;                       /* (foldin_dim) a new user's weights */
	struct rankrec *rr;             /* a ranking model's fold-in */
	int have_coverage;
	float coverage;                 /* eng_recs.coverage, once per model */
	uint32_t coverage_lists;
};

__attribute__((format(printf, 4, 5)))
static int say(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

struct insight *insight_new(void)
{
	return calloc(1, sizeof(struct insight));
}

void insight_forget(struct insight *in, enum insight_scope what)
{
	sim_free(in->item_sim);
	sim_free(in->user_sim);
	meta_free(in->meta);
	free(in->prior.mean);
	free(in->scores);
	free(in->w);
	rankrec_free(in->rr);
	in->rr = NULL;
	in->item_sim = in->user_sim = NULL;
	in->meta = NULL;
	in->meta_why = NULL;
	in->have_prior = 0;
	in->prior.mean = NULL;
	in->scores = NULL;
	in->w = NULL;
	in->have_coverage = 0;
	if (what != INSIGHT_DATA)
		return;
	free(in->item_n);
	free(in->item_mean);
	free(in->user_n);
	free(in->user_mean);
	free(in->by_count);
	free(in->popular);
	free(in->shrunk);
	free(in->item_bins);
	in->item_bins = NULL;
	in->n_bins = 0;
	in->item_n = in->user_n = in->by_count = NULL;
	in->item_mean = in->user_mean = in->shrunk = NULL;
	in->popular = NULL;
	in->have_data = 0;
}

void insight_free(struct insight *in)
{
	if (!in)
		return;
	insight_forget(in, INSIGHT_DATA);
	free(in);
}

struct counted {
	uint32_t n, idx;
};

/* most ratings first; the lower index first on a tie, so the order is
 * the same on every run */
static int by_count_desc(const void *a, const void *b)
{
	const struct counted *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int insight_data(struct insight *in, const struct ds *ds)
{
	if (in->have_data)
		return 0;
	uint32_t ni = ds_n_items(ds), nu = ds_n_users(ds);
	size_t a = ni ? ni : 1, b = nu ? nu : 1;
	in->n_items = ni;
	in->n_users = nu;
	in->item_n = calloc(a, sizeof *in->item_n);
	in->item_mean = calloc(a, sizeof *in->item_mean);
	in->user_n = calloc(b, sizeof *in->user_n);
	in->user_mean = calloc(b, sizeof *in->user_mean);
	in->by_count = malloc(a * sizeof *in->by_count);
	in->popular = calloc(a, 1);
	in->shrunk = malloc(a * sizeof *in->shrunk);
	double *isum = calloc(a, sizeof *isum), *usum = calloc(b, sizeof *usum);
	struct counted *order = malloc(a * sizeof *order);
	struct rc_chunk *ch = malloc(sizeof *ch);   /* 24 KiB: not on a thread's stack */
	int ok = in->item_n && in->item_mean && in->user_n && in->user_mean &&
		 in->by_count && in->popular && in->shrunk && isum && usum && order && ch;
	if (ok) {
		const struct rcols c = ds_cols(ds);
		size_t n = c.n;
		double total = 0.0;
		for (size_t lo = 0; lo < n; lo += RC_CHUNK)
			for (size_t j = 0, m = rc_chunk_get(&c, lo, ch); j < m; j++) {
				in->item_n[ch->item[j]]++;
				in->user_n[ch->user[j]]++;
				isum[ch->item[j]] += ch->value[j];
				usum[ch->user[j]] += ch->value[j];
			}
		/* the total from the item sums: a running total in the loop
		 * above was one chain of n dependent additions */
		for (uint32_t i = 0; i < ni; i++)
			total += isum[i];
		double g = n ? total / (double)n : 0.0;
		for (uint32_t i = 0; i < ni; i++) {
			in->item_mean[i] = in->item_n[i] ? (float)(isum[i] / in->item_n[i]) : NAN;
			in->shrunk[i] = (float)((isum[i] + POPULAR_PRIOR * g) /
						(in->item_n[i] + POPULAR_PRIOR));
			order[i] = (struct counted){ in->item_n[i], i };
		}
		for (uint32_t u = 0; u < nu; u++)
			in->user_mean[u] = in->user_n[u] ? (float)(usum[u] / in->user_n[u]) : NAN;
		qsort(order, ni, sizeof *order, by_count_desc);
		for (uint32_t i = 0; i < ni; i++)
			in->by_count[i] = order[i].idx;
		uint32_t n_pop = (uint32_t)ceil(POPULAR_SHARE * ni);
		for (uint32_t j = 0; j < n_pop; j++)
			in->popular[in->by_count[j]] = 1;
		in->have_data = 1;
	}
	free(ch);
	free(isum);
	free(usum);
	free(order);
	if (!ok)
		insight_forget(in, INSIGHT_DATA);
	return ok ? 0 : -1;
}

static int need_item_sim(struct insight *in, const struct model *m)
{
	if (!in->item_sim)
		in->item_sim = sim_new(m->item_f, m->cfg.n_items, m->cfg.n_factors);
	return in->item_sim ? 0 : -1;
}

/* The scratch of a new user's weights and scores. */
static int need_scores(struct insight *in, const struct model *m)
{
	if (!in->scores)
		in->scores = malloc(((size_t)m->cfg.n_items + 1) * sizeof *in->scores);
	if (!in->w)
		in->w = malloc((size_t)foldin_dim(m) * sizeof *in->w);
	return in->scores && in->w ? 0 : -1;
}

static int need_prior(struct insight *in, const struct ds *ds, const struct model *m)
{
	if (in->have_prior)
		return 0;
	free(in->prior.mean);
	in->prior.mean = malloc((size_t)foldin_dim(m) * sizeof *in->prior.mean);
	if (!in->prior.mean)
		return -1;
	const struct rcols c = ds_cols(ds);
	if (foldin_prior_fit(m, &c, &in->prior) != 0)
		return -1;
	in->have_prior = 1;
	return 0;
}

/* Fill entry e for item (or user) idx with its data statistics. */
static void fill(const struct insight *in, int users, uint32_t idx, float score,
		 struct eng_ranked *e)
{
	e->idx = idx;
	e->score = score;
	e->mean = users ? in->user_mean[idx] : in->item_mean[idx];
	e->n_ratings = users ? in->user_n[idx] : in->item_n[idx];
	e->because = UINT32_MAX;
}

int insight_bias(struct insight *in, const struct ds *ds, const struct model *m,
		 const struct eng_bias_args *a, struct eng_bias_list *out,
		 char *err, size_t errlen)
{
	if (!m)
		return say(err, errlen, ENG_ESTATE, "there is no trained model");
	if (!m->item_b)
		return say(err, errlen, ENG_ESTATE, "the model has no biases (it is a dot model)");
	if (a->top < 0 || a->bottom < 0 || a->top + a->bottom > ENG_TOPN_MAX)
		return say(err, errlen, ENG_EARG, "top and bottom must be >= 0, together at most %d",
			   ENG_TOPN_MAX);
	if (insight_data(in, ds) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting ratings");
	memset(out, 0, sizeof *out);
	out->min_ratings = a->min_ratings;
	struct rank_pick p[ENG_TOPN_MAX];
	size_t nt = rank_bias(m->item_b, in->item_n, in->n_items, a->min_ratings, 1,
			      (size_t)a->top, p);
	for (size_t j = 0; j < nt; j++)
		fill(in, 0, p[j].idx, p[j].score, &out->e[j]);
	size_t nb = rank_bias(m->item_b, in->item_n, in->n_items, a->min_ratings, -1,
			      (size_t)a->bottom, p);
	for (size_t j = 0; j < nb; j++)
		fill(in, 0, p[j].idx, p[j].score, &out->e[nt + j]);
	out->n_top = (int)nt;
	out->n_bottom = (int)nb;
	return 0;
}

int insight_similar(struct insight *in, const struct ds *ds, const struct model *m,
		    const struct eng_similar_args *a, struct eng_similar *out,
		    char *err, size_t errlen)
{
	if (!m)
		return say(err, errlen, ENG_ESTATE, "there is no trained model");
	/* While training with "you" included the model has one user more than
	 * the dataset; only the dataset's users have ids to show. */
	uint32_t n_users = m->cfg.n_users < ds_n_users(ds) ? m->cfg.n_users : ds_n_users(ds);
	uint32_t n = a->users ? n_users : m->cfg.n_items;
	if (a->index >= n)
		return say(err, errlen, ENG_EARG, "no %s %u (there are %u)",
			   a->users ? "user" : "item", a->index, n);
	if (a->k < 1 || a->k > ENG_TOPN_MAX)
		return say(err, errlen, ENG_EARG, "k must be in 1..%d", ENG_TOPN_MAX);
	if (insight_data(in, ds) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting ratings");
	struct sim **sp = a->users ? &in->user_sim : &in->item_sim;
	if (!*sp)
		*sp = a->users ? sim_new(m->user_f, n_users, m->cfg.n_factors)
			       : sim_new(m->item_f, m->cfg.n_items, m->cfg.n_factors);
	if (!*sp)
		return say(err, errlen, ENG_ENOMEM, "out of memory comparing the factors");
	memset(out, 0, sizeof *out);
	out->users = a->users;
	out->query = a->index;
	struct rank_pick p[ENG_TOPN_MAX];
	size_t got = sim_nearest(*sp, a->index, (size_t)a->k, p);
	if (got == (size_t)-1)
		return say(err, errlen, ENG_ENOMEM, "out of memory measuring the factors");
	for (size_t j = 0; j < got; j++)
		fill(in, a->users, p[j].idx, p[j].score, &out->e[j]);
	out->n = (int)got;
	return 0;
}

int insight_pca(struct insight *in, const struct ds *ds, const struct model *m,
		const struct eng_pca_args *a, struct eng_pca **out,
		char *err, size_t errlen)
{
	*out = NULL;
	if (!m)
		return say(err, errlen, ENG_ESTATE, "there is no trained model");
	int k = m->cfg.n_factors;
	if (a->n_comp < 1 || a->n_comp > k)
		return say(err, errlen, ENG_EARG, "components must be in 1..%d (the factors)", k);
	if (insight_data(in, ds) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting ratings");
	uint32_t n = a->top_n && a->top_n < in->n_items ? a->top_n : in->n_items;
	if (n < 2)
		return say(err, errlen, ENG_EARG, "PCA needs at least 2 items");
	struct pca p;
	int rc = pca_fit(m->item_f, in->by_count, n, k, &p);
	if (rc == -2)
		return say(err, errlen, ENG_EDATA, "the eigen-decomposition failed (non-finite factors?)");
	struct eng_pca *r = calloc(1, sizeof *r);
	if (rc == 0 && r) {
		r->k = k;
		r->n_comp = a->n_comp;
		r->n = n;
		r->share = malloc((size_t)k * sizeof *r->share);
		r->items = malloc((size_t)n * sizeof *r->items);
		r->proj = malloc((size_t)n * (size_t)a->n_comp * sizeof *r->proj);
	}
	if (rc != 0 || !r || !r->share || !r->items || !r->proj) {
		pca_done(&p);
		eng_pca_free(r);
		return say(err, errlen, ENG_ENOMEM, "out of memory computing the PCA");
	}
	memcpy(r->share, p.share, (size_t)k * sizeof *r->share);
	memcpy(r->items, in->by_count, (size_t)n * sizeof *r->items);
	for (uint32_t j = 0; j < n; j++)
		pca_project(&p, m->item_f + (size_t)r->items[j] * (size_t)k, a->n_comp,
			    r->proj + (size_t)j * (size_t)a->n_comp);
	pca_done(&p);
	*out = r;
	return 0;
}

/* Share of the n entries that are popular items. */
static float pop_share(const struct insight *in, const struct eng_ranked *e, int n)
{
	int hits = 0;
	for (int j = 0; j < n; j++)
		hits += in->popular[e[j].idx];
	return n ? (float)hits / (float)n : 0.0f;
}

/* Fill out from scores (n_items), leaving out skip[0..n_skip); reasons
 * from liked[0..n_liked) by item similarity when sim is given. */
static int rank_into(struct insight *in, const float *scores, const uint32_t *skip,
		     size_t n_skip, const struct sim *sim, const uint32_t *liked,
		     size_t n_liked, int top, struct eng_recs *out)
{
	struct rank_pick p[ENG_TOPN_MAX];
	uint32_t because[ENG_TOPN_MAX];
	size_t got = foldin_top(scores, in->n_items, skip, n_skip, sim, liked, n_liked,
				(size_t)top, p, because);
	if (got == (size_t)-1)
		return -1;
	for (size_t j = 0; j < got; j++) {
		fill(in, 0, p[j].idx, p[j].score, &out->e[j]);
		if (sim)
			out->e[j].because = because[j];
	}
	out->n = (int)got;
	out->pop_share = pop_share(in, out->e, out->n);
	return 0;
}

/* The fallback: items by shrunk mean rating; the shrunk means are means
 * of ratings, so they read as predicted ratings. */
static int popular(struct insight *in, const uint32_t *skip, size_t n_skip, int top,
		   const char *why, struct eng_recs *out, char *err, size_t errlen)
{
	out->basis = ENG_RECS_POPULAR;
	snprintf(out->note, sizeof out->note, "%s", why);
	if (rank_into(in, in->shrunk, skip, n_skip, NULL, NULL, 0, top, out) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory ranking items");
	return 0;
}

/* The checks of a RECOMMEND's ratings, copied into items and r (a->n),
 * and out cleared: 0 or an enum eng_err. */
static int check_ratings(struct insight *in, const struct ds *ds,
			 const struct eng_recommend_args *a, uint32_t *items, float *r,
			 struct eng_recs *out, char *err, size_t errlen)
{
	if (a->top < 1 || a->top > ENG_TOPN_MAX)
		return say(err, errlen, ENG_EARG, "top must be in 1..%d", ENG_TOPN_MAX);
	if (a->n < 0 || a->n > ENG_RATED_MAX)
		return say(err, errlen, ENG_EARG, "at most %d ratings", ENG_RATED_MAX);
	for (int j = 0; j < a->n; j++) {
		items[j] = a->r[j].item;
		r[j] = a->r[j].rating;
		if (items[j] >= ds_n_items(ds))
			return say(err, errlen, ENG_EARG, "no item %u (the dataset has %u)",
				   items[j], ds_n_items(ds));
		if (!isfinite(r[j]))
			return say(err, errlen, ENG_EARG, "rating %d is not a number", j + 1);
	}
	if (insight_data(in, ds) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting ratings");
	memset(out, 0, sizeof *out);
	out->n_rated = a->n;
	return 0;
}

/* Scoring every user costs n_users x n_items x n_factors multiply-adds;
 * above this many, coverage counts evenly spaced blocks of users
 * (ML-100K's 943 users are all counted for a 50-factor model and for
 * EASE's 1,682; of 162,000 users on 59,000 items, one block of 64 in
 * 120). */
#define COVERAGE_WORK 4e9

/* Fill out's coverage for model m (computed once per model). */
static void add_coverage(struct insight *in, const struct ds *ds, const struct model *m,
			 struct eng_recs *out)
{
	if (!in->have_coverage) {
		uint32_t n_users = m->cfg.n_users < ds_n_users(ds) ? m->cfg.n_users
								    : ds_n_users(ds);
		double per_user = (double)m->cfg.n_items * (double)m->cfg.n_factors;
		double step = ceil((double)n_users * per_user / COVERAGE_WORK);
		/* the step is in blocks: n_users / step users are scored */
		struct metrics_cover_in ci = {
			.n_users = n_users, .n_items = m->cfg.n_items,
			.c = ds_cols(ds),
			.step = step < 1.0 ? 1u : (uint32_t)step, .k = ENG_COVERAGE_K,
			.score = metrics_model_scores, .score_ctx = (void *)m,
		};
		double c;
		if (metrics_coverage(&ci, &c, &in->coverage_lists) != 0)
			return;         /* unknown: the pane leaves it out */
		in->coverage = (float)c;
		in->have_coverage = 1;
	}
	out->coverage = in->coverage;
	out->coverage_lists = in->coverage_lists;
}

int insight_recommend_ranked(struct insight *in, const struct ds *ds, const struct model *m,
			     enum eng_fit algo, double reg, double alpha,
			     const struct eng_recommend_args *a, struct eng_recs *out,
			     char *err, size_t errlen)
{
	uint32_t items[ENG_RATED_MAX], liked[ENG_RATED_MAX];
	float r[ENG_RATED_MAX];
	int rc = check_ratings(in, ds, a, items, r, out, err, errlen);
	if (rc != 0)
		return rc;
	if (!in->rr && !(in->rr = rankrec_new(m, algo, reg, alpha)))
		return say(err, errlen, ENG_ENOMEM, "out of memory preparing the fold-in");
	if (need_scores(in, m) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory preparing the scores");
	size_t n_liked = 0;
	for (int j = 0; j < a->n; j++)
		if (rankrec_liked(r[j], ds_rating_min(ds), ds_rating_max(ds)))
			liked[n_liked++] = items[j];
	if (rankrec_scores(in->rr, liked, n_liked, in->scores) != 0)
		return say(err, errlen, ENG_EDATA, "the fold-in could not be solved");
	out->basis = ENG_RECS_RANKED;
	out->n_liked = (int)n_liked;
	if (rank_into(in, in->scores, items, (size_t)a->n, NULL, NULL, 0, a->top, out) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory ranking items");
	for (int j = 0; j < out->n; j++)
		out->e[j].because = rankrec_because(in->rr, liked, n_liked, out->e[j].idx);
	add_coverage(in, ds, m, out);
	return 0;
}

/* Score every item for a user of weights w (foldin_dim(m) floats) and
 * rank the ones not rated, each with the rated movie most like it among
 * those rated at least the user's own average (a reason is a movie you
 * liked, never one you panned). */
static int rank_for(struct insight *in, const struct ds *ds, const struct model *m,
		    const float *w, const uint32_t *items, const float *r, size_t nr,
		    int top, struct eng_recs *out, char *err, size_t errlen)
{
	foldin_score(m, w, in->scores);
	uint32_t liked[ENG_RATED_MAX];
	size_t n_liked = 0;
	double mean = 0.0;
	for (size_t j = 0; j < nr; j++)
		mean += r[j];
	mean /= nr ? (double)nr : 1.0;
	for (size_t j = 0; j < nr; j++)
		if (r[j] >= mean)
			liked[n_liked++] = items[j];
	if (rank_into(in, in->scores, items, nr, nr ? in->item_sim : NULL, liked, n_liked,
		      top, out) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory ranking items");
	add_coverage(in, ds, m, out);
	return 0;
}

int insight_recommend(struct insight *in, const struct ds *ds, const struct model *m,
		      const struct eng_recommend_args *a, struct eng_recs *out,
		      char *err, size_t errlen)
{
	uint32_t items[ENG_RATED_MAX];
	float r[ENG_RATED_MAX];
	int rc0 = check_ratings(in, ds, a, items, r, out, err, errlen);
	if (rc0 != 0)
		return rc0;
	size_t nr = (size_t)a->n;
	if (!m)
		return popular(in, items, nr, a->top,
			       "no trained model: ranked by mean rating, shrunk towards the global mean",
			       out, err, errlen);
	if (need_prior(in, ds, m) != 0 || need_item_sim(in, m) != 0 || need_scores(in, m) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory preparing the fold-in");
	int rc = foldin_solve(m, &in->prior, items, r, nr, in->w);
	if (rc != 0)
		return say(err, errlen, rc == -1 ? ENG_ENOMEM : ENG_EDATA,
			   "the fold-in could not be solved");
	out->basis = ENG_RECS_FOLDIN;
	out->lambda_f = in->prior.lambda_f;
	out->lambda_b = in->prior.lambda_b;
	return rank_for(in, ds, m, in->w, items, r, nr, a->top, out, err, errlen);
}

int insight_recommend_trained(struct insight *in, const struct ds *ds, const struct model *m,
			      const float *you, const struct eng_recommend_args *a,
			      struct eng_recs *out, char *err, size_t errlen)
{
	uint32_t items[ENG_RATED_MAX];
	float r[ENG_RATED_MAX];
	int rc = check_ratings(in, ds, a, items, r, out, err, errlen);
	if (rc != 0)
		return rc;
	if (need_item_sim(in, m) != 0 || need_scores(in, m) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory preparing the scores");
	out->basis = ENG_RECS_TRAINED;
	return rank_for(in, ds, m, you, items, r, (size_t)a->n, a->top, out, err, errlen);
}

int insight_recommend_meta(struct insight *in, const struct ds *ds,
			   const struct model *m, const struct eng_meta_args *a,
			   struct eng_recs *out, char *err, size_t errlen)
{
	if (a->top < 1 || a->top > ENG_TOPN_MAX)
		return say(err, errlen, ENG_EARG, "top must be in 1..%d", ENG_TOPN_MAX);
	if (insight_data(in, ds) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting ratings");
	memset(out, 0, sizeof *out);
	if (!m)
		return popular(in, NULL, 0, a->top,
			       "no trained model: ranked by mean rating, shrunk towards the global mean",
			       out, err, errlen);
	if (!in->meta && !in->meta_why)
		in->meta = meta_fit(ds, m, &in->meta_why);
	if (!in->meta) {
		char why[128];
		snprintf(why, sizeof why, "%s: ranked by shrunk mean rating", in->meta_why);
		return popular(in, NULL, 0, a->top, why, out, err, errlen);
	}
	if (need_scores(in, m) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory preparing the scores");
	char g[sizeof a->gender + 1], o[sizeof a->occupation + 1];
	snprintf(g, sizeof g, "%.*s", (int)sizeof a->gender, a->gender);
	snprintf(o, sizeof o, "%.*s", (int)sizeof a->occupation, a->occupation);
	out->unknown = meta_predict(in->meta, a->age, g, o, in->w);
	foldin_score(m, in->w, in->scores);
	out->basis = ENG_RECS_META;
	if (rank_into(in, in->scores, NULL, 0, NULL, NULL, 0, a->top, out) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory ranking items");
	add_coverage(in, ds, m, out);
	return 0;
}

/* The bin of rating r: the last one whose lower edge is <= r (the first
 * for a rating below every edge).  Counted without branches: ratings come
 * in random order, and a loop that stops at the bin mispredicts. */
static int bin_of(const float *bin_lo, int n_bins, float r)
{
	int b = 0;
	for (int k = 1; k < n_bins; k++)
		b += r >= bin_lo[k];
	return b;
}

/* Count every item's ratings into the bins (one pass over the ratings). */
static int build_item_bins(struct insight *in, const struct ds *ds,
			   const float *bin_lo, int n_bins)
{
	size_t cells = (size_t)(in->n_items ? in->n_items : 1) * (size_t)n_bins;
	in->item_bins = calloc(cells, sizeof *in->item_bins);
	if (!in->item_bins)
		return -1;
	in->n_bins = n_bins;
	memcpy(in->bin_lo, bin_lo, (size_t)n_bins * sizeof *bin_lo);
	const struct rcols c = ds_cols(ds);
	for (size_t j = 0; j < c.n; j++)
		in->item_bins[(size_t)rc_item(&c, j) * (size_t)n_bins +
			      (size_t)bin_of(bin_lo, n_bins, rc_value(&c, j))]++;
	return 0;
}

int insight_item_detail(struct insight *in, const struct ds *ds, const float *bin_lo,
			int n_bins, uint32_t item, struct eng_detail *out,
			char *err, size_t errlen)
{
	if (item >= ds_n_items(ds))
		return say(err, errlen, ENG_EARG, "no item %u (the dataset has %u)",
			   item, ds_n_items(ds));
	if (n_bins < 1 || n_bins > ENG_RATING_BINS)
		return say(err, errlen, ENG_EARG, "a histogram has 1 to %d bins", ENG_RATING_BINS);
	if (insight_data(in, ds) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting the ratings");
	if (in->item_bins && (in->n_bins != n_bins ||
			      memcmp(in->bin_lo, bin_lo, (size_t)n_bins * sizeof *bin_lo) != 0)) {
		free(in->item_bins);
		in->item_bins = NULL;
	}
	if (!in->item_bins && build_item_bins(in, ds, bin_lo, n_bins) != 0)
		return say(err, errlen, ENG_ENOMEM, "out of memory counting the ratings");
	*out = (struct eng_detail){ .item = item, .n_bins = n_bins };
	memcpy(out->bin_lo, bin_lo, (size_t)n_bins * sizeof *bin_lo);
	memcpy(out->bin_count, in->item_bins + (size_t)item * (size_t)n_bins,
	       (size_t)n_bins * sizeof *out->bin_count);
	out->n_ratings = in->item_n[item];
	out->mean = in->item_mean[item];
	return 0;
}
