/* chart.h -- a line chart rasterised onto a grid of terminal cells.
 * Curses-free: the Training pane turns the cells into characters and
 * colours, and the tests check the scaling without a terminal.
 *
 * With CHART_BRAILLE each cell holds 2x4 dots (U+2800 + the dot bits), so
 * a 60-column chart has 120 points across; with CHART_ASCII each cell is
 * one point.  Every cell remembers the highest role drawn into it, so the
 * current run is drawn over the dimmed older ones.
 */
#ifndef COLLABTUI_CHART_H
#define COLLABTUI_CHART_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

enum chart_style { CHART_ASCII, CHART_BRAILLE };

struct chart_cell {
	uint8_t dots;           /* braille dot bits; ASCII: nonzero = set */
	uint8_t role;           /* 0 = empty; higher roles win a cell */
};

struct chart {
	int w, h;                       /* in cells */
	enum chart_style style;
	int log;                        /* log10 y axis */
	double xmax;                    /* x runs over [0, xmax] */
	double ylo, yhi;                /* y range, in data units */
	struct chart_cell *cells;       /* (h, w) row-major; caller's memory */
};

/* Point ch at cells (w*h of them, owned by the caller), clear them and set
 * the ranges.  With log set, ylo must be > 0. */
void chart_reset(struct chart *ch, struct chart_cell *cells, int w, int h,
		 enum chart_style style, int log, double xmax, double ylo,
		 double yhi);

/* A y range covering the finite values v[0..n) (the positive ones with
 * log), widened into lo and hi; start with lo = INFINITY, hi = -INFINITY
 * and call once per series. */
void chart_range_add(const float *v, int n, int log, double *lo, double *hi);

/* Make an accumulated range drawable: pad it by 5% (of the decades with
 * log), give an empty or one-value range some height, and fall back to
 * [0, 1] (log: [0.1, 1]) when nothing was added. */
void chart_range_finish(int log, double *lo, double *hi);

/* The dot row (0 = top, 4h-1 or h-1 = bottom) of y; clamped. */
int chart_y_dot(const struct chart *ch, double y);

/* The dot column of x; clamped. */
int chart_x_dot(const struct chart *ch, double x);

/* Draw a point, or a straight line between two points, in role (> 0). */
void chart_point(struct chart *ch, double x, double y, int role);
void chart_line(struct chart *ch, double x0, double y0, double x1, double y1,
		int role);

/* Grow *cells (holding *n_cells) to at least need cells, for a pane that
 * sizes its chart buffer when laid out.  0, or -1 when memory runs out
 * (the buffer is then unchanged). */
int chart_cells_reserve(struct chart_cell **cells, size_t *n_cells, size_t need);

/* The braille character of a cell (U+2800 + dots). */
wchar_t chart_braille(const struct chart_cell *c);

#endif
