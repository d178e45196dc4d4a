/* main.c -- collabtui's entry point: parse the command line, then run a
 * headless command.  (The terminal UI will be the default command.) */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "headless.h"
#include "opts.h"

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
	if (!headless_has(o.command)) {
		fprintf(stderr, "collabtui: unknown command \"%s\"\nTry 'collabtui --help'.\n",
			o.command);
		return EXIT_INPUT;
	}
	return headless_run(&o);
}
