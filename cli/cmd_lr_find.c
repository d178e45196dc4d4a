/* cmd_lr_find.c -- `collabtui lr-find`: fastai's learning-rate finder.
 * The curve is printed as a table (lr, smoothed loss), then the valley and
 * steepest suggestions. */
#include "driver.h"

static int run(const struct opts *o)
{
	/* it prints the sweep: no movie is looked up */
	return cli_drive(o, &(struct cli_job){ .work = CLI_LR_FIND, .summary_only = 1 });
}

const struct cmd_entry cmd_lr_find = {
	.name = "lr-find",
	.id = CMD_LR_FIND,
	.summary = "fastai's learning-rate finder: loss by lr, and a suggestion",
	.run = run,
};
