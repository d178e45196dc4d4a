/* params.c -- the hyperparameters pane's model (see params.h). */
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The sweep travels in the engine's curve message, which has room for
 * this many points. */
_Static_assert(CFG_LR_FIND_MAX_IT <= ENG_LR_PTS,
	       "lr_find's num_it cap exceeds the engine's curve");

/* Field -> config.yaml key (NULL: the preset, which is not one) and
 * label; the order is the pane's. */
static const struct {
	const char *key, *label;
} fields[PARAM_COUNT] = {
	[PARAM_PRESET]    = { NULL, "preset" },
	[PARAM_MODEL]     = { "model", "model" },
	[PARAM_TRAINER]   = { "trainer", "trainer" },
	[PARAM_FACTORS]   = { "factors", "n_factors" },
	[PARAM_WD]        = { "wd", "wd" },
	[PARAM_LR]        = { "lr", "lr" },
	[PARAM_EPOCHS]    = { "epochs", "epochs" },
	[PARAM_BS]        = { "bs", "bs" },
	[PARAM_Y_RANGE]   = { "y_range", "y_range" },
	[PARAM_OPTIMIZER] = { "optimizer", "optimiser" },
	[PARAM_MOM]       = { "mom", "momentum" },
	[PARAM_SCHEDULE]  = { "schedule", "schedule" },
	[PARAM_SEED]      = { "seed", "seed" },
	[PARAM_THREADS]   = { "threads", "threads" },
	[PARAM_VALID]     = { "valid_pct", "valid split" },
	[PARAM_LAYERS]    = { "layers", "layers" },
	[PARAM_EMB_DROP]  = { "emb_drop", "emb_drop" },
	[PARAM_PS]        = { "ps", "ps" },
	[PARAM_LR_FIND]   = { "lr_find", "lr_find" },
};

const char *params_label(enum params_field f)
{
	return fields[f].label;
}

/* One sentence per field, after the chapter (fastai's "Collaborative
 * Filtering Deep Dive"); the rows whose meaning depends on the values get
 * their words in params_explain(). */
static const char *const explain[PARAM_COUNT] = {
	[PARAM_FACTORS]   = "the size of each embedding: how many latent "
			    "factors describe a user and a movie (the book: 50)",
	[PARAM_WD]        = "weight decay: adds wd\u00b7\u03a3w\u00b2 to the "
			    "loss, keeps weights small, fights overfitting "
			    "(the book: 0.1)",
	[PARAM_LR]        = "learning rate: how far each step moves the "
			    "weights; too high diverges, too low crawls "
			    "(F finds one)",
	[PARAM_EPOCHS]    = "passes over the training ratings; too many and "
			    "valid loss turns up while train loss falls "
			    "(overfitting)",
	[PARAM_BS]        = "batch size: ratings averaged into each gradient "
			    "step (the book: 64)",
	[PARAM_Y_RANGE]   = "sigmoid_range(lo,hi) squashes predictions; 5.5 "
			    "not 5, as a sigmoid never reaches its top and 5 "
			    "stars must be predictable",
	[PARAM_OPTIMIZER] = "how gradients become steps: adam keeps a running "
			    "average per weight (fastai's default), sgd adds "
			    "momentum only",
	[PARAM_MOM]       = "momentum: the share of the last step carried into "
			    "the next (Adam's beta1); one-cycle moves it "
			    "0.95-0.85 itself",
	[PARAM_SEED]      = "seeds the initial weights, the random split and "
			    "the batch order: the same seed repeats a run",
	[PARAM_THREADS]   = "threads for the optimiser step; the numbers do "
			    "not depend on it",
	[PARAM_VALID]     = "share of ratings held out and never trained on; "
			    "valid loss is measured on them (the book: 0.2)",
	[PARAM_LAYERS]    = "hidden layer widths W1,W2,... of the nn model's "
			    "EmbeddingNN",
	[PARAM_EMB_DROP]  = "dropout after the nn model's embeddings: a share "
			    "of them zeroed per batch, against overfitting",
	[PARAM_PS]        = "dropout after each of the nn model's hidden layers",
	[PARAM_LR_FIND]   = "START,END,NUM_IT of F's sweep of lr: the loss at "
			    "each lr, to pick one before the valley's bottom",
};

/* What each model adds, by its word (the model row's value). */
static const struct {
	const char *word, *adds;
} model_adds[] = {
	{ "dot", "a user's and a movie's factors multiplied and summed; no "
		 "biases" },
	{ "dotbias", "dot plus a bias per user and per movie (some movies "
		     "are liked by everyone): the chapter's model" },
	{ "nn", "embeddings concatenated through hidden layers (EmbeddingNN) "
		"instead of a dot product" },
	{ "als", "dotbias fitted by alternating least squares: each side "
		 "solved exactly in turn; wd is the ridge weight, no lr" },
	{ "bpmf", "dotbias sampled by Bayesian MF (Gibbs): priors instead of "
		  "wd, an epoch is a sweep, no lr" },
};

void params_explain(const struct cfg *c, enum params_field f, char *buf,
		    size_t n)
{
	size_t used = 0;
	const char *w;

	switch (f) {
	case PARAM_PRESET:
		used = (size_t)snprintf(buf, n, "a named set of values; "
					"presets:");
		for (int i = 0; i < c->n_presets && used < n; i++)
			used += (size_t)snprintf(buf + used, n - used, " %s",
						 c->presets[i].name);
		return;
	case PARAM_MODEL:
		w = vocab_model_setting_word(c->model, c->fit);
		for (size_t i = 0; i < sizeof model_adds / sizeof model_adds[0]; i++)
			if (strcmp(w, model_adds[i].word) == 0) {
				snprintf(buf, n, "%s: %s", w, model_adds[i].adds);
				return;
			}
		snprintf(buf, n, "%s", vocab_help(&vocab_models, (int)c->model));
		return;
	case PARAM_TRAINER:
		snprintf(buf, n, "%s", vocab_help(&vocab_trainers, (int)c->trainer));
		return;
	case PARAM_SCHEDULE:
		snprintf(buf, n, "%s", vocab_help(&vocab_schedules, (int)c->schedule));
		return;
	case PARAM_BS:
	case PARAM_OPTIMIZER:
		snprintf(buf, n, "%s%s", explain[f],
			 c->trainer == VOCAB_TRAINER_FAST ?
			 "; the fast trainer does not use it" : "");
		return;
	case PARAM_WD:
		snprintf(buf, n, "%s%s", explain[f], c->fit == VOCAB_FIT_BPMF ?
			 "; bpmf does not use it" : c->fit == VOCAB_FIT_ALS ?
			 "; als: the ridge weight" : "");
		return;
	case PARAM_LR:
	case PARAM_MOM:
		snprintf(buf, n, "%s%s", explain[f],
			 c->fit != VOCAB_FIT_GRADIENT ?
			 "; this model's solver does not use it" : "");
		return;
	case PARAM_LAYERS:
	case PARAM_EMB_DROP:
	case PARAM_PS:
		snprintf(buf, n, "%s%s", explain[f], c->model == VOCAB_MODEL_NN ?
			 "" : " (for the nn model only)");
		return;
	default:
		snprintf(buf, n, "%s", explain[f] ? explain[f] : "");
		return;
	}
}

void params_format(const struct cfg *c, enum params_field f, char *buf,
		   size_t n)
{
	int preset;

	switch (f) {
	case PARAM_PRESET:
		preset = cfg_preset_current(c);
		snprintf(buf, n, "%s", preset < 0 ? "custom" : c->presets[preset].name);
		break;
	case PARAM_MODEL:
		snprintf(buf, n, "%s", vocab_model_setting_word(c->model, c->fit));
		break;
	case PARAM_TRAINER:
		snprintf(buf, n, "%s", vocab_trainer_word(c->trainer));
		break;
	case PARAM_FACTORS:   snprintf(buf, n, "%d", c->factors); break;
	case PARAM_WD:        snprintf(buf, n, "%g", c->wd); break;
	case PARAM_LR:        snprintf(buf, n, "%g", c->lr); break;
	case PARAM_EPOCHS:    snprintf(buf, n, "%d", c->epochs); break;
	case PARAM_BS:        snprintf(buf, n, "%d", c->bs); break;
	case PARAM_Y_RANGE:
		if (c->y_range_on)
			snprintf(buf, n, "%g,%g", c->y_range[0], c->y_range[1]);
		else
			snprintf(buf, n, "none");
		break;
	case PARAM_OPTIMIZER:
		snprintf(buf, n, "%s", vocab_optimizer_word(c->optimizer));
		break;
	case PARAM_MOM:       snprintf(buf, n, "%g", c->mom); break;
	case PARAM_SCHEDULE:
		snprintf(buf, n, "%s", vocab_schedule_word(c->schedule));
		break;
	case PARAM_SEED:      snprintf(buf, n, "%llu", (unsigned long long)c->seed); break;
	case PARAM_THREADS:   snprintf(buf, n, "%d", c->threads); break;
	case PARAM_VALID:     snprintf(buf, n, "%g", c->valid_pct); break;
	case PARAM_LAYERS:    cfg_layers_text(c, buf, n); break;
	case PARAM_EMB_DROP:  snprintf(buf, n, "%g", c->emb_drop); break;
	case PARAM_PS:        snprintf(buf, n, "%g", c->ps); break;
	case PARAM_LR_FIND:
		snprintf(buf, n, "%g,%g,%d", c->lr_find.start, c->lr_find.end,
			 c->lr_find.num_it);
		break;
	case PARAM_COUNT:     snprintf(buf, n, "?"); break;
	}
}

const char *params_check_y_range(int on, double lo, double hi,
				 const struct params_range *r, char *buf,
				 size_t n)
{
	if (!on || !r || !r->known)
		return NULL;
	if (hi < r->hi) {
		snprintf(buf, n, "cannot reach ratings %g-%g (%g,%g keeps "
			 "every prediction below %g)", r->lo, r->hi, lo, hi, hi);
		return buf;
	}
	if (lo > r->lo) {
		snprintf(buf, n, "cannot reach ratings %g-%g (%g,%g keeps "
			 "every prediction above %g)", r->lo, r->hi, lo, hi, lo);
		return buf;
	}
	return NULL;
}

int params_set(struct cfg *c, enum params_field f, const char *text,
	       const struct params_range *r, char *why, size_t n)
{
	struct cfg t = *c;
	const char *bad;

	if (f == PARAM_PRESET ? cfg_preset_apply(&t, text, why, n) != 0 :
				cfg_set(&t, fields[f].key, text, why, n) != 0)
		return -1;
	if ((bad = cfg_check(&t)) != NULL) {
		snprintf(why, n, "%s", bad);
		return -1;
	}
	/* only a y_range that changes: the one the settings came with may
	 * not suit the dataset, and that must not block every other edit */
	int y_changed = t.y_range_on != c->y_range_on ||
			t.y_range[0] != c->y_range[0] || t.y_range[1] != c->y_range[1];
	if ((f == PARAM_Y_RANGE || y_changed) &&
	    params_check_y_range(t.y_range_on, t.y_range[0], t.y_range[1], r,
				 why, n))
		return -1;
	*c = t;
	return 0;
}

double params_ladder(double v, int dir)
{
	static const double mant[] = { 1, 2, 5 };
	double e = floor(log10(v));

	/* The candidates around v are m * 10^(e-1 .. e+1); pick the nearest
	 * one strictly past v, with a relative tolerance so that 5e-3 read
	 * from text counts as on the ladder. */
	double best = dir > 0 ? INFINITY : 0;
	for (int de = -1; de <= 1; de++)
		for (int i = 0; i < 3; i++) {
			double cand = mant[i] * pow(10, e + de);

			if (dir > 0 && cand > v * (1 + 1e-9) && cand < best)
				best = cand;
			if (dir < 0 && cand < v * (1 - 1e-9) && cand > best)
				best = cand;
		}
	return best;
}

/* The next momentum up (dir > 0) or down from m on a short ladder of the
 * values people use; off the ladder, the nearest one that way. */
static double mom_ladder(double m, int dir)
{
	static const double rungs[] = { 0, 0.5, 0.8, 0.9, 0.95, 0.99 };
	const int n = (int)(sizeof rungs / sizeof rungs[0]);

	if (dir > 0) {
		for (int i = 0; i < n; i++)
			if (rungs[i] > m + 1e-12)
				return rungs[i];
		return rungs[n - 1];
	}
	for (int i = n - 1; i >= 0; i--)
		if (rungs[i] < m - 1e-12)
			return rungs[i];
	return rungs[0];
}

int params_step(struct cfg *c, enum params_field f, int dir,
		const struct params_range *r, char *why, size_t n)
{
	enum vocab_model model = c->model;
	enum vocab_fit fit = c->fit;
	char text[64];
	double d;
	int i;

	switch (f) {
	case PARAM_PRESET:
		if (c->n_presets == 0) {
			snprintf(why, n, "no presets: add a presets: mapping to config.yaml");
			return -1;
		}
		i = cfg_preset_current(c);
		if (i < 0)
			i = dir > 0 ? 0 : c->n_presets - 1;
		else
			i = (i + c->n_presets + dir) % c->n_presets;
		snprintf(text, sizeof text, "%s", c->presets[i].name);
		break;
	case PARAM_TRAINER:
		snprintf(text, sizeof text, "%s", vocab_word(&vocab_trainers,
			 vocab_next(&vocab_trainers, (int)c->trainer, dir)));
		break;
	case PARAM_LR_FIND:
		/* %.17g: the ends come back exactly */
		snprintf(text, sizeof text, "%.17g,%.17g,%d", c->lr_find.start,
			 c->lr_find.end, dir > 0 ? c->lr_find.num_it * 2 :
			 c->lr_find.num_it / 2);
		break;
	case PARAM_MODEL:
		vocab_model_setting_next(&model, &fit, dir);
		snprintf(text, sizeof text, "%s", vocab_model_setting_word(model, fit));
		break;
	case PARAM_OPTIMIZER:
		snprintf(text, sizeof text, "%s", vocab_word(&vocab_optimizers,
			 vocab_next(&vocab_optimizers, (int)c->optimizer, dir)));
		break;
	case PARAM_MOM:
		snprintf(text, sizeof text, "%g", mom_ladder(c->mom, dir));
		break;
	case PARAM_SCHEDULE:
		snprintf(text, sizeof text, "%s", vocab_word(&vocab_schedules,
			 vocab_next(&vocab_schedules, (int)c->schedule, dir)));
		break;
	case PARAM_FACTORS:
		snprintf(text, sizeof text, "%d",
			 dir > 0 ? c->factors * 2 : c->factors / 2);
		break;
	case PARAM_BS:
		snprintf(text, sizeof text, "%d", dir > 0 ? c->bs * 2 : c->bs / 2);
		break;
	case PARAM_LR:
		snprintf(text, sizeof text, "%g", params_ladder(c->lr, dir));
		break;
	case PARAM_WD:
		if (c->wd == 0)
			d = dir > 0 ? 1e-6 : -1;
		else if (dir < 0 && c->wd <= 1e-6 * (1 + 1e-9))
			d = 0;
		else
			d = params_ladder(c->wd, dir);
		snprintf(text, sizeof text, "%g", d);
		break;
	case PARAM_EPOCHS:
		snprintf(text, sizeof text, "%d", c->epochs + dir);
		break;
	case PARAM_SEED:
		if (dir < 0 && c->seed == 0)
			snprintf(text, sizeof text, "-1");
		else
			snprintf(text, sizeof text, "%llu",
				 (unsigned long long)(c->seed + (uint64_t)(int64_t)dir));
		break;
	case PARAM_THREADS:
		snprintf(text, sizeof text, "%d", c->threads + dir);
		break;
	case PARAM_VALID:
		/* round to the 0.05 grid so repeated steps stay tidy */
		d = round(c->valid_pct * 20 + dir) / 20;
		snprintf(text, sizeof text, "%g", d);
		break;
	case PARAM_LAYERS: {
		/* every width doubles or halves; 1 halves to 0, which cfg_set
		 * refuses */
		struct cfg t = *c;
		for (i = 0; i < t.n_layers; i++)
			t.layers[i] = dir > 0 ? t.layers[i] * 2 : t.layers[i] / 2;
		cfg_layers_text(&t, text, sizeof text);
		break;
	}
	case PARAM_EMB_DROP:
	case PARAM_PS:
		d = round((f == PARAM_PS ? c->ps : c->emb_drop) * 20 + dir) / 20;
		snprintf(text, sizeof text, "%g", d);
		break;
	case PARAM_Y_RANGE:
		if (!c->y_range_on)
			snprintf(text, sizeof text, "0,5.5");
		else
			snprintf(text, sizeof text, "%g,%g", c->y_range[0],
				 c->y_range[1] + 0.5 * dir);
		break;
	case PARAM_COUNT:
		return -1;
	}
	return params_set(c, f, text, r, why, n);
}

int params_from_run(struct cfg *c, const struct history_run *r, char *why,
		    size_t n)
{
	struct cfg t = *c;
	char v[7][64];
	/* the keywords and counts through cfg_set, so a record this build
	 * cannot train (an unknown model) is refused with cfg_set's words;
	 * the history's "one-cycle" is a spelling cfg_set takes */
	const char *keys[7] = { "model", "optimizer", "schedule", "factors",
				"epochs", "bs", "y_range" };

	snprintf(v[0], sizeof v[0], "%s", r->model);
	snprintf(v[1], sizeof v[1], "%s", r->optimizer);
	snprintf(v[2], sizeof v[2], "%s", r->schedule);
	snprintf(v[3], sizeof v[3], "%d", r->factors);
	snprintf(v[4], sizeof v[4], "%d", r->epochs);
	snprintf(v[5], sizeof v[5], "%d", r->bs);
	if (r->y_range_on)
		snprintf(v[6], sizeof v[6], "%.9g,%.9g", r->y_lo, r->y_hi);
	else
		snprintf(v[6], sizeof v[6], "none");
	for (int i = 0; i < 7; i++)
		if (cfg_set(&t, keys[i], v[i], why, n) != 0)
			return -1;
	t.lr = r->lr;
	t.wd = r->wd;
	t.seed = r->seed;
	/* a run of another model cannot have used the fast trainer */
	if (t.fit != VOCAB_FIT_GRADIENT || t.model == VOCAB_MODEL_NN)
		t.trainer = VOCAB_TRAINER_FASTAI;
	/* "random 0.2" is a valid_pct hold-out; "u1" or "fold 2/5" came from
	 * options the pane does not have, so valid_pct stays */
	double pct;
	if (sscanf(r->split, "random %lf", &pct) == 1 && pct >= 0 && pct < 1)
		t.valid_pct = pct;
	const char *bad = cfg_check(&t);
	if (bad) {
		snprintf(why, n, "%s", bad);
		return -1;
	}
	*c = t;
	return 0;
}
