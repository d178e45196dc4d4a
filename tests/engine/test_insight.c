/* test_insight.c -- the insight modules (rank, sim, pca, foldin, meta) on
 * hand-made inputs against brute force or a double-precision reference,
 * then on the chapter's model of MovieLens 100K, and the engine's insight
 * commands (replies, ownership, caches dropped when the model changes). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt.h"
#include "dataset.h"
#include "eng.h"
#include "foldin.h"
#include "meta.h"
#include "pca.h"
#include "rank.h"
#include "rng.h"
#include "sim.h"
#include "split.h"
#include "testenv.h"
#include "testmath.h"
#include "testsink.h"
#include "fit.h"

/* ---- rank ------------------------------------------------------------- */

/* Brute force: is (a) ranked before (b)? */
static int before(float sa, uint32_t ia, float sb, uint32_t ib)
{
	return sa > sb || (sa == sb && ia < ib);
}

Test(rank, topk_matches_a_full_sort_with_ties)
{
	struct rng r;
	rng_seed(&r, 3);
	enum { N = 500 };
	float s[N];
	for (int i = 0; i < N; i++)
		s[i] = (float)(rng_below(&r, 50)) / 7.0f;       /* many ties */
	size_t ks[] = { 0, 1, 5, 37, N, N + 10 };
	for (size_t t = 0; t < sizeof ks / sizeof ks[0]; t++) {
		struct rank_pick buf[N + 10];
		struct rank_topk h;
		rank_topk_init(&h, buf, ks[t]);
		for (uint32_t i = 0; i < N; i++)
			rank_topk_push(&h, i, s[i]);
		size_t n = rank_topk_finish(&h);
		cr_assert_eq(n, ks[t] < N ? ks[t] : N);
		for (size_t j = 0; j < n; j++) {
			/* exactly j items rank before the j-th pick */
			size_t ahead = 0;
			for (uint32_t i = 0; i < N; i++)
				ahead += before(s[i], i, buf[j].score, buf[j].idx);
			cr_assert_eq(ahead, j, "k %zu pick %zu", ks[t], j);
		}
	}
}

Test(rank, nan_scores_are_never_picked)
{
	struct rank_pick buf[3];
	struct rank_topk h;
	rank_topk_init(&h, buf, 3);
	rank_topk_push(&h, 0, NAN);
	rank_topk_push(&h, 1, -1.0f);
	cr_assert_eq(rank_topk_finish(&h), 1);
	cr_assert_eq(buf[0].idx, 1);
}

Test(rank, bias_lists_with_min_ratings_match_brute_force)
{
	struct rng r;
	rng_seed(&r, 9);
	enum { N = 300 };
	float b[N];
	uint32_t n[N];
	for (int i = 0; i < N; i++) {
		b[i] = (float)(rng_uniform(&r) - 0.5);
		n[i] = (uint32_t)rng_below(&r, 40);
	}
	for (int dir = -1; dir <= 1; dir += 2) {
		struct rank_pick got[10];
		size_t k = rank_bias(b, n, N, 20, dir, 10, got);
		cr_assert_eq(k, 10);
		for (size_t j = 0; j < k; j++) {
			cr_assert_geq(n[got[j].idx], 20);
			cr_assert_eq(got[j].score, b[got[j].idx]);
			size_t ahead = 0;
			for (uint32_t i = 0; i < N; i++)
				ahead += n[i] >= 20 && before(dir * b[i], i, dir * got[j].score, got[j].idx);
			cr_assert_eq(ahead, j, "dir %d pick %zu", dir, j);
		}
	}
	struct rank_pick none[4];
	cr_assert_eq(rank_bias(b, n, N, 1000, 1, 4, none), 0, "nothing has 1000 ratings");
}

/* ---- sim -------------------------------------------------------------- */

Test(sim, self_is_one_and_nearest_match_brute_force)
{
	struct rng r;
	rng_seed(&r, 5);
	enum { N = 200, K = 7 };
	float f[N * K];
	for (int i = 0; i < N * K; i++)
		f[i] = (float)(rng_uniform(&r) - 0.5);
	memset(f + 3 * K, 0, K * sizeof *f);    /* a zero row stays harmless */
	struct sim *s = sim_new(f, N, K);
	cr_assert_not_null(s);
	float out[N];
	for (uint32_t i = 0; i < N; i++) {
		sim_scores(s, i, out);
		if (i != 3)
			cr_assert_float_eq(out[i], 1.0f, 1e-5f, "row %u", i);
	}
	double cos[N];
	for (uint32_t q = 0; q < N; q += 17) {
		for (uint32_t i = 0; i < N; i++) {
			double d = 0, a = 0, b = 0;
			for (int j = 0; j < K; j++) {
				d += (double)f[q * K + j] * f[i * K + j];
				a += (double)f[q * K + j] * f[q * K + j];
				b += (double)f[i * K + j] * f[i * K + j];
			}
			cos[i] = a > 0 && b > 0 ? d / sqrt(a * b) : 0.0;
		}
		struct rank_pick p[10];
		cr_assert_eq(sim_nearest(s, q, 10, p), 10);
		for (int j = 0; j < 10; j++) {
			cr_assert_neq(p[j].idx, q, "the item itself is left out");
			cr_assert_float_eq(p[j].score, cos[p[j].idx], 1e-5);
			size_t ahead = 0;
			for (uint32_t i = 0; i < N; i++)
				ahead += i != q && cos[i] > cos[p[j].idx] + 1e-6;
			cr_assert_leq(ahead, (size_t)j, "query %u pick %d", q, j);
		}
	}
	sim_free(s);
}

/* ---- pca -------------------------------------------------------------- */

Test(pca, known_components_orthonormal_and_ordered)
{
	/* Six points +-s_c q_c on an orthonormal basis q (a rotation): the
	 * covariance is sum_c 2 s_c^2 q_c q_c' / 5, so the components are the
	 * q_c with variances 2 s_c^2 / 5, in the order of s. */
	const double c = cos(0.5), s = sin(0.5);
	const double q[3][3] = { { c, s, 0 }, { -s, c, 0 }, { 0, 0, 1 } };
	const double sd[3] = { 1.0, 3.0, 2.0 };
	float x[6 * 3];
	for (int p = 0; p < 6; p++)
		for (int j = 0; j < 3; j++)
			x[p * 3 + j] = (float)((p % 2 ? -1 : 1) * sd[p / 2] * q[p / 2][j] + 10.0 * (j + 1));
	struct pca r;
	cr_assert_eq(pca_fit(x, NULL, 6, 3, &r), 0);
	const int order[3] = { 1, 2, 0 };
	for (int k = 0; k < 3; k++) {
		cr_assert_float_eq(r.var[k], 2 * sd[order[k]] * sd[order[k]] / 5, 1e-4);
		cr_assert_float_eq(r.mean[k], 10.0f * (k + 1), 1e-5f);
		double dot = 0;
		for (int j = 0; j < 3; j++)
			dot += r.comp[k * 3 + j] * q[order[k]][j];
		cr_assert_float_eq(fabs(dot), 1.0, 1e-5, "component %d is q_%d", k, order[k]);
		for (int l = 0; l < 3; l++) {
			double g = 0;
			for (int j = 0; j < 3; j++)
				g += r.comp[k * 3 + j] * r.comp[l * 3 + j];
			cr_assert_float_eq(g, k == l, 1e-5, "orthonormal %d %d", k, l);
		}
		/* sign convention: the largest-|loading| entry is positive */
		int big = 0;
		for (int j = 1; j < 3; j++)
			if (fabsf(r.comp[k * 3 + j]) > fabsf(r.comp[k * 3 + big]))
				big = j;
		cr_assert_gt(r.comp[k * 3 + big], 0.0f);
	}
	cr_assert_float_eq(r.share[0] + r.share[1] + r.share[2], 1.0f, 1e-5f);
	cr_assert_float_eq(r.share[0], 9.0 / 14.0, 1e-5);
	float pr[3];
	pca_project(&r, x + 2 * 3, 3, pr);      /* +3 q_1: all on PC1 */
	cr_assert_float_eq(fabsf(pr[0]), 3.0f, 1e-4f);
	cr_assert_float_eq(pr[1], 0.0f, 1e-4f);
	pca_done(&r);
}

/* ---- foldin ----------------------------------------------------------- */

/* The fold-in on a model of 4 items and 2 factors, checked against the
 * normal equations written out and solved in double. */
static void check_tiny(int kind, int y_range)
{
	struct eng_model_hp mc = { .kind = kind, .n_users = 1, .n_items = 4, .n_factors = 2,
				.use_y_range = y_range, .y_lo = 0.0f, .y_hi = 5.5f };
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	const float qf[8] = { 0.5f, -0.2f, 0.1f, 0.8f, -0.6f, 0.3f, 0.9f, 0.9f };
	const float qb[4] = { 0.2f, -0.1f, 0.05f, 0.3f };
	memcpy(m->item_f, qf, sizeof qf);
	if (m->item_b)
		memcpy(m->item_b, qb, sizeof qb);
	const uint32_t items[3] = { 0, 1, 3 };
	const float ratings[3] = { 5.0f, 2.0f, 5.5f };  /* 5.5 = y_hi: clamped */
	float mean[3] = { 0.1f, -0.05f, 0.2f };
	struct foldin_prior p = { .lambda_f = 0.7f, .lambda_b = 0.3f, .mean = mean };
	int d = foldin_dim(m);
	cr_assert_eq(d, kind == ENG_MODEL_DOTBIAS ? 3 : 2);
	float w[3];
	cr_assert_eq(foldin_solve(m, &p, items, ratings, 3, w), 0);

	double a[9] = {0}, b[3] = {0};
	for (int j = 0; j < d; j++) {
		double l = j < 2 ? p.lambda_f : p.lambda_b;
		a[j * d + j] = l;
		b[j] = l * mean[j];
	}
	for (int r = 0; r < 3; r++) {
		double x[3] = { qf[items[r] * 2], qf[items[r] * 2 + 1], 1.0 };
		double z = ratings[r];
		if (y_range) {
			double pr = z / 5.5;
			pr = fmin(fmax(pr, FOLDIN_P_MIN), 1 - FOLDIN_P_MIN);
			z = log(pr / (1 - pr));
		}
		if (kind == ENG_MODEL_DOTBIAS)
			z -= qb[items[r]];
		for (int i = 0; i < d; i++) {
			b[i] += x[i] * z;
			for (int j = 0; j < d; j++)
				a[i * d + j] += x[i] * x[j];
		}
	}
	testmath_solve(d, a, b);
	for (int j = 0; j < d; j++)
		cr_assert_float_eq(w[j], b[j], 1e-4, "kind %d y_range %d w[%d] %g vs %g",
				   kind, y_range, j, w[j], b[j]);

	/* the scores are the model's own prediction for that user */
	float sc[4];
	foldin_score(m, w, sc);
	memcpy(m->user_f, w, 2 * sizeof *w);
	if (m->user_b)
		m->user_b[0] = w[2];
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_float_eq(sc[i], model_predict(m, 0, i), 1e-5f);

	/* the recommendation leaves the rated items out */
	struct rank_pick top[4];
	uint32_t because[4];
	struct sim *s = sim_new(m->item_f, 4, 2);
	cr_assert_eq(foldin_top(sc, 4, items, 3, s, items, 3, 4, top, because), 1);
	cr_assert_eq(top[0].idx, 2);
	/* item 2 (0.1, 0.8) is nearest item 1 (-0.6, 0.3)... by cosine: */
	double best = -2;
	uint32_t want = 0;
	for (int r = 0; r < 3; r++) {
		const float *u = qf + 2 * 2, *v = qf + items[r] * 2;
		double cs = (u[0] * v[0] + u[1] * v[1]) /
			    sqrt((u[0] * u[0] + u[1] * u[1]) * (v[0] * v[0] + v[1] * v[1]));
		if (cs > best)
			best = cs, want = items[r];
	}
	cr_assert_eq(because[0], want);
	/* a reason is only ever a movie the user liked */
	uint32_t other = items[0] == want ? items[1] : items[0];
	cr_assert_eq(foldin_top(sc, 4, items, 3, s, &other, 1, 4, top, because), 1);
	cr_assert_eq(because[0], other, "the nearest rated movie was not among the liked");
	cr_assert_eq(foldin_top(sc, 4, items, 3, s, NULL, 0, 4, top, because), 1);
	cr_assert_eq(because[0], UINT32_MAX, "no liked movie, no reason");
	sim_free(s);
	model_free(m);
}

Test(foldin, equals_a_dense_solve_on_a_tiny_model)
{
	check_tiny(ENG_MODEL_DOTBIAS, 1);
	check_tiny(ENG_MODEL_DOTBIAS, 0);
	check_tiny(ENG_MODEL_DOT, 1);
}

Test(foldin, no_ratings_give_the_prior_mean)
{
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = 1, .n_items = 2,
				.n_factors = 2, .use_y_range = 1, .y_hi = 5.5f };
	char err[256];
	struct model *m = model_new(&mc, err, sizeof err);
	float mean[3] = { 0.3f, -0.1f, 0.25f }, w[3];
	struct foldin_prior p = { .lambda_f = 2, .lambda_b = 3, .mean = mean };
	cr_assert_eq(foldin_solve(m, &p, NULL, NULL, 0, w), 0);
	for (int j = 0; j < 3; j++)
		cr_assert_float_eq(w[j], mean[j], 1e-6f);
	model_free(m);
}

/* ---- on the chapter's model of ML-100K -------------------------------- */

struct chapter {
	struct ds *ds;
	struct model *m;
	struct split sp;
};

/* Load ML-100K by title and train the chapter's model (seed 1). */
static void chapter_model(struct chapter *c)
{
	char ml[512], err[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	struct ds_opts o = { .path = ml, .item_key = ENG_ITEM_KEY_TITLE };
	c->ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(c->ds, "%s", err);
	struct eng_model_hp mc = model_cfg_default();
	mc.n_users = ds_n_users(c->ds);
	mc.n_items = ds_n_items(c->ds);
	c->m = model_new(&mc, err, sizeof err);
	cr_assert_not_null(c->m);
	cr_assert_eq(split_random(ds_n_ratings(c->ds), 0.2, 1, &c->sp), 0);
	struct eng_train_hp tc = train_cfg_default();
	tc.seed = 1;
	const struct rcols cols = ds_cols(c->ds);
	struct fit *t = fit_new(c->m, &cols, &c->sp, &tc, 1, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	struct eng_train_report rep;
	while (fit_step(t, 1000000, &rep) != TRAIN_DONE)
		;
	fit_free(t);
}

static void chapter_free(struct chapter *c)
{
	split_free(&c->sp);
	model_free(c->m);
	ds_free(c->ds);
}

/* Fold every user in from their training ratings with the prior's lambdas
 * times scale; the mean cosine to the learned embedding, and the MSE on
 * the validation ratings (which training never saw). */
static void refit_users(const struct chapter *c, const struct foldin_prior *p0,
			float scale, double *cos_mean, double *valid_mse)
{
	const struct model *m = c->m;
	int k = m->cfg.n_factors;
	uint32_t nu = m->cfg.n_users;
	const struct rcols cols = ds_cols(c->ds);
	struct foldin_prior p = *p0;
	p.lambda_f *= scale;
	p.lambda_b *= scale;
	/* each user's training and validation ratings, by a counting sort */
	uint32_t *start = calloc(nu + 1, sizeof *start), *vstart = calloc(nu + 1, sizeof *vstart);
	uint32_t *ord = malloc(c->sp.n_train * sizeof *ord), *vord = malloc(c->sp.n_valid * sizeof *vord);
	for (size_t j = 0; j < c->sp.n_train; j++)
		start[rc_user(&cols, c->sp.train[j]) + 1]++;
	for (size_t j = 0; j < c->sp.n_valid; j++)
		vstart[rc_user(&cols, c->sp.valid[j]) + 1]++;
	for (uint32_t u = 0; u < nu; u++) {
		start[u + 1] += start[u];
		vstart[u + 1] += vstart[u];
	}
	uint32_t *fill = calloc(nu, sizeof *fill), *vfill = calloc(nu, sizeof *vfill);
	for (size_t j = 0; j < c->sp.n_train; j++) {
		uint32_t u = rc_user(&cols, c->sp.train[j]);
		ord[start[u] + fill[u]++] = c->sp.train[j];
	}
	for (size_t j = 0; j < c->sp.n_valid; j++) {
		uint32_t u = rc_user(&cols, c->sp.valid[j]);
		vord[vstart[u] + vfill[u]++] = c->sp.valid[j];
	}
	uint32_t *it = malloc(c->sp.n_train * sizeof *it);
	float *rt = malloc(c->sp.n_train * sizeof *rt), *w = malloc((k + 1) * sizeof *w);
	float *sc = malloc(m->cfg.n_items * sizeof *sc);
	double cs = 0, se = 0;
	for (uint32_t u = 0; u < nu; u++) {
		size_t n = 0;
		for (uint32_t j = start[u]; j < start[u + 1]; j++, n++) {
			it[n] = rc_item(&cols, ord[j]);
			rt[n] = rc_value(&cols, ord[j]);
		}
		cr_assert_eq(foldin_solve(m, &p, it, rt, n, w), 0);
		double d = 0, a = 0, b = 0;
		for (int f = 0; f < k; f++) {
			d += (double)w[f] * m->user_f[(size_t)u * k + f];
			a += (double)w[f] * w[f];
			b += (double)m->user_f[(size_t)u * k + f] * m->user_f[(size_t)u * k + f];
		}
		cs += d / sqrt(a * b);
		foldin_score(m, w, sc);
		for (uint32_t j = vstart[u]; j < vstart[u + 1]; j++) {
			double e = sc[rc_item(&cols, vord[j])] - rc_value(&cols, vord[j]);
			se += e * e;
		}
	}
	*cos_mean = cs / nu;
	*valid_mse = se / (double)c->sp.n_valid;
	free(start);
	free(vstart);
	free(ord);
	free(vord);
	free(fill);
	free(vfill);
	free(it);
	free(rt);
	free(w);
	free(sc);
}

Test(foldin, refits_training_users_and_its_lambda_is_the_best_of_a_sweep, .timeout = 120)
{
	struct chapter c;
	chapter_model(&c);
	float mean[51];
	struct foldin_prior p = { .mean = mean };
	const struct rcols cols = ds_cols(c.ds);
	cr_assert_eq(foldin_prior_fit(c.m, &cols, &p), 0);
	cr_log_info("prior: lambda_f %.2f lambda_b %.2f", p.lambda_f, p.lambda_b);
	double cs1, mse1, cs_lo, mse_lo, cs_hi, mse_hi;
	refit_users(&c, &p, 1.0f, &cs1, &mse1);
	refit_users(&c, &p, 0.1f, &cs_lo, &mse_lo);
	refit_users(&c, &p, 10.0f, &cs_hi, &mse_hi);
	cr_log_info("lambda x0.1: cos %.3f valid %.4f; x1: cos %.3f valid %.4f; x10: cos %.3f valid %.4f",
		    cs_lo, mse_lo, cs1, mse1, cs_hi, mse_hi);
	cr_assert_gt(cs1, 0.8, "a training user's own ratings give back their embedding: cos %.3f", cs1);
	cr_assert_lt(mse1, mse_lo, "the estimated lambda beats a 10x weaker prior");
	cr_assert_lt(mse1, mse_hi, "and a 10x stronger one");
	cr_assert_lt(mse1, 0.86, "close to the model's own validation MSE: %.4f", mse1);
	chapter_free(&c);
}

Test(meta, predicts_from_metadata, .timeout = 120)
{
	struct chapter c;
	chapter_model(&c);
	const char *why = NULL;
	struct meta *mt = meta_fit(c.ds, c.m, &why);
	cr_assert_not_null(mt, "%s", why);
	float w[51];
	cr_assert_eq(meta_predict(mt, 25, "m", "Engineer", w), 0, "matched ignoring case");
	for (int j = 0; j < 51; j++)
		cr_assert(isfinite(w[j]));
	cr_assert_eq(meta_predict(mt, 25, "x", "astronaut", w),
		     META_UNKNOWN_GENDER | META_UNKNOWN_OCCUPATION);
	/* the mean prediction over the trained users is the mean user (the
	 * intercept is free, and every user has one of each one-hot group) */
	double sum[51] = {0}, mu[51] = {0};
	uint32_t nu = ds_n_users(c.ds);
	for (uint32_t u = 0; u < nu; u++) {
		meta_predict(mt, ds_user_age(c.ds, u), ds_user_gender(c.ds, u),
			     ds_user_occupation(c.ds, u), w);
		for (int j = 0; j < 51; j++) {
			sum[j] += w[j];
			mu[j] += j < 50 ? c.m->user_f[(size_t)u * 50 + j] : c.m->user_b[u];
		}
	}
	for (int j = 0; j < 51; j++)
		cr_assert_float_eq(sum[j] / nu, mu[j] / nu, 2e-3, "output %d", j);
	meta_free(mt);
	chapter_free(&c);
}

/* ---- the engine's insight commands ------------------------------------ */

static void train_small(struct eng *e, struct sink *s, uint64_t seed)
{
	struct eng_cmd c = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	c.u.train.model = model_cfg_default();
	c.u.train.model.n_factors = 8;
	c.u.train.train = train_cfg_default();
	c.u.train.train.epochs = 1;
	c.u.train.train.seed = seed;
	c.u.train.valid_pct = 0.2;
	cr_assert_eq(eng_handle(e, &c), 0);
	while (eng_busy(e))
		eng_work(e);
	sink_release(s);
}

Test(eng_insight, replies_errors_fallback_and_fresh_caches, .timeout = 120)
{
	char ml[512], dir[512], path[600], err[256];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	struct sink s = {0};
	struct eng *e = eng_new(sink_collect, &s);
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	snprintf(c.u.load.path, sizeof c.u.load.path, "%s", ml);
	cr_assert_eq(eng_handle(e, &c), 0);
	sink_release(&s);

	/* no model: queries are refused, recommendations fall back and say so */
	struct eng_cmd q = { .kind = ENG_CMD_SIMILAR, .req_id = 5 };
	q.u.similar.index = 0;
	q.u.similar.k = 5;
	cr_assert_eq(eng_handle(e, &q), ENG_ESTATE);
	cr_assert_eq(s.ev[0].kind, ENG_EVT_ERROR);
	sink_release(&s);
	struct eng_cmd rc = { .kind = ENG_CMD_RECOMMEND, .req_id = 6 };
	rc.u.recommend.top = 5;
	rc.u.recommend.n = 1;
	rc.u.recommend.r[0] = (struct eng_rating){ 49, 5.0f };  /* Star Wars, id 50 */
	cr_assert_eq(eng_handle(e, &rc), 0);
	const struct eng_recs *r = &sink_last(&s, ENG_EVT_RECS)->u.recs;
	cr_assert_eq(r->basis, ENG_RECS_POPULAR);
	cr_assert(strstr(r->note, "no trained model"), "%s", r->note);
	cr_assert_eq(r->n, 5);
	for (int j = 0; j < r->n; j++)
		cr_assert_neq(r->e[j].idx, 49, "rated items are left out");
	cr_assert_eq(r->coverage_lists, 0, "no model, no coverage");
	sink_release(&s);

	/* a model: SIMILAR, then a new model must not reuse the old cache */
	train_small(e, &s, 1);
	cr_assert_eq(eng_handle(e, &q), 0);
	uint32_t first = sink_last(&s, ENG_EVT_SIMILAR)->u.similar.e[0].idx;
	sink_release(&s);
	train_small(e, &s, 2);
	cr_assert_eq(eng_handle(e, &q), 0);
	struct eng_similar got = sink_last(&s, ENG_EVT_SIMILAR)->u.similar;
	sink_release(&s);
	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/m", dir);
	struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 7 };
	snprintf(sv.u.path, sizeof sv.u.path, "%s", path);
	cr_assert_eq(eng_handle(e, &sv), 0);
	sink_release(&s);
	struct ckpt_meta meta;
	struct model *m = ckpt_load(path, &meta, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct sim *ref = sim_new(m->item_f, m->cfg.n_items, m->cfg.n_factors);
	struct rank_pick p[5];
	sim_nearest(ref, 0, 5, p);
	for (int j = 0; j < 5; j++) {
		cr_assert_eq(got.e[j].idx, p[j].idx, "seed 2's neighbours (seed 1's first: %u)", first);
		cr_assert_float_eq(got.e[j].score, p[j].score, 1e-6f);
	}
	sim_free(ref);
	model_free(m);
	testenv_rmdir(dir);

	/* PCA: a heap reply owned by the receiver */
	struct eng_cmd pc = { .kind = ENG_CMD_PCA, .req_id = 8 };
	pc.u.pca.top_n = 100;
	pc.u.pca.n_comp = 2;
	cr_assert_eq(eng_handle(e, &pc), 0);
	const struct eng_pca *pca = sink_last(&s, ENG_EVT_PCA)->u.pca;
	cr_assert_eq(pca->n, 100);
	cr_assert_eq(pca->n_comp, 2);
	cr_assert_geq(pca->share[0], pca->share[1]);
	sink_release(&s);
	pc.u.pca.n_comp = 9;
	cr_assert_eq(eng_handle(e, &pc), ENG_EARG, "more components than factors");
	sink_release(&s);

	/* fold-in, with reasons; metadata recommendations */
	cr_assert_eq(eng_handle(e, &rc), 0);
	r = &sink_last(&s, ENG_EVT_RECS)->u.recs;
	cr_assert_eq(r->basis, ENG_RECS_FOLDIN);
	cr_assert_eq(r->n, 5);
	cr_assert_eq(r->e[0].because, 49);
	cr_assert(r->lambda_f > 0 && r->lambda_b > 0);
	/* coverage: every one of the 943 users' top 10, a whole number of
	 * the 1682 movies, more than one list's worth and not all */
	cr_assert_eq(r->coverage_lists, 943);
	double shown = r->coverage * 1682.0;
	cr_assert_float_eq(shown, round(shown), 1e-3, "%f", shown);
	cr_assert(shown > 10.0 && shown < 1682.0, "%f", shown);
	sink_release(&s);
	struct eng_cmd mc = { .kind = ENG_CMD_RECOMMEND_META, .req_id = 9 };
	mc.u.meta.top = 3;
	mc.u.meta.age = 30;
	snprintf(mc.u.meta.gender, sizeof mc.u.meta.gender, "F");
	snprintf(mc.u.meta.occupation, sizeof mc.u.meta.occupation, "writer");
	cr_assert_eq(eng_handle(e, &mc), 0);
	r = &sink_last(&s, ENG_EVT_RECS)->u.recs;
	cr_assert_eq(r->basis, ENG_RECS_META);
	cr_assert_eq(r->n, 3);
	cr_assert_eq(r->unknown, 0);
	sink_release(&s);
	eng_free(e);
}
