/* test_sched.c -- fit_one_cycle's learning rate and momentum by hand. */
#include <criterion/criterion.h>
#include <math.h>

#include "schedule.h"

Test(sched, one_cycle_by_hand)
{
	struct sched s = sched_one_cycle(0.01, 100);
	double lr, mom;
	sched_at(&s, 0, &lr, &mom);
	cr_assert_float_eq(lr, 0.01 / 25, 1e-12);
	cr_assert_float_eq(mom, 0.95, 1e-12);
	/* halfway up the warm-up: cos(pi/2) = 0, so the midpoint */
	sched_at(&s, 12, &lr, &mom);
	double p = 12.0 / 25.0;
	cr_assert_float_eq(lr, 4e-4 + (1 + cos(M_PI * (1 - p))) * (0.01 - 4e-4) / 2, 1e-12);
	sched_at(&s, 25, &lr, &mom);
	cr_assert_float_eq(lr, 0.01, 1e-12);
	cr_assert_float_eq(mom, 0.85, 1e-12);
	/* t = 50: a third of the way down, (1 + cos(2pi/3)) / 2 = 1/4 */
	sched_at(&s, 50, &lr, &mom);
	cr_assert_float_eq(lr, 0.01 + 0.25 * (1e-7 - 0.01), 1e-12);
	cr_assert_float_eq(mom, 0.85 + 0.25 * 0.1, 1e-12);
	sched_at(&s, 99, &lr, &mom);
	cr_assert(lr < 1e-5 && lr > 1e-7, "lr at the last step %g", lr);
	cr_assert(mom > 0.949, "mom at the last step %g", mom);
}

Test(sched, constant)
{
	struct sched s = { .kind = ENG_SCHED_CONSTANT, .lr_max = 0.3, .mom_hi = 0.7 };
	double lr, mom;
	sched_at(&s, 1234, &lr, &mom);
	cr_assert_eq(lr, 0.3);
	cr_assert_eq(mom, 0.7);
}
