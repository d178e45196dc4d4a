/* view_dataset.c -- the Dataset pane: the summary the engine sends with
 * ENG_EVT_LOADED, laid out so each line has a stable label ("users 943")
 * that a test can look for; before it, a long load's progress bar.  The
 * demo set puts its name, ENG_DEMO_NAME, on the frame. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

/* A load under way: what it does, and while it reads, how far. */
static void draw_loading(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct eng_load_progress *l = &st->load;
	int w = panel_inner_w(p), c;

	c = panel_printf(p, env, 0, 1, ROLE_LABEL, "loading ");
	panel_printf(p, env, 0, 1 + c, ROLE_VALUE, "%s", st->load_name);
	if (l->phase == 0)
		return;
	if (l->phase == ENG_LOAD_READ && l->total > 0) {
		double f = (double)l->done / (double)l->total;

		c = panel_printf(p, env, 1, 1, ROLE_VALUE, "%3.0f%% ", 100.0 * f);
		if (w - 2 - c > 0)
			panel_bar(p, env, 1, 1 + c, (w - 2 - c) * f, ROLE_BAR);
		panel_printf(p, env, 2, 1, ROLE_LABEL, "%.0f of %.0f MB read, %.1f s",
			     (double)l->done / 1e6, (double)l->total / 1e6, l->seconds);
	} else {
		panel_printf(p, env, 1, 1, ROLE_LABEL, "%s, %.1f s",
			     l->phase == ENG_LOAD_SUMMARY ? "summarising" :
			     l->phase == ENG_LOAD_INDEX ? "indexing users and items" :
			     "reading", l->seconds);
	}
	char keys[64], *comma;

	keys_describe(env->km, ACT_STOP, keys, sizeof keys);
	if ((comma = strchr(keys, ',')))
		*comma = '\0';
	if (keys[0])
		panel_printf(p, env, 3, 1, ROLE_LABEL, "%s cancels", keys);
}

static void draw(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct eng_summary *s = &st->summary;
	int r = 0, h = panel_inner_h(p), w = panel_inner_w(p);
	uint64_t top = 1;

	/* the demo is never to be taken for MovieLens: its name on the frame */
	snprintf(p->subtitle, sizeof p->subtitle, "%s", st->demo ? ENG_DEMO_NAME : "");
	if (!st->loaded && st->loading) {
		draw_loading(p, env);
		return;
	}
	if (!st->loaded) {
		panel_printf(p, env, 0, 1, ROLE_BAD, "no dataset loaded");
		return;
	}
	panel_printf(p, env, r, 1, ROLE_VALUE, "%s", s->name);
	panel_printf(p, env, r++, 2 + (int)strlen(s->name), ROLE_LABEL, "(%s)",
		     s->format);
	int c = panel_printf(p, env, r, 1, ROLE_LABEL, "users ");
	c += panel_printf(p, env, r, 1 + c, ROLE_VALUE, "%u", s->n_users);
	c += panel_printf(p, env, r, 1 + c, ROLE_LABEL, "  items ");
	panel_printf(p, env, r++, 1 + c, ROLE_VALUE, "%u", s->n_items);
	c = panel_printf(p, env, r, 1, ROLE_LABEL, "ratings ");
	c += panel_printf(p, env, r, 1 + c, ROLE_VALUE, "%llu",
			  (unsigned long long)s->n_ratings);
	c += panel_printf(p, env, r, 1 + c, ROLE_LABEL, "  density ");
	panel_printf(p, env, r++, 1 + c, ROLE_VALUE, "%.2f%%", 100.0 * s->density);
	c = panel_printf(p, env, r, 1, ROLE_LABEL, "mean rating ");
	panel_printf(p, env, r++, 1 + c, ROLE_VALUE, "%.3f", s->mean);
	c = panel_printf(p, env, r, 1, ROLE_LABEL, "per user ");
	panel_printf(p, env, r++, 1 + c, ROLE_VALUE, "min %u  median %u  max %u",
		     s->user_min, s->user_median, s->user_max);
	c = panel_printf(p, env, r, 1, ROLE_LABEL, "per item ");
	panel_printf(p, env, r++, 1 + c, ROLE_VALUE, "min %u  median %u  max %u",
		     s->item_min, s->item_median, s->item_max);

	/* the histogram: label, bar scaled to the biggest bin, count */
	for (int i = 0; i < s->n_bins; i++)
		if (s->bin_count[i] > top)
			top = s->bin_count[i];
	int bar_w = w - 16;
	for (int i = 0; i < s->n_bins && r < h; i++, r++) {
		panel_printf(p, env, r, 1, ROLE_LABEL, "%4g", s->bin_lo[i]);
		if (bar_w > 0)
			panel_bar(p, env, r, 6, bar_w * (double)s->bin_count[i] /
				  (double)top, ROLE_BAR);
		panel_printf(p, env, r, w - 8, ROLE_VALUE, "%7llu",
			     (unsigned long long)s->bin_count[i]);
	}
	if (r + 1 < h) {
		/* counts as wide as the first (the largest): 38789 on 25M */
		int cw = s->n_top ? snprintf(NULL, 0, "%u", s->top_count[0]) : 0;

		cw = cw < 4 ? 4 : cw;
		panel_printf(p, env, r++, 1, ROLE_LABEL, "most rated");
		for (int i = 0; i < s->n_top && r < h; i++, r++) {
			panel_printf(p, env, r, 1, ROLE_VALUE, "%*u", cw, s->top_count[i]);
			panel_text(p, env, r, 2 + cw, w - 3 - cw, ROLE_NORMAL, s->top_title[i]);
		}
	}
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	(void)p; (void)key; (void)act; (void)env;
	return PANEL_IGNORED;
}

static const struct panel_class dataset_class = {
	.name = "dataset", .draw = draw, .on_key = on_key,
};

struct panel *view_dataset_new(void)
{
	struct panel *p = malloc(sizeof *p);

	if (p)
		panel_init(p, &dataset_class, "Dataset");
	return p;
}
