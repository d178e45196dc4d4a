/* view_dataset.c -- the Dataset pane: the summary the engine sends with
 * ENG_EVT_LOADED, laid out so each line has a stable label ("users 943")
 * that a test can look for. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

static void draw(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct summary *s = &st->summary;
	int r = 0, h = panel_inner_h(p), w = panel_inner_w(p);
	uint64_t top = 1;

	if (!st->loaded) {
		panel_printf(p, env, 0, 1, st->loading ? ROLE_LABEL : ROLE_BAD, "%s",
			     st->loading ? "loading..." : "no dataset loaded");
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
		panel_printf(p, env, r++, 1, ROLE_LABEL, "most rated");
		for (int i = 0; i < s->n_top && r < h; i++, r++) {
			panel_printf(p, env, r, 1, ROLE_VALUE, "%4u", s->top_count[i]);
			panel_text(p, env, r, 6, w - 7, ROLE_NORMAL, s->top_title[i]);
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
