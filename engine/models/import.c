/* import.c -- factors trained elsewhere, matched to the dataset's users and
 * items and made a model (import.h). */
#include "import.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvline.h"
#include "errmsg.h"
#include "factors.h"
#include "text.h"

#define QUOTE_MAX 64

const char *import_ids_path(const char *npy_path, int users, enum eng_item_key key,
			    char *buf, size_t n)
{
	const char *name = users ? "user_ids.txt" :
		key == ENG_ITEM_KEY_TITLE ? "item_titles.txt" : "item_ids.txt";
	const char *slash = strrchr(npy_path, '/');
	int dir = slash ? (int)(slash - npy_path) : 0;
	snprintf(buf, n, "%.*s%s%s", dir, npy_path, slash ? "/" : "", name);
	return buf;
}

/* The dataset's keys of one side, sorted, for lookups by key. */
struct keyed {
	const char *title;      /* title key: the title; else NULL */
	uint64_t id;
	uint32_t idx;
};

static int by_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->title)
		return strcmp(x->title, y->title);
	return x->id < y->id ? -1 : x->id > y->id;
}

/* One side (users or items) of the import: its table and where each row
 * goes. */
struct side {
	const char *what;       /* "user" or "item" */
	uint32_t n;             /* the dataset's count */
	struct keyed *keys;     /* (n) sorted */
	int by_title;
	struct factors f, b;    /* factors; a bias file (b.n 0 when none) */
	uint32_t *row_of;       /* (n) the factor row of each index */
	uint32_t *brow_of;      /* (n) the bias row of each index, with a bias file */
};

static int side_keys(struct side *s, const struct ds *ds, int users, enum eng_item_key key)
{
	s->what = users ? "user" : "item";
	s->n = users ? ds_n_users(ds) : ds_n_items(ds);
	s->by_title = !users && key == ENG_ITEM_KEY_TITLE;
	s->keys = malloc(s->n * sizeof *s->keys);
	if (!s->keys)
		return -1;
	for (uint32_t j = 0; j < s->n; j++) {
		s->keys[j].idx = j;
		s->keys[j].id = users ? ds_user_id(ds, j) : ds_item_id(ds, j);
		s->keys[j].title = s->by_title ? ds_item_title(ds, j) : NULL;
	}
	qsort(s->keys, s->n, sizeof *s->keys, by_key);
	return 0;
}

/* Fill *row_of (n entries) with the row of t naming each index: every
 * row names a distinct index of the dataset, every index has one. */
static int match(const struct side *s, const struct factors *t, const char *dataset,
		 uint32_t **row_of, char *err, size_t errlen)
{
	char where[4200], q[QUOTE_MAX];
	uint32_t *ro = malloc(s->n * sizeof *ro);
	if (!ro) {
		errmsg_set(err, errlen, "out of memory matching the %ss", s->what);
		return -1;
	}
	for (uint32_t j = 0; j < s->n; j++)
		ro[j] = UINT32_MAX;
	for (size_t r = 0; r < t->n; r++) {
		const char *k = t->keys[r];
		struct keyed probe = { .title = s->by_title ? k : NULL };
		if (!s->by_title && csv_u64(k, strlen(k), &probe.id) != 0) {
			errmsg_set(err, errlen, "%s: %s id \"%s\": expected a whole number",
				   factors_where(t, r, where, sizeof where), s->what,
				   text_clean(q, sizeof q, k, strlen(k)));
			goto fail;
		}
		const struct keyed *hit = bsearch(&probe, s->keys, s->n, sizeof *s->keys, by_key);
		if (!hit) {
			errmsg_set(err, errlen, "%s: %s %s\"%s\" is not one of the %u %ss of %s",
				   factors_where(t, r, where, sizeof where), s->what,
				   s->by_title ? "title " : "", text_clean(q, sizeof q, k, strlen(k)),
				   s->n, s->what, dataset);
			goto fail;
		}
		if (ro[hit->idx] != UINT32_MAX) {
			char first[4200];
			errmsg_set(err, errlen, "%s: %s \"%s\" again (first at %s)",
				   factors_where(t, r, where, sizeof where), s->what,
				   text_clean(q, sizeof q, k, strlen(k)),
				   factors_where(t, ro[hit->idx], first, sizeof first));
			goto fail;
		}
		ro[hit->idx] = (uint32_t)r;
	}
	if (t->n < s->n) {
		for (uint32_t j = 0; j < s->n; j++) {
			const struct keyed *kd = &s->keys[j];
			if (ro[kd->idx] != UINT32_MAX)
				continue;
			char key[QUOTE_MAX];
			if (kd->title)
				text_clean(key, sizeof key, kd->title, strlen(kd->title));
			else
				snprintf(key, sizeof key, "%llu", (unsigned long long)kd->id);
			errmsg_set(err, errlen, "%s: %zu of the %u %ss of %s have no row (the first: "
				   "%s)", t->files[0], (size_t)(s->n - t->n), s->n, s->what,
				   dataset, key);
			goto fail;
		}
	}
	*row_of = ro;
	return 0;
fail:
	free(ro);
	return -1;
}

static void side_free(struct side *s)
{
	free(s->keys);
	free(s->row_of);
	free(s->brow_of);
	factors_free(&s->f);
	factors_free(&s->b);
}

/* Read and match one side's factors and bias file. */
static int side_read(struct side *s, const struct ds *ds, enum eng_item_key key,
		     const char *fpath, const char *bpath, char *err, size_t errlen)
{
	char ids[4200];
	const char *col = s->by_title ? "title" : "id";
	int users = s->what[0] == 'u';
	if (factors_read(fpath, import_ids_path(fpath, users, key, ids, sizeof ids), col,
			 &s->f, err, errlen) != 0)
		return -1;
	if (s->f.k == 0) {
		errmsg_set(err, errlen, "%s: no factor columns (f1..fk): a bias file is given "
			   "with --%s-bias", fpath, s->what);
		return -1;
	}
	if (match(s, &s->f, ds_name(ds), &s->row_of, err, errlen) != 0)
		return -1;
	if (!bpath[0])
		return 0;
	if (s->f.bias) {
		errmsg_set(err, errlen, "%s has a bias column and --%s-bias %s gives the biases "
			   "again: give them once", fpath, s->what, bpath);
		return -1;
	}
	if (factors_read(bpath, import_ids_path(bpath, users, key, ids, sizeof ids), col,
			 &s->b, err, errlen) != 0)
		return -1;
	if (s->b.k != 0 || !s->b.bias) {
		errmsg_set(err, errlen, "%s: expected one bias per %s (CSV id,bias or a "
			   "1-D .npy), not factors", bpath, s->what);
		return -1;
	}
	return match(s, &s->b, ds_name(ds), &s->brow_of, err, errlen);
}

/* The bias of index j of s, 0 without one. */
static float side_bias(const struct side *s, uint32_t j)
{
	if (s->f.bias)
		return s->f.bias[s->row_of[j]];
	if (s->b.bias)
		return s->b.bias[s->brow_of[j]];
	return 0.0f;
}

struct model *import_model(const struct ds *ds, enum eng_item_key key,
			   const struct eng_import_args *a, char *err, size_t errlen)
{
	struct side us = {0}, is = {0};
	struct model *m = NULL;
	if (side_keys(&us, ds, 1, key) != 0 || side_keys(&is, ds, 0, key) != 0) {
		errmsg_set(err, errlen, "out of memory");
		goto done;
	}
	if (side_read(&us, ds, key, a->user_factors, a->user_bias, err, errlen) != 0 ||
	    side_read(&is, ds, key, a->item_factors, a->item_bias, err, errlen) != 0)
		goto done;
	if (us.f.k != is.f.k) {
		errmsg_set(err, errlen, "%s has %d factors per user, %s %d per item: expected "
			   "one dimension", a->user_factors, us.f.k, a->item_factors, is.f.k);
		goto done;
	}
	int has_global = !isnan(a->global_bias);
	if (has_global && !(isfinite(a->global_bias) && fabs(a->global_bias) < 1e30)) {
		errmsg_set(err, errlen, "--global-bias: expected a finite number");
		goto done;
	}
	int biased = us.f.bias || us.b.bias || is.f.bias || is.b.bias || has_global;
	struct eng_model_hp cfg = {
		.kind = biased ? ENG_MODEL_DOTBIAS : ENG_MODEL_DOT,
		.n_users = us.n, .n_items = is.n, .n_factors = us.f.k,
		.use_y_range = a->use_y_range, .y_lo = a->y_lo, .y_hi = a->y_hi,
	};
	if (!(m = model_new(&cfg, err, errlen)))
		goto done;
	size_t k = (size_t)cfg.n_factors;
	for (uint32_t u = 0; u < us.n; u++)
		memcpy(m->user_f + u * k, us.f.f + us.row_of[u] * k, k * sizeof(float));
	for (uint32_t i = 0; i < is.n; i++)
		memcpy(m->item_f + i * k, is.f.f + is.row_of[i] * k, k * sizeof(float));
	if (biased) {
		for (uint32_t u = 0; u < us.n; u++)
			m->user_b[u] = side_bias(&us, u);
		for (uint32_t i = 0; i < is.n; i++) {
			float b = side_bias(&is, i);
			m->item_b[i] = has_global ? b + (float)a->global_bias : b;
		}
	}
done:
	side_free(&us);
	side_free(&is);
	return m;
}
