/* test_tui_model.c -- the interface's curses-free logic: UTF-8 cutting by
 * display width, search, the hyperparameter ladder and messages, chart
 * scaling, movie sort orders, the keymap, and the whole event flow of
 * tui/state.c driven through a fake engine (struct backend), your ratings
 * and the recommendations they ask for included. */
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "chart.h"
#include "driver.h"
#include "keys.h"
#include "lrfind.h"
#include "movielist.h"
#include "params.h"
#include "runargs.h"
#include "state.h"
#include "text.h"
#include "testenv.h"

/* The word `model:` takes for c's model and fit ("dotbias", "als"). */
#define MODEL_WORD(c) vocab_model_setting_word((c).model, (c).fit)

/* ---- text ------------------------------------------------------------------ */

static void utf8_locale(void)
{
	cr_assert_not_null(setlocale(LC_CTYPE, "C.UTF-8"), "no C.UTF-8 locale");
}

Test(tui_text, cuts_by_width_never_mid_character, .init = utf8_locale)
{
	char out[64];

	/* "é" is two bytes and one column: a byte cut at 4 would split it */
	cr_assert_eq(text_cut("Misérables", 10, 0, out, sizeof out), 10);
	cr_assert_str_eq(out, "Misérables");
	cr_assert_eq(text_cut("Misérables", 5, 0, out, sizeof out), 5);
	cr_assert_str_eq(out, "Misé\xe2\x80\xa6");
	cr_assert_eq(text_cut("Misérables", 4, 0, out, sizeof out), 4);
	cr_assert_str_eq(out, "Mis\xe2\x80\xa6");
	/* double-width characters are kept or left out whole */
	cr_assert_eq(text_cut("日本語", 4, 0, out, sizeof out), 3);
	cr_assert_str_eq(out, "日\xe2\x80\xa6");
	/* an ASCII terminal gets '?' and '~' */
	cr_assert_eq(text_cut("Misérables", 5, 1, out, sizeof out), 5);
	cr_assert_str_eq(out, "Mis?~");
	/* invalid UTF-8 (a raw Latin-1 byte) does not crash or leak bytes */
	text_cut("Mis\xe9rables", 20, 0, out, sizeof out);
	cr_assert_str_eq(out, "Mis\xef\xbf\xbdrables");
}

Test(tui_text, wraps_at_spaces_by_width, .init = utf8_locale)
{
	const char *next;

	/* fits: all of it */
	cr_assert_eq(text_wrap("short", 10, &next), 5);
	cr_assert_str_eq(next, "");
	/* breaks at the last space that fits, the spaces skipped */
	cr_assert_eq(text_wrap("ab cd  efgh", 6, &next), 5);
	cr_assert_str_eq(next, "efgh");
	/* a space right at the edge */
	cr_assert_eq(text_wrap("abc def", 3, &next), 3);
	cr_assert_str_eq(next, "def");
	/* one word longer than the line: cut by columns, never mid-character */
	cr_assert_eq(text_wrap("Misérables", 4, &next), 5, "Misé is 5 bytes, 4 columns");
	cr_assert_str_eq(next, "rables");
	cr_assert_eq(text_wrap("日本語", 3, &next), 3, "one double-width character");
	cr_assert_str_eq(next, "本語");
	/* columns, not bytes: é counts once */
	cr_assert_eq(text_wrap("é é é", 5, &next), strlen("é é é"));
	/* at least one character, even on a line too narrow for it */
	cr_assert_eq(text_wrap("日本", 1, &next), 3);
}

Test(tui_text, fit_counts_columns, .init = utf8_locale)
{
	wchar_t w[16];
	int n = text_decode("aé日b", w, 16, 0), width;

	cr_assert_eq(n, 4);
	cr_assert_eq(text_fit(w, n, 5, 0, &width), 4);
	cr_assert_eq(width, 5);
	cr_assert_eq(text_fit(w, n, 3, 0, &width), 2);  /* 日 would straddle */
	cr_assert_eq(width, 2);
	cr_assert_eq(text_fit(w, n, 4, 1, &width), 2);  /* room for "…" */
}

Test(tui_text, search_ignores_case, .init = utf8_locale)
{
	cr_assert(text_contains_ci("Misérables, Les (1995)", "MISÉ"));
	cr_assert(text_contains_ci("Star Wars (1977)", "wars"));
	cr_assert(text_contains_ci("Star Wars (1977)", ""));
	cr_assert_not(text_contains_ci("Star Wars (1977)", "trek"));
	cr_assert_not(text_contains_ci("Misérables", "mise"));
}

/* ---- hyperparameters ------------------------------------------------------- */

static const struct params_range r15 = { 1, 1.0f, 5.0f };

Test(tui_params, lr_and_wd_step_on_a_log_ladder)
{
	struct cfg c = cfg_default();
	char why[160];

	cr_assert_float_eq(params_ladder(5e-3, 1), 1e-2, 1e-12);
	cr_assert_float_eq(params_ladder(5e-3, -1), 2e-3, 1e-12);
	cr_assert_float_eq(params_ladder(1e-2, -1), 5e-3, 1e-12);
	cr_assert_float_eq(params_ladder(3e-3, 1), 5e-3, 1e-12);
	cr_assert_eq(params_step(&c, PARAM_LR, 1, &r15, why, sizeof why), 0);
	cr_assert_float_eq(c.lr, 1e-2, 1e-12);
	cr_assert_eq(params_step(&c, PARAM_WD, 1, &r15, why, sizeof why), 0);
	cr_assert_float_eq(c.wd, 0.2, 1e-12);
	c.wd = 1e-6;
	cr_assert_eq(params_step(&c, PARAM_WD, -1, &r15, why, sizeof why), 0);
	cr_assert_eq(c.wd, 0.0);
	cr_assert_eq(params_step(&c, PARAM_WD, -1, &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "wd must be zero or a positive number");
	cr_assert_eq(params_step(&c, PARAM_WD, 1, &r15, why, sizeof why), 0);
	cr_assert_float_eq(c.wd, 1e-6, 1e-15);
	cr_assert_eq(params_step(&c, PARAM_FACTORS, 1, &r15, why, sizeof why), 0);
	cr_assert_eq(c.factors, 100);
	/* every model of --model, cyclically */
	static const char *const next[] = { "nn", "als", "bpmf", "ease", "ials", "pop",
					    "dot", "dotbias" };
	for (int i = 0; i < 8; i++) {
		cr_assert_eq(params_step(&c, PARAM_MODEL, 1, &r15, why, sizeof why), 0);
		cr_assert_str_eq(MODEL_WORD(c), next[i]);
	}
	cr_assert_eq(params_step(&c, PARAM_MODEL, -1, &r15, why, sizeof why), 0);
	cr_assert_str_eq(MODEL_WORD(c), "dot");
}

/* Every row explains itself, each in its own words, and the model row
 * explains the model chosen. */
Test(tui_params, every_row_has_its_own_explanation)
{
	struct cfg c = cfg_default();
	char seen[PARAM_COUNT][512], why[160];

	for (int f = 0; f < PARAM_COUNT; f++) {
		params_explain(&c, (enum params_field)f, seen[f], sizeof seen[f]);
		cr_assert_gt(strlen(seen[f]), 15, "%s: '%s'",
			     params_label((enum params_field)f), seen[f]);
		for (int g = 0; g < f; g++)
			cr_assert_str_neq(seen[f], seen[g]);
	}
	cr_assert(strstr(seen[PARAM_WD], "weight decay"));
	cr_assert(strstr(seen[PARAM_Y_RANGE], "5.5"));
	cr_assert(strstr(seen[PARAM_FACTORS], "embedding"));
	cr_assert(strstr(seen[PARAM_LAYERS], "nn model only"));
	cr_assert(strstr(seen[PARAM_MODEL], "dotbias: "));
	cr_assert_eq(params_set(&c, PARAM_MODEL, "bpmf", &r15, why, sizeof why), 0, "%s", why);
	params_explain(&c, PARAM_MODEL, seen[0], sizeof seen[0]);
	cr_assert(strstr(seen[0], "bpmf: dotbias sampled"), "%s", seen[0]);
	params_explain(&c, PARAM_LR, seen[0], sizeof seen[0]);
	cr_assert(strstr(seen[0], "does not use it"), "%s", seen[0]);
}

/* Overfitting: valid loss above its lowest to the end while train loss
 * falls; not when valid loss recovers, or train loss rises too. */
Test(tui_params, overfitting_starts_after_the_best_epoch)
{
	static struct curve_run r;
	const float train[] = { 0.98f, 0.77f, 0.37f, 0.2f };
	const float valid[] = { 0.95f, 0.94f, 0.96f, 0.99f };

	r.n_epochs = 4;
	for (int e = 0; e < 4; e++) {
		r.ep[e].train = train[e];
		r.ep[e].valid = valid[e];
	}
	cr_assert_eq(curves_overfit_since(&r), 2);
	r.ep[3].valid = 0.944f;         /* within 0.5% of the best: noise */
	cr_assert_eq(curves_overfit_since(&r), -1);
	r.ep[3].valid = 0.93f;          /* a new best at the end */
	cr_assert_eq(curves_overfit_since(&r), -1);
	r.ep[3].valid = 0.99f;
	r.ep[3].train = 0.9f;           /* train loss back up: not overfitting */
	cr_assert_eq(curves_overfit_since(&r), -1);
	r.n_epochs = 1;
	cr_assert_eq(curves_overfit_since(&r), -1);
}

/* Marks for comparing: oldest first whatever the order marked, a second
 * Space unmarks, at most MARKS_MAX, and one left ends the comparing. */
Test(tui_params, runs_marked_for_comparing)
{
	static struct run_marks m;
	static struct history_run r[MARKS_MAX + 1];

	for (int i = 0; i <= MARKS_MAX; i++)
		snprintf(r[i].time, sizeof r[i].time, "2026-01-02T10:0%d:00Z", i);
	cr_assert_eq(marks_toggle(&m, &r[2]), 1);
	cr_assert_eq(marks_toggle(&m, &r[0]), 1);
	cr_assert_str_eq(m.run[0].time, r[0].time);
	cr_assert_eq(marks_find(&m, &r[2]), 1);
	cr_assert_eq(marks_find(&m, &r[1]), -1);
	m.comparing = 1;
	cr_assert_eq(marks_toggle(&m, &r[0]), 0);
	cr_assert_eq(m.n, 1);
	cr_assert_eq(m.comparing, 0);
	for (int i = 0; i < MARKS_MAX; i++)
		if (i != 2)
			cr_assert_eq(marks_toggle(&m, &r[i]), 1);
	cr_assert_eq(marks_toggle(&m, &r[MARKS_MAX]), -1);
	for (int i = 1; i < m.n; i++)
		cr_assert_lt(strcmp(m.run[i - 1].time, m.run[i].time), 0);
}

/* Momentum: a ladder of the usual values, off-ladder values step to the
 * nearest rung that way, and the run gets what the row shows. */
Test(tui_params, momentum_row_steps_and_reaches_the_run)
{
	struct cfg c = cfg_default();
	struct eng_train_args a;
	char why[200], text[32];

	cr_assert_eq(c.mom, 0.9);
	cr_assert_eq(params_step(&c, PARAM_MOM, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.mom, 0.95);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(params_step(&c, PARAM_MOM, -1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.mom, 0.0, "the bottom rung holds");
	cr_assert_eq(params_set(&c, PARAM_MOM, "0.7", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_step(&c, PARAM_MOM, 1, &r15, why, sizeof why), 0);
	cr_assert_eq(c.mom, 0.8);
	cr_assert_eq(params_set(&c, PARAM_MOM, "1", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "mom must be at least 0 and less than 1");
	params_format(&c, PARAM_MOM, text, sizeof text);
	cr_assert_str_eq(text, "0.8");
	runargs_train(&c, &a);
	cr_assert_float_eq(a.train.mom, 0.8, 1e-12);
}

Test(tui_params, als_and_bpmf_train_the_biased_model_without_sigmoid)
{
	struct cfg c = cfg_default();
	struct eng_train_args a;

	runargs_train(&c, &a);
	cr_assert_eq(a.train.algo, ENG_FIT_SGD);
	cr_assert(a.model.use_y_range);
	c.model = VOCAB_MODEL_DOTBIAS;
	c.fit = VOCAB_FIT_ALS;
	runargs_train(&c, &a);
	cr_assert_eq(a.train.algo, ENG_FIT_ALS);
	cr_assert_eq(a.model.kind, ENG_MODEL_DOTBIAS);
	cr_assert_not(a.model.use_y_range);
	c.fit = VOCAB_FIT_BPMF;
	runargs_train(&c, &a);
	cr_assert_eq(a.train.algo, ENG_FIT_BPMF);
	c.model = VOCAB_MODEL_NN;
	c.fit = VOCAB_FIT_GRADIENT;
	runargs_train(&c, &a);
	cr_assert_eq(a.train.algo, ENG_FIT_SGD);
	cr_assert_eq(a.model.kind, ENG_MODEL_NN);
}

/* A finished run of the history file. */
static struct history_run past_run(const char *dataset, const char *time,
				   const char *model, float v0, float v1)
{
	struct history_run r;

	memset(&r, 0, sizeof r);
	snprintf(r.dataset, sizeof r.dataset, "%s", dataset);
	snprintf(r.time, sizeof r.time, "%s", time);
	snprintf(r.model, sizeof r.model, "%s", model);
	snprintf(r.split, sizeof r.split, "random 0.1");
	snprintf(r.optimizer, sizeof r.optimizer, "sgd");
	snprintf(r.schedule, sizeof r.schedule, "one-cycle");
	r.factors = 20;
	r.epochs = 2;
	r.bs = 128;
	r.lr = 2e-3;
	r.wd = 12;
	r.seed = 7;
	r.n_losses = 2;
	r.train_loss[0] = 1.2f;
	r.train_loss[1] = 0.7f;
	r.valid_loss[0] = v0;
	r.valid_loss[1] = v1;
	r.final_valid = v1;
	r.seconds = 3.5;
	return r;
}

Test(tui_params, a_past_run_restores_its_values)
{
	struct cfg c = cfg_default(), before;
	struct history_run r = past_run("fake", "2026-01-02T10:00:00Z", "als", 1, 0.85f);
	char why[160];

	cr_assert_eq(params_from_run(&c, &r, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(MODEL_WORD(c), "als");
	cr_assert_eq(c.factors, 20);
	cr_assert_eq(c.epochs, 2);
	cr_assert_eq(c.bs, 128);
	cr_assert_float_eq(c.lr, 2e-3, 1e-12);
	cr_assert_float_eq(c.wd, 12, 1e-12);
	cr_assert_not(c.y_range_on);
	cr_assert_eq(c.optimizer, VOCAB_OPTIMIZER_SGD);
	cr_assert_eq(c.seed, 7);
	cr_assert_float_eq(c.valid_pct, 0.1, 1e-12);
	/* a u1 split leaves valid_pct alone; a model this build lacks is refused */
	snprintf(r.split, sizeof r.split, "u1");
	r.y_range_on = 1;
	r.y_lo = 0;
	r.y_hi = 5.5;
	c.valid_pct = 0.3;
	cr_assert_eq(params_from_run(&c, &r, why, sizeof why), 0, "%s", why);
	cr_assert_float_eq(c.valid_pct, 0.3, 1e-12);
	cr_assert(c.y_range_on);
	cr_assert_float_eq(c.y_range[1], 5.5, 1e-6);
	snprintf(r.model, sizeof r.model, "svd++");
	before = c;
	cr_assert_eq(params_from_run(&c, &r, why, sizeof why), -1);
	cr_assert_eq(memcmp(&c, &before, sizeof c), 0, "a refusal changed cfg");
}

/* ---- training runs ------------------------------------------------------- */

Test(tui_curves, a_past_run_goes_behind_the_current_one)
{
	struct run_curves *h = curves_new();
	const float train[3] = { 1.1f, 0.9f, 0.8f }, valid[3] = { 1.0f, 0.9f, NAN };
	struct eng_evt ev = { .kind = ENG_EVT_EPOCH };

	cr_assert_not_null(h);
	curves_overlay(h, "past", train, valid, 3);
	cr_assert_eq(curves_count(h), 1);
	cr_assert_eq(curves_run(h, 0)->state, CURVES_PAST);
	cr_assert_eq(curves_run(h, 0)->n_epochs, 3);
	cr_assert_eq(curves_run(h, 0)->planned_epochs, 3);
	cr_assert_float_eq(curves_run(h, 0)->ep[1].valid, 0.9f, 1e-6);
	cr_assert_eq(curves_best(curves_run(h, 0)), 1);
	curves_begin(h, "a", 5);
	curves_overlay(h, "past 2", train, valid, 2);     /* replaces the first */
	cr_assert_eq(curves_count(h), 2);
	cr_assert_str_eq(curves_run(h, 0)->label, "past 2");
	cr_assert_str_eq(curves_run(h, 1)->label, "a");
	curves_begin(h, "b", 5);
	curves_begin(h, "c", 5);
	cr_assert_eq(curves_count(h), CURVES_RUNS);
	curves_overlay(h, "past 3", train, valid, 3);
	cr_assert_eq(curves_count(h), CURVES_RUNS);
	cr_assert_str_eq(curves_run(h, 0)->label, "a");
	cr_assert_str_eq(curves_run(h, 2)->label, "past 3");
	cr_assert_str_eq(curves_run(h, 3)->label, "c");
	/* events keep feeding the current run */
	ev.u.train.report.train_loss = 0.5;
	ev.u.train.report.valid_loss = 0.6;
	cr_assert(curves_apply(h, &ev));
	cr_assert_eq(curves_run(h, 3)->n_epochs, 1);
	cr_assert_eq(curves_run(h, 2)->n_epochs, 3);
	cr_assert(curves_overlay_clear(h));
	cr_assert_not(curves_overlay_clear(h));
	cr_assert_eq(curves_count(h), 3);
	cr_assert_str_eq(curves_run(h, 2)->label, "c");
	curves_free(h);
}

Test(tui_params, refusals_give_the_reason)
{
	struct cfg c = cfg_default(), before = c;
	char why[160];

	cr_assert_eq(params_set(&c, PARAM_Y_RANGE, "0,0.5", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "cannot reach ratings 1-5 (0,0.5 keeps every "
			 "prediction below 0.5)");
	cr_assert_eq(params_set(&c, PARAM_Y_RANGE, "2,5.5", &r15, why, sizeof why), -1);
	cr_assert(strstr(why, "above 2"), "%s", why);
	cr_assert_eq(params_set(&c, PARAM_FACTORS, "0", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "factors must be at least 1");
	cr_assert_eq(params_set(&c, PARAM_LR, "fast", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "expected a number, found 'fast'");
	cr_assert_eq(memcmp(&c, &before, sizeof c), 0, "a refusal changed cfg");
	/* unknown range (no dataset yet): only cfg_set's checks */
	struct params_range none = { 0, 0, 0 };
	cr_assert_eq(params_set(&c, PARAM_Y_RANGE, "0,0.5", &none, why, sizeof why), 0);
	cr_assert_eq(params_set(&c, PARAM_Y_RANGE, "0,5.5", &r15, why, sizeof why), 0);
	cr_assert_eq(params_set(&c, PARAM_LR, "1e-2", &r15, why, sizeof why), 0);
	char text[32];
	params_format(&c, PARAM_LR, text, sizeof text);
	cr_assert_str_eq(text, "0.01");
}

Test(tui_params, the_preset_row_names_applies_and_cycles)
{
	struct cfg c = cfg_default(), before;
	char why[256], text[64];

	params_format(&c, PARAM_PRESET, text, sizeof text);
	cr_assert_str_eq(text, "fastai", "the defaults are the chapter's");
	cr_assert_eq(params_set(&c, PARAM_LR, "0.01", &r15, why, sizeof why), 0);
	params_format(&c, PARAM_PRESET, text, sizeof text);
	cr_assert_str_eq(text, "custom");
	/* typed: every setting of it */
	cr_assert_eq(params_set(&c, PARAM_PRESET, "als", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(MODEL_WORD(c), "als");
	cr_assert_eq(c.factors, 20);
	cr_assert_eq(c.epochs, 15);
	cr_assert_float_eq(c.wd, 12, 1e-12);
	params_format(&c, PARAM_PRESET, text, sizeof text);
	cr_assert_str_eq(text, "als");
	before = c;
	cr_assert_eq(params_set(&c, PARAM_PRESET, "best", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "no preset 'best' (the presets are fastai, u1-best, als, ranking-best, "
			 "fast-adarow)");
	cr_assert_eq(memcmp(&c, &before, sizeof c), 0, "a refusal changed cfg");
	/* stepped: cyclically from the one shown; from custom, the first */
	cr_assert_eq(params_step(&c, PARAM_PRESET, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(MODEL_WORD(c), "ials");
	cr_assert_eq(params_step(&c, PARAM_PRESET, -1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(MODEL_WORD(c), "als");
	cr_assert_eq(params_step(&c, PARAM_PRESET, -1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(MODEL_WORD(c), "bpmf");
	c.factors = 11;
	cr_assert_eq(params_step(&c, PARAM_PRESET, 1, &r15, why, sizeof why), 0, "%s", why);
	params_format(&c, PARAM_PRESET, text, sizeof text);
	cr_assert_str_eq(text, "fastai");
	c.n_presets = 0;
	cr_assert_eq(params_step(&c, PARAM_PRESET, 1, &r15, why, sizeof why), -1);
	cr_assert(strstr(why, "no presets"), "%s", why);
}

Test(tui_params, the_fast_trainer_only_with_dot_models)
{
	struct cfg c = cfg_default(), before;
	struct eng_train_args a;
	char why[256];

	cr_assert_eq(params_step(&c, PARAM_TRAINER, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.trainer, VOCAB_TRAINER_FAST);
	runargs_train(&c, &a);
	cr_assert(a.fast);
	/* nn, als, bpmf: refused with the reason, either way round */
	before = c;
	cr_assert_eq(params_step(&c, PARAM_MODEL, 1, &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "the fast trainer fits only the dot and dotbias models");
	cr_assert_eq(memcmp(&c, &before, sizeof c), 0, "a refusal changed cfg");
	cr_assert_eq(params_set(&c, PARAM_MODEL, "dot", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_set(&c, PARAM_TRAINER, "fastai", &r15, why, sizeof why), 0);
	cr_assert_eq(params_set(&c, PARAM_MODEL, "nn", &r15, why, sizeof why), 0);
	cr_assert_eq(params_set(&c, PARAM_TRAINER, "fast", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "the fast trainer fits only the dot and dotbias models");
	cr_assert_eq(params_set(&c, PARAM_TRAINER, "quick", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "expected one of fastai|fast, found 'quick'");
	runargs_train(&c, &a);
	cr_assert_not(a.fast);
	/* the shipped presets name the trainer, so they apply over fast */
	cr_assert_eq(params_set(&c, PARAM_MODEL, "dot", &r15, why, sizeof why), 0);
	cr_assert_eq(params_set(&c, PARAM_TRAINER, "fast", &r15, why, sizeof why), 0);
	cr_assert_eq(params_set(&c, PARAM_PRESET, "u1-best", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.trainer, VOCAB_TRAINER_FASTAI);
}

Test(tui_params, the_lr_find_row_sets_the_sweep)
{
	struct cfg c = cfg_default();
	struct eng_lr_find_args a;
	char why[256], text[64];

	params_format(&c, PARAM_LR_FIND, text, sizeof text);
	cr_assert_str_eq(text, "1e-07,10,100");
	cr_assert_eq(params_set(&c, PARAM_LR_FIND, "1e-5,1,40", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_step(&c, PARAM_LR_FIND, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.lr_find.num_it, 80, "right doubles num_it");
	cr_assert_eq(c.lr_find.start, 1e-5, "and keeps the ends exactly");
	runargs_train(&c, &a.train);
	runargs_sweep(&c, &a);
	cr_assert_eq(a.sweep.start_lr, 1e-5);
	cr_assert_eq(a.sweep.end_lr, 1.0);
	cr_assert_eq(a.sweep.num_it, 80);
	cr_assert_eq(a.train.model.n_factors, 50);
	cr_assert_null(lrfind_cfg_check(&a.sweep));
	cr_assert_eq(params_step(&c, PARAM_LR_FIND, 1, &r15, why, sizeof why), 0);
	cr_assert_eq(params_step(&c, PARAM_LR_FIND, 1, &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "lr_find num_it must be from 2 to 256");
	cr_assert_eq(params_set(&c, PARAM_LR_FIND, "1,0.1,100", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "lr_find start must be less than lr_find end");
}

/* ---- chart --------------------------------------------------------------- */

Test(tui_chart, scales_and_rasterises)
{
	struct chart_cell cells[10 * 4];
	struct chart ch;
	float v[] = { 1.0f, NAN, 3.0f };
	double lo = INFINITY, hi = -INFINITY;

	chart_range_add(v, 3, 0, &lo, &hi);
	cr_assert_eq(lo, 1.0);
	cr_assert_eq(hi, 3.0);
	chart_range_finish(0, &lo, &hi);
	cr_assert_float_eq(lo, 0.9, 1e-9);
	cr_assert_float_eq(hi, 3.1, 1e-9);

	chart_reset(&ch, cells, 10, 4, CHART_BRAILLE, 0, 5, 0, 1);
	cr_assert_eq(chart_y_dot(&ch, 1), 0);          /* top */
	cr_assert_eq(chart_y_dot(&ch, 0), 15);         /* bottom: 4 rows x 4 dots */
	cr_assert_eq(chart_y_dot(&ch, 7), 0);          /* clamped */
	cr_assert_eq(chart_x_dot(&ch, 5), 19);
	chart_point(&ch, 0, 1, 1);
	cr_assert_eq(cells[0].dots, 0x01);
	cr_assert_eq(chart_braille(&cells[0]), 0x2801);
	chart_point(&ch, 0, 1, 2);                      /* a higher role wins */
	cr_assert_eq(cells[0].role, 2);
	chart_point(&ch, 0, 1, 1);
	cr_assert_eq(cells[0].role, 2);
	chart_line(&ch, 0, 0, 5, 0, 3);                 /* the whole bottom row */
	for (int x = 0; x < 10; x++)
		cr_assert_eq(cells[30 + x].dots, 0xC0, "cell %d", x);

	/* log scale: a decade per half of the height */
	chart_reset(&ch, cells, 10, 4, CHART_ASCII, 1, 5, 0.1, 10);
	cr_assert_eq(chart_y_dot(&ch, 10), 0);
	cr_assert_eq(chart_y_dot(&ch, 0.1), 3);
	lo = INFINITY, hi = -INFINITY;
	float neg[] = { -1.0f, 0.0f };
	chart_range_add(neg, 2, 1, &lo, &hi);           /* nothing positive */
	chart_range_finish(1, &lo, &hi);
	cr_assert(lo > 0 && lo < hi);
}

/* ---- movies ---------------------------------------------------------------- */

static struct eng_catalog *catalog(void)
{
	struct eng_catalog *c = calloc(1, sizeof *c);
	static const char strings[] = "Heat (1995)\0Misérables, Les (1995)\0Alien (1979)\0";

	c->n_items = 3;
	c->items = calloc(3, sizeof *c->items);
	c->strings = malloc(sizeof strings);
	memcpy(c->strings, strings, sizeof strings);
	c->items[0] = (struct eng_item){ .title = c->strings, .genres = "",
					 .year = 1995, .n_ratings = 10, .mean = 3.5f };
	c->items[1] = (struct eng_item){ .title = c->strings + 12, .genres = "Drama",
					 .year = 1995, .n_ratings = 21, .mean = 3.6f };
	c->items[2] = (struct eng_item){ .title = c->strings + 36, .genres = "",
					 .year = 1979, .n_ratings = 5, .mean = NAN };
	return c;
}

static struct eng_biases *biases(uint32_t n)
{
	struct eng_biases *b = calloc(1, sizeof *b);

	b->n_items = n;
	b->item_bias = calloc(n, sizeof(float));
	for (uint32_t i = 0; i < n; i++)
		b->item_bias[i] = (float)i * 0.1f - 0.1f;      /* -0.1, 0, 0.1 */
	return b;
}

static void expect_order(const struct movielist *m, uint32_t a, uint32_t b,
			 uint32_t c)
{
	cr_assert_eq(movielist_rows(m), 3);
	cr_assert_eq(movielist_item_at(m, 0), a);
	cr_assert_eq(movielist_item_at(m, 1), b);
	cr_assert_eq(movielist_item_at(m, 2), c);
}

Test(tui_movies, sorts_and_filters, .init = utf8_locale)
{
	struct movielist *m = movielist_new();

	cr_assert_eq(movielist_set_catalog(m, catalog()), 0);
	expect_order(m, 2, 0, 1);                       /* Alien, Heat, Misérables */
	movielist_set_sort(m, SORT_RATINGS);
	expect_order(m, 1, 0, 2);
	movielist_set_sort(m, SORT_MEAN);
	expect_order(m, 1, 0, 2);                       /* NaN last */
	movielist_set_sort(m, SORT_BIAS_DESC);          /* no biases: by title */
	expect_order(m, 2, 0, 1);
	movielist_set_biases(m, biases(2));             /* wrong size: dropped */
	cr_assert_not(movielist_has_biases(m));
	movielist_set_biases(m, biases(3));
	expect_order(m, 2, 1, 0);
	movielist_set_sort(m, SORT_BIAS_ASC);
	expect_order(m, 0, 1, 2);
	movielist_set_query(m, "les");
	cr_assert_eq(movielist_rows(m), 1);
	cr_assert_eq(movielist_item_at(m, 0), 1);
	movielist_set_query(m, "");
	cr_assert_eq(movielist_rows(m), 3);
	movielist_free(m);
}

/* ---- keys ------------------------------------------------------------------ */

Test(tui_keys, names_defaults_and_config)
{
	struct keymap km;
	struct cfg c = cfg_default();
	char err[256], buf[64];
	int k;

	cr_assert_eq(keys_parse("C-b", &k), 0);
	cr_assert_eq(k, 2);
	cr_assert_eq(keys_parse("F10", &k), 0);
	keys_name(k, buf, sizeof buf);
	cr_assert_str_eq(buf, "F10");
	cr_assert_eq(keys_parse("F13", &k), -1);
	cr_assert_eq(keys_parse("Hyper", &k), -1);
	keys_default(&km);
	cr_assert_eq(keys_action(&km, 'q'), ACT_QUIT);
	cr_assert_eq(keys_action(&km, 'j'), ACT_DOWN);
	keys_describe(&km, ACT_HELP, buf, sizeof buf);
	cr_assert_str_eq(buf, "?, F1");

	c.n_binds = 1;
	c.binds[0] = (struct cfg_bind){ "quit", "x C-q", 40, 3 };
	cr_assert_eq(keys_configure(&km, &c, "cfg.yaml", err, sizeof err), 0, "%s", err);
	cr_assert_eq(keys_action(&km, 'q'), ACT_NONE);  /* defaults replaced */
	cr_assert_eq(keys_action(&km, 'x'), ACT_QUIT);
	cr_assert_eq(keys_action(&km, 17), ACT_QUIT);

	c.binds[0] = (struct cfg_bind){ "explode", "x", 41, 3 };
	cr_assert_eq(keys_configure(&km, &c, "cfg.yaml", err, sizeof err), -1);
	cr_assert(strncmp(err, "cfg.yaml:41:3: keys: unknown action 'explode'", 45) == 0,
		  "%s", err);
	c.binds[0] = (struct cfg_bind){ "quit", "Hyper", 42, 3 };
	cr_assert_eq(keys_configure(&km, &c, "cfg.yaml", err, sizeof err), -1);
	cr_assert(strstr(err, "cfg.yaml:42:3: keys: quit: 'Hyper' is not a key"), "%s", err);
	cr_assert_eq(keys_action(&km, 'x'), ACT_QUIT);  /* unchanged on error */
}

/* ---- the event flow, against a fake engine -------------------------------- */

#define FAKE_MAX 64

/* A fake engine: records the commands it is sent and hands out the events
 * a test queues. */
struct fake {
	struct eng_cmd sent[FAKE_MAX];
	int n_sent;
	struct eng_evt queue[FAKE_MAX];
	int head, tail;
	int refuse;                     /* send() fails, like a full ring */
};

static int fake_send(void *ctx, const struct eng_cmd *cmd)
{
	struct fake *f = ctx;

	if (f->refuse || f->n_sent == FAKE_MAX)
		return -1;
	f->sent[f->n_sent++] = *cmd;
	return 0;
}

static int fake_poll(void *ctx, struct eng_evt *out)
{
	struct fake *f = ctx;

	if (f->head == f->tail)
		return 0;
	*out = f->queue[f->head++];
	return 1;
}

static int fake_fd(void *ctx)
{
	(void)ctx;
	return -1;
}

static void fake_stop(void *ctx)
{
	(void)ctx;
}

static void push(struct fake *f, const struct eng_evt *ev)
{
	cr_assert_lt(f->tail, FAKE_MAX);
	f->queue[f->tail++] = *ev;
}

static struct eng_evt train_evt(enum eng_evt_kind kind, uint32_t req, int epoch,
				long batch, double tl, double vl)
{
	struct eng_evt ev = { .kind = kind, .req_id = req };
	struct eng_train_report *r = &ev.u.train.report;

	r->epoch = epoch;
	r->batch = batch;
	r->n_batches = 100;
	r->batch_loss = tl;
	r->smooth_loss = tl;
	r->train_loss = tl;
	r->valid_loss = vl;
	r->seconds = 1.5;
	ev.u.train.curve = (struct eng_curve){ .first = epoch * 100 + batch - 10,
					       .stride = 10, .n = 1 };
	ev.u.train.curve.loss[0] = (float)tl;
	return ev;
}

Test(tui_state, load_train_and_stale_replies)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	struct eng_evt ev;

	/* never the user's own ratings file */
	setenv("XDG_DATA_HOME", "/nonexistent/collabtui-test", 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	cr_assert_eq(state_train(&st, 0), -1);             /* nothing loaded */
	cr_assert_str_eq(st.status, "no dataset loaded yet");

	cr_assert_eq(state_load(&st, "/data/ml-100k", ""), 0);
	cr_assert_eq(f.n_sent, 1);
	cr_assert_eq(f.sent[0].kind, ENG_CMD_LOAD_DATA);
	cr_assert_str_eq(f.sent[0].u.load.path, "/data/ml-100k");

	ev = (struct eng_evt){ .kind = ENG_EVT_LOADED, .req_id = f.sent[0].req_id };
	snprintf(ev.u.summary.name, sizeof ev.u.summary.name, "ml-100k");
	ev.u.summary.n_users = 943;
	ev.u.summary.n_items = 3;
	ev.u.summary.rating_min = 1;
	ev.u.summary.rating_max = 5;
	push(&f, &ev);
	ev = (struct eng_evt){ .kind = ENG_EVT_CATALOG, .req_id = f.sent[0].req_id };
	ev.u.catalog = catalog();
	push(&f, &ev);
	cr_assert_eq(state_pump(&st) & (DIRTY_DATASET | DIRTY_MOVIES),
		     DIRTY_DATASET | DIRTY_MOVIES);
	cr_assert(st.loaded);
	cr_assert_eq(st.summary.n_users, 943);
	cr_assert_eq(movielist_items(st.movies), 3);

	/* a y_range that cannot reach 1..5 is refused before the engine sees it */
	st.cfg.y_range[1] = 0.5;
	cr_assert_eq(state_train(&st, 0), -1);
	cr_assert(strstr(st.status, "cannot reach ratings 1-5"), "%s", st.status);
	cr_assert_eq(f.n_sent, 2, "LOAD_DATA, then RECOMMEND for the Recommendations pane");
	cr_assert_eq(f.sent[1].kind, ENG_CMD_RECOMMEND);
	st.cfg.y_range[1] = 5.5;
	st.cfg.lr = 1e-2;
	st.cfg.epochs = 2;
	cr_assert_eq(state_train(&st, 0), 0);
	cr_assert_eq(f.sent[2].kind, ENG_CMD_TRAIN);
	cr_assert_eq(f.sent[2].u.train.train.lr, 1e-2);
	cr_assert_eq(f.sent[2].u.train.train.epochs, 2);
	uint32_t req = f.sent[2].req_id;
	cr_assert_eq(state_train(&st, 0), -1);             /* already training */

	ev = train_evt(ENG_EVT_TRAIN_START, req, 0, 0, 0, 0);
	push(&f, &ev);
	ev = train_evt(ENG_EVT_PROGRESS, req, 0, 50, 1.2, NAN);
	push(&f, &ev);
	ev = train_evt(ENG_EVT_EPOCH, req, 0, 100, 1.0, 0.95);
	push(&f, &ev);
	ev = train_evt(ENG_EVT_EPOCH, req - 1, 0, 100, 9.0, 9.0);  /* stale */
	push(&f, &ev);
	ev = train_evt(ENG_EVT_EPOCH, req, 1, 100, 0.8, 0.90);
	push(&f, &ev);
	ev = train_evt(ENG_EVT_TRAINED, req, 1, 100, 0.8, 0.90);
	push(&f, &ev);
	ev = (struct eng_evt){ .kind = ENG_EVT_BIASES, .req_id = req };
	ev.u.biases = biases(3);
	push(&f, &ev);
	state_pump(&st);

	const struct curve_run *r = curves_run(st.curves, curves_count(st.curves) - 1);
	cr_assert_eq(r->state, CURVES_DONE);
	cr_assert_eq(r->n_epochs, 2, "TRAINED must not add a row, stale ignored");
	cr_assert_float_eq(r->ep[1].valid, 0.90f, 1e-6);
	cr_assert_eq(curves_best(r), 1);
	cr_assert_eq(r->stride, 10);
	cr_assert_float_eq(r->smooth[4], 1.2f, 1e-6);  /* batch 40 / stride 10 */
	cr_assert_not(st.training);
	cr_assert(st.trained);
	cr_assert(movielist_has_biases(st.movies));
	cr_assert_not(st.stale);
	state_param_changed(&st);
	cr_assert(st.stale);

	/* a full command ring is reported, not lost silently */
	f.refuse = 1;
	cr_assert_eq(state_detail(&st, 1), -1);
	cr_assert_str_eq(st.status, "the engine is busy; try again");
	state_done(&st);
}

/* A loaded three-movie dataset named "fake" (ml-100k format: metadata). */
static void load_fake(struct state *st, struct fake *f)
{
	struct eng_evt ev;

	cr_assert_eq(state_load(st, "/data/fake", ""), 0);
	ev = (struct eng_evt){ .kind = ENG_EVT_LOADED, .req_id = f->sent[0].req_id };
	snprintf(ev.u.summary.name, sizeof ev.u.summary.name, "fake");
	snprintf(ev.u.summary.format, sizeof ev.u.summary.format, "ml-100k");
	ev.u.summary.n_items = 3;
	ev.u.summary.rating_min = 1;
	ev.u.summary.rating_max = 5;
	ev.u.summary.n_bins = 5;
	for (int i = 0; i < 5; i++)
		ev.u.summary.bin_lo[i] = (float)(i + 1);
	push(f, &ev);
	ev = (struct eng_evt){ .kind = ENG_EVT_CATALOG, .req_id = f->sent[0].req_id };
	ev.u.catalog = catalog();
	push(f, &ev);
	state_pump(st);
}

static const struct eng_cmd *last_sent(const struct fake *f)
{
	cr_assert_gt(f->n_sent, 0);
	return &f->sent[f->n_sent - 1];
}

Test(tui_state, rating_sends_recommend_and_saves, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	char dir[256], path[512];
	const struct eng_cmd *cmd;

	testenv_tmpdir(dir, sizeof dir);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert(st.has_meta);
	cr_assert_not(state_half_stars(&st));
	/* one file for both item keys */
	snprintf(path, sizeof path, "%s/collabtui/ratings-fake.csv", dir);
	cr_assert_str_eq(st.mine_path, path);
	/* no ratings yet: the first recommendations are asked for at once */
	cmd = last_sent(&f);
	cr_assert_eq(cmd->kind, ENG_CMD_RECOMMEND);
	cr_assert_eq(cmd->u.recommend.n, 0);

	cr_assert_eq(state_rate(&st, 1, 4), 0);
	cr_assert_eq(state_rate(&st, 2, 5), 0);
	cmd = last_sent(&f);
	cr_assert_eq(cmd->kind, ENG_CMD_RECOMMEND);
	cr_assert_eq(cmd->u.recommend.top, STATE_RECS_TOP);
	cr_assert_eq(cmd->u.recommend.n, 2);
	cr_assert_eq(cmd->u.recommend.r[0].item, 1);
	cr_assert_eq(cmd->u.recommend.r[0].rating, 4.0f);
	cr_assert_eq(cmd->u.recommend.r[1].item, 2);
	cr_assert_eq(cmd->u.recommend.r[1].rating, 5.0f);
	cr_assert_eq(state_rate(&st, 1, NAN), 0);       /* 0 / Delete */
	cmd = last_sent(&f);
	cr_assert_eq(cmd->u.recommend.n, 1);
	cr_assert_eq(cmd->u.recommend.r[0].item, 2);
	int sent = f.n_sent;
	cr_assert_eq(state_rate(&st, 0, 6), -1);        /* outside 1..5 */
	cr_assert(strstr(st.status, "from 1 to 5"), "%s", st.status);
	cr_assert_eq(state_rate_half(&st, 0), -1);      /* whole stars only */
	cr_assert_eq(f.n_sent, sent);

	/* the reply to the latest request is shown; an older one is not */
	uint32_t req = last_sent(&f)->req_id;
	struct eng_evt ev = { .kind = ENG_EVT_RECS, .req_id = req - 1 };
	ev.u.recs.n = 3;
	push(&f, &ev);
	cr_assert_eq(state_pump(&st), 0);
	cr_assert_not(st.recs_valid);
	ev = (struct eng_evt){ .kind = ENG_EVT_RECS, .req_id = req };
	ev.u.recs.basis = ENG_RECS_POPULAR;
	ev.u.recs.n = 1;
	ev.u.recs.pop_share = 1;
	snprintf(ev.u.recs.note, sizeof ev.u.recs.note, "no trained model");
	ev.u.recs.e[0] = (struct eng_ranked){ .idx = 0, .score = 4.2f, .because = UINT32_MAX };
	push(&f, &ev);
	cr_assert_eq(state_pump(&st) & DIRTY_RECS, DIRTY_RECS);
	cr_assert(st.recs_valid);
	cr_assert_eq(st.recs.basis, ENG_RECS_POPULAR);
	cr_assert_not(st.trained, "the pane says untrained");
	state_done(&st);

	/* the file is there at the next start, in headless recommend's format */
	memset(&f, 0, sizeof f);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(st.mine.n, 1);
	cr_assert_eq(st.mine.r[0].item, 2);
	cr_assert_eq(last_sent(&f)->u.recommend.n, 1);
	FILE *fp = fopen(path, "r");
	char line[128];
	cr_assert(fgets(line, sizeof line, fp) && fgets(line, sizeof line, fp));
	cr_assert_str_eq(line, "Alien (1979),5,0\n");      /* the fake has no ids */
	fclose(fp);
	state_done(&st);
	unlink(path);

	/* none yet, but the file of one item key an earlier version kept:
	 * read, and what the next save writes to the new file */
	char old[600];
	snprintf(old, sizeof old, "%s/collabtui/ratings-fake-%s.csv", dir,
		 vocab_item_key_word(c.item_key));
	fp = fopen(old, "w");
	fputs("title,rating\nAlien (1979),4\n", fp);
	fclose(fp);
	memset(&f, 0, sizeof f);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(st.mine.n, 1);
	cr_assert_eq(st.mine.r[0].item, 2);
	cr_assert_eq(state_rate(&st, 1, 3), 0);
	state_done(&st);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "no %s", path);
	cr_assert(fgets(line, sizeof line, fp) && fgets(line, sizeof line, fp));
	cr_assert_str_eq(line, "Alien (1979),4,0\n");
	fclose(fp);
	unlink(path);
	unlink(old);
	snprintf(path, sizeof path, "%s/collabtui", dir);
	rmdir(path);
	testenv_rmdir(dir);
}

Test(tui_state, save_errors_reach_the_status_line, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	char dir[256], path[512];

	/* a plain file where the data directory should be */
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "plain", "x", 1);
	setenv("XDG_DATA_HOME", path, 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(state_rate(&st, 0, 3), 0, "the rating stands");
	cr_assert(st.status_err);
	cr_assert(strstr(st.status, "ratings not saved:"), "%s", st.status);
	cr_assert(strstr(st.status, "plain"), "%s", st.status);
	cr_assert_eq(last_sent(&f)->u.recommend.n, 1);
	state_done(&st);
	testenv_rmdir(dir);
}

Test(tui_state, training_refreshes_insight_and_stale_shows, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	struct eng_evt ev;
	char dir[256];

	testenv_tmpdir(dir, sizeof dir);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(state_similar(&st, 0), -1, "needs a model");
	cr_assert_eq(state_pca(&st), -1, "needs a model");
	cr_assert_eq(state_recommend_form(&st, "34 f Engineer"), 0);
	cr_assert_eq(last_sent(&f)->kind, ENG_CMD_RECOMMEND_META);
	cr_assert_eq(last_sent(&f)->u.meta.age, 34);
	cr_assert_str_eq(last_sent(&f)->u.meta.gender, "F");
	cr_assert_str_eq(last_sent(&f)->u.meta.occupation, "engineer");
	cr_assert_eq(state_recommend_form(&st, "old F student"), -1);
	cr_assert(strstr(st.status, "'old'"), "%s", st.status);
	/* the form refuses what the data cannot match, and lists the
	 * occupations it takes */
	cr_assert_eq(state_recommend_form(&st, "34 X student"), -1);
	cr_assert(strstr(st.status, "expected M or F"), "%s", st.status);
	cr_assert_eq(state_recommend_form(&st, "34 F pilot"), -1);
	cr_assert(strstr(st.status, "'pilot': expected one of administrator"), "%s",
		  st.status);
	cr_assert(strstr(st.status, "technician, writer"), "%s", st.status);

	cr_assert_eq(state_train(&st, 0), 0);
	uint32_t req = last_sent(&f)->req_id;
	int before = f.n_sent;
	ev = train_evt(ENG_EVT_TRAINED, req, 0, 100, 0.8, 0.9);
	push(&f, &ev);
	cr_assert_eq(state_pump(&st) & DIRTY_RECS, DIRTY_RECS);
	/* the form's recommendations again, the loved/hated list, the map */
	cr_assert_eq(f.n_sent, before + 4);
	cr_assert_eq(f.sent[before].kind, ENG_CMD_SAVE_MODEL);
	cr_assert(strstr(f.sent[before].u.path, "/collabtui/model-"), "%s", f.sent[before].u.path);
	before++;       /* the model kept for the next session (session.h) */
	cr_assert_eq(f.sent[before].kind, ENG_CMD_RECOMMEND_META);
	cr_assert_eq(f.sent[before + 1].kind, ENG_CMD_BIAS_LIST);
	cr_assert_eq(f.sent[before + 2].kind, ENG_CMD_PCA);
	cr_assert_eq(f.sent[before + 2].u.pca.n_comp, STATE_PCA_COMP);

	ev = (struct eng_evt){ .kind = ENG_EVT_PCA, .req_id = f.sent[before + 2].req_id };
	ev.u.pca = calloc(1, sizeof *ev.u.pca);
	push(&f, &ev);
	ev = (struct eng_evt){ .kind = ENG_EVT_PCA, .req_id = 999 };  /* stale: freed */
	ev.u.pca = calloc(1, sizeof *ev.u.pca);
	push(&f, &ev);
	cr_assert_eq(state_pump(&st) & DIRTY_MAP, DIRTY_MAP);
	cr_assert_not_null(st.pca);

	cr_assert_eq(state_similar(&st, 2), 0);
	ev = (struct eng_evt){ .kind = ENG_EVT_SIMILAR, .req_id = last_sent(&f)->req_id };
	ev.u.similar.n = 1;
	push(&f, &ev);
	state_pump(&st);
	cr_assert(st.similar_valid);
	cr_assert_eq(st.similar_item, 2);

	/* a changed value makes the model, and so the pane, stale */
	cr_assert_not(st.stale);
	state_param_changed(&st);
	cr_assert(st.stale);
	state_done(&st);
	testenv_rmdir(dir);
}

/* A run that diverges: the Training pane's run says "diverged" (not
 * "failed"), the status line carries the engine's message, and with the
 * model gone (the engine dropped it) the panes ask again without one. */
Test(tui_state, a_diverged_run_shows_in_the_training_pane, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	struct eng_evt ev;
	char dir[256];

	testenv_tmpdir(dir, sizeof dir);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(state_train(&st, 0), 0);
	uint32_t req = last_sent(&f)->req_id;
	ev = train_evt(ENG_EVT_TRAINED, req, 0, 100, 0.8, 0.9);
	push(&f, &ev);
	state_pump(&st);
	cr_assert(st.trained);

	cr_assert_eq(state_train(&st, 0), 0);
	req = last_sent(&f)->req_id;
	ev = train_evt(ENG_EVT_TRAIN_START, req, 0, 0, 0, 0);
	push(&f, &ev);
	ev = train_evt(ENG_EVT_PROGRESS, req, 0, 50, 1.2, NAN);
	push(&f, &ev);
	ev = (struct eng_evt){ .kind = ENG_EVT_ERROR, .req_id = req };
	ev.u.error.code = ENG_EDIVERGED;
	snprintf(ev.u.error.msg, sizeof ev.u.error.msg,
		 "diverged at epoch 0, batch 51: try a lower lr");
	push(&f, &ev);
	int before = f.n_sent;
	cr_assert_eq(state_pump(&st) & (DIRTY_TRAIN | DIRTY_RECS), DIRTY_TRAIN | DIRTY_RECS);
	const struct curve_run *r = curves_run(st.curves, curves_count(st.curves) - 1);
	cr_assert_eq(r->state, CURVES_DIVERGED);
	cr_assert_not(st.training);
	cr_assert_not(st.trained, "the engine has no model after a diverged run");
	cr_assert(st.status_err);
	cr_assert_str_eq(st.status, "diverged at epoch 0, batch 51: try a lower lr");
	cr_assert_eq(f.n_sent, before + 1);
	cr_assert_eq(last_sent(&f)->kind, ENG_CMD_RECOMMEND);
	cr_assert_eq(state_similar(&st, 0), -1, "needs a model again");

	/* any other error of a run is a failure, as before */
	cr_assert_eq(state_train(&st, 0), 0);
	ev = (struct eng_evt){ .kind = ENG_EVT_ERROR, .req_id = last_sent(&f)->req_id };
	ev.u.error.code = ENG_ENOMEM;
	push(&f, &ev);
	state_pump(&st);
	r = curves_run(st.curves, curves_count(st.curves) - 1);
	cr_assert_eq(r->state, CURVES_FAILED);
	state_done(&st);
	testenv_rmdir(dir);
}

Test(tui_keys, list_keys_rate_where_pane_keys_focus)
{
	struct keymap km;
	struct cfg c = cfg_default();
	char err[256];

	keys_default(&km);
	cr_assert_eq(keys_action(&km, '1'), ACT_PANE_1);
	cr_assert_eq(keys_action_in(&km, '1', 0), ACT_PANE_1);
	cr_assert_eq(keys_action_in(&km, '1', 1), ACT_RATE_1);
	cr_assert_eq(keys_action_in(&km, '5', 1), ACT_RATE_5);
	cr_assert_eq(keys_action_in(&km, 'q', 1), ACT_QUIT, "globals still work in lists");
	c.n_binds = 1;
	c.binds[0] = (struct cfg_bind){ "rate_1", "!", 1, 1 };
	cr_assert_eq(keys_configure(&km, &c, "cfg.yaml", err, sizeof err), 0, "%s", err);
	cr_assert_eq(keys_action_in(&km, '!', 1), ACT_RATE_1);
	cr_assert_eq(keys_action_in(&km, '1', 1), ACT_PANE_1);
}

/* Feed seq (the bytes after ESC) to the escape parser: its result, with
 * the key in *key; every byte before the last must ask for more. */
static enum keys_esc_result feed_esc(const char *seq, int *key)
{
	struct keys_esc e;
	enum keys_esc_result r = KEYS_ESC_MORE;

	*key = 0;
	cr_assert(keys_esc_introducer(seq[0]), "%s", seq);
	keys_esc_begin(&e, seq[0]);
	for (const char *p = seq + 1; *p; p++) {
		cr_assert_eq(r, KEYS_ESC_MORE, "ESC %s ended before its last byte", seq);
		r = keys_esc_feed(&e, (unsigned char)*p, key);
	}
	return r;
}

/* Issue 11, finding 13: Home, End and Delete in their common forms are
 * keys; every other sequence is swallowed whole, never read as keys. */
Test(tui_keys, escape_sequences_map_or_vanish_whole)
{
	static const struct {
		const char *seq, *key;
	} known[] = {
		{ "[1~", "Home" }, { "[7~", "Home" }, { "[H", "Home" }, { "OH", "Home" },
		{ "[4~", "End" }, { "[8~", "End" }, { "[F", "End" }, { "OF", "End" },
		{ "[3~", "Delete" }, { "[2~", "Insert" }, { "[5~", "PgUp" },
		{ "[6~", "PgDn" }, { "[A", "Up" }, { "OB", "Down" },
	};
	static const char *const dropped[] = {
		"[25~", "[1;5H", "[200~", "[?12;4$y", "[99999999999999999999~",
		"OP", "[Z", "[1\x01",
	};
	int key, want;

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		cr_assert_eq(keys_parse(known[i].key, &want), 0);
		cr_assert_eq(feed_esc(known[i].seq, &key), KEYS_ESC_KEY, "ESC %s", known[i].seq);
		cr_assert_eq(key, want, "ESC %s is not %s", known[i].seq, known[i].key);
	}
	for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
		cr_assert_eq(feed_esc(dropped[i], &key), KEYS_ESC_DROP, "ESC %s", dropped[i]);
	/* a control byte inside breaks the sequence; it goes with it */
	cr_assert_eq(feed_esc("[1\x1b", &key), KEYS_ESC_DROP);
	cr_assert_not(keys_esc_introducer('1'), "Alt-1 is not a sequence");
	cr_assert_not(keys_esc_introducer('o'));
}

Test(tui_state, train_with_you_sends_your_ratings, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	char dir[256];

	testenv_tmpdir(dir, sizeof dir);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(state_train(&st, 1), -1, "nothing rated yet");
	cr_assert(strstr(st.status, "rate some movies"), "%s", st.status);
	cr_assert_eq(state_rate(&st, 1, 4), 0);
	cr_assert_eq(state_rate(&st, 0, 2), 0);
	cr_assert_eq(state_train(&st, 1), 0);
	const struct eng_cmd *t = last_sent(&f);
	cr_assert_eq(t->kind, ENG_CMD_TRAIN);
	cr_assert_eq(t->u.train.n_mine, 2);
	cr_assert_eq(t->u.train.mine[0].item, 1);
	cr_assert_eq(t->u.train.mine[0].rating, 4.0f);
	cr_assert_eq(t->u.train.mine[1].item, 0);
	state_done(&st);
	testenv_rmdir(dir);
}

/* A state over the fake backend, the fake dataset loaded and the run
 * history kept in a fresh XDG_DATA_HOME: dir gets that directory, path
 * the history file's path. */
static void start_with_history(struct state *st, struct backend *be, struct fake *f,
			       char *dir, size_t dirlen, char *path, size_t pathlen)
{
	struct cfg c = cfg_default();

	testenv_tmpdir(dir, dirlen);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(st, &c, be), 0);
	load_fake(st, f);
	cr_assert_eq(state_keep_history(st), 0);
	cr_assert_eq(last_sent(f)->kind, ENG_CMD_HISTORY);
	snprintf(path, pathlen, "%s/collabtui/history.jsonl", dir);
	cr_assert_str_eq(last_sent(f)->u.path, path);
	cr_assert_str_eq(st->history_path, path);
}

/* Undo start_with_history: the state, the file, the directories. */
static void end_with_history(struct state *st, const char *dir, char *path, size_t pathlen)
{
	state_done(st);
	unlink(path);
	snprintf(path, pathlen, "%s/collabtui", dir);
	testenv_rmdir(path);
	testenv_rmdir(dir);
}

/* Issue 11, finding 14: a long session's runs do not grow the interface
 * without bound.  Many runs in the history, and a run trained after each
 * reread: the Runs pane holds the newest STATE_RUNS_MAX, in an array of
 * their size, and says how many the file has. */
Test(tui_state, run_list_keeps_the_newest_runs_only, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct state st;
	struct eng_evt ev;
	struct history_run r;
	char dir[256], path[600], err[300];
	const size_t many = 2 * STATE_RUNS_MAX + 30;

	start_with_history(&st, &be, &f, dir, sizeof dir, path, sizeof path);
	r = past_run("fake", "2026-01-01T10:00:00Z", "dot", 0.9f, 0.80f);
	for (size_t i = 0; i < many; i++) {
		r.seed = i;             /* the run's age: higher is newer */
		cr_assert_eq(history_append(path, &r, err, sizeof err), 0, "%s", err);
		if (i % 50 != 49)
			continue;
		/* a run of this session ends: the pane rereads the file */
		cr_assert_eq(state_train(&st, 0), 0, "%s", st.status);
		ev = train_evt(ENG_EVT_TRAINED, last_sent(&f)->req_id, 0, 100, 0.8, 0.9);
		push(&f, &ev);
		state_pump(&st);
		cr_assert_eq(st.n_runs_file, i + 1);
		cr_assert_leq(st.n_runs, STATE_RUNS_MAX);
		cr_assert_leq(malloc_usable_size(st.runs), STATE_RUNS_MAX * sizeof r + 4096,
			      "%zu runs take %zu bytes", st.n_runs,
			      malloc_usable_size(st.runs));
	}
	cr_assert_eq(state_runs_reload(&st), 0);
	cr_assert_eq(st.n_runs, STATE_RUNS_MAX);
	cr_assert_eq(st.n_runs_file, many);
	cr_assert_eq(st.runs[0].seed, many - 1, "newest first");
	cr_assert_eq(st.runs[STATE_RUNS_MAX - 1].seed, many - STATE_RUNS_MAX,
		     "the oldest kept is the STATE_RUNS_MAX-th newest");
	cr_assert_leq(malloc_usable_size(st.runs), STATE_RUNS_MAX * sizeof r + 4096);
	/* the best-first order is of the same newest runs */
	state_runs_sort(&st);
	cr_assert_eq(st.n_runs, STATE_RUNS_MAX);
	for (size_t i = 0; i < st.n_runs; i++)
		cr_assert_geq(st.runs[i].seed, many - STATE_RUNS_MAX);
	end_with_history(&st, dir, path, sizeof path);
}

Test(tui_state, run_history_lists_overlays_and_restores, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct state st;
	struct eng_evt ev;
	struct history_run r;
	char dir[256], path[600], err[300];

	start_with_history(&st, &be, &f, dir, sizeof dir, path, sizeof path);
	cr_assert_eq(state_runs_reload(&st), 0);
	cr_assert_eq(st.n_runs, 0);

	/* the engine appends each run before its end event: fake that */
	r = past_run("fake", "2026-01-01T10:00:00Z", "dot", 0.9f, 0.80f);
	cr_assert_eq(history_append(path, &r, err, sizeof err), 0, "%s", err);
	r = past_run("other", "2026-01-01T11:00:00Z", "dot", 0.9f, 0.70f);
	cr_assert_eq(history_append(path, &r, err, sizeof err), 0, "%s", err);
	r = past_run("fake", "2026-01-02T10:00:00Z", "als", 1.0f, 0.85f);
	cr_assert_eq(history_append(path, &r, err, sizeof err), 0, "%s", err);
	cr_assert_eq(state_train(&st, 0), 0);
	ev = train_evt(ENG_EVT_TRAINED, last_sent(&f)->req_id, 0, 100, 0.8, 0.9);
	push(&f, &ev);
	cr_assert_eq(state_pump(&st) & DIRTY_RUNS, DIRTY_RUNS);
	cr_assert_eq(st.n_runs, 2, "this dataset's runs only");
	cr_assert_str_eq(st.runs[0].model, "als", "newest first");
	state_runs_sort(&st);
	cr_assert(st.runs_by_valid);
	cr_assert_str_eq(st.runs[0].model, "dot", "best valid loss first");

	/* overlay the best, behind the run just trained; again: off */
	cr_assert_eq(state_runs_overlay(&st, 0), 0);
	cr_assert_eq(curves_count(st.curves), 2);
	cr_assert_eq(curves_run(st.curves, 0)->state, CURVES_PAST);
	cr_assert_float_eq(curves_run(st.curves, 0)->ep[1].valid, 0.80f, 1e-6);
	cr_assert_eq(curves_run(st.curves, 1)->state, CURVES_DONE);
	cr_assert(state_runs_overlaid(&st, 0));
	cr_assert_not(state_runs_overlaid(&st, 1));
	state_runs_sort(&st);           /* rereads: still known as overlaid */
	cr_assert(state_runs_overlaid(&st, 1));
	cr_assert_eq(state_runs_overlay(&st, 1), 0);
	cr_assert_eq(curves_count(st.curves), 1);
	cr_assert_not(state_runs_overlaid(&st, 1));
	cr_assert_eq(state_runs_overlay(&st, 9), -1);

	/* restore the ALS run: its values, and the model is stale */
	cr_assert_not(st.stale);
	cr_assert_eq(state_runs_restore(&st, 0), 0, "%s", st.status);
	cr_assert_str_eq(MODEL_WORD(st.cfg), "als");
	cr_assert_float_eq(st.cfg.wd, 12, 1e-12);
	cr_assert(st.stale);

	/* presets cycle through the settings' presets */
	cr_assert_eq(cfg_preset_current(&st.cfg), -1, "the restored values are custom");
	cr_assert_eq(state_preset_next(&st), 0);
	cr_assert_str_eq(MODEL_WORD(st.cfg), "dotbias");
	cr_assert_eq(st.cfg.factors, 50);
	cr_assert_eq(cfg_preset_current(&st.cfg), 0);
	cr_assert_eq(state_preset_next(&st), 0);
	cr_assert_str_eq(st.cfg.presets[cfg_preset_current(&st.cfg)].name, "u1-best");
	cr_assert_str_eq(MODEL_WORD(st.cfg), "bpmf");
	st.cfg.n_presets = 0;
	cr_assert_eq(state_preset_next(&st), -1);
	cr_assert(strstr(st.status, "no presets"), "%s", st.status);
	end_with_history(&st, dir, path, sizeof path);
}

/* ---- the nn's network from the pane (layers, emb_drop, ps) ---------------- */

/* A row only where it means something: the nn's network for nn, alpha for
 * ials; the rest always, in the pane's order. */
Test(tui_params, rows_follow_the_model)
{
	struct cfg c = cfg_default();
	enum params_field rows[PARAM_COUNT];
	char why[256], text[64];

	cr_assert_eq(params_rows(&c, rows), PARAM_COUNT - 4, "dotbias: no nn rows, no alpha");
	cr_assert_eq(rows[0], PARAM_PRESET);
	cr_assert_eq(rows[PARAM_COUNT - 5], PARAM_LR_FIND);
	cr_assert_not(params_shown(&c, PARAM_LAYERS));
	cr_assert_not(params_shown(&c, PARAM_ALPHA));
	cr_assert_eq(params_set(&c, PARAM_MODEL, "nn", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_rows(&c, rows), PARAM_COUNT - 1);
	cr_assert(params_shown(&c, PARAM_EMB_DROP) && params_shown(&c, PARAM_PS));
	cr_assert_not(params_shown(&c, PARAM_ALPHA));
	cr_assert_eq(params_set(&c, PARAM_MODEL, "ials", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_rows(&c, rows), PARAM_COUNT - 3);
	cr_assert_eq(rows[PARAM_COUNT - 5], PARAM_ALPHA);
	/* alpha: shown, stepped by 1, refused below 0 with cfg_set's words */
	params_format(&c, PARAM_ALPHA, text, sizeof text);
	cr_assert_str_eq(text, "4");
	cr_assert_eq(params_step(&c, PARAM_ALPHA, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_float_eq(c.alpha, 5.0, 1e-12);
	cr_assert_eq(params_set(&c, PARAM_ALPHA, "-1", &r15, why, sizeof why), -1);
	cr_assert(strstr(why, "alpha"), "%s", why);
	params_explain(&c, PARAM_ALPHA, text, sizeof text);
	cr_assert(strstr(text, "confidence"), "%s", text);
}

Test(tui_params, the_nn_rows_show_set_and_step)
{
	struct cfg c = cfg_default(), before;
	char why[256], text[64];

	cr_assert_str_eq(params_label(PARAM_LAYERS), "layers");
	cr_assert_str_eq(params_label(PARAM_EMB_DROP), "emb_drop");
	cr_assert_str_eq(params_label(PARAM_PS), "ps");
	params_format(&c, PARAM_LAYERS, text, sizeof text);
	cr_assert_str_eq(text, "100,50", "fastai's layers");
	params_format(&c, PARAM_EMB_DROP, text, sizeof text);
	cr_assert_str_eq(text, "0");
	params_format(&c, PARAM_PS, text, sizeof text);
	cr_assert_str_eq(text, "0");

	/* typed, and shown back in the form typed */
	cr_assert_eq(params_set(&c, PARAM_LAYERS, "64,32,16", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.n_layers, 3);
	cr_assert_eq(c.layers[2], 16);
	params_format(&c, PARAM_LAYERS, text, sizeof text);
	cr_assert_str_eq(text, "64,32,16");
	/* stepped: every width doubles or halves */
	cr_assert_eq(params_step(&c, PARAM_LAYERS, 1, &r15, why, sizeof why), 0, "%s", why);
	params_format(&c, PARAM_LAYERS, text, sizeof text);
	cr_assert_str_eq(text, "128,64,32");
	cr_assert_eq(params_step(&c, PARAM_LAYERS, -1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_step(&c, PARAM_LAYERS, -1, &r15, why, sizeof why), 0, "%s", why);
	params_format(&c, PARAM_LAYERS, text, sizeof text);
	cr_assert_str_eq(text, "32,16,8");
	/* refused, with cfg_set's words, and nothing changes */
	before = c;
	cr_assert_eq(params_set(&c, PARAM_LAYERS, "64,0", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "expected 1 to 4 widths of 1..4096 separated by commas, "
			 "found '64,0'");
	cr_assert_eq(params_set(&c, PARAM_LAYERS, "1,2,3,4,5", &r15, why, sizeof why), -1);
	c.layers[2] = 1;
	before = c;
	cr_assert_eq(params_step(&c, PARAM_LAYERS, -1, &r15, why, sizeof why), -1,
		     "a width of 1 cannot halve");
	cr_assert_eq(memcmp(&c, &before, sizeof c), 0, "a refusal changed cfg");

	/* the dropouts: typed, stepped by 0.05, refused at 1 */
	cr_assert_eq(params_set(&c, PARAM_EMB_DROP, "0.1", &r15, why, sizeof why), 0, "%s", why);
	cr_assert_eq(c.emb_drop, 0.1);
	cr_assert_eq(params_step(&c, PARAM_EMB_DROP, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_float_eq(c.emb_drop, 0.15, 1e-12);
	cr_assert_eq(params_step(&c, PARAM_PS, -1, &r15, why, sizeof why), -1, "below 0");
	cr_assert_str_eq(why, "ps must be at least 0 and less than 1");
	cr_assert_eq(params_step(&c, PARAM_PS, 1, &r15, why, sizeof why), 0, "%s", why);
	cr_assert_float_eq(c.ps, 0.05, 1e-12);
	cr_assert_eq(params_set(&c, PARAM_PS, "1", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "ps must be at least 0 and less than 1");
	cr_assert_eq(params_set(&c, PARAM_EMB_DROP, "x", &r15, why, sizeof why), -1);
	cr_assert_str_eq(why, "expected a number, found 'x'");
	params_format(&c, PARAM_PS, text, sizeof text);
	cr_assert_str_eq(text, "0.05");
}

/* The TUI's TRAIN and LR_FIND commands carry the nn's network, as the
 * command line's do: both come from runargs_train(). */
Test(tui_state, train_carries_the_nn_network, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;
	char dir[256], why[256];

	testenv_tmpdir(dir, sizeof dir);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(&st, &c, &be), 0);
	load_fake(&st, &f);
	/* dotbias: the network's fields stay zero */
	cr_assert_eq(state_train(&st, 0), 0, "%s", st.status);
	const struct eng_cmd *t = last_sent(&f);
	cr_assert_eq(t->kind, ENG_CMD_TRAIN);
	cr_assert_eq(t->u.train.model.kind, ENG_MODEL_DOTBIAS);
	cr_assert_eq(t->u.train.model.n_layers, 0);
	st.training = 0;

	cr_assert_eq(params_set(&st.cfg, PARAM_MODEL, "nn", &st.range, why, sizeof why), 0, "%s", why);
	cr_assert_eq(params_set(&st.cfg, PARAM_LAYERS, "64,32,16", &st.range, why, sizeof why),
		     0, "%s", why);
	cr_assert_eq(params_set(&st.cfg, PARAM_EMB_DROP, "0.1", &st.range, why, sizeof why),
		     0, "%s", why);
	cr_assert_eq(params_set(&st.cfg, PARAM_PS, "0.25", &st.range, why, sizeof why),
		     0, "%s", why);
	cr_assert_eq(state_train(&st, 0), 0, "%s", st.status);
	t = last_sent(&f);
	cr_assert_eq(t->kind, ENG_CMD_TRAIN);
	cr_assert_eq(t->u.train.model.kind, ENG_MODEL_NN);
	cr_assert_eq(t->u.train.train.algo, ENG_FIT_SGD);
	cr_assert_eq(t->u.train.model.n_layers, 3);
	cr_assert_eq(t->u.train.model.layers[0], 64);
	cr_assert_eq(t->u.train.model.layers[1], 32);
	cr_assert_eq(t->u.train.model.layers[2], 16);
	cr_assert_eq(t->u.train.model.layers[3], 0);
	cr_assert_float_eq(t->u.train.model.emb_drop, 0.1f, 1e-7);
	cr_assert_float_eq(t->u.train.model.ps, 0.25f, 1e-7);
	st.training = 0;

	/* the finder sweeps the same network */
	cr_assert_eq(state_lr_find(&st), 0, "%s", st.status);
	t = last_sent(&f);
	cr_assert_eq(t->kind, ENG_CMD_LR_FIND);
	cr_assert_eq(t->u.lr_find.train.model.kind, ENG_MODEL_NN);
	cr_assert_eq(t->u.lr_find.train.model.n_layers, 3);
	cr_assert_float_eq(t->u.lr_find.train.model.ps, 0.25f, 1e-7);
	cr_assert_eq(t->u.lr_find.sweep.num_it, 100);
	state_done(&st);
	testenv_rmdir(dir);
}

/* One translation: the options --model nn --layers --emb-drop --ps give
 * the TUI's TRAIN command exactly the arguments the CLI's has. */
Test(tui_state, the_tui_trains_what_the_cli_would, .init = utf8_locale)
{
	char *argv[] = { "collabtui", "train", "--config", "/dev/null", "--model", "nn",
			 "--layers", "40,20", "--emb-drop", "0.05", "--ps", "0.3",
			 "--opt", "sgd", "--schedule", "one-cycle", "--seed", "9",
			 "--valid-pct", "0.1", "--item-key", "title", NULL };
	struct opts o;
	char err[512];

	static const struct cmd_entry *const cmds[] = { &cmd_train, NULL };
	cr_assert_eq(opts_parse(22, argv, cmds, &o, err, sizeof err), 0, "%s", err);
	cr_assert_eq(o.cfg.n_layers, 2);
	cr_assert_eq(o.cfg.emb_drop, 0.05);

	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct state st;
	char dir[256];

	testenv_tmpdir(dir, sizeof dir);
	setenv("XDG_DATA_HOME", dir, 1);
	cr_assert_eq(state_init(&st, &o.cfg, &be), 0);
	load_fake(&st, &f);
	cr_assert_eq(f.sent[0].u.load.item_key, ENG_ITEM_KEY_TITLE);
	cr_assert_eq(state_train(&st, 0), 0, "%s", st.status);
	const struct eng_train_args *tui = &last_sent(&f)->u.train;
	struct eng_cmd cli = { .kind = ENG_CMD_TRAIN };
	runargs_train(&o.cfg, &cli.u.train);
	const struct eng_train_args *want = &cli.u.train;

	cr_assert_eq(memcmp(&tui->model, &want->model, sizeof want->model), 0);
	cr_assert_eq(tui->model.n_layers, 2);
	cr_assert_eq(tui->model.layers[1], 20);
	cr_assert_float_eq(tui->model.emb_drop, 0.05f, 1e-7);
	cr_assert_float_eq(tui->model.ps, 0.3f, 1e-7);
	cr_assert_eq(tui->train.algo, want->train.algo);
	cr_assert_eq(tui->train.opt, ENG_OPTIM_SGD);
	cr_assert_eq(tui->train.sched, ENG_SCHED_ONE_CYCLE);
	cr_assert_eq(tui->train.epochs, want->train.epochs);
	cr_assert_eq(tui->train.bs, want->train.bs);
	cr_assert_eq(tui->train.lr, want->train.lr);
	cr_assert_eq(tui->train.wd, want->train.wd);
	cr_assert_eq(tui->train.mom, want->train.mom);
	cr_assert_eq(tui->train.seed, 9);
	cr_assert_eq(tui->train.threads, want->train.threads);
	cr_assert_eq(tui->valid_pct, 0.1);
	cr_assert_eq(tui->fast, want->fast);
	state_done(&st);
	testenv_rmdir(dir);
}

/* A set so large that fastai's fit would take a minute or more an epoch
 * (runargs.h): the load's message points to the fast trainer, and says
 * nothing of the kind once the settings already use it. */
Test(tui_state, a_large_set_points_to_the_fast_trainer, .init = utf8_locale)
{
	struct fake f = { 0 };
	struct backend be = { &f, fake_send, fake_poll, fake_fd, fake_stop };
	struct cfg c = cfg_default();
	struct state st;

	setenv("XDG_DATA_HOME", "/nonexistent/collabtui-test", 1);
	for (int fast = 0; fast < 2; fast++) {
		c.trainer = fast ? VOCAB_TRAINER_FAST : VOCAB_TRAINER_FASTAI;
		f = (struct fake){ 0 };
		cr_assert_eq(state_init(&st, &c, &be), 0);
		cr_assert_eq(state_load(&st, "/data/big", ""), 0);
		struct eng_evt ev = { .kind = ENG_EVT_LOADED, .req_id = f.sent[0].req_id };
		snprintf(ev.u.summary.name, sizeof ev.u.summary.name, "big");
		ev.u.summary.n_users = 162000;
		ev.u.summary.n_items = 59000;
		ev.u.summary.n_ratings = 25000000;
		ev.u.summary.rating_min = 0.5f;
		ev.u.summary.rating_max = 5;
		push(&f, &ev);
		state_pump(&st);
		cr_assert(strstr(st.status, "loaded big: 162000 users, 59000 movies"), "%s",
			  st.status);
		if (fast)
			cr_assert_null(strstr(st.status, "fast-adarow"), "%s", st.status);
		else
			cr_assert(strstr(st.status, "11.3M weights 312500 times") &&
				  strstr(st.status, "p cycles the presets to fast-adarow"), "%s",
				  st.status);
		state_done(&st);
	}
}
