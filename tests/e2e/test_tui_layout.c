/* test_tui_layout.c -- the screen's room goes where it means something,
 * end to end in tmux on $COLLABTUI_DATASETS/ml-100k: Hyperparameters rows
 * only for the model that uses them (so Dataset keeps its most rated
 * list).  Assertions look for the text a user reads. */
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

TestSuite(tui_layout, .fini = fini, .timeout = 300);

/* dotbias shows neither the nn's network nor ials's alpha, and Dataset
 * has room for the top of the most rated list; nn brings its three rows
 * (each explained), ials its alpha and not the nn's. */
static void rows_follow_the_model(int w, int h)
{
	start(w, h, "");
	TMX_WAIT_TEXT(&L, "lr_find");
	TMX_NOT_ON_SCREEN(&L, "emb_drop");
	TMX_NOT_ON_SCREEN(&L, "alpha ");
	if (h >= 40) {
		/* the three most rated at 120x40, not one */
		TMX_ON_SCREEN(&L, "Star Wars (1977)");
		TMX_ON_SCREEN(&L, "Contact (1997)");
		TMX_ON_SCREEN(&L, "Fargo (1996)");
	}
	tmx_keys(&L, "3 g j Enter");
	tmx_type(&L, "nn");
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "nn: embeddings concatenated");
	/* the rows after valid split: layers, emb_drop, ps */
	tmx_keys(&L, "G k");
	TMX_WAIT_TEXT(&L, "dropout after each of");
	tmx_keys(&L, "k");
	TMX_WAIT_TEXT(&L, "dropout after the nn");
	tmx_keys(&L, "k");
	TMX_WAIT_TEXT(&L, "hidden layer widths");
	/* ials: alpha instead, explained as the chapter's paper has it */
	tmx_keys(&L, "g j Enter");
	tmx_type(&L, "ials");
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "ials: ranks rather than predicts");
	TMX_WAIT_GONE(&L, "emb_drop");
	tmx_keys(&L, "G k");
	TMX_WAIT_TEXT(&L, "1 + alpha");
	tmx_keys(&L, "Right");
	TMX_WAIT_TEXT(&L, "alpha       5");
	cr_assert(tmx_alive(&L));
}

Test(tui_layout, rows_follow_the_model_80x24) { rows_follow_the_model(80, 24); }
Test(tui_layout, rows_follow_the_model_120x40) { rows_follow_the_model(120, 40); }
Test(tui_layout, rows_follow_the_model_200x60) { rows_follow_the_model(200, 60); }
