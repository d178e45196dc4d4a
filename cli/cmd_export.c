/* cmd_export.c -- `collabtui export --out DIR`: the model trained with the
 * settings given (or --load'ed) written out for numpy and pandas: the
 * engine's EXPORT (engine/query/export.h lists the files).  --out and
 * --load are checked before anything is loaded or trained, --run N once
 * the dataset's name is known, before training. */
#include "driver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "history.h"

/* --out DIR: a directory we may write in, made when it is missing (its
 * parent must exist). */
static int check_out(const char *dir)
{
	struct stat st;
	if (!dir || !*dir)
		return cli_refuse("export needs --out DIR (where the files go)");
	if (strlen(dir) >= ENG_PATH_MAX - 64)
		return cli_refuse("--out: the path is too long");
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0)
			return cli_refuse("--out %s: %s", dir, strerror(errno));
		return EXIT_OK;
	}
	if (!S_ISDIR(st.st_mode))
		return cli_refuse("--out %s: not a directory", dir);
	if (access(dir, W_OK | X_OK) != 0)
		return cli_refuse("--out %s: the directory is not writable (%s)", dir,
			      strerror(errno));
	return EXIT_OK;
}

/* --load FILE: a model file that can be opened (read in full by the
 * engine, after the data). */
static int check_load(const char *path)
{
	char why[ENG_PATH_MAX + 128];
	int fd = afile_open_read(path, why, sizeof why);
	if (fd < 0)
		return cli_refuse("--load %s: no model to export (%s)", path, why);
	close(fd);
	return EXIT_OK;
}

/* --run N: a run of this dataset's history, before any training; and a
 * model with embeddings to export. */
static int check_run(struct cli_session *s)
{
	int n_run = s->o->run;
	if (!s->o->load && s->train->model.kind == ENG_MODEL_NN)
		return cli_refuse("export needs a dot or dotbias model: the nn model has no "
				  "embeddings of one width to export");
	if (n_run == 0)
		return EXIT_OK;
	char path[4096], err[1024];
	struct history_run *v = NULL;
	size_t n = 0;
	if (!history_path(path, sizeof path))
		return cli_refuse("--run %d: no run history (set XDG_DATA_HOME or HOME)", n_run);
	if (history_read(path, s->summary->name, &v, &n, err, sizeof err) != 0)
		return cli_refuse("--run %d: %s", n_run, err);
	free(v);
	if ((size_t)n_run > n)
		return cli_refuse("--run %d: the history has %zu run(s) on %s (collabtui runs "
			      "lists them)", n_run, n, s->summary->name);
	return EXIT_OK;
}

static int report(struct cli_session *s)
{
	struct eng_cmd c = { .kind = ENG_CMD_EXPORT, .req_id = 20 };
	snprintf(c.u.export.dir, sizeof c.u.export.dir, "%s", s->o->out);
	c.u.export.run = (uint32_t)s->o->run;
	int st = cli_ask(s, &c);
	if (st != EXIT_OK)
		return st;
	const struct eng_exported *x = &s->reply->u.exported;
	printf("exported %d files to %s%s (README.txt there says what each holds)\n",
	       x->n_files, x->dir, x->curves ? ", the run's curves among them" : "");
	return EXIT_OK;
}

static int run(const struct opts *o)
{
	int st = check_out(o->out);
	if (st == EXIT_OK && o->load)
		st = check_load(o->load);
	if (st != EXIT_OK)
		return st;
	return cli_drive(o, &(struct cli_job){ .work = CLI_MODEL, .table_on_stderr = 1,
					       .check = check_run, .report = report });
}

const struct cmd_entry cmd_export = {
	.name = "export",
	.id = CMD_EXPORT,
	.summary = "write the model's embeddings, biases, PCA and curves as CSV\n"
		   "and .npy into --out DIR, for numpy and pandas",
	.run = run,
};
