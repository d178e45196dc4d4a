/* view_runs.c -- the Runs pane: the past training runs on the loaded
 * dataset from the run history file (headless runs and the TUI's alike),
 * newest first or best valid loss first.  A key overlays the selected
 * run's per-epoch curve on the Training chart (dimmed, like the runs of
 * this session), another puts its hyperparameters back into the
 * Hyperparameters pane.  Space marks runs, and C shows the marked ones
 * side by side (app/runcompare.h's table: the settings that differ, then
 * the losses, the lowest marked, then what they share; j/k scroll it)
 * while the Training chart draws their valid curves, one colour each.
 *
 * In the full layout it takes the Movies pane's place while focused, so
 * the Training chart above stays in view for the overlay; in the tab
 * layout it is a tab of its own. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "runcompare.h"
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

/* The compare view: run i's colour on the chart and in the header. */
static enum theme_role run_role(int i)
{
	static const enum theme_role roles[MARKS_MAX] = {
		ROLE_COMPARE_1, ROLE_COMPARE_2, ROLE_COMPARE_3, ROLE_COMPARE_4,
	};
	return roles[i % MARKS_MAX];
}

/* The marked runs side by side: a header of their times in their chart
 * colours, then the rows that differ, the losses and the rows they share,
 * from p->top on. */
static void draw_compare(struct panel *p, const struct panel_env *env,
			 const struct run_marks *m)
{
	const struct history_run *runs[MARKS_MAX];
	struct runcmp_row rows[RUNCMP_ROWS];
	int order[RUNCMP_ROWS], n_order = 0, w = panel_inner_w(p);

	for (int j = 0; j < m->n; j++)
		runs[j] = &m->run[j];
	int nr = runcmp_table(runs, m->n, rows);
	for (int pass = 0; pass < 3; pass++)
		for (int i = 0; i < nr; i++)
			if ((pass == 0 && rows[i].differs) ||
			    (pass == 1 && rows[i].kind == RUNCMP_LOSS) ||
			    (pass == 2 && rows[i].kind == RUNCMP_SETTING && !rows[i].differs))
				order[n_order++] = i;
	int colw = (w - 15) / m->n;
	if (colw > 22)
		colw = 22;
	snprintf(p->subtitle, sizeof p->subtitle, "%d runs side by side", m->n);
	panel_printf(p, env, 0, 1, ROLE_LABEL, "%-12s", "");
	for (int j = 0; j < m->n; j++)
		panel_printf(p, env, 0, 15 + j * colw, run_role(j), "%s %-.*s",
			     env->unicode ? "\u25cf" : "o", colw - 3, rows[0].cell[j]);
	int list = panel_inner_h(p) - 2;
	p->n_rows = n_order;
	if (p->top > n_order - list)
		p->top = n_order - list > 0 ? n_order - list : 0;
	for (int r = 0; r < list && p->top + r < n_order; r++) {
		const struct runcmp_row *row = &rows[order[p->top + r]];

		panel_printf(p, env, 1 + r, 1, row->differs ? ROLE_WARN : ROLE_LABEL,
			     "%c %-12s", row->differs ? '*' : ' ', row->label);
		for (int j = 0; j < m->n; j++)
			panel_printf(p, env, 1 + r, 15 + j * colw,
				     row->best == j ? ROLE_BEST : row->differs ?
				     ROLE_WARN : ROLE_VALUE, "%-.*s", colw - 1, row->cell[j]);
	}
	const char *note = "";
	for (int j = 1; j < m->n; j++)
		if (!runcmp_comparable(&m->run[0], &m->run[j]))
			note = "other splits: losses do not compare  ";
	char keys[32];
	keys_describe(env->km, ACT_RUNS_COMPARE, keys, sizeof keys);
	panel_printf(p, env, panel_inner_h(p) - 1, 1, ROLE_LABEL,
		     "%s* differs  %s back to the list  j/k scroll", note, keys);
}

static void draw(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	int w = panel_inner_w(p), rows = list_rows(p);
	long best = best_run(st);
	char keys[5][32];

	snprintf(p->subtitle, sizeof p->subtitle, "%s",
		 st->runs_by_valid ? "by valid loss" : "newest first");
	if (!st->history_path[0]) {
		panel_printf(p, env, 0, 1, ROLE_LABEL,
			     "no run history: set XDG_DATA_HOME or HOME");
		return;
	}
	if (!st->loaded)
		return;
	if (st->marks && st->marks->comparing) {
		draw_compare(p, env, st->marks);
		return;
	}
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
		int mark = st->marks ? marks_find(st->marks, x) : -1;
		if (mark >= 0)
			panel_printf(p, env, y, 2, run_role(mark), "%s",
				     env->unicode ? "\u25cf" : "+");
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
	keys_describe(env->km, ACT_RUNS_MARK, keys[3], sizeof keys[3]);
	keys_describe(env->km, ACT_RUNS_COMPARE, keys[4], sizeof keys[4]);
	panel_printf(p, env, panel_inner_h(p) - 1, 1, ROLE_LABEL,
		     "%s curve on the chart  %s restore values  %s order  "
		     "%s mark  %s compare", keys[0], keys[1], keys[2], keys[3],
		     keys[4]);
}

/* Space: mark or unmark run i. */
static unsigned mark(struct state *st, size_t i)
{
	char msg[160];

	if (i >= st->n_runs)
		return PANEL_HANDLED;
	if (!st->marks && !(st->marks = calloc(1, sizeof *st->marks))) {
		state_message(st, 1, "out of memory marking a run");
		return PANEL_HANDLED | PANEL_STATUS;
	}
	int rc = marks_toggle(st->marks, &st->runs[i]);
	if (rc < 0)
		snprintf(msg, sizeof msg, "%d runs are marked already: unmark one "
			 "(Space) to mark another", MARKS_MAX);
	else
		snprintf(msg, sizeof msg, "%d run(s) marked%s", st->marks->n,
			 st->marks->n >= 2 ? ": C compares them" : "");
	state_message(st, rc < 0, msg);
	return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
}

/* Keys while the marked runs are side by side, and C from the list. */
static unsigned compare_key(struct panel *p, enum keys_action act,
			    const struct panel_env *env)
{
	struct state *st = env->st;
	struct run_marks *m = st->marks;

	switch (act) {
	case ACT_RUNS_COMPARE:
	case ACT_CANCEL:
		if (!m || m->n < 2) {
			state_message(st, 1, "mark two runs or more with Space, then C "
				      "compares them");
			return PANEL_HANDLED | PANEL_STATUS;
		}
		if (act == ACT_CANCEL && !m->comparing)
			return PANEL_IGNORED;
		m->comparing = !m->comparing;
		st->lr_shown = 0;       /* the chart of runs, not the finder's */
		p->sel = p->top = 0;
		state_message(st, 0, m->comparing ? "runs side by side: their valid "
			      "curves on the Training chart" : "");
		/* PANEL_PARAMS redraws Training, where the curves go */
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS | PANEL_PARAMS;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
	case ACT_HOME:
	case ACT_END:
		/* scroll: the selection is the top row */
		p->sel = p->top;
		panel_navigate(p, act, 1);
		p->top = p->sel;
		return PANEL_HANDLED | PANEL_REDRAW;
	default:
		return PANEL_IGNORED;
	}
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	struct state *st = env->st;

	(void)key;
	if (st->marks && st->marks->comparing)
		return compare_key(p, act, env);
	p->n_rows = (long)st->n_runs;
	switch (act) {
	case ACT_RUNS_MARK:
		return mark(st, (size_t)p->sel) | (p->sel + 1 < (long)st->n_runs &&
		       panel_navigate(p, ACT_DOWN, list_rows(p)) ? PANEL_REDRAW : 0);
	case ACT_RUNS_COMPARE:
		return compare_key(p, act, env);
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
