/* keys.h -- the keymap: every action the interface has, its default keys
 * and its description, in one X-macro table, so `?` help, the config's
 * `keys:` mapping and dispatch can never disagree.
 *
 * A key is an int: a character is its code point; a curses function key
 * (KEY_UP, ...) is KEYS_FN(code), which keeps the two ranges apart (a
 * curses key code and a Latin-1 letter can share a value).
 */
#ifndef COLLABTUI_KEYS_H
#define COLLABTUI_KEYS_H

#include <stddef.h>

#include "config.h"

#define KEYS_FN(k) (0x1000000 + (k))

/*  X(enum, config name, default keys, description) */
#define KEYS_ACTIONS(X) \
	X(QUIT,        "quit",         "q",         "quit (asks first while training)") \
	X(HELP,        "help",         "? F1",      "show every key") \
	X(NEXT_PANE,   "next_pane",    "Tab",       "focus the next pane") \
	X(PREV_PANE,   "prev_pane",    "BTab",      "focus the previous pane") \
	X(PANE_1,      "pane_dataset", "1",         "focus Dataset") \
	X(PANE_2,      "pane_train",   "2",         "focus Training") \
	X(PANE_3,      "pane_params",  "3",         "focus Hyperparameters") \
	X(PANE_4,      "pane_movies",  "4",         "focus Movies") \
	X(UP,          "up",           "Up k",      "move up") \
	X(DOWN,        "down",         "Down j",    "move down") \
	X(LEFT,        "left",         "Left h",    "step a value down") \
	X(RIGHT,       "right",        "Right l",   "step a value up") \
	X(PAGE_UP,     "page_up",      "PgUp C-b",  "page up") \
	X(PAGE_DOWN,   "page_down",    "PgDn C-f",  "page down") \
	X(HOME,        "home",         "Home g",    "first row") \
	X(END,         "end",          "End G",     "last row") \
	X(SELECT,      "select",       "Enter",     "edit a value; open a movie's details") \
	X(CANCEL,      "cancel",       "Esc",       "cancel an edit; close a popup") \
	X(TRAIN,       "train",        "t",         "train with the values shown") \
	X(STOP,        "stop",         "s",         "stop training") \
	X(SEARCH,      "search",       "/",         "search movie titles as you type") \
	X(SORT,        "sort",         "o",         "cycle the movie order: title, ratings, mean, bias") \
	X(SMOOTHING,   "smoothing",    "m",         "smoothed or raw training loss") \
	X(LOG_SCALE,   "log_scale",    "L",         "linear or log loss axis")

enum keys_action {
	ACT_NONE = 0,
#define KEYS_ENUM(e, name, keys, desc) ACT_##e,
	KEYS_ACTIONS(KEYS_ENUM)
#undef KEYS_ENUM
	ACT_COUNT
};

#define KEYS_BIND_MAX 128

/* Which action each bound key triggers. */
struct keymap {
	int n;
	struct {
		int key;
		enum keys_action act;
	} b[KEYS_BIND_MAX];
};

/* The default bindings. */
void keys_default(struct keymap *km);

/* Apply config.yaml's `keys:` entries over km: each named action loses its
 * defaults and gets the listed keys.  path names the config file for
 * messages.  Returns 0, or -1 with "PATH:LINE:COL: keys: ..." in err (an
 * unknown action or key name); km is then unchanged. */
int keys_configure(struct keymap *km, const struct cfg *c, const char *path,
		   char *err, size_t errlen);

/* The action bound to key, or ACT_NONE. */
enum keys_action keys_action(const struct keymap *km, int key);

/* Parse a key name ("q", "Enter", "C-b", "F1", "PgUp", ...) into *key.
 * 0, or -1 for a name that is not a key. */
int keys_parse(const char *name, int *key);

/* A key's name, as keys_parse reads it. */
void keys_name(int key, char *buf, size_t n);

/* "q, Q": the keys bound to act, for help.  Empty when none. */
void keys_describe(const struct keymap *km, enum keys_action act, char *buf,
		   size_t n);

/* An action's config name and description. */
const char *keys_action_name(enum keys_action act);
const char *keys_action_desc(enum keys_action act);

#endif
