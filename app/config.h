/* config.h -- collabtui's settings file (config.yaml), read with libyaml.
 *
 * struct cfg holds one field per key of the shipped config.yaml, as plain
 * values: the enumerated settings as the enums of vocab.h (whose tables
 * hold their words), so this module depends on nothing but vocab.h and
 * libyaml.  app/runargs.c turns a struct cfg into the engine's arguments.
 *
 * The file is a single YAML mapping of `key: value`; every key is optional
 * and keys absent from the file keep the value the caller had.  Errors name
 * the place as "FILE:LINE:COL: what was expected" (1-based, like a compiler).
 *
 * Nothing here prints or exits; every function is reentrant.
 */
#ifndef COLLABTUI_CONFIG_H
#define COLLABTUI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vocab.h"

#define CFG_PATH_MAX 4096       /* bytes of the data path, NUL included */
#define CFG_NAME_MAX 16         /* bytes of a preset's name, NUL included */
#define CFG_THEME_MAX 32        /* bytes of a theme name, NUL included */
#define CFG_ACTION_MAX 24       /* bytes of a key-binding action name */
#define CFG_KEYLIST_MAX 64      /* bytes of one action's keys, space-separated */
#define CFG_BINDS_MAX 48        /* actions a `keys:` mapping may rebind */

#define CFG_PRESETS_MAX 12      /* presets a `presets:` mapping may define */
#define CFG_LR_FIND_MAX_IT 256  /* lr_find's num_it cap: the points of the
				 * engine's curve message (ENG_LR_PTS) */
#define CFG_PRESET_KEYS 16      /* settings one preset may give */
#define CFG_LAYERS_MAX 4        /* the nn's hidden layers (the engine's
				 * ENG_NN_LAYERS_MAX) */
#define CFG_LAYER_WIDTH_MAX 4096        /* units of one hidden layer */

/* A named set of model and training settings from the `presets:`
 * mapping, kept as the text cfg_set() takes ("0.5,5.5" for a y_range
 * sequence): it is checked when the file is read and applied on demand
 * by cfg_preset_apply(). */
struct cfg_preset_kv {
	char key[CFG_ACTION_MAX];       /* a config.yaml key, e.g. "wd" */
	char value[64];
};

struct cfg_preset {
	char name[CFG_NAME_MAX];        /* e.g. "u1-best" */
	int n;                          /* entries of kv in use */
	struct cfg_preset_kv kv[CFG_PRESET_KEYS];
};

/* One entry of the `keys:` mapping, kept as text: the curses interface
 * owns the action names and key names, and checks them when it starts,
 * naming the file position recorded here. */
struct cfg_bind {
	char action[CFG_ACTION_MAX];    /* e.g. "quit" */
	char keys[CFG_KEYLIST_MAX];     /* e.g. "q Q", one or more names */
	unsigned long line, col;        /* 1-based, of the action name */
};

struct cfg {
	char data[CFG_PATH_MAX];        /* dataset dir or file; "" = data/ml-100k */
	enum vocab_format format;
	enum vocab_item_key item_key;
	/* The `model:` key sets both: dot|dotbias|nn fitted by gradient
	 * steps, or als|bpmf, solvers fitting dotbias (vocab.h). */
	enum vocab_model model;
	enum vocab_fit fit;
	int factors;                    /* >= 1 */
	int epochs;                     /* >= 1 */
	double lr;                      /* > 0 */
	double wd;                      /* >= 0 */
	double alpha;                   /* >= 0: ials's confidence of a watched item */
	int bs;                         /* >= 1 */
	int y_range_on;                 /* 0: `y_range: none`, no sigmoid */
	double y_range[2];              /* lo < hi, used when y_range_on */
	enum vocab_optimizer optimizer;
	double mom;                     /* in [0, 1): momentum (SGD) or beta1
					 * (Adam) under the constant schedule */
	enum vocab_schedule schedule;
	double valid_pct;               /* 0 <= valid_pct < 1 */
	uint64_t seed;
	int threads;                    /* >= 1 */
	enum vocab_trainer trainer;     /* fast: dot and dotbias only */
	/* The nn model's network (fastai's collab_learner(use_nn=True,
	 * layers=..., config=dict(embed_p=..., ps=...))). */
	int n_layers;                   /* 1..CFG_LAYERS_MAX */
	int layers[CFG_LAYERS_MAX];     /* hidden widths, 1..CFG_LAYER_WIDTH_MAX */
	double emb_drop;                /* in [0, 1): dropout after the embeddings */
	double ps;                      /* in [0, 1): after each hidden layer */
	struct {                        /* the `lr_find:` mapping: the sweep of */
		double start, end;      /* the lr finder, 0 < start < end, */
		int num_it;             /* in 2..CFG_LR_FIND_MAX_IT batches */
	} lr_find;
	/* The terminal interface. */
	char theme[CFG_THEME_MAX];      /* themes/NAME.yaml; "" = automatic */
	enum vocab_chart chart;
	int smoothing;                  /* 1: smoothed train loss, 0: raw */
	int log_scale;                  /* 1: the loss chart's y axis is log */
	int mouse;                      /* 1: the mouse focuses and scrolls */
	int n_binds;                    /* entries of binds in use */
	struct cfg_bind binds[CFG_BINDS_MAX];
	int n_presets;                  /* entries of presets in use */
	struct cfg_preset presets[CFG_PRESETS_MAX];
	/* Not a key: the preset cfg_preset_apply() last applied, "" none.
	 * Its values may have been changed since (see cfg_preset_current). */
	char preset[CFG_NAME_MAX];
};

/* The built-in defaults, identical to the shipped config.yaml (fastai's
 * chapter: dotbias, 50 factors, 5 epochs, lr 5e-3, wd 0.1, bs 64,
 * y_range (0, 5.5), Adam, one-cycle, 20% validation, seed 42, 1 thread,
 * fastai's trainer, the nn's layers 100,50 without dropout, and fastai's
 * lr_find sweep from 1e-7 to 10 in 100
 * batches; for the interface: automatic theme and chart style, smoothing on, linear
 * scale, mouse on, no rebound keys). */
struct cfg cfg_default(void);

/* Read the YAML file at path into *out.  Keys the file does not mention keep
 * the values *out already holds, so start from cfg_default().  Returns
 *    0  on success;
 *   -1  when the file is not a valid settings file: err gets
 *       "PATH:LINE:COL: what was expected" (a YAML syntax error, a document
 *       that is not a mapping, an unknown or repeated key, a value of the
 *       wrong type or out of range, an unknown keyword; under `keys:`, an
 *       action given twice, a key list that is not a string or a sequence
 *       of strings, or one that does not fit CFG_KEYLIST_MAX);
 *   -2  when the file cannot be opened or read: err gets "PATH: strerror"
 *       and errno is left set, so a caller can treat ENOENT as "no file";
 *       or when it is not a regular file (afile_open_read: a FIFO, a
 *       device, a directory): "PATH: not a regular file (a FIFO)", errno
 *       EISDIR for a directory, else EINVAL.
 * On failure *out is unchanged.  err may be NULL when errlen is 0. */
int cfg_load(const char *path, struct cfg *out, char *err, size_t errlen);

/* Set one key from text, as a command-line option gives it: key is a
 * config.yaml key ("factors", "item_key", "y_range", ...), value its text
 * ("50", "title", "0,5.5" or "none" for y_range, "100,50" for layers,
 * "START,END,NUM_IT" for lr_find), or one entry of the lr_find mapping as "lr_find.start",
 * "lr_find.end" or "lr_find.num_it".  The value is parsed and
 * range-checked exactly as in the file (booleans: true/false, yes/no,
 * on/off), except for what ties two values together (lr_find's
 * start < end, the fast trainer's models), which options may set in any
 * order: cfg_check() checks that once they are all in.  `keys` and
 * `presets` can only be set in the file.  Returns 0, or -1 with a message
 * in err that does not name the key, so the caller can prefix the option
 * the user typed ("expected an integer, found 'x'", "factors must be at
 * least 1"); on failure *c is unchanged. */
int cfg_set(struct cfg *c, const char *key, const char *value, char *err,
	    size_t errlen);

/* c's layers as the text cfg_set() takes back ("100,50") into buf, cut
 * to fit n bytes (NUL included).  Returns the length of the whole text,
 * as snprintf does, so a result >= n means it was cut. */
int cfg_layers_text(const struct cfg *c, char *buf, size_t n);

/* Set every key of the preset called name, in the file's order, as
 * cfg_set() would, and remember name in c->preset.  0, or -1 with a
 * message in err ("no preset 'x' (the presets are fastai, u1-best,
 * als)"); on failure *c is unchanged. */
int cfg_preset_apply(struct cfg *c, const char *name, char *err, size_t errlen);

/* Whether c already holds every setting of preset i (applying it would
 * change nothing). */
int cfg_preset_holds(const struct cfg *c, int i);

/* The preset that describes c's values: c->preset while c still holds
 * it, else the first preset c holds; -1 when none does (custom values). */
int cfg_preset_current(const struct cfg *c);

/* NULL when every field is acceptable and they go together, else a
 * sentence naming the first bad field and why.  For settings that came
 * from somewhere other than a file (command-line options, a preset), after
 * they are merged in. */
const char *cfg_check(const struct cfg *c);

#endif
