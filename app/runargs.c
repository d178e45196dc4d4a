/* runargs.c -- settings (struct cfg) to engine command arguments. */
#include "runargs.h"

#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "history.h"
#include "paths.h"

_Static_assert(CFG_LAYERS_MAX <= MODEL_NN_MAX_LAYERS,
	       "config.yaml's layers exceed what the engine's nn holds");

static enum ds_format format_arg(enum vocab_format f)
{
	switch (f) {
	case VOCAB_FORMAT_ML_100K: return DS_FMT_ML100K;
	case VOCAB_FORMAT_ML_DAT:  return DS_FMT_MLDAT;
	case VOCAB_FORMAT_ML_CSV:  return DS_FMT_MLCSV;
	case VOCAB_FORMAT_CSV:     return DS_FMT_CSV;
	case VOCAB_FORMAT_TSV:     return DS_FMT_TSV;
	case VOCAB_FORMAT_AUTO:    break;
	}
	return DS_FMT_AUTO;
}

static enum model_kind model_arg(enum vocab_model m)
{
	switch (m) {
	case VOCAB_MODEL_DOT:     return MODEL_DOT;
	case VOCAB_MODEL_NN:      return MODEL_NN;
	case VOCAB_MODEL_DOTBIAS: break;
	}
	return MODEL_DOTBIAS;
}

static enum train_algo fit_arg(enum vocab_fit f)
{
	switch (f) {
	case VOCAB_FIT_ALS:      return TRAIN_ALS;
	case VOCAB_FIT_BPMF:     return TRAIN_BPMF;
	case VOCAB_FIT_GRADIENT: break;
	}
	return TRAIN_SGD;
}

void runargs_load(const struct cfg *c, struct eng_load_args *load)
{
	load->format = format_arg(c->format);
	load->item_key = c->item_key == VOCAB_ITEM_KEY_TITLE ? DS_KEY_TITLE :
							      DS_KEY_ID;
}

void runargs_train(const struct cfg *c, struct eng_train_args *ta)
{
	ta->model = model_cfg_default();
	ta->train = train_cfg_default();
	ta->train.algo = fit_arg(c->fit);
	/* ALS and BPMF fit the biased model, with no sigmoid */
	ta->model.kind = ta->train.algo == TRAIN_SGD ? model_arg(c->model) :
						       MODEL_DOTBIAS;
	ta->model.n_factors = c->factors;
	ta->model.use_y_range = c->y_range_on && ta->train.algo == TRAIN_SGD;
	ta->model.y_lo = (float)c->y_range[0];
	ta->model.y_hi = (float)c->y_range[1];
	/* the other models keep these zero (model.h) */
	if (ta->model.kind == MODEL_NN) {
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
	ta->train.opt = c->optimizer == VOCAB_OPTIMIZER_SGD ? OPTIM_SGD : OPTIM_ADAM;
	ta->train.sched = c->schedule == VOCAB_SCHEDULE_CONSTANT ? SCHED_CONSTANT :
								   SCHED_ONE_CYCLE;
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
	if (paths_find_data(o->cfg.data, load->path, sizeof load->path, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	snprintf(load->split, sizeof load->split, "%s", o->split);
	return EXIT_OK;
}

void runargs_keep_history(struct eng *e)
{
	struct eng_cmd h = { .kind = ENG_CMD_HISTORY };
	/* no usable place (no HOME): runs go unrecorded, as before */
	if (history_path(h.u.path, sizeof h.u.path))
		eng_handle(e, &h);
}
