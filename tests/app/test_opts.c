/* test_opts.c -- app/opts.c in process: the option table against a
 * command table of its own; which command takes which option, operands,
 * suggestions by edit distance, and the generated help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "opts.h"

static int run_nothing(const struct opts *o)
{
	(void)o;
	return 0;
}

static const struct cmd_entry c_tui = { .name = "tui", .id = CMD_TUI,
					.summary = "the interface", .run = run_nothing };
static const struct cmd_entry c_train = { .name = "train", .id = CMD_TRAIN,
					  .summary = "train", .run = run_nothing };
static const struct cmd_entry c_similar = { .name = "similar", .id = CMD_SIMILAR,
					    .arg = "TITLE", .summary = "neighbours",
					    .run = run_nothing };
static const struct cmd_entry c_synth = { .name = "synth", .id = CMD_SYNTH,
					  .summary = "write data", .run = run_nothing };
static const struct cmd_entry *const cmds[] = { &c_tui, &c_train, &c_similar, &c_synth,
						 NULL };

/* Parse the words of line (split on spaces) as argv after "collabtui". */
static int parse(struct opts *o, char *err, size_t errlen, const char *line)
{
	static char buf[512];
	char *argv[32];
	int argc = 0;
	snprintf(buf, sizeof buf, "%s", line);
	argv[argc++] = "collabtui";
	for (char *w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	/* no user config.yaml from the developer's home */
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	setenv("HOME", "/nonexistent", 1);
	return opts_parse(argc, argv, cmds, o, err, errlen);
}

Test(opts, distance_counts_edits_and_swaps)
{
	cr_assert_eq(opts_distance("train", "train", 2), 0);
	cr_assert_eq(opts_distance("trian", "train", 2), 1, "a swap is one edit");
	cr_assert_eq(opts_distance("factros", "factors", 2), 1);
	cr_assert_eq(opts_distance("tran", "train", 2), 1);
	cr_assert_eq(opts_distance("xx", "train", 2), 3, "capped at cap + 1");
	cr_assert_eq(opts_distance("", "ab", 5), 2);
}

Test(opts, the_default_command_and_options_by_command)
{
	struct opts o;
	char err[512];
	cr_assert_eq(parse(&o, err, sizeof err, "--epochs 3"), 0, "%s", err);
	cr_assert_eq(o.cmd, &c_tui);
	cr_assert_not(o.command_given);
	cr_assert_eq(o.cfg.epochs, 3);
	cr_assert_eq(parse(&o, err, sizeof err, "train --factors 7 --save m.clbt"), 0, "%s", err);
	cr_assert_eq(o.cmd, &c_train);
	cr_assert_eq(o.cfg.factors, 7);
	cr_assert(o.factors_set);
	cr_assert_str_eq(o.save, "m.clbt");
	cr_assert_eq(parse(&o, err, sizeof err, "train --theme mono"), -1);
	cr_assert_str_eq(err, "train does not take --theme (tui does)");
	cr_assert_eq(parse(&o, err, sizeof err, "synth --ratings 100 --out d"), 0, "%s", err);
	cr_assert_str_eq(o.ratings, "100");
	cr_assert_eq(parse(&o, err, sizeof err, "--k 3"), -1);
	cr_assert_str_eq(err, "tui (the default command) does not take --k (similar does)");
	cr_assert_eq(parse(&o, err, sizeof err, "-k 3"), -1);
	cr_assert_str_eq(err, "tui (the default command) does not take -k (similar does)");
	/* no command of this table takes --top */
	cr_assert_eq(parse(&o, err, sizeof err, "train --top 3"), -1);
	cr_assert_str_eq(err, "train does not take --top");
}

Test(opts, operands_first_or_last)
{
	struct opts o;
	char err[512];
	cr_assert_eq(parse(&o, err, sizeof err, "similar Alien -k 3"), 0, "%s", err);
	cr_assert_str_eq(o.query, "Alien");
	cr_assert_eq(o.k, 3);
	cr_assert_eq(parse(&o, err, sizeof err, "similar -k 3 Alien"), 0, "%s", err);
	cr_assert_str_eq(o.query, "Alien");
	cr_assert_eq(parse(&o, err, sizeof err, "train Alien"), -1);
	cr_assert_str_eq(err, "unexpected argument \"Alien\"");
}

Test(opts, unknown_names_get_the_nearest)
{
	struct opts o;
	char err[512];
	cr_assert_eq(parse(&o, err, sizeof err, "trian"), -1);
	cr_assert_str_eq(err, "unknown command \"trian\"; did you mean train?");
	cr_assert_eq(parse(&o, err, sizeof err, "zzzzzz"), -1);
	cr_assert_str_eq(err, "unknown command \"zzzzzz\"");
	cr_assert_eq(parse(&o, err, sizeof err, "train --factros 3"), -1);
	cr_assert_str_eq(err, "unknown option --factros; did you mean --factors?");
	cr_assert_eq(parse(&o, err, sizeof err, "train --factros=3"), -1);
	cr_assert_str_eq(err, "unknown option --factros; did you mean --factors?");
	cr_assert_eq(parse(&o, err, sizeof err, "train --no-mouse=1"), -1);
	cr_assert_str_eq(err, "--no-mouse takes no value");
	cr_assert_eq(parse(&o, err, sizeof err, "train --e 3"), -1);
	cr_assert(strstr(err, "--e is ambiguous: --epochs --emb-drop --end-lr"), "%s", err);
	cr_assert_eq(parse(&o, err, sizeof err, "train --lr"), -1);
	cr_assert_str_eq(err, "--lr needs a value");
}

Test(opts, help_is_made_from_the_tables)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	opts_cmd_usage(f, &c_similar);
	fclose(f);
	cr_assert(strncmp(text, "usage: collabtui similar TITLE [OPTIONS]\n\nneighbours\n", 52) == 0,
		  "%s", text);
	cr_assert(strstr(text, "  -k, --k N              neighbours (default 10)\n"), "%s", text);
	cr_assert_null(strstr(text, "--theme"), "%s", text);
	free(text);
	f = open_memstream(&text, &len);
	opts_usage(f, cmds);
	fclose(f);
	cr_assert(strstr(text, "  similar TITLE  neighbours\n"), "%s", text);
	cr_assert(strstr(text, "  -k, --k N              similar: neighbours"), "%s", text);
	/* a row of commands the table lacks is listed without their names */
	cr_assert(strstr(text, "  --bottom N             list the N lowest too"), "%s", text);
	cr_assert(strstr(text, "--model dot|dotbias|nn|als|bpmf|ease|ials|pop"), "%s", text);
	free(text);
}
