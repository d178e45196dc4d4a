/* test_tui_export.c -- the interface's export key: refused without a
 * model, and after a run the files are written where the status line
 * says (the data directory's export/DATASET), the demo labelled. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tmuxtest.h"

static struct tmx T;

static void teardown(void)
{
	tmx_done(&T);
}

TestSuite(tui_export, .fini = teardown, .timeout = 120);

Test(tui_export, the_export_key_writes_the_model)
{
	tmx_start(&T, 160, 80, "", "--demo --epochs 1 --factors 4");
	TMX_WAIT_TEXT(&T, "demo (synthetic) | loaded: 1000 users, 1700 movies");
	tmx_keys(&T, "E");
	TMX_WAIT_TEXT(&T, "no model to export: train one first (t)");
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "demo (synthetic) | training finished");
	tmx_keys(&T, "E");
	TMX_WAIT_TEXT(&T, "exported 13 files to ");
	/* the scratch directory is XDG_DATA_HOME */
	char readme[1200];
	snprintf(readme, sizeof readme, "%s/collabtui/export/demo-synthetic/README.txt", T.dir);
	size_t len;
	char *b = (char *)testenv_slurp(readme, &len);
	cr_assert(strstr(b, "dataset:  demo (synthetic)"), "%s", b);
	cr_assert(strstr(b, "model:    dotbias, 4 factors"), "%s", b);
	free(b);
	/* the help lists the key (80 rows: the whole help fits) */
	tmx_keys(&T, "?");
	TMX_WAIT_TEXT(&T, "export the model as CSV and .npy");
	tmx_keys(&T, "Escape");
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
}

Test(tui_export, load_opens_with_a_saved_model)
{
	struct tmx *t = &T;
	testenv_tmpdir(t->dir, sizeof t->dir);
	char cmd[2600];
	snprintf(cmd, sizeof cmd, "cd '%.400s' && XDG_DATA_HOME='%.400s' '%.400s' train --demo "
		 "--epochs 1 --factors 4 --save m.bin >/dev/null 2>&1", t->dir, t->dir,
		 getenv("COLLABTUI_BIN"));
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	tmx_start(t, 120, 40, "", "--demo --load m.bin");
	TMX_WAIT_TEXT(t, "demo (synthetic) | model loaded from m.bin");
	/* the panes answer from the model: no training run needed */
	TMX_WAIT_TEXT(t, "model trained");
	tmx_keys(t, "E");
	TMX_WAIT_TEXT(t, "exported 12 files to ");
	tmx_keys(t, "q");
	cr_assert_eq(tmx_wait_exit(t), 0);
}
