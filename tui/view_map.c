/* view_map.c -- the embedding map: the most-rated movies projected on two
 * principal components of the item factors (ENG_EVT_PCA), rasterised by
 * chart.c like the loss chart (braille or ASCII).  The movies at the four
 * ends of the two axes are labelled, a cursor (the arrow keys) picks out
 * the movie nearest to it, and `x` / `y` switch the components.  The
 * title line gives each component's share of the variance, the chapter's
 * way of reading how much of the taste space the map shows.  `e` lists
 * the movies at both ends of each axis instead, as the chapter reads its
 * components (the lowest and the highest on each, side by side), all of
 * them as j/k scroll.
 *
 * In the full layout the map takes the Training pane's place while it is
 * focused; in the tab layout it is a tab of its own. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "text.h"
#include "views.h"

#define HEAD 2                  /* axes line, cursor line */
#define LABEL_MAX 24            /* columns of an extreme point's label */

struct map_view {
	struct panel super;
	int cx, cy;                     /* components across and up */
	int cur_c, cur_r;               /* the cursor, in chart cells */
	struct chart_cell *cells;       /* (inner_h, inner_w) */
	size_t n_cells;
	int ends;                       /* listing the axes' ends, not the map */
	long ends_top;                  /* the first rank listed */
	uint32_t *order[2];             /* points by coordinate on cx, cy */
	uint32_t n_order;               /* points sorted; 0: to sort again */
	const struct eng_pca *sorted;   /* the PCA they were sorted for */
	int sorted_cx, sorted_cy;
};

/* Point j's coordinate on component c. */
static double coord(const struct eng_pca *m, uint32_t j, int c)
{
	return m->proj[(size_t)j * (size_t)m->n_comp + (size_t)c];
}

/* The chart cell of point j. */
static void cell_of(const struct chart *ch, const struct eng_pca *m, double xlo,
		    int cx, int cy, uint32_t j, int *col, int *row)
{
	int dx = chart_x_dot(ch, coord(m, j, cx) - xlo);
	int dy = chart_y_dot(ch, coord(m, j, cy));

	*col = ch->style == CHART_BRAILLE ? dx / 2 : dx;
	*row = ch->style == CHART_BRAILLE ? dy / 4 : dy;
}

/* The point nearest to the cursor (cells are about twice as tall as wide). */
static uint32_t nearest(const struct chart *ch, const struct eng_pca *m,
			double xlo, const struct map_view *v)
{
	long best = -1, best_d = 0;

	for (uint32_t j = 0; j < m->n; j++) {
		int c, r;
		long d;

		cell_of(ch, m, xlo, v->cx, v->cy, j, &c, &r);
		d = (long)(c - v->cur_c) * (c - v->cur_c) +
		    4L * (r - v->cur_r) * (r - v->cur_r);
		if (best < 0 || d < best_d) {
			best = j;
			best_d = d;
		}
	}
	return (uint32_t)best;
}

/* Label point j's title beside its cell, towards the middle. */
static void label(struct panel *p, const struct panel_env *env,
		  const struct chart *ch, const struct eng_pca *m, double xlo,
		  const struct map_view *v, uint32_t j)
{
	char cut[LABEL_MAX * 4];
	int c, r, n;

	cell_of(ch, m, xlo, v->cx, v->cy, j, &c, &r);
	n = text_cut(movielist_item(env->st->movies, m->items[j])->title, LABEL_MAX,
		     !env->unicode, cut, sizeof cut);
	c = c > ch->w / 2 ? c - n - 1 : c + 2;
	if (c < 0)
		c = 0;
	panel_text(p, env, HEAD + r, c, LABEL_MAX, ROLE_LABEL, cut);
}

/* qsort over point indices by one component (single-threaded UI) */
static const struct eng_pca *sort_pca;
static int sort_comp;

static int by_coord(const void *a, const void *b)
{
	double x = coord(sort_pca, *(const uint32_t *)a, sort_comp);
	double y = coord(sort_pca, *(const uint32_t *)b, sort_comp);
	return (x > y) - (x < y);
}

/* Sort the points along both axes once per PCA and choice of components.
 * 0, or -1 when memory runs out. */
static int sort_ends(struct map_view *v, const struct eng_pca *m)
{
	if (v->sorted == m && v->n_order == m->n && v->sorted_cx == v->cx &&
	    v->sorted_cy == v->cy)
		return 0;
	for (int a = 0; a < 2; a++) {
		uint32_t *o = realloc(v->order[a], (m->n ? m->n : 1) * sizeof *o);

		if (!o)
			return -1;
		v->order[a] = o;
		for (uint32_t j = 0; j < m->n; j++)
			o[j] = j;
		sort_pca = m;
		sort_comp = a ? v->cy : v->cx;
		qsort(o, m->n, sizeof *o, by_coord);
	}
	v->n_order = m->n;
	v->sorted = m;
	v->sorted_cx = v->cx;
	v->sorted_cy = v->cy;
	return 0;
}

/* The ends of both axes: for each, the lowest and the highest points side
 * by side, from rank ends_top on. */
static void draw_ends(struct panel *p, const struct panel_env *env,
		      struct map_view *v, const struct eng_pca *m)
{
	int w = panel_inner_w(p), h = panel_inner_h(p), half = (h - 1) / 2;
	int colw = (w - 2) / 2;

	if (sort_ends(v, m) != 0) {
		panel_printf(p, env, 0, 1, ROLE_BAD, "out of memory sorting the map");
		return;
	}
	if (v->ends_top > (long)m->n - (half - 1))
		v->ends_top = (long)m->n - (half - 1);
	if (v->ends_top < 0)
		v->ends_top = 0;
	for (int a = 0; a < 2; a++) {
		int comp = a ? v->cy : v->cx, top = a * half;

		panel_printf(p, env, top, 1, ROLE_VALUE, "PC%d %s (%.1f%% of the variance): "
			     "lowest | highest", comp + 1, a ? "up" : "across",
			     100.0 * m->share[comp]);
		for (int r = 1; r < half; r++) {
			long k = v->ends_top + r - 1;

			if (k >= (long)m->n)
				break;
			for (int side = 0; side < 2; side++) {
				uint32_t j = v->order[a][side ? m->n - 1 - (uint32_t)k :
							   (uint32_t)k];
				int c = 1 + side * colw;

				c += panel_printf(p, env, top + r, c, ROLE_LABEL, "%4ld %+.2f ",
						  k + 1, coord(m, j, comp));
				panel_text(p, env, top + r, c, colw - 13, ROLE_NORMAL,
					   movielist_item(env->st->movies, m->items[j])->title);
			}
		}
	}
	panel_printf(p, env, h - 1, 1, ROLE_LABEL, "ranks %ld-%ld of %u  j/k/PgDn scroll"
		     "  x/y other components  e the map", v->ends_top + 1,
		     v->ends_top + half - 1 < (long)m->n ? v->ends_top + half - 1 : (long)m->n,
		     m->n);
}

static void draw(struct panel *p, const struct panel_env *env)
{
	struct map_view *v = (struct map_view *)p;
	const struct eng_pca *m = env->st->pca;
	int w = panel_inner_w(p), rows = panel_inner_h(p) - HEAD;
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	uint32_t ext[4] = { 0, 0, 0, 0 };       /* min x, max x, min y, max y */
	struct chart ch;

	if (!m || m->n == 0 || !movielist_items(env->st->movies)) {
		panel_printf(p, env, 0, 1, ROLE_LABEL, "%s",
			     env->st->training ? "training: the map appears when it ends" :
			     env->st->trained ? "asking the engine..." :
			     "not trained yet: press t, then the map of the movies appears");
		return;
	}
	if (v->cx >= m->n_comp || v->cy >= m->n_comp) {
		v->cx = 0;
		v->cy = m->n_comp > 1 ? 1 : 0;
	}
	snprintf(p->subtitle, sizeof p->subtitle, "%u most-rated movies", m->n);
	if (v->ends) {
		draw_ends(p, env, v, m);
		return;
	}
	if (w < 10 || rows < 3 || (size_t)(w * rows) > v->n_cells)
		return;
	for (uint32_t j = 0; j < m->n; j++) {
		double x = coord(m, j, v->cx), y = coord(m, j, v->cy);

		if (x < xlo) { xlo = x; ext[0] = j; }
		if (x > xhi) { xhi = x; ext[1] = j; }
		if (y < ylo) { ylo = y; ext[2] = j; }
		if (y > yhi) { yhi = y; ext[3] = j; }
	}
	chart_range_finish(0, &xlo, &xhi);
	chart_range_finish(0, &ylo, &yhi);
	chart_reset(&ch, v->cells, w, rows, env->braille ? CHART_BRAILLE : CHART_ASCII,
		    0, xhi - xlo, ylo, yhi);
	for (uint32_t j = 0; j < m->n; j++)
		chart_point(&ch, coord(m, j, v->cx) - xlo, coord(m, j, v->cy), 1);
	if (v->cur_c < 0 || v->cur_c >= w || v->cur_r < 0 || v->cur_r >= rows) {
		v->cur_c = w / 2;
		v->cur_r = rows / 2;
	}

	panel_printf(p, env, 0, 1, ROLE_LABEL, "PC%d across (%.1f%% of the variance), "
		     "PC%d up (%.1f%%)  e: ends", v->cx + 1,
		     100.0 * m->share[v->cx], v->cy + 1, 100.0 * m->share[v->cy]);
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < w; c++) {
			const struct chart_cell *cell = &v->cells[r * w + c];
			wchar_t wc;

			if (!cell->role)
				continue;
			wc = env->braille ? chart_braille(cell) : L'.';
			attrset(theme_attr(env->th, ROLE_TRAIN_CURVE));
			mvaddnwstr(p->y + 1 + HEAD + r, p->x + 1 + c, &wc, 1);
		}
	for (int i = 0; i < 4; i++)
		label(p, env, &ch, m, xlo, v, ext[i]);

	uint32_t j = nearest(&ch, m, xlo, v);
	int c = panel_printf(p, env, 1, 1, ROLE_LABEL, "cursor: ");
	c += panel_printf(p, env, 1, 1 + c, ROLE_VALUE, "(%+.2f, %+.2f) ",
			  coord(m, j, v->cx), coord(m, j, v->cy));
	panel_text(p, env, 1, 1 + c, w - c - 2, ROLE_VALUE,
		   movielist_item(env->st->movies, m->items[j])->title);
	panel_printf(p, env, HEAD + v->cur_r, v->cur_c, ROLE_BEST, "%s",
		     env->unicode ? "\u253c" : "+");
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	struct map_view *v = (struct map_view *)p;
	int n = env->st->pca ? env->st->pca->n_comp : 0;

	(void)key;
	if (act == ACT_MAP_ENDS) {
		v->ends = !v->ends;
		v->ends_top = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	}
	if (v->ends)
		switch (act) {
		case ACT_UP:        v->ends_top--; return PANEL_HANDLED | PANEL_REDRAW;
		case ACT_DOWN:      v->ends_top++; return PANEL_HANDLED | PANEL_REDRAW;
		case ACT_PAGE_UP:   v->ends_top -= 10; return PANEL_HANDLED | PANEL_REDRAW;
		case ACT_PAGE_DOWN: v->ends_top += 10; return PANEL_HANDLED | PANEL_REDRAW;
		case ACT_HOME:      v->ends_top = 0; return PANEL_HANDLED | PANEL_REDRAW;
		case ACT_CANCEL:    v->ends = 0; return PANEL_HANDLED | PANEL_REDRAW;
		default:            break;
		}
	switch (act) {
	case ACT_UP:    v->cur_r--; break;
	case ACT_DOWN:  v->cur_r++; break;
	case ACT_LEFT:  v->cur_c--; break;
	case ACT_RIGHT: v->cur_c++; break;
	case ACT_PAGE_UP:   v->cur_r -= 4; break;
	case ACT_PAGE_DOWN: v->cur_r += 4; break;
	case ACT_PC_X:
	case ACT_PC_Y:
		if (n < 2)
			return PANEL_HANDLED;
		/* the next component that is not already on the other axis */
		int *c = act == ACT_PC_X ? &v->cx : &v->cy;
		int other = act == ACT_PC_X ? v->cy : v->cx;
		do
			*c = (*c + 1) % n;
		while (*c == other);
		return PANEL_HANDLED | PANEL_REDRAW;
	default:
		return PANEL_IGNORED;
	}
	/* keep the cursor on the chart; draw() recentres it if it is off */
	if (v->cur_c < 0)
		v->cur_c = 0;
	if (v->cur_r < 0)
		v->cur_r = 0;
	if (v->cur_c > panel_inner_w(p) - 1)
		v->cur_c = panel_inner_w(p) - 1;
	if (v->cur_r > panel_inner_h(p) - HEAD - 1)
		v->cur_r = panel_inner_h(p) - HEAD - 1;
	return PANEL_HANDLED | PANEL_REDRAW;
}

static int resized(struct panel *p)
{
	struct map_view *v = (struct map_view *)p;
	return chart_cells_reserve(&v->cells, &v->n_cells,
				   (size_t)panel_inner_w(p) * (size_t)panel_inner_h(p));
}

static void done(struct panel *p)
{
	struct map_view *v = (struct map_view *)p;

	free(v->cells);
	free(v->order[0]);
	free(v->order[1]);
}

static const struct panel_class map_class = {
	.name = "map", .draw = draw, .on_key = on_key, .resized = resized,
	.done = done,
};

struct panel *view_map_new(void)
{
	struct map_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	panel_init(&v->super, &map_class, "Map");
	v->cy = 1;
	v->cur_c = v->cur_r = -1;
	return &v->super;
}
