/* keys.c -- the keymap (see keys.h).  curses.h is included only for its
 * KEY_* constants; nothing here touches the terminal. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *keys, *desc;
} actions[ACT_COUNT] = {
	[ACT_NONE] = { "", "", "" },
#define KEYS_ROW(e, n, k, d) [ACT_##e] = { n, k, d },
	KEYS_ACTIONS(KEYS_ROW)
	KEYS_LIST_ACTIONS(KEYS_ROW)
#undef KEYS_ROW
};

/* Names of keys that are not a single printable character. */
static const struct {
	const char *name;
	int key;
} named[] = {
	{ "Enter", '\n' }, { "Esc", 27 }, { "Tab", '\t' }, { "Space", ' ' },
	{ "Backspace", KEYS_FN(KEY_BACKSPACE) },
	{ "BTab", KEYS_FN(KEY_BTAB) }, { "Up", KEYS_FN(KEY_UP) },
	{ "Down", KEYS_FN(KEY_DOWN) }, { "Left", KEYS_FN(KEY_LEFT) },
	{ "Right", KEYS_FN(KEY_RIGHT) }, { "PgUp", KEYS_FN(KEY_PPAGE) },
	{ "PgDn", KEYS_FN(KEY_NPAGE) }, { "Home", KEYS_FN(KEY_HOME) },
	{ "End", KEYS_FN(KEY_END) }, { "Insert", KEYS_FN(KEY_IC) },
	{ "Delete", KEYS_FN(KEY_DC) },
};
#define N_NAMED (int)(sizeof named / sizeof named[0])

const char *keys_action_name(enum keys_action act)
{
	return act < ACT_COUNT ? actions[act].name : "";
}

const char *keys_action_desc(enum keys_action act)
{
	return act < ACT_COUNT ? actions[act].desc : "";
}

int keys_parse(const char *name, int *key)
{
	size_t len = strlen(name);
	int f;

	for (int i = 0; i < N_NAMED; i++)
		if (strcmp(name, named[i].name) == 0) {
			*key = named[i].key;
			return 0;
		}
	if (len == 3 && name[0] == 'C' && name[1] == '-' &&
	    ((name[2] >= 'a' && name[2] <= 'z') ||
	     (name[2] >= 'A' && name[2] <= 'Z'))) {
		*key = (name[2] | 0x20) - 'a' + 1;
		return 0;
	}
	if ((len == 2 || len == 3) && name[0] == 'F' && sscanf(name + 1, "%d", &f) == 1 &&
	    f >= 1 && f <= 12 && (f >= 10) == (len == 3)) {
		*key = KEYS_FN(KEY_F(f));
		return 0;
	}
	if (len == 1 && name[0] > ' ' && name[0] < 0x7F) {
		*key = name[0];
		return 0;
	}
	return -1;
}

void keys_name(int key, char *buf, size_t n)
{
	for (int i = 0; i < N_NAMED; i++)
		if (named[i].key == key) {
			snprintf(buf, n, "%s", named[i].name);
			return;
		}
	if (key >= KEYS_FN(KEY_F(1)) && key <= KEYS_FN(KEY_F(12)))
		snprintf(buf, n, "F%d", key - KEYS_FN(KEY_F(0)));
	else if (key >= 1 && key <= 26)
		snprintf(buf, n, "C-%c", 'a' + key - 1);
	else if (key > ' ' && key < 0x7F)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "#%d", key);
}

static int is_list(enum keys_action act)
{
	return act >= ACT_FIRST_LIST;
}

/* Bind key to act in km (a key has one global and one list action: a
 * later binding of the same kind wins). */
static int bind(struct keymap *km, int key, enum keys_action act)
{
	for (int i = 0; i < km->n; i++)
		if (km->b[i].key == key && is_list(km->b[i].act) == is_list(act)) {
			km->b[i].act = act;
			return 0;
		}
	if (km->n == KEYS_BIND_MAX)
		return -1;
	km->b[km->n].key = key;
	km->b[km->n].act = act;
	km->n++;
	return 0;
}

/* Bind every name in the space-separated list; the first bad name is
 * returned through *bad (NULL when all parse). */
static int bind_list(struct keymap *km, const char *list, enum keys_action act,
		     char *bad, size_t badlen)
{
	char buf[CFG_KEYLIST_MAX];
	char *save = NULL;

	snprintf(buf, sizeof buf, "%s", list);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		int key;

		if (keys_parse(t, &key) != 0 || bind(km, key, act) != 0) {
			snprintf(bad, badlen, "%s", t);
			return -1;
		}
	}
	return 0;
}

void keys_default(struct keymap *km)
{
	char bad[32];

	km->n = 0;
	for (int a = 1; a < ACT_COUNT; a++)
		bind_list(km, actions[a].keys, (enum keys_action)a, bad, sizeof bad);
}

int keys_configure(struct keymap *km, const struct cfg *c, const char *path,
		   char *err, size_t errlen)
{
	struct keymap t = *km;

	for (int i = 0; i < c->n_binds; i++) {
		const struct cfg_bind *b = &c->binds[i];
		int act = 1;
		char bad[32];

		while (act < ACT_COUNT && strcmp(actions[act].name, b->action) != 0)
			act++;
		if (act == ACT_COUNT) {
			snprintf(err, errlen, "%s:%lu:%lu: keys: unknown action "
				 "'%s' (see `?` in the interface or collabtui(1))",
				 path, b->line, b->col, b->action);
			return -1;
		}
		/* the action loses its defaults */
		int k = 0;
		for (int j = 0; j < t.n; j++)
			if (t.b[j].act != (enum keys_action)act)
				t.b[k++] = t.b[j];
		t.n = k;
		if (bind_list(&t, b->keys, (enum keys_action)act, bad,
			      sizeof bad) != 0) {
			snprintf(err, errlen, "%s:%lu:%lu: keys: %s: '%s' is not "
				 "a key name (a character, Space, Enter, Esc, Tab, "
				 "BTab, Up, PgUp, F1, C-x, ...)", path, b->line,
				 b->col, b->action, bad);
			return -1;
		}
	}
	*km = t;
	return 0;
}

/* key's action among the list ones (list set) or the global ones. */
static enum keys_action lookup(const struct keymap *km, int key, int list)
{
	for (int i = 0; i < km->n; i++)
		if (km->b[i].key == key && is_list(km->b[i].act) == list)
			return km->b[i].act;
	return ACT_NONE;
}

enum keys_action keys_action(const struct keymap *km, int key)
{
	return lookup(km, key, 0);
}

enum keys_action keys_action_in(const struct keymap *km, int key, int list)
{
	enum keys_action a = list ? lookup(km, key, 1) : ACT_NONE;

	return a != ACT_NONE ? a : lookup(km, key, 0);
}

void keys_describe(const struct keymap *km, enum keys_action act, char *buf,
		   size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < km->n && used < n; i++) {
		char name[16];
		int w;

		if (km->b[i].act != act)
			continue;
		keys_name(km->b[i].key, name, sizeof name);
		w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* ---- escape sequences curses did not know ------------------------------- */

/* The unmodified sequences that mean a key: CSI's final byte with its
 * parameter ("" for none), or SS3's final byte (param NULL). */
static const struct {
	char final;
	const char *param;      /* CSI: the exact parameter; NULL: SS3 */
	int key;
} esc_keys[] = {
	{ '~', "1", KEYS_FN(KEY_HOME) }, { '~', "7", KEYS_FN(KEY_HOME) },
	{ '~', "4", KEYS_FN(KEY_END) },  { '~', "8", KEYS_FN(KEY_END) },
	{ '~', "3", KEYS_FN(KEY_DC) },   { '~', "2", KEYS_FN(KEY_IC) },
	{ '~', "5", KEYS_FN(KEY_PPAGE) }, { '~', "6", KEYS_FN(KEY_NPAGE) },
	{ 'H', "", KEYS_FN(KEY_HOME) },  { 'F', "", KEYS_FN(KEY_END) },
	{ 'A', "", KEYS_FN(KEY_UP) },    { 'B', "", KEYS_FN(KEY_DOWN) },
	{ 'C', "", KEYS_FN(KEY_RIGHT) }, { 'D', "", KEYS_FN(KEY_LEFT) },
	{ 'H', NULL, KEYS_FN(KEY_HOME) }, { 'F', NULL, KEYS_FN(KEY_END) },
	{ 'A', NULL, KEYS_FN(KEY_UP) },  { 'B', NULL, KEYS_FN(KEY_DOWN) },
	{ 'C', NULL, KEYS_FN(KEY_RIGHT) }, { 'D', NULL, KEYS_FN(KEY_LEFT) },
};
#define N_ESC_KEYS (int)(sizeof esc_keys / sizeof esc_keys[0])

int keys_esc_introducer(int ch)
{
	return ch == '[' || ch == 'O';
}

void keys_esc_begin(struct keys_esc *e, int ch)
{
	e->ss3 = ch == 'O';
	e->len = 0;
	e->param[0] = '\0';
}

/* The key the finished sequence means, or KEYS_ESC_DROP. */
static enum keys_esc_result esc_lookup(const struct keys_esc *e, int final, int *key)
{
	for (int i = 0; i < N_ESC_KEYS; i++) {
		if (esc_keys[i].final != final || (esc_keys[i].param == NULL) != e->ss3)
			continue;
		if (e->ss3 || (e->len < (int)sizeof e->param &&
			       strcmp(esc_keys[i].param, e->param) == 0)) {
			*key = esc_keys[i].key;
			return KEYS_ESC_KEY;
		}
	}
	return KEYS_ESC_DROP;
}

enum keys_esc_result keys_esc_feed(struct keys_esc *e, int ch, int *key)
{
	/* ECMA-48: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F,
	 * then one final byte 0x40-0x7E (SS3: the final byte at once) */
	if (ch < 0x20 || ch > 0x7E)
		return KEYS_ESC_DROP;
	if (e->ss3 || ch >= 0x40)
		return esc_lookup(e, ch, key);
	/* a long one is still swallowed whole; it just maps to nothing */
	if (e->len < (int)sizeof e->param - 1) {
		e->param[e->len] = (char)ch;
		e->param[e->len + 1] = '\0';
	}
	e->len++;
	return KEYS_ESC_MORE;
}
