/* cmd_runs.c -- `collabtui runs`: the run history of the current dataset
 * as a table (history.h keeps it): the runs recorded for the dataset the
 * settings name (by its base name, as the history records it, or
 * ENG_DEMO_NAME with --demo), oldest
 * first or, with --sort valid, best validation loss first. */
#include "driver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "paths.h"

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

static int run(const struct opts *o)
{
	char data[4096], err[1024], path[4096];
	const char *name = ENG_DEMO_NAME;
	if (!o->demo && paths_find_data(o->cfg.data, data, sizeof data, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_INPUT;
	}
	if (!o->demo)
		name = base_name(data);
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
	if (o->sort_valid)
		history_sort_valid(v, n);
	printf("%zu run(s) on %s in %s\n", n, name, path);
	printf("%-4s%-22s%-9s%-8s%-7s%-10s%-8s%-12s%-6s%-11s%-11s%s\n", "#", "time", "model",
	       "factors", "epochs", "lr", "wd", "split", "seed", "train", "valid", "secs");
	for (size_t j = 0; j < n; j++) {
		const struct history_run *r = &v[j];
		float train = r->n_losses ? r->train_loss[r->n_losses - 1] : NAN;
		char valid[32], train_s[32];
		if (r->diverged)
			snprintf(valid, sizeof valid, "diverged");
		else
			format_loss(valid, sizeof valid, r->final_valid);
		format_loss(train_s, sizeof train_s, train);
		printf("%-4zu%-22s%-9s%-8d%-7d%-10.3g%-8.3g%-12s%-6llu%-11s%-11s%.1f\n",
		       j + 1, r->time, r->model, r->factors, r->epochs, r->lr, r->wd, r->split,
		       (unsigned long long)r->seed, train_s, valid, r->seconds);
	}
	free(v);
	return EXIT_OK;
}

const struct cmd_entry cmd_runs = {
	.name = "runs",
	.id = CMD_RUNS,
	.summary = "the history of training runs on this dataset",
	.run = run,
};
