/* screen.h -- the main loop (htop's ScreenManager role): wait for input
 * or engine events, apply events to the state, hand keys to the focused
 * pane, lay the panes out from LINES/COLS, and redraw only what changed.
 *
 * Layouts: at MIN_FULL_W x MIN_FULL_H and larger every pane is on screen
 * with a status line of key hints; between that and SCREEN_MIN_W x
 * SCREEN_MIN_H one pane at a time under a tab bar; smaller than that a
 * "terminal too small" screen.  The loop sleeps in poll() on the
 * terminal, the engine's descriptor and the signal pipe, with no timeout:
 * when nothing happens it uses no CPU.
 */
#ifndef COLLABTUI_SCREEN_H
#define COLLABTUI_SCREEN_H

#include "keys.h"
#include "state.h"
#include "theme.h"
#include "ui.h"

#define SCREEN_FULL_W 100
#define SCREEN_FULL_H 30
#define SCREEN_MIN_W 60
#define SCREEN_MIN_H 16

struct screen_cfg {
	int braille;            /* chart style */
	int smoothing, log_scale;
	const char *trace_path; /* --trace FILE, or NULL */
};

struct screen;

/* A screen over a started ui, drawing st with th and km (all borrowed).
 * NULL when memory runs out. */
struct screen *screen_new(struct ui *u, struct state *st,
			  const struct theme *th, const struct keymap *km,
			  const struct screen_cfg *cfg);

/* Run until the user quits or a quit signal arrives (ui.h: the caller
 * finds it in ui->signal and re-raises it).  Returns 0, or -1
 * when the trace file could not be written (with a message on stderr). */
int screen_run(struct screen *s);

/* Release it; NULL is accepted. */
void screen_free(struct screen *s);

#endif
