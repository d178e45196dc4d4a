/* bench_eng.h -- what the benchmarks that drive the engine as a front end
 * does (bench_queries, bench_scale) share. */
#ifndef COLLABTUI_BENCH_ENG_H
#define COLLABTUI_BENCH_ENG_H

#include <stdlib.h>

#include "eng.h"

/* Send c and let the engine work until it is idle; exits when it refuses
 * c or *errors (the count of ERROR events the caller's sink saw) grows. */
static inline void bench_run_until_idle(struct eng *e, const int *errors,
					const struct eng_cmd *c)
{
	int before = *errors;
	if (eng_handle(e, c) != 0 || *errors != before)
		exit(1);
	while (eng_busy(e))
		eng_work(e);
	if (*errors != before)
		exit(1);
}

#endif
