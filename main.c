/* main.c -- collabtui's entry point: parse the command line, then run the
 * terminal interface (`tui`, the default on a terminal) or a headless
 * command (`train`, `summary`). */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "headless.h"
#include "opts.h"
#include "tui.h"

int main(int argc, char **argv)
{
	/* Numbers in files and options are always C-locale; only the
	 * character type follows the user's locale (for UTF-8 output). */
	setlocale(LC_CTYPE, "");

	struct opts o;
	char err[1024];
	if (opts_parse(argc, argv, &o, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\nTry 'collabtui --help'.\n", err);
		return EXIT_INPUT;
	}
	if (o.help) {
		fputs(opts_usage(), stdout);
		return EXIT_OK;
	}
	if (o.version) {
		printf("collabtui %s\n", COLLABTUI_VERSION);
		return EXIT_OK;
	}
	if (!o.command) {
		/* A pipe or a cron job gets an explanation, not a curses screen
		 * written into a file. */
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fputs("collabtui: the interactive interface needs a terminal "
			      "on stdin and stdout.\n"
			      "  Without one, run a headless command: "
			      "`collabtui train` or `collabtui summary`.\n", stderr);
			return EXIT_INPUT;
		}
		o.command = "tui";
	}
	if (strcmp(o.command, "tui") == 0)
		return tui_run(&o);
	if (!headless_has(o.command)) {
		fprintf(stderr, "collabtui: unknown command \"%s\"\nTry 'collabtui --help'.\n",
			o.command);
		return EXIT_INPUT;
	}
	return headless_run(&o);
}
