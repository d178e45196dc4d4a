/* presets.c -- the presets of config.yaml's `presets:` mapping (and the
 * built-in ones) applied to settings, and which preset settings still
 * hold: the Hyperparameters pane's preset row and --preset.  A preset is
 * kept as the text cfg_set() takes, so applying one is a series of
 * cfg_set() calls. */
#include "cfgkeys.h"

#include <stdio.h>
#include <string.h>

int cfg_preset_apply(struct cfg *c, const char *name, char *err, size_t errlen)
{
	for (int i = 0; i < c->n_presets; i++) {
		const struct cfg_preset *p = &c->presets[i];
		if (strcmp(p->name, name) != 0)
			continue;
		struct cfg t = *c;
		for (int j = 0; j < p->n; j++)
			if (cfg_set(&t, p->kv[j].key, p->kv[j].value, err, errlen) != 0)
				return -1;
		memcpy(t.preset, p->name, sizeof t.preset);
		*c = t;
		return 0;
	}
	size_t used = 0;
	if (errlen)
		used = (size_t)snprintf(err, errlen, "no preset '%s' (%s", name,
					c->n_presets ? "the presets are" :
					"there are none: add a presets: mapping "
					"to config.yaml");
	for (int i = 0; i < c->n_presets && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s%s",
					 i ? ", " : " ", c->presets[i].name);
	if (used < errlen)
		snprintf(err + used, errlen - used, ")");
	return -1;
}

/* Whether key k, one a preset may set, has the same value in a and b. */
static int same_value(const struct key *k, const struct cfg *a,
		      const struct cfg *b)
{
	const void *va = (const char *)a + k->off, *vb = (const char *)b + k->off;

	switch (k->type) {
	case T_PATH: case T_WORD:
		return strcmp(va, vb) == 0;
	case T_INT: case T_BOOL: case T_NAME:
		return *(const int *)va == *(const int *)vb;
	case T_MODEL:
		return a->model == b->model && a->fit == b->fit;
	case T_LAYERS:
		return a->n_layers == b->n_layers &&
		       memcmp(a->layers, b->layers,
			      (size_t)a->n_layers * sizeof a->layers[0]) == 0;
	case T_U64:
		return *(const uint64_t *)va == *(const uint64_t *)vb;
	case T_DOUBLE:
		return *(const double *)va == *(const double *)vb;
	case T_RANGE:
		return a->y_range_on == b->y_range_on &&
		       (!a->y_range_on || (a->y_range[0] == b->y_range[0] &&
					   a->y_range[1] == b->y_range[1]));
	case T_LRFIND: case T_KEYS: case T_PRESETS:
		break;          /* no preset sets them */
	}
	return 0;
}

int cfg_preset_holds(const struct cfg *c, int i)
{
	char msg[256];

	if (i < 0 || i >= c->n_presets)
		return 0;
	const struct cfg_preset *p = &c->presets[i];
	struct cfg t = *c;
	for (int j = 0; j < p->n; j++) {
		int id = cfgkey_find(p->kv[j].key, strlen(p->kv[j].key));
		if (id < 0 || cfgkey_set_value(&t, &cfgkey_table[id], p->kv[j].value,
					       msg, sizeof msg) != 0 ||
		    !same_value(&cfgkey_table[id], &t, c))
			return 0;
	}
	return 1;
}

int cfg_preset_current(const struct cfg *c)
{
	int first = -1;

	for (int i = 0; i < c->n_presets; i++) {
		if (!cfg_preset_holds(c, i))
			continue;
		if (strcmp(c->presets[i].name, c->preset) == 0)
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}
