/* runcompare.c -- past training runs side by side (see runcompare.h). */
#include "runcompare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int runcmp_uses_lr(const char *model)
{
	return strcmp(model, "als") != 0 && strcmp(model, "bpmf") != 0;
}

int runcmp_uses_wd(const char *model)
{
	return strcmp(model, "bpmf") != 0;
}

double runcmp_best_valid(const struct history_run *r, int *epoch)
{
	double best = NAN;

	*epoch = -1;
	for (int i = 0; i < r->n_losses; i++)
		if (isfinite(r->valid_loss[i]) && !(r->valid_loss[i] >= best)) {
			best = r->valid_loss[i];
			*epoch = i;
		}
	return best;
}

int runcmp_comparable(const struct history_run *a, const struct history_run *b)
{
	return strcmp(a->dataset, b->dataset) == 0 &&
	       strcmp(a->split, b->split) == 0 &&
	       strcmp(a->item_key, b->item_key) == 0;
}

/* A loss as the runs table prints it; "-" when there is none. */
static void loss_cell(char *buf, double v)
{
	snprintf(buf, RUNCMP_CELL, isfinite(v) ? "%.6f" : "-", v);
}

static const char *const setting_labels[] = {
	"when", "model", "split", "item key", "n_factors", "epochs", "bs", "lr",
	"wd", "y_range", "optimiser", "schedule", "seed",
};
#define N_SETTINGS (int)(sizeof setting_labels / sizeof setting_labels[0])
_Static_assert(sizeof setting_labels / sizeof setting_labels[0] + 3 == RUNCMP_ROWS,
	       "the settings and the three losses fill the table");

/* Run r's cell of settings row i; "-" for what its model ignored, which
 * is then no difference. */
static void setting_cell(int i, const struct history_run *r, char *buf)
{
	const int n = RUNCMP_CELL, lr = runcmp_uses_lr(r->model);

	switch (i) {
	/* "2025-01-31T12:00:00Z" as "01-31 12:00" */
	case 0:  snprintf(buf, n, "%.5s %.5s", r->time + 5, r->time + 11); break;
	case 1:  snprintf(buf, n, "%s", r->model); break;
	case 2:  snprintf(buf, n, "%s", r->split); break;
	case 3:  snprintf(buf, n, "%s", r->item_key[0] ? r->item_key : "?"); break;
	case 4:  snprintf(buf, n, "%d", r->factors); break;
	case 5:  snprintf(buf, n, "%d", r->epochs); break;
	case 6:  snprintf(buf, n, "%d", r->bs); break;
	case 7:
		if (lr)
			snprintf(buf, n, "%g", r->lr);
		else
			snprintf(buf, n, "-");
		break;
	case 8:
		if (runcmp_uses_wd(r->model))
			snprintf(buf, n, "%g", r->wd);
		else
			snprintf(buf, n, "-");
		break;
	case 9:
		if (r->y_range_on)
			snprintf(buf, n, "%.4g,%.4g", r->y_lo, r->y_hi);
		else
			snprintf(buf, n, "none");
		break;
	case 10: snprintf(buf, n, "%s", lr ? r->optimizer : "-"); break;
	case 11: snprintf(buf, n, "%s", lr ? r->schedule : "-"); break;
	default: snprintf(buf, n, "%llu", (unsigned long long)r->seed); break;
	}
}

static int differs(const struct runcmp_row *row, int n)
{
	for (int j = 1; j < n; j++)
		if (strcmp(row->cell[j], row->cell[0]) != 0)
			return 1;
	return 0;
}

/* A loss row: values[j] per run, the lowest marked. */
static void loss_row(struct runcmp_row *row, const char *label,
		     const double *values, int n)
{
	row->label = label;
	row->kind = RUNCMP_LOSS;
	row->differs = 0;
	row->best = -1;
	for (int j = 0; j < n; j++) {
		loss_cell(row->cell[j], values[j]);
		if (isfinite(values[j]) &&
		    (row->best < 0 || values[j] < values[row->best]))
			row->best = j;
	}
}

int runcmp_table(const struct history_run *const *runs, int n,
		 struct runcmp_row rows[RUNCMP_ROWS])
{
	int nr = 0;
	double v[RUNCMP_MAX];

	if (n > RUNCMP_MAX)
		n = RUNCMP_MAX;
	memset(rows, 0, sizeof *rows * RUNCMP_ROWS);
	for (int i = 0; i < N_SETTINGS; i++, nr++) {
		rows[nr].label = setting_labels[i];
		rows[nr].kind = RUNCMP_SETTING;
		rows[nr].best = -1;
		for (int j = 0; j < n; j++)
			setting_cell(i, runs[j], rows[nr].cell[j]);
		/* when a run was made is no setting of it */
		rows[nr].differs = i > 0 && differs(&rows[nr], n);
	}
	for (int j = 0; j < n; j++)
		v[j] = runs[j]->n_losses ? runs[j]->train_loss[runs[j]->n_losses - 1] : NAN;
	loss_row(&rows[nr++], "final train", v, n);
	for (int j = 0; j < n; j++)
		v[j] = runs[j]->diverged ? NAN : runs[j]->final_valid;
	loss_row(&rows[nr++], "final valid", v, n);
	int ep[RUNCMP_MAX];
	for (int j = 0; j < n; j++)
		v[j] = runcmp_best_valid(runs[j], &ep[j]);
	loss_row(&rows[nr], "best valid", v, n);
	for (int j = 0; j < n; j++)
		if (ep[j] >= 0)
			snprintf(rows[nr].cell[j], RUNCMP_CELL, "%.6f ep %d", v[j], ep[j]);
	nr++;
	return nr;
}
