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

#ifndef COLLABTUI_DATADIR
#define COLLABTUI_DATADIR "/usr/local/share/collabtui"
#endif

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
	strcpy(c.format, "csv");
	strcpy(c.item_key, "title");
	strcpy(c.model, "dot");
	c.factors = 3;
	c.epochs = 9;
	c.lr = 0.5;
	c.wd = 0.0;
	c.bs = 7;
	c.y_range_on = 0;
	c.y_range[0] = -1;
	c.y_range[1] = 1;
	strcpy(c.optimizer, "sgd");
	c.mom = 0.25;
	strcpy(c.schedule, "constant");
	c.valid_pct = 0.5;
	c.seed = 7;
	c.threads = 2;
	strcpy(c.trainer, "fast");
	c.lr_find.start = 1e-3;
	c.lr_find.end = 1;
	c.lr_find.num_it = 7;
	return c;
}

static void assert_cfg_eq(const struct cfg *a, const struct cfg *b)
{
	cr_assert_str_eq(a->data, b->data);
	cr_assert_str_eq(a->format, b->format);
	cr_assert_str_eq(a->item_key, b->item_key);
	cr_assert_str_eq(a->model, b->model);
	cr_assert_eq(a->factors, b->factors);
	cr_assert_eq(a->epochs, b->epochs);
	cr_assert_eq(a->lr, b->lr);
	cr_assert_eq(a->wd, b->wd);
	cr_assert_eq(a->bs, b->bs);
	cr_assert_eq(a->y_range_on, b->y_range_on);
	cr_assert_eq(a->y_range[0], b->y_range[0]);
	cr_assert_eq(a->y_range[1], b->y_range[1]);
	cr_assert_str_eq(a->optimizer, b->optimizer);
	cr_assert_eq(a->mom, b->mom);
	cr_assert_str_eq(a->schedule, b->schedule);
	cr_assert_eq(a->valid_pct, b->valid_pct);
	cr_assert_eq(a->seed, b->seed);
	cr_assert_eq(a->threads, b->threads);
	cr_assert_str_eq(a->trainer, b->trainer);
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
	cr_assert_str_eq(d.format, "auto");
	cr_assert_str_eq(d.item_key, "id");
	cr_assert_str_eq(d.model, "dotbias");
	cr_assert_eq(d.factors, 50);
	cr_assert_eq(d.epochs, 5);
	cr_assert_eq(d.lr, 5e-3);
	cr_assert_eq(d.wd, 0.1);
	cr_assert_eq(d.bs, 64);
	cr_assert(d.y_range_on);
	cr_assert_eq(d.y_range[0], 0.0);
	cr_assert_eq(d.y_range[1], 5.5);
	cr_assert_str_eq(d.optimizer, "adam");
	cr_assert_str_eq(d.schedule, "one_cycle");
	cr_assert_eq(d.valid_pct, 0.2);
	cr_assert_eq(d.seed, 42);
	cr_assert_eq(d.threads, 1);
	cr_assert_str_eq(d.trainer, "fastai");
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
	cr_assert_str_neq(o.format, d.format);
	cr_assert_str_neq(o.item_key, d.item_key);
	cr_assert_str_neq(o.model, d.model);
	cr_assert_neq(o.factors, d.factors);
	cr_assert_neq(o.epochs, d.epochs);
	cr_assert_neq(o.lr, d.lr);
	cr_assert_neq(o.wd, d.wd);
	cr_assert_neq(o.bs, d.bs);
	cr_assert_neq(o.y_range_on, d.y_range_on);
	cr_assert_neq(o.y_range[1], d.y_range[1]);
	cr_assert_str_neq(o.optimizer, d.optimizer);
	cr_assert_neq(o.mom, d.mom);
	cr_assert_str_neq(o.schedule, d.schedule);
	cr_assert_neq(o.valid_pct, d.valid_pct);
	cr_assert_neq(o.seed, d.seed);
	cr_assert_neq(o.threads, d.threads);
	cr_assert_str_neq(o.trainer, d.trainer);
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
	cr_assert_str_eq(c.model, "dotbias");
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
	cr_assert_str_eq(c.format, "ml-dat");
	cr_assert_str_eq(c.item_key, "title");
	cr_assert_str_eq(c.model, "dot");
	cr_assert_eq(c.factors, 100);
	cr_assert_eq(c.epochs, 12);
	cr_assert_eq(c.lr, 0.01);
	cr_assert_eq(c.wd, 0.0);
	cr_assert_eq(c.bs, 1024);
	cr_assert(c.y_range_on);
	cr_assert_eq(c.y_range[0], 0.5);
	cr_assert_eq(c.y_range[1], 5.0);
	cr_assert_str_eq(c.optimizer, "sgd");
	cr_assert_eq(c.mom, 0.0);
	cr_assert_str_eq(c.schedule, "one-cycle");
	cr_assert_eq(c.valid_pct, 0.0);
	cr_assert_eq(c.seed, UINT64_MAX);
	cr_assert_eq(c.threads, 2);
	cr_assert_str_eq(c.trainer, "fast");
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
	cr_assert_str_eq(c.model, "dot");
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
	char msg[192];
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
		  "lr_find, theme" },
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
		  "model: expected dot, dotbias, als, bpmf or nn, found 'mf'" },
		{ "format: xml\n", 1, 9, 0,
		  "format: expected auto, ml-100k, ml-dat, ml-csv, csv or "
		  "tsv, found 'xml'" },
		{ "item_key: name\n", 1, 11, 0,
		  "item_key: expected id or title, found 'name'" },
		{ "optimizer: Adam\n", 1, 12, 0,
		  "optimizer: expected adam or sgd, found 'Adam'" },
		{ "schedule: cosine\n", 1, 11, 0,
		  "schedule: expected one_cycle, one-cycle or constant, "
		  "found 'cosine'" },
		{ "model: dotbias-with-a-very-long-name\n", 1, 8, 0,
		  "model: expected dot, dotbias, als, bpmf or nn, found "
		  "'dotbias-with-a-very-long-name'" },
		{ "model: {a: 1}\n", 1, 8, 0,
		  "model: expected dot, dotbias, als, bpmf or nn, found a mapping" },
		{ "trainer: slow\n", 1, 10, 0,
		  "trainer: expected fastai or fast, found 'slow'" },
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
	cr_assert_str_eq(c.item_key, "title");
	cr_assert_str_eq(c.schedule, "one-cycle");
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
		{ "model", "mf", "expected dot, dotbias, als, bpmf or nn, found 'mf'" },
		{ "y_range", "5", "expected LO,HI (two numbers) or none, found '5'" },
		{ "y_range", "1,2,3", "expected LO,HI (two numbers) or none, "
				      "found '1,2,3'" },
		{ "y_range", "5,1", "expected LO < HI, found '5,1'" },
		{ "fatcors", "5", "unknown setting 'fatcors'" },
		{ "trainer", "slow", "expected fastai or fast, found 'slow'" },
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
	cr_assert_str_eq(c.trainer, "fast");
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
	cr_assert_str_eq(t.trainer, "fast");
	cr_assert_null(cfg_check(&t));
	cr_assert_eq(load_config_text("presets:\n  f: {lr_find: {num_it: 5}}\n",
				      &t, err, sizeof err), -1);
	cr_assert(strstr(err, "presets: f: 'lr_find' is not a model or training "
			 "setting"), "%s", err);
	/* an unknown name is refused with the known ones */
	cr_assert_eq(cfg_preset_apply(&c, "best", err, sizeof err), -1);
	cr_assert_str_eq(err, "no preset 'best' (the presets are fastai, u1-best, als)");
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
	c = cfg_default(); strcpy(c.model, "svd");
	cr_assert_not_null(strstr(cfg_check(&c), "model"));
	c = cfg_default(); strcpy(c.format, "json");
	cr_assert_not_null(strstr(cfg_check(&c), "format"));
	c = cfg_default(); strcpy(c.item_key, "name");
	cr_assert_not_null(strstr(cfg_check(&c), "item_key"));
	c = cfg_default(); strcpy(c.optimizer, "lamb");
	cr_assert_not_null(strstr(cfg_check(&c), "optimizer"));
	c = cfg_default(); strcpy(c.schedule, "cos");
	cr_assert_not_null(strstr(cfg_check(&c), "schedule"));
	c = cfg_default(); strcpy(c.trainer, "turbo");
	cr_assert_not_null(strstr(cfg_check(&c), "trainer"));
	c = cfg_default(); c.lr_find.num_it = 0;
	cr_assert_not_null(strstr(cfg_check(&c), "lr_find num_it"));
	c = cfg_default(); c.lr_find.end = c.lr_find.start;
	cr_assert_not_null(strstr(cfg_check(&c), "lr_find start"));
	c = cfg_default(); strcpy(c.trainer, "fast"); strcpy(c.model, "bpmf");
	cr_assert_not_null(strstr(cfg_check(&c), "fast trainer"));
}

/* ---- cfg_default_path --------------------------------------------------- */

/* mkdir -p DIR/collabtui and write DIR/collabtui/config.yaml (sub may be
 * ".config/collabtui" for a HOME). */
static void make_config_in(const char *dir, const char *sub, char *file)
{
	char d[PATH_MAX - 64];

	snprintf(d, sizeof d, "%s/%s", dir, sub);
	char *p = d + strlen(dir) + 1;
	for (; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(d, 0700);
		*p = '/';
	}
	mkdir(d, 0700);
	snprintf(file, PATH_MAX, "%s/config.yaml", d);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f, "%s: %s", file, strerror(errno));
	fputs("factors: 9\n", f);
	fclose(f);
}

static void make_tmpdir(char *dir)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/collabtui-xdg-XXXXXX", t && t[0] ? t : "/tmp");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* What the lookup gives when no user file exists. */
static const char *fallback(void)
{
	struct stat st;
	const char *inst = COLLABTUI_DATADIR "/config.yaml";

	return stat(inst, &st) == 0 && S_ISREG(st.st_mode) ? inst : "config.yaml";
}

Test(config, default_path_prefers_xdg_config_home)
{
	char dir[PATH_MAX], file[PATH_MAX], buf[PATH_MAX];

	make_tmpdir(dir);
	make_config_in(dir, "collabtui", file);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("HOME", "/nonexistent", 1);
	cr_assert_str_eq(cfg_default_path(buf, sizeof buf), file);
	remove_tree(dir);
}

Test(config, default_path_uses_home_without_xdg)
{
	char dir[PATH_MAX], file[PATH_MAX], buf[PATH_MAX];

	make_tmpdir(dir);
	make_config_in(dir, ".config/collabtui", file);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	cr_assert_str_eq(cfg_default_path(buf, sizeof buf), file);
	/* A relative XDG_CONFIG_HOME is invalid and ignored. */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	cr_assert_str_eq(cfg_default_path(buf, sizeof buf), file);
	remove_tree(dir);
}

Test(config, default_path_falls_back)
{
	char dir[PATH_MAX], buf[PATH_MAX], small[8];

	make_tmpdir(dir);
	setenv("XDG_CONFIG_HOME", dir, 1);     /* exists, but holds no file */
	cr_assert_str_eq(cfg_default_path(buf, sizeof buf), fallback());
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	cr_assert_str_eq(cfg_default_path(buf, sizeof buf), fallback());
	cr_assert_null(cfg_default_path(small, sizeof small));
	cr_assert_null(cfg_default_path(small, 0));
	remove_tree(dir);
}

Test(config, default_path_result_loads)
{
	char dir[PATH_MAX], file[PATH_MAX], buf[PATH_MAX], err[512];
	struct cfg c = cfg_default();

	make_tmpdir(dir);
	make_config_in(dir, "collabtui", file);
	setenv("XDG_CONFIG_HOME", dir, 1);
	cr_assert_eq(cfg_load(cfg_default_path(buf, sizeof buf), &c, err,
			      sizeof err), 0, "%s", err);
	cr_assert_eq(c.factors, 9);
	remove_tree(dir);
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
	cr_assert_str_eq(c.chart, "auto");
	cr_assert_eq(c.smoothing, 1);
	cr_assert_eq(c.log_scale, 0);
	cr_assert_eq(c.mouse, 1);
	cr_assert_eq(c.n_binds, 0);
	expect_ok("theme: light\nchart: ascii\nsmoothing: off\nlog_scale: yes\n"
		  "mouse: false\n", &c);
	cr_assert_str_eq(c.theme, "light");
	cr_assert_str_eq(c.chart, "ascii");
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
		     "chart: expected auto, unicode or ascii, found 'braille'");
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
	cr_assert_str_eq(c.model, "bpmf");
	cr_assert_eq(c.epochs, 400);
	cr_assert_eq(cfg_preset_apply(&c, "fastai", err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(c.model, "dotbias");
	cr_assert_eq(c.epochs, 5);
	cr_assert_eq(cfg_preset_apply(&c, "nope", err, sizeof err), -1);
}
