/* params.h -- the hyperparameters pane's model: which fields there are,
 * how each is shown, edited, stepped and checked.  Curses-free.
 *
 * Values live in a struct cfg (app/config.h), and typed text goes through
 * cfg_set(), so a value is accepted or refused with the same words in the
 * pane, on the command line and in config.yaml.  On top of that the pane
 * knows the loaded dataset's rating range and refuses a y_range that
 * cannot reach it (the chapter's NN example stalls at loss 10.38 with one).
 *
 * The first row is the preset (app/config.h's presets): it names the
 * preset whose settings the values still hold, or "custom", so an edit
 * that moves a value away from the preset shows at once; setting it
 * applies every setting of the named preset.
 */
#ifndef COLLABTUI_PARAMS_H
#define COLLABTUI_PARAMS_H

#include <stddef.h>

#include "config.h"
#include "eng.h"
#include "history.h"

enum params_field {
	PARAM_PRESET, PARAM_MODEL, PARAM_TRAINER, PARAM_FACTORS, PARAM_WD,
	PARAM_LR, PARAM_EPOCHS, PARAM_BS, PARAM_Y_RANGE, PARAM_OPTIMIZER,
	PARAM_MOM, PARAM_SCHEDULE, PARAM_SEED, PARAM_THREADS, PARAM_VALID,
	PARAM_LAYERS, PARAM_EMB_DROP, PARAM_PS, PARAM_LR_FIND,
	PARAM_COUNT
};

/* The ratings a model has to predict; known once a dataset is loaded. */
struct params_range {
	int known;
	float lo, hi;
};

/* The field's label as the pane shows it ("n_factors", "lr", ...). */
const char *params_label(enum params_field f);

/* What field f does, in a sentence or two drawn from the chapter, with what
 * the current values add (the model row explains the model chosen, the
 * preset row lists the presets, rows the values make moot say so): into
 * buf, never empty.  The pane shows it under the fields. */
void params_explain(const struct cfg *c, enum params_field f, char *buf,
		    size_t n);

/* The field's value as text, in the form params_set() accepts back
 * ("5e-03", "0,5.5", "dotbias", "100,50" for the nn's layers,
 * "1e-07,10,100" for lr_find's START,END,NUM_IT), or "custom" for a
 * preset row that names none. */
void params_format(const struct cfg *c, enum params_field f, char *buf,
		   size_t n);

/* NULL, or why a y_range (on, lo, hi) cannot predict ratings in r: the
 * sigmoid stays inside (lo, hi), so it must cover [r.lo, r.hi]. */
const char *params_check_y_range(int on, double lo, double hi,
				 const struct params_range *r, char *buf,
				 size_t n);

/* Set field f of *c from typed text; for the preset, text is a preset's
 * name and every setting of it is applied.  Refused: what cfg_set()
 * refuses, an unknown preset (the reason lists the known ones), settings
 * that do not go together (cfg_check(): the fast trainer with a model
 * other than dot and dotbias), and a new y_range that cannot reach the
 * ratings in r.  Returns 0, or -1 with the reason in why and *c
 * unchanged. */
int params_set(struct cfg *c, enum params_field f, const char *text,
	       const struct params_range *r, char *why, size_t n);

/* Step field f by one notch, dir = +1 or -1: lr and wd along the 1-2-5 log
 * ladder (1e-3, 2e-3, 5e-3, 1e-2 ...; wd reaches 0 below 1e-6), factors,
 * bs, lr_find's num_it and every width of layers by doubling, keywords
 * and presets cycle (from custom values: the first or the last preset),
 * the rest by one (valid_pct, emb_drop and ps by 0.05, y_range's hi by
 * 0.5).  Returns 0, or -1 with why
 * when the next value is refused as params_set() refuses (*c is then
 * unchanged). */
int params_step(struct cfg *c, enum params_field f, int dir,
		const struct params_range *r, char *why, size_t n);

/* One notch along the 1-2-5 ladder from v (> 0), up or down. */
double params_ladder(double v, int dir);

/* Restore the hyperparameters a past run was trained with (model,
 * factors, epochs, bs, lr, wd, y_range, optimiser, schedule, seed, and
 * valid_pct when it was a random hold-out) into *c.  The history does not
 * record the trainer: it stays, unless the run's model is one only
 * fastai's fits.  0, or -1 with why (a value this build does not accept)
 * and *c unchanged. */
int params_from_run(struct cfg *c, const struct history_run *r, char *why,
		    size_t n);

#endif
