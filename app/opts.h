/* opts.h -- the command line: a command name plus options, merged over
 * the settings of config.yaml.
 *
 * Commands and options are data.  Each command is one `const struct
 * cmd_entry` (cli/cmd_*.c, and tui/tui.c for the interface), listed in
 * main.c's table; each option is one row of opts.c's table, which says
 * what the option is called, what its value is called, its help line and
 * which commands take it.  getopt_long's option list, the --help text and
 * each command's `CMD --help` are all made from those two tables, so an
 * option or a command is written down once.
 *
 * Options that have a config.yaml key (--factors, --lr, ...) are parsed by
 * the config module itself (cfg_set), so a value is checked the same way
 * whether it comes from the file or from argv.
 */
#ifndef COLLABTUI_OPTS_H
#define COLLABTUI_OPTS_H

#include <stdio.h>

#include "config.h"

#define OPTS_PATH_MAX 1024
#define OPTS_COMPARE_MAX 8      /* runs --compare: as many runs at most */

/* The commands, as the option table names them: each option row says
 * which of these take it (a set of CMD_BIT()s). */
enum cmd_id {
	CMD_TUI,
	CMD_TRAIN,
	CMD_LR_FIND,
	CMD_SUMMARY,
	CMD_EVAL,
	CMD_RUNS,
	CMD_BIAS,
	CMD_SIMILAR,
	CMD_PCA,
	CMD_RECOMMEND,
	CMD_SYNTH,
	CMD_EXPORT,
	CMD_IMPORT,
	CMD_COUNT
};
#define CMD_BIT(id) (1u << (id))

struct opts;

/* One command (tmux's cmd_entry): what `collabtui --help` lists and
 * `collabtui NAME --help` prints, and the function that runs it. */
struct cmd_entry {
	const char *name;       /* what the user types: "train", "lr-find" */
	enum cmd_id id;         /* the bit the option rows name it by */
	const char *arg;        /* an optional operand ("TITLE"), NULL for none */
	const char *summary;    /* one line for the command list */
	/* Runs the command with the parsed options; returns the process
	 * exit status (exitcode.h). */
	int (*run)(const struct opts *o);
};

struct opts {
	const struct cmd_entry *cmd;    /* the command given, else the default (tui) */
	int command_given;              /* 0: none on the line, cmd is the default */
	struct cfg cfg;                 /* config.yaml, then the options */
	char config_path[OPTS_PATH_MAX];/* the file cfg came from, "" if none */
	char split[8];                  /* --split NAME, "" when random */
	char cv[16];                    /* eval --cv: "u1-u5" or K; "" for one split */
	int sort_valid;                 /* runs --sort valid (else by time) */
	int compare[OPTS_COMPARE_MAX];  /* runs --compare ID ID ...: the #s */
	int n_compare;
	int protocol_ranking;           /* eval --protocol ranking */
	int seeds;                      /* eval --seeds N; -1 = the default (5) */
	const char *save;               /* --save FILE or NULL */
	const char *load;               /* --load FILE or NULL */
	const char *trace;              /* --trace FILE or NULL */
	/* the insight commands (bias, similar, pca, recommend); -1 = the
	 * command's default */
	const char *query;              /* the command's operand (similar's TITLE), NULL if none */
	int top, bottom;                /* --top N, --bottom N */
	int min_ratings;                /* --min-ratings K */
	int components;                 /* --components N */
	int k;                          /* -k/--k N */
	const char *ratings;            /* --ratings FILE or NULL */
	int include_me;                 /* --include-me: train with those ratings */
	int demo;                       /* --demo: the built-in demo set, not --data */
	int age;                        /* --age N */
	const char *gender;             /* --gender G or NULL */
	const char *occupation;         /* --occupation WORD or NULL */
	int factors_set;                /* --factors was given (synth's planted rank) */
	/* synth: --ratings N (read from `ratings`), --users, --items, --noise,
	 * --out; 0 / -1 / NULL = synth's default */
	const char *users, *items;      /* --users U, --items I, checked by synth */
	double noise;                   /* --noise S; -1 = default */
	const char *out;                /* --out DIR (synth, export) */
	int run;                        /* export --run N; 0: the run just trained */
	/* import: the factor files; NULL when not given */
	const char *user_factors, *item_factors, *user_bias, *item_bias;
	double global_bias;             /* import --global-bias X; NAN when not given */
	int help, version;
};

/* Parse argv into o.  cmds is the command table (NULL-terminated), its
 * first entry the command run when none is named.  Returns 0, or -1 with
 * a message in err: an unknown command or option (with the nearest known
 * one, when one is within two edits), an option the command does not
 * take (and which commands do), a bad value (naming the option and what
 * was expected).  With --help or --version, o->help or o->version is set
 * and nothing else is checked.  Never prints or exits. */
int opts_parse(int argc, char **argv, const struct cmd_entry *const *cmds,
	       struct opts *o, char *err, size_t errlen);

/* Write the text of `collabtui --help` to out: the commands of cmds, then
 * every option of the table, grouped. */
void opts_usage(FILE *out, const struct cmd_entry *const *cmds);

/* Write the text of `collabtui CMD --help` to out: CMD's synopsis and
 * summary, then the options it takes. */
void opts_cmd_usage(FILE *out, const struct cmd_entry *cmd);

/* The command of cmds called name, or NULL. */
const struct cmd_entry *opts_find_cmd(const struct cmd_entry *const *cmds, const char *name);

/* The edit distance (Levenshtein, with a swap of two neighbours counting
 * as one edit) between a and b, capped at cap + 1. */
int opts_distance(const char *a, const char *b, int cap);

#endif
