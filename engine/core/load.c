/* load.c -- a dataset read for LOAD_DATA, with progress and cancel (see load.h). */
#include "load.h"
#include "clock.h"

#include <stdio.h>

#include "catalog.h"

/* A load under way. */
struct load_watch {
	eng_emit_fn emit;
	void *emit_ctx;
	int (*cancel)(void *ctx);
	void *cancel_ctx;
	uint32_t req;
	double start, last;             /* last: the last LOAD_PROGRESS sent */
	enum eng_load_phase phase;
	int cancelled;
};

/* Report the load's progress (at most every ENG_PROGRESS_MS, and only
 * once it has taken that long: a small file loads without any), then
 * poll the cancel hook.  Non-zero: stop. */
static int load_step(struct load_watch *w, enum eng_load_phase phase,
		     uint64_t done, uint64_t total)
{
	double now = clock_now(), every = ENG_PROGRESS_MS * 1e-3;

	if (now - w->start >= every && (phase != w->phase || now - w->last >= every)) {
		struct eng_evt ev = { .kind = ENG_EVT_LOAD_PROGRESS, .req_id = w->req };
		ev.u.load = (struct eng_load_progress){ phase, done, total, now - w->start };
		w->emit(w->emit_ctx, &ev);
		w->last = now;
		w->phase = phase;
	}
	if (!w->cancelled && w->cancel && w->cancel(w->cancel_ctx))
		w->cancelled = 1;
	return w->cancelled;
}

/* ds_opts.progress: reading while bytes remain, then the steps after. */
static int load_progress(void *ctx, uint64_t done, uint64_t total)
{
	return load_step(ctx, total == 0 || done < total ? ENG_LOAD_READ : ENG_LOAD_INDEX,
			 done, total);
}

int load_dataset(const struct eng_load_args *a, uint32_t req, eng_emit_fn emit,
		 void *emit_ctx, int (*cancel)(void *ctx), void *cancel_ctx,
		 struct load_result *out, char *err, size_t errlen)
{
	double t0 = clock_now();
	struct load_watch w = { .emit = emit, .emit_ctx = emit_ctx, .cancel = cancel,
				.cancel_ctx = cancel_ctx, .req = req, .start = t0, .last = t0 };
	struct ds_opts o = {
		.path = a->path,
		.format = a->format,
		.item_key = a->item_key,
		.split = a->split[0] ? a->split : NULL,
		.threads = a->threads,
		.progress = load_progress,
		.progress_ctx = &w,
	};
	*out = (struct load_result){0};
	struct ds *ds = ds_load(&o, err, errlen);
	if (!ds)
		return w.cancelled ? ENG_ECANCELED : ENG_EDATA;
	struct eng_catalog *cat = NULL;
	if (load_step(&w, ENG_LOAD_SUMMARY, 0, 0) || summary_compute(ds, &out->summary) != 0 ||
	    load_step(&w, ENG_LOAD_SUMMARY, 0, 0) || (!a->summary_only && !(cat = catalog_make(ds)))) {
		eng_catalog_free(cat);
		ds_free(ds);
		if (w.cancelled)
			return ENG_ECANCELED;
		snprintf(err, errlen, "out of memory summarising the dataset");
		return ENG_ENOMEM;
	}
	out->ds = ds;
	out->cat = cat;
	return 0;
}
