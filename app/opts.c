/* opts.c -- parse the command line over config.yaml, and write its help,
 * from one table of options (see opts.h).
 *
 * Design: the file is the table (`rows`, a quarter of it) and its two
 * readers, the parser (getopt_long's list is built from the rows, then
 * each option is looked up by name and command) and the help writer; they
 * stay in one file so that a row's fields and every use of them read side
 * by side.  Nothing here knows a command by name: rows name commands by
 * their CMD_* bit, and the command table comes from the caller. */
#include "opts.h"
#include "occupation.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "paths.h"
#include "vocab.h"

/* ---- the option table ---------------------------------------------------- */

/* The sets of commands most options go with. */
#define C(id) CMD_BIT(CMD_##id)
#define INSIGHT (C(BIAS) | C(SIMILAR) | C(PCA) | C(RECOMMEND))
/* the headless commands that train a model */
#define TRAINING (C(TRAIN) | C(LR_FIND) | C(EVAL) | INSIGHT | C(EXPORT))
/* the training settings: the headless trainers and the interface */
#define SETTINGS (TRAINING | C(TUI))
/* the commands that load a dataset */
#define LOADING (SETTINGS | C(SUMMARY))
#define ALL ((1u << CMD_COUNT) - 1)

/* The groups of --help, in order. */
enum group { G_DATA, G_MODEL, G_FILES, G_INSIGHT, G_SYNTH, G_IMPORT, G_TUI, G_GENERAL,
	     G_COUNT };
static const char *const group_name[G_COUNT] = {
	"data", "model and training", "files", "insight", "synth", "export and import",
	"interface", "general",
};

/* How a row's value is stored. */
enum opt_kind {
	K_CFG,          /* config.yaml's `key`, through cfg_set */
	K_COUNT,        /* an int field at `off`: 0..1000000 */
	K_STR,          /* a const char * field at `off`: the text as given */
	K_FLAG,         /* an int field at `off`: 1 */
	K_FN,           /* set() parses it */
	K_EARLY,        /* read by the first pass (--config, --preset, --help) */
};

struct opt_row {
	const char *name;       /* the long name, without "--" */
	char short_name;        /* a one-letter alias ('k'), 0 for none */
	const char *arg;        /* the value's name in the help; NULL (and no
				 * words): a flag */
	/* a setting of app/vocab.h: its words ("a|b|c") name the value in
	 * the help instead of arg, so they are written only in the tables */
	const char *(*words)(void);
	const char *help;       /* the help line; '\n' continues it below */
	unsigned cmds;          /* the CMD_BIT()s of the commands that take it */
	enum group group;
	enum opt_kind kind;
	const char *key;        /* K_CFG: the config.yaml key */
	size_t off;             /* K_COUNT, K_STR, K_FLAG: the field of struct opts */
	/* K_FN: store val in o; 0, or -1 with the reason in err */
	int (*set)(struct opts *o, const char *val, char *err, size_t errlen);
};

static int set_split(struct opts *o, const char *val, char *err, size_t errlen);
static int set_cv(struct opts *o, const char *val, char *err, size_t errlen);
static int set_sort(struct opts *o, const char *val, char *err, size_t errlen);
static int set_compare(struct opts *o, const char *val, char *err, size_t errlen);
static int set_protocol(struct opts *o, const char *val, char *err, size_t errlen);
static int set_noise(struct opts *o, const char *val, char *err, size_t errlen);
static int set_no_mouse(struct opts *o, const char *val, char *err, size_t errlen);
static int set_global_bias(struct opts *o, const char *val, char *err, size_t errlen);

#define CFG(k) .kind = K_CFG, .key = (k)
#define FIELD(kd, f) .kind = (kd), .off = offsetof(struct opts, f)
#define FN(fn) .kind = K_FN, .set = (fn)

/* Every option, once.  An option whose meaning differs between commands
 * (--top, -k, --ratings, --factors, --seed) has one row per meaning; rows
 * of one name share its kind. */
static const struct opt_row rows[] = {
	/* data */
	{ .name = "data", .arg = "DIR", .help = "dataset directory or ratings file",
	  .cmds = LOADING | C(RUNS) | C(IMPORT), .group = G_DATA, CFG("data") },
	{ .name = "demo",
	  .help = "the built-in demo set, \"" ENG_DEMO_NAME "\": MovieLens-shaped,\n"
		  "generated in memory (no file, no network); not MovieLens",
	  .cmds = LOADING | C(RUNS) | C(IMPORT), .group = G_DATA, FIELD(K_FLAG, demo) },
	{ .name = "format", .words = vocab_format_words,
	  .help = "the dataset's format (default auto: from the file names)",
	  .cmds = LOADING | C(IMPORT), .group = G_DATA, CFG("format") },
	{ .name = "item-key", .words = vocab_item_key_words,
	  .help = "one item per movie id, or per title (fastai's item_name='title')",
	  .cmds = LOADING | C(IMPORT), .group = G_DATA, CFG("item_key") },
	{ .name = "valid-pct", .arg = "P", .help = "random validation share (default 0.2)",
	  .cmds = SETTINGS, .group = G_DATA, CFG("valid_pct") },
	{ .name = "split", .arg = "NAME", .help = "canonical ML-100K split: u1..u5, ua, ub",
	  .cmds = SETTINGS, .group = G_DATA, FN(set_split) },
	{ .name = "cv", .arg = "u1-u5|K",
	  .help = "the five canonical folds, or K random folds",
	  .cmds = C(EVAL), .group = G_DATA, FN(set_cv) },
	{ .name = "protocol", .arg = "ranking",
	  .help = "Microsoft Recommenders' top-10 benchmark: a 75/25 split\n"
		  "per user, every held-out item relevant, MAP too",
	  .cmds = C(EVAL), .group = G_DATA, FN(set_protocol) },
	{ .name = "seeds", .arg = "N",
	  .help = "--protocol ranking: splits seed, seed+1, ... (default 5)",
	  .cmds = C(EVAL), .group = G_DATA, FIELD(K_COUNT, seeds) },
	{ .name = "preset", .arg = "NAME",
	  .help = "settings from config.yaml's presets (fastai, als, u1-best,\n"
		  "ranking-best, fast-adarow)",
	  .cmds = SETTINGS, .group = G_DATA, .kind = K_EARLY },
	{ .name = "sort", .arg = "valid|time",
	  .help = "order by validation loss (best first) or time",
	  .cmds = C(RUNS), .group = G_DATA, FN(set_sort) },
	{ .name = "compare", .arg = "ID",
	  .help = "runs side by side: --compare ID ID ... (the # of runs)",
	  .cmds = C(RUNS), .group = G_DATA, FN(set_compare) },
	/* model and training */
	{ .name = "model", .words = vocab_model_setting_words,
	  .help = "dot product, or with user and item biases (default);\n"
		  "nn: fastai's EmbeddingNN (collab_learner(use_nn=True));\n"
		  "als, bpmf: biased MF fitted by ALS or by Gibbs sampling;\n"
		  "ease, ials, pop: ranking models (a rating = watched)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("model") },
	{ .name = "factors", .arg = "N", .help = "embedding size (default 50)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("factors") },
	{ .name = "factors", .arg = "K", .help = "the planted rank (default 10)",
	  .cmds = C(SYNTH), .group = G_SYNTH, CFG("factors") },
	{ .name = "y-range", .arg = "LO,HI|none",
	  .help = "sigmoid_range of the output (default 0,5.5)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("y_range") },
	{ .name = "y-range", .arg = "LO,HI|none",
	  .help = "sigmoid_range the imported model applies (default 0,5.5,\n"
		  "as config.yaml's y_range; Spark's ALS has none: none)",
	  .cmds = C(IMPORT), .group = G_IMPORT, CFG("y_range") },
	{ .name = "epochs", .arg = "N", .help = "epochs, or sweeps for als and bpmf (default 5)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("epochs") },
	{ .name = "lr", .arg = "X", .help = "learning rate (default 5e-3)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("lr") },
	{ .name = "wd", .arg = "X", .help = "weight decay (default 0.1)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("wd") },
	{ .name = "bs", .arg = "N", .help = "batch size (default 64)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("bs") },
	{ .name = "opt", .words = vocab_optimizer_words, .help = "optimiser (default adam, fastai's defaults)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("optimizer") },
	{ .name = "mom", .arg = "X",
	  .help = "momentum under the constant schedule (default 0.9)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("mom") },
	{ .name = "schedule", .words = vocab_schedule_words,
	  .help = "fastai's fit_one_cycle (default), or a constant lr",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("schedule") },
	{ .name = "seed", .arg = "N",
	  .help = "initialisation, shuffling and split (default 42)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("seed") },
	{ .name = "seed", .arg = "S", .help = "the generator's seed (default 42)",
	  .cmds = C(SYNTH), .group = G_SYNTH, CFG("seed") },
	{ .name = "threads", .arg = "N",
	  .help = "optimiser threads; results do not depend on it",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("threads") },
	{ .name = "threads", .arg = "N",
	  .help = "threads that parse a ratings file of 8 MiB or more\n"
		  "(default 2); the numbers do not depend on it",
	  .cmds = C(SUMMARY), .group = G_DATA, CFG("threads") },
	{ .name = "trainer", .words = vocab_trainer_words,
	  .help = "fastai's mini-batch fit (default), or sparse\n"
		  "per-rating SGD or Adam for large data (dot, dotbias)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("trainer") },
	{ .name = "layers", .arg = "W1,W2,...", .help = "nn: hidden layer widths (default 100,50)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("layers") },
	{ .name = "emb-drop", .arg = "P", .help = "nn: dropout after the embeddings (default 0)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("emb_drop") },
	{ .name = "ps", .arg = "P", .help = "nn: dropout after each hidden layer (default 0)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("ps") },
	{ .name = "alpha", .arg = "X",
	  .help = "ials: confidence 1 + X of a watched item (default 4)",
	  .cmds = SETTINGS, .group = G_MODEL, CFG("alpha") },
	{ .name = "start-lr", .arg = "X", .help = "the lr finder's first lr (default 1e-7)",
	  .cmds = C(LR_FIND) | C(TUI), .group = G_MODEL, CFG("lr_find.start") },
	{ .name = "end-lr", .arg = "X", .help = "the lr finder's last lr (default 10)",
	  .cmds = C(LR_FIND) | C(TUI), .group = G_MODEL, CFG("lr_find.end") },
	{ .name = "num-it", .arg = "N", .help = "the lr finder's batches, 2..256 (default 100)",
	  .cmds = C(LR_FIND) | C(TUI), .group = G_MODEL, CFG("lr_find.num_it") },
	/* files */
	{ .name = "save", .arg = "FILE",
	  .help = "write the trained model (atomically, checksummed)",
	  .cmds = C(TRAIN) | INSIGHT | C(EXPORT), .group = G_FILES, FIELD(K_STR, save) },
	{ .name = "load", .arg = "FILE",
	  .help = "start from a saved model (insight commands: use it as is)",
	  .cmds = C(TRAIN) | INSIGHT, .group = G_FILES, FIELD(K_STR, load) },
	{ .name = "load", .arg = "FILE", .help = "export this saved model (no training)",
	  .cmds = C(EXPORT), .group = G_FILES, FIELD(K_STR, load) },
	{ .name = "load", .arg = "FILE",
	  .help = "open with this saved (or imported) model, as if just trained",
	  .cmds = C(TUI), .group = G_FILES, FIELD(K_STR, load) },
	{ .name = "save", .arg = "FILE",
	  .help = "write the imported model (atomically, checksummed)",
	  .cmds = C(IMPORT), .group = G_IMPORT, FIELD(K_STR, save) },
	{ .name = "config", .arg = "FILE", .help = "settings file (default: see collabtui(1))",
	  .cmds = ALL, .group = G_FILES, .kind = K_EARLY },
	/* insight */
	{ .name = "top", .arg = "N", .help = "list N movies (default 10)",
	  .cmds = C(BIAS) | C(RECOMMEND), .group = G_INSIGHT, FIELD(K_COUNT, top) },
	{ .name = "top", .arg = "N", .help = "use the N most-rated movies (default 1000)",
	  .cmds = C(PCA), .group = G_INSIGHT, FIELD(K_COUNT, top) },
	{ .name = "bottom", .arg = "N", .help = "list the N lowest too (default 10)",
	  .cmds = C(BIAS), .group = G_INSIGHT, FIELD(K_COUNT, bottom) },
	{ .name = "min-ratings", .arg = "K", .help = "only movies with at least K ratings",
	  .cmds = C(BIAS), .group = G_INSIGHT, FIELD(K_COUNT, min_ratings) },
	{ .name = "components", .arg = "N", .help = "components to show (default 3)",
	  .cmds = C(PCA), .group = G_INSIGHT, FIELD(K_COUNT, components) },
	{ .name = "k", .short_name = 'k', .arg = "N", .help = "neighbours (default 10)",
	  .cmds = C(SIMILAR), .group = G_INSIGHT, FIELD(K_COUNT, k) },
	{ .name = "k", .short_name = 'k', .arg = "N", .help = "movies per end (default 10)",
	  .cmds = C(PCA), .group = G_INSIGHT, FIELD(K_COUNT, k) },
	{ .name = "ratings", .arg = "FILE", .help = "your ratings, CSV lines title_or_id,rating",
	  .cmds = C(RECOMMEND), .group = G_INSIGHT, FIELD(K_STR, ratings) },
	{ .name = "include-me",
	  .help = "train first with those ratings as one more user, then "
		  "recommend from the row it learned for you",
	  .cmds = C(RECOMMEND), .group = G_INSIGHT, FIELD(K_FLAG, include_me) },
	{ .name = "age", .arg = "N", .help = "your age, to recommend without --ratings",
	  .cmds = C(RECOMMEND), .group = G_INSIGHT, FIELD(K_COUNT, age) },
	{ .name = "gender", .arg = "M|F", .help = "your gender, to recommend without --ratings",
	  .cmds = C(RECOMMEND), .group = G_INSIGHT, FIELD(K_STR, gender) },
	{ .name = "occupation", .arg = "WORD",
	  .help = "your occupation, likewise: one of\n" OCCUPATION_LINES,
	  .cmds = C(RECOMMEND), .group = G_INSIGHT, FIELD(K_STR, occupation) },
	/* synth */
	{ .name = "ratings", .arg = "N", .help = "ratings to write (default ML-25M's)",
	  .cmds = C(SYNTH), .group = G_SYNTH, FIELD(K_STR, ratings) },
	{ .name = "users", .arg = "U", .help = "users (default ML-25M's)",
	  .cmds = C(SYNTH), .group = G_SYNTH, FIELD(K_STR, users) },
	{ .name = "items", .arg = "I", .help = "items (default ML-25M's)",
	  .cmds = C(SYNTH), .group = G_SYNTH, FIELD(K_STR, items) },
	{ .name = "noise", .arg = "S", .help = "the rating noise, 0..10 (default 0.5)",
	  .cmds = C(SYNTH), .group = G_SYNTH, FN(set_noise) },
	{ .name = "out", .arg = "DIR", .help = "where ratings.csv and movies.csv go",
	  .cmds = C(SYNTH), .group = G_SYNTH, FIELD(K_STR, out) },
	/* export and import */
	{ .name = "out", .arg = "DIR",
	  .help = "where the files go (made if missing; see collabtui(1))",
	  .cmds = C(EXPORT), .group = G_IMPORT, FIELD(K_STR, out) },
	{ .name = "run", .arg = "N",
	  .help = "curves.csv of run N of `collabtui runs` (default:\n"
		  "the run just trained; none with --load)",
	  .cmds = C(EXPORT), .group = G_IMPORT, FIELD(K_COUNT, run) },
	{ .name = "user-factors", .arg = "PATH",
	  .help = "user factors: Spark's write.json directory, CSV\n"
		  "id,f1,...,fk[,bias], or .npy with user_ids.txt beside it",
	  .cmds = C(IMPORT), .group = G_IMPORT, FIELD(K_STR, user_factors) },
	{ .name = "item-factors", .arg = "PATH",
	  .help = "item factors, likewise (item_ids.txt; with --item-key\n"
		  "title, item_titles.txt or a CSV title column)",
	  .cmds = C(IMPORT), .group = G_IMPORT, FIELD(K_STR, item_factors) },
	{ .name = "user-bias", .arg = "PATH", .help = "user biases: CSV id,bias or a 1-D .npy",
	  .cmds = C(IMPORT), .group = G_IMPORT, FIELD(K_STR, user_bias) },
	{ .name = "item-bias", .arg = "PATH", .help = "item biases, likewise",
	  .cmds = C(IMPORT), .group = G_IMPORT, FIELD(K_STR, item_bias) },
	{ .name = "global-bias", .arg = "X", .help = "added to every item bias (default none)",
	  .cmds = C(IMPORT), .group = G_IMPORT, FN(set_global_bias) },
	/* interface */
	{ .name = "theme", .arg = "NAME",
	  .help = "colours from themes/NAME.yaml (default, light, mono)",
	  .cmds = C(TUI), .group = G_TUI, CFG("theme") },
	{ .name = "chart", .words = vocab_chart_words, .help = "how the loss chart is drawn",
	  .cmds = C(TUI), .group = G_TUI, CFG("chart") },
	{ .name = "no-mouse", .help = "ignore the mouse",
	  .cmds = C(TUI), .group = G_TUI, FN(set_no_mouse) },
	{ .name = "trace", .arg = "FILE",
	  .help = "write each key's input-to-screen time (us) at exit,\n"
		  "load, curve-update and stop times to FILE.events",
	  .cmds = C(TUI), .group = G_TUI, FIELD(K_STR, trace) },
	/* general */
	{ .name = "help", .help = "print this help (after a command: its own) and exit",
	  .cmds = ALL, .group = G_GENERAL, .kind = K_EARLY },
	{ .name = "version", .help = "print the version and exit",
	  .cmds = ALL, .group = G_GENERAL, .kind = K_EARLY },
};
#define N_ROWS (int)(sizeof rows / sizeof rows[0])

/* getopt_long's values: LONG_BASE + the index of a name's first row. */
#define LONG_BASE 256

/* ---- values ------------------------------------------------------------- */

/* Read config.yaml: the named one must exist; the default one may not. */
static int load_config(const char *named, struct opts *o, char *err, size_t errlen)
{
	char buf[OPTS_PATH_MAX];
	const char *path = named ? named : paths_config_file(buf, sizeof buf);
	if (!path)
		return 0;
	int rc = cfg_load(path, &o->cfg, err, errlen);
	if (rc == -2 && !named && errno == ENOENT)
		return 0;
	if (rc != 0)
		return -1;
	snprintf(o->config_path, sizeof o->config_path, "%s", path);
	return 0;
}

/* A number from the whole of s, lo <= v and v < hi (v <= hi with
 * hi_incl); 0 on success. */
static int parse_real(const char *s, double lo, double hi, int hi_incl, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && (v < hi || (hi_incl && v == hi))))
		return -1;
	*out = v;
	return 0;
}

/* A count option's value: 0..1000000, digits only. */
static int parse_count(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+' || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

static int set_split(struct opts *o, const char *val, char *err, size_t errlen)
{
	if (strlen(val) >= sizeof o->split) {
		snprintf(err, errlen, "--split: expected u1..u5, ua or ub, got \"%s\"", val);
		return -1;
	}
	snprintf(o->split, sizeof o->split, "%s", val);
	return 0;
}

static int set_cv(struct opts *o, const char *val, char *err, size_t errlen)
{
	if (strlen(val) >= sizeof o->cv) {
		snprintf(err, errlen, "--cv: expected u1-u5 or a number of folds, got \"%s\"", val);
		return -1;
	}
	snprintf(o->cv, sizeof o->cv, "%s", val);
	return 0;
}

static int set_protocol(struct opts *o, const char *val, char *err, size_t errlen)
{
	if (strcmp(val, "ranking") != 0) {
		snprintf(err, errlen, "--protocol: expected ranking, got \"%s\"", val);
		return -1;
	}
	o->protocol_ranking = 1;
	return 0;
}

static int set_sort(struct opts *o, const char *val, char *err, size_t errlen)
{
	if (strcmp(val, "valid") != 0 && strcmp(val, "time") != 0) {
		snprintf(err, errlen, "--sort: expected valid or time, got \"%s\"", val);
		return -1;
	}
	o->sort_valid = strcmp(val, "valid") == 0;
	return 0;
}

/* One run's # (runs numbers them from 1, oldest first); more come as
 * operands after it, or as a comma list. */
static int set_compare(struct opts *o, const char *val, char *err, size_t errlen)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof buf, "%s", val);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int id;
		if (parse_count(w, &id) != 0 || id < 1) {
			snprintf(err, errlen, "--compare: expected a run's # (as runs "
				 "lists them), got \"%s\"", w);
			return -1;
		}
		if (o->n_compare == OPTS_COMPARE_MAX) {
			snprintf(err, errlen, "--compare: at most %d runs", OPTS_COMPARE_MAX);
			return -1;
		}
		o->compare[o->n_compare++] = id;
	}
	return 0;
}

static int set_noise(struct opts *o, const char *val, char *err, size_t errlen)
{
	if (parse_real(val, 0.0, 10.0, 1, &o->noise) != 0) {
		snprintf(err, errlen, "--noise: expected a number from 0 to 10, got \"%s\"", val);
		return -1;
	}
	return 0;
}

static int set_global_bias(struct opts *o, const char *val, char *err, size_t errlen)
{
	if (parse_real(val, -1e6, 1e6, 1, &o->global_bias) != 0) {
		snprintf(err, errlen, "--global-bias: expected a number, got \"%s\"", val);
		return -1;
	}
	return 0;
}

static int set_no_mouse(struct opts *o, const char *val, char *err, size_t errlen)
{
	(void)val;
	(void)err;
	(void)errlen;
	o->cfg.mouse = 0;
	return 0;
}

/* ---- names ----------------------------------------------------------------- */

int opts_distance(const char *a, const char *b, int cap)
{
	enum { MAXN = 64 };
	size_t n = strlen(a), m = strlen(b);
	if (n >= MAXN || m >= MAXN)
		return strcmp(a, b) == 0 ? 0 : cap + 1;
	/* three rows of the optimal-string-alignment table */
	int d[3][MAXN];
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int *cur = d[i % 3], *prev = d[(i - 1) % 3], *pp = d[(i + 1) % 3];
		cur[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = prev[j - 1] + cost;
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
	}
	int v = d[n % 3][m];
	return v > cap ? cap + 1 : v;
}

const struct cmd_entry *opts_find_cmd(const struct cmd_entry *const *cmds, const char *name)
{
	for (; *cmds; cmds++)
		if (strcmp((*cmds)->name, name) == 0)
			return *cmds;
	return NULL;
}

/* The nearest of n names to s within two edits, or NULL. */
static const char *nearest(const char *s, const char *const *names, int n)
{
	const char *best = NULL;
	int best_d = 3;
	for (int i = 0; i < n; i++) {
		int d = opts_distance(s, names[i], 2);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

/* Why getopt_long refused opt ("--name" or "-x", any "=value" cut off):
 * a flag given a value, a prefix of several names, or an unknown name
 * (with the nearest known one). */
static void unknown_option(const char *opt, const char *const *names, int n, char *err,
			   size_t errlen)
{
	if (strncmp(opt, "--", 2) != 0) {
		snprintf(err, errlen, "unknown option %s", opt);
		return;
	}
	const char *name = opt + 2;
	size_t len = strlen(name);
	int prefixed = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			snprintf(err, errlen, "%s takes no value", opt);
			return;
		}
		prefixed += len && strncmp(names[i], name, len) == 0;
	}
	if (prefixed > 1) {
		snprintf(err, errlen, "%s is ambiguous:", opt);
		for (int i = 0; i < n; i++)
			if (strncmp(names[i], name, len) == 0) {
				size_t used = strlen(err);
				snprintf(err + used, errlen - used, " --%s", names[i]);
			}
		return;
	}
	const char *near = nearest(name, names, n);
	snprintf(err, errlen, "unknown option %s%s%s%s", opt, near ? "; did you mean --" : "",
		 near ? near : "", near ? "?" : "");
}

/* The names of the commands of cmds in set, "a, b and c", into buf;
 * returns how many. */
static int cmd_names(const struct cmd_entry *const *cmds, unsigned set, char *buf,
		      size_t len)
{
	int n = 0, total = 0;
	for (const struct cmd_entry *const *c = cmds; *c; c++)
		total += (set & CMD_BIT((*c)->id)) != 0;
	buf[0] = '\0';
	for (const struct cmd_entry *const *c = cmds; *c; c++) {
		if (!(set & CMD_BIT((*c)->id)))
			continue;
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", n == 0 ? "" : n == total - 1 ?
			 " and " : ", ", (*c)->name);
		n++;
	}
	return n;
}

/* The row of name that cmd takes, else NULL; *any gets the union of the
 * commands that take name. */
static const struct opt_row *row_for(const char *name, enum cmd_id cmd, unsigned *any)
{
	*any = 0;
	const struct opt_row *found = NULL;
	for (int i = 0; i < N_ROWS; i++) {
		if (strcmp(rows[i].name, name) != 0)
			continue;
		*any |= rows[i].cmds;
		if (!found && (rows[i].cmds & CMD_BIT(cmd)))
			found = &rows[i];
	}
	return found;
}

/* ---- help -------------------------------------------------------------- */

#define HELP_COL 25

/* "  -k, --k N" or "  --name ARG", then the help from column HELP_COL;
 * prefix (or NULL) goes before the help. */
static void print_row(FILE *out, const struct opt_row *r, const char *prefix)
{
	char head[96], alias[8] = "";
	const char *arg = r->words ? r->words() : r->arg;
	if (r->short_name)
		snprintf(alias, sizeof alias, "-%c, ", r->short_name);
	snprintf(head, sizeof head, "  %s--%s%s%s", alias, r->name, arg ? " " : "",
		 arg ? arg : "");
	int w = (int)strlen(head);
	if (w < HELP_COL - 1)
		fprintf(out, "%-*s", HELP_COL, head);
	else
		fprintf(out, "%s\n%*s", head, HELP_COL, "");
	if (prefix)
		fprintf(out, "%s: ", prefix);
	for (const char *h = r->help; *h; h++) {
		fputc(*h, out);
		if (*h == '\n')
			fprintf(out, "%*s", HELP_COL + (prefix ? (int)strlen(prefix) + 2 : 0), "");
	}
	fputc('\n', out);
}

static int popcount(unsigned v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* The rows in set (all rows when set is ALL), by group; with cmds, a row
 * that few commands take says which. */
static void print_rows(FILE *out, unsigned set, const struct cmd_entry *const *cmds)
{
	for (int g = 0; g < G_COUNT; g++) {
		int header = 0;
		for (int i = 0; i < N_ROWS; i++) {
			const struct opt_row *r = &rows[i];
			if (r->group != (enum group)g || !(r->cmds & set))
				continue;
			if (!header)
				fprintf(out, "%s:\n", group_name[g]);
			header = 1;
			char who[128];
			int name_it = cmds && popcount(r->cmds) <= 3 && g != G_TUI &&
				      g != G_SYNTH;
			if (name_it)
				cmd_names(cmds, r->cmds, who, sizeof who);
			print_row(out, r, name_it && who[0] ? who : NULL);
		}
	}
}

void opts_usage(FILE *out, const struct cmd_entry *const *cmds)
{
	fputs("usage: collabtui [COMMAND] [OPTIONS]\n"
	      "\n"
	      "Collaborative filtering in the terminal: the latent factor models of\n"
	      "fastai's collab chapter, trained and explored from the command line.\n"
	      "\n"
	      "commands:\n", out);
	for (const struct cmd_entry *const *c = cmds; *c; c++) {
		char head[64];
		snprintf(head, sizeof head, "%s%s%s", (*c)->name, (*c)->arg ? " " : "",
			 (*c)->arg ? (*c)->arg : "");
		fprintf(out, "  %-14s ", head);
		for (const char *t = (*c)->summary; *t; t++) {
			fputc(*t, out);
			if (*t == '\n')
				fprintf(out, "%17s", "");
		}
		fputc('\n', out);
	}
	fputs("'collabtui COMMAND --help' lists the options a command takes.\n\n", out);
	print_rows(out, ALL, cmds);
}

void opts_cmd_usage(FILE *out, const struct cmd_entry *cmd)
{
	fprintf(out, "usage: collabtui %s%s%s [OPTIONS]\n\n%s\n\n", cmd->name,
		cmd->arg ? " " : "", cmd->arg ? cmd->arg : "", cmd->summary);
	print_rows(out, CMD_BIT(cmd->id), NULL);
}

/* ---- parsing ------------------------------------------------------------- */

/* Store val by row r; 0, or -1 with the reason in err. */
static int apply(const struct opt_row *r, struct opts *o, const char *val, char *err,
		 size_t errlen)
{
	char *field = (char *)o + r->off;
	switch (r->kind) {
	case K_CFG:
		o->factors_set |= strcmp(r->key, "factors") == 0;
		if (o->n_given < OPTS_GIVEN_MAX)
			o->given[o->n_given++] = (struct opts_given){ r->key, val };
		if (cfg_set(&o->cfg, r->key, val, err, errlen) != 0) {
			/* name the flag the user typed before cfg_set's reason */
			char tmp[512];
			snprintf(tmp, sizeof tmp, "--%s: %s", r->name, err);
			snprintf(err, errlen, "%s", tmp);
			return -1;
		}
		return 0;
	case K_COUNT:
		if (parse_count(val, (int *)(void *)field) != 0) {
			snprintf(err, errlen, "%s%s%s--%s: expected a whole number 0..1000000, "
				 "got \"%s\"", r->short_name ? "-" : "",
				 r->short_name ? (char[2]){ r->short_name, 0 } : "",
				 r->short_name ? "/" : "", r->name, val);
			return -1;
		}
		return 0;
	case K_STR:
		*(const char **)(void *)field = val;
		return 0;
	case K_FLAG:
		*(int *)(void *)field = 1;
		return 0;
	case K_FN:
		return r->set(o, val, err, errlen);
	case K_EARLY:
		return 0;
	}
	return 0;
}

/* The option the user typed at av[i]: "--name" of "--name=value", or "-x". */
static void typed(const char *arg, char *buf, size_t len)
{
	snprintf(buf, len, "%s", arg);
	char *eq = strchr(buf, '=');
	if (eq && strncmp(buf, "--", 2) == 0)
		*eq = '\0';
}

int opts_parse(int argc, char **argv, const struct cmd_entry *const *cmds,
	       struct opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->cfg = cfg_default();
	o->top = o->bottom = o->min_ratings = o->components = o->k = o->age = -1;
	o->seeds = -1;
	o->noise = -1.0;
	o->global_bias = NAN;
	o->cmd = cmds[0];

	/* getopt_long's list: each name once, at the index of its first row */
	struct option longopts[N_ROWS + 1];
	const char *names[N_ROWS];
	int n = 0;
	for (int i = 0; i < N_ROWS; i++) {
		int seen = 0;
		for (int j = 0; j < n; j++)
			seen |= strcmp(longopts[j].name, rows[i].name) == 0;
		if (seen)
			continue;
		names[n] = rows[i].name;
		longopts[n++] = (struct option){ rows[i].name,
			rows[i].arg || rows[i].words ? required_argument : no_argument, NULL, LONG_BASE + i };
	}
	longopts[n] = (struct option){ 0 };

	/* The command, if any, comes first; getopt_long sees what follows. */
	int first = 1;
	if (argc > 1 && argv[1][0] != '-') {
		o->cmd = opts_find_cmd(cmds, argv[1]);
		if (!o->cmd) {
			const char *cn[CMD_COUNT + 1];
			int nc = 0;
			for (const struct cmd_entry *const *c = cmds; *c && nc <= CMD_COUNT; c++)
				cn[nc++] = (*c)->name;
			const char *near = nearest(argv[1], cn, nc);
			snprintf(err, errlen, "unknown command \"%s\"%s%s%s", argv[1],
				 near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
			return -1;
		}
		o->command_given = 1;
		first = 2;
		/* `similar TITLE ...`: the operand may come first (or last, below) */
		if (o->cmd->arg && argc > 2 && argv[2][0] != '-') {
			o->query = argv[2];
			first = 3;
		}
	}
	char **av = argv + first - 1;
	int ac = argc - first + 1;

	/* First pass: --config, --preset, --help and --version only, so the
	 * file is read before any option overrides it. */
	const char *config = NULL, *preset = NULL;
	opterr = 0;
	optind = 0;      /* 0: glibc re-initialises its scanner */
	int c;
	while ((c = getopt_long(ac, av, "+:k:", longopts, NULL)) != -1) {
		const char *name = c >= LONG_BASE ? rows[c - LONG_BASE].name : "";
		if (strcmp(name, "config") == 0)
			config = optarg;
		else if (strcmp(name, "preset") == 0)
			preset = optarg;
		else if (strcmp(name, "help") == 0)
			o->help = 1;
		else if (strcmp(name, "version") == 0)
			o->version = 1;
	}
	if (o->help || o->version)
		return 0;
	if (load_config(config, o, err, errlen) != 0)
		return -1;
	/* A preset sits between the file and the options: it overrides the
	 * file's settings, and any option given overrides it. */
	o->preset = preset;
	if (preset && cfg_preset_apply(&o->cfg, preset, err, errlen) != 0) {
		char tmp[512];
		snprintf(tmp, sizeof tmp, "--preset: %s", err);
		snprintf(err, errlen, "%s", tmp);
		return -1;
	}

	/* Second pass: every option, in order. */
	optind = 0;      /* 0: glibc re-initialises its scanner */
	while ((c = getopt_long(ac, av, "+:k:", longopts, NULL)) != -1) {
		char opt[64];
		if (c == ':') {
			snprintf(err, errlen, "%s needs a value", av[optind - 1]);
			return -1;
		}
		if (c == '?') {
			typed(av[optind - 1], opt, sizeof opt);
			unknown_option(opt, names, n, err, errlen);
			return -1;
		}
		const char *name = c >= LONG_BASE ? rows[c - LONG_BASE].name : "k";
		unsigned any;
		const struct opt_row *r = row_for(name, o->cmd->id, &any);
		if (!r) {
			char who[256];
			int n_who = cmd_names(cmds, any, who, sizeof who);
			snprintf(err, errlen, "%s%s does not take %s%s%s%s%s%s", o->cmd->name,
				 o->command_given ? "" : " (the default command)",
				 c >= LONG_BASE ? "--" : "-", name, who[0] ? " (" : "", who,
				 !n_who ? "" : n_who == 1 ? " does" : " do",
				 who[0] ? ")" : "");
			return -1;
		}
		if (apply(r, o, optarg, err, errlen) != 0)
			return -1;
	}
	if (o->cmd->arg && !o->query && optind == ac - 1)
		o->query = av[optind++];
	/* `runs --compare 3 5`: the other #s follow as operands */
	while (o->n_compare > 0 && optind < ac &&
	       strspn(av[optind], "0123456789,") == strlen(av[optind]))
		if (set_compare(o, av[optind++], err, errlen) != 0)
			return -1;
	if (optind < ac) {
		snprintf(err, errlen, "unexpected argument \"%s\"", av[optind]);
		return -1;
	}
	const char *why = cfg_check(&o->cfg);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	return 0;
}
