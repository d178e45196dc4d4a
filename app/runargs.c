/* runargs.c -- settings (struct cfg) to engine command arguments. */
#include "runargs.h"

#include <math.h>
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

const char *runargs_from_model(struct cfg *c, const struct eng_model_info *mi)
{
	static const struct { enum eng_fit eng; enum vocab_fit fit; } fits[] = {
		{ ENG_FIT_SGD, VOCAB_FIT_GRADIENT }, { ENG_FIT_ALS, VOCAB_FIT_ALS },
		{ ENG_FIT_BPMF, VOCAB_FIT_BPMF }, { ENG_FIT_EASE, VOCAB_FIT_EASE },
		{ ENG_FIT_IALS, VOCAB_FIT_IALS }, { ENG_FIT_POP, VOCAB_FIT_POP },
	};
	const struct eng_model_hp *m = &mi->shape;
	struct cfg t = *c;

	for (size_t j = 0; j < sizeof fits / sizeof fits[0]; j++)
		if (fits[j].eng == mi->train.algo)
			t.fit = fits[j].fit;
	/* a solver fits dotbias (runargs_train) */
	t.model = t.fit != VOCAB_FIT_GRADIENT ? VOCAB_MODEL_DOTBIAS :
		  m->kind == ENG_MODEL_DOT ? VOCAB_MODEL_DOT :
		  m->kind == ENG_MODEL_NN ? VOCAB_MODEL_NN : VOCAB_MODEL_DOTBIAS;
	if (mi->n_factors > 0 && m->kind != ENG_MODEL_NN)
		t.factors = mi->n_factors;
	/* a solver's model has no sigmoid, whatever the row says */
	if (t.fit == VOCAB_FIT_GRADIENT) {
		t.y_range_on = m->use_y_range;
		if (m->use_y_range) {
			t.y_range[0] = m->y_lo;
			t.y_range[1] = m->y_hi;
		}
	}
	if (m->kind == ENG_MODEL_NN) {
		t.n_layers = m->n_layers < CFG_LAYERS_MAX ? m->n_layers : CFG_LAYERS_MAX;
		memcpy(t.layers, m->layers, (size_t)t.n_layers * sizeof t.layers[0]);
		t.emb_drop = m->emb_drop;
		t.ps = m->ps;
	}
	if (mi->has_train) {
		t.epochs = mi->train.epochs;
		t.bs = mi->train.bs;
		t.lr = mi->train.lr;
		t.wd = mi->train.wd;
		t.alpha = mi->train.alpha;
		t.optimizer = mi->train.opt == ENG_OPTIM_SGD ? VOCAB_OPTIMIZER_SGD :
			      mi->train.opt == ENG_OPTIM_ADAROW ? VOCAB_OPTIMIZER_ADAROW :
			      VOCAB_OPTIMIZER_ADAM;
		if (mi->train.sched != ENG_SCHED_EXP)   /* the lr finder's alone */
			t.schedule = mi->train.sched == ENG_SCHED_CONSTANT ?
				     VOCAB_SCHEDULE_CONSTANT : VOCAB_SCHEDULE_ONE_CYCLE;
		t.seed = mi->train.seed;
		t.valid_pct = mi->valid_pct;
	}
	/* adarow is the fast trainer's own; the others it does not fit */
	if (t.optimizer == VOCAB_OPTIMIZER_ADAROW)
		t.trainer = VOCAB_TRAINER_FAST;
	if (t.fit != VOCAB_FIT_GRADIENT || t.model == VOCAB_MODEL_NN)
		t.trainer = VOCAB_TRAINER_FASTAI;
	const char *bad = cfg_check(&t);
	if (!bad)
		*c = t;
	return bad;
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
	/* --threads on the command line also caps the parse's threads;
	 * config.yaml's (1 by default, for the optimiser) does not */
	for (int k = 0; k < o->n_given; k++)
		if (strcmp(o->given[k].key, "threads") == 0)
			load->threads = o->cfg.threads;
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

int runargs_slow_fit(const struct cfg *c, const struct eng_summary *sum, char *buf,
		     size_t len)
{
	if (c->fit != VOCAB_FIT_GRADIENT || c->trainer == VOCAB_TRAINER_FAST ||
	    (c->model != VOCAB_MODEL_DOT && c->model != VOCAB_MODEL_DOTBIAS))
		return 0;
	double weights = ((double)sum->n_users + sum->n_items) *
			 (c->factors + (c->model == VOCAB_MODEL_DOTBIAS));
	double batches = floor((double)sum->n_ratings * (1.0 - c->valid_pct) / c->bs);
	if (weights * batches < RUNARGS_SLOW_FIT)
		return 0;
	snprintf(buf, len, "an epoch of fastai's fit steps all %.1fM weights %.0f times "
		 "on this set (minutes or more); the fast trainer steps only the rows "
		 "each rating names", weights / 1e6, batches);
	return 1;
}

void runargs_keep_history(struct eng *e)
{
	struct eng_cmd h = { .kind = ENG_CMD_HISTORY };
	/* no usable place (no HOME): runs go unrecorded, as before */
	if (history_path(h.u.path, sizeof h.u.path))
		eng_handle(e, &h);
}
