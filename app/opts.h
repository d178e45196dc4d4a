/* opts.h -- the command line: a command name plus options, merged over
 * the settings of config.yaml.
 *
 * Options that have a config.yaml key (--factors, --lr, ...) are parsed by
 * the config module itself (cfg_set), so a value is checked the same way
 * whether it comes from the file or from argv.
 */
#ifndef COLLABTUI_OPTS_H
#define COLLABTUI_OPTS_H

#include "config.h"

#define OPTS_PATH_MAX 1024

struct opts {
	const char *command;            /* "tui", "train", "summary"; NULL if none given */
	struct cfg cfg;                 /* config.yaml, then the options */
	char config_path[OPTS_PATH_MAX];/* the file cfg came from, "" if none */
	char split[8];                  /* --split NAME, "" when random */
	char cv[16];                    /* eval --cv: "u1-u5" or K; "" for one split */
	int sort_valid;                 /* runs --sort valid (else by time) */
	const char *save;               /* --save FILE or NULL */
	const char *load;               /* --load FILE or NULL */
	const char *trace;              /* --trace FILE or NULL */
	/* the insight commands (bias, similar, pca, recommend); -1 = the
	 * command's default */
	const char *query;              /* similar's TITLE, NULL if none */
	int top, bottom;                /* --top N, --bottom N */
	int min_ratings;                /* --min-ratings K */
	int components;                 /* --components N */
	int k;                          /* -k/--k N */
	const char *ratings;            /* --ratings FILE or NULL */
	int include_me;                 /* --include-me: train with those ratings */
	int age;                        /* --age N */
	const char *gender;             /* --gender G or NULL */
	const char *occupation;         /* --occupation WORD or NULL */
	int factors_set;                /* --factors was given (synth's planted rank) */
	/* synth: --ratings N (read from `ratings`), --users, --items, --noise,
	 * --out; 0 / -1 / NULL = synth's default */
	const char *users, *items;      /* --users U, --items I, checked by synth */
	double noise;                   /* --noise S; -1 = default */
	const char *out;                /* --out DIR */
	int help, version;
};

/* Parse argv into o.  Returns 0, or -1 with a message (naming the option
 * and what was expected) in err.  Never prints or exits. */
int opts_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen);

/* The text of --help. */
const char *opts_usage(void);

#endif
