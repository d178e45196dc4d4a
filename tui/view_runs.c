/* view_runs.c -- the Runs pane: the past training runs on the loaded
 * dataset from the run history file (headless runs and the TUI's alike),
 * newest first or best valid loss first.  A key overlays the selected
 * run's per-epoch curve on the Training chart (dimmed, like the runs of
 * this session), another puts its hyperparameters back into the
 * Hyperparameters pane.
 *
 * In the full layout it takes the Movies pane's place while focused, so
 * the Training chart above stays in view for the overlay; in the tab
 * layout it is a tab of its own. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "views.h"

#define HEAD_ROWS 2             /* what the list is, the column names */

static int list_rows(const struct panel *p)
{
	int rows = panel_inner_h(p) - HEAD_ROWS - 1;

	return rows > 0 ? rows : 0;
}

/* The index of the run with the lowest valid loss, or -1. */
static long best_run(const struct state *st)
{
	long best = -1;

	for (size_t i = 0; i < st->n_runs; i++)
		if (isfinite(st->runs[i].final_valid) &&
		    (best < 0 || st->runs[i].final_valid < st->runs[best].final_valid))
			best = (long)i;
	return best;
}

static void draw(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	int w = panel_inner_w(p), rows = list_rows(p);
	long best = best_run(st);
	char keys[3][32];

	snprintf(p->subtitle, sizeof p->subtitle, "%s",
		 st->runs_by_valid ? "by valid loss" : "newest first");
	if (!st->history_path[0]) {
		panel_printf(p, env, 0, 1, ROLE_LABEL,
			     "no run history: set XDG_DATA_HOME or HOME");
		return;
	}
	if (!st->loaded)
		return;
	if (st->n_runs == 0) {
		panel_printf(p, env, 0, 1, ROLE_LABEL,
			     "no runs on %s yet: every training run is kept here",
			     st->summary.name);
		return;
	}
	if (st->n_runs_file > st->n_runs)
		panel_printf(p, env, 0, 1, ROLE_LABEL, "the newest %zu of %zu runs on %s "
			     "(collabtui runs lists all)", st->n_runs, st->n_runs_file,
			     st->summary.name);
	else
		panel_printf(p, env, 0, 1, ROLE_LABEL, "%zu run(s) on %s", st->n_runs,
			     st->summary.name);
	p->n_rows = (long)st->n_runs;
	if (p->sel >= p->n_rows)
		p->sel = p->n_rows - 1;
	panel_printf(p, env, 1, 1, ROLE_LABEL, "  %-11s %-7s %-9s %4s %4s %-8s %-7s %s",
		     "time", "model", "valid", "ep", "k", "lr", "wd", "bs");
	for (int r = 0; r < rows && p->top + r < p->n_rows; r++) {
		long row = p->top + r;
		const struct history_run *x = &st->runs[row];
		int sel = row == p->sel, y = HEAD_ROWS + r;
		enum theme_role role = sel ? (p->focused ? ROLE_SELECTION :
					      ROLE_SELECTION_DIM) : ROLE_NORMAL;
		char valid[16];

		if (sel) {
			attrset(theme_attr(env->th, role));
			mvhline(p->y + 1 + y, p->x + 1, ' ', w);
		}
		if (state_runs_overlaid(st, (size_t)row))
			panel_printf(p, env, y, 1, ROLE_BEST, "%s",
				     env->unicode ? "\u25c6" : "*");
		if (x->diverged)
			snprintf(valid, sizeof valid, "diverged");
		else if (isfinite(x->final_valid))
			snprintf(valid, sizeof valid, x->final_valid < 100 ? "%.6f" : "%.3e",
				 x->final_valid);
		else
			snprintf(valid, sizeof valid, "-");
		/* "2025-01-31T12:00:00Z" as "01-31 12:00" */
		panel_printf(p, env, y, 3, role, "%.5s %.5s %-7s", x->time + 5,
			     x->time + 11, x->model);
		panel_printf(p, env, y, 23, row == best && !sel ? ROLE_BEST : role,
			     "%-9s", valid);
		panel_printf(p, env, y, 33, role, "%4d %4d %-8.3g %-7.3g %d",
			     x->n_losses, x->factors, x->lr, x->wd, x->bs);
	}
	keys_describe(env->km, ACT_RUNS_OVERLAY, keys[0], sizeof keys[0]);
	keys_describe(env->km, ACT_RUNS_RESTORE, keys[1], sizeof keys[1]);
	keys_describe(env->km, ACT_RUNS_SORT, keys[2], sizeof keys[2]);
	panel_printf(p, env, panel_inner_h(p) - 1, 1, ROLE_LABEL,
		     "%s curve on the chart  %s restore values  %s order",
		     keys[0], keys[1], keys[2]);
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	struct state *st = env->st;

	(void)key;
	p->n_rows = (long)st->n_runs;
	switch (act) {
	case ACT_RUNS_SORT:
		state_runs_sort(st);
		p->sel = p->top = 0;
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	case ACT_SELECT:
	case ACT_RUNS_OVERLAY:
		state_runs_overlay(st, (size_t)p->sel);
		/* PANEL_PARAMS redraws Training, where the curve goes */
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS | PANEL_PARAMS;
	case ACT_RUNS_RESTORE:
		state_runs_restore(st, (size_t)p->sel);
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS | PANEL_PARAMS;
	default:
		if (!panel_navigate(p, act, list_rows(p)))
			return act == ACT_UP || act == ACT_DOWN ? PANEL_HANDLED :
								  PANEL_IGNORED;
		return PANEL_HANDLED | PANEL_REDRAW;
	}
}

static const struct panel_class runs_class = {
	.name = "runs", .draw = draw, .on_key = on_key,
};

struct panel *view_runs_new(void)
{
	struct panel *p = malloc(sizeof *p);

	if (p)
		panel_init(p, &runs_class, "Runs");
	return p;
}
