/* view_train.c -- the Training pane: one chart with the training loss per
 * batch and the validation loss per epoch, the older runs dimmed behind
 * the current one, the best epoch marked; below it fastai's table
 * (epoch, train_loss, valid_loss, time).  After F, until the next run,
 * it shows the learning-rate finder's curve instead: smoothed loss by lr
 * on a log axis, the suggestion marked.
 *
 * The chart is rasterised by chart.c into a cell buffer sized when the
 * pane is laid out, so a frame allocates nothing.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "views.h"

#define YLABEL_W 8              /* "10.38 ┤" */
#define TABLE_MAX 6             /* epoch rows shown below the chart */
#define CHART_MIN_ROWS 4        /* the chart's least height, before the table's */

/* Chart cell roles, in drawing priority. */
enum { CR_OLD = 1, CR_TRAIN, CR_VALID };

struct train_view {
	struct panel super;
	struct chart_cell *cells;       /* (inner_h, inner_w) */
	size_t n_cells;
};

/* The training loss series of a run (smoothed or raw). */
static const float *series(const struct curve_run *r, const struct panel_env *env)
{
	return env->smoothing ? r->smooth : r->raw;
}

/* Plot run r: its training curve and validation points, x in epochs. */
static void plot_run(struct chart *ch, const struct curve_run *r, int old,
		     const struct panel_env *env)
{
	const float *y = series(r, env);
	double px = NAN, py = NAN;

	if (r->n_batches > 0 && r->stride > 0)
		for (int i = 0; i < r->n_pts; i++) {
			double x = (double)i * r->stride / r->n_batches;

			if (!isfinite(y[i]) || x > ch->xmax)
				continue;
			if (isfinite(px))
				chart_line(ch, px, py, x, y[i], old ? CR_OLD : CR_TRAIN);
			else
				chart_point(ch, x, y[i], old ? CR_OLD : CR_TRAIN);
			px = x;
			py = y[i];
		}
	px = NAN;
	for (int e = 0; e < r->n_epochs; e++) {
		double x = e + 1, v = r->ep[e].valid;

		if (!isfinite(v) || x > ch->xmax)
			continue;
		if (isfinite(px))
			chart_line(ch, px, py, x, v, old ? CR_OLD : CR_VALID);
		else
			chart_point(ch, x, v, old ? CR_OLD : CR_VALID);
		px = x;
		py = v;
	}
}

static void range_of(const struct curve_run *r, const struct panel_env *env,
		     double *lo, double *hi)
{
	float valid[CURVES_EPOCHS];

	chart_range_add(series(r, env), r->n_pts, env->log_scale, lo, hi);
	for (int e = 0; e < r->n_epochs; e++)
		valid[e] = r->ep[e].valid;
	chart_range_add(valid, r->n_epochs, env->log_scale, lo, hi);
}

static const char *state_name(enum curve_state s)
{
	switch (s) {
	case CURVES_WAITING: return "starting";
	case CURVES_RUNNING: return "training";
	case CURVES_DONE:    return "done";
	case CURVES_STOPPED: return "stopped";
	case CURVES_FAILED:  return "failed";
	case CURVES_DIVERGED: return "diverged";
	case CURVES_PAST:    return "past";
	}
	return "";
}

/* Line 0: the current run, its progress and best epoch; line 1: the older
 * runs' labels (dimmed), newest first. */
static void draw_legend(struct panel *p, const struct panel_env *env,
			const struct curve_run *cur, int best)
{
	const struct run_curves *h = env->st->curves;
	int n = curves_count(h), c;

	c = panel_printf(p, env, 0, 1, ROLE_TRAIN_CURVE, "%s train",
			 env->braille ? "\u28c0" : "*");
	c += panel_printf(p, env, 0, 1 + c, ROLE_VALID_CURVE, "  %s valid",
			  env->braille ? "\u25cf" : "o");
	if (best >= 0)
		c += panel_printf(p, env, 0, 1 + c, ROLE_BEST, "  %s best %.4f @ %d",
				  env->unicode ? "\u25c6" : "#", cur->ep[best].valid,
				  best);
	if (cur->state == CURVES_RUNNING && cur->n_batches > 0)
		panel_printf(p, env, 0, 1 + c, ROLE_VALUE, "  epoch %d/%d %3.0f%%",
			     cur->epoch + 1, cur->planned_epochs,
			     100.0 * (double)cur->batch / (double)cur->n_batches);
	else
		panel_printf(p, env, 0, 1 + c, ROLE_LABEL, "  %s",
			     state_name(cur->state));
	c = panel_printf(p, env, 1, 1, ROLE_LABEL, "%s", cur->label);
	for (int i = n - 2; i >= 0; i--) {
		const struct curve_run *r = curves_run(h, i);

		c += panel_printf(p, env, 1, 1 + c, ROLE_OLD_RUN, "%s%s (%s)",
				  i == n - 2 ? "   before: " : ", ", r->label,
				  state_name(r->state));
	}
}

/* The y labels (top, middle and bottom rows) and the axis line. */
static void draw_y_axis(struct panel *p, const struct panel_env *env, int top,
			int rows, int log, double lo, double hi)
{
	for (int r = 0; r < rows; r++) {
		double t = rows > 1 ? 1 - (double)r / (rows - 1) : 1;
		double y = log ? pow(10, log10(lo) + t * (log10(hi) - log10(lo)))
			       : lo + t * (hi - lo);

		if (r == 0 || r == rows - 1 || r == rows / 2)
			panel_printf(p, env, top + r, 0, ROLE_AXIS, "%*.3g", YLABEL_W - 2, y);
		panel_printf(p, env, top + r, YLABEL_W - 1, ROLE_AXIS, "%s",
			     env->unicode ? "\u2502" : "|");
	}
}

/* Cell role -> theme role and ASCII character, for the runs chart and
 * the compare chart (one role per run compared). */
static const enum theme_role run_roles[] = {
	ROLE_NORMAL, ROLE_OLD_RUN, ROLE_TRAIN_CURVE, ROLE_VALID_CURVE,
};
static const enum theme_role compare_roles[MARKS_MAX + 1] = {
	ROLE_NORMAL, ROLE_COMPARE_1, ROLE_COMPARE_2, ROLE_COMPARE_3, ROLE_COMPARE_4,
};

/* The chart's cells (cw wide, rows high), right of the y axis. */
static void draw_cells(struct panel *p, const struct panel_env *env,
		       const struct train_view *v, int top, int rows, int cw,
		       const enum theme_role *role, const char *ascii)
{
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cw; c++) {
			const struct chart_cell *cell = &v->cells[r * cw + c];
			wchar_t wc;

			if (!cell->role)
				continue;
			wc = env->braille ? chart_braille(cell) :
					    (wchar_t)ascii[cell->role];
			attrset(theme_attr(env->th, role[cell->role]));
			mvaddnwstr(p->y + 1 + top + r, p->x + 1 + YLABEL_W + c, &wc, 1);
		}
}

/* The x axis line under a chart of cw columns on row ax. */
static void draw_x_line(struct panel *p, const struct panel_env *env, int ax, int cw)
{
	attrset(theme_attr(env->th, ROLE_AXIS));
	for (int c = 0; c <= cw; c++)
		mvaddnwstr(p->y + 1 + ax, p->x + YLABEL_W + c,
			   env->unicode ? L"\u2500" : L"-", 1);
}

/* A marker (glyph, or ascii on a plain terminal) over the chart's point
 * (x, y). */
static void draw_marker(struct panel *p, const struct panel_env *env,
			const struct chart *ch, int top, double x, double y,
			enum theme_role role, const char *glyph, const char *ascii)
{
	int dx = chart_x_dot(ch, x), dy = chart_y_dot(ch, y);
	int cx = ch->style == CHART_BRAILLE ? dx / 2 : dx;
	int cy = ch->style == CHART_BRAILLE ? dy / 4 : dy;

	panel_printf(p, env, top + cy, YLABEL_W + cx, role, "%s",
		     env->unicode ? glyph : ascii);
}

static void draw_chart(struct panel *p, const struct panel_env *env,
		       struct train_view *v, const struct curve_run *cur,
		       int best, int top, int rows)
{
	const struct run_curves *h = env->st->curves;
	int n = curves_count(h), cw = panel_inner_w(p) - YLABEL_W - 1;
	double lo = INFINITY, hi = -INFINITY;
	struct chart ch;

	if (cw < 4 || rows < 2 || (size_t)(cw * rows) > v->n_cells)
		return;
	for (int i = 0; i < n; i++)
		range_of(curves_run(h, i), env, &lo, &hi);
	chart_range_finish(env->log_scale, &lo, &hi);
	chart_reset(&ch, v->cells, cw, rows,
		    env->braille ? CHART_BRAILLE : CHART_ASCII, env->log_scale,
		    cur->planned_epochs, lo, hi);
	for (int i = 0; i < n; i++)
		plot_run(&ch, curves_run(h, i), i < n - 1, env);

	draw_y_axis(p, env, top, rows, env->log_scale, lo, hi);
	draw_cells(p, env, v, top, rows, cw, run_roles, " .*o");
	/* the best epoch, over its curve */
	if (best >= 0 && best + 1 <= cur->planned_epochs)
		draw_marker(p, env, &ch, top, best + 1, cur->ep[best].valid,
			    ROLE_BEST, "\u25c6", "#");
	/* where overfitting began: valid loss up, train loss still down */
	int over = curves_overfit_since(cur);
	if (over >= 0 && over + 1 <= cur->planned_epochs)
		draw_marker(p, env, &ch, top, over + 1, cur->ep[over].valid,
			    ROLE_WARN, "\u25b2", "^");
	/* x axis: a tick and a label per epoch when there is room */
	int ax = top + rows;
	draw_x_line(p, env, ax, cw);
	int step = 1;
	while (step * (cw / (cur->planned_epochs > 0 ? cur->planned_epochs : 1)) < 4 &&
	       step < cur->planned_epochs)
		step *= 2;
	/* Epoch numbers as fastai's table counts them (from 0), each under
	 * the end of its epoch, where its valid loss and the best marker sit;
	 * room is left for the word "epoch" at the end. */
	for (int e = 0; e < cur->planned_epochs; e += step) {
		int dx = chart_x_dot(&ch, e + 1);
		int cx = ch.style == CHART_BRAILLE ? dx / 2 : dx;

		if (YLABEL_W + cx + 3 < panel_inner_w(p) - 6)
			panel_printf(p, env, ax, YLABEL_W + cx, ROLE_AXIS, "%d", e);
	}
	panel_printf(p, env, ax, panel_inner_w(p) - 6, ROLE_AXIS, "epoch");
}

/* The runs marked in the Runs pane, compared (C): their validation
 * curves, one colour each, and a legend of what they are. */
static void draw_compare(struct panel *p, const struct panel_env *env,
			 struct train_view *v, const struct run_marks *m)
{
	int cw = panel_inner_w(p) - YLABEL_W - 1, rows = panel_inner_h(p) - 3;
	int xmax = 1, c = 1;        /* the last epoch, from 0 */
	double lo = INFINITY, hi = -INFINITY;
	struct chart ch;

	for (int i = 0; i < m->n; i++) {
		const struct history_run *r = &m->run[i];

		if (r->n_losses - 1 > xmax)
			xmax = r->n_losses - 1;
		chart_range_add(r->valid_loss, r->n_losses, env->log_scale, &lo, &hi);
		c += panel_printf(p, env, i < 2 ? 0 : 1, i % 2 ? c : 1, compare_roles[i + 1],
				  "%s %.5s %s k %d lr %g wd %g  ",
				  env->unicode ? "\u25cf" : "o", r->time + 11, r->model,
				  r->factors, r->lr, r->wd);
		if (i % 2)
			c = 1;
	}
	if (cw < 4 || rows < 2 || (size_t)(cw * rows) > v->n_cells)
		return;
	chart_range_finish(env->log_scale, &lo, &hi);
	chart_reset(&ch, v->cells, cw, rows,
		    env->braille ? CHART_BRAILLE : CHART_ASCII, env->log_scale,
		    xmax, lo, hi);
	for (int i = 0; i < m->n; i++) {
		const struct history_run *r = &m->run[i];
		double px = NAN, py = NAN;

		for (int e = 0; e < r->n_losses; e++) {
			double y = r->valid_loss[e];

			if (!isfinite(y))
				continue;
			if (isfinite(px))
				chart_line(&ch, px, py, e, y, i + 1);
			else
				chart_point(&ch, e, y, i + 1);
			px = e;
			py = y;
		}
	}
	draw_y_axis(p, env, 2, rows, env->log_scale, lo, hi);
	draw_cells(p, env, v, 2, rows, cw, compare_roles, " o+x#");
	draw_x_line(p, env, 2 + rows, cw);
	panel_printf(p, env, 2 + rows, YLABEL_W, ROLE_AXIS, "0");
	panel_printf(p, env, 2 + rows, panel_inner_w(p) - 24, ROLE_AXIS,
		     "%d  valid loss by epoch", xmax);
}

/* The epoch in progress, as a table row of its own: its training loss so
 * far (the curve's last point), and how far it is.  On a big dataset an
 * epoch takes seconds to minutes, and the row moves meanwhile. */
static void draw_running_row(struct panel *p, const struct panel_env *env,
			     const struct curve_run *cur, int r)
{
	char train[16];
	int i = cur->n_pts - 1;

	while (i >= 0 && !isfinite(cur->smooth[i]))
		i--;
	if (i >= 0)
		snprintf(train, sizeof train, "%.6f", cur->smooth[i]);
	else
		snprintf(train, sizeof train, "-");
	if (cur->batch >= cur->n_batches)
		panel_printf(p, env, r, 1, ROLE_LABEL, "%-8d%-12s%s", cur->epoch, train,
			     "validating");
	else
		panel_printf(p, env, r, 1, ROLE_LABEL, "%-8d%-12s%-12s%3.0f%%", cur->epoch,
			     train, "...", 100.0 * (double)cur->batch / (double)cur->n_batches);
}

static void draw_table(struct panel *p, const struct panel_env *env,
		       const struct curve_run *cur, int best, int top, int rows)
{
	int running = cur->state == CURVES_RUNNING && cur->n_batches > 0 &&
		      cur->batch > 0 && cur->epoch >= cur->n_epochs;
	int first = cur->n_epochs + running - (rows - 1);

	if (rows < 1)
		return;
	panel_printf(p, env, top, 1, ROLE_LABEL, "%-8s%-12s%-12s%s", "epoch",
		     "train_loss", "valid_loss", "time");
	if (first < 0)
		first = 0;
	int r = top + 1;
	for (int e = first; e < cur->n_epochs; e++, r++) {
		const struct curve_epoch *x = &cur->ep[e];
		int secs = (int)lround(x->secs);
		char train[16], valid[16];

		if (isfinite(x->train))
			snprintf(train, sizeof train, "%.6f", x->train);
		else
			snprintf(train, sizeof train, "-");
		if (isfinite(x->valid))
			snprintf(valid, sizeof valid, "%.6f", x->valid);
		else
			snprintf(valid, sizeof valid, "-");
		panel_printf(p, env, r, 1, e == best ? ROLE_BEST : ROLE_VALUE,
			     "%-8d%-12s%-12s%02d:%02d", e, train, valid,
			     secs / 60, secs % 60);
	}
	if (running && r < top + rows)
		draw_running_row(p, env, cur, r);
}

/* The learning-rate finder's curve.  Its learning rates grow
 * exponentially with the batch, so plotting by batch index is plotting by
 * log(lr); the axis is labelled with the rates.  The y range stops at 4x
 * the least loss (where the sweep calls it diverged), so a blow-up at the
 * end does not flatten the valley. */
static void draw_lr(struct panel *p, const struct panel_env *env,
		    struct train_view *v)
{
	const struct eng_lr_curve *c = &env->st->lr;
	int ih = panel_inner_h(p), cw = panel_inner_w(p) - YLABEL_W - 1;
	int top = 2, rows = ih - top - 2, c0;
	double lo = INFINITY, hi = -INFINITY;
	struct chart ch;

	c0 = panel_printf(p, env, 0, 1, ROLE_TRAIN_CURVE, "%s smoothed loss by lr",
			  env->braille ? "\u28c0" : "*");
	if (env->st->lr_running)
		panel_printf(p, env, 0, 1 + c0, ROLE_VALUE, "  sweeping %d/%d", c->n, c->num_it);
	else if (c->suggest.valley >= 0)
		panel_printf(p, env, 0, 1 + c0, ROLE_BEST, "  %s valley %.2e (A sets lr)",
			     env->unicode ? "\u25c6" : "#", c->lr[c->suggest.valley]);
	/* steepest on the next line, so a narrow pane does not cut it */
	int c1 = 0;
	if (!env->st->lr_running && c->suggest.valley >= 0)
		c1 = panel_printf(p, env, 1, 1, ROLE_BEST, "steepest %.2e  ",
				  c->lr[c->suggest.steep]);
	panel_printf(p, env, 1, 1 + c1, ROLE_LABEL, "%s",
		     c->diverged ? "stopped: the loss diverged" : "learning-rate finder (F), t trains");
	if (cw < 4 || rows < 2 || (size_t)(cw * rows) > v->n_cells || c->n < 1)
		return;
	chart_range_add(c->loss, c->n, env->log_scale, &lo, &hi);
	if (hi > 4.0 * lo && lo > 0.0)
		hi = 4.0 * lo;
	chart_range_finish(env->log_scale, &lo, &hi);
	chart_reset(&ch, v->cells, cw, rows, env->braille ? CHART_BRAILLE : CHART_ASCII,
		    env->log_scale, c->num_it, lo, hi);
	for (int j = 1; j < c->n; j++)
		if (isfinite(c->loss[j - 1]) && isfinite(c->loss[j]))
			chart_line(&ch, j - 1, c->loss[j - 1], j, c->loss[j], CR_TRAIN);
	draw_y_axis(p, env, top, rows, env->log_scale, lo, hi);
	draw_cells(p, env, v, top, rows, cw, run_roles, " .*o");
	if (!env->st->lr_running && c->suggest.valley >= 0)
		draw_marker(p, env, &ch, top, c->suggest.valley, c->loss[c->suggest.valley],
			    ROLE_BEST, "\u25c6", "#");
	/* x labels: the lr at a few batches, lr_j = lr_0 * ratio^j */
	int ax = top + rows;
	draw_x_line(p, env, ax, cw);
	if (c->n < 2)
		return;
	double ratio = (double)c->lr[1] / (double)c->lr[0];
	for (int k = 0; k <= 4; k++) {
		int j = c->num_it * k / 4, dx = chart_x_dot(&ch, j);
		int cx = ch.style == CHART_BRAILLE ? dx / 2 : dx;

		if (YLABEL_W + cx + 8 < panel_inner_w(p) - 3)
			panel_printf(p, env, ax, YLABEL_W + cx, ROLE_AXIS, "%.0e",
				     c->lr[0] * pow(ratio, j));
	}
	panel_printf(p, env, ax, panel_inner_w(p) - 3, ROLE_AXIS, "lr");
}

static void draw(struct panel *p, const struct panel_env *env)
{
	struct train_view *v = (struct train_view *)p;
	const struct run_curves *h = env->st->curves;
	int n = curves_count(h), ih = panel_inner_h(p);
	const struct curve_run *cur;
	int best, table, chart_rows;

	snprintf(p->subtitle, sizeof p->subtitle, "%s%s%s",
		 env->smoothing ? "smoothed" : "raw",
		 env->log_scale ? ", log" : "",
		 env->st->stale ? ", STALE" : "");
	if (env->st->lr_shown) {
		draw_lr(p, env, v);
		return;
	}
	if (env->st->marks && env->st->marks->comparing) {
		draw_compare(p, env, v, env->st->marks);
		return;
	}
	if (n == 0) {
		const struct state *st = env->st;
		char msg[300];

		if (st->trained && st->model_when[0])
			snprintf(msg, sizeof msg, "last session's model, trained %s (t "
				 "trains anew)%s%s", st->model_when,
				 st->model_loaded[0] ? ": " : "", st->model_loaded);
		else if (st->trained && st->model_loaded[0])
			snprintf(msg, sizeof msg, "a loaded model: %s (t trains anew)",
				 st->model_loaded);
		if (st->trained && (st->model_when[0] || st->model_loaded[0]))
			panel_wrap(p, env, 0, 3, ROLE_LABEL, msg, 1);
		else
			panel_printf(p, env, 0, 1, ROLE_LABEL,
				     "not trained yet: press t to train with the values shown");
		return;
	}
	cur = curves_run(h, n - 1);
	best = curves_best(cur);
	table = cur->planned_epochs < TABLE_MAX ? cur->planned_epochs + 1 : TABLE_MAX + 1;
	chart_rows = ih - 2 - 1 - table;
	if (chart_rows < CHART_MIN_ROWS) {      /* a short pane keeps the chart */
		table = ih - 2 - 1 - CHART_MIN_ROWS;
		chart_rows = CHART_MIN_ROWS;
	}
	/* overfitting in words, on a row of its own under the chart: taken
	 * from the chart while it has rows to spare, so the table keeps
	 * epoch 0; else from the table while it keeps a row */
	int over = curves_overfit_since(cur), words = 0;
	if (over >= 0 && chart_rows > CHART_MIN_ROWS) {
		chart_rows--;
		words = 1;
	} else if (over >= 0 && table > 2) {
		table--;
		words = 1;
	}
	draw_legend(p, env, cur, best);
	draw_chart(p, env, v, cur, best, 2, chart_rows);
	int row = 2 + chart_rows + 1;
	if (words)
		panel_printf(p, env, row++, 1, ROLE_WARN, "%s valid loss rising since "
			     "epoch %d: overfitting %s try more wd", env->unicode ? "\u25b2" : "^",
			     over, env->unicode ? "\u2014" : "-");
	draw_table(p, env, cur, best, row, table);
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	(void)p; (void)key; (void)act; (void)env;
	return PANEL_IGNORED;
}

static int resized(struct panel *p)
{
	struct train_view *v = (struct train_view *)p;
	return chart_cells_reserve(&v->cells, &v->n_cells,
				   (size_t)panel_inner_w(p) * (size_t)panel_inner_h(p));
}

static void done(struct panel *p)
{
	free(((struct train_view *)p)->cells);
}

static const struct panel_class train_class = {
	.name = "train", .draw = draw, .on_key = on_key, .resized = resized,
	.done = done,
};

struct panel *view_train_new(void)
{
	struct train_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	panel_init(&v->super, &train_class, "Training");
	return &v->super;
}
