/* theme.c -- themes/NAME.yaml -> per-role attributes (see theme.h). */
#include "theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

#include "afile.h"
#include "paths.h"

#ifndef COLLABTUI_DATADIR
#define COLLABTUI_DATADIR "/usr/local/share/collabtui"
#endif

static const struct {
	const char *name;
	short fg, bg;
	attr_t attrs, mono;
} builtin[ROLE_COUNT] = {
#define THEME_ROW(e, n, f, b, a, m) [ROLE_##e] = { n, f, b, a, m },
	THEME_ROLES(THEME_ROW)
#undef THEME_ROW
};

static const char *const colour_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
	{ "bold", A_BOLD }, { "dim", A_DIM }, { "reverse", A_REVERSE },
	{ "underline", A_UNDERLINE }, { "italic", A_ITALIC },
	{ "standout", A_STANDOUT },
};

/* A colour name or number: 0, or -1. */
static int parse_colour(const char *s, short *out)
{
	char *end;
	long v;

	if (strcmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (strcmp(s, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
		if (strncmp(s, "bright-", 7) == 0 &&
		    strcmp(s + 7, colour_names[i]) == 0) {
			*out = (short)(i + 8);
			return 0;
		}
	}
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 255) {
		*out = (short)v;
		return 0;
	}
	return -1;
}

static int parse_attr(const char *s, attr_t *out)
{
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
		if (strcmp(s, attr_names[i].name) == 0) {
			*out = attr_names[i].attr;
			return 0;
		}
	return -1;
}

/* ---- the file ----------------------------------------------------------- */

struct tctx {
	const char *path;
	yaml_parser_t p;
	yaml_event_t ev;
	int have;
	char *err;
	size_t errlen;
};

static int tfail(struct tctx *x, yaml_mark_t m, const char *what, const char *s)
{
	snprintf(x->err, x->errlen, "%s:%lu:%lu: %s%s%s%s", x->path,
		 (unsigned long)m.line + 1, (unsigned long)m.column + 1, what,
		 s ? " '" : "", s ? s : "", s ? "'" : "");
	return -1;
}

static int tnext(struct tctx *x)
{
	if (x->have)
		yaml_event_delete(&x->ev);
	x->have = 0;
	if (!yaml_parser_parse(&x->p, &x->ev))
		return tfail(x, x->p.problem_mark, "YAML syntax error:",
			     x->p.problem ? x->p.problem : "unknown");
	x->have = 1;
	return 0;
}

static const char *tscalar(const struct tctx *x)
{
	return (const char *)x->ev.data.scalar.value;
}

/* role: [fg, bg, attr...] -- x->ev is the value's first event. */
static int read_role(struct tctx *x, struct theme *t, int r)
{
	int n = 0;

	if (x->ev.type != YAML_SEQUENCE_START_EVENT)
		return tfail(x, x->ev.start_mark, "expected [fg, bg, attribute...]"
			     " for role", builtin[r].name);
	t->attrs[r] = 0;
	for (;; n++) {
		if (tnext(x))
			return -1;
		if (x->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (x->ev.type != YAML_SCALAR_EVENT)
			return tfail(x, x->ev.start_mark, "expected a colour or "
				     "an attribute", NULL);
		if (n < 2) {
			short c;

			if (parse_colour(tscalar(x), &c))
				return tfail(x, x->ev.start_mark, "expected a colour "
					     "(default, red, bright-red, 0-255), found",
					     tscalar(x));
			if (n == 0)
				t->fg[r] = c;
			else
				t->bg[r] = c;
		} else {
			attr_t a;

			if (parse_attr(tscalar(x), &a))
				return tfail(x, x->ev.start_mark, "expected an "
					     "attribute (bold, dim, reverse, underline, "
					     "italic, standout), found", tscalar(x));
			t->attrs[r] |= a;
		}
	}
	if (n < 2)
		return tfail(x, x->ev.start_mark, "expected at least [fg, bg] "
			     "for role", builtin[r].name);
	return 0;
}

static int read_theme(struct tctx *x, struct theme *t)
{
	/* STREAM_START, DOCUMENT_START or STREAM_END, then the mapping */
	if (tnext(x) || tnext(x))
		return -1;
	if (x->ev.type == YAML_STREAM_END_EVENT)
		return 0;
	if (tnext(x))
		return -1;
	if (x->ev.type != YAML_MAPPING_START_EVENT)
		return tfail(x, x->ev.start_mark, "expected a mapping of "
			     "role: [fg, bg, attribute...]", NULL);
	for (;;) {
		int r = 0;

		if (tnext(x))
			return -1;
		if (x->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (x->ev.type != YAML_SCALAR_EVENT)
			return tfail(x, x->ev.start_mark, "expected a role name", NULL);
		while (r < ROLE_COUNT && strcmp(builtin[r].name, tscalar(x)) != 0)
			r++;
		if (r == ROLE_COUNT)
			return tfail(x, x->ev.start_mark, "unknown role", tscalar(x));
		if (tnext(x) || read_role(x, t, r))
			return -1;
	}
}

static int load_file(struct theme *t, const char *path, FILE *f, char *err,
		     size_t errlen)
{
	struct tctx x;
	int rc;

	memset(&x, 0, sizeof x);
	x.path = path;
	x.err = err;
	x.errlen = errlen;
	if (!yaml_parser_initialize(&x.p)) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	yaml_parser_set_input_file(&x.p, f);
	rc = read_theme(&x, t);
	if (x.have)
		yaml_event_delete(&x.ev);
	yaml_parser_delete(&x.p);
	return rc;
}

static void set_builtin(struct theme *t, const char *name)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	for (int r = 0; r < ROLE_COUNT; r++) {
		t->fg[r] = builtin[r].fg;
		t->bg[r] = builtin[r].bg;
		t->attrs[r] = builtin[r].attrs;
	}
}

/* Open themes/NAME.yaml from the first directory that has it.  NULL with
 * err empty when none has, NULL with the reason in err when the first one
 * there cannot be read (or is not a regular file: a FIFO would block). */
static FILE *open_theme(const char *name, char *path, size_t n, char *err,
			size_t errlen)
{
	char dirs[3][1024];
	int nd = 0;

	if (paths_user_file(PATHS_CONFIG, "themes", dirs[nd], sizeof dirs[0]) == 0)
		nd++;
	snprintf(dirs[nd++], sizeof dirs[0], "themes");
	snprintf(dirs[nd++], sizeof dirs[0], "%s/themes", COLLABTUI_DATADIR);
	for (int i = 0; i < nd; i++) {
		FILE *f;

		snprintf(path, n, "%.1023s/%.31s.yaml", dirs[i], name);
		f = afile_fopen_read(path, err, errlen);
		if (f)
			return f;
		if (errno != ENOENT && errno != ENOTDIR)
			return NULL;
	}
	if (errlen)
		err[0] = '\0';
	return NULL;
}

int theme_load(struct theme *t, const char *name, char *err, size_t errlen)
{
	const char *nc = getenv("NO_COLOR");
	char path[1100];
	FILE *f;
	int rc;

	/* NO_COLOR only changes the default: a named theme wins */
	int implicit_mono = !name[0] && nc && nc[0];

	if (!name[0])
		name = implicit_mono ? "mono" : "default";
	set_builtin(t, name);
	t->mono = implicit_mono;
	f = open_theme(name, path, sizeof path, err, errlen);
	if (!f && errlen && err[0])
		return -1;
	if (!f) {
		if (strcmp(name, "mono") == 0)
			t->mono = 1;
		if (strcmp(name, "default") == 0 || strcmp(name, "mono") == 0)
			return 0;
		/* the user's directory as it is here: XDG_CONFIG_HOME's
		 * when that is set */
		char mine[512];
		if (paths_user_file(PATHS_CONFIG, "", mine, sizeof mine) != 0)
			snprintf(mine, sizeof mine, "~/.config/collabtui");
		size_t ml = strlen(mine);
		if (ml > 1 && mine[ml - 1] == '/')
			mine[ml - 1] = '\0';
		snprintf(err, errlen, "theme '%s' not found (looked for "
			 "themes/%s.yaml in %s, the current "
			 "directory and %s)", name, name, mine, COLLABTUI_DATADIR);
		return -1;
	}
	rc = load_file(t, path, f, err, errlen);
	fclose(f);
	return rc;
}

/* ---- onto the terminal -------------------------------------------------- */

/* The nearest of the 8 basic colours to xterm colour c (16..255), by the
 * 6x6x6 cube or the grey ramp. */
static short nearest8(short c)
{
	int r, g, b;

	if (c < 8)
		return c;
	if (c < 16)
		return (short)(c - 8);
	if (c >= 232)
		return c >= 244 ? COLOR_WHITE : COLOR_BLACK;
	c = (short)(c - 16);
	r = c / 36 >= 3;
	g = (c / 6) % 6 >= 3;
	b = c % 6 >= 3;
	return (short)(r | g << 1 | b << 2);
}

static short fit(short c)
{
	if (c < 0 || c < COLORS)
		return c;
	return nearest8(c);
}

void theme_apply(struct theme *t)
{
	int colours = !t->mono && has_colors() && COLOR_PAIRS > ROLE_COUNT;

	for (int r = 0; r < ROLE_COUNT; r++) {
		if (!colours) {
			t->attr[r] = builtin[r].mono;
			continue;
		}
		short fg = fit(t->fg[r]), bg = fit(t->bg[r]);
		attr_t bold = 0;

		/* bright colours on an 8-colour terminal: bold brightens the
		 * foreground on most of them */
		if (COLORS < 16 && t->fg[r] >= 8 && t->fg[r] < 16)
			bold = A_BOLD;
		init_pair((short)(r + 1), fg, bg);
		t->attr[r] = COLOR_PAIR(r + 1) | t->attrs[r] | bold;
	}
}
