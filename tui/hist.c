/* hist.c -- training runs, from events (see hist.h). */
#include "hist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hist {
	int n;                          /* runs held; runs[n-1] is current */
	struct hist_run runs[HIST_RUNS];
};

struct hist *hist_new(void)
{
	return calloc(1, sizeof(struct hist));
}

void hist_free(struct hist *h)
{
	free(h);
}

void hist_begin(struct hist *h, const char *label, int planned)
{
	struct hist_run *r;

	if (h->n == HIST_RUNS) {
		memmove(&h->runs[0], &h->runs[1],
			(HIST_RUNS - 1) * sizeof h->runs[0]);
		h->n--;
	}
	r = &h->runs[h->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->label, sizeof r->label, "%s", label);
	r->planned_epochs = planned;
	for (int i = 0; i < HIST_PTS; i++)
		r->smooth[i] = r->raw[i] = NAN;
}

int hist_overlay_clear(struct hist *h)
{
	for (int i = 0; i < h->n; i++)
		if (h->runs[i].state == HIST_PAST) {
			memmove(&h->runs[i], &h->runs[i + 1],
				(size_t)(h->n - 1 - i) * sizeof h->runs[0]);
			h->n--;
			return 1;
		}
	return 0;
}

void hist_overlay(struct hist *h, const char *label, const float *train,
		  const float *valid, int n)
{
	int at;
	struct hist_run *r;

	hist_overlay_clear(h);
	if (h->n == HIST_RUNS) {
		memmove(&h->runs[0], &h->runs[1],
			(HIST_RUNS - 1) * sizeof h->runs[0]);
		h->n--;
	}
	/* before the current run, which the events of its request feed */
	at = h->n > 0 ? h->n - 1 : 0;
	memmove(&h->runs[at + 1], &h->runs[at],
		(size_t)(h->n - at) * sizeof h->runs[0]);
	h->n++;
	r = &h->runs[at];
	memset(r, 0, sizeof *r);
	snprintf(r->label, sizeof r->label, "%s", label);
	r->state = HIST_PAST;
	if (n > HIST_EPOCHS)
		n = HIST_EPOCHS;
	r->planned_epochs = r->n_epochs = n;
	for (int i = 0; i < n; i++)
		r->ep[i] = (struct hist_epoch){ train[i], valid[i], 0 };
	for (int i = 0; i < HIST_PTS; i++)
		r->smooth[i] = r->raw[i] = NAN;
}

/* Store the event's curve points (and the batch loss it reports). */
static void add_curve(struct hist_run *r, const struct eng_train_report *rep,
		      const struct eng_curve *cv)
{
	if (cv->n > 0 && cv->stride > 0) {
		if (r->stride == 0)
			r->stride = cv->stride;
		for (int i = 0; i < cv->n && i < ENG_LOSS_PTS; i++) {
			long idx = (cv->first + i * cv->stride) / r->stride;

			if (idx < 0 || idx >= HIST_PTS)
				continue;
			r->smooth[idx] = cv->loss[i];
			if (idx + 1 > r->n_pts)
				r->n_pts = (int)idx + 1;
		}
	}
	if (r->stride > 0 && r->n_batches > 0 && rep->batch > 0) {
		long gb = rep->epoch * r->n_batches + rep->batch - 1;
		long idx = gb / r->stride;

		if (idx >= 0 && idx < HIST_PTS && isfinite(rep->batch_loss)) {
			r->raw[idx] = (float)rep->batch_loss;
			if (idx + 1 > r->n_pts)
				r->n_pts = (int)idx + 1;
		}
	}
}

int hist_apply(struct hist *h, const struct eng_evt *ev)
{
	struct hist_run *r;
	const struct eng_train_report *rep = &ev->u.train.report;

	if (h->n == 0)
		return 0;
	r = &h->runs[h->n - 1];
	switch (ev->kind) {
	case ENG_EVT_TRAIN_START:
		r->state = HIST_RUNNING;
		r->n_batches = rep->n_batches;
		return 1;
	case ENG_EVT_PROGRESS:
	case ENG_EVT_EPOCH:
	case ENG_EVT_TRAINED:
		if (r->state == HIST_WAITING)
			r->state = HIST_RUNNING;
		if (rep->n_batches > 0)
			r->n_batches = rep->n_batches;
		r->epoch = rep->epoch;
		r->batch = rep->batch;
		add_curve(r, rep, &ev->u.train.curve);
		/* TRAINED repeats the last EPOCH's row: keep one */
		if (ev->kind != ENG_EVT_PROGRESS && r->n_epochs < HIST_EPOCHS &&
		    rep->epoch >= r->n_epochs) {
			struct hist_epoch *e = &r->ep[r->n_epochs++];

			e->train = (float)rep->train_loss;
			e->valid = (float)rep->valid_loss;
			e->secs = (float)rep->seconds;
		}
		if (ev->kind == ENG_EVT_TRAINED)
			r->state = HIST_DONE;
		return 1;
	case ENG_EVT_STOPPED:
		r->state = HIST_STOPPED;
		return 1;
	case ENG_EVT_ERROR:
		if (r->state == HIST_WAITING || r->state == HIST_RUNNING) {
			r->state = HIST_FAILED;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

int hist_count(const struct hist *h)
{
	return h->n;
}

const struct hist_run *hist_run(const struct hist *h, int i)
{
	return i >= 0 && i < h->n ? &h->runs[i] : NULL;
}

int hist_best(const struct hist_run *r)
{
	int best = -1;

	for (int i = 0; i < r->n_epochs; i++)
		if (isfinite(r->ep[i].valid) &&
		    (best < 0 || r->ep[i].valid < r->ep[best].valid))
			best = i;
	return best;
}
