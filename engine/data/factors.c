/* factors.c -- factor tables from CSV and from .npy plus an ids file, and
 * the table itself (factors.h); Spark's JSON lines are in sparkjson.c. */
#include "factors.h"
#include "factors_table.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvline.h"
#include "errmsg.h"
#include "lines.h"
#include "npy.h"
#include "text.h"

#define QUOTE_MAX 48            /* bytes of a field quoted in a message */

/* ---- the table ---------------------------------------------------------- */

int factors_add_file(struct factors *t, const char *path)
{
	char **v = realloc(t->files, (t->n_files + 1) * sizeof *v);
	if (!v)
		return -1;
	t->files = v;
	if (!(v[t->n_files] = strdup(path)))
		return -1;
	t->n_files++;
	return 0;
}

int factors_add_row(struct factors *t, size_t *cap, const char *key, size_t keylen,
		    unsigned long line, const float *f, const float *bias)
{
	if (t->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 256;
		char **keys = realloc(t->keys, nc * sizeof *keys);
		if (keys)
			t->keys = keys;
		float *fv = realloc(t->f, nc * (size_t)(t->k ? t->k : 1) * sizeof *fv);
		if (fv)
			t->f = fv;
		uint32_t *fo = realloc(t->file_of, nc * sizeof *fo);
		if (fo)
			t->file_of = fo;
		unsigned long *lo = realloc(t->line_of, nc * sizeof *lo);
		if (lo)
			t->line_of = lo;
		float *bv = bias ? realloc(t->bias, nc * sizeof *bv) : t->bias;
		if (bv)
			t->bias = bv;
		if (!keys || !fv || !fo || !lo || (bias && !bv))
			return -1;
		*cap = nc;
	}
	char *k = malloc(keylen + 1);
	if (!k)
		return -1;
	memcpy(k, key, keylen);
	k[keylen] = '\0';
	t->keys[t->n] = k;
	if (t->k)
		memcpy(t->f + t->n * (size_t)t->k, f, (size_t)t->k * sizeof *f);
	if (bias)
		t->bias[t->n] = *bias;
	t->file_of[t->n] = (uint32_t)(t->n_files - 1);
	t->line_of[t->n] = line;
	t->n++;
	return 0;
}

void factors_free(struct factors *t)
{
	if (!t)
		return;
	for (size_t j = 0; j < t->n; j++)
		free(t->keys[j]);
	for (size_t j = 0; j < t->n_files; j++)
		free(t->files[j]);
	free(t->keys);
	free(t->f);
	free(t->bias);
	free(t->files);
	free(t->file_of);
	free(t->line_of);
	memset(t, 0, sizeof *t);
}

const char *factors_where(const struct factors *t, size_t j, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%lu", t->files[t->file_of[j]], t->line_of[j]);
	return buf;
}

int factors_number(const char *s, size_t n, float *out)
{
	char tmp[64];
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (*end || end == tmp || !isfinite(v) || fabs(v) > FLT_MAX)
		return -1;
	*out = (float)v;
	return 0;
}

/* ---- CSV ------------------------------------------------------------------- */

/* The header's columns: where the key is, the factors f1..fk, the bias. */
struct csv_cols {
	int n;                  /* fields per line */
	int key;                /* the key column */
	int f0;                 /* f1's column; k columns from there */
	int k;
	int bias;               /* -1: none */
};

static int field_is(const struct csv_field *f, const char *s)
{
	return f->n == strlen(s) && memcmp(f->s, s, f->n) == 0;
}

/* Whether field f is "f<j>" (j from 1). */
static int field_is_factor(const struct csv_field *f, int j)
{
	char name[16];
	snprintf(name, sizeof name, "f%d", j);
	return field_is(f, name);
}

static int csv_header(struct lines *l, char *line, size_t len, const char *key_col,
		      struct csv_field *fs, int max, struct csv_cols *c, char *err,
		      size_t errlen)
{
	static const struct csv_dialect dl = { .sep = ',', .quotes = 1 };
	const char *why;
	int n = csv_split(line, len, &dl, fs, max, &why);
	if (n < 0 || n > max) {
		lines_fail(l, err, errlen, "%s", n < 0 ? why : "too many columns");
		return -1;
	}
	*c = (struct csv_cols){ .n = n, .key = -1, .f0 = -1, .bias = -1 };
	for (int j = 0; j < n; j++) {
		if (field_is(&fs[j], key_col) && c->key < 0) {
			c->key = j;
		} else if (field_is(&fs[j], "id") || field_is(&fs[j], "title")) {
			/* the other key column (export's items.csv has both) */
		} else if (field_is(&fs[j], "bias") && c->bias < 0) {
			c->bias = j;
		} else if (field_is_factor(&fs[j], c->k + 1) && (c->k == 0 || j == c->f0 + c->k)) {
			if (c->k++ == 0)
				c->f0 = j;
		} else {
			char q[QUOTE_MAX];
			lines_fail(l, err, errlen, "unexpected column \"%s\": expected a header "
				   "id or title, f1..fk in order, then optionally bias",
				   text_clean(q, sizeof q, fs[j].s, fs[j].n));
			return -1;
		}
	}
	if (c->key < 0) {
		lines_fail(l, err, errlen, "expected a header with a column \"%s\" "
			   "(id,f1,...,fk[,bias])", key_col);
		return -1;
	}
	if (c->k > FACTORS_K_MAX) {
		lines_fail(l, err, errlen, "%d factors: at most %d", c->k, FACTORS_K_MAX);
		return -1;
	}
	if (c->k == 0 && c->bias < 0) {
		lines_fail(l, err, errlen, "expected factor columns f1..fk or a bias column");
		return -1;
	}
	return 0;
}

int factors_read_csv(const char *path, const char *key_col, struct factors *out,
		     char *err, size_t errlen)
{
	static const struct csv_dialect dl = { .sep = ',', .quotes = 1 };
	enum { FIELDS_MAX = FACTORS_K_MAX + 4 };
	memset(out, 0, sizeof *out);
	struct lines l;
	if (lines_open(&l, path, err, errlen) != 0)
		return -1;
	struct csv_field *fs = malloc(FIELDS_MAX * sizeof *fs);
	float *row = malloc((FACTORS_K_MAX + 1) * sizeof *row);
	size_t cap = 0;
	struct csv_cols c;
	char *line;
	size_t len;
	int rc = -1, got;
	if (!fs || !row || factors_add_file(out, path) != 0) {
		errmsg_set(err, errlen, "%s: out of memory", path);
		goto done;
	}
	if ((got = lines_next(&l, &line, &len, err, errlen)) <= 0) {
		if (got == 0)
			errmsg_set(err, errlen, "%s:1: expected a header (id,f1,...,fk[,bias]), "
				   "the file is empty", l.name);
		goto done;
	}
	if (csv_header(&l, line, len, key_col, fs, FIELDS_MAX, &c, err, errlen) != 0)
		goto done;
	out->k = c.k;
	while ((got = lines_next(&l, &line, &len, err, errlen)) == 1) {
		const char *why;
		int n = csv_split(line, len, &dl, fs, FIELDS_MAX, &why);
		if (n < 0) {
			lines_fail(&l, err, errlen, "%s", why);
			goto done;
		}
		if (n != c.n) {
			lines_fail(&l, err, errlen, "%d fields, expected %d as the header has", n, c.n);
			goto done;
		}
		for (int j = 0; j < c.k + (c.bias >= 0); j++) {
			int col = j < c.k ? c.f0 + j : c.bias;
			if (factors_number(fs[col].s, fs[col].n, &row[j]) != 0) {
				char q[QUOTE_MAX];
				lines_fail(&l, err, errlen, "%s: expected a finite number within "
					   "float32's range, got \"%s\"",
					   j < c.k ? "a factor" : "bias",
					   text_clean(q, sizeof q, fs[col].s, fs[col].n));
				goto done;
			}
		}
		if (fs[c.key].n == 0) {
			lines_fail(&l, err, errlen, "an empty %s", key_col);
			goto done;
		}
		if (factors_add_row(out, &cap, fs[c.key].s, fs[c.key].n, l.lineno, row,
				    c.bias >= 0 ? &row[c.k] : NULL) != 0) {
			errmsg_set(err, errlen, "%s: out of memory", path);
			goto done;
		}
	}
	if (got < 0)
		goto done;
	if (out->n == 0) {
		errmsg_set(err, errlen, "%s:%lu: no rows after the header", l.name, l.lineno + 1);
		goto done;
	}
	rc = 0;
done:
	lines_close(&l);
	free(fs);
	free(row);
	if (rc != 0)
		factors_free(out);
	return rc;
}

/* ---- .npy and its ids -------------------------------------------------------- */

int factors_read_npy(const char *path, const char *ids_path, struct factors *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct npy_array a;
	if (npy_read(path, &a, err, errlen) != 0)
		return -1;
	int rc = -1;
	struct lines l;
	int opened = 0;
	size_t cap = 0;
	char *line;
	size_t len;
	int got;
	if (a.ndim == 2 && (a.cols == 0 || a.cols > FACTORS_K_MAX)) {
		errmsg_set(err, errlen, "%s: %llu factors per row: expected 1..%d", path,
			   (unsigned long long)a.cols, FACTORS_K_MAX);
		goto done;
	}
	if (a.bad_at < a.rows * a.cols) {
		errmsg_set(err, errlen, "%s: item %llu (row %llu, column %llu): expected a finite "
			   "number within float32's range", path, (unsigned long long)a.bad_at,
			   (unsigned long long)(a.bad_at / a.cols),
			   (unsigned long long)(a.bad_at % a.cols));
		goto done;
	}
	if (lines_open(&l, ids_path, err, errlen) != 0)
		goto done;
	opened = 1;
	/* a 1-D array is a bias vector, a 2-D one factors */
	out->k = a.ndim == 2 ? (int)a.cols : 0;
	if (factors_add_file(out, ids_path) != 0) {
		errmsg_set(err, errlen, "%s: out of memory", ids_path);
		goto done;
	}
	while ((got = lines_next(&l, &line, &len, err, errlen)) == 1) {
		size_t j = out->n;
		if (j == a.rows) {
			lines_fail(&l, err, errlen, "more ids than the %llu rows of %s",
				   (unsigned long long)a.rows, path);
			goto done;
		}
		if (len == 0) {
			lines_fail(&l, err, errlen, "an empty id");
			goto done;
		}
		const float *f = a.ndim == 2 ? a.data + j * a.cols : NULL;
		if (factors_add_row(out, &cap, line, len, l.lineno, f,
				    a.ndim == 1 ? &a.data[j] : NULL) != 0) {
			errmsg_set(err, errlen, "%s: out of memory", ids_path);
			goto done;
		}
	}
	if (got < 0)
		goto done;
	if (out->n != a.rows) {
		errmsg_set(err, errlen, "%s:%lu: %zu ids for the %llu rows of %s", l.name,
			   l.lineno, out->n, (unsigned long long)a.rows, path);
		goto done;
	}
	rc = 0;
done:
	if (opened)
		lines_close(&l);
	npy_free(&a);
	if (rc != 0)
		factors_free(out);
	return rc;
}

int factors_read(const char *path, const char *ids_path, const char *key_col,
		 struct factors *out, char *err, size_t errlen)
{
	struct stat st;
	memset(out, 0, sizeof *out);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return factors_read_spark(path, out, err, errlen);
	size_t n = strlen(path);
	if (n > 4 && strcmp(path + n - 4, ".npy") == 0)
		return factors_read_npy(path, ids_path, out, err, errlen);
	return factors_read_csv(path, key_col, out, err, errlen);
}
