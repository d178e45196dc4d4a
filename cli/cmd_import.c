/* cmd_import.c -- `collabtui import`: factors trained elsewhere (Spark's
 * ALS, a fastai learner, any CSV) checked against the dataset and saved as
 * an ordinary model file, which `bias`, `similar`, `pca`, `recommend` and
 * the interface then --load.  The engine reads and matches the files
 * (IMPORT, engine/models/import.h); this file checks what can be checked
 * before the dataset is loaded and says what was made. */
#include "driver.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A path option: given when required, present, short enough. */
static int check_path(const char *flag, const char *path, int required)
{
	struct stat st;
	if (!path)
		return required ? cli_refuse("import needs %s PATH", flag) : EXIT_OK;
	if (strlen(path) >= ENG_PATH_MAX)
		return cli_refuse("%s: the path is too long", flag);
	if (stat(path, &st) != 0)
		return cli_refuse("%s %s: %s", flag, path, strerror(errno));
	return EXIT_OK;
}

/* After the load, before the save: the engine imports. */
static int do_import(struct cli_session *s)
{
	const struct opts *o = s->o;
	struct eng_cmd c = { .kind = ENG_CMD_IMPORT, .req_id = 21 };
	struct eng_import_args *a = &c.u.import;
	snprintf(a->user_factors, sizeof a->user_factors, "%s", o->user_factors);
	snprintf(a->item_factors, sizeof a->item_factors, "%s", o->item_factors);
	snprintf(a->user_bias, sizeof a->user_bias, "%s", o->user_bias ? o->user_bias : "");
	snprintf(a->item_bias, sizeof a->item_bias, "%s", o->item_bias ? o->item_bias : "");
	a->global_bias = o->global_bias;
	a->use_y_range = o->cfg.y_range_on;
	a->y_lo = (float)o->cfg.y_range[0];
	a->y_hi = (float)o->cfg.y_range[1];
	cli_label_demo(o);
	int st = cli_ask(s, &c);
	if (st != EXIT_OK)
		return st;
	const struct eng_imported *m = &s->reply->u.imported;
	printf("imported a %s model: %u users, %u items, %d factors, y_range ",
	       m->kind == ENG_MODEL_DOT ? "dot (no biases)" : "dotbias", m->n_users,
	       m->n_items, m->n_factors);
	if (a->use_y_range)
		printf("(%g, %g)\n", a->y_lo, a->y_hi);
	else
		printf("none\n");
	printf("saved to %s; use it with --load %s\n", o->save, o->save);
	fflush(stdout);
	return EXIT_OK;
}

static int run(const struct opts *o)
{
	int st = check_path("--user-factors", o->user_factors, 1);
	if (st == EXIT_OK)
		st = check_path("--item-factors", o->item_factors, 1);
	if (st == EXIT_OK)
		st = check_path("--user-bias", o->user_bias, 0);
	if (st == EXIT_OK)
		st = check_path("--item-bias", o->item_bias, 0);
	if (st == EXIT_OK && !o->save)
		st = cli_refuse("import needs --save FILE (the model file it writes)");
	if (st != EXIT_OK)
		return st;
	return cli_drive(o, &(struct cli_job){ .work = CLI_LOAD_ONLY, .check = do_import });
}

const struct cmd_entry cmd_import = {
	.name = "import",
	.id = CMD_IMPORT,
	.summary = "make a model file of factors trained elsewhere (Spark ALS,\n"
		   "fastai, CSV, .npy), checked against the dataset",
	.run = run,
};
