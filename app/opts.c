/* opts.c -- parse the command line over config.yaml (see opts.h). */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options that set a config.yaml key: the table is the single place that
 * ties a flag to its key. */
static const struct {
	const char *flag;
	const char *key;
} cfg_flags[] = {
	{ "data", "data" },
	{ "format", "format" },
	{ "item-key", "item_key" },
	{ "model", "model" },
	{ "factors", "factors" },
	{ "epochs", "epochs" },
	{ "lr", "lr" },
	{ "wd", "wd" },
	{ "bs", "bs" },
	{ "y-range", "y_range" },
	{ "opt", "optimizer" },
	{ "mom", "mom" },
	{ "schedule", "schedule" },
	{ "valid-pct", "valid_pct" },
	{ "seed", "seed" },
	{ "threads", "threads" },
	{ "trainer", "trainer" },
	{ "layers", "layers" },
	{ "emb-drop", "emb_drop" },
	{ "ps", "ps" },
	{ "start-lr", "lr_find.start" },
	{ "end-lr", "lr_find.end" },
	{ "num-it", "lr_find.num_it" },
	{ "theme", "theme" },
	{ "chart", "chart" },
};
#define N_CFG_FLAGS (int)(sizeof cfg_flags / sizeof cfg_flags[0])

enum {
	OPT_SPLIT = 1000,
	OPT_CV,
	OPT_PRESET,
	OPT_SORT,
	OPT_SAVE,
	OPT_LOAD,
	OPT_CONFIG,
	OPT_HELP,
	OPT_VERSION,
	OPT_TRACE,
	OPT_NO_MOUSE,
	OPT_TOP,
	OPT_BOTTOM,
	OPT_MIN_RATINGS,
	OPT_COMPONENTS,
	OPT_RATINGS,
	OPT_INCLUDE_ME,
	OPT_AGE,
	OPT_GENDER,
	OPT_OCCUPATION,
	OPT_USERS,
	OPT_ITEMS,
	OPT_NOISE,
	OPT_OUT,
};

const char *opts_usage(void)
{
	return
"usage: collabtui [COMMAND] [OPTIONS]\n"
"\n"
"Collaborative filtering in the terminal: the latent factor models of\n"
"fastai's collab chapter, trained and explored from the command line.\n"
"\n"
"commands:\n"
"  tui          the interactive interface (the default on a terminal)\n"
"  train        train a model and print the epoch table\n"
"  lr-find      fastai's learning-rate finder: loss by lr, and a suggestion\n"
"               (--start-lr X --end-lr X --num-it N; default 1e-7, 10, 100)\n"
"  summary      print the dataset summary\n"
"  eval         train and report RMSE, MAE, precision/recall/NDCG@10, per fold\n"
"  runs         the history of training runs on this dataset (--sort valid)\n"
"  bias         the movies with the highest and lowest learned bias\n"
"  similar TITLE  the movies whose embeddings are closest to TITLE's\n"
"  pca          the movies at both ends of each principal component\n"
"  recommend    recommendations for you, from --ratings FILE, or from\n"
"               --age, --gender and --occupation\n"
"  synth        write a synthetic MovieLens-shaped dataset (--out DIR)\n"
"\n"
"data:\n"
"  --data DIR             dataset directory or ratings file\n"
"  --format F             auto, ml-100k, ml-dat, ml-csv, csv, tsv\n"
"  --item-key id|title    one item per movie id, or per title (fastai's item_name='title')\n"
"  --valid-pct P          random validation share (default 0.2)\n"
"  --split NAME           canonical ML-100K split: u1..u5, ua, ub\n"
"  --cv u1-u5|K           eval: the five canonical folds, or K random folds\n"
"  --preset NAME          settings from config.yaml's presets (fastai, u1-best)\n"
"  --sort valid|time      runs: order by validation loss (best first) or time\n"
"model and training:\n"
"  --model dot|dotbias    dot product, or with user and item biases (default)\n"
"  --model nn             fastai's EmbeddingNN (collab_learner(use_nn=True))\n"
"  --factors N            embedding size (default 50)\n"
"  --y-range LO,HI|none   sigmoid_range of the output (default 0,5.5)\n"
"  --epochs N  --lr X  --wd X  --bs N\n"
"  --opt adam|sgd         optimiser (default adam, fastai's defaults)\n"
"  --schedule one-cycle|constant\n"
"  --mom X                momentum under the constant schedule (default 0.9)\n"
"  --seed N               initialisation, shuffling and split (default 42)\n"
"  --threads N            optimiser threads; results do not depend on it\n"
"  --layers W1,W2,...     nn: hidden layer widths (default 100,50)\n"
"  --emb-drop P  --ps P   nn: dropout after the embeddings, after each\n"
"                         hidden layer (default 0, 0)\n"
"  --trainer fastai|fast  fastai's mini-batch fit (default), or sparse\n"
"                         per-rating SGD or Adam for large data (dot, dotbias)\n"
"files:\n"
"  --save FILE            write the trained model (atomically, checksummed)\n"
"  --load FILE            start from a saved model (insight commands: use it as is)\n"
"  --config FILE          settings file (default: see collabtui(1))\n"
"insight:\n"
"  --top N                bias, recommend: list N (default 10); pca: use the N\n"
"                         most-rated movies (default 1000)\n"
"  --bottom N             bias: list the N lowest too (default 10)\n"
"  --min-ratings K        bias: only movies with at least K ratings\n"
"  --components N         pca: components to show (default 3)\n"
"  -k, --k N              similar: neighbours (default 10); pca: movies per end\n"
"  --ratings FILE         recommend: your ratings, CSV lines title_or_id,rating\n"
"  --include-me           recommend: train first with those ratings as one more user\n"
"  --age N  --gender M|F  --occupation WORD   recommend without ratings (ML-100K)\n"
"synth:\n"
"  --ratings N --users U --items I   size (default ML-25M's)\n"
"  --factors K  --noise S  --seed S  planted rank, rating noise, seed\n"
"  --out DIR              where ratings.csv and movies.csv go\n"
"interface:\n"
"  --theme NAME           colours from themes/NAME.yaml (default, light, mono)\n"
"  --chart auto|unicode|ascii   how the loss chart is drawn\n"
"  --no-mouse             ignore the mouse\n"
"  --trace FILE           write each key's input-to-screen time (us) at exit,\n"
"                         load, curve-update and stop times to FILE.events\n"
"  --help, --version\n";
}

/* Read config.yaml: the named one must exist; the default one may not. */
static int load_config(const char *named, struct opts *o, char *err, size_t errlen)
{
	char buf[OPTS_PATH_MAX];
	const char *path = named ? named : cfg_default_path(buf, sizeof buf);
	if (!path)
		return 0;
	int rc = cfg_load(path, &o->cfg, err, errlen);
	if (rc == -2 && !named && errno == ENOENT)
		return 0;
	if (rc != 0)
		return -1;
	snprintf(o->config_path, sizeof o->config_path, "%s", path);
	return 0;
}

/* A number from the whole of s, lo <= v and v < hi (v <= hi with
 * hi_incl); 0 on success. */
static int parse_real(const char *s, double lo, double hi, int hi_incl, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && (v < hi || (hi_incl && v == hi))))
		return -1;
	*out = v;
	return 0;
}

/* A count option's value: 0..1000000, digits only. */
static int parse_count(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+' || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

/* The field of o a count option sets. */
static int *count_field(struct opts *o, int c)
{
	switch (c) {
	case OPT_TOP: return &o->top;
	case OPT_BOTTOM: return &o->bottom;
	case OPT_MIN_RATINGS: return &o->min_ratings;
	case OPT_COMPONENTS: return &o->components;
	case OPT_AGE: return &o->age;
	default: return &o->k;
	}
}

static const char *flag_name(int c)
{
	switch (c) {
	case OPT_TOP: return "--top";
	case OPT_BOTTOM: return "--bottom";
	case OPT_MIN_RATINGS: return "--min-ratings";
	case OPT_COMPONENTS: return "--components";
	case OPT_AGE: return "--age";
	default: return "-k/--k";
	}
}

int opts_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->cfg = cfg_default();
	o->top = o->bottom = o->min_ratings = o->components = o->k = o->age = -1;
	o->noise = -1.0;
	o->command = NULL;

	struct option longopts[N_CFG_FLAGS + 40];
	int n = 0;
	for (int i = 0; i < N_CFG_FLAGS; i++)
		longopts[n++] = (struct option){ cfg_flags[i].flag, required_argument, NULL, i };
	longopts[n++] = (struct option){ "split", required_argument, NULL, OPT_SPLIT };
	longopts[n++] = (struct option){ "cv", required_argument, NULL, OPT_CV };
	longopts[n++] = (struct option){ "preset", required_argument, NULL, OPT_PRESET };
	longopts[n++] = (struct option){ "sort", required_argument, NULL, OPT_SORT };
	longopts[n++] = (struct option){ "save", required_argument, NULL, OPT_SAVE };
	longopts[n++] = (struct option){ "load", required_argument, NULL, OPT_LOAD };
	longopts[n++] = (struct option){ "config", required_argument, NULL, OPT_CONFIG };
	longopts[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	longopts[n++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	longopts[n++] = (struct option){ "trace", required_argument, NULL, OPT_TRACE };
	longopts[n++] = (struct option){ "no-mouse", no_argument, NULL, OPT_NO_MOUSE };
	longopts[n++] = (struct option){ "top", required_argument, NULL, OPT_TOP };
	longopts[n++] = (struct option){ "bottom", required_argument, NULL, OPT_BOTTOM };
	longopts[n++] = (struct option){ "min-ratings", required_argument, NULL, OPT_MIN_RATINGS };
	longopts[n++] = (struct option){ "components", required_argument, NULL, OPT_COMPONENTS };
	longopts[n++] = (struct option){ "k", required_argument, NULL, 'k' };
	longopts[n++] = (struct option){ "ratings", required_argument, NULL, OPT_RATINGS };
	longopts[n++] = (struct option){ "include-me", no_argument, NULL, OPT_INCLUDE_ME };
	longopts[n++] = (struct option){ "age", required_argument, NULL, OPT_AGE };
	longopts[n++] = (struct option){ "gender", required_argument, NULL, OPT_GENDER };
	longopts[n++] = (struct option){ "occupation", required_argument, NULL, OPT_OCCUPATION };
	longopts[n++] = (struct option){ "users", required_argument, NULL, OPT_USERS };
	longopts[n++] = (struct option){ "items", required_argument, NULL, OPT_ITEMS };
	longopts[n++] = (struct option){ "noise", required_argument, NULL, OPT_NOISE };
	longopts[n++] = (struct option){ "out", required_argument, NULL, OPT_OUT };
	longopts[n] = (struct option){ 0 };

	/* The command, if any, comes first; getopt_long sees what follows. */
	int first = 1;
	if (argc > 1 && argv[1][0] != '-') {
		o->command = argv[1];
		first = 2;
		/* `similar TITLE ...`: the title may come first (or last, below) */
		if (strcmp(o->command, "similar") == 0 && argc > 2 && argv[2][0] != '-') {
			o->query = argv[2];
			first = 3;
		}
	}
	char **av = argv + first - 1;
	int ac = argc - first + 1;

	/* First pass: --config, --help and --version only, so the file is read
	 * before any option overrides it. */
	const char *config = NULL, *preset = NULL;
	opterr = 0;
	optind = 0;      /* 0: glibc re-initialises its scanner */
	int c;
	while ((c = getopt_long(ac, av, "+:k:", longopts, NULL)) != -1) {
		if (c == OPT_CONFIG)
			config = optarg;
		else if (c == OPT_PRESET)
			preset = optarg;
		else if (c == OPT_HELP)
			o->help = 1;
		else if (c == OPT_VERSION)
			o->version = 1;
	}
	if (o->help || o->version)
		return 0;
	if (load_config(config, o, err, errlen) != 0)
		return -1;
	/* A preset sits between the file and the options: it overrides the
	 * file's settings, and any option given overrides it. */
	if (preset && cfg_preset_apply(&o->cfg, preset, err, errlen) != 0) {
		char tmp[512];
		snprintf(tmp, sizeof tmp, "--preset: %s", err);
		snprintf(err, errlen, "%s", tmp);
		return -1;
	}

	/* Second pass: every option, in order. */
	optind = 0;      /* 0: glibc re-initialises its scanner */
	while ((c = getopt_long(ac, av, "+:k:", longopts, NULL)) != -1) {
		if (c >= 0 && c < N_CFG_FLAGS) {
			o->factors_set |= strcmp(cfg_flags[c].key, "factors") == 0;
			if (cfg_set(&o->cfg, cfg_flags[c].key, optarg, err, errlen) != 0) {
				/* name the flag the user typed before cfg_set's reason */
				char tmp[512];
				snprintf(tmp, sizeof tmp, "--%s: %s", cfg_flags[c].flag, err);
				snprintf(err, errlen, "%s", tmp);
				return -1;
			}
			continue;
		}
		switch (c) {
		case OPT_SPLIT:
			if (strlen(optarg) >= sizeof o->split) {
				snprintf(err, errlen, "--split: expected u1..u5, ua or ub, got \"%s\"", optarg);
				return -1;
			}
			snprintf(o->split, sizeof o->split, "%s", optarg);
			break;
		case OPT_CV:
			if (strlen(optarg) >= sizeof o->cv) {
				snprintf(err, errlen, "--cv: expected u1-u5 or a number of folds, got \"%s\"",
					 optarg);
				return -1;
			}
			snprintf(o->cv, sizeof o->cv, "%s", optarg);
			break;
		case OPT_PRESET:
			break;
		case OPT_SORT:
			if (strcmp(optarg, "valid") != 0 && strcmp(optarg, "time") != 0) {
				snprintf(err, errlen, "--sort: expected valid or time, got \"%s\"",
					 optarg);
				return -1;
			}
			o->sort_valid = strcmp(optarg, "valid") == 0;
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case OPT_LOAD:
			o->load = optarg;
			break;
		case OPT_TRACE:
			o->trace = optarg;
			break;
		case OPT_NO_MOUSE:
			o->cfg.mouse = 0;
			break;
		case OPT_TOP:
		case OPT_BOTTOM:
		case OPT_MIN_RATINGS:
		case OPT_COMPONENTS:
		case OPT_AGE:
		case 'k':
			if (parse_count(optarg, count_field(o, c)) != 0) {
				snprintf(err, errlen, "%s: expected a whole number 0..1000000, got \"%s\"",
					 flag_name(c), optarg);
				return -1;
			}
			break;
		case OPT_RATINGS:
			o->ratings = optarg;
			break;
		case OPT_INCLUDE_ME:
			o->include_me = 1;
			break;
		case OPT_GENDER:
			o->gender = optarg;
			break;
		case OPT_OCCUPATION:
			o->occupation = optarg;
			break;
		case OPT_USERS:
			o->users = optarg;
			break;
		case OPT_ITEMS:
			o->items = optarg;
			break;
		case OPT_NOISE:
			if (parse_real(optarg, 0.0, 10.0, 1, &o->noise) != 0) {
				snprintf(err, errlen, "--noise: expected a number from 0 to 10, got \"%s\"", optarg);
				return -1;
			}
			break;
		case OPT_OUT:
			o->out = optarg;
			break;
		case OPT_CONFIG:
		case OPT_HELP:
		case OPT_VERSION:
			break;
		case ':':
			snprintf(err, errlen, "%s needs a value", av[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "unknown option %s", av[optind - 1]);
			return -1;
		}
	}
	if (o->command && strcmp(o->command, "similar") == 0 && !o->query && optind == ac - 1)
		o->query = av[optind++];
	if (optind < ac) {
		snprintf(err, errlen, "unexpected argument \"%s\"", av[optind]);
		return -1;
	}
	const char *why = cfg_check(&o->cfg);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	return 0;
}
