/* runmarks.c -- the runs marked for comparing (see runmarks.h). */
#include "runmarks.h"

#include <string.h>

/* The same run: what the history says about it, less the losses. */
static int same_run(const struct history_run *a, const struct history_run *b)
{
	return strcmp(a->time, b->time) == 0 && strcmp(a->dataset, b->dataset) == 0 &&
	       strcmp(a->split, b->split) == 0 && strcmp(a->model, b->model) == 0 &&
	       a->factors == b->factors && a->epochs == b->epochs && a->bs == b->bs &&
	       a->lr == b->lr && a->wd == b->wd && a->seed == b->seed &&
	       a->n_losses == b->n_losses;
}

int marks_find(const struct run_marks *m, const struct history_run *r)
{
	for (int i = 0; i < m->n; i++)
		if (same_run(&m->run[i], r))
			return i;
	return -1;
}

int marks_toggle(struct run_marks *m, const struct history_run *r)
{
	int i = marks_find(m, r);

	if (i >= 0) {
		memmove(&m->run[i], &m->run[i + 1],
			(size_t)(m->n - i - 1) * sizeof m->run[0]);
		m->n--;
		if (m->n < 2)
			m->comparing = 0;
		return 0;
	}
	if (m->n == MARKS_MAX)
		return -1;
	/* oldest first, whatever order they were marked in */
	int at = m->n;
	while (at > 0 && strcmp(m->run[at - 1].time, r->time) > 0)
		at--;
	memmove(&m->run[at + 1], &m->run[at], (size_t)(m->n - at) * sizeof m->run[0]);
	m->run[at] = *r;
	m->n++;
	return 1;
}
