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
	X(PANE_5,      "pane_recs",    "5",         "focus Recommendations") \
	X(PANE_6,      "pane_map",     "6",         "focus the embedding Map (in place of Training)") \
	X(PANE_7,      "pane_runs",    "7",         "focus the past Runs (in place of Movies)") \
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
	X(TRAIN_ME,    "train_with_me", "T",        "train with your ratings included as one more user") \
	X(STOP,        "stop",         "s",         "stop training") \
	X(LR_FIND,     "lr_find",      "F",         "learning-rate finder: loss by lr over the lr_find range") \
	X(LR_APPLY,    "lr_apply",     "A",         "set lr to the finder's suggestion (its valley)") \
	X(PRESET,      "preset",       "p",         "apply the next preset (as right on the preset row)") \
	X(RUNS_SORT,   "runs_sort",    "v",         "Runs: newest first or best valid loss first") \
	X(RUNS_OVERLAY, "runs_overlay", "c",        "Runs: its valid curve on the Training chart; again: off") \
	X(RUNS_RESTORE, "runs_restore", "r",        "Runs: restore the run's hyperparameters") \
	X(RUNS_MARK,   "runs_mark",    "Space",     "Runs: mark the run for comparing; again: unmark") \
	X(RUNS_COMPARE, "runs_compare", "C",        "Runs: the marked runs side by side; again: back") \
	X(SEARCH,      "search",       "/",         "search movie titles as you type") \
	X(SORT,        "sort",         "o",         "cycle the movie order: title, ratings, mean, bias") \
	X(SMOOTHING,   "smoothing",    "m",         "smoothed or raw training loss") \
	X(LOG_SCALE,   "log_scale",    "L",         "linear or log loss axis") \
	X(PC_X,        "pc_x",         "x",         "Map: next principal component across") \
	X(PC_Y,        "pc_y",         "y",         "Map: next principal component up") \
	X(MAP_ENDS,    "map_ends",     "e",         "Map: the movies at both ends of each axis; again: the map") \
	X(EXPORT,      "export",       "E",         "export the model as CSV and .npy (as collabtui export)")

/* Keys of the movie lists (Movies, Recommendations): bound separately,
 * so in a list `1` rates a movie while elsewhere it focuses a pane.
 *  X(enum, config name, default keys, description) */
#define KEYS_LIST_ACTIONS(X) \
	X(RATE_1,      "rate_1",       "1",         "in a movie list: rate the movie 1 star") \
	X(RATE_2,      "rate_2",       "2",         "... 2 stars") \
	X(RATE_3,      "rate_3",       "3",         "... 3 stars") \
	X(RATE_4,      "rate_4",       "4",         "... 4 stars") \
	X(RATE_5,      "rate_5",       "5",         "... 5 stars") \
	X(RATE_HALF,   "rate_half",    ".",         "... add half a star (3 then . = 3.5; half-star datasets)") \
	X(RATE_CLEAR,  "rate_clear",   "0 Delete",  "... clear your rating") \
	X(SIMILAR,     "similar",      "S",         "... movies similar to it (cosine of the embeddings)") \
	X(LOVED,       "loved_hated",  "b",         "Movies: most-loved and most-hated by learned bias") \
	X(MIN_RATINGS, "min_ratings",  "f",         "loved/hated: cycle the minimum number of ratings")

enum keys_action {
	ACT_NONE = 0,
#define KEYS_ENUM(e, name, keys, desc) ACT_##e,
	KEYS_ACTIONS(KEYS_ENUM)
	KEYS_LIST_ACTIONS(KEYS_ENUM)
#undef KEYS_ENUM
	ACT_COUNT
};

#define KEYS_BIND_MAX 128

/* The first action of KEYS_LIST_ACTIONS. */
#define ACT_FIRST_LIST ACT_RATE_1

/* Which action each bound key triggers; a key may have one action among
 * the global ones and another among the list ones. */
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

/* The global action bound to key, or ACT_NONE. */
enum keys_action keys_action(const struct keymap *km, int key);

/* In a pane with list keys (list set): key's list action if it has one,
 * else its global action.  Without list: keys_action(). */
enum keys_action keys_action_in(const struct keymap *km, int key, int list);

/* Parse a key name ("q", "Enter", "C-b", "F1", "PgUp", ...) into *key.
 * 0, or -1 for a name that is not a key. */
int keys_parse(const char *name, int *key);

/* A key's name, as keys_parse reads it. */
void keys_name(int key, char *buf, size_t n);

/* "q, Q": the keys bound to act, for help.  Empty when none. */
void keys_describe(const struct keymap *km, enum keys_action act, char *buf,
		   size_t n);

/* Escape sequences curses did not turn into a key.
 *
 * A terminal sends Home, End and friends as escape sequences, and which
 * ones depends on the terminal, its mode and the multiplexer in between:
 * tmux sends ESC [ 1 ~ for Home, which the xterm-256color terminfo entry
 * (a common TERM inside tmux) does not list.  curses then returns ESC and
 * the sequence's bytes one by one, and `1` would rate a movie.  So the
 * main loop hands everything after an ESC that begins a CSI (ESC [) or
 * SS3 (ESC O) sequence to this parser, which swallows the sequence whole
 * and maps the common variants of Home (ESC [ 1 ~, ESC [ 7 ~, ESC [ H,
 * ESC O H), End (ESC [ 4 ~, ESC [ 8 ~, ESC [ F, ESC O F), Delete
 * (ESC [ 3 ~), Insert, PgUp, PgDn and the arrows to their keys.  Any
 * other sequence (a modified key, F13, a paste bracket) is dropped. */
struct keys_esc {
	int ss3;                /* ESC O: one final byte follows */
	int len;                /* parameter and intermediate bytes seen */
	char param[16];         /* the first of them, NUL-terminated */
};

enum keys_esc_result {
	KEYS_ESC_MORE,          /* part of the sequence: read the next byte */
	KEYS_ESC_KEY,           /* the sequence ended and means *key */
	KEYS_ESC_DROP,          /* the sequence ended (or broke): ignore it */
};

/* Whether ch, read right after an ESC, begins a sequence ('[' or 'O'). */
int keys_esc_introducer(int ch);

/* Start a sequence whose introducer (after ESC) is ch. */
void keys_esc_begin(struct keys_esc *e, int ch);

/* Feed the sequence's next byte.  KEYS_ESC_MORE until it ends; then
 * KEYS_ESC_KEY with *key set (a keymap key, KEYS_FN(KEY_HOME) ...) or
 * KEYS_ESC_DROP.  A byte that cannot be part of a sequence (a control
 * character, a non-ASCII one) ends it as KEYS_ESC_DROP, that byte
 * included: it is as likely the rest of a mangled sequence as a key. */
enum keys_esc_result keys_esc_feed(struct keys_esc *e, int ch, int *key);

/* An action's config name and description. */
const char *keys_action_name(enum keys_action act);
const char *keys_action_desc(enum keys_action act);

#endif
