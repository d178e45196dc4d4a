/* tui.c -- the interface's entry: check the settings, start the engine
 * thread and curses, run the screen, and take it all down in order (see
 * tui.h).  Everything that can fail on bad settings is checked before the
 * terminal is touched, so the messages land on a normal stderr. */
#include "tui.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "paths.h"
#include "exitcode.h"
#include "keys.h"
#include "screen.h"
#include "session.h"
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
	/* no dataset anywhere: the demo set, said so on the status line */
	int demo_instead = !o->demo &&
			   paths_find_data(o->cfg.data, path, sizeof path, err, sizeof err) != 0;
	if (backend_thread(&be, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (state_init(&st, &o->cfg, &be) != 0) {
		be.stop(be.ctx);
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	st.given = o;   /* the options win over last session's values */
	/* before LOAD_DATA: the Runs pane reads the history once it is in */
	state_keep_history(&st);
	st.demo_instead = demo_instead;
	if (o->load)
		state_load_model(&st, o->load);
	state_load(&st, o->demo || demo_instead ? NULL : path, o->split);
	rc = ui_init(&u, o->cfg.mouse, err, sizeof err);
	if (rc != 0) {
		be.stop(be.ctx);
		state_done(&st);
		fprintf(stderr, "collabtui: %s\n", err);
		/* a TERM that names no terminal is bad input, as no terminal is */
		return rc == -2 ? EXIT_INPUT : EXIT_RUNTIME;
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
	screen_free(scr);
	/* the terminal first: stopping the engine may take a chunk of work */
	ui_done(&u);
	be.stop(be.ctx);
	/* what the panes showed, for the next start (session.h) */
	if (session_view_save(&st, err, sizeof err) != 0)
		fprintf(stderr, "collabtui: the session was not kept: %s\n", err);
	state_done(&st);
	/* ended by a signal (Ctrl-C, SIGTERM, SIGHUP ...): die of it now that
	 * everything is down, so the exit status tells the truth */
	if (u.signal) {
		ui_reraise(u.signal);
		return 128 + u.signal;
	}
	return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* The interface needs a terminal on stdin and stdout: a pipe or a cron
 * job gets an explanation and exit status 2 (bad usage), not a curses
 * screen written into a file. */
static int run(const struct opts *o)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("collabtui: the interactive interface needs a terminal "
		      "on stdin and stdout.\n"
		      "  Without one, run a headless command: "
		      "`collabtui train` or `collabtui summary`.\n", stderr);
		return EXIT_INPUT;
	}
	return tui_run(o);
}

const struct cmd_entry cmd_tui = {
	.name = "tui",
	.id = CMD_TUI,
	.summary = "the interactive interface (the default on a terminal)",
	.run = run,
};
