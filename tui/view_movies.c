/* view_movies.c -- the Movies pane: every movie with its year, number of
 * ratings, mean, learned bias (once trained) and your rating; `/` filters
 * as you type, `o` cycles the order, Enter opens the movie's details
 * (asked of the engine with ENG_CMD_ITEM_DETAIL). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

/* Columns right of the title: year, ratings, mean, bias, yours. */
#define NUM_W 33

struct movies_view {
	struct panel super;
	int searching;
	char query[MOVIELIST_QUERY_MAX];
	int detail_open;
};

static int list_rows(const struct movies_view *v)
{
	const struct panel *p = &v->super;
	int rows = panel_inner_h(p) - 1;

	if (v->searching || v->query[0])
		rows--;
	return rows > 0 ? rows : 0;
}

static void draw_detail(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct state_detail *d = &st->detail;
	const struct eng_item *it;
	int w = panel_inner_w(p) - 4, h = panel_inner_h(p) - 2, r = 0;
	int x0 = p->x + 3, y0 = p->y + 2;
	uint32_t top = 1;

	if (w < 20 || h < 6 || d->item >= movielist_items(st->movies))
		return;
	it = movielist_item(st->movies, d->item);
	/* a box over the list */
	panel_box(env, x0, y0, w, h, ROLE_BORDER_FOCUS);

	/* draw through a pane-shaped view of the box */
	struct panel box = *p;
	box.x = x0;
	box.y = y0;
	box.w = w;
	box.h = h;
	panel_text(&box, env, r++, 1, w - 4, ROLE_VALUE, it->title);
	if (it->year)
		panel_printf(&box, env, r++, 1, ROLE_LABEL, "year %d", it->year);
	panel_printf(&box, env, r, 1, ROLE_LABEL, "genres ");
	panel_text(&box, env, r++, 8, w - 11, ROLE_NORMAL,
		   it->genres[0] ? it->genres : "-");
	if (!d->valid) {
		panel_printf(&box, env, r, 1, ROLE_LABEL, "loading...");
		return;
	}
	int c = panel_printf(&box, env, r, 1, ROLE_LABEL, "ratings ");
	c += panel_printf(&box, env, r, 1 + c, ROLE_VALUE, "%u", d->n_ratings);
	c += panel_printf(&box, env, r, 1 + c, ROLE_LABEL, "  mean ");
	c += panel_printf(&box, env, r, 1 + c, ROLE_VALUE, "%.2f", d->mean);
	float b = movielist_bias(st->movies, d->item);
	if (isfinite(b)) {
		c += panel_printf(&box, env, r, 1 + c, ROLE_LABEL, "  bias ");
		panel_printf(&box, env, r, 1 + c, ROLE_VALUE, "%+.3f", b);
	}
	r++;
	for (int i = 0; i < d->n_bins; i++)
		if (d->bin_count[i] > top)
			top = d->bin_count[i];
	for (int i = 0; i < d->n_bins && r < h - 2; i++, r++) {
		panel_printf(&box, env, r, 1, ROLE_LABEL, "%4g", d->bin_lo[i]);
		panel_bar(&box, env, r, 6, (w - 16) * (double)d->bin_count[i] / top,
			  ROLE_BAR);
		panel_printf(&box, env, r, w - 9, ROLE_VALUE, "%5u", d->bin_count[i]);
	}
}

static void draw(struct panel *p, const struct panel_env *env)
{
	struct movies_view *v = (struct movies_view *)p;
	const struct movielist *ml = env->st->movies;
	int w = panel_inner_w(p), rows = list_rows(v), title_w = w - NUM_W - 2;
	int has_bias = movielist_has_biases(ml);

	p->n_rows = movielist_rows(ml);
	snprintf(p->subtitle, sizeof p->subtitle, "%u of %u, by %s",
		 movielist_rows(ml), movielist_items(ml),
		 movielist_sort_name(movielist_sort(ml)));
	if (movielist_items(ml) == 0) {
		panel_printf(p, env, 0, 1, ROLE_LABEL, "%s",
			     env->st->loaded ? "no movies" : "loading...");
		return;
	}
	if (title_w < 8)
		title_w = 8;
	panel_printf(p, env, 0, 1, ROLE_LABEL, "%-*s %4s %7s %5s %7s %5s",
		     title_w, "title", "year", "ratings", "mean", "bias", "yours");
	for (int r = 0; r < rows && p->top + r < p->n_rows; r++) {
		long row = p->top + r;
		uint32_t i = movielist_item_at(ml, (uint32_t)row);
		const struct eng_item *it = movielist_item(ml, i);
		int sel = row == p->sel;
		enum theme_role role = sel ? (p->focused ? ROLE_SELECTION :
					      ROLE_SELECTION_DIM) : ROLE_NORMAL;
		char year[8] = "", mean[8] = "-", bias[12] = "";

		if (sel) {
			attrset(theme_attr(env->th, role));
			mvhline(p->y + 2 + r, p->x + 1, ' ', w);
		}
		if (it->year)
			snprintf(year, sizeof year, "%d", it->year);
		if (isfinite(it->mean))
			snprintf(mean, sizeof mean, "%.2f", it->mean);
		if (has_bias)
			snprintf(bias, sizeof bias, "%+.3f", movielist_bias(ml, i));
		panel_text(p, env, 1 + r, 1, title_w, role, it->title);
		panel_printf(p, env, 1 + r, 2 + title_w, sel ? role : ROLE_VALUE,
			     "%4s %7u %5s %7s %5s", year, it->n_ratings, mean, bias,
			     "");
	}
	if (v->searching || v->query[0])
		panel_printf(p, env, panel_inner_h(p) - 1, 1,
			     v->searching ? ROLE_EDIT : ROLE_LABEL, "/%s%s", v->query,
			     v->searching ? "_" : "   (Esc clears)");
	if (v->detail_open)
		draw_detail(p, env);
}

static void set_query(struct movies_view *v, const struct panel_env *env)
{
	movielist_set_query(env->st->movies, v->query);
	v->super.sel = v->super.top = 0;
}

/* Append the character key to the query as UTF-8. */
static void query_add(struct movies_view *v, int key)
{
	char mb[8];
	mbstate_t ps;
	size_t len = strlen(v->query), k;

	memset(&ps, 0, sizeof ps);
	k = wcrtomb(mb, (wchar_t)key, &ps);
	if (k == (size_t)-1 || len + k >= sizeof v->query)
		return;
	memcpy(v->query + len, mb, k);
	v->query[len + k] = '\0';
}

static void query_backspace(struct movies_view *v)
{
	size_t len = strlen(v->query);

	/* drop one whole UTF-8 character */
	while (len > 0 && ((unsigned char)v->query[len - 1] & 0xC0) == 0x80)
		len--;
	if (len > 0)
		len--;
	v->query[len] = '\0';
}

static unsigned search_key(struct movies_view *v, int key,
			   const struct panel_env *env)
{
	if (key == 27) {
		v->searching = 0;
		v->query[0] = '\0';
	} else if (key == '\n') {
		v->searching = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	} else if (key == 127 || key == 8 || key == KEYS_FN(KEY_BACKSPACE)) {
		query_backspace(v);
	} else if (key >= ' ' && key < KEYS_FN(0) && key != 0x7F) {
		query_add(v, key);
	} else {
		return PANEL_HANDLED;
	}
	set_query(v, env);
	return PANEL_HANDLED | PANEL_REDRAW;
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	struct movies_view *v = (struct movies_view *)p;
	struct movielist *ml = env->st->movies;

	if (v->searching)
		return search_key(v, key, env);
	p->n_rows = movielist_rows(ml);
	switch (act) {
	case ACT_SEARCH:
		v->searching = 1;
		v->detail_open = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	case ACT_SORT:
		movielist_set_sort(ml, (enum movielist_sort)
				   ((movielist_sort(ml) + 1) % SORT_COUNT));
		p->sel = p->top = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	case ACT_SELECT:
		if (p->n_rows == 0)
			return PANEL_HANDLED;
		v->detail_open = 1;
		state_detail(env->st, movielist_item_at(ml, (uint32_t)p->sel));
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	case ACT_CANCEL:
		if (v->detail_open)
			v->detail_open = 0;
		else if (v->query[0]) {
			v->query[0] = '\0';
			set_query(v, env);
		} else
			return PANEL_HANDLED;
		return PANEL_HANDLED | PANEL_REDRAW;
	default:
		if (!panel_navigate(p, act, list_rows(v)))
			return act >= ACT_UP && act <= ACT_END && act != ACT_LEFT &&
			       act != ACT_RIGHT ? PANEL_HANDLED : PANEL_IGNORED;
		if (v->detail_open)
			state_detail(env->st, movielist_item_at(ml, (uint32_t)p->sel));
		return PANEL_HANDLED | PANEL_REDRAW;
	}
}

static int typing(const struct panel *p)
{
	return ((const struct movies_view *)p)->searching;
}

static const struct panel_class movies_class = {
	.name = "movies", .draw = draw, .on_key = on_key, .typing = typing,
};

struct panel *view_movies_new(void)
{
	struct movies_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	panel_init(&v->super, &movies_class, "Movies");
	return &v->super;
}
