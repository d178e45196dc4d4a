/* cmd_runs.c -- `collabtui runs`: the run history of the current dataset
 * as a table (history.h keeps it): the runs recorded for the dataset the
 * settings name (by its base name, as the history records it, or
 * ENG_DEMO_NAME with --demo), oldest first or, with --sort valid, like
 * with like (by split and item key) and best validation loss first.  Runs
 * are numbered oldest first whatever the order, and --compare ID ID ...
 * prints those runs side by side (app/runcompare.h).  The dataset need not
 * be there: a --data that is gone still names its runs, and with no
 * dataset at all every run is listed. */
#include "driver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "paths.h"
#include "runcompare.h"

/* The dataset's name as ds_name() gives it: the path's last component. */
static const char *base_name(char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* A loss for the table, in its column's width: fixed point as fastai
 * prints it, or in exponent form when that would be too wide (a run
 * that blew up, a hand-edited file). */
static void format_loss(char *buf, size_t n, double v)
{
	snprintf(buf, n, fabs(v) < 1e6 || !isfinite(v) ? "%.6f" : "%.4e", v);
}

static const struct history_run *sort_base;

/* --sort valid over indices, so each run keeps its # (ties: older first) */
static int by_valid_index(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = history_cmp_valid(&sort_base[i], &sort_base[j]);
	return c ? c : (i > j) - (i < j);
}

static void list(const struct history_run *v, size_t n, int sort_valid, int all)
{
	size_t *order = malloc((n ? n : 1) * sizeof *order);
	if (!order) {
		fprintf(stderr, "collabtui: out of memory\n");
		return;
	}
	for (size_t j = 0; j < n; j++)
		order[j] = j;
	if (sort_valid && n > 1) {
		sort_base = v;
		qsort(order, n, sizeof *order, by_valid_index);
	}
	printf("%-4s%-22s%s%-9s%-12s%-6s%-8s%-7s%-10s%-8s%-6s%-11s%-11s%s\n", "#", "time",
	       all ? "dataset          " : "", "model", "split", "key", "factors", "epochs",
	       "lr", "wd", "seed", "train", "valid", "secs");
	for (size_t k = 0; k < n; k++) {
		const struct history_run *r = &v[order[k]];
		float train = r->n_losses ? r->train_loss[r->n_losses - 1] : NAN;
		char valid[32], train_s[32], lr[16], wd[16];
		if (sort_valid && k > 0 && !runcmp_comparable(r, &v[order[k - 1]]))
			printf("-- split %s, item key %s: not ranked against the runs above\n",
			       r->split, r->item_key[0] ? r->item_key : "?");
		if (r->diverged)
			snprintf(valid, sizeof valid, "diverged");
		else
			format_loss(valid, sizeof valid, r->final_valid);
		format_loss(train_s, sizeof train_s, train);
		/* what the model ignores is not shown */
		snprintf(lr, sizeof lr, runcmp_uses_lr(r->model) ? "%.3g" : "-", r->lr);
		snprintf(wd, sizeof wd, runcmp_uses_wd(r->model) ? "%.3g" : "-", r->wd);
		printf("%-4zu%-22s", order[k] + 1, r->time);
		if (all)
			printf("%-17.16s", r->dataset);
		printf("%-9s%-12s%-6s%-8d%-7d%-10s%-8s%-6llu%-11s%-11s%.1f\n",
		       r->model, r->split, r->item_key[0] ? r->item_key : "?", r->factors,
		       r->epochs, lr, wd, (unsigned long long)r->seed, train_s, valid,
		       r->seconds);
	}
	free(order);
}

static int compare(const struct opts *o, const struct history_run *v, size_t n,
		   const char *name)
{
	const struct history_run *pick[RUNCMP_MAX];
	struct runcmp_row rows[RUNCMP_ROWS];

	for (int j = 0; j < o->n_compare; j++) {
		if ((size_t)o->compare[j] > n) {
			fprintf(stderr, "collabtui: --compare: no run #%d: %zu run(s) on %s "
				"(collabtui runs lists them)\n", o->compare[j], n, name);
			return EXIT_INPUT;
		}
		pick[j] = &v[o->compare[j] - 1];
	}
	if (o->n_compare < 2) {
		fprintf(stderr, "collabtui: --compare: give two runs or more "
			"(--compare ID ID ...)\n");
		return EXIT_INPUT;
	}
	int nr = runcmp_table(pick, o->n_compare, rows);
	printf("runs side by side on %s (* marks a setting that differs, and the "
	       "lowest loss)\n", name);
	printf("  %-12s", "");
	for (int j = 0; j < o->n_compare; j++) {
		char id[16];
		snprintf(id, sizeof id, "#%d", o->compare[j]);
		printf("%-22s", id);
	}
	printf("\n");
	for (int i = 0; i < nr; i++) {
		printf("%c %-12s", rows[i].differs ? '*' : ' ', rows[i].label);
		for (int j = 0; j < o->n_compare; j++) {
			char cell[RUNCMP_CELL + 4];
			snprintf(cell, sizeof cell, "%s%s", rows[i].cell[j],
				 rows[i].best == j ? " *" : "");
			printf("%-22s", cell);
		}
		printf("\n");
	}
	for (int j = 1; j < o->n_compare; j++)
		if (!runcmp_comparable(pick[0], pick[j]))
			printf("note: #%d and #%d were validated on different splits or item "
			       "keys (%s, %s): their losses do not compare\n", o->compare[0],
			       o->compare[j], pick[0]->split, pick[j]->split);
	return EXIT_OK;
}

static int run(const struct opts *o)
{
	char data[4096], err[1024], path[4096];
	const char *name = ENG_DEMO_NAME;
	if (!o->demo && paths_find_data(o->cfg.data, data, sizeof data, err, sizeof err) != 0) {
		/* the history outlives the data: a --data that is gone still
		 * names its runs, and with none every run is listed */
		snprintf(data, sizeof data, "%s", o->cfg.data);
		name = data[0] ? base_name(data) : NULL;
	} else if (!o->demo) {
		name = base_name(data);
	}
	if (!history_path(path, sizeof path)) {
		fprintf(stderr, "collabtui: no place for the run history "
			"(set XDG_DATA_HOME or HOME)\n");
		return EXIT_RUNTIME;
	}
	struct history_run *v;
	size_t n;
	if (history_read(path, name, &v, &n, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_RUNTIME;
	}
	int rc = EXIT_OK;
	if (o->n_compare > 0) {
		rc = compare(o, v, n, name ? name : "every dataset");
	} else {
		printf("%zu run(s) on %s in %s\n", n, name ? name : "every dataset "
		       "(no dataset found)", path);
		list(v, n, o->sort_valid, !name);
	}
	free(v);
	return rc;
}

const struct cmd_entry cmd_runs = {
	.name = "runs",
	.id = CMD_RUNS,
	.summary = "the history of training runs on this dataset",
	.run = run,
};
