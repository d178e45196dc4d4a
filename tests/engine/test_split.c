/* test_split.c -- training / validation splits: the bitmap form holds
 * the same sets as the index form, and turns into it and back. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "split.h"

/* 1 when index j is among idx[0..n). */
static int has(const uint32_t *idx, size_t n, uint32_t j)
{
	for (size_t k = 0; k < n; k++)
		if (idx[k] == j)
			return 1;
	return 0;
}

Test(split, random_bits_hold_split_randoms_validation_set)
{
	struct split a, b;
	size_t n = 1000;
	cr_assert_eq(split_random(n, 0.2, 7, &a), 0);
	cr_assert_eq(split_random_bits(n, 0.2, 7, &b), 0);
	cr_assert_null(b.train);
	cr_assert_null(b.valid);
	cr_assert_eq(b.n_all, n);
	cr_assert_eq(b.n_valid, a.n_valid);
	cr_assert_eq(b.n_train, a.n_train);
	size_t set = 0;
	for (uint32_t j = 0; j < n; j++) {
		cr_assert_eq(split_bit(&b, j), has(a.valid, a.n_valid, j), "rating %u", j);
		set += (size_t)split_bit(&b, j);
	}
	cr_assert_eq(set, 200);
	/* another seed, another set */
	struct split c;
	cr_assert_eq(split_random_bits(n, 0.2, 8, &c), 0);
	size_t same = 0;
	for (uint32_t j = 0; j < n; j++)
		same += (size_t)(split_bit(&b, j) && split_bit(&c, j));
	cr_assert_lt(same, 100);
	split_free(&a);
	split_free(&b);
	split_free(&c);
	cr_assert_eq(split_random_bits(10, 1.0, 1, &b), -1);
}

/* The bitmap split stops shuffling once the validation set is known: at
 * any share, from one rating to nearly all, it is still split_random's. */
Test(split, random_bits_match_at_every_share)
{
	const double share[] = { 0.0, 0.001, 0.01, 0.5, 0.9, 0.999 };
	for (size_t s = 0; s < sizeof share / sizeof share[0]; s++) {
		struct split a, b;
		size_t n = 1000 + s;
		cr_assert_eq(split_random(n, share[s], 3, &a), 0);
		cr_assert_eq(split_random_bits(n, share[s], 3, &b), 0);
		cr_assert_eq(b.n_valid, a.n_valid);
		for (uint32_t j = 0; j < n; j++)
			cr_assert_eq(split_bit(&b, j), has(a.valid, a.n_valid, j),
				     "share %g, rating %u", share[s], j);
		split_free(&a);
		split_free(&b);
	}
}

Test(split, to_bits_and_expand_round_trip)
{
	struct split a, b;
	cr_assert_eq(split_kfold(103, 5, 2, 9, &a), 0);
	cr_assert_eq(split_kfold(103, 5, 2, 9, &b), 0);
	cr_assert_eq(split_to_bits(&b), 0);
	cr_assert_null(b.train);
	cr_assert_eq(b.n_all, 103);
	for (uint32_t j = 0; j < 103; j++)
		cr_assert_eq(split_bit(&b, j), has(a.valid, a.n_valid, j), "rating %u", j);
	cr_assert_eq(split_expand(&b), 0);
	cr_assert_null(b.valid_bits);
	cr_assert_eq(b.n_valid, a.n_valid);
	cr_assert_eq(b.n_train, a.n_train);
	for (size_t k = 0; k < b.n_valid; k++) {
		cr_assert(has(a.valid, a.n_valid, b.valid[k]));
		if (k)
			cr_assert_lt(b.valid[k - 1], b.valid[k], "increasing order");
	}
	for (size_t k = 0; k < b.n_train; k++)
		cr_assert(has(a.train, a.n_train, b.train[k]));
	split_free(&a);
	split_free(&b);
}

Test(split, to_bits_refuses_what_is_not_a_cover)
{
	uint32_t train[] = { 0, 2, 2 }, valid[] = { 1 };
	struct split s = { .train = malloc(sizeof train), .n_train = 3,
			   .valid = malloc(sizeof valid), .n_valid = 1 };
	memcpy(s.train, train, sizeof train);
	memcpy(s.valid, valid, sizeof valid);
	cr_assert_eq(split_to_bits(&s), -1, "2 twice, 3 missing");
	cr_assert_not_null(s.train, "left unchanged");
	cr_assert_eq(s.train[2], 2);
	split_free(&s);
}

Test(split, bits_grow_appends_training_ratings)
{
	struct split s;
	cr_assert_eq(split_prefix(70, 60, &s), 0);
	cr_assert_eq(split_to_bits(&s), 0);
	cr_assert_eq(split_bits_grow(&s, 5), 0);
	cr_assert_eq(s.n_all, 75);
	cr_assert_eq(s.n_train, 65);
	cr_assert_eq(s.n_valid, 10);
	for (uint32_t j = 0; j < 75; j++)
		cr_assert_eq(split_bit(&s, j), j >= 60 && j < 70, "rating %u", j);
	split_free(&s);
}

/* A copy as a bitmap holds the same sides, from a bitmap split or from
 * an index split (the engine's last split after EVAL expanded it). */
Test(split, copy_bits_of_either_form)
{
	struct split idx, bits, from_idx, from_bits;
	size_t n = 777;
	cr_assert_eq(split_random(n, 0.3, 5, &idx), 0);
	cr_assert_eq(split_random_bits(n, 0.3, 5, &bits), 0);
	cr_assert_eq(split_copy_bits(&idx, &from_idx), 0);
	cr_assert_eq(split_copy_bits(&bits, &from_bits), 0);
	const struct split *c[2] = { &from_idx, &from_bits };
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(c[k]->n_all, n);
		cr_assert_eq(c[k]->n_train, bits.n_train);
		cr_assert_eq(c[k]->n_valid, bits.n_valid);
		cr_assert_null(c[k]->train);
		for (uint32_t j = 0; j < n; j++)
			cr_assert_eq(split_bit(c[k], j), split_bit(&bits, j), "copy %d, rating %u",
				     k, j);
	}
	cr_assert_neq(from_bits.valid_bits, bits.valid_bits, "a copy, not the same bitmap");
	split_free(&idx);
	split_free(&bits);
	split_free(&from_idx);
	split_free(&from_bits);
}
