/* chart.c -- rasterising lines onto cells (see chart.h). */
#include "chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Dots per cell across and down, by style. */
static int dots_x(const struct chart *ch) { return ch->style == CHART_BRAILLE ? 2 : 1; }
static int dots_y(const struct chart *ch) { return ch->style == CHART_BRAILLE ? 4 : 1; }

void chart_reset(struct chart *ch, struct chart_cell *cells, int w, int h,
		 enum chart_style style, int log, double xmax, double ylo,
		 double yhi)
{
	ch->w = w;
	ch->h = h;
	ch->style = style;
	ch->log = log;
	ch->xmax = xmax > 0 ? xmax : 1;
	ch->ylo = ylo;
	ch->yhi = yhi;
	ch->cells = cells;
	memset(cells, 0, (size_t)w * (size_t)h * sizeof *cells);
}

void chart_range_add(const float *v, int n, int log, double *lo, double *hi)
{
	for (int i = 0; i < n; i++) {
		if (!isfinite(v[i]) || (log && v[i] <= 0))
			continue;
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

void chart_range_finish(int log, double *lo, double *hi)
{
	if (!(*lo <= *hi)) {
		*lo = log ? 0.1 : 0;
		*hi = 1;
		return;
	}
	if (log) {
		double a = log10(*lo), b = log10(*hi), pad = (b - a) * 0.05;

		if (b - a < 1e-6)
			pad = 0.1;
		*lo = pow(10, a - pad);
		*hi = pow(10, b + pad);
		return;
	}
	double pad = (*hi - *lo) * 0.05;
	if (pad < 1e-9)
		pad = fabs(*hi) > 1e-9 ? fabs(*hi) * 0.05 : 0.5;
	*lo -= pad;
	*hi += pad;
}

int chart_y_dot(const struct chart *ch, double y)
{
	int rows = ch->h * dots_y(ch);
	double t;

	if (ch->log) {
		double a = log10(ch->ylo), b = log10(ch->yhi);

		t = y > 0 ? (log10(y) - a) / (b - a) : 0;
	} else {
		t = (y - ch->ylo) / (ch->yhi - ch->ylo);
	}
	if (!(t >= 0))
		t = 0;
	if (t > 1)
		t = 1;
	return (int)lround((1 - t) * (rows - 1));
}

int chart_x_dot(const struct chart *ch, double x)
{
	int cols = ch->w * dots_x(ch);
	double t = x / ch->xmax;

	if (!(t >= 0))
		t = 0;
	if (t > 1)
		t = 1;
	return (int)lround(t * (cols - 1));
}

static void set_dot(struct chart *ch, int dx, int dy, int role)
{
	static const uint8_t bit[4][2] = {
		{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 },
	};
	int cx = dx / dots_x(ch), cy = dy / dots_y(ch);
	struct chart_cell *c;

	if (cx < 0 || cx >= ch->w || cy < 0 || cy >= ch->h)
		return;
	c = &ch->cells[cy * ch->w + cx];
	c->dots |= ch->style == CHART_BRAILLE ?
		   bit[dy % 4][dx % 2] : 1;
	if (role > c->role)
		c->role = (uint8_t)role;
}

void chart_point(struct chart *ch, double x, double y, int role)
{
	set_dot(ch, chart_x_dot(ch, x), chart_y_dot(ch, y), role);
}

void chart_line(struct chart *ch, double x0, double y0, double x1, double y1,
		int role)
{
	int ax = chart_x_dot(ch, x0), ay = chart_y_dot(ch, y0);
	int bx = chart_x_dot(ch, x1), by = chart_y_dot(ch, y1);
	int dx = abs(bx - ax), dy = -abs(by - ay);
	int sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;

	/* Bresenham over the dot grid */
	for (;;) {
		set_dot(ch, ax, ay, role);
		if (ax == bx && ay == by)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			ax += sx;
		}
		if (e2 <= dx) {
			err += dx;
			ay += sy;
		}
	}
}

wchar_t chart_braille(const struct chart_cell *c)
{
	return (wchar_t)(0x2800 + c->dots);
}

int chart_cells_reserve(struct chart_cell **cells, size_t *n_cells, size_t need)
{
	struct chart_cell *c;

	if (need <= *n_cells)
		return 0;
	c = realloc(*cells, need * sizeof *c);
	if (!c)
		return -1;
	*cells = c;
	*n_cells = need;
	return 0;
}
