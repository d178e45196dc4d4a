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

/* ---- proportions ------------------------------------------------------- */

/* The column (in characters, not bytes) where needle starts on the first
 * screen line holding both needle and also; -1 when none does. */
static int column_of(const char *cap, const char *needle, const char *also)
{
	for (const char *line = cap; *line;) {
		const char *end = strchr(line, '\n'), *at;
		size_t len = end ? (size_t)(end - line) : strlen(line);

		at = strstr(line, needle);
		if (at && at < line + len && (!also || (strstr(line, also) &&
				strstr(line, also) < line + len))) {
			int col = 0;
			for (const char *c = line; c < at; c++)
				col += ((unsigned char)*c & 0xC0) != 0x80;
			return col;
		}
		line = end ? end + 1 : line + len;
	}
	return -1;
}

/* Screen lines of the Training chart: a y axis "│" after the label. */
static int chart_lines(const char *cap)
{
	regex_t re;
	int n = 0;

	cr_assert_eq(regcomp(&re, "│ [ 0-9.e+-]{5} │", REG_EXTENDED | REG_NEWLINE), 0);
	for (const char *line = cap; *line;) {
		const char *end = strchr(line, '\n');
		char one[2048];
		size_t len = end ? (size_t)(end - line) : strlen(line);

		snprintf(one, sizeof one, "%.*s", (int)len, line);
		n += regexec(&re, one, 0, NULL, 0) == 0;
		line = end ? end + 1 : line + len;
	}
	regfree(&re);
	return n;
}

/* At 200x60 the left column takes its share (wider than 44) and the
 * Movies titles stop well short of 120 columns. */
Test(tui_layout, wide_screen_is_shared_out_200x60)
{
	start(200, 60, "");
	TMX_WAIT_TEXT(&L, "Til There Was You");
	int training = column_of(L.cap, "Training", NULL);
	int title = column_of(L.cap, "title", "ratings");
	int year = column_of(L.cap, "year", "ratings");

	cr_assert_gt(training, 50, "the right column starts at %d:\n%s", training, L.cap);
	cr_assert(title > 0 && year - title <= 70,
		  "the title column is %d wide:\n%s", year - title, L.cap);
	cr_assert(tmx_alive(&L));
}

/* At 100x30 (the smallest full layout) a 5-epoch run keeps a chart of 4
 * rows and every epoch of the table, epoch 0 included. */
Test(tui_layout, short_screen_keeps_the_chart_100x30)
{
	start(100, 30, "--epochs 5");
	tmx_keys(&L, "t");
	TMX_WAIT_TEXT(&L, "done");
	tmx_wait_regex(&L, "│ 0 +[0-9]\\.[0-9]+ +[0-9]\\.[0-9]+ +00:");
	tmx_wait_regex(&L, "│ 4 +[0-9]\\.[0-9]+ +[0-9]\\.[0-9]+ +00:");
	cr_assert_geq(chart_lines(L.cap), 4, "the chart:\n%s", L.cap);
	cr_assert(tmx_alive(&L));
}
