/* vocab.h -- the words of every enumerated setting, written once.
 *
 * Each vocabulary is an X-macro table: one row per value, giving the enum
 * constant, the word config.yaml, the command line and the interface use
 * for it, and a one-line help text.  The enum, the parse and print
 * functions and the "a|b|c" list that error messages quote are all
 * generated from that row, so adding a value is one line here, and no
 * other file compares a string with one of these words.
 *
 * The vocabularies are the front ends' own: app/runargs.c is the one place
 * that turns them into the engine's arguments.  This header depends on
 * nothing; every function is reentrant and nothing here allocates.
 *
 * The `model:` setting is special: config.yaml, --model and the presets
 * have always accepted the fit algorithms als and bpmf there beside the
 * models (ALS and BPMF fit the dotbias model), and users' files keep
 * working.  struct cfg holds the two apart (model, fit); the
 * vocab_model_setting_* functions read and write the one word.
 */
#ifndef COLLABTUI_VOCAB_H
#define COLLABTUI_VOCAB_H

/* ---- the tables ---------------------------------------------------------- */

/* What predicts a rating. */
#define VOCAB_MODELS(X) \
	X(VOCAB_MODEL_DOT, "dot", "dot product of user and item factors") \
	X(VOCAB_MODEL_DOTBIAS, "dotbias", \
	  "dot product plus user and item biases (the chapter's)") \
	X(VOCAB_MODEL_NN, "nn", \
	  "fastai's EmbeddingNN: embeddings through hidden layers")

/* How the model is fitted: gradient steps of an optimiser, or one of the
 * solvers, which fit dotbias without y_range.  The solvers are listed
 * apart because `model:` also accepts their words. */
#define VOCAB_FIT_SOLVERS(X) \
	X(VOCAB_FIT_ALS, "als", \
	  "alternating least squares on dotbias; wd is the ridge weight") \
	X(VOCAB_FIT_BPMF, "bpmf", \
	  "Bayesian MF by Gibbs sampling on dotbias; an epoch is a sweep") \
	X(VOCAB_FIT_EASE, "ease", \
	  "ranking: Steck's EASE item x item model; wd is its lambda") \
	X(VOCAB_FIT_IALS, "ials", \
	  "ranking: implicit ALS (Hu et al.); wd the ridge weight, alpha the confidence") \
	X(VOCAB_FIT_POP, "pop", "ranking: the most popular items, a baseline")
#define VOCAB_FITS(X) \
	X(VOCAB_FIT_GRADIENT, "gradient", \
	  "mini-batch gradient steps of the optimiser (fastai's fit)") \
	VOCAB_FIT_SOLVERS(X)

#define VOCAB_OPTIMIZERS(X) \
	X(VOCAB_OPTIMIZER_ADAM, "adam", "Adam with fastai's defaults") \
	X(VOCAB_OPTIMIZER_SGD, "sgd", "stochastic gradient descent with momentum") \
	X(VOCAB_OPTIMIZER_ADAROW, "adarow", \
	  "LIBMF's per-row adaptive learning rates (the fast trainer's)")

#define VOCAB_SCHEDULES(X) \
	X(VOCAB_SCHEDULE_ONE_CYCLE, "one_cycle", \
	  "fastai's fit_one_cycle: lr up to its peak and down, momentum opposite") \
	X(VOCAB_SCHEDULE_CONSTANT, "constant", "the same lr and momentum throughout")
/* Other spellings parse accepts; print gives the row's word. */
#define VOCAB_SCHEDULE_ALIASES(X) \
	X(VOCAB_SCHEDULE_ONE_CYCLE, "one-cycle", "")

#define VOCAB_TRAINERS(X) \
	X(VOCAB_TRAINER_FASTAI, "fastai", "fastai's mini-batch fit, every model") \
	X(VOCAB_TRAINER_FAST, "fast", \
	  "sparse per-rating SGD or Adam for large data (dot, dotbias)")

#define VOCAB_FORMATS(X) \
	X(VOCAB_FORMAT_AUTO, "auto", "detected from the file names") \
	X(VOCAB_FORMAT_ML_100K, "ml-100k", "MovieLens 100K: u.data, u.item, u.user") \
	X(VOCAB_FORMAT_ML_DAT, "ml-dat", "MovieLens 1M/10M: ratings.dat, movies.dat") \
	X(VOCAB_FORMAT_ML_CSV, "ml-csv", "MovieLens latest: ratings.csv, movies.csv") \
	X(VOCAB_FORMAT_CSV, "csv", "user,item,rating lines") \
	X(VOCAB_FORMAT_TSV, "tsv", "user, item and rating separated by tabs")

#define VOCAB_ITEM_KEYS(X) \
	X(VOCAB_ITEM_KEY_ID, "id", "one item per movie id") \
	X(VOCAB_ITEM_KEY_TITLE, "title", \
	  "one item per title (fastai's item_name='title')")

/* The interface's loss chart. */
#define VOCAB_CHARTS(X) \
	X(VOCAB_CHART_AUTO, "auto", "unicode when the locale is UTF-8, else ascii") \
	X(VOCAB_CHART_UNICODE, "unicode", "braille dots") \
	X(VOCAB_CHART_ASCII, "ascii", "plain characters")

/* ---- what the tables generate --------------------------------------------- */

#define VOCAB_ENUM_ROW(e, word, help) e,

enum vocab_model { VOCAB_MODELS(VOCAB_ENUM_ROW) };
enum vocab_fit { VOCAB_FITS(VOCAB_ENUM_ROW) };
enum vocab_optimizer { VOCAB_OPTIMIZERS(VOCAB_ENUM_ROW) };
enum vocab_schedule { VOCAB_SCHEDULES(VOCAB_ENUM_ROW) };
enum vocab_trainer { VOCAB_TRAINERS(VOCAB_ENUM_ROW) };
enum vocab_format { VOCAB_FORMATS(VOCAB_ENUM_ROW) };
enum vocab_item_key { VOCAB_ITEM_KEYS(VOCAB_ENUM_ROW) };
enum vocab_chart { VOCAB_CHARTS(VOCAB_ENUM_ROW) };

/* One row of a table, for code that walks any vocabulary. */
struct vocab_row {
	int value;                      /* the enum constant */
	const char *word;
	const char *help;
};

/* A whole vocabulary.  rows are in the table's order, which is the enum's
 * (rows[i].value == i); aliases are other spellings parse accepts. */
struct vocab {
	const char *setting;            /* its name, e.g. "optimizer": the
					 * config.yaml key, except for "fit",
					 * which `model:` sets */
	const struct vocab_row *rows;
	int n_rows;
	const struct vocab_row *aliases;
	int n_aliases;
	const char *words;              /* "dot|dotbias|nn" */
};

extern const struct vocab vocab_models, vocab_fits, vocab_optimizers,
	vocab_schedules, vocab_trainers, vocab_formats, vocab_item_keys,
	vocab_charts;

/* The value whose word (or alias) is exactly word, into *value: 0, or -1
 * when it is none of them (*value unchanged).  Case matters: "Adam" is not
 * a word. */
int vocab_parse(const struct vocab *v, const char *word, int *value);

/* The word of value; NULL when value is not one of v's.  Static storage. */
const char *vocab_word(const struct vocab *v, int value);

/* The help line of value; NULL when value is not one of v's. */
const char *vocab_help(const struct vocab *v, int value);

/* The value dir (+1 or -1) rows after value, cyclically, in the table's
 * order; the first row for a value that is not one of v's. */
int vocab_next(const struct vocab *v, int value, int dir);

/* Typed wrappers over the above, one set per vocabulary:
 *   int vocab_NAME_parse(const char *word, enum vocab_NAME *out);
 *   const char *vocab_NAME_word(enum vocab_NAME value);   NULL if none
 *   const char *vocab_NAME_words(void);                   "a|b|c"
 * with the same contracts as vocab_parse(), vocab_word() and the words
 * field. */
#define VOCAB_TYPED(name) \
	int vocab_##name##_parse(const char *word, enum vocab_##name *out); \
	const char *vocab_##name##_word(enum vocab_##name value); \
	const char *vocab_##name##_words(void);
VOCAB_TYPED(model)
VOCAB_TYPED(fit)
VOCAB_TYPED(optimizer)
VOCAB_TYPED(schedule)
VOCAB_TYPED(trainer)
VOCAB_TYPED(format)
VOCAB_TYPED(item_key)
VOCAB_TYPED(chart)
#undef VOCAB_TYPED

/* ---- the `model:` setting: a model, or a solver on dotbias --------------- */

/* Read the word `model:` takes: a model's (fitted by gradient steps) or a
 * solver's (als, bpmf: the dotbias model).  0 with *model and *fit set,
 * or -1 when word is neither (both unchanged). */
int vocab_model_setting_parse(const char *word, enum vocab_model *model,
			      enum vocab_fit *fit);

/* The word `model:` takes for the pair: the solver's, when fit is not
 * gradient steps, else the model's.  NULL for values outside the tables.
 * Static storage. */
const char *vocab_model_setting_word(enum vocab_model model, enum vocab_fit fit);

/* "dot|dotbias|nn|als|bpmf": every word `model:` takes. */
const char *vocab_model_setting_words(void);

/* The pair dir (+1 or -1) steps after (model, fit) in the order of
 * vocab_model_setting_words(), cyclically, for the interface's arrows. */
void vocab_model_setting_next(enum vocab_model *model, enum vocab_fit *fit,
			      int dir);

#endif
