/* theme.h -- colours by meaning.  Drawing code asks for a role
 * (ROLE_BORDER_FOCUS, ROLE_VALID_CURVE, ...) and never names a colour or
 * a colour pair; themes/NAME.yaml maps roles to colours.
 *
 * A theme file is a YAML mapping of role: [fg, bg, attribute...].  Colours
 * are default (the terminal's own, so its background shows through),
 * black, red, green, yellow, blue, magenta, cyan, white, bright-NAME, or
 * 0..255.  Attributes: bold, dim, reverse, underline, italic, standout.
 * Roles the file leaves out keep the built-in dark theme's values.  On a
 * terminal with 8 colours, 256-colour values fall back to the nearest of
 * the 8; without colours (or with NO_COLOR and no theme asked for) every
 * role uses the built-in monochrome attributes.
 */
#ifndef COLLABTUI_THEME_H
#define COLLABTUI_THEME_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stddef.h>

/*  X(enum, yaml name, dark fg, dark bg, dark attrs, mono attrs) */
#define THEME_ROLES(X) \
	X(NORMAL,       "normal",       -1, -1, 0, 0) \
	X(BORDER,       "border",       8, -1, 0, 0) \
	X(BORDER_FOCUS, "border_focus", 6, -1, A_BOLD, A_BOLD) \
	X(TITLE,        "title",        7, -1, 0, 0) \
	X(TITLE_FOCUS,  "title_focus",  14, -1, A_BOLD, A_BOLD | A_REVERSE) \
	X(LABEL,        "label",        8, -1, 0, A_DIM) \
	X(VALUE,        "value",        15, -1, A_BOLD, A_BOLD) \
	X(SELECTION,    "selection",    0, 6, 0, A_REVERSE) \
	X(SELECTION_DIM,"selection_unfocused", -1, 8, 0, A_UNDERLINE) \
	X(BAR,          "bar",          4, -1, 0, 0) \
	X(TRAIN_CURVE,  "train_curve",  12, -1, 0, A_BOLD) \
	X(VALID_CURVE,  "valid_curve",  11, -1, A_BOLD, A_BOLD) \
	X(OLD_RUN,      "old_run",      8, -1, 0, A_DIM) \
	X(BEST,         "best",         10, -1, A_BOLD, A_BOLD | A_UNDERLINE) \
	X(AXIS,         "axis",         8, -1, 0, A_DIM) \
	X(GOOD,         "good",         2, -1, 0, 0) \
	X(BAD,          "bad",          9, -1, A_BOLD, A_BOLD) \
	X(WARN,         "warn",         3, -1, 0, A_UNDERLINE) \
	X(EDIT,         "edit",         0, 3, 0, A_REVERSE) \
	X(STATUS,       "status",       -1, -1, 0, 0) \
	X(STATUS_KEY,   "status_key",   0, 6, 0, A_REVERSE) \
	X(TAB,          "tab",          7, -1, 0, 0) \
	X(TAB_ACTIVE,   "tab_active",   0, 6, A_BOLD, A_REVERSE) \
	X(COMPARE_1,    "compare_1",    11, -1, A_BOLD, A_BOLD) \
	X(COMPARE_2,    "compare_2",    14, -1, A_BOLD, A_UNDERLINE) \
	X(COMPARE_3,    "compare_3",    13, -1, A_BOLD, 0) \
	X(COMPARE_4,    "compare_4",    10, -1, A_BOLD, A_DIM)

enum theme_role {
#define THEME_ENUM(e, n, fg, bg, a, m) ROLE_##e,
	THEME_ROLES(THEME_ENUM)
#undef THEME_ENUM
	ROLE_COUNT
};

#define THEME_NAME_MAX 32

struct theme {
	char name[THEME_NAME_MAX];      /* "default" for the built-in one */
	int mono;                       /* no colours: use the mono attrs */
	short fg[ROLE_COUNT], bg[ROLE_COUNT];   /* -1 = terminal default */
	attr_t attrs[ROLE_COUNT];
	attr_t attr[ROLE_COUNT];        /* what drawing uses (theme_attr) */
};

/* Read theme `name` (before curses starts, so errors can be printed): ""
 * picks "default", or "mono" when NO_COLOR is set (no-color.org: a theme
 * the user names explicitly overrides it).  Files are looked up as
 * themes/NAME.yaml under $XDG_CONFIG_HOME/collabtui (else
 * ~/.config/collabtui), the current directory, then the installed data
 * directory; "default" and "mono" work without a file.  Returns 0, or -1
 * with "FILE:LINE:COL: ..." or "theme 'x' not found ..." in err, or
 * "FILE: not a regular file (a FIFO)" when the first file found is not one
 * (afile_open_read: it is refused, never read and never skipped). */
int theme_load(struct theme *t, const char *name, char *err, size_t errlen);

/* After start_color(): make a colour pair per role, falling back from 256
 * to 8 colours to none, and fill t->attr.  Call once curses is up. */
void theme_apply(struct theme *t);

/* The attributes (colour pair included) to draw role with. */
static inline attr_t theme_attr(const struct theme *t, enum theme_role r)
{
	return t->attr[r];
}

#endif
