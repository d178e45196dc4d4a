/* load.h -- LOAD_DATA's work: read a dataset (ds_load) while reporting
 * LOAD_PROGRESS and polling the front end's cancel hook, then summarise
 * it and make its item catalogue (not for a summary_only load).  The
 * engine installs what it returns.
 *
 * The loader reads a file in one go (on 25M ratings, 650 MB in a few
 * seconds) and calls back about every MiB: the natural place both to
 * report progress and to ask the front end whether to go on, since the
 * engine's thread is busy inside ds_load() until it returns.  Cutting the
 * load into eng_work() chunks instead would turn the loader inside out,
 * and LOAD_DATA would stop being a command whose reply has come when
 * eng_handle() returns, which the headless commands rely on.
 */
#ifndef COLLABTUI_LOAD_H
#define COLLABTUI_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "eng.h"
#include "summary.h"

struct load_result {
	struct ds *ds;                  /* owned by the caller */
	struct eng_summary summary;
	struct eng_catalog *cat;        /* owned by the caller (eng_catalog_free);
					 * NULL after a summary_only load */
};

/* Load the dataset a asks for, as request req.  LOAD_PROGRESS events go to
 * emit(emit_ctx) at most every ENG_PROGRESS_MS once the load has taken
 * that long; cancel(cancel_ctx) (may be NULL) is asked about every MiB
 * read and between the steps.  Returns 0 with *out filled; ENG_ECANCELED
 * when cancelled (nothing is kept); ENG_EDATA (bad input) or ENG_ENOMEM
 * with the reason in err. */
int load_dataset(const struct eng_load_args *a, uint32_t req, eng_emit_fn emit,
		 void *emit_ctx, int (*cancel)(void *ctx), void *cancel_ctx,
		 struct load_result *out, char *err, size_t errlen);

#endif
