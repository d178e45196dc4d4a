/* runargs.c -- settings (struct cfg) to engine command arguments. */
#include "runargs.h"

#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "history.h"
#include "paths.h"

_Static_assert(CFG_LAYERS_MAX <= ENG_NN_LAYERS_MAX,
	       "config.yaml's layers exceed what the engine's nn holds");

static enum eng_format format_arg(enum vocab_format f)
{
	switch (f) {
	case VOCAB_FORMAT_ML_100K: return ENG_FMT_ML100K;
	case VOCAB_FORMAT_ML_DAT:  return ENG_FMT_MLDAT;
	case VOCAB_FORMAT_ML_CSV:  return ENG_FMT_MLCSV;
	case VOCAB_FORMAT_CSV:     return ENG_FMT_CSV;
	case VOCAB_FORMAT_TSV:     return ENG_FMT_TSV;
	case VOCAB_FORMAT_AUTO:    break;
	}
	return ENG_FMT_AUTO;
}

static enum eng_model_kind model_arg(enum vocab_model m)
{
	switch (m) {
	case VOCAB_MODEL_DOT:     return ENG_MODEL_DOT;
	case VOCAB_MODEL_NN:      return ENG_MODEL_NN;
	case VOCAB_MODEL_DOTBIAS: break;
	}
	return ENG_MODEL_DOTBIAS;
}

static enum eng_fit fit_arg(enum vocab_fit f)
{
	switch (f) {
	case VOCAB_FIT_ALS:      return ENG_FIT_ALS;
	case VOCAB_FIT_BPMF:     return ENG_FIT_BPMF;
	case VOCAB_FIT_EASE:     return ENG_FIT_EASE;
	case VOCAB_FIT_IALS:     return ENG_FIT_IALS;
	case VOCAB_FIT_POP:      return ENG_FIT_POP;
	case VOCAB_FIT_GRADIENT: break;
	}
	return ENG_FIT_SGD;
}

void runargs_load(const struct cfg *c, struct eng_load_args *load)
{
	load->format = format_arg(c->format);
	load->item_key = c->item_key == VOCAB_ITEM_KEY_TITLE ? ENG_ITEM_KEY_TITLE :
							      ENG_ITEM_KEY_ID;
}

void runargs_train(const struct cfg *c, struct eng_train_args *ta)
{
	ta->model = eng_model_hp_default();
	ta->train = eng_train_hp_default();
	ta->train.algo = fit_arg(c->fit);
	/* ALS and BPMF fit the biased model, with no sigmoid */
	ta->model.kind = ta->train.algo == ENG_FIT_SGD ? model_arg(c->model) :
						       ENG_MODEL_DOTBIAS;
	ta->model.n_factors = c->factors;
	ta->model.use_y_range = c->y_range_on && ta->train.algo == ENG_FIT_SGD;
	ta->model.y_lo = (float)c->y_range[0];
	ta->model.y_hi = (float)c->y_range[1];
	/* the other models keep these zero (model.h) */
	if (ta->model.kind == ENG_MODEL_NN) {
		ta->model.n_layers = c->n_layers;
		memcpy(ta->model.layers, c->layers,
		       (size_t)c->n_layers * sizeof c->layers[0]);
		ta->model.emb_drop = (float)c->emb_drop;
		ta->model.ps = (float)c->ps;
	}
	ta->train.epochs = c->epochs;
	ta->train.bs = c->bs;
	ta->train.lr = c->lr;
	ta->train.wd = c->wd;
	ta->train.alpha = c->alpha;
	ta->train.opt = c->optimizer == VOCAB_OPTIMIZER_SGD ? ENG_OPTIM_SGD :
			c->optimizer == VOCAB_OPTIMIZER_ADAROW ? ENG_OPTIM_ADAROW : ENG_OPTIM_ADAM;
	ta->train.sched = c->schedule == VOCAB_SCHEDULE_CONSTANT ? ENG_SCHED_CONSTANT :
								   ENG_SCHED_ONE_CYCLE;
	ta->train.mom = c->mom;
	ta->train.seed = c->seed;
	ta->train.threads = c->threads;
	ta->valid_pct = c->valid_pct;
	ta->fast = c->trainer == VOCAB_TRAINER_FAST;
}

void runargs_sweep(const struct cfg *c, struct eng_lr_find_args *lf)
{
	lf->sweep.start_lr = c->lr_find.start;
	lf->sweep.end_lr = c->lr_find.end;
	lf->sweep.num_it = c->lr_find.num_it;
}

int runargs_build(const struct opts *o, struct eng_load_args *load,
		  struct eng_train_args *ta)
{
	char err[1024];

	runargs_load(&o->cfg, load);
	runargs_train(&o->cfg, ta);
	snprintf(load->split, sizeof load->split, "%s", o->split);
	if (o->demo) {
		runargs_demo(load);
		return EXIT_OK;
	}
	if (paths_find_data(o->cfg.data, load->path, sizeof load->path, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

void runargs_demo(struct eng_load_args *load)
{
	load->format = ENG_FMT_DEMO;
	load->path[0] = '\0';
}

void runargs_keep_history(struct eng *e)
{
	struct eng_cmd h = { .kind = ENG_CMD_HISTORY };
	/* no usable place (no HOME): runs go unrecorded, as before */
	if (history_path(h.u.path, sizeof h.u.path))
		eng_handle(e, &h);
}
