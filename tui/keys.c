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
