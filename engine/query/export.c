/* export.c -- the model's embeddings, biases, PCA and curves as files
 * (export.h). */
#include "export.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "errmsg.h"
#include "eng.h"
#include "npy.h"

#define PCA_COMP_MAX 3

/* One file being written: formatted text through afile. */
struct out {
	struct afile *f;
	char path[ENG_PATH_MAX + 64];
	char line[512];
};

static int out_open(struct out *o, const char *dir, const char *name, char *err,
		    size_t errlen)
{
	snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	o->f = afile_open(o->path, err, errlen);
	return o->f ? 0 : -1;
}

__attribute__((format(printf, 2, 3)))
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->line, sizeof o->line, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof o->line) {         /* long text: once more, on the heap */
		char *big = malloc((size_t)n + 1);
		if (big) {
			va_start(ap, fmt);
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			va_end(ap);
			afile_write(o->f, big, (size_t)n);
			free(big);
			return;
		}
		n = (int)sizeof o->line - 1;
	}
	if (n > 0)
		afile_write(o->f, o->line, (size_t)n);
}

/* A title as an RFC 4180 field: quoted, '"' doubled. */
static void out_quoted(struct out *o, const char *s)
{
	afile_write(o->f, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		afile_write(o->f, s, (size_t)(q - s) + 1);
		afile_write(o->f, "\"", 1);
	}
	afile_write(o->f, s, strlen(s));
	afile_write(o->f, "\"", 1);
}

static int out_commit(struct out *o, int *n_files, char *err, size_t errlen)
{
	if (afile_commit(o->f, err, errlen) != 0)
		return -1;
	(*n_files)++;
	return 0;
}

/* "f1,...,fk[,bias]" after a key column. */
static void header_factors(struct out *o, int k, int bias)
{
	for (int j = 0; j < k; j++)
		out_printf(o, ",f%d", j + 1);
	out_printf(o, "%s\n", bias ? ",bias" : "");
}

/* ",f1..,fk[,bias]\n" of one row; %.9g reads back to the same float32. */
static void row_factors(struct out *o, const float *f, int k, const float *bias)
{
	for (int j = 0; j < k; j++)
		out_printf(o, ",%.9g", f[j]);
	if (bias)
		out_printf(o, ",%.9g", *bias);
	out_printf(o, "\n");
}

static int write_csvs(const char *dir, const struct ds *ds, const struct model *m,
		      int *n_files, char *err, size_t errlen)
{
	struct out o;
	int k = m->cfg.n_factors, b = m->user_b != NULL;
	if (out_open(&o, dir, "users.csv", err, errlen) != 0)
		return -1;
	out_printf(&o, "id");
	header_factors(&o, k, b);
	for (uint32_t u = 0; u < m->cfg.n_users; u++) {
		out_printf(&o, "%llu", (unsigned long long)ds_user_id(ds, u));
		row_factors(&o, m->user_f + (size_t)u * k, k, b ? &m->user_b[u] : NULL);
	}
	if (out_commit(&o, n_files, err, errlen) != 0)
		return -1;
	if (out_open(&o, dir, "items.csv", err, errlen) != 0)
		return -1;
	out_printf(&o, "id,title");
	header_factors(&o, k, b);
	for (uint32_t i = 0; i < m->cfg.n_items; i++) {
		out_printf(&o, "%llu,", (unsigned long long)ds_item_id(ds, i));
		out_quoted(&o, ds_item_title(ds, i));
		row_factors(&o, m->item_f + (size_t)i * k, k, b ? &m->item_b[i] : NULL);
	}
	return out_commit(&o, n_files, err, errlen);
}

/* One key per line: user ids, item ids or item titles. */
static int write_keys(const char *dir, const char *name, const struct ds *ds, int users,
		      int titles, int *n_files, char *err, size_t errlen)
{
	struct out o;
	if (out_open(&o, dir, name, err, errlen) != 0)
		return -1;
	uint32_t n = users ? ds_n_users(ds) : ds_n_items(ds);
	for (uint32_t j = 0; j < n; j++) {
		if (titles)
			out_printf(&o, "%s\n", ds_item_title(ds, j));
		else
			out_printf(&o, "%llu\n", (unsigned long long)(users ? ds_user_id(ds, j) :
								      ds_item_id(ds, j)));
	}
	return out_commit(&o, n_files, err, errlen);
}

static int write_npy(const char *dir, const char *name, const float *v, uint64_t rows,
		     uint64_t cols, int ndim, int *n_files, char *err, size_t errlen)
{
	char path[ENG_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (npy_write(path, v, rows, cols, ndim, err, errlen) != 0)
		return -1;
	(*n_files)++;
	return 0;
}

static int write_arrays(const char *dir, const struct ds *ds, const struct model *m,
			int *n_files, char *err, size_t errlen)
{
	uint32_t nu = m->cfg.n_users, ni = m->cfg.n_items, k = (uint32_t)m->cfg.n_factors;
	if (write_npy(dir, "user_factors.npy", m->user_f, nu, k, 2, n_files, err, errlen) ||
	    write_npy(dir, "item_factors.npy", m->item_f, ni, k, 2, n_files, err, errlen))
		return -1;
	if (m->user_b && (write_npy(dir, "user_bias.npy", m->user_b, nu, 1, 1, n_files, err,
				    errlen) ||
			  write_npy(dir, "item_bias.npy", m->item_b, ni, 1, 1, n_files, err,
				    errlen)))
		return -1;
	if (write_keys(dir, "user_ids.txt", ds, 1, 0, n_files, err, errlen) ||
	    write_keys(dir, "item_ids.txt", ds, 0, 0, n_files, err, errlen) ||
	    write_keys(dir, "item_titles.txt", ds, 0, 1, n_files, err, errlen))
		return -1;
	return 0;
}

static int write_pca(const char *dir, const struct ds *ds, const struct model *m,
		     struct insight *ins, int *n_files, char *err, size_t errlen)
{
	struct eng_pca_args a = { .top_n = 0,
				  .n_comp = m->cfg.n_factors < PCA_COMP_MAX ? m->cfg.n_factors :
					    PCA_COMP_MAX };
	struct eng_pca *p = NULL;
	int rc = insight_pca(ins, ds, m, &a, &p, err, errlen);
	if (rc != 0)
		return rc;
	struct out o;
	rc = ENG_EIO;
	if (out_open(&o, dir, "pca.csv", err, errlen) != 0)
		goto done;
	out_printf(&o, "id,title");
	for (int c = 0; c < p->n_comp; c++)
		out_printf(&o, ",pc%d", c + 1);
	out_printf(&o, "\n");
	for (uint32_t j = 0; j < p->n; j++) {
		out_printf(&o, "%llu,", (unsigned long long)ds_item_id(ds, p->items[j]));
		out_quoted(&o, ds_item_title(ds, p->items[j]));
		for (int c = 0; c < p->n_comp; c++)
			out_printf(&o, ",%.9g", p->proj[(size_t)j * p->n_comp + c]);
		out_printf(&o, "\n");
	}
	if (out_commit(&o, n_files, err, errlen) != 0)
		goto done;
	if (out_open(&o, dir, "pca_variance.csv", err, errlen) != 0)
		goto done;
	out_printf(&o, "component,share\n");
	for (int c = 0; c < p->k; c++)
		out_printf(&o, "pc%d,%.9g\n", c + 1, p->share[c]);
	if (out_commit(&o, n_files, err, errlen) != 0)
		goto done;
	rc = 0;
done:
	eng_pca_free(p);
	return rc;
}

static int write_curves(const char *dir, const struct history_run *r, int *n_files,
			char *err, size_t errlen)
{
	struct out o;
	if (out_open(&o, dir, "curves.csv", err, errlen) != 0)
		return -1;
	out_printf(&o, "epoch,train_loss,valid_loss\n");
	for (int j = 0; j < r->n_losses; j++) {
		out_printf(&o, "%d,%.9g,", j, r->train_loss[j]);
		if (!isnan(r->valid_loss[j]))
			out_printf(&o, "%.9g", r->valid_loss[j]);
		out_printf(&o, "\n");
	}
	return out_commit(&o, n_files, err, errlen);
}

static int write_readme(const char *dir, const struct ds *ds, enum eng_item_key key,
			const struct model *m, const struct history_run *run, int *n_files,
			char *err, size_t errlen)
{
	struct out o;
	if (out_open(&o, dir, "README.txt", err, errlen) != 0)
		return -1;
	const char *name = ds_name(ds);
	int b = m->user_b != NULL, demo = ds_format(ds) == ENG_FMT_DEMO;
	out_printf(&o, "collabtui export\n\n");
	out_printf(&o, "dataset:  %s%s\n", name, demo ? " -- generated by collabtui, "
		   "not MovieLens" : "");
	out_printf(&o, "item key: %s\n", key == ENG_ITEM_KEY_TITLE ? "title" : "id");
	out_printf(&o, "model:    %s, %d factors, %u users, %u items, y_range ",
		   model_kind_name(m->cfg.kind), m->cfg.n_factors, m->cfg.n_users,
		   m->cfg.n_items);
	if (m->cfg.use_y_range)
		out_printf(&o, "(%.9g, %.9g)\n", m->cfg.y_lo, m->cfg.y_hi);
	else
		out_printf(&o, "none\n");
	if (run)
		out_printf(&o, "curves:   the run of %s (%s, %d factors, lr %g, wd %g, %d "
			   "epochs, split %s)\n", run->time, run->model, run->factors, run->lr,
			   run->wd, run->n_losses, run->split);
	out_printf(&o, "\nusers.csv, items.csv  id[,title],f1..f%d%s, one row per user/item\n"
		   "*_factors.npy         (n, %d) float32; *_bias.npy (n,) float32%s\n"
		   "user_ids.txt, item_ids.txt, item_titles.txt  the keys of the .npy rows, "
		   "one per line\n"
		   "pca.csv               every item on the first principal components of the "
		   "item factors\n"
		   "pca_variance.csv      the share of variance of each component\n%s",
		   m->cfg.n_factors, b ? ",bias" : "", m->cfg.n_factors,
		   b ? "" : " (this model has no biases)",
		   run ? "curves.csv            epoch,train_loss,valid_loss of the run\n" : "");
	out_printf(&o, "\nIn Python:\n"
		   "    import numpy as np, pandas as pd\n"
		   "    items = pd.read_csv('items.csv')\n"
		   "    F = np.load('item_factors.npy')   # row j is line j+1 of item_ids.txt\n");
	out_printf(&o, "\nBack into collabtui (the same model, bit for bit):\n"
		   "    collabtui import %s --item-key %s \\\n"
		   "        --user-factors user_factors.npy --item-factors item_factors.npy \\\n"
		   "        %s--y-range ", demo ? "--demo" : "--data DATA",
		   key == ENG_ITEM_KEY_TITLE ? "title" : "id",
		   b ? "--user-bias user_bias.npy --item-bias item_bias.npy " : "");
	if (m->cfg.use_y_range)
		out_printf(&o, "%.9g,%.9g", m->cfg.y_lo, m->cfg.y_hi);
	else
		out_printf(&o, "none");
	out_printf(&o, " --save model.bin\n");
	return out_commit(&o, n_files, err, errlen);
}

int export_model(const char *dir, const struct ds *ds, enum eng_item_key key,
		 const struct model *m, struct insight *ins, const struct history_run *run,
		 struct eng_exported *out, char *err, size_t errlen)
{
	*out = (struct eng_exported){ .curves = run != NULL };
	snprintf(out->dir, sizeof out->dir, "%s", dir);
	if (write_readme(dir, ds, key, m, run, &out->n_files, err, errlen) != 0 ||
	    write_csvs(dir, ds, m, &out->n_files, err, errlen) != 0 ||
	    write_arrays(dir, ds, m, &out->n_files, err, errlen) != 0)
		return ENG_EIO;
	if (run && write_curves(dir, run, &out->n_files, err, errlen) != 0)
		return ENG_EIO;
	return write_pca(dir, ds, m, ins, &out->n_files, err, errlen);
}
