/* test_tui_lab.c -- the interface as a place to learn collaborative
 * filtering, end to end in tmux on $COLLABTUI_DATASETS/ml-100k: every
 * hyperparameter row explains itself, at 80x24, 120x40 and 200x60.
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

/* collabtui on ml-100k in a w x h pane, until the dataset is loaded. */
static void start(int w, int h, const char *more)
{
	char ds[512], args[1024];

	snprintf(args, sizeof args, "--data '%s' %s",
		 testenv_dataset(ds, sizeof ds, "ml-100k"), more);
	tmx_start(&L, w, h, "", args);
	TMX_WAIT_TEXT(&L, "943");
}

TestSuite(tui_lab, .fini = fini, .timeout = 300);

/* The start of each row's explanation, in the pane's order: short enough
 * to sit on the first line the explanation wraps to. */
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
	{ "layers", "hidden layer widths" },
	{ "emb_drop", "dropout after the nn" },
	{ "ps", "dropout after each of" },
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
