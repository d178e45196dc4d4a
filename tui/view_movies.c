/* view_movies.c -- the Movies pane: every movie with its year, number of
 * ratings, mean, learned bias (once trained) and your rating; `/` filters
 * as you type, `o` cycles the order, Enter opens the movie's details
 * (asked of the engine with ENG_CMD_ITEM_DETAIL), `1`-`5` rate it, `S`
 * lists the movies nearest to it (ENG_CMD_SIMILAR).  `b` switches to the
 * most-loved and most-hated movies by learned bias (ENG_CMD_BIAS_LIST),
 * `f` cycles their minimum number of ratings. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

/* Columns right of the title: year, ratings, mean, bias, yours. */
#define NUM_W 33
/* The title column's widest: longer titles are cut, and on a wide screen
 * the numbers stay near the titles rather than 100 columns away. */
#define TITLE_MAX_W 64

struct movies_view {
	struct panel super;
	int searching;
	char query[MOVIELIST_QUERY_MAX];
	int detail_open;
	int similar_open;
	int loved;              /* showing most-loved / most-hated */
	long list_sel, list_top;/* the movie list's place while loved is shown */
};

/* The minimums `f` cycles through. */
static const uint32_t min_steps[] = { 0, 10, 20, 50, 100, 200 };
#define N_MIN_STEPS (int)(sizeof min_steps / sizeof min_steps[0])

static int list_rows(const struct movies_view *v)
{
	const struct panel *p = &v->super;
	int rows = panel_inner_h(p) - 1;

	if (!v->loved && (v->searching || v->query[0]))
		rows--;
	return rows > 0 ? rows : 0;
}

/* "4", "3.5" or "" for your rating of item. */
static void yours(const struct state *st, uint32_t item, char *buf, size_t n)
{
	float r = myratings_get(&st->mine, item);

	if (isnan(r))
		buf[0] = '\0';
	else
		snprintf(buf, n, "%g", r);
}

/* Rows of the loved/hated view: the top entries, then the bottom ones. */
static long loved_rows(const struct state *st)
{
	return st->bias_valid ? st->bias.n_top + st->bias.n_bottom : 0;
}

/* The item on the selected row, or -1. */
static long selected_item(const struct movies_view *v, const struct panel_env *env)
{
	const struct panel *p = &v->super;
	const struct state *st = env->st;

	if (v->loved)
		return p->sel < loved_rows(st) ? (long)st->bias.e[p->sel].idx : -1;
	return p->sel < (long)movielist_rows(st->movies) ?
	       (long)movielist_item_at(st->movies, (uint32_t)p->sel) : -1;
}

/* The popup of the movies nearest to the selected one. */
static void draw_similar(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct movielist *ml = st->movies;
	struct panel box;

	/* the list, its header and the title line, on the screen */
	if (st->similar_item >= movielist_items(ml) ||
	    panel_popup(&box, p, env, 96, STATE_SIMILAR_K + 4, 24, 5) != 0)
		return;
	int w = box.w, h = box.h;
	panel_printf(&box, env, 0, 1, ROLE_LABEL, "similar to ");
	panel_text(&box, env, 0, 12, w - 14, ROLE_VALUE,
		   movielist_item(ml, st->similar_item)->title);
	if (!st->similar_valid) {
		panel_printf(&box, env, 1, 1, ROLE_LABEL, "asking the engine...");
		return;
	}
	panel_printf(&box, env, 1, 1, ROLE_LABEL, "%6s %5s %6s  %s", "cosine",
		     "mean", "n", "title");
	for (int i = 0; i < st->similar.n && i + 2 < h - 2; i++) {
		const struct eng_ranked *e = &st->similar.e[i];
		char mean[8] = "-";

		if (isfinite(e->mean))
			snprintf(mean, sizeof mean, "%.2f", e->mean);
		panel_printf(&box, env, 2 + i, 1, ROLE_VALUE, "%6.3f %5s %6u",
			     e->score, mean, e->n_ratings);
		panel_text(&box, env, 2 + i, 22, w - 24, ROLE_NORMAL,
			   movielist_item(ml, e->idx)->title);
	}
}

/* Most-loved then most-hated, with bias, mean and number of ratings. */
static void draw_loved(struct panel *p, const struct panel_env *env, int rows)
{
	const struct state *st = env->st;
	const struct movielist *ml = st->movies;
	int w = panel_inner_w(p), title_w = w - 30;

	snprintf(p->subtitle, sizeof p->subtitle, "loved & hated, min %u ratings",
		 st->bias_min);
	p->n_rows = loved_rows(st);
	if (!st->bias_valid) {
		panel_printf(p, env, 0, 1, ROLE_LABEL, "%s", st->trained ?
			     "asking the engine..." :
			     "needs a trained dotbias model: press t");
		return;
	}
	panel_printf(p, env, 0, 1, ROLE_LABEL, "%-4s %7s %5s %6s %5s  %s", "",
		     "bias", "mean", "n", "yours", "title");
	for (int r = 0; r < rows && p->top + r < p->n_rows; r++) {
		long row = p->top + r;
		const struct eng_ranked *e = &st->bias.e[row];
		int top = row < st->bias.n_top, sel = row == p->sel;
		enum theme_role role = sel ? (p->focused ? ROLE_SELECTION :
					      ROLE_SELECTION_DIM) : ROLE_NORMAL;
		char mean[8] = "-", mine[16];

		if (sel) {
			attrset(theme_attr(env->th, role));
			mvhline(p->y + 2 + r, p->x + 1, ' ', w);
		}
		if (isfinite(e->mean))
			snprintf(mean, sizeof mean, "%.2f", e->mean);
		yours(st, e->idx, mine, sizeof mine);
		panel_printf(p, env, 1 + r, 1, sel ? role : top ? ROLE_GOOD : ROLE_BAD,
			     "%-4s", top ? "love" : "hate");
		panel_printf(p, env, 1 + r, 6, sel ? role : ROLE_VALUE,
			     "%+7.3f %5s %6u %5s", e->score, mean, e->n_ratings, mine);
		panel_text(p, env, 1 + r, 34, title_w > 8 ? title_w : 8, role,
			   movielist_item(ml, e->idx)->title);
	}
}

static void draw_detail(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct state_detail *d = &st->detail;
	const struct eng_item *it;
	int r = 0;
	uint32_t top = 1;
	struct panel box;

	/* title, year, genres, ratings and a row per histogram bin (ten
	 * for half stars), on the screen */
	if (d->item >= movielist_items(st->movies) ||
	    panel_popup(&box, p, env, 72, 4 + (d->valid && d->n_bins > 0 ?
					   d->n_bins : 1) + 2, 20, 6) != 0)
		return;
	int w = box.w, h = box.h;
	it = movielist_item(st->movies, d->item);
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

	/* the list's search, also when last session's was put back */
	snprintf(v->query, sizeof v->query, "%s", movielist_query(ml));
	int w = panel_inner_w(p), rows = list_rows(v), title_w = w - NUM_W - 2;
	int has_bias = movielist_has_biases(ml);

	if (v->loved && movielist_items(ml)) {
		draw_loved(p, env, rows);
		return;
	}
	p->n_rows = movielist_rows(ml);
	snprintf(p->subtitle, sizeof p->subtitle, "%u of %u, by %s",
		 movielist_rows(ml), movielist_items(ml),
		 movielist_sort_name(movielist_sort(ml)));
	if (movielist_items(ml) == 0) {
		panel_printf(p, env, 0, 1, ROLE_LABEL, "%s",
			     env->st->loaded ? "no movies" :
			     env->st->loading ? "loading..." : "no dataset loaded");
		return;
	}
	if (title_w < 8)
		title_w = 8;
	if (title_w > TITLE_MAX_W)
		title_w = TITLE_MAX_W;
	panel_printf(p, env, 0, 1, ROLE_LABEL, "%-*s %4s %7s %5s %7s %5s",
		     title_w, "title", "year", "ratings", "mean", "bias", "yours");
	for (int r = 0; r < rows && p->top + r < p->n_rows; r++) {
		long row = p->top + r;
		uint32_t i = movielist_item_at(ml, (uint32_t)row);
		const struct eng_item *it = movielist_item(ml, i);
		int sel = row == p->sel;
		enum theme_role role = sel ? (p->focused ? ROLE_SELECTION :
					      ROLE_SELECTION_DIM) : ROLE_NORMAL;
		char year[8] = "", mean[8] = "-", bias[12] = "", mine[16];

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
		yours(env->st, i, mine, sizeof mine);
		panel_text(p, env, 1 + r, 1, title_w, role, it->title);
		panel_printf(p, env, 1 + r, 2 + title_w, sel ? role : ROLE_VALUE,
			     "%4s %7u %5s %7s %5s", year, it->n_ratings, mean, bias,
			     mine);
	}
	if (v->searching || v->query[0])
		panel_printf(p, env, panel_inner_h(p) - 1, 1,
			     v->searching ? ROLE_EDIT : ROLE_LABEL, "/%s%s", v->query,
			     v->searching ? "_" : "   (Esc clears)");
}

/* The details or similar movies popup, over the screen. */
static int draw_popup(struct panel *p, const struct panel_env *env)
{
	struct movies_view *v = (struct movies_view *)p;

	if (!movielist_items(env->st->movies))
		return 0;
	if (v->detail_open)
		draw_detail(p, env);
	else if (v->similar_open)
		draw_similar(p, env);
	return v->detail_open || v->similar_open;
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

	long item;

	if (v->searching)
		return search_key(v, key, env);
	p->n_rows = v->loved ? loved_rows(env->st) : movielist_rows(ml);
	item = selected_item(v, env);
	switch (act) {
	case ACT_RATE_1: case ACT_RATE_2: case ACT_RATE_3: case ACT_RATE_4:
	case ACT_RATE_5: case ACT_RATE_CLEAR: case ACT_RATE_HALF:
		if (item < 0)
			return PANEL_HANDLED;
		if (act == ACT_RATE_HALF)
			state_rate_half(env->st, (uint32_t)item);
		else
			state_rate(env->st, (uint32_t)item, act == ACT_RATE_CLEAR ? NAN :
				   (float)(act - ACT_RATE_1 + 1));
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS | PANEL_RECS;
	case ACT_SIMILAR:
		if (item < 0)
			return PANEL_HANDLED;
		v->detail_open = 0;
		v->similar_open = state_similar(env->st, (uint32_t)item) == 0;
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	case ACT_LOVED:
		v->loved = !v->loved;
		v->detail_open = v->similar_open = 0;
		if (v->loved) {
			v->list_sel = p->sel;
			v->list_top = p->top;
			p->sel = p->top = 0;
			if (env->st->trained)
				state_bias_list(env->st, env->st->bias_min);
		} else {
			p->sel = v->list_sel;
			p->top = v->list_top;
		}
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	case ACT_MIN_RATINGS: {
		int i = 0;

		if (!v->loved)
			return PANEL_IGNORED;
		while (i < N_MIN_STEPS && min_steps[i] != env->st->bias_min)
			i++;
		p->sel = p->top = 0;
		env->st->bias_valid = 0;
		state_bias_list(env->st, min_steps[(i + 1) % N_MIN_STEPS]);
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	}
	case ACT_SEARCH:
		v->searching = 1;
		v->loved = 0;
		v->detail_open = v->similar_open = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	case ACT_SORT:
		if (v->loved)
			return PANEL_HANDLED;
		movielist_set_sort(ml, (enum movielist_sort)
				   ((movielist_sort(ml) + 1) % SORT_COUNT));
		p->sel = p->top = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	case ACT_SELECT:
		if (item < 0)
			return PANEL_HANDLED;
		v->detail_open = 1;
		v->similar_open = 0;
		state_detail(env->st, (uint32_t)item);
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	case ACT_CANCEL:
		if (v->detail_open || v->similar_open)
			v->detail_open = v->similar_open = 0;
		else if (v->loved)
			return on_key(p, key, ACT_LOVED, env);
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
		v->similar_open = 0;
		if (v->detail_open && (item = selected_item(v, env)) >= 0)
			state_detail(env->st, (uint32_t)item);
		return PANEL_HANDLED | PANEL_REDRAW;
	}
}

static int typing(const struct panel *p)
{
	return ((const struct movies_view *)p)->searching;
}

static const struct panel_class movies_class = {
	.name = "movies", .draw = draw, .on_key = on_key, .typing = typing,
	.overlay = draw_popup, .list_keys = 1,
};

struct panel *view_movies_new(void)
{
	struct movies_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	panel_init(&v->super, &movies_class, "Movies");
	return &v->super;
}
