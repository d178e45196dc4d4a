/* screen.c -- the main loop, layout and focus (see screen.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "screen.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afile.h"
#include "help.h"
#include "text.h"
#include "views.h"

enum { PANE_DATASET, PANE_TRAIN, PANE_PARAMS, PANE_MOVIES, PANE_RECS, PANE_MAP,
       PANE_RUNS, N_PANES };
enum layout { LAYOUT_FULL, LAYOUT_TABS, LAYOUT_SMALL };

#define TRACE_MAX 200000        /* key presses recorded by --trace */
#define PENDING_MAX 64          /* keys read but not yet on screen */
#define EVENTS_MAX 100000       /* training gaps, stops and loads recorded */
#define LEFT_MIN_W 40           /* the full layout's left column, */
#define LEFT_MAX_W 64           /* a share of the width within these */
#define TRAIN_MIN_H 15          /* Training's height, border included */

struct screen {
	struct ui *ui;
	struct state *st;
	struct panel_env env;
	struct panel *pane[N_PANES];
	int focus;
	int show_map;                   /* full layout: Map in Training's place */
	int show_runs;                  /* full layout: Runs in Movies' place */
	enum layout layout;
	int full_redraw, status_dirty;
	int help_open, help_scroll;
	int confirm_quit;
	int quit;

	const char *trace_path;
	long *trace_us;                 /* (TRACE_MAX) or NULL */
	long n_trace;
	struct timespec pending[PENDING_MAX];
	int n_pending;
	/* --trace's other lines (write_trace): what happened, and when */
	struct trace_event {
		const char *what;       /* "load", "curve", "stop" */
		long us;
	} *events;                      /* (EVENTS_MAX) or NULL */
	long n_events;
	struct timespec started;        /* screen_run began */
	struct timespec stop_key;       /* a stop key was read ... */
	int stop_wait;                  /* ... and its effect is not on screen yet */
	unsigned long progress_seen;    /* st->n_progress on screen */
	struct timespec progress_at;    /* when that screen was drawn */
	int loading_seen;               /* st->loading on the last screen */
	int params_n;                   /* Hyperparameters rows laid out for */
	int overlay_shown;              /* a pane's popup is on screen */
	/* A message too long for the status line is shown whole, wrapped
	 * over the rows just above it, until the next key: */
	int band_rows;                  /* rows it took on the last screen */
	unsigned band_closed;           /* the st->status_seq a key closed */
};

static const unsigned pane_dirty[N_PANES] = {
	DIRTY_DATASET, DIRTY_TRAIN, DIRTY_PARAMS, DIRTY_MOVIES, DIRTY_RECS,
	DIRTY_MAP, DIRTY_RUNS,
};

struct screen *screen_new(struct ui *u, struct state *st,
			  const struct theme *th, const struct keymap *km,
			  const struct screen_cfg *cfg)
{
	struct screen *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->ui = u;
	s->st = st;
	s->env = (struct panel_env){
		.st = st, .th = th, .km = km, .unicode = u->unicode,
		.braille = cfg->braille, .smoothing = cfg->smoothing,
		.log_scale = cfg->log_scale,
	};
	s->pane[PANE_DATASET] = view_dataset_new();
	s->pane[PANE_TRAIN] = view_train_new();
	s->pane[PANE_PARAMS] = view_params_new();
	s->pane[PANE_MOVIES] = view_movies_new();
	s->pane[PANE_RECS] = view_recs_new();
	s->pane[PANE_MAP] = view_map_new();
	s->pane[PANE_RUNS] = view_runs_new();
	s->trace_path = cfg->trace_path;
	if (cfg->trace_path) {
		s->trace_us = malloc(TRACE_MAX * sizeof *s->trace_us);
		s->events = malloc(EVENTS_MAX * sizeof *s->events);
	}
	for (int i = 0; i < N_PANES; i++)
		if (!s->pane[i]) {
			screen_free(s);
			return NULL;
		}
	if (cfg->trace_path && (!s->trace_us || !s->events)) {
		screen_free(s);
		return NULL;
	}
	s->focus = PANE_PARAMS;
	st->focus = PANE_PARAMS + 1;
	return s;
}

void screen_free(struct screen *s)
{
	if (!s)
		return;
	for (int i = 0; i < N_PANES; i++)
		panel_free(s->pane[i]);
	free(s->trace_us);
	free(s->events);
	free(s);
}

/* ---- layout --------------------------------------------------------------- */

static int visible(const struct screen *s, int i)
{
	if (s->layout == LAYOUT_FULL)
		switch (i) {
		case PANE_MAP:    return s->show_map;
		case PANE_TRAIN:  return !s->show_map;
		case PANE_RUNS:   return s->show_runs;
		case PANE_MOVIES: return !s->show_runs;
		default:          return 1;
		}
	return s->layout == LAYOUT_TABS && i == s->focus;
}

/* Recompute every rectangle from LINES/COLS. */
static void relayout(struct screen *s)
{
	int W = COLS, H = LINES, rc = 0;

	if (W >= SCREEN_FULL_W && H >= SCREEN_FULL_H) {
		/* the left column a share of the width: 40 at 100 columns,
		 * 44 at 120, 64 at 200 and no wider */
		int left = W * 37 / 100, body = H - 1;
		if (left < LEFT_MIN_W)
			left = LEFT_MIN_W;
		if (left > LEFT_MAX_W)
			left = LEFT_MAX_W;
		/* the rows the values give (the nn's only for nn), and three
		 * lines more (a refusal's reason, stale, the keys) while
		 * Dataset keeps 15 rows: its summary, ML-100K's histogram and
		 * the most rated movie */
		enum params_field rows[PARAM_COUNT];
		int n = s->params_n = params_rows(&s->st->cfg, rows);
		int params_h = n + 2 + 3 <= body - 15 ? n + 2 + 3 : n + 2;
		/* right column: Training (or Map), Movies, Recommendations;
		 * Training tall enough for a chart of 4 rows above a 5-epoch
		 * table (from epoch 0) on a short screen */
		int train_h = body * 45 / 100, recs_h;
		if (train_h < TRAIN_MIN_H)
			train_h = TRAIN_MIN_H;
		recs_h = (body - train_h) / 2;

		s->layout = LAYOUT_FULL;
		rc |= panel_move(s->pane[PANE_DATASET], 0, 0, left, body - params_h);
		rc |= panel_move(s->pane[PANE_PARAMS], 0, body - params_h, left, params_h);
		rc |= panel_move(s->pane[PANE_TRAIN], left, 0, W - left, train_h);
		rc |= panel_move(s->pane[PANE_MAP], left, 0, W - left, train_h);
		rc |= panel_move(s->pane[PANE_MOVIES], left, train_h, W - left,
				 body - train_h - recs_h);
		rc |= panel_move(s->pane[PANE_RUNS], left, train_h, W - left,
				 body - train_h - recs_h);
		rc |= panel_move(s->pane[PANE_RECS], left, body - recs_h, W - left,
				 recs_h);
	} else if (W >= SCREEN_MIN_W && H >= SCREEN_MIN_H) {
		s->layout = LAYOUT_TABS;
		for (int i = 0; i < N_PANES; i++)
			rc |= panel_move(s->pane[i], 0, 1, W, H - 2);
	} else {
		s->layout = LAYOUT_SMALL;
	}
	if (rc)
		ui_fatal(s->ui, "out of memory laying out a %dx%d screen", W, H);
	for (int i = 0; i < N_PANES; i++)
		s->pane[i]->focused = i == s->focus;
	s->full_redraw = 1;
}

static void set_focus(struct screen *s, int i)
{
	if (s->overlay_shown)
		s->full_redraw = 1;     /* the popup goes with the focus */
	s->pane[s->focus]->focused = 0;
	s->pane[s->focus]->needs_redraw = 1;
	s->focus = (i + N_PANES) % N_PANES;
	s->st->focus = s->focus + 1;    /* kept for the next session */
	s->pane[s->focus]->focused = 1;
	s->pane[s->focus]->needs_redraw = 1;
	s->status_dirty = 1;
	if (s->layout == LAYOUT_TABS)
		s->full_redraw = 1;     /* another pane and the tab bar */
	if ((s->focus == PANE_MAP || s->focus == PANE_TRAIN) &&
	    s->show_map != (s->focus == PANE_MAP)) {
		/* Map and Training share a place in the full layout */
		s->show_map = s->focus == PANE_MAP;
		s->pane[PANE_MAP]->needs_redraw = s->pane[PANE_TRAIN]->needs_redraw = 1;
	}
	/* and Runs and Movies, keeping the Training chart in view for the
	 * overlay */
	if ((s->focus == PANE_RUNS || s->focus == PANE_MOVIES) &&
	    s->show_runs != (s->focus == PANE_RUNS)) {
		s->show_runs = s->focus == PANE_RUNS;
		s->pane[PANE_RUNS]->needs_redraw = s->pane[PANE_MOVIES]->needs_redraw = 1;
	}
}

/* ---- drawing ------------------------------------------------------------- */

/* "key desc" hints from the keymap, so rebinding changes them too. */
static int draw_hint(struct screen *s, int x, enum keys_action a, const char *label)
{
	char keys[64], *comma;

	keys_describe(s->env.km, a, keys, sizeof keys);
	if (!keys[0] || x >= COLS)
		return x;
	comma = strchr(keys, ',');
	if (comma)
		*comma = '\0';
	attrset(theme_attr(s->env.th, ROLE_STATUS_KEY));
	mvaddnstr(LINES - 1, x, keys, COLS - x);
	x += (int)strlen(keys);
	attrset(theme_attr(s->env.th, ROLE_STATUS));
	if (x < COLS)
		mvaddnstr(LINES - 1, x, label, COLS - x);
	return x + (int)strlen(label);
}

/* The columns "q quit ? help " takes: the hints the status line keeps
 * beside any message. */
static int kept_hints_w(const struct screen *s)
{
	static const enum keys_action kept[] = { ACT_QUIT, ACT_HELP };
	int w = 0;

	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		char keys[64], *comma;

		keys_describe(s->env.km, kept[i], keys, sizeof keys);
		if ((comma = strchr(keys, ',')))
			*comma = '\0';
		w += keys[0] ? (int)strlen(keys) + 6 : 0;       /* " quit " */
	}
	return w;
}

/* The rows above the status line that the current message takes, wrapped
 * at COLS - 2, when it does not fit beside the kept hints and no key has
 * closed it yet; 0 otherwise.  At most half the screen: a longer one
 * ends in an ellipsis. */
static int band_rows(const struct screen *s)
{
	const struct state *st = s->st;
	const char *t = st->status;
	wchar_t w[sizeof st->status];
	int n = 0, width;

	if (!st->status[0] || st->status_seq == s->band_closed || s->help_open ||
	    s->confirm_quit || s->layout == LAYOUT_SMALL || COLS < 8)
		return 0;
	n = text_decode(st->status, w, (int)(sizeof w / sizeof w[0]), 0);
	text_fit(w, n, n * 2 + 2, 0, &width);
	if (st->demo)
		width += (int)strlen(ENG_DEMO_NAME " | ");
	if (width <= COLS - kept_hints_w(s) - 2)
		return 0;       /* the status line shows it whole */
	n = 0;
	while (*t) {
		text_wrap(t, COLS - 2, &t);
		n++;
	}
	return n > LINES / 2 ? LINES / 2 : n;
}

/* The long message, wrapped over the n rows above the status line. */
static void draw_band(struct screen *s, int n)
{
	const struct state *st = s->st;
	const char *t = st->status;
	int y0 = LINES - 1 - n;

	for (int r = 0; r < n; r++) {
		char line[sizeof st->status + 8];
		const char *next;
		size_t len = text_wrap(t, COLS - 2, &next);

		attrset(theme_attr(s->env.th, ROLE_STATUS));
		mvhline(y0 + r, 0, ' ', COLS);
		snprintf(line, sizeof line, "%.*s", (int)len, t);
		if (r == n - 1 && *next)        /* more than half the screen */
			text_cut(t, COLS - 2, !s->env.unicode, line, sizeof line);
		wchar_t w[sizeof line];
		int nw = text_decode(line, w, (int)(sizeof w / sizeof w[0]), !s->env.unicode);
		attrset(theme_attr(s->env.th, st->status_err ? ROLE_BAD : ROLE_LABEL));
		mvaddnwstr(y0 + r, 1, w, text_fit(w, nw, COLS - 2, 0, NULL));
		t = next;
	}
}

static void draw_status(struct screen *s)
{
	const struct state *st = s->st;
	int x = 0;
	char right[sizeof st->status + 64];

	attrset(theme_attr(s->env.th, ROLE_STATUS));
	mvhline(LINES - 1, 0, ' ', COLS);
	if (s->confirm_quit) {
		attrset(theme_attr(s->env.th, ROLE_WARN));
		mvaddnstr(LINES - 1, 0, "Training is running. Quit anyway? (y/n)", COLS);
		return;
	}
	x = draw_hint(s, x, ACT_QUIT, " quit ");
	x = draw_hint(s, x, ACT_HELP, " help ");
	int x_keep = x;         /* quit and help stay whatever is said */
	x = draw_hint(s, x, ACT_NEXT_PANE, " pane ");
	x = draw_hint(s, x, ACT_TRAIN, " train ");
	x = draw_hint(s, x, ACT_STOP, " stop ");
	if (s->focus == PANE_PARAMS)
		x = draw_hint(s, x, ACT_SELECT, " edit ");
	if (s->focus == PANE_MOVIES) {
		x = draw_hint(s, x, ACT_SEARCH, " search ");
		x = draw_hint(s, x, ACT_SORT, " sort ");
	}
	if (s->focus == PANE_MOVIES || s->focus == PANE_RECS)
		x = draw_hint(s, x, ACT_RATE_1, "-5 rate ");
	if (s->focus == PANE_MOVIES) {
		x = draw_hint(s, x, ACT_SIMILAR, " similar ");
		x = draw_hint(s, x, ACT_LOVED, " loved ");
	}
	if (s->focus == PANE_MAP) {
		x = draw_hint(s, x, ACT_PC_X, " PC across ");
		x = draw_hint(s, x, ACT_PC_Y, " PC up ");
	}
	if (s->focus == PANE_PARAMS)
		x = draw_hint(s, x, ACT_PRESET, " preset ");
	if (s->focus == PANE_RUNS) {
		x = draw_hint(s, x, ACT_RUNS_OVERLAY, " curve ");
		x = draw_hint(s, x, ACT_RUNS_RESTORE, " restore ");
		x = draw_hint(s, x, ACT_RUNS_SORT, " order ");
	}

	/* the demo set says so whatever the message */
	const char *demo = st->demo ? ENG_DEMO_NAME " | " : "";
	if (st->status[0])
		snprintf(right, sizeof right, "%s%s", demo, st->status);
	else if (st->training)
		snprintf(right, sizeof right, "%straining", demo);
	else
		snprintf(right, sizeof right, "%.*s", st->demo ? (int)strlen(ENG_DEMO_NAME) : 0,
			 demo);
	int len = (int)strlen(right), at = COLS - len - 1;
	/* a message that does not fit beside the hints takes the place of
	 * all but quit and help: what was just said matters more than the
	 * rest of the key list */
	if (at < x + 1 && len) {
		attrset(theme_attr(s->env.th, ROLE_STATUS));
		mvhline(LINES - 1, x_keep, ' ', COLS - x_keep);
		x = x_keep;
	}
	if (at < x + 1)
		at = x + 1;
	if (len && at < COLS) {
		attrset(theme_attr(s->env.th, st->status_err ? ROLE_BAD : ROLE_LABEL));
		mvaddnstr(LINES - 1, at, right, COLS - at);
	}
}

/* The tab bar: " 1 Dataset  2 Training ..." when every title fits; else
 * the labels close up ("1 Dataset 2 Training ...", the first four kept
 * whole) and tabs that would not fit show just their number.  Fills
 * label[i] and its column x[i]. */
static void tab_layout(const struct screen *s, char label[N_PANES][40], int x[N_PANES])
{
	int full = 0, at;

	for (int i = 0; i < N_PANES; i++)
		full += (int)strlen(s->pane[i]->tab) + 5;
	if (full <= COLS) {
		for (int i = 0, at0 = 0; i < N_PANES; i++) {
			x[i] = at0;
			at0 += snprintf(label[i], 40, " %d %s ", i + 1, s->pane[i]->tab) + 1;
		}
		return;
	}
	at = 1;
	for (int i = 0; i < N_PANES; i++) {
		int w = (int)strlen(s->pane[i]->tab) + 3, rest = 2 * (N_PANES - 1 - i);

		x[i] = at;
		if (i < 4 || at + w + rest <= COLS)
			at += snprintf(label[i], 40, "%d %s ", i + 1, s->pane[i]->tab);
		else
			at += snprintf(label[i], 40, "%d ", i + 1);
	}
}

static void draw_tabs(struct screen *s)
{
	char label[N_PANES][40];
	int x[N_PANES];

	tab_layout(s, label, x);
	attrset(theme_attr(s->env.th, ROLE_TAB));
	mvhline(0, 0, ' ', COLS);
	for (int i = 0; i < N_PANES && x[i] < COLS; i++) {
		attrset(theme_attr(s->env.th, i == s->focus ? ROLE_TAB_ACTIVE : ROLE_TAB));
		mvaddnstr(0, x[i], label[i], COLS - x[i]);
	}
}

static void draw_small(struct screen *s)
{
	char msg[96];
	int n;

	erase();
	n = snprintf(msg, sizeof msg, "terminal too small: %dx%d, need %dx%d",
		     COLS, LINES, SCREEN_MIN_W, SCREEN_MIN_H);
	attrset(theme_attr(s->env.th, ROLE_BAD));
	mvaddnstr(LINES / 2, (COLS - n) / 2 > 0 ? (COLS - n) / 2 : 0, msg, COLS);
	attrset(theme_attr(s->env.th, ROLE_LABEL));
	mvaddnstr(LINES / 2 + 1, (COLS - 7) / 2 > 0 ? (COLS - 7) / 2 : 0, "q quits", COLS);
}

/* Draw what is dirty; returns whether anything was drawn. */
static int render(struct screen *s)
{
	int drew = 0;
	enum params_field rows[PARAM_COUNT];

	/* a model with other rows (nn's network, ials's alpha) gives the
	 * Hyperparameters pane another height */
	if (s->layout == LAYOUT_FULL &&
	    params_rows(&s->st->cfg, rows) != s->params_n)
		relayout(s);
	if (s->layout == LAYOUT_SMALL) {
		if (!s->full_redraw)
			return 0;
		draw_small(s);
		s->full_redraw = 0;
		return 1;
	}
	/* a long message's rows come and go with a full redraw: the panes
	 * under them are drawn again */
	int band = band_rows(s);
	if (band != s->band_rows)
		s->full_redraw = 1;
	s->band_rows = band;
	if (s->full_redraw) {
		erase();
		for (int i = 0; i < N_PANES; i++)
			s->pane[i]->needs_redraw = 1;
		s->status_dirty = 1;
		if (s->layout == LAYOUT_TABS)
			draw_tabs(s);
		drew = 1;
	}
	for (int i = 0; i < N_PANES; i++)
		if (visible(s, i) && s->pane[i]->needs_redraw) {
			panel_draw(s->pane[i], &s->env);
			drew = 1;
		}
	if (s->status_dirty) {
		draw_status(s);
		s->status_dirty = 0;
		drew = 1;
	}
	/* the focused pane's popup over everything but the help */
	struct panel *f = s->pane[s->focus];
	if (drew)
		s->overlay_shown = visible(s, s->focus) && f->cls->overlay &&
				   f->cls->overlay(f, &s->env);
	if (band && drew)
		draw_band(s, band);
	if (s->help_open && drew)
		help_draw(&s->env, s->help_scroll);
	s->full_redraw = 0;
	return drew;
}

/* ---- input ---------------------------------------------------------------- */

static void mark(struct screen *s, unsigned dirty)
{
	for (int i = 0; i < N_PANES; i++)
		if (dirty & pane_dirty[i])
			s->pane[i]->needs_redraw = 1;
	if (dirty & DIRTY_STATUS)
		s->status_dirty = 1;
}

/* Keys the focused pane did not take. */
static void global_key(struct screen *s, enum keys_action act, int key)
{
	struct state *st = s->st;

	switch (act) {
	case ACT_QUIT:
		if (st->training) {
			s->confirm_quit = 1;
			s->status_dirty = 1;
		} else {
			s->quit = 1;
		}
		break;
	case ACT_HELP:
		s->help_open = 1;
		s->help_scroll = 0;
		s->full_redraw = 1;
		break;
	case ACT_NEXT_PANE: set_focus(s, s->focus + 1); break;
	case ACT_PREV_PANE: set_focus(s, s->focus - 1); break;
	case ACT_PANE_1: set_focus(s, PANE_DATASET); break;
	case ACT_PANE_2: set_focus(s, PANE_TRAIN); break;
	case ACT_PANE_3: set_focus(s, PANE_PARAMS); break;
	case ACT_PANE_4: set_focus(s, PANE_MOVIES); break;
	case ACT_PANE_5: set_focus(s, PANE_RECS); break;
	case ACT_PANE_6: set_focus(s, PANE_MAP); break;
	case ACT_PANE_7: set_focus(s, PANE_RUNS); break;
	case ACT_PRESET:
		state_preset_next(st);
		mark(s, DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS | DIRTY_RECS);
		break;
	case ACT_TRAIN:
	case ACT_TRAIN_ME:
		state_train(st, act == ACT_TRAIN_ME);
		mark(s, DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS);
		break;
	case ACT_LR_FIND:
	case ACT_LR_APPLY:
		if (act == ACT_LR_FIND)
			state_lr_find(st);
		else
			state_lr_apply(st);
		mark(s, DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS);
		break;
	case ACT_STOP:
		if (state_stop(st) == 0 && s->events) {
			clock_gettime(CLOCK_MONOTONIC, &s->stop_key);
			s->stop_wait = 1;
		}
		s->status_dirty = 1;
		break;
	case ACT_EXPORT:
		state_export(st);
		s->status_dirty = 1;
		break;
	case ACT_SMOOTHING:
		s->env.smoothing = !s->env.smoothing;
		mark(s, DIRTY_TRAIN);
		break;
	case ACT_LOG_SCALE:
		s->env.log_scale = !s->env.log_scale;
		mark(s, DIRTY_TRAIN);
		break;
	case ACT_SEARCH:
	case ACT_SORT:
		/* from any pane: go to the movies and do it there */
		set_focus(s, PANE_MOVIES);
		mark(s, s->pane[PANE_MOVIES]->cls->on_key(s->pane[PANE_MOVIES], key,
							   act, &s->env) &
			 PANEL_STATUS ? DIRTY_STATUS : 0);
		s->pane[PANE_MOVIES]->needs_redraw = 1;
		break;
	default:
		break;
	}
}

static int pane_at(const struct screen *s, int x, int y)
{
	for (int i = 0; i < N_PANES; i++) {
		const struct panel *p = s->pane[i];

		if (visible(s, i) && x >= p->x && x < p->x + p->w &&
		    y >= p->y && y < p->y + p->h)
			return i;
	}
	return -1;
}

static void mouse(struct screen *s)
{
	MEVENT me;
	int i;

	if (getmouse(&me) != OK)
		return;
	if (s->layout == LAYOUT_TABS && me.y == 0 && (me.bstate & BUTTON1_PRESSED)) {
		/* " 1 Dataset " ... : find the tab under the click */
		char label[N_PANES][40];
		int x[N_PANES];

		tab_layout(s, label, x);
		for (i = 0; i < N_PANES; i++)
			if (me.x >= x[i] && me.x < x[i] + (int)strlen(label[i])) {
				set_focus(s, i);
				return;
			}
		return;
	}
	i = pane_at(s, me.x, me.y);
	if (i < 0)
		return;
	if (me.bstate & BUTTON1_PRESSED) {
		if (i != s->focus)
			set_focus(s, i);
	} else if (me.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		enum keys_action a = me.bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN;
		struct panel *p = s->pane[i];

		for (int k = 0; k < 3; k++)
			if (p->cls->on_key(p, 0, a, &s->env) & PANEL_REDRAW)
				p->needs_redraw = 1;
	}
}

/* A curses key as struct keymap numbers it. */
static int normalise(int rc, wint_t wc)
{
	int key = rc == KEY_CODE_YES ? KEYS_FN((int)wc) : (int)wc;

	if (key == '\r' || key == KEYS_FN(KEY_ENTER))
		key = '\n';
	return key;
}

static void handle_key(struct screen *s, int key)
{
	struct panel *p = s->pane[s->focus];
	enum keys_action act = keys_action_in(s->env.km, key, p->cls->list_keys);
	unsigned r;

	if (s->layout == LAYOUT_SMALL) {
		if (act == ACT_QUIT)
			global_key(s, act, key);
		return;
	}
	/* a key closes the long message's rows, and does what it does */
	if (s->band_rows)
		s->band_closed = s->st->status_seq;
	if (s->confirm_quit) {
		s->confirm_quit = 0;
		s->status_dirty = 1;
		if (key == 'y' || key == 'Y')
			s->quit = 1;
		return;
	}
	if (s->help_open) {
		if (act == ACT_DOWN || act == ACT_UP || act == ACT_PAGE_DOWN ||
		    act == ACT_PAGE_UP || act == ACT_HOME || act == ACT_END) {
			int page = LINES / 2;

			s->help_scroll += act == ACT_DOWN ? 1 : act == ACT_UP ? -1 :
					  act == ACT_PAGE_DOWN ? page :
					  act == ACT_PAGE_UP ? -page :
					  act == ACT_END ? help_lines() : -help_lines();
			if (s->help_scroll > help_max_scroll())
				s->help_scroll = help_max_scroll();
			if (s->help_scroll < 0)
				s->help_scroll = 0;
		} else {
			s->help_open = 0;
		}
		s->full_redraw = 1;
		return;
	}
	r = p->cls->on_key(p, key, act, &s->env);
	if (r & PANEL_REDRAW)
		p->needs_redraw = 1;
	/* a popup spans other panes: what it covered comes back when it
	 * closes or moves */
	if ((r & PANEL_REDRAW) && s->overlay_shown)
		s->full_redraw = 1;
	if (r & PANEL_STATUS)
		s->status_dirty = 1;
	if (r & PANEL_PARAMS) {
		/* the stale marks; the values, when another pane set them
		 * (Runs: restore) */
		s->pane[PANE_TRAIN]->needs_redraw = 1;
		s->pane[PANE_RECS]->needs_redraw = 1;
		s->pane[PANE_PARAMS]->needs_redraw = 1;
	}
	if (r & PANEL_RECS)
		mark(s, DIRTY_MOVIES | DIRTY_RECS);
	if (!(r & PANEL_HANDLED))
		global_key(s, act, key);
}

/* How long to wait for the rest of an escape sequence that stopped
 * mid-way: as long as curses waits after an ESC (ui.c's set_escdelay). */
#define ESC_REST_MS 25

/* The next character curses has; when none is there yet, one wait of
 * ESC_REST_MS for it on stdin.  get_wch's result. */
static int next_char_soon(wint_t *wc)
{
	int rc = get_wch(wc);

	if (rc == ERR) {
		struct pollfd in = { .fd = 0, .events = POLLIN };

		if (poll(&in, 1, ESC_REST_MS) > 0)
			rc = get_wch(wc);
	}
	return rc;
}

/* An ESC was read: curses either saw nothing after it for ESCDELAY (the
 * Esc key) or saw bytes that make no key it knows, which it hands back
 * one by one.  An escape sequence (keys.h) is swallowed whole, and mapped
 * when it is a Home, End, Delete ... variant; anything else after the ESC
 * (Alt-x, or Esc typed with a key) is left for the next read.  Returns
 * the key to handle: the Esc key (27), a mapped key, or 0 for nothing. */
static int read_escape(void)
{
	struct keys_esc esc;
	wint_t wc;
	int rc = get_wch(&wc), key = 27;

	if (rc == ERR)
		return 27;
	if (rc != OK || !keys_esc_introducer((int)wc)) {
		if (rc == KEY_CODE_YES)
			ungetch((int)wc);
		else
			unget_wch((wchar_t)wc);
		return 27;
	}
	keys_esc_begin(&esc, (int)wc);
	for (;;) {
		rc = next_char_soon(&wc);
		if (rc == ERR)
			return 0;               /* cut short: dropped */
		if (rc == KEY_CODE_YES) {
			ungetch((int)wc);       /* a key of its own: keep it */
			return 0;
		}
		switch (keys_esc_feed(&esc, (int)wc, &key)) {
		case KEYS_ESC_MORE:
			continue;
		case KEYS_ESC_KEY:
			return key;
		case KEYS_ESC_DROP:
			return 0;
		}
	}
}

/* Read every key waiting; returns 1 when one was read. */
static int read_keys(struct screen *s)
{
	wint_t wc;
	int rc, any = 0;

	while ((rc = get_wch(&wc)) != ERR) {
		any = 1;
		if (s->trace_us && s->n_pending < PENDING_MAX)
			clock_gettime(CLOCK_MONOTONIC, &s->pending[s->n_pending++]);
		if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
			relayout(s);
		} else if (rc == KEY_CODE_YES && wc == KEY_MOUSE) {
			mouse(s);
		} else {
			int key = normalise(rc, wc);

			if (key == 27)
				key = read_escape();
			if (key != 0)
				handle_key(s, key);
		}
		if (s->quit)
			break;
	}
	return any;
}

static long us_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000L + (b->tv_nsec - a->tv_nsec) / 1000;
}

static void trace_event(struct screen *s, const char *what, long us)
{
	if (s->n_events < EVENTS_MAX)
		s->events[s->n_events++] = (struct trace_event){ what, us };
}

/* The keys read this pass are now on screen: record their latency.  And
 * what the screen now shows of the engine: the dataset loaded ("load",
 * from the start), new training progress ("curve", the gap since the
 * last screen that had some, while a run trains), the end of a stopped
 * run or load ("stop", from the stop key). */
static void trace_done(struct screen *s)
{
	const struct state *st = s->st;
	struct timespec now;

	if (!s->trace_us)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (int i = 0; i < s->n_pending && s->n_trace < TRACE_MAX; i++)
		s->trace_us[s->n_trace++] = us_between(&s->pending[i], &now);
	s->n_pending = 0;
	if (s->loading_seen && !st->loading && st->loaded)
		trace_event(s, "load", us_between(&s->started, &now));
	s->loading_seen = st->loading;
	if (st->n_progress != s->progress_seen) {
		if (st->training && s->progress_at.tv_sec)
			trace_event(s, "curve", us_between(&s->progress_at, &now));
		s->progress_seen = st->n_progress;
		s->progress_at = now;
	}
	if (!st->training)
		s->progress_at = (struct timespec){0};
	if (s->stop_wait && !st->training && !st->lr_running && !st->loading) {
		trace_event(s, "stop", us_between(&s->stop_key, &now));
		s->stop_wait = 0;
	}
}

/* Write one --trace file: the key latencies (events 0), one number a
 * line, or the events, "WHAT US" a line; atomically (afile.h), so a FIFO
 * or a device there is refused, not written to.  0, or -1 with a
 * message. */
static int write_lines(const struct screen *s, const char *path, int events)
{
	char err[4200], line[64];
	struct afile *f = afile_open(path, err, sizeof err);

	if (!f) {
		fprintf(stderr, "collabtui: --trace: %s\n", err);
		return -1;
	}
	for (long i = 0; i < (events ? s->n_events : s->n_trace); i++) {
		int n = events ? snprintf(line, sizeof line, "%s %ld\n", s->events[i].what, s->events[i].us)
			       : snprintf(line, sizeof line, "%ld\n", s->trace_us[i]);

		afile_write(f, line, (size_t)n);
	}
	if (afile_commit(f, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: --trace: %s\n", err);
		return -1;
	}
	return 0;
}

/* --trace FILE: the keys in FILE, the rest in FILE.events. */
static int write_trace(const struct screen *s)
{
	char path[4096];

	if (!s->trace_path)
		return 0;
	snprintf(path, sizeof path, "%s.events", s->trace_path);
	if (write_lines(s, s->trace_path, 0) != 0)
		return -1;      /* one message is enough: the place is bad */
	return write_lines(s, path, 1);
}

int screen_run(struct screen *s)
{
	struct backend *be = s->st->be;
	struct pollfd fds[3];
	int nfds = 0;

	fds[nfds++] = (struct pollfd){ .fd = 0, .events = POLLIN };
	fds[nfds++] = (struct pollfd){ .fd = ui_signal_fd(s->ui), .events = POLLIN };
	if (be->fd(be->ctx) >= 0)
		fds[nfds++] = (struct pollfd){ .fd = be->fd(be->ctx), .events = POLLIN };
	relayout(s);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->loading_seen = s->st->loading;
	while (!s->quit) {
		mark(s, state_pump(s->st));
		if (s->st->focus_want) {        /* last session's pane */
			set_focus(s, s->st->focus_want - 1);
			s->st->focus_want = 0;
		}
		if (render(s))
			refresh();
		trace_done(s);
		if (poll(fds, (nfds_t)nfds, -1) < 0 && errno != EINTR)
			ui_fatal(s->ui, "poll: %s", strerror(errno));
		if (ui_take_signal(s->ui) != 0)
			break;          /* tui_run re-raises it (ui.h) */
		/* after EINTR too: SIGWINCH is read as KEY_RESIZE */
		read_keys(s);
	}
	return write_trace(s);
}
