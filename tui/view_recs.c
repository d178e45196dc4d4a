/* view_recs.c -- the Recommendations pane: the engine's answer to your
 * ratings (ENG_EVT_RECS), with each movie's predicted rating and the
 * rated movie it is closest to ("because you rated X"), and the honesty
 * lines the chapter asks for: what the list is based on (the fold-in, the
 * row T trained for you, the metadata form, or the popularity fallback), whether the model is
 * untrained or stale, and how much of the list comes from the 10%
 * most-rated movies.  A ranking model's list (ENG_RECS_RANKED) shows
 * scores, says which model ranked it and how many of your ratings were
 * "not for me", and names the liked movie behind each row.  Under the
 * model's line, the share of the catalogue the model's top-10 lists for
 * the dataset's users reach (catalogue coverage).  Before you
 * rate anything on a dataset with user
 * metadata, Enter opens a one-line form (age, gender, occupation). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"
#include "occupation.h"

#define FORM_MAX 64
#define BASIS_MAX_ROWS 4        /* the basis wraps to at most this many */
#define LIST_MIN_ROWS 3         /* list rows a short pane keeps before the
				 * hint and the coverage line */

struct recs_view {
	struct panel super;
	int editing;
	char form[FORM_MAX];
	int head;               /* rows above the list's header: basis (1 to
				 * 4), model, then the form (1), hint or
				 * coverage (0 to 2) */
};

static int list_rows(const struct panel *p)
{
	int rows = panel_inner_h(p) - ((const struct recs_view *)p)->head - 1;

	return rows > 0 ? rows : 0;
}

/* Line 0: what the list is based on, wrapped (a fallback's reason is
 * read whole); returns the rows it took. */
static int draw_basis(struct panel *p, const struct panel_env *env)
{
	const struct state *st = env->st;
	const struct eng_recs *r = &st->recs;
	enum theme_role role = ROLE_NORMAL;
	char msg[512] = "";

	switch (r->basis) {
	case ENG_RECS_FOLDIN:
		if (r->n_rated && r->n_trained) {
			/* T trained you in, but you rated since */
			snprintf(msg, sizeof msg, "from your %d rating%s, folded in "
				 "as a new user: they changed since T trained the "
				 "model with your %d", r->n_rated,
				 r->n_rated == 1 ? "" : "s", r->n_trained);
		} else if (r->n_rated) {
			snprintf(msg, sizeof msg, "from your %d rating%s, folded in "
				 "as a new user", r->n_rated, r->n_rated == 1 ? "" : "s");
		} else {
			role = ROLE_WARN;
			snprintf(msg, sizeof msg, "no ratings yet: an average user's "
				 "list; rate movies with 1-5");
		}
		break;
	case ENG_RECS_TRAINED:
		snprintf(msg, sizeof msg, "from your %d rating%s, trained in with "
			 "the model (T): your own row, no fold-in", r->n_rated,
			 r->n_rated == 1 ? "" : "s");
		break;
	case ENG_RECS_META:
		snprintf(msg, sizeof msg, "from age %d, %s, %s%s%s",
			 st->form.age, st->form.gender, st->form.occupation,
			 r->unknown & ENG_RECS_UNKNOWN_GENDER ? " (gender unknown)" : "",
			 r->unknown & ENG_RECS_UNKNOWN_OCCUPATION ?
			 " (occupation unknown)" : "");
		break;
	case ENG_RECS_POPULAR:
		role = ROLE_WARN;
		snprintf(msg, sizeof msg, "fallback: %s", r->note);
		break;
	case ENG_RECS_RANKED:
		/* a ranking model: the low ratings are "not for me" */
		snprintf(msg, sizeof msg, "ranked by %s from your %d rating%s: %d "
			 "watched, %d not for me (below %g)", r->model, r->n_rated,
			 r->n_rated == 1 ? "" : "s", r->n_liked,
			 r->n_rated - r->n_liked,
			 0.5f * (st->summary.rating_min + st->summary.rating_max));
		break;
	}
	/* whole, however short the pane: what the list is based on matters
	 * more than its last rows */
	int rows = panel_wrap(p, env, 0, BASIS_MAX_ROWS, role, msg, 1);
	return rows > 0 ? rows : 1;
}

/* Row y: the model's state and the popularity skew. */
static void draw_model(struct panel *p, const struct panel_env *env, int y)
{
	const struct state *st = env->st;
	int c;

	if (st->recs.basis == ENG_RECS_POPULAR || !st->trained)
		c = panel_printf(p, env, y, 1, ROLE_WARN, "model untrained");
	else if (st->stale)
		c = panel_printf(p, env, y, 1, ROLE_WARN, "model STALE (values "
				 "changed since training; t retrains)");
	else if (st->training)
		c = panel_printf(p, env, y, 1, ROLE_LABEL, "model training");
	else
		c = panel_printf(p, env, y, 1, ROLE_GOOD, "model trained: %s", st->recs.model);
	/* the long form where it fits; the short one, whole, where not */
	char pop[64];
	int n = snprintf(pop, sizeof pop, "   popular: %.0f%% from the 10%% most-rated",
			 100.0 * st->recs.pop_share);
	if (1 + c + n > panel_inner_w(p) - 1)
		snprintf(pop, sizeof pop, "  %.0f%% popular", 100.0 * st->recs.pop_share);
	panel_printf(p, env, y, 1 + c, ROLE_LABEL, "%s", pop);
}

/* A line under the model's that the list can do without (the form's
 * hint, the coverage): wrapped whole at row y, but only where it leaves
 * the list LIST_MIN_ROWS rows; returns the row after it (y when left
 * out). */
static int draw_extra(struct panel *p, const struct panel_env *env, int y, const char *msg)
{
	int end = panel_wrap(p, env, y, y + 2, ROLE_LABEL, msg, 0);

	if (end > panel_inner_h(p) - 1 - LIST_MIN_ROWS)
		return y;
	return panel_wrap(p, env, y, y + 2, ROLE_LABEL, msg, 1);
}

/* From row y: how much of the catalogue the model's lists reach, the
 * other half of the popularity story (a rating model gives most users the
 * same few films; a ranking model spreads wider), wrapped whole over at
 * most two rows (draw_extra); returns the row after it. */
static int draw_coverage(struct panel *p, const struct panel_env *env, int y)
{
	const struct state *st = env->st;
	const struct eng_recs *r = &st->recs;
	char msg[160];

	if (!r->coverage_lists || r->basis == ENG_RECS_POPULAR || !st->trained)
		return y;
	snprintf(msg, sizeof msg, "coverage: the top-%d lists of %s%u users hold %.0f%% "
		 "of the %u movies", ENG_COVERAGE_K,
		 r->coverage_lists < st->summary.n_users ? "a sample of " : "all ",
		 r->coverage_lists, 100.0 * r->coverage, st->summary.n_items);
	return draw_extra(p, env, y, msg);
}

/* While the form is open: the occupations it takes, word-wrapped over
 * the rows under it. */
static void draw_occupations(struct panel *p, const struct panel_env *env,
			     int r)
{
	const char *w = "occupations: " OCCUPATION_LIST;
	int width = panel_inner_w(p) - 2;

	while (*w && r < panel_inner_h(p) && width > 0) {
		int len = (int)strlen(w);

		if (len > width) {      /* cut after the last ", " that fits */
			len = width;
			while (len > 0 && w[len] != ' ')
				len--;
			if (len == 0)
				len = width;
		}
		panel_clear_row(p, env, r);
		panel_printf(p, env, r++, 1, ROLE_LABEL, "%.*s", len, w);
		w += len;
		w += strspn(w, " ");
	}
}

static void draw(struct panel *p, const struct panel_env *env)
{
	struct recs_view *v = (struct recs_view *)p;
	const struct state *st = env->st;
	const struct movielist *ml = st->movies;
	int w = panel_inner_w(p), rows;
	int title_w = (w - 8) * 3 / 5, because_w = w - 8 - title_w - 2;

	snprintf(p->subtitle, sizeof p->subtitle, "your ratings %d", st->mine.n);
	if (!st->recs_valid || !movielist_items(ml)) {
		panel_printf(p, env, 0, 1, ROLE_LABEL, "%s", st->loaded ?
			     "asking the engine..." : st->loading ? "loading..." :
			     "no dataset loaded");
		return;
	}
	int basis = draw_basis(p, env);
	draw_model(p, env, basis);
	v->head = basis + 1;
	if (v->editing)
		panel_printf(p, env, v->head++, 1, ROLE_EDIT,
			     "age gender occupation: %s_", v->form);
	else if (st->has_meta && st->mine.n == 0)
		v->head = draw_extra(p, env, basis + 1, "Enter: your age, gender and "
				     "occupation for first recommendations");
	else
		v->head = draw_coverage(p, env, basis + 1);
	rows = list_rows(p);
	p->n_rows = st->recs.n;
	if (p->sel >= p->n_rows)
		p->sel = p->n_rows > 0 ? p->n_rows - 1 : 0;
	int ranked = st->recs.basis == ENG_RECS_RANKED;
	panel_printf(p, env, v->head, 1, ROLE_LABEL, "%5s  %-*s %s", ranked ? "score" : "pred",
		     title_w, "title", because_w > 8 ? ranked ? "most from your" :
		     "because you rated" : "");
	for (int r = 0; r < rows && p->top + r < p->n_rows; r++) {
		long row = p->top + r;
		const struct eng_ranked *e = &st->recs.e[row];
		int sel = row == p->sel;
		enum theme_role role = sel ? (p->focused ? ROLE_SELECTION :
					      ROLE_SELECTION_DIM) : ROLE_NORMAL;
		int y = v->head + 1 + r;

		if (sel) {
			attrset(theme_attr(env->th, role));
			mvhline(p->y + 1 + y, p->x + 1, ' ', w);
		}
		panel_printf(p, env, y, 1, sel ? role : ROLE_VALUE, "%5.2f", e->score);
		panel_text(p, env, y, 8, title_w, role, movielist_item(ml, e->idx)->title);
		if (e->because < movielist_items(ml) && because_w > 8)
			panel_text(p, env, y, 9 + title_w, because_w, sel ? role : ROLE_LABEL,
				   movielist_item(ml, e->because)->title);
	}
	if (v->editing)
		draw_occupations(p, env, basis + 2);
}

static unsigned form_key(struct recs_view *v, int key, const struct panel_env *env)
{
	size_t len = strlen(v->form);

	if (key == 27) {
		v->editing = 0;
	} else if (key == '\n') {
		v->editing = 0;
		if (state_recommend_form(env->st, v->form) == 0)
			v->super.sel = v->super.top = 0;
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS;
	} else if (key == 127 || key == 8 || key == KEYS_FN(KEY_BACKSPACE)) {
		if (len)
			v->form[len - 1] = '\0';
	} else if (key >= ' ' && key < 0x7F && len + 1 < sizeof v->form) {
		v->form[len] = (char)key;
		v->form[len + 1] = '\0';
	}
	return PANEL_HANDLED | PANEL_REDRAW;
}

static unsigned on_key(struct panel *p, int key, enum keys_action act,
		       const struct panel_env *env)
{
	struct recs_view *v = (struct recs_view *)p;
	struct state *st = env->st;
	uint32_t item;

	if (v->editing)
		return form_key(v, key, env);
	p->n_rows = st->recs_valid ? st->recs.n : 0;
	switch (act) {
	case ACT_SELECT:
		if (!st->has_meta) {
			state_message(st, 0, "this dataset has no user metadata: "
				      "rate movies with 1-5");
			return PANEL_HANDLED | PANEL_STATUS;
		}
		v->editing = 1;
		return PANEL_HANDLED | PANEL_REDRAW;
	case ACT_RATE_1: case ACT_RATE_2: case ACT_RATE_3: case ACT_RATE_4:
	case ACT_RATE_5: case ACT_RATE_CLEAR: case ACT_RATE_HALF:
		if (p->sel >= p->n_rows)
			return PANEL_HANDLED;
		item = st->recs.e[p->sel].idx;
		if (act == ACT_RATE_HALF)
			state_rate_half(st, item);
		else
			state_rate(st, item, act == ACT_RATE_CLEAR ? NAN :
				   (float)(act - ACT_RATE_1 + 1));
		return PANEL_HANDLED | PANEL_REDRAW | PANEL_STATUS | PANEL_RECS;
	default:
		if (!panel_navigate(p, act, list_rows(p)))
			return act >= ACT_UP && act <= ACT_END && act != ACT_LEFT &&
			       act != ACT_RIGHT ? PANEL_HANDLED : PANEL_IGNORED;
		return PANEL_HANDLED | PANEL_REDRAW;
	}
}

static int typing(const struct panel *p)
{
	return ((const struct recs_view *)p)->editing;
}

static const struct panel_class recs_class = {
	.name = "recs", .draw = draw, .on_key = on_key, .typing = typing,
	.list_keys = 1,
};

struct panel *view_recs_new(void)
{
	struct recs_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	panel_init(&v->super, &recs_class, "Recommendations");
	v->super.tab = "Recs";
	v->head = 3;
	return &v->super;
}
