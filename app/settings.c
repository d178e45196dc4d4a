/* settings.c -- collabtui's settings without the file: the key table,
 * the built-in defaults and presets, the checks of every value and of the
 * values together, and a value read from text as an option or a preset
 * gives it (cfg_set, cfg_preset_apply).  config.c reads the same keys from
 * config.yaml (cfgkeys.h is what the two share).
 *
 * The enumerated settings' words are vocab.h's: a value is parsed by its
 * table, and refused with the table's list ("expected one of adam|sgd").
 * Numbers are parsed in the C locale, whatever LC_NUMERIC the program has
 * set.
 */
#include "cfgkeys.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#if defined(__GNUC__)
#define CFG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CFG_PRINTF(f, a)
#endif

/* ---- the keys ------------------------------------------------------------ */

#define STR_KEY(f, t) { #f, t, offsetof(struct cfg, f), \
			sizeof(((struct cfg *)0)->f), NULL }
#define NUM_KEY(f, t) { #f, t, offsetof(struct cfg, f), 0, NULL }
/* An enum field (int-sized, vocab.c checks) and the vocabulary of its words. */
#define NAME_KEY(f, v) { #f, T_NAME, offsetof(struct cfg, f), 0, &v }

/* In the order of the shipped config.yaml; indexed by enum key_id. */
const struct key cfgkey_table[K_COUNT] = {
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
	[K_ALPHA]     = NUM_KEY(alpha, T_DOUBLE),
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
const struct key cfgkey_lr_find[CFGKEY_N_LR_FIND] = {
	{ "start", T_DOUBLE, offsetof(struct cfg, lr_find.start), 0, NULL },
	{ "end", T_DOUBLE, offsetof(struct cfg, lr_find.end), 0, NULL },
	{ "num_it", T_INT, offsetof(struct cfg, lr_find.num_it), 0, NULL },
};

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
	/* the best top-10 lists on ML-100K: implicit ALS */
	p = preset_new(c, "ranking-best");
	preset_add(p, "model", vocab_model_setting_word(VOCAB_MODEL_DOTBIAS,
							VOCAB_FIT_IALS));
	preset_add(p, "factors", "160");
	preset_add(p, "epochs", "15");
	preset_add(p, "wd", "50");
	preset_add(p, "alpha", "6");
	preset_add(p, "threads", "2");
	preset_add(p, "trainer", fastai);
	/* at scale: LIBMF's accuracy in 4 epochs of the fast trainer */
	p = preset_new(c, "fast-adarow");
	preset_add(p, "model", vocab_model_setting_word(VOCAB_MODEL_DOTBIAS,
							VOCAB_FIT_GRADIENT));
	preset_add(p, "factors", "50");
	preset_add(p, "epochs", "4");
	preset_add(p, "lr", "0.2");
	preset_add(p, "wd", "0.01");
	preset_add(p, "y_range", "none");
	preset_add(p, "optimizer", vocab_optimizer_word(VOCAB_OPTIMIZER_ADAROW));
	preset_add(p, "schedule", vocab_schedule_word(VOCAB_SCHEDULE_ONE_CYCLE));
	preset_add(p, "threads", "2");
	preset_add(p, "trainer", vocab_trainer_word(VOCAB_TRAINER_FAST));
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
	c.alpha = 4.0;
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

/* NULL, or why entry j of cfgkey_lr_find is unacceptable on its own. */
const char *cfgkey_check_lr_find_entry(const struct cfg *c, int j)
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
const char *cfgkey_check(const struct cfg *c, enum key_id k)
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
		return vocab_word(cfgkey_table[k].vocab, name_value(c, &cfgkey_table[k])) ? NULL :
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
	case K_ALPHA:
		return c->alpha >= 0 && isfinite(c->alpha) ? NULL :
		       "alpha must be zero or a positive number";
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
		for (int j = 0; j < CFGKEY_N_LR_FIND; j++) {
			const char *why = cfgkey_check_lr_find_entry(c, j);
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
const char *cfgkey_check_together(const struct cfg *c)
{
	if (c->trainer == VOCAB_TRAINER_FAST &&
	    (c->fit != VOCAB_FIT_GRADIENT || c->model == VOCAB_MODEL_NN))
		return "the fast trainer fits only the dot and dotbias models";
	if (c->optimizer == VOCAB_OPTIMIZER_ADAROW && c->fit == VOCAB_FIT_GRADIENT &&
	    c->trainer != VOCAB_TRAINER_FAST)
		return "the adarow optimiser is the fast trainer's (trainer fast)";
	return NULL;
}

const char *cfg_check(const struct cfg *c)
{
	for (int k = 0; k < K_COUNT; k++) {
		const char *why = cfgkey_check(c, (enum key_id)k);
		if (why)
			return why;
	}
	return cfgkey_check_together(c);
}

int cfgkey_parse_long(const char *s, long long lo, long long hi, long long *out)
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
int cfgkey_parse_double(const char *s, double *out)
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
int cfgkey_is_word(const char *s, size_t len)
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
		if (cfgkey_parse_long(num, 1, CFG_LAYER_WIDTH_MAX, &v) != 0)
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
 * a UTF-8 boundary), its control characters and invalid UTF-8 replaced
 * (text.h). */
const char *cfgkey_show(const char *s, char buf[64])
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
const char *cfgkey_want(const struct key *k, char *list, size_t n)
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
int cfgkey_set_text(const struct key *k, struct cfg *c, const char *s,
		    size_t len, int plain, char *msg, size_t n)
{
	char *field = (char *)c + k->off;
	char list[96], sh[64];
	const char *want = cfgkey_want(k, list, sizeof list);
	int ok = 0;

	if (strlen(s) != len) {                 /* a NUL inside */
		ok = 0;
	} else if (k->type == T_WORD) {
		ok = len < k->size && cfgkey_is_word(s, len);
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
			ok = cfgkey_parse_long(s, INT_MIN, INT_MAX, &l) == 0;
			if (ok)
				*(int *)(void *)field = (int)l;
			break;
		case T_U64:
			ok = parse_u64(s, &u) == 0;
			if (ok)
				*(uint64_t *)(void *)field = u;
			break;
		case T_DOUBLE:
			ok = cfgkey_parse_double(s, &d) == 0;
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
		 plain ? "" : "the string ", cfgkey_show(s, sh));
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
		ok = cfgkey_parse_double(lo, &v[0]) == 0 &&
		     cfgkey_parse_double(comma + 1, &v[1]) == 0;
	}
	if (!ok) {
		snprintf(msg, n, "expected LO,HI (two numbers) or none, "
			 "found '%s'", cfgkey_show(s, sh));
		return -1;
	}
	if (!(v[0] < v[1])) {
		snprintf(msg, n, "expected LO < HI, found '%s'", cfgkey_show(s, sh));
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

	for (j = 0; j < CFGKEY_N_LR_FIND; j++) {
		size_t len = strcspn(p, ",");
		int last = j == CFGKEY_N_LR_FIND - 1;

		if (len >= sizeof part || (p[len] == ',') == last)
			break;
		memcpy(part, p, len);
		part[len] = '\0';
		if (cfgkey_set_text(&cfgkey_lr_find[j], &t, part, len, 1, scratch,
			     sizeof scratch) != 0)
			break;
		p += len + !last;
	}
	if (j < CFGKEY_N_LR_FIND) {
		snprintf(msg, n, "expected START,END,NUM_IT (two numbers and a "
			 "whole number), found '%s'", cfgkey_show(s, sh));
		return -1;
	}
	c->lr_find = t.lr_find;
	return 0;
}

int cfgkey_set_value(struct cfg *c, const struct key *k, const char *value,
		     char *msg, size_t n)
{
	if (k->type == T_RANGE)
		return set_range_text(c, value, msg, n);
	if (k->type == T_LRFIND)
		return set_lr_find_text(c, value, msg, n);
	return cfgkey_set_text(k, c, value, strlen(value), 1, msg, n);
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

int cfgkey_find(const char *name, size_t len)
{
	return find_in(cfgkey_table, K_COUNT, name, len);
}

int cfgkey_find_lr_find(const char *name, size_t len)
{
	return find_in(cfgkey_lr_find, CFGKEY_N_LR_FIND, name, len);
}

int cfg_set(struct cfg *c, const char *key, const char *value, char *err,
	    size_t errlen)
{
	struct cfg t = *c;
	char msg[256];
	const char *why;
	int id = cfgkey_find(key, strlen(key)), sub = -1;
	int rc;

	if (id < 0 && strncmp(key, "lr_find.", 8) == 0)
		sub = cfgkey_find_lr_find(key + 8, strlen(key + 8));
	if (id < 0 && sub < 0) {
		if (errlen)
			snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	if (sub >= 0) {
		/* start < end waits for cfg_check: the other may come next */
		rc = cfgkey_set_text(&cfgkey_lr_find[sub], &t, value, strlen(value), 1,
			      msg, sizeof msg);
		why = rc ? msg : cfgkey_check_lr_find_entry(&t, sub);
	} else if (cfgkey_table[id].type == T_KEYS || cfgkey_table[id].type == T_PRESETS) {
		if (errlen)
			snprintf(err, errlen, "%s can only be set in the config file",
				 cfgkey_table[id].name);
		return -1;
	} else {
		rc = cfgkey_set_value(&t, &cfgkey_table[id], value, msg, sizeof msg);
		why = rc ? msg : cfgkey_check(&t, (enum key_id)id);
	}
	if (why) {
		if (errlen)
			snprintf(err, errlen, "%s", why);
		return -1;
	}
	*c = t;
	return 0;
}

/* ---- presets --------------------------------------------------------------- */

/* Whether a preset may set key id: the model and training settings, not
 * the dataset, the interface, the finder's sweep or the nested mappings. */
int cfgkey_preset_ok(int id)
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
