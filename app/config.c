/* config.c -- read config.yaml with libyaml's event parser.
 *
 * The keys, their checks and how a value is read from text are
 * settings.c's (cfgkeys.h); this file walks the YAML.  The file is walked as a stream of events (no document tree is built):
 * one mapping whose keys come from the table below, each value checked for
 * its type and range as soon as it is read, so every error can name the
 * line and column of the offending text.  Numbers are parsed in the C
 * locale, whatever LC_NUMERIC the program has set.
 */
#include "config.h"
#include "cfgkeys.h"

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

#if defined(__GNUC__)
#define CFG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CFG_PRINTF(f, a)
#endif

/* ---- the parser ----------------------------------------------------------- */

/* ---- scalars -------------------------------------------------------------- */

static int is_null(const char *s, size_t len, yaml_scalar_style_t style)
{
	if (style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

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
			    "or none, found '%s'", cfgkey_show(scalar(x), sh));
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
		if (!t || cfgkey_parse_double(t, &d))
			return fail(x, x->ev.start_mark, "y_range: expected a "
				    "number, found '%s'", cfgkey_show(scalar(x), sh));
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
		if (cfgkey_set_text(k, c, scalar(x), x->ev.data.scalar.length, 1, msg,
			     sizeof msg))
			return fail(x, start, "layers: %s", msg);
		return 0;
	}
	if (x->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(x, start, "layers: expected %s, found %s",
			    cfgkey_want(k, list, sizeof list), node_kind(&x->ev));
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
		if (!t || cfgkey_parse_long(t, 1, CFG_LAYER_WIDTH_MAX, &v))
			return fail(x, x->ev.start_mark, "layers: expected a width "
				    "of 1..%d, found '%s'", CFG_LAYER_WIDTH_MAX,
				    cfgkey_show(scalar(x), sh));
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
			    "found '%s'", b->action, cfgkey_show(s, sh));
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
				    "name, found '%s'", cfgkey_show(scalar(x), sh));
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
	int seen[CFGKEY_N_LR_FIND] = { 0 };

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
			j = cfgkey_find_lr_find(scalar(x), x->ev.data.scalar.length);
		if (j < 0)
			return fail(x, x->ev.start_mark, "lr_find: expected start, "
				    "end or num_it, found '%s'",
				    x->ev.type == YAML_SCALAR_EVENT ?
				    cfgkey_show(scalar(x), sh) : node_kind(&x->ev));
		if (seen[j])
			return fail(x, x->ev.start_mark, "lr_find: duplicate key "
				    "'%s'", cfgkey_lr_find[j].name);
		seen[j] = 1;
		const struct key *k = &cfgkey_lr_find[j];
		if (next(x))
			return -1;
		if (x->ev.type != YAML_SCALAR_EVENT)
			return fail(x, x->ev.start_mark, "lr_find: %s: expected %s, "
				    "found %s", k->name, cfgkey_want(k, list, sizeof list),
				    node_kind(&x->ev));
		if (cfgkey_set_text(k, c, scalar(x), x->ev.data.scalar.length,
			     x->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
			     msg, sizeof msg))
			return fail(x, x->ev.start_mark, "lr_find: %s: %s", k->name,
				    msg);
		const char *why = cfgkey_check_lr_find_entry(c, j);
		if (why)
			return fail(x, x->ev.start_mark, "%s", why);
	}
}

static int read_value(struct ctx *x, const struct key *k, struct cfg *c);

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
		id = cfgkey_find(scalar(x), x->ev.data.scalar.length);
		if (id < 0 || !cfgkey_preset_ok(id))
			return fail(x, x->ev.start_mark, "presets: %s: '%s' is not a "
				    "model or training setting", p->name,
				    cfgkey_show(scalar(x), sh));
		for (int i = 0; i < p->n; i++)
			if (strcmp(p->kv[i].key, cfgkey_table[id].name) == 0)
				return fail(x, x->ev.start_mark, "presets: %s: duplicate "
					    "key '%s'", p->name, cfgkey_table[id].name);
		if (p->n == CFG_PRESET_KEYS)
			return fail(x, x->ev.start_mark, "presets: %s: at most %d "
				    "settings", p->name, CFG_PRESET_KEYS);
		struct cfg_preset_kv *kv = &p->kv[p->n++];
		snprintf(kv->key, sizeof kv->key, "%s", cfgkey_table[id].name);

		if (next(x))
			return -1;
		yaml_mark_t vmark = x->ev.start_mark;
		if (read_value(x, &cfgkey_table[id], &t))
			return -1;
		const char *why = cfgkey_check(&t, (enum key_id)id);
		if (why)
			return fail(x, vmark, "presets: %s: %s", p->name, why);
		int w;
		if (cfgkey_table[id].type == T_RANGE)
			w = t.y_range_on
			    ? snprintf(kv->value, sizeof kv->value, "%.17g,%.17g",
				       t.y_range[0], t.y_range[1])
			    : snprintf(kv->value, sizeof kv->value, "none");
		else if (cfgkey_table[id].type == T_LAYERS)
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
		    !cfgkey_is_word(scalar(x), n))
			return fail(x, x->ev.start_mark, "presets: expected a preset "
				    "name of letters, digits, '-' and '_' (at most %d), "
				    "found '%s'", CFG_NAME_MAX - 1,
				    x->ev.type == YAML_SCALAR_EVENT ?
				    cfgkey_show(scalar(x), sh) : node_kind(&x->ev));
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
			    k->name, cfgkey_want(k, list, sizeof list),
			    node_kind(&x->ev));
	if ((k->type == T_PATH || k->type == T_WORD) && scalar_is_null(x)) {
		((char *)c + k->off)[0] = '\0';
		return 0;
	}
	if (cfgkey_set_text(k, c, scalar(x), x->ev.data.scalar.length,
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
				 cfgkey_table[id].name);
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
			why = cfgkey_check_together(c);
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
		id = cfgkey_find(scalar(x), x->ev.data.scalar.length);
		if (id < 0) {
			char names[320];

			key_names(names, sizeof names);
			return fail(x, x->ev.start_mark, "unknown key '%s' (expected "
				    "one of %s)", cfgkey_show(scalar(x), sh), names);
		}
		k = &cfgkey_table[id];
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
		why = cfgkey_check(c, (enum key_id)id);
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
			     "(key: value), found '%s'", cfgkey_show(scalar(&x), sh));
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
