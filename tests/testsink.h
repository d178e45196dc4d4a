/* testsink.h -- an emit callback that keeps the engine's events, for tests
 * that drive struct eng synchronously. */
#ifndef COLLABTUI_TESTSINK_H
#define COLLABTUI_TESTSINK_H

#include <criterion/criterion.h>

#include "eng.h"

#define SINK_MAX 256

struct sink {
	int n;
	struct eng_evt ev[SINK_MAX];
};

/* The eng_emit_fn: append a copy (the sink then owns its payloads). */
static inline void sink_collect(void *ctx, const struct eng_evt *ev)
{
	struct sink *s = ctx;
	cr_assert_lt(s->n, SINK_MAX, "more than %d events", SINK_MAX);
	s->ev[s->n++] = *ev;
}

/* Release every event's payload and empty the sink. */
static inline void sink_release(struct sink *s)
{
	for (int i = 0; i < s->n; i++)
		eng_evt_release(&s->ev[i]);
	s->n = 0;
}

/* The first / the last event of a kind, or NULL. */
static inline const struct eng_evt *sink_first(const struct sink *s, enum eng_evt_kind k)
{
	for (int i = 0; i < s->n; i++)
		if (s->ev[i].kind == k)
			return &s->ev[i];
	return NULL;
}

static inline const struct eng_evt *sink_last(const struct sink *s, enum eng_evt_kind k)
{
	for (int i = s->n - 1; i >= 0; i--)
		if (s->ev[i].kind == k)
			return &s->ev[i];
	return NULL;
}

#endif
