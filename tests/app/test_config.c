/* test_config.c -- app/config.c: the shipped config.yaml, malformed files
 * (each error must name the right line and column), cfg_check and the
 * config file lookup.
 *
 * Environment: COLLABTUI_FIXTURES, the absolute path of BUILD/fixtures (a
 * missing variable is a failure, as in testenv.h); the repository's
 * config.yaml is found two levels up from it.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "config.h"


/* ---- helpers --------------------------------------------------------------- */

/* The repository's config.yaml: COLLABTUI_FIXTURES "/../../config.yaml"
 * (the fixtures are copied to BUILD/fixtures, two levels below the
 * repository), resolved by text. */
static void repo_config(char *buf, size_t n)
{
	const char *fx = getenv("COLLABTUI_FIXTURES");
	char tmp[PATH_MAX - 16];
	size_t len;

	if (!fx || !fx[0])
		cr_assert_fail("COLLABTUI_FIXTURES is not set (expected the "
			       "absolute path of BUILD/fixtures)");
	snprintf(tmp, sizeof tmp, "%s", fx);
	for (int up = 0; up < 2; up++) {
		len = strlen(tmp);
		while (len > 1 && tmp[len - 1] == '/')
			tmp[--len] = '\0';
		char *slash = strrchr(tmp, '/');
		cr_assert_not_null(slash, "COLLABTUI_FIXTURES=%s has no parent", fx);
		*(slash == tmp ? slash + 1 : slash) = '\0';
	}
	snprintf(buf, n, "%s/config.yaml", tmp);
}

/* Write text to a new temporary file; its path goes to path (PATH_MAX). */
static void write_tmp(const char *text, char *path)
{
	const char *dir = getenv("TMPDIR");
	int fd;
	size_t len = strlen(text);

	snprintf(path, PATH_MAX, "%s/collabtui-cfg-XXXXXX",
		 dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	cr_assert_eq(close(fd), 0);
}

/* Load text (as a file) into *c; returns cfg_load's result. */
static int load_text(const char *text, struct cfg *c, char *err, size_t errlen,
		     char *path)
{
	int rc;

	write_tmp(text, path);
	rc = cfg_load(path, c, err, errlen);
	unlink(path);
	return rc;
}

/* text must fail with "PATH:LINE:COL: msg" (with prefix: a message that
 * starts so) and leave *out untouched. */
static void expect_error(const char *text, int line, int col, int prefix,
			 const char *msg)
{
	struct cfg c = cfg_default(), before = c;
	char path[PATH_MAX], err[512], want[PATH_MAX + 512];

	cr_assert_eq(load_text(text, &c, err, sizeof err, path), -1,
		     "accepted:\n%s", text);
	snprintf(want, sizeof want, "%s:%d:%d: %s", path, line, col, msg);
	if (prefix)
		cr_assert_eq(strncmp(err, want, strlen(want)), 0,
			     "for input:\n%s\ngot  '%s'\nwant '%s...'", text,
			     err, want);
	else
		cr_assert_str_eq(err, want, "for input:\n%s\ngot  '%s'\nwant '%s'",
				 text, err, want);
	cr_assert_eq(memcmp(&c, &before, sizeof c), 0, "*out changed on error");
}

/* Load text over *c; cfg_load's result, err as it gives it. */
static int load_config_text(const char *text, struct cfg *c, char *err,
			    size_t errlen)
{
	char path[PATH_MAX];

	return load_text(text, c, err, errlen, path);
}

static void expect_ok(const char *text, struct cfg *c)
{
	char path[PATH_MAX], err[512] = "";

	cr_assert_eq(load_text(text, c, err, sizeof err, path), 0,
		     "rejected: %s\n%s", text, err);
}

/* Every field set to something that is not its default. */
static struct cfg odd_cfg(void)
{
	struct cfg c;

	memset(&c, 0, sizeof c);
	strcpy(c.data, "/nowhere");
	c.format = VOCAB_FORMAT_CSV;
	c.item_key = VOCAB_ITEM_KEY_TITLE;
	c.model = VOCAB_MODEL_DOT;
	c.fit = VOCAB_FIT_GRADIENT;
	c.factors = 3;
	c.epochs = 9;
	c.lr = 0.5;
	c.wd = 0.0;
	c.bs = 7;
	c.y_range_on = 0;
	c.y_range[0] = -1;
	c.y_range[1] = 1;
	c.optimizer = VOCAB_OPTIMIZER_SGD;
	c.mom = 0.25;
	c.schedule = VOCAB_SCHEDULE_CONSTANT;
	c.valid_pct = 0.5;
	c.seed = 7;
	c.threads = 2;
	c.trainer = VOCAB_TRAINER_FAST;
	c.n_layers = 3;
	c.layers[0] = 7;
	c.layers[1] = 5;
	c.layers[2] = 3;
	c.emb_drop = 0.125;
	c.ps = 0.375;
	c.chart = VOCAB_CHART_ASCII;
	c.lr_find.start = 1e-3;
	c.lr_find.end = 1;
	c.lr_find.num_it = 7;
	return c;
}

static void assert_cfg_eq(const struct cfg *a, const struct cfg *b)
{
	cr_assert_str_eq(a->data, b->data);
	cr_assert_eq(a->format, b->format);
	cr_assert_eq(a->item_key, b->item_key);
	cr_assert_eq(a->model, b->model);
	cr_assert_eq(a->fit, b->fit);
	cr_assert_eq(a->factors, b->factors);
	cr_assert_eq(a->epochs, b->epochs);
	cr_assert_eq(a->lr, b->lr);
	cr_assert_eq(a->wd, b->wd);
	cr_assert_eq(a->bs, b->bs);
	cr_assert_eq(a->y_range_on, b->y_range_on);
	cr_assert_eq(a->y_range[0], b->y_range[0]);
	cr_assert_eq(a->y_range[1], b->y_range[1]);
	cr_assert_eq(a->optimizer, b->optimizer);
	cr_assert_eq(a->mom, b->mom);
	cr_assert_eq(a->schedule, b->schedule);
	cr_assert_eq(a->valid_pct, b->valid_pct);
	cr_assert_eq(a->seed, b->seed);
	cr_assert_eq(a->threads, b->threads);
	cr_assert_eq(a->trainer, b->trainer);
	cr_assert_eq(a->n_layers, b->n_layers);
	cr_assert_arr_eq(a->layers, b->layers, sizeof a->layers);
	cr_assert_eq(a->emb_drop, b->emb_drop);
	cr_assert_eq(a->ps, b->ps);
	cr_assert_eq(a->chart, b->chart);
	cr_assert_eq(a->lr_find.start, b->lr_find.start);
	cr_assert_eq(a->lr_find.end, b->lr_find.end);
	cr_assert_eq(a->lr_find.num_it, b->lr_find.num_it);
}

/* ---- defaults and the shipped file -------------------------------------------- */

Test(config, defaults_are_the_chapters)
{
	struct cfg d = cfg_default();

	cr_assert_null(cfg_check(&d));
	cr_assert_str_eq(d.data, "");
	cr_assert_eq(d.format, VOCAB_FORMAT_AUTO);
	cr_assert_eq(d.item_key, VOCAB_ITEM_KEY_ID);
	cr_assert_eq(d.model, VOCAB_MODEL_DOTBIAS);
	cr_assert_eq(d.fit, VOCAB_FIT_GRADIENT);
	cr_assert_eq(d.factors, 50);
	cr_assert_eq(d.epochs, 5);
	cr_assert_eq(d.lr, 5e-3);
	cr_assert_eq(d.wd, 0.1);
	cr_assert_eq(d.bs, 64);
	cr_assert(d.y_range_on);
	cr_assert_eq(d.y_range[0], 0.0);
	cr_assert_eq(d.y_range[1], 5.5);
	cr_assert_eq(d.optimizer, VOCAB_OPTIMIZER_ADAM);
	cr_assert_eq(d.schedule, VOCAB_SCHEDULE_ONE_CYCLE);
	cr_assert_eq(d.valid_pct, 0.2);
	cr_assert_eq(d.seed, 42);
	cr_assert_eq(d.threads, 1);
	cr_assert_eq(d.trainer, VOCAB_TRAINER_FASTAI);
	/* collab_learner(use_nn=True): layers=[100, 50], no dropout */
	cr_assert_eq(d.n_layers, 2);
	cr_assert_eq(d.layers[0], 100);
	cr_assert_eq(d.layers[1], 50);
	cr_assert_eq(d.emb_drop, 0.0);
	cr_assert_eq(d.ps, 0.0);
	/* fastai's lr_find(start_lr=1e-7, end_lr=10, num_it=100) */
	cr_assert_eq(d.lr_find.start, 1e-7);
	cr_assert_eq(d.lr_find.end, 10.0);
	cr_assert_eq(d.lr_find.num_it, 100);
}

Test(config, shipped_file_gives_the_defaults)
{
	char path[PATH_MAX], err[512] = "";
	struct cfg c = odd_cfg(), d = cfg_default();

	repo_config(path, sizeof path);
	cr_assert_eq(cfg_load(path, &c, err, sizeof err), 0, "%s: %s", path, err);
	assert_cfg_eq(&c, &d);
	cr_assert_null(cfg_check(&c));
}

Test(config, shipped_file_sets_every_key)
{
	/* Loaded over odd values, every field must change: the file has no
	 * key missing (odd_cfg differs from the defaults everywhere). */
	struct cfg o = odd_cfg(), d = cfg_default();

	cr_assert_str_neq(o.data, d.data);
	cr_assert_neq(o.format, d.format);
	cr_assert_neq(o.item_key, d.item_key);
	cr_assert_neq(o.model, d.model);
	cr_assert_neq(o.factors, d.factors);
	cr_assert_neq(o.epochs, d.epochs);
	cr_assert_neq(o.lr, d.lr);
	cr_assert_neq(o.wd, d.wd);
	cr_assert_neq(o.bs, d.bs);
	cr_assert_neq(o.y_range_on, d.y_range_on);
	cr_assert_neq(o.y_range[1], d.y_range[1]);
	cr_assert_neq(o.optimizer, d.optimizer);
	cr_assert_neq(o.mom, d.mom);
	cr_assert_neq(o.schedule, d.schedule);
	cr_assert_neq(o.valid_pct, d.valid_pct);
	cr_assert_neq(o.seed, d.seed);
	cr_assert_neq(o.threads, d.threads);
	cr_assert_neq(o.trainer, d.trainer);
	cr_assert_neq(o.n_layers, d.n_layers);
	cr_assert_neq(o.layers[0], d.layers[0]);
	cr_assert_neq(o.emb_drop, d.emb_drop);
	cr_assert_neq(o.ps, d.ps);
	cr_assert_neq(o.chart, d.chart);
	cr_assert_neq(o.lr_find.start, d.lr_find.start);
	cr_assert_neq(o.lr_find.end, d.lr_find.end);
	cr_assert_neq(o.lr_find.num_it, d.lr_find.num_it);
}

Test(config, shipped_presets_are_the_builtin_ones)
{
	/* --preset fastai must mean the same with or without a file */
	char path[PATH_MAX], err[512] = "";
	struct cfg c = cfg_default(), d = cfg_default();

	c.n_presets = 0;
	repo_config(path, sizeof path);
	cr_assert_eq(cfg_load(path, &c, err, sizeof err), 0, "%s: %s", path, err);
	cr_assert_eq(c.n_presets, d.n_presets);
	for (int i = 0; i < d.n_presets; i++) {
		cr_assert_str_eq(c.presets[i].name, d.presets[i].name);
		cr_assert_eq(c.presets[i].n, d.presets[i].n, "%s", d.presets[i].name);
		for (int j = 0; j < d.presets[i].n; j++) {
			struct cfg a = cfg_default(), b = cfg_default();

			cr_assert_str_eq(c.presets[i].kv[j].key, d.presets[i].kv[j].key);
			/* the same value, however it is spelled */
			cr_assert_eq(cfg_set(&a, c.presets[i].kv[j].key,
					     c.presets[i].kv[j].value, err, sizeof err), 0);
			cr_assert_eq(cfg_set(&b, d.presets[i].kv[j].key,
					     d.presets[i].kv[j].value, err, sizeof err), 0);
			assert_cfg_eq(&a, &b);
		}
	}
}

/* ---- accepted inputs ------------------------------------------------------ */

Test(config, absent_keys_keep_their_values)
{
	struct cfg c = cfg_default();

	expect_ok("# just two\nfactors: 8\nlr: 1e-2\n", &c);
	cr_assert_eq(c.factors, 8);
	cr_assert_eq(c.lr, 1e-2);
	cr_assert_eq(c.epochs, 5);
	cr_assert_eq(c.model, VOCAB_MODEL_DOTBIAS);
}

Test(config, empty_files_are_fine)
{
	struct cfg c = odd_cfg(), o = odd_cfg();

	expect_ok("", &c);
	expect_ok("# only a comment\n\n", &c);
	expect_ok("---\n", &c);
	expect_ok("---\n...\n", &c);
	assert_cfg_eq(&c, &o);
}

Test(config, every_key_and_form)
{
	struct cfg c = cfg_default();

	expect_ok("data: /srv/ml-1m\n"
		  "format: ml-dat\n"
		  "item_key: title\n"
		  "model: dot\n"
		  "factors: 100\n"
		  "epochs: 12\n"
		  "lr: .01\n"
		  "wd: 0\n"
		  "bs: 1024\n"
		  "y_range:\n"
		  "  - 0.5\n"
		  "  - 5\n"
		  "optimizer: sgd\n"
		  "mom: 0\n"
		  "schedule: one-cycle\n"
		  "valid_pct: 0\n"
		  "seed: 18446744073709551615\n"
		  "threads: 2\n"
		  "trainer: fast\n"
		  "lr_find:\n"
		  "  num_it: 50\n"
		  "  start: 1e-6\n"
		  "  end: 1\n", &c);
	cr_assert_str_eq(c.data, "/srv/ml-1m");
	cr_assert_eq(c.format, VOCAB_FORMAT_ML_DAT);
	cr_assert_eq(c.item_key, VOCAB_ITEM_KEY_TITLE);
	cr_assert_eq(c.model, VOCAB_MODEL_DOT);
	cr_assert_eq(c.factors, 100);
	cr_assert_eq(c.epochs, 12);
	cr_assert_eq(c.lr, 0.01);
	cr_assert_eq(c.wd, 0.0);
	cr_assert_eq(c.bs, 1024);
	cr_assert(c.y_range_on);
	cr_assert_eq(c.y_range[0], 0.5);
	cr_assert_eq(c.y_range[1], 5.0);
	cr_assert_eq(c.optimizer, VOCAB_OPTIMIZER_SGD);
	cr_assert_eq(c.mom, 0.0);
	cr_assert_eq(c.schedule, VOCAB_SCHEDULE_ONE_CYCLE);
	cr_assert_eq(c.valid_pct, 0.0);
	cr_assert_eq(c.seed, UINT64_MAX);
	cr_assert_eq(c.threads, 2);
	cr_assert_eq(c.trainer, VOCAB_TRAINER_FAST);
	cr_assert_eq(c.lr_find.start, 1e-6);
	cr_assert_eq(c.lr_find.end, 1.0);
	cr_assert_eq(c.lr_find.num_it, 50);
	cr_assert_null(cfg_check(&c));
	/* a flow mapping; entries left out keep their values */
	expect_ok("lr_find: {end: 0.5}\n", &c);
	cr_assert_eq(c.lr_find.start, 1e-6);
	cr_assert_eq(c.lr_find.end, 0.5);
	cr_assert_eq(c.lr_find.num_it, 50);
	expect_ok("lr_find:\n", &c);
	cr_assert_eq(c.lr_find.end, 0.5);
}

Test(config, quoted_strings_and_null_data)
{
	struct cfg c = cfg_default();

	expect_ok("data: \"my data/ml 100k\"\nmodel: 'dot'\n", &c);
	cr_assert_str_eq(c.data, "my data/ml 100k");
	cr_assert_eq(c.model, VOCAB_MODEL_DOT);
	expect_ok("data: ~\n", &c);
	cr_assert_str_eq(c.data, "");
	strcpy(c.data, "x");
	expect_ok("data:\n", &c);
	cr_assert_str_eq(c.data, "");
}

Test(config, y_range_none_disables)
{
	struct cfg c = cfg_default();

	expect_ok("y_range: none\n", &c);
	cr_assert_eq(c.y_range_on, 0);
	c = cfg_default();
	expect_ok("y_range: ~\n", &c);
	cr_assert_eq(c.y_range_on, 0);
	expect_ok("y_range: [-1, 1]\n", &c);
	cr_assert_eq(c.y_range_on, 1);
	cr_assert_eq(c.y_range[0], -1.0);
	cr_assert_eq(c.y_range[1], 1.0);
	cr_assert_null(cfg_check(&c));
}

Test(config, crlf_and_flow_mapping)
{
	struct cfg c = cfg_default();

	expect_ok("factors: 7\r\nepochs: 3\r\n", &c);
	cr_assert_eq(c.factors, 7);
	cr_assert_eq(c.epochs, 3);
	expect_ok("{bs: 32, wd: 0.01}\n", &c);
	cr_assert_eq(c.bs, 32);
	cr_assert_eq(c.wd, 0.01);
}

/* ---- the file's shape ----------------------------------------------------- */

Test(config, missing_file_is_minus_two)
{
	struct cfg c = cfg_default();
	char err[512], want[600];
	const char *path = "/nonexistent/collabtui/config.yaml";

	errno = 0;
	cr_assert_eq(cfg_load(path, &c, err, sizeof err), -2);
	cr_assert_eq(errno, ENOENT);
	snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
	cr_assert_str_eq(err, want);
}

Test(config, directory_is_minus_two)
{
	struct cfg c = cfg_default();
	char err[512];

	cr_assert_eq(cfg_load("/", &c, err, sizeof err), -2);
	cr_assert_eq(errno, EISDIR);
}

/* ---- rejected inputs: one test per row ----------------------------------
 * Each must fail with "PATH:LINE:COL: msg" (or, with prefix set, a message
 * starting so, where libyaml's own wording may grow) and leave *out as it
 * was.  Lines and columns are 1-based; syntax errors use libyaml's
 * problem_mark. */

/* Arrays, not pointers: Criterion copies the parameters into a worker
 * process where the parent's addresses mean nothing. */
struct bad {
	char text[64];
	int line, col;
	int prefix;
	char msg[256];
};

ParameterizedTestParameters(config, rejects)
{
	static struct bad cases[] = {
		/* not a mapping */
		{ "- factors\n- epochs\n", 1, 1, 0,
		  "expected a mapping of settings (key: value), found a "
		  "sequence" },
		{ "# comment\nfactors 50\n", 2, 1, 0,
		  "expected a mapping of settings (key: value), found "
		  "'factors 50'" },
		/* unknown key */
		{ "factors: 50\nepochs: 5\nfactor: 3\n", 3, 1, 1,
		  "unknown key 'factor' (expected one of data, format, "
		  "item_key, model, factors, epochs, lr, wd, bs, y_range, "
		  "optimizer, mom, schedule, valid_pct, seed, threads, trainer, "
		  "layers, emb_drop, ps, alpha, lr_find" },
		{ "lr: 1\n[a, b]: 2\n", 2, 1, 1,
		  "expected a setting name, found a sequence" },
		/* duplicate key */
		{ "bs: 32\nlr: 1\nbs: 64\n", 3, 1, 0,
		  "duplicate key 'bs' (first given on line 1)" },
		/* second document */
		{ "factors: 5\n---\nepochs: 3\n", 2, 1, 1,
		  "expected a single YAML document" },
		/* integers */
		{ "epochs: 5\nfactors: fifty\n", 2, 10, 0,
		  "factors: expected an integer, found 'fifty'" },
		{ "epochs: 2.5\n", 1, 9, 0,
		  "epochs: expected an integer, found '2.5'" },
		{ "factors: \"50\"\n", 1, 10, 0,
		  "factors: expected an integer, found the string '50'" },
		{ "bs: 99999999999\n", 1, 5, 0,
		  "bs: expected an integer, found '99999999999'" },
		{ "threads:\n", 1, 9, 0,
		  "threads: expected an integer, found ''" },
		{ "factors:\n  a: 1\n", 2, 3, 0,
		  "factors: expected an integer, found a mapping" },
		{ "epochs: [1, 2]\n", 1, 9, 0,
		  "epochs: expected an integer, found a sequence" },
		/* seed */
		{ "seed: -1\n", 1, 7, 0,
		  "seed: expected an integer from 0 to 18446744073709551615, "
		  "found '-1'" },
		{ "seed: 18446744073709551616\n", 1, 7, 0,
		  "seed: expected an integer from 0 to 18446744073709551615, "
		  "found '18446744073709551616'" },
		/* reals */
		{ "lr: abc\n", 1, 5, 0,
		  "lr: expected a number, found 'abc'" },
		{ "lr: 1e999\n", 1, 5, 0,
		  "lr: expected a number, found '1e999'" },
		{ "lr: .nan\n", 1, 5, 0,
		  "lr: expected a number, found '.nan'" },
		{ "wd: 0.1x\n", 1, 5, 0,
		  "wd: expected a number, found '0.1x'" },
		{ "valid_pct: '0.2'\n", 1, 12, 0,
		  "valid_pct: expected a number, found the string '0.2'" },
		/* ranges are checked where they are */
		{ "factors: 0\n", 1, 10, 0,
		  "factors must be at least 1" },
		{ "\nepochs: -3\n", 2, 9, 0,
		  "epochs must be at least 1" },
		{ "lr: 0\n", 1, 5, 0,
		  "lr must be a positive number" },
		{ "wd: -0.1\n", 1, 5, 0,
		  "wd must be zero or a positive number" },
		{ "bs: 0\n", 1, 5, 0,
		  "bs must be at least 1" },
		{ "valid_pct: 1\n", 1, 12, 0,
		  "valid_pct must be at least 0 and less than 1" },
		{ "valid_pct: -0.1\n", 1, 12, 0,
		  "valid_pct must be at least 0 and less than 1" },
		{ "threads: 0\n", 1, 10, 0,
		  "threads must be between 1 and 256" },
		{ "threads: 257\n", 1, 10, 0,
		  "threads must be between 1 and 256" },
		/* keywords */
		{ "model: mf\n", 1, 8, 0,
		  "model: expected one of dot|dotbias|nn|als|bpmf|ease|ials|pop, found 'mf'" },
		{ "format: xml\n", 1, 9, 0,
		  "format: expected one of auto|ml-100k|ml-dat|ml-csv|csv|tsv, "
		  "found 'xml'" },
		{ "item_key: name\n", 1, 11, 0,
		  "item_key: expected one of id|title, found 'name'" },
		{ "optimizer: Adam\n", 1, 12, 0,
		  "optimizer: expected one of adam|sgd|adarow, found 'Adam'" },
		{ "schedule: cosine\n", 1, 11, 0,
		  "schedule: expected one of one_cycle|constant, found 'cosine'" },
		{ "model: dotbias-with-a-very-long-name\n", 1, 8, 0,
		  "model: expected one of dot|dotbias|nn|als|bpmf|ease|ials|pop, found "
		  "'dotbias-with-a-very-long-name'" },
		{ "model: {a: 1}\n", 1, 8, 0,
		  "model: expected one of dot|dotbias|nn|als|bpmf|ease|ials|pop, found a mapping" },
		{ "trainer: slow\n", 1, 10, 0,
		  "trainer: expected one of fastai|fast, found 'slow'" },
		/* the fast trainer with a model it cannot fit: at the trainer */
		{ "model: nn\ntrainer: fast\n", 2, 10, 0,
		  "the fast trainer fits only the dot and dotbias models "
		  "(trainer fast, model nn)" },
		{ "trainer: fast\nmodel: als\n", 1, 10, 0,
		  "the fast trainer fits only the dot and dotbias models "
		  "(trainer fast, model als)" },
		/* lr_find */
		{ "lr_find: 5\n", 1, 10, 0,
		  "lr_find: expected a mapping of start, end and num_it, found "
		  "a scalar" },
		{ "lr_find:\n  stop: 1\n", 2, 3, 0,
		  "lr_find: expected start, end or num_it, found 'stop'" },
		{ "lr_find: {end: 1, end: 2}\n", 1, 19, 0,
		  "lr_find: duplicate key 'end'" },
		{ "lr_find: {start: x}\n", 1, 18, 0,
		  "lr_find: start: expected a number, found 'x'" },
		{ "lr_find: {num_it: 2.5}\n", 1, 19, 0,
		  "lr_find: num_it: expected an integer, found '2.5'" },
		{ "lr_find: {end: [1]}\n", 1, 16, 0,
		  "lr_find: end: expected a number, found a sequence" },
		{ "lr_find: {start: 0}\n", 1, 18, 0,
		  "lr_find start must be a positive number" },
		{ "lr_find: {end: -1}\n", 1, 16, 0,
		  "lr_find end must be a positive number" },
		{ "lr_find: {num_it: 1}\n", 1, 19, 0,
		  "lr_find num_it must be from 2 to 256" },
		{ "lr_find: {num_it: 257}\n", 1, 19, 0,
		  "lr_find num_it must be from 2 to 256" },
		{ "lr_find: {start: 1, end: 0.5}\n", 1, 10, 0,
		  "lr_find start must be less than lr_find end" },
		{ "lr_find:\n  end: 1e-9\n", 2, 3, 0,
		  "lr_find start must be less than lr_find end" },
		/* y range shape */
		{ "y_range: [1]\n", 1, 10, 0,
		  "y_range: expected exactly two numbers [lo, hi], found 1" },
		{ "y_range: []\n", 1, 10, 0,
		  "y_range: expected exactly two numbers [lo, hi], found 0" },
		{ "y_range: [0, 5, 6]\n", 1, 17, 0,
		  "y_range: expected exactly two numbers [lo, hi], found "
		  "more" },
		{ "y_range: [5, 1]\n", 1, 10, 0,
		  "y_range: expected lo < hi, found [5, 1]" },
		{ "y_range: [2, 2]\n", 1, 10, 0,
		  "y_range: expected lo < hi, found [2, 2]" },
		{ "y_range: [a, 5]\n", 1, 11, 0,
		  "y_range: expected a number, found 'a'" },
		{ "y_range:\n  - 0\n  - \"5\"\n", 3, 5, 0,
		  "y_range: expected a number, found '5'" },
		{ "y_range: [[1, 2], 3]\n", 1, 11, 0,
		  "y_range: expected a number, found a sequence" },
		{ "y_range: 5.5\n", 1, 10, 0,
		  "y_range: expected [lo, hi] (two numbers) or none, found "
		  "'5.5'" },
		{ "y_range: {lo: 0, hi: 5}\n", 1, 10, 0,
		  "y_range: expected [lo, hi] (two numbers) or none, found a "
		  "mapping" },
		/* aliases rejected */
		{ "factors: &n 5\nepochs: *n\n", 2, 9, 0,
		  "aliases (*name) are not supported here" },
		/* syntax unclosed flow sequence */
		{ "lr: 1\ny_range: [1, 2\n", 3, 1, 0,
		  "YAML syntax error: did not find expected ',' or ']' "
		  "(while parsing a flow sequence)" },
		/* syntax tab indentation */
		{ "factors: 50\n\tepochs: 5\n", 2, 1, 1,
		  "YAML syntax error: found a tab character" },
		/* syntax unclosed quote */
		{ "factors: 5\ndata: \"abc\n", 3, 1, 0,
		  "YAML syntax error: found unexpected end of stream (while "
		  "scanning a quoted scalar)" },
		/* syntax mapping in a value */
		{ "lr: 1\nbs: 3: 4\n", 2, 6, 0,
		  "YAML syntax error: mapping values are not allowed in this "
		  "context" },
		/* syntax sequence item in a mapping */
		{ "lr: 1\n- x\n", 2, 1, 0,
		  "YAML syntax error: did not find expected key (while "
		  "parsing a block mapping)" },
	};

	return cr_make_param_array(struct bad, cases,
				   sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad *b, config, rejects)
{
	expect_error(b->text, b->line, b->col, b->prefix, b->msg);
}

Test(config, data_too_long)
{
	size_t n = CFG_PATH_MAX + 10;
	char *text = malloc(n + 16);

	cr_assert_not_null(text);
	strcpy(text, "data: ");
	memset(text + 6, 'a', n);
	strcpy(text + 6 + n, "\n");
	expect_error(text, 1, 7, 0, "data: expected a path of at most 4095 bytes");
	free(text);
}

Test(config, latin1_byte_is_an_error_not_a_crash)
{
	struct cfg c = cfg_default();
	char path[PATH_MAX], err[512], want[PATH_MAX + 32];

	cr_assert_eq(load_text("lr: 1\ndata: caf\xe9\n", &c, err, sizeof err,
			       path), -1);
	snprintf(want, sizeof want, "%s:", path);
	cr_assert_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
	cr_assert_not_null(strstr(err, "UTF-8"), "%s", err);
}

Test(config, tiny_error_buffer)
{
	struct cfg c = cfg_default();
	char path[PATH_MAX], err[8];

	memset(err, 'x', sizeof err);
	cr_assert_eq(load_text("factors: x\n", &c, err, sizeof err, path), -1);
	cr_assert_eq(strlen(err), sizeof err - 1);
	cr_assert_eq(load_text("factors: x\n", &c, NULL, 0, path), -1);
}

/* ---- cfg_set: one value from the command line ----------------------------- */

Test(config, set_accepts_option_text)
{
	struct cfg c = cfg_default();
	char err[256] = "";

	cr_assert_eq(cfg_set(&c, "factors", "8", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "lr", "1e-2", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "item_key", "title", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "schedule", "one-cycle", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "data", "/srv/my data", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "seed", "123", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "y_range", "0.5,5", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.factors, 8);
	cr_assert_eq(c.lr, 1e-2);
	cr_assert_eq(c.item_key, VOCAB_ITEM_KEY_TITLE);
	cr_assert_eq(c.schedule, VOCAB_SCHEDULE_ONE_CYCLE);
	cr_assert_str_eq(c.data, "/srv/my data");
	cr_assert_eq(c.seed, 123);
	cr_assert(c.y_range_on);
	cr_assert_eq(c.y_range[0], 0.5);
	cr_assert_eq(c.y_range[1], 5.0);
	cr_assert_eq(cfg_set(&c, "y_range", "none", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.y_range_on, 0);
}

Test(config, set_rejects_like_the_file)
{
	static const struct {
		const char *key, *value, *msg;
	} cases[] = {
		{ "factors", "x", "expected an integer, found 'x'" },
		{ "factors", "0", "factors must be at least 1" },
		{ "lr", "", "expected a number, found ''" },
		{ "lr", "-1", "lr must be a positive number" },
		{ "valid_pct", "1", "valid_pct must be at least 0 and less than 1" },
		{ "mom", "1", "mom must be at least 0 and less than 1" },
		{ "mom", "-0.1", "mom must be at least 0 and less than 1" },
		{ "seed", "-5", "expected an integer from 0 to "
				"18446744073709551615, found '-5'" },
		{ "model", "mf", "expected one of dot|dotbias|nn|als|bpmf|ease|ials|pop, found 'mf'" },
		{ "y_range", "5", "expected LO,HI (two numbers) or none, found '5'" },
		{ "y_range", "1,2,3", "expected LO,HI (two numbers) or none, "
				      "found '1,2,3'" },
		{ "y_range", "5,1", "expected LO < HI, found '5,1'" },
		{ "fatcors", "5", "unknown setting 'fatcors'" },
		{ "trainer", "slow", "expected one of fastai|fast, found 'slow'" },
		{ "lr_find", "1,2", "expected START,END,NUM_IT (two numbers and a "
				    "whole number), found '1,2'" },
		{ "lr_find", "1e-7,10,100,", "expected START,END,NUM_IT (two "
					     "numbers and a whole number), found "
					     "'1e-7,10,100,'" },
		{ "lr_find", "1e-7,,100", "expected START,END,NUM_IT (two numbers "
					  "and a whole number), found '1e-7,,100'" },
		{ "lr_find", "1e-7,10,2.5", "expected START,END,NUM_IT (two numbers "
					    "and a whole number), found '1e-7,10,2.5'" },
		{ "lr_find", "1,0.5,10", "lr_find start must be less than lr_find end" },
		{ "lr_find", "1e-7,10,1", "lr_find num_it must be from 2 to 256" },
		{ "lr_find.start", "0", "lr_find start must be a positive number" },
		{ "lr_find.end", "x", "expected a number, found 'x'" },
		{ "lr_find.num_it", "300", "lr_find num_it must be from 2 to 256" },
		{ "lr_find.stop", "1", "unknown setting 'lr_find.stop'" },
		{ "presets", "x", "presets can only be set in the config file" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cfg c = cfg_default(), before = c;
		char err[256] = "";

		cr_assert_eq(cfg_set(&c, cases[i].key, cases[i].value, err,
				     sizeof err), -1, "%s=%s accepted",
			     cases[i].key, cases[i].value);
		cr_assert_str_eq(err, cases[i].msg, "%s=%s", cases[i].key,
				 cases[i].value);
		cr_assert_eq(memcmp(&c, &before, sizeof c), 0);
	}
}

Test(config, set_takes_the_sweep_and_the_trainer)
{
	struct cfg c = cfg_default();
	char err[256] = "";

	cr_assert_eq(cfg_set(&c, "trainer", "fast", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.trainer, VOCAB_TRAINER_FAST);
	cr_assert_eq(cfg_set(&c, "lr_find", "1e-6,1,50", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.lr_find.start, 1e-6);
	cr_assert_eq(c.lr_find.end, 1.0);
	cr_assert_eq(c.lr_find.num_it, 50);
	cr_assert_eq(cfg_set(&c, "lr_find.num_it", "256", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.lr_find.num_it, 256);
	/* options come one at a time: --start-lr 20 --end-lr 100 is fine,
	 * so start < end waits for cfg_check */
	cr_assert_eq(cfg_set(&c, "lr_find.start", "20", err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(cfg_check(&c), "lr_find start must be less than lr_find end");
	cr_assert_eq(cfg_set(&c, "lr_find.end", "100", err, sizeof err), 0, "%s", err);
	cr_assert_null(cfg_check(&c));
	/* so does the trainer's model: --trainer fast --model dot */
	cr_assert_eq(cfg_set(&c, "model", "nn", err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(cfg_check(&c), "the fast trainer fits only the dot and "
			 "dotbias models");
	cr_assert_eq(cfg_set(&c, "model", "dot", err, sizeof err), 0, "%s", err);
	cr_assert_null(cfg_check(&c));
}

/* ---- presets: which one the values hold ----------------------------------- */

Test(config, presets_hold_until_a_value_moves)
{
	struct cfg c = cfg_default();
	char err[256] = "";

	/* the defaults are the chapter's, so the fastai preset */
	cr_assert_eq(cfg_preset_current(&c), 0);
	cr_assert(cfg_preset_holds(&c, 0));
	cr_assert_not(cfg_preset_holds(&c, 1));
	cr_assert_not(cfg_preset_holds(&c, 9));
	c.lr = 1e-2;
	cr_assert_eq(cfg_preset_current(&c), -1, "custom once lr moved");
	c.lr = 5e-3;
	cr_assert_eq(cfg_preset_current(&c), 0, "back again");
	cr_assert_eq(cfg_preset_apply(&c, "als", err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(c.preset, "als");
	cr_assert_eq(cfg_preset_current(&c), 2);
	cr_assert_eq(c.wd, 12.0);
	/* a value the preset does not set may change */
	c.seed = 1;
	cr_assert_eq(cfg_preset_current(&c), 2);
	c.epochs = 16;
	cr_assert_eq(cfg_preset_current(&c), -1);
	/* two presets that both hold: the one applied last is named */
	struct cfg t = cfg_default();
	cr_assert_eq(load_config_text("presets:\n  a: {epochs: 5}\n  b: {epochs: 5, "
				      "factors: 50}\n", &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_preset_current(&t), 0);
	cr_assert_eq(cfg_preset_apply(&t, "b", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_preset_current(&t), 1);
	/* presets may set the trainer, not the finder's sweep */
	cr_assert_eq(load_config_text("presets:\n  f: {model: dot, trainer: fast}\n",
				      &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_preset_apply(&t, "f", err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.trainer, VOCAB_TRAINER_FAST);
	cr_assert_null(cfg_check(&t));
	cr_assert_eq(load_config_text("presets:\n  f: {lr_find: {num_it: 5}}\n",
				      &t, err, sizeof err), -1);
	cr_assert(strstr(err, "presets: f: 'lr_find' is not a model or training "
			 "setting"), "%s", err);
	/* an unknown name is refused with the known ones */
	cr_assert_eq(cfg_preset_apply(&c, "best", err, sizeof err), -1);
	cr_assert_str_eq(err, "no preset 'best' (the presets are fastai, u1-best, als, ranking-best, "
			 "fast-adarow)");
	c.n_presets = 0;
	cr_assert_eq(cfg_preset_apply(&c, "best", err, sizeof err), -1);
	cr_assert(strstr(err, "there are none"), "%s", err);
}

/* ---- cfg_check ------------------------------------------------------------ */

Test(config, check_names_the_field)
{
	struct cfg c;

	c = cfg_default(); c.factors = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "factors"));
	c = cfg_default(); c.epochs = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "epochs"));
	c = cfg_default(); c.lr = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "lr"));
	c = cfg_default(); c.lr = -1e-3;
	cr_assert_not_null(strstr(cfg_check(&c), "lr"));
	c = cfg_default(); c.wd = -1;
	cr_assert_not_null(strstr(cfg_check(&c), "wd"));
	c = cfg_default(); c.bs = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "bs"));
	c = cfg_default(); c.valid_pct = 1.0;
	cr_assert_not_null(strstr(cfg_check(&c), "valid_pct"));
	c = cfg_default(); c.valid_pct = -0.5;
	cr_assert_not_null(strstr(cfg_check(&c), "valid_pct"));
	c = cfg_default(); c.threads = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "threads"));
	c = cfg_default(); c.y_range[0] = 6;
	cr_assert_not_null(strstr(cfg_check(&c), "y_range"));
	c.y_range_on = 0;               /* off: the bounds do not matter */
	cr_assert_null(cfg_check(&c));
	/* an enum outside its table can only come from code */
	c = cfg_default(); c.model = (enum vocab_model)7;
	cr_assert_not_null(strstr(cfg_check(&c), "model"));
	c = cfg_default(); c.fit = (enum vocab_fit)-1;
	cr_assert_not_null(strstr(cfg_check(&c), "model"));
	c = cfg_default(); c.format = (enum vocab_format)6;
	cr_assert_not_null(cfg_check(&c));
	c = cfg_default(); c.item_key = (enum vocab_item_key)2;
	cr_assert_not_null(cfg_check(&c));
	c = cfg_default(); c.optimizer = (enum vocab_optimizer)2;
	cr_assert_not_null(cfg_check(&c));
	c = cfg_default(); c.schedule = (enum vocab_schedule)2;
	cr_assert_not_null(cfg_check(&c));
	c = cfg_default(); c.trainer = (enum vocab_trainer)2;
	cr_assert_not_null(cfg_check(&c));
	c = cfg_default(); c.chart = (enum vocab_chart)3;
	cr_assert_not_null(cfg_check(&c));
	c = cfg_default(); c.n_layers = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "layers"));
	c = cfg_default(); c.n_layers = CFG_LAYERS_MAX + 1;
	cr_assert_not_null(strstr(cfg_check(&c), "layers"));
	c = cfg_default(); c.layers[1] = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "layers"));
	c = cfg_default(); c.layers[0] = CFG_LAYER_WIDTH_MAX + 1;
	cr_assert_not_null(strstr(cfg_check(&c), "layers"));
	c = cfg_default(); c.emb_drop = 1;
	cr_assert_not_null(strstr(cfg_check(&c), "emb_drop"));
	c = cfg_default(); c.ps = -0.1;
	cr_assert_not_null(strstr(cfg_check(&c), "ps"));
	c = cfg_default(); c.lr_find.num_it = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "lr_find num_it"));
	c = cfg_default(); c.lr_find.end = c.lr_find.start;
	cr_assert_not_null(strstr(cfg_check(&c), "lr_find start"));
	c = cfg_default(); c.trainer = VOCAB_TRAINER_FAST; c.fit = VOCAB_FIT_BPMF;
	cr_assert_not_null(strstr(cfg_check(&c), "fast trainer"));
	c = cfg_default(); c.trainer = VOCAB_TRAINER_FAST; c.model = VOCAB_MODEL_NN;
	cr_assert_not_null(strstr(cfg_check(&c), "fast trainer"));
}

/* ---- numbers do not depend on the locale ---------------------------------- */

Test(config, numbers_ignore_lc_numeric)
{
	static const char *const comma_locales[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", NULL
	};
	const char *got = NULL;
	struct cfg c = cfg_default();

	for (int i = 0; comma_locales[i] && !got; i++)
		got = setlocale(LC_NUMERIC, comma_locales[i]);
	if (!got)
		cr_skip_test("no locale with a decimal comma is installed");
	expect_ok("lr: 2.5e-3\nvalid_pct: 0.25\ny_range: [0.5, 4.5]\n", &c);
	cr_assert_eq(c.lr, 2.5e-3);
	cr_assert_eq(c.valid_pct, 0.25);
	cr_assert_eq(c.y_range[0], 0.5);
}

/* ---- the interface's keys ------------------------------------------------ */

Test(config, interface_keys)
{
	struct cfg c = cfg_default();

	cr_assert_str_eq(c.theme, "");
	cr_assert_eq(c.chart, VOCAB_CHART_AUTO);
	cr_assert_eq(c.smoothing, 1);
	cr_assert_eq(c.log_scale, 0);
	cr_assert_eq(c.mouse, 1);
	cr_assert_eq(c.n_binds, 0);
	expect_ok("theme: light\nchart: ascii\nsmoothing: off\nlog_scale: yes\n"
		  "mouse: false\n", &c);
	cr_assert_str_eq(c.theme, "light");
	cr_assert_eq(c.chart, VOCAB_CHART_ASCII);
	cr_assert_eq(c.smoothing, 0);
	cr_assert_eq(c.log_scale, 1);
	cr_assert_eq(c.mouse, 0);
	expect_ok("theme:\n", &c);
	cr_assert_str_eq(c.theme, "");
}

Test(config, key_bindings)
{
	struct cfg c = cfg_default();

	expect_ok("lr: 1\nkeys:\n  quit: [q, Q]\n  help: F1\n", &c);
	cr_assert_eq(c.n_binds, 2);
	cr_assert_str_eq(c.binds[0].action, "quit");
	cr_assert_str_eq(c.binds[0].keys, "q Q");
	cr_assert_eq(c.binds[0].line, 3);
	cr_assert_eq(c.binds[0].col, 3);
	cr_assert_str_eq(c.binds[1].action, "help");
	cr_assert_str_eq(c.binds[1].keys, "F1");
	expect_ok("keys: {}\n", &c);
	cr_assert_eq(c.n_binds, 0);
}

Test(config, interface_keys_rejected)
{
	expect_error("chart: braille\n", 1, 8, 0,
		     "chart: expected one of auto|unicode|ascii, found 'braille'");
	expect_error("mouse: maybe\n", 1, 8, 0,
		     "mouse: expected true or false, found 'maybe'");
	expect_error("theme: ../etc\n", 1, 8, 0,
		     "theme: expected a name of letters, digits, '-' and '_', "
		     "found '../etc'");
	expect_error("keys: q\n", 1, 7, 0,
		     "keys: expected a mapping of action: key names, found a scalar");
	expect_error("keys:\n  quit: q\n  quit: x\n", 3, 3, 0,
		     "keys: duplicate action 'quit' (first given on line 2)");
	expect_error("keys:\n  quit: [q, {a: b}]\n", 2, 13, 0,
		     "keys: quit: expected a key name, found a mapping");
	expect_error("keys:\n  quit: 'a b'\n", 2, 9, 1,
		     "keys: quit: expected a key name without spaces");
	expect_error("keys:\n  quit: []\n", 2, 9, 0,
		     "keys: quit: expected at least one key");
}

Test(config, keys_only_in_the_file)
{
	struct cfg c = cfg_default();
	char err[256];

	cr_assert_eq(cfg_set(&c, "keys", "q", err, sizeof err), -1);
	cr_assert_str_eq(err, "keys can only be set in the config file");
	cr_assert_eq(cfg_set(&c, "theme", "light", err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(c.theme, "light");
	cr_assert_eq(cfg_set(&c, "chart", "unicode", err, sizeof err), 0, "%s", err);
}

Test(config, builtin_presets_work_without_a_file)
{
	struct cfg c = cfg_default();
	char err[256];
	cr_assert_eq(cfg_preset_apply(&c, "u1-best", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.model, VOCAB_MODEL_DOTBIAS);
	cr_assert_eq(c.fit, VOCAB_FIT_BPMF);
	cr_assert_eq(c.epochs, 400);
	cr_assert_eq(cfg_preset_apply(&c, "fastai", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.model, VOCAB_MODEL_DOTBIAS);
	cr_assert_eq(c.epochs, 5);
	cr_assert_eq(cfg_preset_apply(&c, "nope", err, sizeof err), -1);
}

/* ---- the vocabularies (vocab.h) ------------------------------------------- */

static const struct vocab *const vocabs[] = {
	&vocab_models, &vocab_fits, &vocab_optimizers, &vocab_schedules,
	&vocab_trainers, &vocab_formats, &vocab_item_keys, &vocab_charts,
};
#define N_VOCABS (sizeof vocabs / sizeof vocabs[0])

/* The "a|b|c" list of v's rows, built here from the rows. */
static void words_of(const struct vocab *v, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < v->n_rows; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
					 i ? "|" : "", v->rows[i].word);
}

Test(vocab, every_row_parses_and_prints_back)
{
	for (size_t t = 0; t < N_VOCABS; t++) {
		const struct vocab *v = vocabs[t];

		cr_assert_gt(v->n_rows, 1, "%s", v->setting);
		for (int i = 0; i < v->n_rows; i++) {
			const struct vocab_row *r = &v->rows[i];
			int got = -1;

			cr_assert_eq(r->value, i, "%s: the table is out of the "
				     "enum's order at %s", v->setting, r->word);
			cr_assert_eq(vocab_parse(v, r->word, &got), 0, "%s: %s",
				     v->setting, r->word);
			cr_assert_eq(got, r->value, "%s: %s", v->setting, r->word);
			cr_assert_str_eq(vocab_word(v, got), r->word);
			cr_assert_not_null(vocab_help(v, got));
			cr_assert_gt(strlen(vocab_help(v, got)), 5, "%s: %s has no help",
				     v->setting, r->word);
			/* every word is its own: no two rows share one */
			for (int j = 0; j < i; j++)
				cr_assert_str_neq(v->rows[j].word, r->word);
		}
		/* outside the table: no word, no help; the next is the first */
		cr_assert_null(vocab_word(v, v->n_rows));
		cr_assert_null(vocab_word(v, -1));
		cr_assert_null(vocab_help(v, v->n_rows));
		cr_assert_eq(vocab_next(v, v->n_rows, 1), v->rows[0].value);
	}
}

Test(vocab, unknown_words_are_refused)
{
	static const char *const bad[] = { "", "x", "Adam", "DOT", " dot",
					   "dot ", "one cycle", "ml_100k" };

	for (size_t t = 0; t < N_VOCABS; t++)
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			int got = 12345;

			cr_assert_eq(vocab_parse(vocabs[t], bad[i], &got), -1,
				     "%s took '%s'", vocabs[t]->setting, bad[i]);
			cr_assert_eq(got, 12345, "*value changed on failure");
		}
}

Test(vocab, word_lists_come_from_the_rows)
{
	char want[256];

	for (size_t t = 0; t < N_VOCABS; t++) {
		words_of(vocabs[t], want, sizeof want);
		cr_assert_str_eq(vocabs[t]->words, want);
	}
	cr_assert_str_eq(vocab_model_words(), "dot|dotbias|nn");
	cr_assert_str_eq(vocab_fit_words(), "gradient|als|bpmf|ease|ials|pop");
	cr_assert_str_eq(vocab_optimizer_words(), "adam|sgd|adarow");
	cr_assert_str_eq(vocab_schedule_words(), "one_cycle|constant");
	cr_assert_str_eq(vocab_trainer_words(), "fastai|fast");
	cr_assert_str_eq(vocab_format_words(), "auto|ml-100k|ml-dat|ml-csv|csv|tsv");
	cr_assert_str_eq(vocab_item_key_words(), "id|title");
	cr_assert_str_eq(vocab_chart_words(), "auto|unicode|ascii");
	cr_assert_str_eq(vocab_model_setting_words(), "dot|dotbias|nn|als|bpmf|ease|ials|pop");
}

Test(vocab, typed_functions_agree_with_the_tables)
{
	enum vocab_schedule s = VOCAB_SCHEDULE_CONSTANT;
	enum vocab_format f = VOCAB_FORMAT_AUTO;
	enum vocab_item_key k = VOCAB_ITEM_KEY_ID;

	/* one-cycle is a spelling of one_cycle, printed as the row's word */
	cr_assert_eq(vocab_schedule_parse("one-cycle", &s), 0);
	cr_assert_eq(s, VOCAB_SCHEDULE_ONE_CYCLE);
	cr_assert_str_eq(vocab_schedule_word(s), "one_cycle");
	cr_assert_eq(vocab_format_parse("ml-100k", &f), 0);
	cr_assert_eq(f, VOCAB_FORMAT_ML_100K);
	cr_assert_str_eq(vocab_format_word(VOCAB_FORMAT_TSV), "tsv");
	cr_assert_eq(vocab_item_key_parse("title", &k), 0);
	cr_assert_eq(k, VOCAB_ITEM_KEY_TITLE);
	cr_assert_eq(vocab_item_key_parse("name", &k), -1);
	cr_assert_eq(k, VOCAB_ITEM_KEY_TITLE);
	cr_assert_str_eq(vocab_trainer_word(VOCAB_TRAINER_FAST), "fast");
	cr_assert_str_eq(vocab_chart_word(VOCAB_CHART_UNICODE), "unicode");
	cr_assert_null(vocab_optimizer_word((enum vocab_optimizer)3));
}

Test(vocab, the_model_setting_splits_model_and_fit)
{
	static const struct {
		const char *word;
		enum vocab_model model;
		enum vocab_fit fit;
	} rows[] = {
		{ "dot", VOCAB_MODEL_DOT, VOCAB_FIT_GRADIENT },
		{ "dotbias", VOCAB_MODEL_DOTBIAS, VOCAB_FIT_GRADIENT },
		{ "nn", VOCAB_MODEL_NN, VOCAB_FIT_GRADIENT },
		{ "als", VOCAB_MODEL_DOTBIAS, VOCAB_FIT_ALS },
		{ "bpmf", VOCAB_MODEL_DOTBIAS, VOCAB_FIT_BPMF },
		{ "ease", VOCAB_MODEL_DOTBIAS, VOCAB_FIT_EASE },
		{ "ials", VOCAB_MODEL_DOTBIAS, VOCAB_FIT_IALS },
		{ "pop", VOCAB_MODEL_DOTBIAS, VOCAB_FIT_POP },
	};
	const size_t n = sizeof rows / sizeof rows[0];

	for (size_t i = 0; i < n; i++) {
		enum vocab_model m = VOCAB_MODEL_NN;
		enum vocab_fit f = VOCAB_FIT_ALS;

		cr_assert_eq(vocab_model_setting_parse(rows[i].word, &m, &f), 0,
			     "%s", rows[i].word);
		cr_assert_eq(m, rows[i].model, "%s", rows[i].word);
		cr_assert_eq(f, rows[i].fit, "%s", rows[i].word);
		cr_assert_str_eq(vocab_model_setting_word(m, f), rows[i].word);
		/* the arrows walk the list in order, both ways round */
		vocab_model_setting_next(&m, &f, 1);
		cr_assert_str_eq(vocab_model_setting_word(m, f), rows[(i + 1) % n].word);
		vocab_model_setting_next(&m, &f, -1);
		vocab_model_setting_next(&m, &f, -1);
		cr_assert_str_eq(vocab_model_setting_word(m, f),
				 rows[(i + n - 1) % n].word);
	}
	enum vocab_model m = VOCAB_MODEL_DOT;
	enum vocab_fit f = VOCAB_FIT_GRADIENT;
	/* "gradient" names the fit, not a `model:` word */
	cr_assert_eq(vocab_model_setting_parse("gradient", &m, &f), -1);
	cr_assert_eq(vocab_model_setting_parse("svd", &m, &f), -1);
	cr_assert_eq(m, VOCAB_MODEL_DOT);
	cr_assert_eq(f, VOCAB_FIT_GRADIENT);
	cr_assert_null(vocab_model_setting_word((enum vocab_model)9, f));
}

/* Every enumerated key refuses a word outside its table with the table's
 * own list, in the file (at the value) and from an option. */
Test(config, keyword_messages_quote_the_vocabulary)
{
	static const struct {
		const char *key;
		const struct vocab *v;  /* NULL: `model:`'s own list */
	} keys[] = {
		{ "format", &vocab_formats }, { "item_key", &vocab_item_keys },
		{ "model", NULL }, { "optimizer", &vocab_optimizers },
		{ "schedule", &vocab_schedules }, { "trainer", &vocab_trainers },
		{ "chart", &vocab_charts },
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *words = keys[i].v ? keys[i].v->words :
				    vocab_model_setting_words();
		char text[64], msg[256], err[256];
		struct cfg c = cfg_default();

		snprintf(text, sizeof text, "%s: xyzzy\n", keys[i].key);
		snprintf(msg, sizeof msg, "%s: expected one of %s, found 'xyzzy'",
			 keys[i].key, words);
		expect_error(text, 1, (int)strlen(keys[i].key) + 3, 0, msg);
		snprintf(msg, sizeof msg, "expected one of %s, found 'xyzzy'", words);
		cr_assert_eq(cfg_set(&c, keys[i].key, "xyzzy", err, sizeof err), -1);
		cr_assert_str_eq(err, msg);
		/* and every word of the list is taken */
		for (int r = 0; keys[i].v && r < keys[i].v->n_rows; r++)
			cr_assert_eq(cfg_set(&c, keys[i].key, keys[i].v->rows[r].word,
					     err, sizeof err), 0, "%s: %s", keys[i].key, err);
	}
}

Test(config, model_als_and_bpmf_set_the_fit)
{
	struct cfg c = cfg_default();
	char err[256];

	expect_ok("model: als\n", &c);
	cr_assert_eq(c.model, VOCAB_MODEL_DOTBIAS);
	cr_assert_eq(c.fit, VOCAB_FIT_ALS);
	cr_assert_eq(cfg_set(&c, "model", "nn", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.model, VOCAB_MODEL_NN);
	cr_assert_eq(c.fit, VOCAB_FIT_GRADIENT, "a model's word fits by gradient again");
	expect_ok("model: 'bpmf'\n", &c);
	cr_assert_eq(c.model, VOCAB_MODEL_DOTBIAS);
	cr_assert_eq(c.fit, VOCAB_FIT_BPMF);
	/* the shipped presets keep their words */
	c = cfg_default();
	cr_assert_eq(cfg_preset_apply(&c, "als", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.fit, VOCAB_FIT_ALS);
	cr_assert_eq(cfg_preset_current(&c), 2);
	c.fit = VOCAB_FIT_BPMF;
	cr_assert_eq(cfg_preset_current(&c), -1, "bpmf is not the als preset");
}

Test(config, nn_settings_in_the_file)
{
	struct cfg c = cfg_default();

	expect_ok("layers: [64, 32, 16]\nemb_drop: 0.05\nps: 0.25\n", &c);
	cr_assert_eq(c.n_layers, 3);
	cr_assert_eq(c.layers[0], 64);
	cr_assert_eq(c.layers[1], 32);
	cr_assert_eq(c.layers[2], 16);
	cr_assert_eq(c.layers[3], 0);
	cr_assert_eq(c.emb_drop, 0.05);
	cr_assert_eq(c.ps, 0.25);
	expect_ok("layers:\n  - 8\n", &c);
	cr_assert_eq(c.n_layers, 1);
	cr_assert_eq(c.layers[0], 8);
	cr_assert_eq(c.layers[1], 0, "a shorter list clears the rest");
	expect_ok("layers: 200,100\n", &c);
	cr_assert_eq(c.n_layers, 2);
	cr_assert_eq(c.layers[0], 200);
	cr_assert_eq(c.layers[1], 100);
	expect_ok("layers: 4096\n", &c);
	cr_assert_eq(c.n_layers, 1);
	cr_assert_eq(c.layers[0], 4096);
	cr_assert_null(cfg_check(&c));
}

Test(config, nn_settings_rejected_where_they_are)
{
	expect_error("layers: []\n", 1, 9, 0, "layers: expected at least one width");
	expect_error("layers: [100, 0]\n", 1, 15, 0,
		     "layers: expected a width of 1..4096, found '0'");
	expect_error("\nlayers: [1, 2, 3, 4, 5]\n", 2, 22, 0,
		     "layers: expected at most 4 widths, found more");
	expect_error("layers: [64, x]\n", 1, 14, 0,
		     "layers: expected a width of 1..4096, found 'x'");
	expect_error("layers: [64, '32']\n", 1, 14, 0,
		     "layers: expected a width of 1..4096, found '32'");
	expect_error("layers: [64, [32]]\n", 1, 14, 0,
		     "layers: expected a width, found a sequence");
	expect_error("layers: 4097\n", 1, 9, 0,
		     "layers: expected 1 to 4 widths of 1..4096 separated by "
		     "commas, found '4097'");
	expect_error("layers: 100,,50\n", 1, 9, 0,
		     "layers: expected 1 to 4 widths of 1..4096 separated by "
		     "commas, found '100,,50'");
	expect_error("layers: {a: 1}\n", 1, 9, 0,
		     "layers: expected 1 to 4 widths of 1..4096 separated by "
		     "commas, found a mapping");
	expect_error("emb_drop: 1\n", 1, 11, 0,
		     "emb_drop must be at least 0 and less than 1");
	expect_error("emb_drop: x\n", 1, 11, 0,
		     "emb_drop: expected a number, found 'x'");
	expect_error("ps: -0.5\n", 1, 5, 0, "ps must be at least 0 and less than 1");
	expect_error("ps: [0.1]\n", 1, 5, 0, "ps: expected a number, found a sequence");
	expect_error("layers: [8]\nlayers: [9]\n", 2, 1, 0,
		     "duplicate key 'layers' (first given on line 1)");
}

Test(config, nn_settings_from_options)
{
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{ "layers", "", "expected 1 to 4 widths of 1..4096 separated by "
				"commas, found ''" },
		{ "layers", "0", "expected 1 to 4 widths of 1..4096 separated by "
				 "commas, found '0'" },
		{ "layers", "-5", "expected 1 to 4 widths of 1..4096 separated by "
				  "commas, found '-5'" },
		{ "layers", "1,2,3,4,5", "expected 1 to 4 widths of 1..4096 "
					 "separated by commas, found '1,2,3,4,5'" },
		{ "layers", "100,", "expected 1 to 4 widths of 1..4096 separated "
				    "by commas, found '100,'" },
		{ "layers", "+100", "expected 1 to 4 widths of 1..4096 separated "
				    "by commas, found '+100'" },
		{ "emb_drop", "1", "emb_drop must be at least 0 and less than 1" },
		{ "ps", "x", "expected a number, found 'x'" },
	};
	struct cfg c = cfg_default();
	char err[256] = "";

	cr_assert_eq(cfg_set(&c, "layers", "64,32", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.n_layers, 2);
	cr_assert_eq(c.layers[0], 64);
	cr_assert_eq(c.layers[1], 32);
	cr_assert_eq(cfg_set(&c, "emb_drop", "0.1", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_set(&c, "ps", "0", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.emb_drop, 0.1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cfg t = c;

		cr_assert_eq(cfg_set(&t, bad[i].key, bad[i].value, err, sizeof err),
			     -1, "%s=%s accepted", bad[i].key, bad[i].value);
		cr_assert_str_eq(err, bad[i].msg);
		cr_assert_eq(memcmp(&t, &c, sizeof t), 0);
	}
}

Test(config, presets_may_set_the_nn)
{
	struct cfg c = cfg_default();
	char err[256] = "";

	cr_assert_eq(load_config_text("presets:\n  wide: {model: nn, layers: [200, 100], "
				      "ps: 0.1}\n", &c, err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_preset_current(&c), -1);
	cr_assert_eq(cfg_preset_apply(&c, "wide", err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.model, VOCAB_MODEL_NN);
	cr_assert_eq(c.n_layers, 2);
	cr_assert_eq(c.layers[0], 200);
	cr_assert_eq(c.layers[1], 100);
	cr_assert_eq(c.ps, 0.1);
	cr_assert_eq(cfg_preset_current(&c), 0);
	c.layers[1] = 50;
	cr_assert_eq(cfg_preset_current(&c), -1, "custom once a width moved");
}

Test(config, layers_text_reads_back)
{
	struct cfg c = cfg_default(), t = cfg_default();
	char buf[32], err[256];

	cr_assert_eq(cfg_layers_text(&c, buf, sizeof buf), 6);
	cr_assert_str_eq(buf, "100,50");
	/* cut to fit, the whole length still returned */
	cr_assert_eq(cfg_layers_text(&c, buf, 4), 6);
	cr_assert_str_eq(buf, "100");
	cr_assert_eq(cfg_set(&c, "layers", "4096,1,20,3", err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_layers_text(&c, buf, sizeof buf), 11);
	cr_assert_eq(cfg_set(&t, "layers", buf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.n_layers, 4);
	cr_assert_arr_eq(t.layers, c.layers, sizeof c.layers);
}
