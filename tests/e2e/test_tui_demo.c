/* test_tui_demo.c -- the interface on the built-in demo set: with --demo,
 * and on its own when it finds no dataset (a fresh HOME, no data/ml-100k):
 * the Dataset pane's title and the status line say "demo (synthetic)"
 * whatever else happens, and the first message says how to get
 * MovieLens. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tmuxtest.h"

static struct tmx T;

static void teardown(void)
{
	tmx_done(&T);
}

TestSuite(tui_demo, .fini = teardown, .timeout = 120);

Test(tui_demo, no_dataset_opens_the_labelled_demo)
{
	/* the scratch HOME is the working directory: nothing to find */
	tmx_start(&T, 120, 40, "", "");
	TMX_WAIT_TEXT(&T, "users 1000");
	tmx_capture(&T, 0);
	TMX_ON_SCREEN(&T, "\u2500 Dataset \u2500 demo (synthetic) ");
	TMX_ON_SCREEN(&T, "demo (synthetic) | no dataset: `make data` fetches MovieLens");
	TMX_ON_SCREEN(&T, "items 1700");
	TMX_ON_SCREEN(&T, "ratings 100000");
	TMX_NOT_ON_SCREEN(&T, "ml-100k");
	/* a training run's messages keep the label */
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "demo (synthetic) | training finished");
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
}

Test(tui_demo, demo_option_labels_the_status_line)
{
	tmx_start(&T, 120, 40, "", "--demo");
	TMX_WAIT_TEXT(&T, "demo (synthetic) | loaded: 1000 users, 1700 movies");
	tmx_capture(&T, 0);
	TMX_ON_SCREEN(&T, "\u2500 Dataset \u2500 demo (synthetic) ");
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
}
