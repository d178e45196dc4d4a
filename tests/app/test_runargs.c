/* test_runargs.c -- the settings' word on a run before it starts: when
 * fastai's fit would take a minute or more an epoch (runargs_slow_fit). */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "runargs.h"

static struct eng_summary shape(uint32_t users, uint32_t items, uint64_t ratings)
{
	return (struct eng_summary){ .n_users = users, .n_items = items, .n_ratings = ratings };
}

/* (users + items) x (k + 1 with biases) weights, each stepped once a
 * batch: 221,000 x 51 = 11.3M weights, 25M x 0.8 / 64 = 312,500 batches. */
Test(runargs, slow_fit_counts_weights_and_batches)
{
	struct cfg c = cfg_default();
	struct eng_summary big = shape(162000, 59000, 25000000);
	char why[256] = "";

	cr_assert_eq(runargs_slow_fit(&c, &big, why, sizeof why), 1);
	cr_assert(strstr(why, "11.3M weights 312500 times"), "%s", why);
	/* ML-100K and ml-latest-small are far from it: 1.7e8 and 6.6e8 */
	cr_assert_eq(runargs_slow_fit(&c, &(struct eng_summary){ .n_users = 943,
		     .n_items = 1682, .n_ratings = 100000 }, why, sizeof why), 0);
	cr_assert_eq(runargs_slow_fit(&c, &(struct eng_summary){ .n_users = 610,
		     .n_items = 9724, .n_ratings = 100836 }, why, sizeof why), 0);
	/* just past the line, and just short of it: 1e6 weights x 1e5 batches */
	c.factors = 10;
	c.model = VOCAB_MODEL_DOT;
	c.valid_pct = 0.0;
	c.bs = 10;
	cr_assert_eq(runargs_slow_fit(&c, &(struct eng_summary){ .n_users = 60000,
		     .n_items = 40000, .n_ratings = 1000000 }, why, sizeof why), 1);
	cr_assert_eq(runargs_slow_fit(&c, &(struct eng_summary){ .n_users = 60000,
		     .n_items = 40000, .n_ratings = 999990 }, why, sizeof why), 0);
}

/* Nothing to say when the run is not fastai's fit of a dot model: the
 * fast trainer already, a solver, or the nn, which has no fast trainer. */
Test(runargs, slow_fit_only_for_fastais_fit_of_dot_models)
{
	struct eng_summary big = shape(162000, 59000, 25000000);
	char why[256];
	struct cfg c = cfg_default();

	c.trainer = VOCAB_TRAINER_FAST;
	cr_assert_eq(runargs_slow_fit(&c, &big, why, sizeof why), 0);
	c = cfg_default();
	c.fit = VOCAB_FIT_ALS;
	cr_assert_eq(runargs_slow_fit(&c, &big, why, sizeof why), 0);
	c = cfg_default();
	c.model = VOCAB_MODEL_NN;
	cr_assert_eq(runargs_slow_fit(&c, &big, why, sizeof why), 0);
}
