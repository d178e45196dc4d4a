/* panel.h -- a pane: a rectangle of stdscr with a border, a title, focus,
 * a selection and scroll position, a needs_redraw flag, and a class
 * (vtable) that draws its inside and handles its keys.  Nothing calls
 * newwin: everything is drawn at absolute positions on stdscr and sent to
 * the terminal by one doupdate() per pass (htop's Panel).
 *
 * Concrete panes embed struct panel as their first member and are created
 * by their view_*_new(); panel_free() releases any of them.
 */
#ifndef COLLABTUI_PANEL_H
#define COLLABTUI_PANEL_H

#include <stdarg.h>

#include "keys.h"
#include "state.h"
#include "theme.h"

/* What the panes read besides the state. */
struct panel_env {
	struct state *st;
	const struct theme *th;
	const struct keymap *km;
	int unicode;            /* the terminal takes UTF-8 */
	int braille;            /* draw charts in braille */
	int smoothing;          /* smoothed training loss */
	int log_scale;          /* log y axis */
};

/* What a key handler did (bits). */
enum {
	PANEL_IGNORED = 0,
	PANEL_HANDLED = 1 << 0, /* the key was used */
	PANEL_REDRAW  = 1 << 1, /* the pane changed */
	PANEL_STATUS  = 1 << 2, /* the status line changed */
	PANEL_PARAMS  = 1 << 3, /* hyperparameters changed (redraw Training) */
	PANEL_RECS    = 1 << 4, /* your ratings changed (redraw the lists) */
};

struct panel;

struct panel_class {
	const char *name;
	/* Draw the inside (the frame is drawn already). */
	void (*draw)(struct panel *p, const struct panel_env *env);
	/* A key while focused: key as read, act as the keymap maps it.
	 * Returns PANEL_* bits; PANEL_IGNORED lets the screen handle it. */
	unsigned (*on_key)(struct panel *p, int key, enum keys_action act,
			   const struct panel_env *env);
	/* Whether the pane is taking typed text (an edit, a search): keys
	 * then go to it unmapped.  NULL means never. */
	int (*typing)(const struct panel *p);
	/* After panel_move: size-dependent buffers.  NULL when none.
	 * Returns 0, or -1 when memory runs out. */
	int (*resized)(struct panel *p);
	/* Free the concrete pane's own memory (not p itself). NULL if none. */
	void (*done)(struct panel *p);
	/* Draw the pane's popup (details, similar movies) over the whole
	 * screen, after every pane; returns whether one is open.  Called
	 * only while the pane is focused and visible.  NULL when none. */
	int (*overlay)(struct panel *p, const struct panel_env *env);
	/* 1: a movie list, where the list keys (KEYS_LIST_ACTIONS: 1-5
	 * rate, ...) take precedence over the global ones. */
	int list_keys;
};

struct panel {
	const struct panel_class *cls;
	const char *title;
	const char *tab;        /* the tab bar's name: the title, or shorter */
	char subtitle[80];      /* right of the title: sort, state, ... */
	int x, y, w, h;         /* on stdscr, border included */
	int focused;
	int needs_redraw;
	long sel, top;          /* selected row and first visible row */
	long n_rows;            /* rows of the list (for scrolling) */
};

/* Initialise p's common part. */
void panel_init(struct panel *p, const struct panel_class *cls,
		const char *title);

/* Release a pane created by a view_*_new(); NULL is accepted. */
void panel_free(struct panel *p);

/* Place p; marks it for redraw and calls the class's resized().  Returns
 * 0, or -1 when it runs out of memory. */
int panel_move(struct panel *p, int x, int y, int w, int h);

/* A cleared w x h box with a line border at (x, y) on stdscr, in role:
 * pane frames, the help overlay and the details popup. */
void panel_box(const struct panel_env *env, int x, int y, int w, int h,
	       enum theme_role role);

/* A popup of up to w x h (border included) centred on the screen above
 * the status line, with a blank margin of one cell around its border so
 * nothing from the panes underneath touches it; *box becomes p placed
 * there, to draw into with the panel_* functions.  Returns 0, or -1 (and
 * draws nothing) when the screen has no room for min_w x min_h. */
int panel_popup(struct panel *box, const struct panel *p,
		const struct panel_env *env, int w, int h, int min_w, int min_h);

/* Draw frame and inside now, and clear needs_redraw. */
void panel_draw(struct panel *p, const struct panel_env *env);

/* The inside's size. */
int panel_inner_w(const struct panel *p);
int panel_inner_h(const struct panel *p);

/* Move the selection for a navigation action over n_rows rows with `rows`
 * visible; keeps it in view.  Returns 1 when something moved. */
int panel_navigate(struct panel *p, enum keys_action act, int rows);

/* Clear inside row r (0-based) to the normal role. */
void panel_clear_row(struct panel *p, const struct panel_env *env, int r);

/* Print ASCII printf text at inside row r, column c, in role, clipped to
 * the inside.  Returns the columns written. */
int panel_printf(struct panel *p, const struct panel_env *env, int r, int c,
		 enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Print UTF-8 text cut to at most max columns (ellipsis when cut).
 * Returns the columns written. */
int panel_text(struct panel *p, const struct panel_env *env, int r, int c,
	       int max, enum theme_role role, const char *utf8);

/* Count (draw = 0) or draw text wrapped at spaces, from column 1 and
 * inner row r while r < h (a word longer than a line is cut); returns the
 * row after the last one.  For messages that must be read whole. */
int panel_wrap(struct panel *p, const struct panel_env *env, int r, int h,
	       enum theme_role role, const char *text, int draw);

/* A horizontal bar of `cols` columns (eighth blocks with UTF-8, '#'
 * otherwise) at inside row r, column c. */
void panel_bar(struct panel *p, const struct panel_env *env, int r, int c,
	       double cols, enum theme_role role);

#endif
