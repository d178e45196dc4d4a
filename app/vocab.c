/* vocab.c -- the tables of vocab.h, expanded into rows, word lists and
 * the functions over them. */
#include "vocab.h"

#include <stddef.h>
#include <string.h>

#define ROW(e, word, help) { e, word, help },
/* "|a|b|c": the list with a bar before each word; callers skip the first. */
#define BAR(e, word, help) "|" word
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* struct cfg stores these as int-sized fields that config.c's key table
 * writes through an int pointer. */
#define SAME_SIZE(name) \
	_Static_assert(sizeof(enum vocab_##name) == sizeof(int), \
		       "enum vocab_" #name " is not int-sized");
SAME_SIZE(model)
SAME_SIZE(fit)
SAME_SIZE(optimizer)
SAME_SIZE(schedule)
SAME_SIZE(trainer)
SAME_SIZE(format)
SAME_SIZE(item_key)
SAME_SIZE(chart)

static const struct vocab_row model_rows[] = { VOCAB_MODELS(ROW) };
static const struct vocab_row fit_rows[] = { VOCAB_FITS(ROW) };
static const struct vocab_row optimizer_rows[] = { VOCAB_OPTIMIZERS(ROW) };
static const struct vocab_row schedule_rows[] = { VOCAB_SCHEDULES(ROW) };
static const struct vocab_row schedule_aliases[] = { VOCAB_SCHEDULE_ALIASES(ROW) };
static const struct vocab_row trainer_rows[] = { VOCAB_TRAINERS(ROW) };
static const struct vocab_row format_rows[] = { VOCAB_FORMATS(ROW) };
static const struct vocab_row item_key_rows[] = { VOCAB_ITEM_KEYS(ROW) };
static const struct vocab_row chart_rows[] = { VOCAB_CHARTS(ROW) };

#define VOCAB(setting, rows, aliases, n_aliases, table) \
	{ setting, rows, COUNT(rows), aliases, n_aliases, (table(BAR)) + 1 }

const struct vocab vocab_models =
	VOCAB("model", model_rows, NULL, 0, VOCAB_MODELS);
const struct vocab vocab_fits =
	VOCAB("fit", fit_rows, NULL, 0, VOCAB_FITS);
const struct vocab vocab_optimizers =
	VOCAB("optimizer", optimizer_rows, NULL, 0, VOCAB_OPTIMIZERS);
const struct vocab vocab_schedules =
	VOCAB("schedule", schedule_rows, schedule_aliases,
	      COUNT(schedule_aliases), VOCAB_SCHEDULES);
const struct vocab vocab_trainers =
	VOCAB("trainer", trainer_rows, NULL, 0, VOCAB_TRAINERS);
const struct vocab vocab_formats =
	VOCAB("format", format_rows, NULL, 0, VOCAB_FORMATS);
const struct vocab vocab_item_keys =
	VOCAB("item_key", item_key_rows, NULL, 0, VOCAB_ITEM_KEYS);
const struct vocab vocab_charts =
	VOCAB("chart", chart_rows, NULL, 0, VOCAB_CHARTS);

int vocab_parse(const struct vocab *v, const char *word, int *value)
{
	for (int i = 0; i < v->n_rows; i++)
		if (strcmp(word, v->rows[i].word) == 0) {
			*value = v->rows[i].value;
			return 0;
		}
	for (int i = 0; i < v->n_aliases; i++)
		if (strcmp(word, v->aliases[i].word) == 0) {
			*value = v->aliases[i].value;
			return 0;
		}
	return -1;
}

/* The row of value, or NULL. */
static const struct vocab_row *row_of(const struct vocab *v, int value)
{
	/* rows[i].value == i: the tables list the enum in order */
	if (value < 0 || value >= v->n_rows)
		return NULL;
	return &v->rows[value];
}

const char *vocab_word(const struct vocab *v, int value)
{
	const struct vocab_row *r = row_of(v, value);

	return r ? r->word : NULL;
}

const char *vocab_help(const struct vocab *v, int value)
{
	const struct vocab_row *r = row_of(v, value);

	return r ? r->help : NULL;
}

int vocab_next(const struct vocab *v, int value, int dir)
{
	if (!row_of(v, value))
		return v->rows[0].value;
	return v->rows[(value + v->n_rows + (dir < 0 ? -1 : 1)) % v->n_rows].value;
}

#define TYPED(name, table) \
	int vocab_##name##_parse(const char *word, enum vocab_##name *out) \
	{ \
		int v; \
		if (vocab_parse(&table, word, &v) != 0) \
			return -1; \
		*out = (enum vocab_##name)v; \
		return 0; \
	} \
	const char *vocab_##name##_word(enum vocab_##name value) \
	{ \
		return vocab_word(&table, (int)value); \
	} \
	const char *vocab_##name##_words(void) \
	{ \
		return table.words; \
	}
TYPED(model, vocab_models)
TYPED(fit, vocab_fits)
TYPED(optimizer, vocab_optimizers)
TYPED(schedule, vocab_schedules)
TYPED(trainer, vocab_trainers)
TYPED(format, vocab_formats)
TYPED(item_key, vocab_item_keys)
TYPED(chart, vocab_charts)

/* ---- the `model:` setting ------------------------------------------------- */

/* The solvers, as `model:` lists them after the models. */
static const struct vocab_row solver_rows[] = { VOCAB_FIT_SOLVERS(ROW) };

int vocab_model_setting_parse(const char *word, enum vocab_model *model,
			      enum vocab_fit *fit)
{
	enum vocab_model m;

	if (vocab_model_parse(word, &m) == 0) {
		*model = m;
		*fit = VOCAB_FIT_GRADIENT;
		return 0;
	}
	for (int i = 0; i < COUNT(solver_rows); i++)
		if (strcmp(word, solver_rows[i].word) == 0) {
			*model = VOCAB_MODEL_DOTBIAS;
			*fit = (enum vocab_fit)solver_rows[i].value;
			return 0;
		}
	return -1;
}

const char *vocab_model_setting_word(enum vocab_model model, enum vocab_fit fit)
{
	if (!vocab_model_word(model))
		return NULL;
	return fit == VOCAB_FIT_GRADIENT ? vocab_model_word(model) :
	       vocab_fit_word(fit);
}

const char *vocab_model_setting_words(void)
{
	return (VOCAB_MODELS(BAR) VOCAB_FIT_SOLVERS(BAR)) + 1;
}

void vocab_model_setting_next(enum vocab_model *model, enum vocab_fit *fit,
			      int dir)
{
	/* position in "models, then solvers" */
	const int n_models = COUNT(model_rows), n = n_models + COUNT(solver_rows);
	int i = 0;

	if (*fit == VOCAB_FIT_GRADIENT && vocab_model_word(*model))
		i = (int)*model;
	for (int s = 0; s < COUNT(solver_rows); s++)
		if ((int)*fit == solver_rows[s].value)
			i = n_models + s;
	i = (i + n + (dir < 0 ? -1 : 1)) % n;
	if (i < n_models) {
		*model = (enum vocab_model)model_rows[i].value;
		*fit = VOCAB_FIT_GRADIENT;
	} else {
		*model = VOCAB_MODEL_DOTBIAS;
		*fit = (enum vocab_fit)solver_rows[i - n_models].value;
	}
}
