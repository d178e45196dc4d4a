/* runargs.c -- settings (struct opts) to engine command arguments. */
#include "runargs.h"

#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "history.h"
#include "paths.h"

static int parse_enums(const struct cfg *c, struct eng_load_args *load,
		       struct eng_train_args *train)
{
	/* config.c has already checked every keyword against these lists */
	if (eng_fit_parse(c->model, &train->train.algo) != 0)
		return -1;
	/* ALS and BPMF fit the biased model, with no sigmoid */
	if (train->train.algo != ENG_FIT_SGD)
		train->model.kind = ENG_MODEL_DOTBIAS;
	if (eng_format_parse(c->format, &load->format) != 0 ||
	    (train->train.algo == ENG_FIT_SGD &&
	     eng_model_kind_parse(c->model, &train->model.kind) != 0) ||
	    eng_optim_parse(c->optimizer, &train->train.opt) != 0 ||
	    eng_sched_parse(c->schedule, &train->train.sched) != 0)
		return -1;
	load->item_key = strcmp(c->item_key, "title") == 0 ? ENG_ITEM_KEY_TITLE : ENG_ITEM_KEY_ID;
	return 0;
}

int runargs_build(const struct opts *o, struct eng_load_args *load,
		  struct eng_train_args *ta)
{
	ta->train = eng_train_hp_default();
	if (parse_enums(&o->cfg, load, ta) != 0) {
		fprintf(stderr, "collabtui: internal error: unparsed keyword in settings\n");
		return EXIT_RUNTIME;
	}
	char err[1024];
	if (paths_find_data(o->cfg.data, load->path, sizeof load->path, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	snprintf(load->split, sizeof load->split, "%s", o->split);
	ta->model.n_factors = o->cfg.factors;
	ta->model.use_y_range = o->cfg.y_range_on && ta->train.algo == ENG_FIT_SGD;
	ta->model.y_lo = (float)o->cfg.y_range[0];
	ta->model.y_hi = (float)o->cfg.y_range[1];
	if (ta->model.kind == ENG_MODEL_NN) {
		ta->model.n_layers = o->n_layers;
		memcpy(ta->model.layers, o->layers, sizeof o->layers);
		ta->model.emb_drop = (float)o->emb_drop;
		ta->model.ps = (float)o->ps;
	}
	ta->train.epochs = o->cfg.epochs;
	ta->train.bs = o->cfg.bs;
	ta->train.lr = o->cfg.lr;
	ta->train.wd = o->cfg.wd;
	ta->train.mom = o->cfg.mom;
	ta->train.seed = o->cfg.seed;
	ta->train.threads = o->cfg.threads;
	ta->valid_pct = o->cfg.valid_pct;
	ta->fast = strcmp(o->cfg.trainer, "fast") == 0;
	return EXIT_OK;
}

void runargs_keep_history(struct eng *e)
{
	struct eng_cmd h = { .kind = ENG_CMD_HISTORY };
	/* no usable place (no HOME): runs go unrecorded, as before */
	if (history_path(h.u.path, sizeof h.u.path))
		eng_handle(e, &h);
}

