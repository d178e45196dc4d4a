/* tui.c -- the interface's entry: check the settings, start the engine
 * thread and curses, run the screen, and take it all down in order (see
 * tui.h).  Everything that can fail on bad settings is checked before the
 * terminal is touched, so the messages land on a normal stderr. */
#include "tui.h"

#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "paths.h"
#include "exitcode.h"
#include "keys.h"
#include "screen.h"
#include "state.h"
#include "theme.h"
#include "ui.h"

int tui_run(const struct opts *o)
{
	struct theme th;
	struct keymap km;
	struct backend be;
	struct state st;
	struct ui u;
	struct screen *scr;
	char err[1200], path[ENG_PATH_MAX];
	int rc;

	if (theme_load(&th, o->cfg.theme, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	keys_default(&km);
	if (keys_configure(&km, &o->cfg, o->config_path, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	if (paths_find_data(o->cfg.data, path, sizeof path, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	if (backend_thread(&be, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (state_init(&st, &o->cfg, &be) != 0) {
		be.stop(be.ctx);
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	/* before LOAD_DATA: the Runs pane reads the history once it is in */
	state_keep_history(&st);
	state_load(&st, path, o->split);
	if (ui_init(&u, o->cfg.mouse, err, sizeof err) != 0) {
		be.stop(be.ctx);
		state_done(&st);
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_RUNTIME;
	}
	theme_apply(&th);
	struct screen_cfg sc = {
		.braille = o->cfg.chart == VOCAB_CHART_UNICODE ||
			   (o->cfg.chart == VOCAB_CHART_AUTO && u.unicode),
		.smoothing = o->cfg.smoothing,
		.log_scale = o->cfg.log_scale,
		.trace_path = o->trace,
	};
	scr = screen_new(&u, &st, &th, &km, &sc);
	if (!scr)
		ui_fatal(&u, "out of memory");
	rc = screen_run(scr);
	int sig = screen_signal(scr);
	screen_free(scr);
	/* the terminal first: stopping the engine may take a chunk of work */
	ui_done(&u);
	be.stop(be.ctx);
	state_done(&st);
	/* killed by Ctrl-C or SIGTERM: the shell's convention, 128 + signal */
	if (sig)
		return 128 + sig;
	return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}
