/* cmd_train.c -- `collabtui train`: train a model (or continue one from
 * --load) and print fastai's epoch table; --save writes the result. */
#include "driver.h"

static int run(const struct opts *o)
{
	/* it prints the epoch table: no movie is looked up */
	return cli_drive(o, &(struct cli_job){ .work = CLI_TRAIN, .summary_only = 1 });
}

const struct cmd_entry cmd_train = {
	.name = "train",
	.id = CMD_TRAIN,
	.summary = "train a model and print the epoch table",
	.run = run,
};
