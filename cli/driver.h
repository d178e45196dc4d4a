/* driver.h -- what the headless commands share: the command entries, and
 * the driver that loads a dataset, trains (or loads) a model and prints
 * the engine's events as text, on this thread.
 *
 * A command that needs a dataset describes its job (struct cli_job): what
 * to run after the load, a check of its own inputs, and what to print at
 * the end.  The order is fixed so that nothing is wasted on bad input:
 *
 *   settings -> --save's folder -> load the data (--load the model)
 *     -> job.check (titles, the ratings file, metadata, ...)
 *     -> train or lr-find -> --save -> job.report
 *
 * Every refusal before training exits 2 (exitcode.h) with its reason on
 * stderr, before the epoch table's header is printed.
 */
#ifndef COLLABTUI_DRIVER_H
#define COLLABTUI_DRIVER_H

#include "eng.h"
#include "exitcode.h"
#include "opts.h"

/* The headless commands, one per cli/cmd_*.c (main.c lists them). */
extern const struct cmd_entry cmd_train;
extern const struct cmd_entry cmd_lr_find;
extern const struct cmd_entry cmd_summary;
extern const struct cmd_entry cmd_eval;
extern const struct cmd_entry cmd_runs;
extern const struct cmd_entry cmd_bias;
extern const struct cmd_entry cmd_similar;
extern const struct cmd_entry cmd_pca;
extern const struct cmd_entry cmd_recommend;
extern const struct cmd_entry cmd_synth;
extern const struct cmd_entry cmd_export;
extern const struct cmd_entry cmd_import;

/* What a job can see once the data is in. */
struct cli_session {
	struct eng *e;                  /* the engine, dataset loaded */
	const struct opts *o;
	const struct eng_catalog *cat;  /* the dataset's items */
	const struct eng_summary *summary;  /* the dataset's summary */
	struct eng_train_args *train;   /* the TRAIN arguments; check may add to them */
	struct eng_evt *reply;          /* the last insight reply (see cli_ask) */
	void *ctx;                      /* the job's own */
};

enum cli_work {
	CLI_LOAD_ONLY,                  /* no model: load the data, then report */
	CLI_TRAIN,                      /* train (continue from --load) */
	CLI_LR_FIND,                    /* sweep the learning rate */
	CLI_MODEL,                      /* train, or use --load's model as it is */
};

struct cli_job {
	enum cli_work work;
	/* the epoch table goes to stderr (stdout is for the report) */
	int table_on_stderr;
	/* the job reads the summary only (s->cat stays NULL): the engine
	 * skips the catalogue and the queries' statistics (msg.h) */
	int summary_only;
	/* Optional: check the command's inputs against the loaded data
	 * before any training; returns an exit status, EXIT_OK to go on. */
	int (*check)(struct cli_session *s);
	/* Optional: print the results; returns an exit status. */
	int (*report)(struct cli_session *s);
	void *ctx;
};

/* Run job for o: see the top for the order.  Results go to stdout, errors
 * to stderr.  Returns the process exit status: EXIT_INTERRUPTED after
 * Ctrl-C, else the first failure's (EXIT_INPUT for bad input, EXIT_RUNTIME
 * for the rest), else the report's. */
int cli_drive(const struct opts *o, const struct cli_job *job);

/* Send one insight query (the engine answers at once) and leave its reply
 * in *s->reply, released by the next query or by cli_drive.  Returns an
 * exit status. */
int cli_ask(struct cli_session *s, const struct eng_cmd *c);

/* With --demo, say on stdout that the data is the synthetic demo set: the
 * first line of every headless command's output but summary's, whose
 * dataset line says it.  Nothing otherwise. */
void cli_label_demo(const struct opts *o);

/* Say "collabtui: " and the formatted reason on stderr; EXIT_INPUT. */
__attribute__((format(printf, 1, 2)))
int cli_refuse(const char *fmt, ...);

/* The exit status of an engine error code (0 for success). */
int cli_exit_status(int code);

#endif
