/* main.c -- collabtui's entry point: parse the command line against the
 * command table, then run the command: the terminal interface (`tui`, the
 * default) or a headless one (cli/). */
#include <locale.h>
#include <stdio.h>

#include "driver.h"
#include "opts.h"
#include "tui.h"

/* Every command, in the order --help lists them; the first is the one run
 * when none is named. */
static const struct cmd_entry *const commands[] = {
	&cmd_tui,
	&cmd_train,
	&cmd_lr_find,
	&cmd_summary,
	&cmd_eval,
	&cmd_runs,
	&cmd_bias,
	&cmd_similar,
	&cmd_pca,
	&cmd_recommend,
	&cmd_synth,
	&cmd_export,
	&cmd_import,
	NULL
};

int main(int argc, char **argv)
{
	/* Numbers in files and options are always C-locale; only the
	 * character type follows the user's locale (for UTF-8 output). */
	setlocale(LC_CTYPE, "");

	struct opts o;
	char err[1024];
	if (opts_parse(argc, argv, commands, &o, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\nTry 'collabtui%s%s --help'.\n", err,
			o.command_given ? " " : "", o.command_given ? o.cmd->name : "");
		return EXIT_INPUT;
	}
	if (o.help) {
		if (o.command_given)
			opts_cmd_usage(stdout, o.cmd);
		else
			opts_usage(stdout, commands);
		return EXIT_OK;
	}
	if (o.version) {
		printf("collabtui %s\n", COLLABTUI_VERSION);
		return EXIT_OK;
	}
	return o.cmd->run(&o);
}
