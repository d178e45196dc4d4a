/* test_rankfit.c -- the per-user split, EASE against its closed form
 * worked by hand, most-popular, and implicit ALS on a planted structure. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "metrics.h"
#include "rankfit.h"
#include "split.h"
#include "train.h"

Test(split, per_user_keeps_three_quarters_of_each_user)
{
	/* user u has u + 1 ratings, u = 0..9, interleaved */
	uint32_t users[55];
	size_t n = 0;
	for (uint32_t u = 0; u < 10; u++)
		for (uint32_t j = 0; j <= u; j++)
			users[n++] = u;
	for (size_t j = 0; j < n; j++) {     /* shuffle the order of the rows */
		size_t k = (j * 17) % n;
		uint32_t t = users[j];
		users[j] = users[k];
		users[k] = t;
	}
	struct split a, b;
	cr_assert_eq(split_per_user(&(const struct rcols){ .n = n, .user32 = users }, 10, 0.25, 3, &a), 0);
	unsigned seen[55] = {0}, tr[10] = {0}, cnt[10] = {0};
	for (size_t j = 0; j < n; j++)
		cnt[users[j]]++;
	for (size_t j = 0; j < a.n_train; j++) {
		seen[a.train[j]]++;
		tr[users[a.train[j]]]++;
	}
	for (size_t j = 0; j < a.n_valid; j++)
		seen[a.valid[j]]++;
	for (size_t j = 0; j < n; j++)
		cr_assert_eq(seen[j], 1, "rating %zu is on %u sides", j, seen[j]);
	/* round(0.75 * count), half to even: 1 -> 1 (0.75), 2 -> 2 (1.5),
	 * 3 -> 2 (2.25), 4 -> 3, 6 -> 4 (4.5), 10 -> 8 (7.5) */
	const unsigned want[10] = { 1, 2, 2, 3, 4, 4, 5, 6, 7, 8 };
	for (int u = 0; u < 10; u++)
		cr_assert_eq(tr[u], want[u], "user %d (%u ratings) trains on %u, not %u",
			     u, cnt[u], tr[u], want[u]);
	cr_assert_eq(split_per_user(&(const struct rcols){ .n = n, .user32 = users }, 10, 0.25, 3, &b), 0);
	cr_assert_eq(memcmp(a.valid, b.valid, a.n_valid * sizeof *a.valid), 0);
	split_free(&b);
	cr_assert_eq(split_per_user(&(const struct rcols){ .n = n, .user32 = users }, 10, 0.25, 4, &b), 0);
	cr_assert_neq(memcmp(a.valid, b.valid, a.n_valid * sizeof *a.valid), 0);
	split_free(&a);
	split_free(&b);
	cr_assert_eq(split_per_user(&(const struct rcols){ .n = n, .user32 = users }, 9, 0.25, 3, &a), -1);   /* user 9 out of range */
	cr_assert_eq(split_per_user(&(const struct rcols){ .n = n, .user32 = users }, 10, 1.0, 3, &a), -1);
}

/* Three users, three items, everything trains: X = [1 1 0; 1 0 1; 0 1 1].
 * X^T X = [2 1 1; 1 2 1; 1 1 2]; with lambda = 1, A = [3 1 1; 1 3 1; 1 1 3],
 * whose inverse is (1/20) [8 -2 -2; -2 8 -2; -2 -2 8].  So B[i][j] =
 * -P[i][j] / P[j][j] = 2/8 = 0.25 off the diagonal, 0 on it, and user 0
 * scores item 2 as X[0] . B[:,2] = 0.25 + 0.25 = 0.5. */
static const uint32_t eu[] = { 0, 0, 1, 1, 2, 2 };
static const uint32_t ei[] = { 0, 1, 0, 2, 1, 2 };
static const float er[] = { 5, 1, 3, 4, 2, 5 };
static uint32_t e_train[] = { 0, 1, 2, 3, 4, 5 };

static struct model *fit_one(enum eng_fit algo, const struct eng_model_hp *mc,
			     struct eng_train_hp *tc, const struct ratings_view *v)
{
	char err[256];
	struct model *m = model_new(mc, err, sizeof err);
	cr_assert(m, "%s", err);
	tc->algo = algo;
	struct trainer *t = trainer_new(trainer_ops_for(tc, 0), m, v, tc, 1, err, sizeof err);
	cr_assert(t, "%s", err);
	struct eng_train_report rep;
	enum train_status st;
	while ((st = trainer_step(t, 1, &rep)) == TRAIN_EPOCH_END)
		;
	cr_assert_eq(st, TRAIN_DONE);
	trainer_free(t);
	return m;
}

Test(rankfit, ease_matches_the_closed_form_by_hand)
{
	struct split sp = { .train = e_train, .n_train = 6, .valid = e_train, .n_valid = 0 };
	struct ratings_view v = { .c = rcols_plain(6, eu, ei, er), .sp = &sp };
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = 3, .n_items = 3,
				   .n_factors = rankfit_factors(ENG_FIT_EASE, 50, 3) };
	cr_assert_eq(mc.n_factors, 3);
	struct eng_train_hp tc = train_cfg_default();
	tc.wd = 1.0;
	struct model *m = fit_one(ENG_FIT_EASE, &mc, &tc, &v);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)     /* item j's factors: B's column j */
			cr_assert_float_eq(m->item_f[j * 3 + i], i == j ? 0.0f : 0.25f, 1e-5,
					   "B[%d][%d] = %g", i, j, m->item_f[j * 3 + i]);
	/* every rating, whatever its value, is a 1 in the user's row */
	const float want_x[9] = { 1, 1, 0, 1, 0, 1, 0, 1, 1 };
	for (int j = 0; j < 9; j++)
		cr_assert_eq(m->user_f[j], want_x[j]);
	cr_assert_float_eq(model_predict(m, 0, 2), 0.5f, 1e-5);
	model_free(m);
	/* a lambda of 0 is refused */
	tc.wd = 0.0;
	char err[256];
	m = model_new(&mc, err, sizeof err);
	tc.algo = ENG_FIT_EASE;
	cr_assert_null(trainer_new(trainer_ops_for(&tc, 0), m, &v, &tc, 1, err, sizeof err));
	cr_assert(strstr(err, "lambda") != NULL, "%s", err);
	model_free(m);
}

Test(rankfit, pop_scores_items_by_training_ratings)
{
	uint32_t train[] = { 0, 2, 3, 4 };      /* items 0, 0, 2, 1 */
	uint32_t valid[] = { 1, 5 };
	struct split sp = { .train = train, .n_train = 4, .valid = valid, .n_valid = 2 };
	struct ratings_view v = { .c = rcols_plain(6, eu, ei, er), .sp = &sp };
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = 3, .n_items = 3,
				   .n_factors = rankfit_factors(ENG_FIT_POP, 50, 3) };
	struct eng_train_hp tc = train_cfg_default();
	struct model *m = fit_one(ENG_FIT_POP, &mc, &tc, &v);
	cr_assert_eq(m->item_b[0], 2.0f);
	cr_assert_eq(m->item_b[1], 1.0f);
	cr_assert_eq(m->item_b[2], 1.0f);
	cr_assert_eq(model_predict(m, 1, 0), 2.0f);
	model_free(m);
}

/* Two groups of 20 users, each watching (most of) its own 10 items: iALS
 * must rank a user's unwatched items of its own group above the other
 * group's. */
Test(rankfit, ials_learns_planted_groups)
{
	enum { NU = 40, NI = 20 };
	uint32_t u[NU * 10], it[NU * 10];
	float r[NU * 10];
	uint32_t train[NU * 10];
	size_t n = 0, nt = 0;
	for (uint32_t a = 0; a < NU; a++)
		for (uint32_t j = 0; j < 10; j++) {
			if ((a + j) % 5 == 0)
				continue;       /* each user misses 2 of its 10 */
			u[n] = a;
			it[n] = (a < NU / 2 ? 0 : 10) + j;
			r[n] = 1.0f + (float)(j % 5);
			train[nt++] = (uint32_t)n;
			n++;
		}
	struct split sp = { .train = train, .n_train = nt, .valid = train, .n_valid = 0 };
	struct ratings_view v = { .c = rcols_plain(n, u, it, r), .sp = &sp };
	struct eng_model_hp mc = { .kind = ENG_MODEL_DOTBIAS, .n_users = NU, .n_items = NI,
				   .n_factors = 4 };
	struct eng_train_hp tc = train_cfg_default();
	tc.epochs = 20;
	tc.wd = 1.0;
	tc.alpha = 10.0;
	tc.threads = 2;
	struct model *m = fit_one(ENG_FIT_IALS, &mc, &tc, &v);
	for (uint32_t a = 0; a < NU; a++) {
		uint32_t own = a < NU / 2 ? 0 : 10, other = 10 - own;
		float worst_own = INFINITY, best_other = -INFINITY;
		for (uint32_t j = 0; j < 10; j++) {
			worst_own = fminf(worst_own, model_predict(m, a, own + j));
			best_other = fmaxf(best_other, model_predict(m, a, other + j));
		}
		cr_assert_gt(worst_own, best_other, "user %u: own %g <= other %g", a,
			     worst_own, best_other);
	}
	model_free(m);
}
