/* config.c -- read config.yaml with libyaml's event parser.
 *
 * The enumerated settings' words are vocab.h's: a value is parsed by its
 * table, and refused with the table's list ("expected one of adam|sgd").
 *
 * The file is walked as a stream of events (no document tree is built):
 * one mapping whose keys come from the table below, each value checked for
 * its type and range as soon as it is read, so every error can name the
 * line and column of the offending text.  Numbers are parsed in the C
 * locale, whatever LC_NUMERIC the program has set.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "afile.h"
#include "text.h"

#if defined(__GNUC__)
#define CFG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CFG_PRINTF(f, a)
#endif

/* ---- the keys ------------------------------------------------------------ */

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
	K_THREADS, K_TRAINER, K_LAYERS, K_EMB_DROP, K_PS, K_LR_FIND, K_THEME, K_CHART, K_SMOOTHING, K_LOG_SCALE, K_MOUSE, K_KEYS,
	K_PRESETS,
	K_COUNT
};

struct key {
	const char *name;
	enum key_type type;
	size_t off;                     /* offsetof(struct cfg, field) */
	size_t size;                    /* for strings: the array's size */
	const struct vocab *vocab;      /* for T_NAME: its words */
};

#define STR_KEY(f, t) { #f, t, offsetof(struct cfg, f), \
			sizeof(((struct cfg *)0)->f), NULL }
#define NUM_KEY(f, t) { #f, t, offsetof(struct cfg, f), 0, NULL }
/* An enum field (int-sized, vocab.c checks) and the vocabulary of its words. */
#define NAME_KEY(f, v) { #f, T_NAME, offsetof(struct cfg, f), 0, &v }

/* In the order of the shipped config.yaml; indexed by enum key_id. */
static const struct key keys[K_COUNT] = {
	[K_DATA]      = STR_KEY(data, T_PATH),
	[K_FORMAT]    = NAME_KEY(format, vocab_formats),
	[K_ITEM_KEY]  = NAME_KEY(item_key, vocab_item_keys),
	[K_MODEL]     = NUM_KEY(model, T_MODEL),
	[K_FACTORS]   = NUM_KEY(factors, T_INT),
	[K_EPOCHS]    = NUM_KEY(epochs, T_INT),
	[K_LR]        = NUM_KEY(lr, T_DOUBLE),
	[K_WD]        = NUM_KEY(wd, T_DOUBLE),
	[K_BS]        = NUM_KEY(bs, T_INT),
	[K_Y_RANGE]   = NUM_KEY(y_range, T_RANGE),
	[K_OPTIMIZER] = NAME_KEY(optimizer, vocab_optimizers),
	[K_MOM]       = NUM_KEY(mom, T_DOUBLE),
	[K_SCHEDULE]  = NAME_KEY(schedule, vocab_schedules),
	[K_VALID_PCT] = NUM_KEY(valid_pct, T_DOUBLE),
	[K_SEED]      = NUM_KEY(seed, T_U64),
	[K_THREADS]   = NUM_KEY(threads, T_INT),
	[K_TRAINER]   = NAME_KEY(trainer, vocab_trainers),
	[K_LAYERS]    = NUM_KEY(layers, T_LAYERS),
	[K_EMB_DROP]  = NUM_KEY(emb_drop, T_DOUBLE),
	[K_PS]        = NUM_KEY(ps, T_DOUBLE),
	[K_LR_FIND]   = NUM_KEY(lr_find, T_LRFIND),
	[K_THEME]     = STR_KEY(theme, T_WORD),
	[K_CHART]     = NAME_KEY(chart, vocab_charts),
	[K_SMOOTHING] = NUM_KEY(smoothing, T_BOOL),
	[K_LOG_SCALE] = NUM_KEY(log_scale, T_BOOL),
	[K_MOUSE]     = NUM_KEY(mouse, T_BOOL),
	[K_KEYS]      = { "keys", T_KEYS, offsetof(struct cfg, binds), 0, NULL },
	[K_PRESETS]   = { "presets", T_PRESETS, offsetof(struct cfg, presets), 0, NULL },
};

/* The entries of the `lr_find:` mapping; cfg_set() calls them
 * "lr_find.start" and so on. */
static const struct key lr_find_keys[] = {
	{ "start", T_DOUBLE, offsetof(struct cfg, lr_find.start), 0, NULL },
	{ "end", T_DOUBLE, offsetof(struct cfg, lr_find.end), 0, NULL },
	{ "num_it", T_INT, offsetof(struct cfg, lr_find.num_it), 0, NULL },
};
#define N_LR_FIND_KEYS (int)(sizeof lr_find_keys / sizeof lr_find_keys[0])

/* Start preset name in c (room for the built-in ones is certain). */
static struct cfg_preset *preset_new(struct cfg *c, const char *name)
{
	struct cfg_preset *p = &c->presets[c->n_presets++];

	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", name);
	return p;
}

/* Append key: value, as cfg_set() takes them, to preset p. */
static void preset_add(struct cfg_preset *p, const char *key, const char *value)
{
	struct cfg_preset_kv *kv = &p->kv[p->n++];

	snprintf(kv->key, sizeof kv->key, "%s", key);
	snprintf(kv->value, sizeof kv->value, "%s", value);
}

/* The presets of the shipped config.yaml, built in too, so that
 * --preset fastai works without any settings file; a file's `presets:`
 * mapping replaces them.  The enumerated settings' words come from
 * vocab.h's tables. */
static void add_builtin_presets(struct cfg *c)
{
	const char *fastai = vocab_trainer_word(VOCAB_TRAINER_FASTAI);
	struct cfg_preset *p;

	/* the chapter's run */
	p = preset_new(c, "fastai");
	preset_add(p, "model", vocab_model_setting_word(VOCAB_MODEL_DOTBIAS,
							VOCAB_FIT_GRADIENT));
	preset_add(p, "factors", "50");
	preset_add(p, "epochs", "5");
	preset_add(p, "lr", "5.0e-3");
	preset_add(p, "wd", "0.1");
	preset_add(p, "bs", "64");
	preset_add(p, "y_range", "0,5.5");
	preset_add(p, "optimizer", vocab_optimizer_word(VOCAB_OPTIMIZER_ADAM));
	preset_add(p, "schedule", vocab_schedule_word(VOCAB_SCHEDULE_ONE_CYCLE));
	preset_add(p, "trainer", fastai);
	/* the best on ML-100K's u1 split: BPMF, 400 Gibbs sweeps */
	p = preset_new(c, "u1-best");
	preset_add(p, "model", vocab_model_setting_word(VOCAB_MODEL_DOTBIAS,
							VOCAB_FIT_BPMF));
	preset_add(p, "factors", "10");
	preset_add(p, "epochs", "400");
	preset_add(p, "threads", "2");
	preset_add(p, "trainer", fastai);
	/* biased ALS: a fast, strong baseline */
	p = preset_new(c, "als");
	preset_add(p, "model", vocab_model_setting_word(VOCAB_MODEL_DOTBIAS,
							VOCAB_FIT_ALS));
	preset_add(p, "factors", "20");
	preset_add(p, "epochs", "15");
	preset_add(p, "wd", "12");
	preset_add(p, "threads", "2");
	preset_add(p, "trainer", fastai);
}

struct cfg cfg_default(void)
{
	struct cfg c;

	memset(&c, 0, sizeof c);
	c.format = VOCAB_FORMAT_AUTO;
	c.item_key = VOCAB_ITEM_KEY_ID;
	c.model = VOCAB_MODEL_DOTBIAS;
	c.fit = VOCAB_FIT_GRADIENT;
	c.factors = 50;
	c.epochs = 5;
	c.lr = 5e-3;
	c.wd = 0.1;
	c.bs = 64;
	c.y_range_on = 1;
	c.y_range[0] = 0.0;
	c.y_range[1] = 5.5;
	c.optimizer = VOCAB_OPTIMIZER_ADAM;
	c.mom = 0.9;
	c.schedule = VOCAB_SCHEDULE_ONE_CYCLE;
	c.valid_pct = 0.2;
	c.seed = 42;
	c.threads = 1;
	c.trainer = VOCAB_TRAINER_FASTAI;
	/* collab_learner(use_nn=True)'s layers=[100, 50], no dropout */
	c.n_layers = 2;
	c.layers[0] = 100;
	c.layers[1] = 50;
	c.emb_drop = 0.0;
	c.ps = 0.0;
	/* fastai's lr_find(start_lr=1e-7, end_lr=10, num_it=100) */
	c.lr_find.start = 1e-7;
	c.lr_find.end = 10.0;
	c.lr_find.num_it = 100;
	c.chart = VOCAB_CHART_AUTO;
	c.smoothing = 1;
	c.mouse = 1;
	add_builtin_presets(&c);
	return c;
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

#define CFG_STR(x) #x
#define CFG_XSTR(x) CFG_STR(x)

/* NULL, or why entry j of lr_find_keys is unacceptable on its own. */
static const char *check_lr_find_entry(const struct cfg *c, int j)
{
	switch (j) {
	case 0:
		return c->lr_find.start > 0 && isfinite(c->lr_find.start) ? NULL :
		       "lr_find start must be a positive number";
	case 1:
		return c->lr_find.end > 0 && isfinite(c->lr_find.end) ? NULL :
		       "lr_find end must be a positive number";
	default:
		return c->lr_find.num_it >= 2 &&
		       c->lr_find.num_it <= CFG_LR_FIND_MAX_IT ? NULL :
		       "lr_find num_it must be from 2 to "
		       CFG_XSTR(CFG_LR_FIND_MAX_IT);
	}
}

/* The enum of key k (T_NAME) in c. */
static int name_value(const struct cfg *c, const struct key *k)
{
	return *(const int *)(const void *)((const char *)c + k->off);
}

/* NULL, or why c's layers are unacceptable. */
static const char *check_layers(const struct cfg *c)
{
	if (c->n_layers < 1 || c->n_layers > CFG_LAYERS_MAX)
		return "layers must be 1 to " CFG_XSTR(CFG_LAYERS_MAX) " widths";
	for (int i = 0; i < c->n_layers; i++)
		if (c->layers[i] < 1 || c->layers[i] > CFG_LAYER_WIDTH_MAX)
			return "layers must be widths of 1 to "
			       CFG_XSTR(CFG_LAYER_WIDTH_MAX);
	return NULL;
}

/* NULL, or why key k of c is unacceptable.  An enumerated setting can
 * only hold a value outside its table when code put it there: the words a
 * user may write are checked, and listed, as the value is read. */
static const char *check_key(const struct cfg *c, enum key_id k)
{
	switch (k) {
	case K_DATA:
		return NULL;
	case K_FORMAT:
	case K_ITEM_KEY:
	case K_OPTIMIZER:
	case K_SCHEDULE:
	case K_TRAINER:
	case K_CHART:
		return vocab_word(keys[k].vocab, name_value(c, &keys[k])) ? NULL :
		       "an enumerated setting holds a value outside its vocabulary";
	case K_MODEL:
		return vocab_model_setting_word(c->model, c->fit) ? NULL :
		       "model holds a value outside its vocabulary";
	case K_LAYERS:
		return check_layers(c);
	case K_EMB_DROP:
		return c->emb_drop >= 0 && c->emb_drop < 1 ? NULL :
		       "emb_drop must be at least 0 and less than 1";
	case K_PS:
		return c->ps >= 0 && c->ps < 1 ? NULL :
		       "ps must be at least 0 and less than 1";
	case K_FACTORS:
		return c->factors >= 1 ? NULL : "factors must be at least 1";
	case K_EPOCHS:
		return c->epochs >= 1 ? NULL : "epochs must be at least 1";
	case K_LR:
		return c->lr > 0 && isfinite(c->lr) ? NULL :
		       "lr must be a positive number";
	case K_WD:
		return c->wd >= 0 && isfinite(c->wd) ? NULL :
		       "wd must be zero or a positive number";
	case K_BS:
		return c->bs >= 1 ? NULL : "bs must be at least 1";
	case K_Y_RANGE:
		if (!c->y_range_on)
			return NULL;
		return isfinite(c->y_range[0]) && isfinite(c->y_range[1]) &&
		       c->y_range[0] < c->y_range[1] ? NULL :
		       "y_range must be two numbers [lo, hi] with lo < hi";
	case K_MOM:
		return c->mom >= 0 && c->mom < 1 ? NULL :
		       "mom must be at least 0 and less than 1";
	case K_VALID_PCT:
		return c->valid_pct >= 0 && c->valid_pct < 1 ? NULL :
		       "valid_pct must be at least 0 and less than 1";
	case K_SEED:
	case K_THEME:
	case K_SMOOTHING:
	case K_LOG_SCALE:
	case K_MOUSE:
	case K_KEYS:
	case K_PRESETS:
		return NULL;
	case K_THREADS:
		return c->threads >= 1 && c->threads <= 256 ? NULL :
		       "threads must be between 1 and 256";
	case K_LR_FIND:
		for (int j = 0; j < N_LR_FIND_KEYS; j++) {
			const char *why = check_lr_find_entry(c, j);
			if (why)
				return why;
		}
		return c->lr_find.start < c->lr_find.end ? NULL :
		       "lr_find start must be less than lr_find end";
	case K_COUNT:
		break;
	}
	return "unknown setting";
}

/* NULL, or why two settings that are fine on their own cannot go
 * together: checked once all are in, since options and presets set them
 * one at a time, in any order. */
static const char *check_together(const struct cfg *c)
{
	if (c->trainer == VOCAB_TRAINER_FAST &&
	    (c->fit != VOCAB_FIT_GRADIENT || c->model == VOCAB_MODEL_NN))
		return "the fast trainer fits only the dot and dotbias models";
	return NULL;
}

const char *cfg_check(const struct cfg *c)
{
	for (int k = 0; k < K_COUNT; k++) {
		const char *why = check_key(c, (enum key_id)k);
		if (why)
			return why;
	}
	return check_together(c);
}

/* ---- scalars -------------------------------------------------------------- */

static int is_null(const char *s, size_t len, yaml_scalar_style_t style)
{
	if (style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int parse_long(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (*s == '\0' || *s == ' ' || *s == '\t')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')       /* strtoull would accept "-1" */
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* strtod in the C locale ("5.0e-3" must not depend on LC_NUMERIC). */
static int parse_double(const char *s, double *out)
{
	char *end;
	double v;
	locale_t c_loc, old;

	if (*s == '\0' || *s == ' ' || *s == '\t')
		return -1;
	c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c_loc == (locale_t)0)
		return -1;
	old = uselocale(c_loc);
	errno = 0;
	v = strtod(s, &end);
	uselocale(old);
	freelocale(c_loc);
	if (*end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1))
		return -1;
	*out = v;
	return 0;
}

/* YAML 1.1's spellings of a boolean, which is what people write. */
static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes",
					   "YES", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No",
					  "NO", "off", "Off", "OFF", NULL };

	if (in_list(s, yes))
		*out = 1;
	else if (in_list(s, no))
		*out = 0;
	else
		return -1;
	return 0;
}

/* A theme name becomes part of a file name: keep it to a safe alphabet. */
static int is_word(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* "100,50": 1..CFG_LAYERS_MAX widths of 1..CFG_LAYER_WIDTH_MAX, digits
 * only, into c's layers; 0, or -1 with c unchanged. */
static int parse_layers(const char *s, struct cfg *c)
{
	int w[CFG_LAYERS_MAX], n = 0;

	for (;;) {
		long long v;
		size_t len = strspn(s, "0123456789");
		char num[16];

		if (len == 0 || len >= sizeof num || n == CFG_LAYERS_MAX)
			return -1;
		memcpy(num, s, len);
		num[len] = '\0';
		if (parse_long(num, 1, CFG_LAYER_WIDTH_MAX, &v) != 0)
			return -1;
		w[n++] = (int)v;
		s += len;
		if (*s == '\0')
			break;
		if (*s != ',')
			return -1;
		s++;
	}
	c->n_layers = n;
	memset(c->layers, 0, sizeof c->layers);
	memcpy(c->layers, w, (size_t)n * sizeof w[0]);
	return 0;
}

/* ---- values, from the file or from argv ---------------------------------- */

/* A short, printable copy of a scalar for messages: at most 40 bytes (cut on
 * a UTF-8 boundary), control characters shown as '?'. */
static const char *show(const char *s, char buf[64])
{
	size_t n = strlen(s), cut = n > 40 ? 40 : n;

	while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	/* the value is file text: shown cleaned (text.h), never raw */
	text_clean(buf, 61, s, cut);
	strcat(buf, cut < n ? "..." : "");
	return buf;
}

/* What a value of key k must be, for messages; list is scratch space. */
static const char *want_text(const struct key *k, char *list, size_t n)
{
	switch (k->type) {
	case T_PATH:
		return "a path";
	case T_NAME:
		snprintf(list, n, "one of %s", k->vocab->words);
		return list;
	case T_MODEL:
		snprintf(list, n, "one of %s", vocab_model_setting_words());
		return list;
	case T_LAYERS:
		return "1 to " CFG_XSTR(CFG_LAYERS_MAX) " widths of 1.."
		       CFG_XSTR(CFG_LAYER_WIDTH_MAX) " separated by commas";
	case T_U64:
		return "an integer from 0 to 18446744073709551615";
	case T_DOUBLE:
		return "a number";
	case T_RANGE:
		return "LO,HI (two numbers) or none";
	case T_BOOL:
		return "true or false";
	case T_WORD:
		return "a name of letters, digits, '-' and '_'";
	case T_KEYS:
		return "a mapping of action: key names";
	case T_PRESETS:
		return "a mapping of preset name: settings";
	case T_LRFIND:
		return "START,END,NUM_IT (two numbers and a whole number)";
	case T_INT:
		break;
	}
	return "an integer";
}

/* Store the text s (len bytes) as key k of c; k is not T_RANGE.  plain is
 * 0 for a quoted YAML scalar, which can never be a number.  0, or -1 with
 * "expected ..., found ..." in msg. */
static int set_text(const struct key *k, struct cfg *c, const char *s,
		    size_t len, int plain, char *msg, size_t n)
{
	char *field = (char *)c + k->off;
	char list[96], sh[64];
	const char *want = want_text(k, list, sizeof list);
	int ok = 0;

	if (strlen(s) != len) {                 /* a NUL inside */
		ok = 0;
	} else if (k->type == T_WORD) {
		ok = len < k->size && is_word(s, len);
		if (ok)
			memcpy(field, s, len + 1);
	} else if (k->type == T_PATH) {
		if (len >= k->size) {
			snprintf(msg, n, "expected a path of at most %zu bytes",
				 k->size - 1);
			return -1;
		}
		ok = 1;
		memcpy(field, s, len + 1);
	} else if (k->type == T_NAME) {
		ok = vocab_parse(k->vocab, s, (int *)(void *)field) == 0;
	} else if (k->type == T_MODEL) {
		ok = vocab_model_setting_parse(s, &c->model, &c->fit) == 0;
	} else if (k->type == T_LAYERS) {
		ok = parse_layers(s, c) == 0;
	} else if (plain) {
		long long l;
		uint64_t u;
		double d;

		switch (k->type) {
		case T_INT:
			ok = parse_long(s, INT_MIN, INT_MAX, &l) == 0;
			if (ok)
				*(int *)(void *)field = (int)l;
			break;
		case T_U64:
			ok = parse_u64(s, &u) == 0;
			if (ok)
				*(uint64_t *)(void *)field = u;
			break;
		case T_DOUBLE:
			ok = parse_double(s, &d) == 0;
			if (ok)
				*(double *)(void *)field = d;
			break;
		case T_BOOL:
			ok = parse_bool(s, (int *)(void *)field) == 0;
			break;
		case T_PATH: case T_NAME: case T_MODEL: case T_LAYERS:
		case T_RANGE: case T_WORD: case T_KEYS: case T_PRESETS:
		case T_LRFIND:
			break;
		}
	}
	if (ok)
		return 0;
	snprintf(msg, n, "expected %s, found %s'%s'", want,
		 plain ? "" : "the string ", show(s, sh));
	return -1;
}

/* y_range from argv: "LO,HI" or "none". */
static int set_range_text(struct cfg *c, const char *s, char *msg, size_t n)
{
	const char *comma = strchr(s, ',');
	char lo[64], sh[64];
	double v[2];
	int ok = comma && (size_t)(comma - s) < sizeof lo;

	if (strcmp(s, "none") == 0) {
		c->y_range_on = 0;
		return 0;
	}
	if (ok) {
		memcpy(lo, s, (size_t)(comma - s));
		lo[comma - s] = '\0';
		ok = parse_double(lo, &v[0]) == 0 &&
		     parse_double(comma + 1, &v[1]) == 0;
	}
	if (!ok) {
		snprintf(msg, n, "expected LO,HI (two numbers) or none, "
			 "found '%s'", show(s, sh));
		return -1;
	}
	if (!(v[0] < v[1])) {
		snprintf(msg, n, "expected LO < HI, found '%s'", show(s, sh));
		return -1;
	}
	c->y_range_on = 1;
	c->y_range[0] = v[0];
	c->y_range[1] = v[1];
	return 0;
}

/* lr_find from argv or the pane: "START,END,NUM_IT". */
static int set_lr_find_text(struct cfg *c, const char *s, char *msg, size_t n)
{
	struct cfg t = *c;
	const char *p = s;
	char part[64], sh[64], scratch[256];
	int j;

	for (j = 0; j < N_LR_FIND_KEYS; j++) {
		size_t len = strcspn(p, ",");
		int last = j == N_LR_FIND_KEYS - 1;

		if (len >= sizeof part || (p[len] == ',') == last)
			break;
		memcpy(part, p, len);
		part[len] = '\0';
		if (set_text(&lr_find_keys[j], &t, part, len, 1, scratch,
			     sizeof scratch) != 0)
			break;
		p += len + !last;
	}
	if (j < N_LR_FIND_KEYS) {
		snprintf(msg, n, "expected START,END,NUM_IT (two numbers and a "
			 "whole number), found '%s'", show(s, sh));
		return -1;
	}
	c->lr_find = t.lr_find;
	return 0;
}

/* Store the text of key k (not T_KEYS or T_PRESETS) into c, as an option
 * gives it.  0, or -1 with "expected ..." in msg. */
static int set_value(struct cfg *c, const struct key *k, const char *value,
		     char *msg, size_t n)
{
	if (k->type == T_RANGE)
		return set_range_text(c, value, msg, n);
	if (k->type == T_LRFIND)
		return set_lr_find_text(c, value, msg, n);
	return set_text(k, c, value, strlen(value), 1, msg, n);
}

/* The index of the key called name (len bytes) in table[0..n), or -1. */
static int find_in(const struct key *table, int n, const char *name, size_t len)
{
	if (strlen(name) != len)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(name, table[i].name) == 0)
			return i;
	return -1;
}

static int find_key(const char *name, size_t len)
{
	return find_in(keys, K_COUNT, name, len);
}

static int find_lr_find_key(const char *name, size_t len)
{
	return find_in(lr_find_keys, N_LR_FIND_KEYS, name, len);
}

int cfg_set(struct cfg *c, const char *key, const char *value, char *err,
	    size_t errlen)
{
	struct cfg t = *c;
	char msg[256];
	const char *why;
	int id = find_key(key, strlen(key)), sub = -1;
	int rc;

	if (id < 0 && strncmp(key, "lr_find.", 8) == 0)
		sub = find_lr_find_key(key + 8, strlen(key + 8));
	if (id < 0 && sub < 0) {
		if (errlen)
			snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	if (sub >= 0) {
		/* start < end waits for cfg_check: the other may come next */
		rc = set_text(&lr_find_keys[sub], &t, value, strlen(value), 1,
			      msg, sizeof msg);
		why = rc ? msg : check_lr_find_entry(&t, sub);
	} else if (keys[id].type == T_KEYS || keys[id].type == T_PRESETS) {
		if (errlen)
			snprintf(err, errlen, "%s can only be set in the config file",
				 keys[id].name);
		return -1;
	} else {
		rc = set_value(&t, &keys[id], value, msg, sizeof msg);
		why = rc ? msg : check_key(&t, (enum key_id)id);
	}
	if (why) {
		if (errlen)
			snprintf(err, errlen, "%s", why);
		return -1;
	}
	*c = t;
	return 0;
}

/* ---- the parser ----------------------------------------------------------- */

struct ctx {
	const char *path;
	yaml_parser_t parser;
	yaml_event_t ev;
	int have_ev;
	char *err;
	size_t errlen;
};

CFG_PRINTF(3, 4)
static int fail(struct ctx *x, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (x->errlen == 0)
		return -1;
	n = snprintf(x->err, x->errlen, "%s:%lu:%lu: ", x->path,
		     (unsigned long)mark.line + 1, (unsigned long)mark.column + 1);
	if (n < 0 || (size_t)n >= x->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *node_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT: return "a sequence";
	case YAML_MAPPING_START_EVENT:  return "a mapping";
	case YAML_ALIAS_EVENT:          return "an alias";
	default:                        return "nothing";
	}
}

/* Read the next event into x->ev.  0, or -1 with the message in err. */
static int next(struct ctx *x)
{
	if (x->have_ev) {
		yaml_event_delete(&x->ev);
		x->have_ev = 0;
	}
	if (!yaml_parser_parse(&x->parser, &x->ev)) {
		const yaml_parser_t *p = &x->parser;
		yaml_mark_t m = p->problem_mark;

		if (p->error == YAML_MEMORY_ERROR)
			return fail(x, p->mark, "out of memory");
		if (p->error == YAML_READER_ERROR)
			m = p->mark;    /* the reader sets only an offset */
		if (p->context)
			return fail(x, m, "YAML syntax error: %s (%s)",
				    p->problem ? p->problem : "unknown error",
				    p->context);
		return fail(x, m, "YAML syntax error: %s",
			    p->problem ? p->problem : "unknown error");
	}
	x->have_ev = 1;
	if (x->ev.type == YAML_ALIAS_EVENT)
		return fail(x, x->ev.start_mark,
			    "aliases (*name) are not supported here");
	return 0;
}

static const char *scalar(const struct ctx *x)
{
	return (const char *)x->ev.data.scalar.value;
}

static int scalar_is_null(const struct ctx *x)
{
	return is_null(scalar(x), x->ev.data.scalar.length,
		       x->ev.data.scalar.style);
}

/* The scalar text if it could be a number (plain style, no NUL inside). */
static const char *number_text(const struct ctx *x)
{
	if (x->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    strlen(scalar(x)) != x->ev.data.scalar.length)
		return NULL;
	return scalar(x);
}

/* Read the next entry of a sequence that holds scalars, for key (each
 * entry being what): 0 with x->ev that scalar, 1 at the sequence's end,
 * or -1 with "KEY: expected WHAT, found ..." in err. */
static int next_scalar_entry(struct ctx *x, const char *key, const char *what)
{
	if (next(x))
		return -1;
	if (x->ev.type == YAML_SEQUENCE_END_EVENT)
		return 1;
	if (x->ev.type != YAML_SCALAR_EVENT)
		return fail(x, x->ev.start_mark, "%s: expected %s, found %s", key,
			    what, node_kind(&x->ev));
	return 0;
}

/* y_range: [lo, hi] as a flow or block sequence, or none / null. */
static int read_range(struct ctx *x, struct cfg *c)
{
	yaml_mark_t start = x->ev.start_mark;
	double v[2];
	int n = 0;
	char sh[64];

	if (x->ev.type == YAML_SCALAR_EVENT) {
		if (scalar_is_null(x) || strcmp(scalar(x), "none") == 0) {
			c->y_range_on = 0;
			return 0;
		}
		return fail(x, start, "y_range: expected [lo, hi] (two numbers) "
			    "or none, found '%s'", show(scalar(x), sh));
	}
	if (x->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(x, start, "y_range: expected [lo, hi] (two numbers) "
			    "or none, found %s", node_kind(&x->ev));
	for (;;) {
		double d;
		const char *t;
		int got = next_scalar_entry(x, "y_range", "a number");

		if (got < 0)
			return -1;
		if (got > 0)
			break;
		if (n == 2)
			return fail(x, x->ev.start_mark, "y_range: expected "
				    "exactly two numbers [lo, hi], found more");
		t = number_text(x);
		if (!t || parse_double(t, &d))
			return fail(x, x->ev.start_mark, "y_range: expected a "
				    "number, found '%s'", show(scalar(x), sh));
		v[n++] = d;
	}
	if (n != 2)
		return fail(x, start, "y_range: expected exactly two numbers "
			    "[lo, hi], found %d", n);
	if (!(v[0] < v[1]))
		return fail(x, start, "y_range: expected lo < hi, found [%g, %g]",
			    v[0], v[1]);
	c->y_range_on = 1;
	c->y_range[0] = v[0];
	c->y_range[1] = v[1];
	return 0;
}

/* layers: [W1, W2, ...] as a flow or block sequence, or the text
 * "W1,W2,..." (a single width is a plain number). */
static int read_layers(struct ctx *x, const struct key *k, struct cfg *c)
{
	yaml_mark_t start = x->ev.start_mark;
	int w[CFG_LAYERS_MAX], n = 0;
	char sh[64], list[96], msg[256];

	if (x->ev.type == YAML_SCALAR_EVENT) {
		if (set_text(k, c, scalar(x), x->ev.data.scalar.length, 1, msg,
			     sizeof msg))
			return fail(x, start, "layers: %s", msg);
		return 0;
	}
	if (x->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(x, start, "layers: expected %s, found %s",
			    want_text(k, list, sizeof list), node_kind(&x->ev));
	for (;;) {
		long long v;
		const char *t;
		int got = next_scalar_entry(x, "layers", "a width");

		if (got < 0)
			return -1;
		if (got > 0)
			break;
		if (n == CFG_LAYERS_MAX)
			return fail(x, x->ev.start_mark, "layers: expected at most "
				    "%d widths, found more", CFG_LAYERS_MAX);
		t = number_text(x);
		if (!t || parse_long(t, 1, CFG_LAYER_WIDTH_MAX, &v))
			return fail(x, x->ev.start_mark, "layers: expected a width "
				    "of 1..%d, found '%s'", CFG_LAYER_WIDTH_MAX,
				    show(scalar(x), sh));
		w[n++] = (int)v;
	}
	if (n == 0)
		return fail(x, start, "layers: expected at least one width");
	c->n_layers = n;
	memset(c->layers, 0, sizeof c->layers);
	memcpy(c->layers, w, (size_t)n * sizeof w[0]);
	return 0;
}

/* Append one key name (a scalar) to a binding's space-separated list. */
static int add_key_name(struct ctx *x, struct cfg_bind *b)
{
	size_t len = strlen(b->keys), n = x->ev.data.scalar.length;
	const char *s = scalar(x);
	char sh[64];

	if (n == 0 || strlen(s) != n || strpbrk(s, " \t\n"))
		return fail(x, x->ev.start_mark, "keys: %s: expected a key name "
			    "without spaces (write Space for the space bar), "
			    "found '%s'", b->action, show(s, sh));
	if (len + (len > 0) + n >= sizeof b->keys)
		return fail(x, x->ev.start_mark, "keys: %s: too many keys "
			    "(at most %zu bytes of names)", b->action,
			    sizeof b->keys - 1);
	if (len > 0)
		b->keys[len++] = ' ';
	memcpy(b->keys + len, s, n + 1);
	return 0;
}

/* keys: a mapping of action name -> a key name or a sequence of them.  The
 * names are checked by the interface, which knows them; here only the
 * shape, the sizes and repeated actions. */
static int read_keys(struct ctx *x, struct cfg *c)
{
	char sh[64];

	if (x->ev.type == YAML_SCALAR_EVENT && scalar_is_null(x)) {
		c->n_binds = 0;
		return 0;
	}
	if (x->ev.type != YAML_MAPPING_START_EVENT)
		return fail(x, x->ev.start_mark, "keys: expected a mapping of "
			    "action: key names, found %s",
			    x->ev.type == YAML_SCALAR_EVENT ? "a scalar" :
			    node_kind(&x->ev));
	c->n_binds = 0;
	for (;;) {
		struct cfg_bind *b;
		size_t n;

		if (next(x))
			return -1;
		if (x->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (x->ev.type != YAML_SCALAR_EVENT)
			return fail(x, x->ev.start_mark, "keys: expected an action "
				    "name, found %s", node_kind(&x->ev));
		n = x->ev.data.scalar.length;
		if (n == 0 || n >= CFG_ACTION_MAX || strlen(scalar(x)) != n)
			return fail(x, x->ev.start_mark, "keys: expected an action "
				    "name, found '%s'", show(scalar(x), sh));
		for (int i = 0; i < c->n_binds; i++)
			if (strcmp(c->binds[i].action, scalar(x)) == 0)
				return fail(x, x->ev.start_mark, "keys: duplicate "
					    "action '%s' (first given on line %lu)",
					    scalar(x), c->binds[i].line);
		if (c->n_binds == CFG_BINDS_MAX)
			return fail(x, x->ev.start_mark, "keys: at most %d "
				    "actions can be rebound", CFG_BINDS_MAX);
		b = &c->binds[c->n_binds++];
		memset(b, 0, sizeof *b);
		memcpy(b->action, scalar(x), n + 1);
		b->line = (unsigned long)x->ev.start_mark.line + 1;
		b->col = (unsigned long)x->ev.start_mark.column + 1;

		if (next(x))
			return -1;
		if (x->ev.type == YAML_SCALAR_EVENT) {
			if (add_key_name(x, b))
				return -1;
			continue;
		}
		if (x->ev.type != YAML_SEQUENCE_START_EVENT)
			return fail(x, x->ev.start_mark, "keys: %s: expected a key "
				    "name or a list of them, found %s", b->action,
				    node_kind(&x->ev));
		yaml_mark_t list = x->ev.start_mark;
		for (;;) {
			if (next(x))
				return -1;
			if (x->ev.type == YAML_SEQUENCE_END_EVENT)
				break;
			if (x->ev.type != YAML_SCALAR_EVENT)
				return fail(x, x->ev.start_mark, "keys: %s: expected "
					    "a key name, found %s", b->action,
					    node_kind(&x->ev));
			if (add_key_name(x, b))
				return -1;
		}
		if (b->keys[0] == '\0')
			return fail(x, list, "keys: %s: expected at "
				    "least one key", b->action);
	}
}

/* lr_find: a mapping of start, end and num_it, each optional; the
 * caller checks start < end once the mapping is read. */
static int read_lr_find(struct ctx *x, struct cfg *c)
{
	char sh[64], msg[256], list[96];
	int seen[N_LR_FIND_KEYS] = { 0 };

	if (x->ev.type == YAML_SCALAR_EVENT && scalar_is_null(x))
		return 0;
	if (x->ev.type != YAML_MAPPING_START_EVENT)
		return fail(x, x->ev.start_mark, "lr_find: expected a mapping of "
			    "start, end and num_it, found %s",
			    x->ev.type == YAML_SCALAR_EVENT ? "a scalar" :
			    node_kind(&x->ev));
	for (;;) {
		int j = -1;

		if (next(x))
			return -1;
		if (x->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (x->ev.type == YAML_SCALAR_EVENT)
			j = find_lr_find_key(scalar(x), x->ev.data.scalar.length);
		if (j < 0)
			return fail(x, x->ev.start_mark, "lr_find: expected start, "
				    "end or num_it, found '%s'",
				    x->ev.type == YAML_SCALAR_EVENT ?
				    show(scalar(x), sh) : node_kind(&x->ev));
		if (seen[j])
			return fail(x, x->ev.start_mark, "lr_find: duplicate key "
				    "'%s'", lr_find_keys[j].name);
		seen[j] = 1;
		const struct key *k = &lr_find_keys[j];
		if (next(x))
			return -1;
		if (x->ev.type != YAML_SCALAR_EVENT)
			return fail(x, x->ev.start_mark, "lr_find: %s: expected %s, "
				    "found %s", k->name, want_text(k, list, sizeof list),
				    node_kind(&x->ev));
		if (set_text(k, c, scalar(x), x->ev.data.scalar.length,
			     x->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
			     msg, sizeof msg))
			return fail(x, x->ev.start_mark, "lr_find: %s: %s", k->name,
				    msg);
		const char *why = check_lr_find_entry(c, j);
		if (why)
			return fail(x, x->ev.start_mark, "%s", why);
	}
}

static int read_value(struct ctx *x, const struct key *k, struct cfg *c);

/* Whether a preset may set key id: the model and training settings, not
 * the dataset, the interface, the finder's sweep or the nested mappings. */
static int preset_key_ok(int id)
{
	switch (id) {
	case K_DATA: case K_FORMAT: case K_ITEM_KEY: case K_THEME: case K_CHART:
	case K_SMOOTHING: case K_LOG_SCALE: case K_MOUSE: case K_KEYS: case K_PRESETS:
	case K_LR_FIND:
		return 0;
	default:
		return 1;
	}
}

int cfg_layers_text(const struct cfg *c, char *buf, size_t n)
{
	size_t used = 0;

	if (n)
		buf[0] = '\0';
	for (int i = 0; i < c->n_layers; i++) {
		int w = used < n ? snprintf(buf + used, n - used, "%s%d",
					    i ? "," : "", c->layers[i]) :
				   snprintf(NULL, 0, "%s%d", i ? "," : "",
					    c->layers[i]);
		if (w < 0)
			return w;
		used += (size_t)w;
	}
	return (int)used;
}

/* One preset's mapping of settings; x->ev is its MAPPING_START.  Each
 * value is read into a scratch copy of c, so it is checked (and its
 * errors placed) exactly as a top-level one, then kept as the text
 * cfg_set() takes. */
static int read_preset(struct ctx *x, const struct cfg *c, struct cfg_preset *p)
{
	char sh[64];

	for (;;) {
		struct cfg t = *c;
		int id;

		if (next(x))
			return -1;
		if (x->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (x->ev.type != YAML_SCALAR_EVENT)
			return fail(x, x->ev.start_mark, "presets: %s: expected a "
				    "setting name, found %s", p->name, node_kind(&x->ev));
		id = find_key(scalar(x), x->ev.data.scalar.length);
		if (id < 0 || !preset_key_ok(id))
			return fail(x, x->ev.start_mark, "presets: %s: '%s' is not a "
				    "model or training setting", p->name,
				    show(scalar(x), sh));
		for (int i = 0; i < p->n; i++)
			if (strcmp(p->kv[i].key, keys[id].name) == 0)
				return fail(x, x->ev.start_mark, "presets: %s: duplicate "
					    "key '%s'", p->name, keys[id].name);
		if (p->n == CFG_PRESET_KEYS)
			return fail(x, x->ev.start_mark, "presets: %s: at most %d "
				    "settings", p->name, CFG_PRESET_KEYS);
		struct cfg_preset_kv *kv = &p->kv[p->n++];
		snprintf(kv->key, sizeof kv->key, "%s", keys[id].name);

		if (next(x))
			return -1;
		yaml_mark_t vmark = x->ev.start_mark;
		if (read_value(x, &keys[id], &t))
			return -1;
		const char *why = check_key(&t, (enum key_id)id);
		if (why)
			return fail(x, vmark, "presets: %s: %s", p->name, why);
		int w;
		if (keys[id].type == T_RANGE)
			w = t.y_range_on
			    ? snprintf(kv->value, sizeof kv->value, "%.17g,%.17g",
				       t.y_range[0], t.y_range[1])
			    : snprintf(kv->value, sizeof kv->value, "none");
		else if (keys[id].type == T_LAYERS)
			w = cfg_layers_text(&t, kv->value, sizeof kv->value);
		else
			w = snprintf(kv->value, sizeof kv->value, "%s", scalar(x));
		if (w < 0 || (size_t)w >= sizeof kv->value)
			return fail(x, vmark, "presets: %s: the value of %s is too "
				    "long", p->name, kv->key);
	}
}

/* presets: a mapping of name -> a mapping of settings. */
static int read_presets(struct ctx *x, struct cfg *c)
{
	char sh[64];

	if (x->ev.type == YAML_SCALAR_EVENT && scalar_is_null(x)) {
		c->n_presets = 0;
		return 0;
	}
	if (x->ev.type != YAML_MAPPING_START_EVENT)
		return fail(x, x->ev.start_mark, "presets: expected a mapping of "
			    "name: settings, found %s",
			    x->ev.type == YAML_SCALAR_EVENT ? "a scalar" :
			    node_kind(&x->ev));
	c->n_presets = 0;
	for (;;) {
		if (next(x))
			return -1;
		if (x->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		size_t n = x->ev.type == YAML_SCALAR_EVENT ? x->ev.data.scalar.length : 0;
		if (x->ev.type != YAML_SCALAR_EVENT || n == 0 || n >= CFG_NAME_MAX ||
		    !is_word(scalar(x), n))
			return fail(x, x->ev.start_mark, "presets: expected a preset "
				    "name of letters, digits, '-' and '_' (at most %d), "
				    "found '%s'", CFG_NAME_MAX - 1,
				    x->ev.type == YAML_SCALAR_EVENT ?
				    show(scalar(x), sh) : node_kind(&x->ev));
		for (int i = 0; i < c->n_presets; i++)
			if (strcmp(c->presets[i].name, scalar(x)) == 0)
				return fail(x, x->ev.start_mark, "presets: duplicate "
					    "preset '%s'", scalar(x));
		if (c->n_presets == CFG_PRESETS_MAX)
			return fail(x, x->ev.start_mark, "presets: at most %d presets",
				    CFG_PRESETS_MAX);
		struct cfg_preset *p = &c->presets[c->n_presets++];
		memset(p, 0, sizeof *p);
		memcpy(p->name, scalar(x), n + 1);
		if (next(x))
			return -1;
		if (x->ev.type != YAML_MAPPING_START_EVENT)
			return fail(x, x->ev.start_mark, "presets: %s: expected a "
				    "mapping of settings, found %s", p->name,
				    x->ev.type == YAML_SCALAR_EVENT ? "a scalar" :
				    node_kind(&x->ev));
		if (read_preset(x, c, p))
			return -1;
	}
}

int cfg_preset_apply(struct cfg *c, const char *name, char *err, size_t errlen)
{
	for (int i = 0; i < c->n_presets; i++) {
		const struct cfg_preset *p = &c->presets[i];
		if (strcmp(p->name, name) != 0)
			continue;
		struct cfg t = *c;
		for (int j = 0; j < p->n; j++)
			if (cfg_set(&t, p->kv[j].key, p->kv[j].value, err, errlen) != 0)
				return -1;
		memcpy(t.preset, p->name, sizeof t.preset);
		*c = t;
		return 0;
	}
	size_t used = 0;
	if (errlen)
		used = (size_t)snprintf(err, errlen, "no preset '%s' (%s", name,
					c->n_presets ? "the presets are" :
					"there are none: add a presets: mapping "
					"to config.yaml");
	for (int i = 0; i < c->n_presets && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s%s",
					 i ? ", " : " ", c->presets[i].name);
	if (used < errlen)
		snprintf(err + used, errlen - used, ")");
	return -1;
}

/* Whether key k, one a preset may set, has the same value in a and b. */
static int same_value(const struct key *k, const struct cfg *a,
		      const struct cfg *b)
{
	const void *va = (const char *)a + k->off, *vb = (const char *)b + k->off;

	switch (k->type) {
	case T_PATH: case T_WORD:
		return strcmp(va, vb) == 0;
	case T_INT: case T_BOOL: case T_NAME:
		return *(const int *)va == *(const int *)vb;
	case T_MODEL:
		return a->model == b->model && a->fit == b->fit;
	case T_LAYERS:
		return a->n_layers == b->n_layers &&
		       memcmp(a->layers, b->layers,
			      (size_t)a->n_layers * sizeof a->layers[0]) == 0;
	case T_U64:
		return *(const uint64_t *)va == *(const uint64_t *)vb;
	case T_DOUBLE:
		return *(const double *)va == *(const double *)vb;
	case T_RANGE:
		return a->y_range_on == b->y_range_on &&
		       (!a->y_range_on || (a->y_range[0] == b->y_range[0] &&
					   a->y_range[1] == b->y_range[1]));
	case T_LRFIND: case T_KEYS: case T_PRESETS:
		break;          /* no preset sets them */
	}
	return 0;
}

int cfg_preset_holds(const struct cfg *c, int i)
{
	char msg[256];

	if (i < 0 || i >= c->n_presets)
		return 0;
	const struct cfg_preset *p = &c->presets[i];
	struct cfg t = *c;
	for (int j = 0; j < p->n; j++) {
		int id = find_key(p->kv[j].key, strlen(p->kv[j].key));
		if (id < 0 || set_value(&t, &keys[id], p->kv[j].value, msg,
					sizeof msg) != 0 ||
		    !same_value(&keys[id], &t, c))
			return 0;
	}
	return 1;
}

int cfg_preset_current(const struct cfg *c)
{
	int first = -1;

	for (int i = 0; i < c->n_presets; i++) {
		if (!cfg_preset_holds(c, i))
			continue;
		if (strcmp(c->presets[i].name, c->preset) == 0)
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}

/* The value of key k; x->ev is its first event. */
static int read_value(struct ctx *x, const struct key *k, struct cfg *c)
{
	char list[96], msg[256];

	if (k->type == T_RANGE)
		return read_range(x, c);
	if (k->type == T_LAYERS)
		return read_layers(x, k, c);
	if (k->type == T_LRFIND)
		return read_lr_find(x, c);
	if (k->type == T_KEYS)
		return read_keys(x, c);
	if (k->type == T_PRESETS)
		return read_presets(x, c);
	if (x->ev.type != YAML_SCALAR_EVENT)
		return fail(x, x->ev.start_mark, "%s: expected %s, found %s",
			    k->name, want_text(k, list, sizeof list),
			    node_kind(&x->ev));
	if ((k->type == T_PATH || k->type == T_WORD) && scalar_is_null(x)) {
		((char *)c + k->off)[0] = '\0';
		return 0;
	}
	if (set_text(k, c, scalar(x), x->ev.data.scalar.length,
		     x->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
		     msg, sizeof msg))
		return fail(x, x->ev.start_mark, "%s: %s", k->name, msg);
	return 0;
}

/* "data, format, ..., keys": every key, for the unknown-key message. */
static void key_names(char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int id = 0; id < K_COUNT && used < n; id++) {
		int w = snprintf(buf + used, n - used, "%s%s", id ? ", " : "",
				 keys[id].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The document's top-level mapping; x->ev is MAPPING_START. */
static int read_mapping(struct ctx *x, struct cfg *c)
{
	unsigned long seen_line[K_COUNT] = { 0 };   /* 1-based; 0 = unseen */
	yaml_mark_t vmarks[K_COUNT];                /* each seen key's value */

	for (;;) {
		const struct key *k;
		int id;
		char sh[64];
		const char *why;
		yaml_mark_t vmark;

		if (next(x))
			return -1;
		if (x->ev.type == YAML_MAPPING_END_EVENT) {
			why = check_together(c);
			if (!why)
				return 0;
			/* at the trainer, which is what names the pair */
			return fail(x, seen_line[K_TRAINER] ? vmarks[K_TRAINER] :
				    seen_line[K_MODEL] ? vmarks[K_MODEL] :
				    x->ev.start_mark, "%s (trainer %s, model %s)",
				    why, vocab_trainer_word(c->trainer),
				    vocab_model_setting_word(c->model, c->fit));
		}
		if (x->ev.type != YAML_SCALAR_EVENT)
			return fail(x, x->ev.start_mark, "expected a setting name, "
				    "found %s", node_kind(&x->ev));
		id = find_key(scalar(x), x->ev.data.scalar.length);
		if (id < 0) {
			char names[320];

			key_names(names, sizeof names);
			return fail(x, x->ev.start_mark, "unknown key '%s' (expected "
				    "one of %s)", show(scalar(x), sh), names);
		}
		k = &keys[id];
		if (seen_line[id])
			return fail(x, x->ev.start_mark, "duplicate key '%s' "
				    "(first given on line %lu)", k->name,
				    seen_line[id]);
		seen_line[id] = (unsigned long)x->ev.start_mark.line + 1;

		if (next(x))
			return -1;
		vmark = vmarks[id] = x->ev.start_mark;
		if (read_value(x, k, c))
			return -1;
		why = check_key(c, (enum key_id)id);
		if (why)
			return fail(x, vmark, "%s", why);
	}
}

static int set_errno_msg(const char *path, int e, char *err, size_t errlen)
{
	if (errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	errno = e;
	return -2;
}

int cfg_load(const char *path, struct cfg *out, char *err, size_t errlen)
{
	struct ctx x;
	struct cfg c = *out;
	FILE *f;
	int rc = -1;

	if (errlen)
		err[0] = '\0';
	/* a regular file only: a FIFO would block, a device never end */
	f = afile_fopen_read(path, err, errlen);
	if (!f)
		return -2;

	memset(&x, 0, sizeof x);
	x.path = path;
	x.err = err;
	x.errlen = errlen;
	if (!yaml_parser_initialize(&x.parser)) {
		fclose(f);
		return set_errno_msg(path, ENOMEM, err, errlen);
	}
	yaml_parser_set_input_file(&x.parser, f);

	if (next(&x))                   /* STREAM_START */
		goto done;
	if (next(&x))
		goto done;
	if (x.ev.type == YAML_STREAM_END_EVENT) {       /* empty file */
		rc = 0;
		goto done;
	}
	/* DOCUMENT_START, then the root node. */
	if (next(&x))
		goto done;
	if (x.ev.type == YAML_MAPPING_START_EVENT) {
		if (read_mapping(&x, &c))
			goto done;
	} else if (x.ev.type == YAML_SCALAR_EVENT && scalar_is_null(&x)) {
		/* "---" alone: an empty document, nothing to set. */
	} else {
		char sh[64];

		if (x.ev.type == YAML_SCALAR_EVENT)
			fail(&x, x.ev.start_mark, "expected a mapping of settings "
			     "(key: value), found '%s'", show(scalar(&x), sh));
		else
			fail(&x, x.ev.start_mark, "expected a mapping of settings "
			     "(key: value), found %s", node_kind(&x.ev));
		goto done;
	}
	if (next(&x))                   /* DOCUMENT_END */
		goto done;
	if (next(&x))
		goto done;
	if (x.ev.type != YAML_STREAM_END_EVENT) {
		fail(&x, x.ev.start_mark, "expected a single YAML document "
		     "(remove this '---' and what follows, or merge it)");
		goto done;
	}
	rc = 0;
done:
	if (rc != 0 && ferror(f)) {
		int e = errno ? errno : EIO;

		rc = set_errno_msg(path, e, err, errlen);
	}
	if (x.have_ev)
		yaml_event_delete(&x.ev);
	yaml_parser_delete(&x.parser);
	fclose(f);
	if (rc == 0)
		*out = c;
	return rc;
}
