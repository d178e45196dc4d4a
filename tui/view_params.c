/* view_params.c -- the Hyperparameters pane: one row per field, edited in
 * place (Enter, type, Enter; Esc cancels; the first character typed
 * replaces the old value, Backspace edits it) or stepped with left/right.  A
 * refused value keeps the old one, and the reason stays beside the field
 * (and on the status line, which has room for all of it) until the field
 * is changed successfully.  The rows scroll when the pane is shorter than
 * the fields (the one-pane layout of small terminals). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#define LABEL_W 12
#define EDIT_MAX 48

struct params_view {
	struct panel super;
	int editing;
	int fresh;              /* nothing typed yet: a character replaces all */
	char buf[EDIT_MAX];
	int len;
	char why[PARAM_COUNT][256];     /* the last refusal per field, or "" */
};

/* Count (draw = 0) or draw text wrapped at spaces into the pane's rows
 * from r while r < h; returns the row after the last one. */
static int wrap(struct panel *p, const struct panel_env *env, int r, int h,
		enum theme_role role, const char *text, int draw)
{
	int w = panel_inner_w(p) - 2;

	while (*text && r < h && w > 0) {
		int len = (int)strlen(text), cut = len;
		char line[512];

		/* by bytes: a cut inside a character is avoided by cutting
		 * at a space, and panel_text cuts by columns anyway */
		if (len > w) {
			cut = w;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = w;
		}
		snprintf(line, sizeof line, "%.*s", cut, text);
		if (draw)
			panel_text(p, env, r, 1, w, role, line);
		r++;
		text += cut;
		while (*text == ' ')
			text++;
	}
	return r;
}

static void draw(struct panel *p, const struct panel_env *env)
{
	struct params_view *v = (struct params_view *)p;
	const struct state *st = env->st;
	int h = panel_inner_h(p);
	char tip[512];

	/* the selected field's explanation under the fields: the rows
	 * scroll rather than cut it (up to 3 lines; it needs 2 at 80x24) */
	params_explain(&st->cfg, (enum params_field)p->sel, tip, sizeof tip);
	int need = wrap(p, env, 0, 3, ROLE_LABEL, tip, 0);
	int rows = h - need < PARAM_COUNT ? h - need : PARAM_COUNT;

	if (rows < 1)
		rows = h < 1 ? 0 : 1;
	/* on the border, where no row of the pane can push it off */
	snprintf(p->subtitle, sizeof p->subtitle, "%s",
		 st->stale ? "stale: t retrains" : "");
	if (rows <= 0)
		return;
	p->n_rows = PARAM_COUNT;
	/* keep the selection in view, and no blank rows, after a resize */
	if (p->top > p->sel)
		p->top = p->sel;
	if (p->sel >= p->top + rows)
		p->top = p->sel - rows + 1;
	if (p->top > PARAM_COUNT - rows)
		p->top = PARAM_COUNT - rows;
	for (int row = 0; row < rows; row++) {
		int f = (int)p->top + row;
		char val[64];
		int sel = f == p->sel, c;
		enum theme_role vr = ROLE_VALUE;

		if (sel) {
			attrset(theme_attr(env->th, p->focused ? ROLE_SELECTION :
					   ROLE_SELECTION_DIM));
			mvhline(p->y + 1 + row, p->x + 1, ' ', panel_inner_w(p));
			vr = p->focused ? ROLE_SELECTION : ROLE_SELECTION_DIM;
		}
		panel_printf(p, env, row, 1, sel ? vr : ROLE_LABEL, "%-*s", LABEL_W,
			     params_label((enum params_field)f));
		if (sel && v->editing) {
			c = panel_printf(p, env, row, 1 + LABEL_W, ROLE_EDIT, "%s", v->buf);
			panel_printf(p, env, row, 1 + LABEL_W + c, ROLE_EDIT, " ");
			c++;
		} else {
			params_format(&st->cfg, (enum params_field)f, val, sizeof val);
			c = panel_printf(p, env, row, 1 + LABEL_W, vr, "%s", val);
		}
		if (v->why[f][0])
			panel_printf(p, env, row, 2 + LABEL_W + c, ROLE_BAD, "%s %s",
				     env->unicode ? "\u2190" : "<-", v->why[f]);
	}
	/* a blank line after the fields when there is room for it */
	int r = rows + (h - rows > need + 1 ? 1 : 0);
	/* the selected field's full reason, then what the field does */
	r = wrap(p, env, r, h, ROLE_BAD, v->why[p->sel], 1);
	r = wrap(p, env, r, h, ROLE_LABEL, tip, 1);
	if (r < h)
		panel_printf(p, env, r, 1, ROLE_LABEL,
			     "Enter edit  %s step  t train  s stop",
			     env->unicode ? "\u2190/\u2192" : "<-/->");
}

/* The outcome of a set or step on field f: remember or clear the reason,
 * and tell the state the values changed. */
static unsigned settle(struct params_view *v, int f, int rc, const char *why,
		       const struct panel_env *env)
{
	if (rc != 0) {
		char msg[300];

		snprintf(v->why[f], sizeof v->why[f], "%s", why);
		/* name the field, unless the reason already starts with it
		 * ("lr must be a positive number") */
		const char *label = params_label((enum params_field)f);
		size_t ll = strlen(label);
		if (strncmp(why, label, ll) == 0 && why[ll] == ' ')
			snprintf(msg, sizeof msg, "%s", why);
		else
			snprintf(msg, sizeof msg, "%s: %s", label, why);
		state_message(env->st, 1, msg);
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	}
	v->why[f][0] = '\0';
	state_param_changed(env->st);
	if (f == PARAM_PRESET) {
		char msg[64], name[CFG_NAME_MAX];

		/* it set the other fields: their old refusals are moot */
		memset(v->why, 0, sizeof v->why);
		params_format(&env->st->cfg, PARAM_PRESET, name, sizeof name);
		snprintf(msg, sizeof msg, "preset %s applied (t trains)", name);
		state_message(env->st, 0, msg);
	} else {
		state_message(env->st, 0, "");
	}
	return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS | PANEL_PARAMS;
}

static unsigned edit_key(struct params_view *v, int key,
			 const struct panel_env *env)
{
	struct panel *p = &v->super;
	char why[256];

	if (key == 27) {
		v->editing = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	}
	if (key == '\n') {
		int rc = params_set(&env->st->cfg, (enum params_field)p->sel, v->buf,
				    &env->st->range, why, sizeof why);
		v->editing = 0;
		return settle(v, (int)p->sel, rc, why, env);
	}
	if (key == 127 || key == 8 || key == KEYS_FN(KEY_BACKSPACE)) {
		if (v->len > 0)
			v->buf[--v->len] = '\0';
		v->fresh = 0;
		return PANEL_HANDLED | PANEL_REDRAW;
	}
	if (key >= ' ' && key < 0x7F && v->fresh) {
		v->len = 0;
		v->fresh = 0;
	}
	if (key >= ' ' && key < 0x7F && v->len < EDIT_MAX - 1) {
		v->buf[v->len++] = (char)key;
		v->buf[v->len] = '\0';
		return PANEL_HANDLED | PANEL_REDRAW;
	}
	return PANEL_HANDLED;   /* an edit swallows everything else */
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	struct params_view *v = (struct params_view *)p;
	char why[256];

	if (v->editing)
		return edit_key(v, key, env);
	switch (act) {
	case ACT_SELECT:
		params_format(&env->st->cfg, (enum params_field)p->sel, v->buf,
			      sizeof v->buf);
		v->len = (int)strlen(v->buf);
		v->editing = 1;
		v->fresh = 1;
		return PANEL_HANDLED | PANEL_REDRAW;
	case ACT_LEFT:
	case ACT_RIGHT: {
		int rc = params_step(&env->st->cfg, (enum params_field)p->sel,
				     act == ACT_RIGHT ? 1 : -1, &env->st->range,
				     why, sizeof why);
		return settle(v, (int)p->sel, rc, why, env);
	}
	default:
		p->n_rows = PARAM_COUNT;
		return panel_navigate(p, act, panel_inner_h(p)) ?
		       PANEL_HANDLED | PANEL_REDRAW :
		       (act == ACT_UP || act == ACT_DOWN ? PANEL_HANDLED :
							   PANEL_IGNORED);
	}
}

static int typing(const struct panel *p)
{
	return ((const struct params_view *)p)->editing;
}

static const struct panel_class params_class = {
	.name = "params", .draw = draw, .on_key = on_key, .typing = typing,
};

struct panel *view_params_new(void)
{
	struct params_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	panel_init(&v->super, &params_class, "Hyperparameters");
	v->super.n_rows = PARAM_COUNT;
	return &v->super;
}
