/* test_tui_lab.c -- the interface as a place to learn collaborative
 * filtering, end to end in tmux on $COLLABTUI_DATASETS/ml-100k: every
 * hyperparameter row explains itself, past runs compare side by side
 * with their valid curves in colours of their own, and overfitting is
 * marked on the chart and said in words; at 80x24, 120x40 and 200x60.
 * Assertions look for the text a user reads, never for positions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TMX_WAIT_S 120.0        /* training under ASan takes a while */
#include "tmuxtest.h"

static struct tmx L;

static void fini(void)
{
	tmx_done(&L);
}

/* collabtui on ml-100k in a w x h pane. */
static void launch(int w, int h, const char *more)
{
	char ds[512], args[1024];

	snprintf(args, sizeof args, "--data '%s' %s",
		 testenv_dataset(ds, sizeof ds, "ml-100k"), more);
	tmx_start(&L, w, h, "", args);
}

/* ... until the dataset is loaded. */
static void start(int w, int h, const char *more)
{
	launch(w, h, more);
	TMX_WAIT_TEXT(&L, "943");
}

TestSuite(tui_lab, .fini = fini, .timeout = 300);

/* The start of each row's explanation, in the pane's order for the
 * dotbias model (the nn's rows are tests/e2e/test_tui_layout.c's): short
 * enough to sit on the first line the explanation wraps to. */
static const char *const explained[][2] = {
	{ "preset", "a named set of values" },
	{ "model", "dotbias: dot plus a bias" },
	{ "trainer", "fastai's mini-batch fit" },
	{ "n_factors", "the size of each embedding" },
	{ "wd", "weight decay: adds wd" },
	{ "lr", "learning rate: how far" },
	{ "epochs", "passes over the training" },
	{ "bs", "batch size: ratings" },
	{ "y_range", "sigmoid_range(lo,hi)" },
	{ "optimiser", "how gradients become" },
	{ "momentum", "momentum: the share of" },
	{ "schedule", "fastai's fit_one_cycle" },
	{ "seed", "seeds the initial" },
	{ "threads", "threads for the" },
	{ "valid split", "share of ratings held" },
	{ "lr_find", "START,END,NUM_IT of" },
};

/* Walk the Hyperparameters rows top to bottom at w x h: each one's
 * explanation is on screen while it is selected, and the 5.5 of y_range
 * and the wd of the loss are explained in the chapter's words. */
static void every_row_explains_itself(int w, int h)
{
	start(w, h, "");
	tmx_keys(&L, "3 g");
	for (size_t i = 0; i < sizeof explained / sizeof explained[0]; i++) {
		if (i > 0)
			tmx_keys(&L, "j");
		TMX_WAIT_TEXT(&L, explained[i][1]);
		if (strcmp(explained[i][0], "wd") == 0) {
			TMX_WAIT_TEXT(&L, "wd\u00b7\u03a3w\u00b2");
			TMX_WAIT_TEXT(&L, "overfitting");
		}
		if (strcmp(explained[i][0], "y_range") == 0)
			TMX_WAIT_TEXT(&L, "5.5");
	}
	/* the explanation follows the value: bpmf says what it adds */
	tmx_keys(&L, "g j Right Right Right");
	TMX_WAIT_TEXT(&L, "bpmf: dotbias sampled");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, every_row_explains_itself_80x24) { every_row_explains_itself(80, 24); }
Test(tui_lab, every_row_explains_itself_120x40) { every_row_explains_itself(120, 40); }
Test(tui_lab, every_row_explains_itself_200x60) { every_row_explains_itself(200, 60); }

/* ---- runs side by side ----------------------------------------------------- */

/* Two past runs on ml-100k in the scratch directory's history (it is
 * XDG_DATA_HOME there): the same but for lr and wd. */
static void write_two_runs(void)
{
	char path[700];

	testenv_tmpdir(L.dir, sizeof L.dir);
	snprintf(path, sizeof path, "%s/collabtui", L.dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/collabtui/history.jsonl", L.dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	for (int i = 0; i < 2; i++)
		fprintf(f, "{\"time\":\"2026-01-02T10:0%d:00Z\",\"dataset\":\"ml-100k\","
			"\"split\":\"random 0.2\",\"model\":\"dotbias\",\"item_key\":\"id\","
			"\"factors\":50,\"epochs\":3,\"bs\":64,\"lr\":%s,\"wd\":%s,"
			"\"y_range\":[0,5.5],\"optimizer\":\"adam\",\"schedule\":\"one-cycle\","
			"\"seed\":42,\"train_loss\":[0.98,0.77,%s],\"valid_loss\":[0.95,0.94,%s],"
			"\"final_valid\":%s,\"seconds\":2}\n", i * 5, i ? "0.01" : "0.005",
			i ? "0" : "0.1", i ? "0.37" : "0.6", i ? "0.96" : "0.81", i ? "0.96" : "0.81");
	fclose(f);
}

/* The last SGR sequence before needle in an escaped capture, into out. */
static void sgr_before(const char *cap, const char *needle, char *out, size_t n)
{
	const char *at = strstr(cap, needle), *sgr = NULL;

	cr_assert_not_null(at, "no %s on screen:\n%s", needle, cap);
	for (const char *c = cap; c < at; c++)
		if (*c == '\033')
			sgr = c;
	cr_assert_not_null(sgr);
	snprintf(out, n, "%.*s", (int)(strcspn(sgr, "m") + 1), sgr);
}

static void compare_two_runs(int w, int h)
{
	write_two_runs();
	start(w, h, "");
	/* mark both (Space marks and moves down), then C */
	tmx_keys(&L, "7");
	TMX_WAIT_TEXT(&L, "2 run(s) on ml-100k");
	tmx_keys(&L, "Space");
	TMX_WAIT_TEXT(&L, "1 run(s) marked");
	tmx_keys(&L, "Space");
	TMX_WAIT_TEXT(&L, "2 run(s) marked: C compares them");
	tmx_keys(&L, "C");
	TMX_WAIT_TEXT(&L, "2 runs side by side");
	/* what differs first and starred; the losses, the best epoch */
	tmx_wait_regex(&L, "\\* lr +0\\.005 +0\\.01 ");
	tmx_wait_regex(&L, "\\* wd +0\\.1 +0 ");
	tmx_wait_regex(&L, "final valid +0\\.810000 +0\\.960000");
	tmx_wait_regex(&L, "best valid +0\\.810000 ep 2 +0\\.940000 ep 1");
	TMX_NOT_ON_SCREEN(&L, "* n_factors");
	/* the Training chart: both valid curves, each in its own colour */
	if (w < 100)
		tmx_keys(&L, "2");
	TMX_WAIT_TEXT(&L, "valid loss by epoch");
	tmx_capture(&L, 1);
	char a[64], b[64];
	sgr_before(L.cap, "10:00 dotbias", a, sizeof a);
	sgr_before(L.cap, "10:05 dotbias", b, sizeof b);
	cr_assert_str_neq(a, b, "the two runs share a colour");
	/* C again: back to the list */
	if (w < 100)
		tmx_keys(&L, "7");
	tmx_keys(&L, "C");
	TMX_WAIT_TEXT(&L, "2 run(s) on ml-100k");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, compare_two_runs_80x24) { compare_two_runs(80, 24); }
Test(tui_lab, compare_two_runs_120x40) { compare_two_runs(120, 40); }
Test(tui_lab, compare_two_runs_200x60) { compare_two_runs(200, 60); }

/* ---- overfitting ------------------------------------------------------------- */

/* No weight decay, a high lr: on ml-100k valid loss turns up at epoch 2
 * (0.944 -> 0.963) while train loss falls; the chart marks it and says so. */
static void overfitting_is_marked(int w, int h)
{
	start(w, h, "--wd 0 --lr 1e-2 --epochs 3");
	tmx_keys(&L, "t");
	if (w < 100)
		tmx_keys(&L, "2");
	TMX_WAIT_TEXT(&L, "valid loss rising since epoch 2: overfitting \u2014 try more wd");
	TMX_ON_SCREEN(&L, "\u25b2");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, overfitting_is_marked_80x24) { overfitting_is_marked(80, 24); }
Test(tui_lab, overfitting_is_marked_120x40) { overfitting_is_marked(120, 40); }
Test(tui_lab, overfitting_is_marked_200x60) { overfitting_is_marked(200, 60); }

/* ---- the map's axes ---------------------------------------------------------- */

/* After a run, the map names each component's share of the variance, and
 * e lists the movies at both ends of both axes, every one as j scrolls. */
static void map_lists_the_ends(int w, int h)
{
	start(w, h, "--epochs 1");
	tmx_keys(&L, w < 100 ? "t 2" : "t");
	TMX_WAIT_TEXT(&L, "done");
	tmx_keys(&L, "6");
	tmx_wait_regex(&L, "PC1 across \\([0-9.]+% of the variance\\), PC2 up \\([0-9.]+%\\)");
	TMX_WAIT_TEXT(&L, "e: ends");
	tmx_keys(&L, "e");
	tmx_wait_regex(&L, "PC1 across \\([0-9.]+% of the variance\\): lowest \\| highest");
	tmx_wait_regex(&L, "PC2 up \\([0-9.]+% of the variance\\): lowest \\| highest");
	/* rank 1 at both ends: a negative and a positive coordinate */
	tmx_wait_regex(&L, " 1 -[0-9]\\.[0-9]{2} .* 1 \\+[0-9]\\.[0-9]{2} ");
	TMX_WAIT_TEXT(&L, "ranks 1-");
	/* all 500, to the last */
	tmx_keys(&L, "End");
	for (int i = 0; i < 60; i++)
		tmx_keys(&L, "PageDown");
	tmx_wait_regex(&L, "ranks [0-9]+-500 of 500");
	tmx_keys(&L, "e");
	TMX_WAIT_TEXT(&L, "e: ends");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, map_lists_the_ends_80x24) { map_lists_the_ends(80, 24); }
Test(tui_lab, map_lists_the_ends_120x40) { map_lists_the_ends(120, 40); }
Test(tui_lab, map_lists_the_ends_200x60) { map_lists_the_ends(200, 60); }

/* ---- a session that remembers ---------------------------------------------- */

/* Train (t; at 80x24 with the Training pane shown) until done and the
 * model is kept for the next session. */
static void train_and_keep(int w)
{
	char path[700];
	struct stat st;

	tmx_keys(&L, w < 100 ? "t 2" : "t");
	TMX_WAIT_TEXT(&L, "done");
	snprintf(path, sizeof path, "%s/collabtui/model-ml-100k-id.ckpt", L.dir);
	for (int i = 0; i < 600 && stat(path, &st) != 0; i++)
		usleep(100000);
	cr_assert_eq(stat(path, &st), 0, "no %s", path);
}

/* Train, quit, start again: last session's model is back (saved beside the
 * run history), with when it was trained, and the recommendations come
 * from it, not from the untrained fallback; no retraining. */
static void model_comes_back(int w, int h)
{
	start(w, h, "--epochs 1");
	train_and_keep(w);
	tmx_keys(&L, "q");
	cr_assert_eq(tmx_wait_exit(&L), 0);
	tmx_stop(&L);

	launch(w, h, "");
	TMX_WAIT_TEXT(&L, "the model of the last session is back (trained 20");
	if (w < 100)
		tmx_keys(&L, "2");
	tmx_wait_regex(&L, "last session's model, trained 20[0-9-]+ [0-9:]+ UTC");
	if (w < 100)
		tmx_keys(&L, "5");
	TMX_WAIT_TEXT(&L, "model trained");
	TMX_NOT_ON_SCREEN(&L, "fallback: no trained model");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, model_comes_back_80x24) { model_comes_back(80, 24); }
Test(tui_lab, model_comes_back_120x40) { model_comes_back(120, 40); }
Test(tui_lab, model_comes_back_200x60) { model_comes_back(200, 60); }

/* Quit with q, and see collabtui end well. */
static void quit_cleanly(void)
{
	tmx_keys(&L, "q");
	cr_assert_eq(tmx_wait_exit(&L), 0);
	tmx_stop(&L);
}

/* A model loaded with --load: the Hyperparameters pane shows the values
 * that trained it (the model's kind, factors, y_range, its lr, wd,
 * epochs and bs), the Training pane says what it is, and t trains that
 * again; an option given over it is shown, and marks the model stale. */
static void loaded_model_shows_its_values(int w, int h)
{
	char ds[512], more[800];
	struct cli_result r;

	testenv_tmpdir(L.dir, sizeof L.dir);
	cli_run(&r, L.dir, "train --data '%s' --model dot --factors 20 --y-range none "
		"--lr 0.01 --wd 0.05 --epochs 2 --bs 128 --save dot20.ckpt",
		testenv_dataset(ds, sizeof ds, "ml-100k"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(more, sizeof more, "--load '%s/dot20.ckpt'", L.dir);
	launch(w, h, more);
	TMX_WAIT_TEXT(&L, "model loaded from");
	if (w < 100)
		tmx_keys(&L, "3");
	tmx_wait_regex(&L, "model +dot ");
	tmx_wait_regex(&L, "n_factors +20 ");
	tmx_wait_regex(&L, "y_range +none ");
	tmx_wait_regex(&L, "lr +0\\.01 ");
	tmx_wait_regex(&L, "wd +0\\.05 ");
	tmx_wait_regex(&L, "epochs +2 ");
	tmx_wait_regex(&L, "bs +128 ");
	TMX_NOT_ON_SCREEN(&L, "STALE");
	if (w < 100)
		tmx_keys(&L, "2");
	TMX_WAIT_TEXT(&L, "a loaded model: dot, 20 factors, 2 epochs");
	/* t trains what is shown: the run's label says so */
	tmx_keys(&L, "t");
	TMX_WAIT_TEXT(&L, "lr 0.01 wd 0.05 k 20 dot");
	TMX_WAIT_TEXT(&L, "done");
	quit_cleanly();

	/* an option given wins over the model's value, and says it differs */
	snprintf(more, sizeof more, "--load '%s/dot20.ckpt' --factors 30", L.dir);
	launch(w, h, more);     /* in the pane left focused (Training at 80x24) */
	TMX_WAIT_TEXT(&L, "model loaded from");
	if (w < 100)
		tmx_keys(&L, "3");
	tmx_wait_regex(&L, "n_factors +30 ");
	TMX_ON_SCREEN(&L, "model       dot");
	if (w < 100)
		tmx_keys(&L, "2");
	TMX_WAIT_TEXT(&L, "STALE");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, loaded_model_shows_its_values_80x24) { loaded_model_shows_its_values(80, 24); }
Test(tui_lab, loaded_model_shows_its_values_120x40) { loaded_model_shows_its_values(120, 40); }

/* Last session's model without last session's values (no session file:
 * an older version's, or removed): the pane shows the model's values,
 * not config.yaml's. */
Test(tui_lab, restored_model_shows_its_values_120x40)
{
	char path[700];

	start(120, 40, "--model dot --factors 20 --epochs 1");
	train_and_keep(120);
	quit_cleanly();
	snprintf(path, sizeof path, "%s/collabtui/session-ml-100k-id.txt", L.dir);
	cr_assert_eq(unlink(path), 0, "no %s", path);

	start(120, 40, "");
	TMX_WAIT_TEXT(&L, "the model of the last session is back");
	tmx_wait_regex(&L, "model +dot ");
	tmx_wait_regex(&L, "n_factors +20 ");
	tmx_wait_regex(&L, "epochs +1 ");
	TMX_WAIT_TEXT(&L, "20 factors, 1 epoch");
	TMX_NOT_ON_SCREEN(&L, "STALE");
}


/* Start (w x h) with options more: the Movies pane focused (it is the
 * one shown at 80x24), by mean, searched for "star"; then wd as wd_re
 * says, and last session's model back, STALE or not. */
static void see_the_panes_back(int w, int h, const char *more, const char *wd_re,
			       int stale)
{
	launch(w, h, more);
	TMX_WAIT_TEXT(&L, "by mean");
	/* a key closes what the long message covers at 80x24 (the search
	 * line); F12 does nothing else */
	TMX_WAIT_TEXT(&L, "the model of the last session is back");
	tmx_keys(&L, "F12");
	TMX_WAIT_TEXT(&L, "/star   (Esc clears)");
	TMX_WAIT_TEXT(&L, "Star Wars (1977)");
	TMX_NOT_ON_SCREEN(&L, "\u2502 Toy Story (1995) ");  /* a Movies row */
	/* the Movies pane has the keys: Enter opens the selected movie's
	 * details (in the Hyperparameters pane it would edit the preset) */
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "genres ");
	tmx_keys(&L, "Escape");
	TMX_WAIT_GONE(&L, "genres ");
	/* Shift-Tab: in the movie list the digits rate */
	tmx_keys(&L, "BTab");
	tmx_wait_regex(&L, wd_re);
	tmx_wait_regex(&L, "epochs +1 ");
	tmx_keys(&L, "2");
	tmx_wait_regex(&L, "last session's model, trained 20[0-9-]+ [0-9:]+ UTC");
	/* values that differ from the model's mark it, in Training's title */
	if (stale)
		TMX_ON_SCREEN(&L, "STALE");
	else
		TMX_NOT_ON_SCREEN(&L, "STALE");
	tmx_keys(&L, "4");      /* left as found */
}

/* Change wd, train, change the movie list's order and search, focus the
 * Movies pane, quit: a restart shows them all as they were left (from
 * session-ml-100k-id.txt beside the history), with the model trained
 * (model-ml-100k-id.ckpt); an option given on the command line wins over
 * the restored value, the rest still come back. */
static void panes_come_back_as_left(int w, int h)
{
	char path[700];
	struct stat st;

	start(w, h, "--epochs 1");      /* Hyperparameters focused */
	tmx_wait_regex(&L, "wd +0\\.1 ");
	tmx_keys(&L, "Down Down Down Down Right");     /* wd 0.1 -> 0.2 */
	tmx_wait_regex(&L, "wd +0\\.2 ");
	train_and_keep(w);
	tmx_keys(&L, "4 o o / s t a r Enter");
	TMX_WAIT_TEXT(&L, "by mean");
	TMX_WAIT_TEXT(&L, "/star   (Esc clears)");
	quit_cleanly();
	snprintf(path, sizeof path, "%s/collabtui/session-ml-100k-id.txt", L.dir);
	cr_assert_eq(stat(path, &st), 0, "no %s", path);

	see_the_panes_back(w, h, "", "wd +0\\.2 ", 0);
	quit_cleanly();

	/* the command line wins, the rest is still restored, and the model
	 * (trained with wd 0.2) is marked stale */
	see_the_panes_back(w, h, "--wd 0.05", "wd +0\\.05 ", 1);
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, the_panes_come_back_as_left_80x24) { panes_come_back_as_left(80, 24); }
Test(tui_lab, the_panes_come_back_as_left_120x40) { panes_come_back_as_left(120, 40); }
Test(tui_lab, the_panes_come_back_as_left_200x60) { panes_come_back_as_left(200, 60); }

/* ---- polish ------------------------------------------------------------------ */

/* `?` says when there is more than fits, and every key can be reached:
 * the last ones (the rating keys, S, b, f) after End. */
static void help_reaches_every_key(int w, int h)
{
	start(w, h, "");
	tmx_keys(&L, "?");
	TMX_WAIT_TEXT(&L, "Keys (");
	if (h < 60) {
		TMX_WAIT_TEXT(&L, "more below");
		TMX_ON_SCREEN(&L, "j/k PgDn/PgUp scroll");
		TMX_NOT_ON_SCREEN(&L, "loved/hated: cycle the minimum");
		tmx_keys(&L, "End");
		TMX_WAIT_TEXT(&L, "above");
		TMX_WAIT_GONE(&L, "more below");
	}
	TMX_WAIT_TEXT(&L, "loved/hated: cycle the minimum");
	TMX_ON_SCREEN(&L, "... movies similar to it");
	TMX_ON_SCREEN(&L, "Movies: most-loved and most-hated");
	TMX_ON_SCREEN(&L, "... add half a star");
	TMX_ON_SCREEN(&L, "in a movie list: rate the movie 1 star");
	cr_assert(tmx_alive(&L));
}

Test(tui_lab, help_reaches_every_key_80x24) { help_reaches_every_key(80, 24); }
Test(tui_lab, help_reaches_every_key_120x40) { help_reaches_every_key(120, 40); }
Test(tui_lab, help_reaches_every_key_200x60) { help_reaches_every_key(200, 60); }
