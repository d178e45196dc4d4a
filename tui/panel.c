/* panel.c -- the generic pane (see panel.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "panel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void panel_init(struct panel *p, const struct panel_class *cls,
		const char *title)
{
	memset(p, 0, sizeof *p);
	p->cls = cls;
	p->title = title;
	p->tab = title;
	p->needs_redraw = 1;
}

void panel_free(struct panel *p)
{
	if (!p)
		return;
	if (p->cls->done)
		p->cls->done(p);
	free(p);
}

int panel_move(struct panel *p, int x, int y, int w, int h)
{
	p->x = x;
	p->y = y;
	p->w = w;
	p->h = h;
	p->needs_redraw = 1;
	return p->cls->resized ? p->cls->resized(p) : 0;
}

int panel_inner_w(const struct panel *p)
{
	return p->w > 2 ? p->w - 2 : 0;
}

int panel_inner_h(const struct panel *p)
{
	return p->h > 2 ? p->h - 2 : 0;
}

/* The line border of a w x h rectangle at (x, y), in the current attrs. */
static void draw_border(int x, int y, int w, int h)
{
	int x1 = x + w - 1, y1 = y + h - 1;

	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x1, ACS_URCORNER);
	mvaddch(y1, x, ACS_LLCORNER);
	mvaddch(y1, x1, ACS_LRCORNER);
}

void panel_box(const struct panel_env *env, int x, int y, int w, int h,
	       enum theme_role role)
{
	attrset(theme_attr(env->th, ROLE_NORMAL));
	for (int r = 1; r < h - 1; r++)
		mvhline(y + r, x + 1, ' ', w - 2);
	attrset(theme_attr(env->th, role));
	draw_border(x, y, w, h);
}

int panel_popup(struct panel *box, const struct panel *p,
		const struct panel_env *env, int w, int h, int min_w, int min_h)
{
	/* a margin each side, and the status line below */
	if (w > COLS - 2)
		w = COLS - 2;
	if (h > LINES - 3)
		h = LINES - 3;
	if (w < min_w || h < min_h)
		return -1;
	*box = *p;
	box->x = (COLS - w) / 2;
	box->y = (LINES - 1 - h) / 2;
	box->w = w;
	box->h = h;
	/* the margin: a blank ring, clipped to the screen */
	attrset(theme_attr(env->th, ROLE_NORMAL));
	for (int r = box->y - 1; r <= box->y + h; r++)
		if (r >= 0 && r < LINES - 1)
			mvhline(r, box->x - 1 < 0 ? 0 : box->x - 1, ' ',
				w + 2 > COLS ? COLS : w + 2);
	panel_box(env, box->x, box->y, w, h, ROLE_BORDER_FOCUS);
	return 0;
}

/* The border and the title line; the inside is drawn already. */
static void draw_frame(struct panel *p, const struct panel_env *env)
{
	attrset(theme_attr(env->th, p->focused ? ROLE_BORDER_FOCUS : ROLE_BORDER));
	draw_border(p->x, p->y, p->w, p->h);

	/* " Title " then " subtitle " on the top border */
	attrset(theme_attr(env->th, p->focused ? ROLE_TITLE_FOCUS : ROLE_TITLE));
	int room = p->w - 4, used;
	if (room <= 0)
		return;
	used = snprintf(NULL, 0, " %s ", p->title);
	mvaddnstr(p->y, p->x + 2, " ", 1);
	addnstr(p->title, room - 2);
	addnstr(" ", 1);
	if (p->subtitle[0] && used + 4 < room) {
		char cut[160];

		attrset(theme_attr(env->th, ROLE_LABEL));
		text_cut(p->subtitle, room - used - 3, !env->unicode, cut, sizeof cut);
		mvaddstr(p->y, p->x + 2 + used + 1, " ");
		addstr(cut);
		addstr(" ");
	}
	attrset(A_NORMAL);
}

void panel_draw(struct panel *p, const struct panel_env *env)
{
	if (p->w < 3 || p->h < 3)
		return;
	attrset(theme_attr(env->th, ROLE_NORMAL));
	for (int r = 0; r < p->h - 2; r++)
		mvhline(p->y + 1 + r, p->x + 1, ' ', p->w - 2);
	/* the inside first: it may set the subtitle the frame shows */
	p->cls->draw(p, env);
	draw_frame(p, env);
	attrset(A_NORMAL);
	p->needs_redraw = 0;
}

int panel_navigate(struct panel *p, enum keys_action act, int rows)
{
	long old_sel = p->sel, old_top = p->top, page = rows > 1 ? rows - 1 : 1;

	switch (act) {
	case ACT_UP:        p->sel--; break;
	case ACT_DOWN:      p->sel++; break;
	case ACT_PAGE_UP:   p->sel -= page; break;
	case ACT_PAGE_DOWN: p->sel += page; break;
	case ACT_HOME:      p->sel = 0; break;
	case ACT_END:       p->sel = p->n_rows - 1; break;
	default:            return 0;
	}
	if (p->sel >= p->n_rows)
		p->sel = p->n_rows - 1;
	if (p->sel < 0)
		p->sel = 0;
	if (p->sel < p->top)
		p->top = p->sel;
	if (rows > 0 && p->sel >= p->top + rows)
		p->top = p->sel - rows + 1;
	if (p->top < 0)
		p->top = 0;
	return p->sel != old_sel || p->top != old_top;
}

void panel_clear_row(struct panel *p, const struct panel_env *env, int r)
{
	if (r < 0 || r >= panel_inner_h(p))
		return;
	attrset(theme_attr(env->th, ROLE_NORMAL));
	mvhline(p->y + 1 + r, p->x + 1, ' ', panel_inner_w(p));
}

int panel_printf(struct panel *p, const struct panel_env *env, int r, int c,
		 enum theme_role role, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int room = panel_inner_w(p) - c, n;

	if (r < 0 || r >= panel_inner_h(p) || room <= 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	if (n > (int)sizeof buf - 1)
		n = (int)sizeof buf - 1;
	if (n > room)
		n = room;
	attrset(theme_attr(env->th, role));
	mvaddnstr(p->y + 1 + r, p->x + 1 + c, buf, n);
	return n;
}

int panel_text(struct panel *p, const struct panel_env *env, int r, int c,
	       int max, enum theme_role role, const char *utf8)
{
	wchar_t w[256];
	int room = panel_inner_w(p) - c, n, keep, used;

	if (max > room)
		max = room;
	if (r < 0 || r >= panel_inner_h(p) || max <= 0)
		return 0;
	n = text_decode(utf8, w, 256, !env->unicode);
	keep = text_fit(w, n, max, 1, &used);
	attrset(theme_attr(env->th, role));
	mvaddnwstr(p->y + 1 + r, p->x + 1 + c, w, keep);
	if (keep < n && used < max) {
		addnwstr(env->unicode ? L"\u2026" : L"~", 1);
		used++;
	}
	return used;
}

void panel_bar(struct panel *p, const struct panel_env *env, int r, int c,
	       double cols, enum theme_role role)
{
	static const wchar_t eighths[] = L" \u258f\u258e\u258d\u258c\u258b\u258a\u2589";
	int room = panel_inner_w(p) - c, full = (int)cols;
	int frac = (int)((cols - full) * 8);

	if (r < 0 || r >= panel_inner_h(p) || room <= 0)
		return;
	if (full > room)
		full = room, frac = 0;
	attrset(theme_attr(env->th, role));
	move(p->y + 1 + r, p->x + 1 + c);
	for (int i = 0; i < full; i++)
		addnwstr(env->unicode ? L"\u2588" : L"#", 1);
	if (env->unicode && frac > 0 && full < room)
		addnwstr(&eighths[frac], 1);
}

int panel_wrap(struct panel *p, const struct panel_env *env, int r, int h,
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
