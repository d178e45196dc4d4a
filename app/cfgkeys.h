/* cfgkeys.h -- config.yaml's keys, shared by the parts of the settings:
 * settings.c (the key table, the defaults and built-in presets, the
 * checks, and a value read from text, as cfg_set() takes it), presets.c
 * (presets applied and compared) and config.c (the YAML file reader).
 * Private to app/: the front ends use config.h. */
#ifndef COLLABTUI_CFGKEYS_H
#define COLLABTUI_CFGKEYS_H

#include <stddef.h>

#include "config.h"

enum key_type {
	T_PATH,         /* any string; null means "" */
	T_NAME,         /* a word of a vocabulary (vocab.h), stored as its enum */
	T_MODEL,        /* `model:`, a model's word or a solver's (vocab.h) */
	T_LAYERS,       /* hidden layer widths: [W1, W2, ...] or "W1,W2,..." */
	T_INT,          /* int */
	T_U64,          /* uint64_t */
	T_DOUBLE,       /* finite double */
	T_RANGE,        /* [lo, hi] or none */
	T_BOOL,         /* true/false, yes/no, on/off */
	T_WORD,         /* a name made of letters, digits, '-' and '_' */
	T_KEYS,         /* the `keys:` mapping of action -> key names */
	T_PRESETS,      /* the `presets:` mapping of name -> settings */
	T_LRFIND,       /* the `lr_find:` mapping of start, end, num_it */
};

enum key_id {
	K_DATA, K_FORMAT, K_ITEM_KEY, K_MODEL, K_FACTORS, K_EPOCHS, K_LR, K_WD,
	K_BS, K_Y_RANGE, K_OPTIMIZER, K_MOM, K_SCHEDULE, K_VALID_PCT, K_SEED,
	K_THREADS, K_TRAINER, K_LAYERS, K_EMB_DROP, K_PS, K_ALPHA, K_LR_FIND, K_THEME,
	K_CHART, K_SMOOTHING, K_LOG_SCALE, K_MOUSE, K_KEYS, K_PRESETS,
	K_COUNT
};

struct key {
	const char *name;
	enum key_type type;
	size_t off;                     /* offsetof(struct cfg, field) */
	size_t size;                    /* for strings: the array's size */
	const struct vocab *vocab;      /* for T_NAME: its words */
};

/* Every key, in the order of the shipped config.yaml; indexed by enum
 * key_id. */
extern const struct key cfgkey_table[K_COUNT];

/* The entries of the `lr_find:` mapping; cfg_set() calls them
 * "lr_find.start" and so on. */
#define CFGKEY_N_LR_FIND 3
extern const struct key cfgkey_lr_find[CFGKEY_N_LR_FIND];

/* The index of the key called name (len bytes, not NUL-terminated) in
 * cfgkey_table, or in cfgkey_lr_find; -1 when there is none. */
int cfgkey_find(const char *name, size_t len);
int cfgkey_find_lr_find(const char *name, size_t len);

/* A short, printable copy of a scalar for messages: at most 40 bytes (cut on
 * a UTF-8 boundary), its control characters and invalid UTF-8 replaced
 * (text.h). */
const char *cfgkey_show(const char *s, char buf[64]);

/* What a value of key k must be, for messages; list is scratch space. */
const char *cfgkey_want(const struct key *k, char *list, size_t n);

/* Store the text s (len bytes) as key k of c; k is not T_RANGE.  plain is
 * 0 for a quoted YAML scalar, which can never be a number.  0, or -1 with
 * "expected ..., found ..." in msg. */
int cfgkey_set_text(const struct key *k, struct cfg *c, const char *s,
		    size_t len, int plain, char *msg, size_t n);

/* Store the text of key k (not T_KEYS or T_PRESETS) into c, as an option
 * or a preset gives it.  0, or -1 with "expected ..." in msg. */
int cfgkey_set_value(struct cfg *c, const struct key *k, const char *value,
		     char *msg, size_t n);

/* NULL, or why key k of c is unacceptable.  An enumerated setting can
 * only hold a value outside its table when code put it there: the words a
 * user may write are checked, and listed, as the value is read. */
const char *cfgkey_check(const struct cfg *c, enum key_id k);

/* NULL, or why entry j of cfgkey_lr_find is unacceptable on its own. */
const char *cfgkey_check_lr_find_entry(const struct cfg *c, int j);

/* NULL, or why two settings that are fine on their own cannot go
 * together: checked once all are in, since options and presets set them
 * one at a time, in any order. */
const char *cfgkey_check_together(const struct cfg *c);

/* Whether a preset may set key id: the model and training settings, not
 * the dataset, the interface, the finder's sweep or the nested mappings. */
int cfgkey_preset_ok(int id);

/* A whole number of s (all of it) in [lo, hi] into *out: 0, or -1. */
int cfgkey_parse_long(const char *s, long long lo, long long hi, long long *out);

/* strtod in the C locale ("5.0e-3" must not depend on LC_NUMERIC). */
int cfgkey_parse_double(const char *s, double *out);

/* A theme name becomes part of a file name: keep it to a safe alphabet. */
int cfgkey_is_word(const char *s, size_t len);

#endif
