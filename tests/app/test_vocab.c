/* test_vocab.c -- the engine's words and app/vocab.h's agree.  The engine
 * writes words into what it records (the run history's model, optimiser
 * and schedule; a summary's format), and the front ends read them back
 * with the vocabulary (the Runs pane puts a past run's settings back).
 * Every word the engine can write must be one the vocabulary reads as the
 * same setting. */
#include <criterion/criterion.h>

#include "dataset.h"
#include "model.h"
#include "optim.h"
#include "schedule.h"
#include "train.h"
#include "vocab.h"

Test(vocab, the_engine_writes_the_vocabularys_words)
{
	static const struct { enum eng_format eng; enum vocab_format vocab; } formats[] = {
		{ ENG_FMT_AUTO, VOCAB_FORMAT_AUTO }, { ENG_FMT_ML100K, VOCAB_FORMAT_ML_100K },
		{ ENG_FMT_MLDAT, VOCAB_FORMAT_ML_DAT }, { ENG_FMT_MLCSV, VOCAB_FORMAT_ML_CSV },
		{ ENG_FMT_CSV, VOCAB_FORMAT_CSV }, { ENG_FMT_TSV, VOCAB_FORMAT_TSV },
	};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		enum vocab_format f;
		const char *w = ds_format_name(formats[i].eng);
		cr_assert_eq(vocab_format_parse(w, &f), 0, "format '%s'", w);
		cr_assert_eq(f, formats[i].vocab, "format '%s'", w);
	}

	static const struct { enum eng_model_kind eng; enum vocab_model vocab; } models[] = {
		{ ENG_MODEL_DOT, VOCAB_MODEL_DOT }, { ENG_MODEL_DOTBIAS, VOCAB_MODEL_DOTBIAS },
		{ ENG_MODEL_NN, VOCAB_MODEL_NN },
	};
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		enum vocab_model m;
		enum vocab_fit fit;
		const char *w = model_kind_name(models[i].eng);
		cr_assert_eq(vocab_model_setting_parse(w, &m, &fit), 0, "model '%s'", w);
		cr_assert_eq(m, models[i].vocab, "model '%s'", w);
		cr_assert_eq(fit, VOCAB_FIT_GRADIENT, "model '%s'", w);
	}

	/* a solver's run is recorded under its name, which model: reads back */
	static const struct { enum eng_fit eng; enum vocab_fit vocab; } fits[] = {
		{ ENG_FIT_ALS, VOCAB_FIT_ALS }, { ENG_FIT_BPMF, VOCAB_FIT_BPMF },
	};
	for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
		enum vocab_model m;
		enum vocab_fit fit;
		const char *w = train_algo_name(fits[i].eng);
		cr_assert_eq(vocab_model_setting_parse(w, &m, &fit), 0, "fit '%s'", w);
		cr_assert_eq(fit, fits[i].vocab, "fit '%s'", w);
		cr_assert_eq(m, VOCAB_MODEL_DOTBIAS, "fit '%s'", w);
	}

	static const struct { enum eng_optim eng; enum vocab_optimizer vocab; } opts[] = {
		{ ENG_OPTIM_ADAM, VOCAB_OPTIMIZER_ADAM }, { ENG_OPTIM_SGD, VOCAB_OPTIMIZER_SGD },
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		enum vocab_optimizer o;
		const char *w = optim_kind_name(opts[i].eng);
		cr_assert_eq(vocab_optimizer_parse(w, &o), 0, "optimizer '%s'", w);
		cr_assert_eq(o, opts[i].vocab, "optimizer '%s'", w);
	}

	static const struct { enum eng_sched eng; enum vocab_schedule vocab; } scheds[] = {
		{ ENG_SCHED_ONE_CYCLE, VOCAB_SCHEDULE_ONE_CYCLE },
		{ ENG_SCHED_CONSTANT, VOCAB_SCHEDULE_CONSTANT },
	};
	for (size_t i = 0; i < sizeof scheds / sizeof scheds[0]; i++) {
		enum vocab_schedule sc;
		const char *w = sched_kind_name(scheds[i].eng);
		cr_assert_eq(vocab_schedule_parse(w, &sc), 0, "schedule '%s'", w);
		cr_assert_eq(sc, scheds[i].vocab, "schedule '%s'", w);
	}
}
