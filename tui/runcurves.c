/* runcurves.c -- training runs, from events (see runcurves.h). */
#include "runcurves.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run_curves {
	int n;                          /* runs held; runs[n-1] is current */
	struct curve_run runs[CURVES_RUNS];
};

struct run_curves *curves_new(void)
{
	return calloc(1, sizeof(struct run_curves));
}

void curves_free(struct run_curves *h)
{
	free(h);
}

void curves_begin(struct run_curves *h, const char *label, int planned)
{
	struct curve_run *r;

	if (h->n == CURVES_RUNS) {
		memmove(&h->runs[0], &h->runs[1],
			(CURVES_RUNS - 1) * sizeof h->runs[0]);
		h->n--;
	}
	r = &h->runs[h->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->label, sizeof r->label, "%s", label);
	r->planned_epochs = planned;
	for (int i = 0; i < CURVES_PTS; i++)
		r->smooth[i] = r->raw[i] = NAN;
}

int curves_overlay_clear(struct run_curves *h)
{
	for (int i = 0; i < h->n; i++)
		if (h->runs[i].state == CURVES_PAST) {
			memmove(&h->runs[i], &h->runs[i + 1],
				(size_t)(h->n - 1 - i) * sizeof h->runs[0]);
			h->n--;
			return 1;
		}
	return 0;
}

void curves_overlay(struct run_curves *h, const char *label, const float *train,
		  const float *valid, int n)
{
	int at;
	struct curve_run *r;

	curves_overlay_clear(h);
	if (h->n == CURVES_RUNS) {
		memmove(&h->runs[0], &h->runs[1],
			(CURVES_RUNS - 1) * sizeof h->runs[0]);
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
	r->state = CURVES_PAST;
	if (n > CURVES_EPOCHS)
		n = CURVES_EPOCHS;
	r->planned_epochs = r->n_epochs = n;
	for (int i = 0; i < n; i++)
		r->ep[i] = (struct curve_epoch){ train[i], valid[i], 0 };
	for (int i = 0; i < CURVES_PTS; i++)
		r->smooth[i] = r->raw[i] = NAN;
}

/* Store the event's curve points (and the batch loss it reports). */
static void add_curve(struct curve_run *r, const struct eng_train_report *rep,
		      const struct eng_curve *cv)
{
	if (cv->n > 0 && cv->stride > 0) {
		if (r->stride == 0)
			r->stride = cv->stride;
		for (int i = 0; i < cv->n && i < ENG_LOSS_PTS; i++) {
			long idx = (cv->first + i * cv->stride) / r->stride;

			if (idx < 0 || idx >= CURVES_PTS)
				continue;
			r->smooth[idx] = cv->loss[i];
			if (idx + 1 > r->n_pts)
				r->n_pts = (int)idx + 1;
		}
	}
	if (r->stride > 0 && r->n_batches > 0 && rep->batch > 0) {
		long gb = rep->epoch * r->n_batches + rep->batch - 1;
		long idx = gb / r->stride;

		if (idx >= 0 && idx < CURVES_PTS && isfinite(rep->batch_loss)) {
			r->raw[idx] = (float)rep->batch_loss;
			if (idx + 1 > r->n_pts)
				r->n_pts = (int)idx + 1;
		}
	}
}

int curves_apply(struct run_curves *h, const struct eng_evt *ev)
{
	struct curve_run *r;
	const struct eng_train_report *rep = &ev->u.train.report;

	if (h->n == 0)
		return 0;
	r = &h->runs[h->n - 1];
	switch (ev->kind) {
	case ENG_EVT_TRAIN_START:
		r->state = CURVES_RUNNING;
		r->n_batches = rep->n_batches;
		return 1;
	case ENG_EVT_PROGRESS:
	case ENG_EVT_EPOCH:
	case ENG_EVT_TRAINED:
		if (r->state == CURVES_WAITING)
			r->state = CURVES_RUNNING;
		if (rep->n_batches > 0)
			r->n_batches = rep->n_batches;
		r->epoch = rep->epoch;
		r->batch = rep->batch;
		add_curve(r, rep, &ev->u.train.curve);
		/* TRAINED repeats the last EPOCH's row: keep one */
		if (ev->kind != ENG_EVT_PROGRESS && r->n_epochs < CURVES_EPOCHS &&
		    rep->epoch >= r->n_epochs) {
			struct curve_epoch *e = &r->ep[r->n_epochs++];

			e->train = (float)rep->train_loss;
			e->valid = (float)rep->valid_loss;
			e->secs = (float)rep->seconds;
		}
		if (ev->kind == ENG_EVT_TRAINED)
			r->state = CURVES_DONE;
		return 1;
	case ENG_EVT_STOPPED:
		r->state = CURVES_STOPPED;
		return 1;
	case ENG_EVT_ERROR:
		if (r->state == CURVES_WAITING || r->state == CURVES_RUNNING) {
			r->state = ev->u.error.code == ENG_EDIVERGED ?
				   CURVES_DIVERGED : CURVES_FAILED;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

int curves_count(const struct run_curves *h)
{
	return h->n;
}

const struct curve_run *curves_run(const struct run_curves *h, int i)
{
	return i >= 0 && i < h->n ? &h->runs[i] : NULL;
}

int curves_best(const struct curve_run *r)
{
	int best = -1;

	for (int i = 0; i < r->n_epochs; i++)
		if (isfinite(r->ep[i].valid) &&
		    (best < 0 || r->ep[i].valid < r->ep[best].valid))
			best = i;
	return best;
}

int curves_overfit_since(const struct curve_run *r)
{
	int best = curves_best(r), last = r->n_epochs - 1;

	if (best < 0 || best == last)
		return -1;
	/* a rise within 0.5% is noise, not overfitting (the chapter's own run
	 * ends 0.8085 -> 0.8096 on ml-100k) */
	if (!(r->ep[last].valid > r->ep[best].valid * (1 + CURVES_OVERFIT_RISE)))
		return -1;
	/* every epoch after the best one above it, and train loss lower at
	 * the end than at the best epoch */
	for (int e = best + 1; e <= last; e++)
		if (!(r->ep[e].valid > r->ep[best].valid))
			return -1;
	return r->ep[last].train < r->ep[best].train ? best + 1 : -1;
}
